"""Who the caller of the API is (GET /api/v1/identity/me): an account with its masked personal data and
staff roles, or a system's API token with its organization and scopes."""

from dataclasses import dataclass, field
from datetime import datetime

from tongban.core.masking import mask_id_number, mask_phone

from ..access import Actor
from ..models import StaffRole

SYSTEM_KIND = "system"


@dataclass(frozen=True)
class RoleSummary:
    role: str
    organization: str
    organization_uscc: str
    item_code: str = ""


@dataclass(frozen=True)
class TokenSummary:
    name: str
    organization: str
    scopes: list[str]
    expires_at: datetime | None


@dataclass(frozen=True)
class Me:
    kind: str  # AccountKind, or SYSTEM_KIND for a token client
    display_name: str
    id_number: str = ""  # masked
    phone: str = ""  # masked
    uscc: str = ""
    verification: str = ""
    roles: list[RoleSummary] = field(default_factory=list)
    token: TokenSummary | None = None


def me_summary(actor: Actor) -> Me:
    if actor.user is None:
        token = actor.token
        return Me(
            kind=SYSTEM_KIND,
            display_name=token.name,
            token=TokenSummary(token.name, token.organization.name, list(token.scopes), token.expires_at),
        )
    user = actor.user
    roles = [
        RoleSummary(row.role, row.organization.name, row.organization.uscc, row.item_code)
        for row in StaffRole.objects.filter(user=user, revoked_at=None).select_related("organization")
    ]
    if person := getattr(user, "person", None):
        return Me(
            kind=user.kind,
            display_name=person.real_name,
            id_number=mask_id_number(person.id_number),
            phone=mask_phone(person.phone),
            verification=person.verification,
            roles=roles,
        )
    if company := getattr(user, "company", None):
        return Me(
            kind=user.kind, display_name=company.name, uscc=company.uscc, phone=mask_phone(company.phone)
        )
    return Me(kind=user.kind, display_name=str(user), roles=roles)
