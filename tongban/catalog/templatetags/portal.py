"""Small helpers for the portal's templates: pagination links that keep the query, choice labels."""

from django import template

from tongban.catalog.choices import Audience, Theme

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, number: int) -> str:
    """The current address with only the page number changed (filters and query kept)."""
    params = context["request"].GET.copy()
    params["page"] = number
    return "?" + params.urlencode()


@register.filter
def theme_label(value: str) -> str:
    return Theme(value).label if value in Theme.values else value


@register.filter
def audience_label(value: str) -> str:
    return Audience(value).label if value in Audience.values else value


@register.filter
def percent(ratio: float) -> str:
    return f"{ratio:.0%}"
