"""How API clients authenticate: the browser with its session (and CSRF token), systems with a bearer
token (an ApiToken: scoped, expiring, revocable; only its SHA-256 is stored).

Handlers read the caller with `api_actor(request)`, never `request.user` directly, so a token client
and a signed-in person go through the same permission layer.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from tongban.core.choices import Channel

from .access import Actor, actor_for_token, actor_from_request, client_ip
from .models import ApiToken

TOKEN_PREFIX = "tb_"  # noqa: S105 (a prefix, not a secret)
# last_used_at is written at most this often, so a busy kiosk does not write on every request.
LAST_USED_PRECISION = timedelta(minutes=5)


def token_generate() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


class TokenAuth(HttpBearer):
    """Authorization: Bearer tb_…"""

    openapi_scheme = "bearer"

    def authenticate(self, request, token: str):
        if not token.startswith(TOKEN_PREFIX):
            return None
        now = timezone.now()
        api_token = (
            ApiToken.objects.filter(token_hash=token_digest(token), revoked_at=None)
            .select_related("organization")
            .first()
        )
        if api_token is None or (api_token.expires_at and api_token.expires_at <= now):
            return None
        if api_token.last_used_at is None or now - api_token.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request._tongban_actor = actor_for_token(api_token, channel=Channel.API, ip=client_ip(request))
        return api_token


class BrowserSessionAuth(SessionAuth):
    """The portal's own session, with the CSRF token checked on unsafe methods. A request without a
    session cookie is not a browser's: it is left to the token (ninja would otherwise refuse a system's
    POST for a missing CSRF token before the token is even looked at)."""

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        return super().__call__(request)

    def _get_key(self, request):
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, "安全校验（CSRF）未通过：请刷新页面后重试。")
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None:
            actor_from_request(request, channel=Channel.WEB)
        return user


API_AUTH = [TokenAuth(), BrowserSessionAuth()]


def api_actor(request) -> Actor:
    """The actor of an API request (after ninja's auth ran): a token client or a session user."""
    actor = getattr(request, "_tongban_actor", None)
    return actor if actor is not None else actor_from_request(request, channel=Channel.WEB)
