"""Who is who in the identity-code and reveal tests, and a clock that moves without sleeping."""

from datetime import timedelta

from tongban.core.choices import Channel
from tongban.identity.access import Actor, actor_for, actor_for_token
from tongban.identity.api_auth import token_digest, token_generate
from tongban.identity.choices import Role, TokenScope
from tongban.identity.models import ApiToken, User
from tongban.identity.services import identity_codes
from tongban.regions.tests.factories import OrganizationFactory

from .factories import StaffRoleFactory


def staff(role: str = Role.WINDOW_CLERK, **kwargs) -> User:
    return StaffRoleFactory(role=role, **kwargs).user


def as_actor(user: User, channel: str = Channel.WINDOW) -> Actor:
    return actor_for(user, channel=channel)


def clerk_actor() -> Actor:
    return as_actor(staff(Role.WINDOW_CLERK))


def kiosk_token(*scopes: str) -> tuple[ApiToken, str]:
    """An ApiToken (a kiosk's) and its plaintext; by default with the identity:verify scope."""
    plaintext = token_generate()
    token = ApiToken.objects.create(
        name="自助终端 1 号",
        organization=OrganizationFactory(),
        scopes=list(scopes or [TokenScope.IDENTITY_VERIFY]),
        prefix=plaintext[:8],
        token_hash=token_digest(plaintext),
    )
    return token, plaintext


def kiosk_actor(*scopes: str) -> Actor:
    return actor_for_token(kiosk_token(*scopes)[0], channel=Channel.KIOSK)


def move_clock(monkeypatch, seconds: float) -> None:
    """Let the identity-code services see a time `seconds` from now."""
    real_now = identity_codes.timezone.now
    monkeypatch.setattr(identity_codes, "_now", lambda: real_now() + timedelta(seconds=seconds))
