"""The single sign-on button for the login page: shown only while an OpenID Connect provider is configured,
with the message of a sign-on that was just refused (oidc.SsoCallbackView leaves it in the session)."""

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import reverse

from tongban.identity.oidc import ERROR_SESSION_KEY, provider_name

register = template.Library()


@register.inclusion_tag("identity/_sso_link.html", takes_context=True)
def sso_button(context) -> dict:
    request = context.get("request")
    session = getattr(request, "session", None)
    error = session.pop(ERROR_SESSION_KEY, None) if session is not None else None
    if not getattr(settings, "OIDC_ENABLED", False):
        return {"sso_url": None, "sso_error": error}
    url = reverse("oidc_authentication_init")
    # The login page's ?next= travels on, so the user lands where they meant to go.
    if request is not None and (next_url := request.GET.get("next")):
        url = f"{url}?{urlencode({'next': next_url})}"
    return {"sso_url": url, "sso_error": error, "provider_name": provider_name()}
