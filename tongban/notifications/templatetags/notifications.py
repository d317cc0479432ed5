"""The unread badge in the site header: `{% load notifications %}` then `{% notifications_badge %}`."""

from django import template

from ..selectors import unread_count

register = template.Library()


@register.inclusion_tag("notifications/_badge.html", takes_context=True)
def notifications_badge(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    authenticated = bool(user and user.is_authenticated)
    return {
        "count": unread_count(user.pk) if authenticated else 0,
        "authenticated": authenticated,
        "request": request,
    }
