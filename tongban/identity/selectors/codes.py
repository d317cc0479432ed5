"""Reads around identity codes: what a window sees of the account a code identified (masked), whom a
clerk identified lately, and a staff member's roles for the workbench."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from tongban.core.masking import mask_id_number, mask_phone
from tongban.regions.models import Organization

from ..access import Actor
from ..choices import AccountKind
from ..models import IdentityCode, StaffRole, User
from ..rules import IDENTIFICATION_WINDOW


def mask_name(name: str) -> str:
    """A person's name with the middle hidden: 张* (two characters), 张*丰, 欧**锋 (first and last kept)."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


@dataclass(frozen=True)
class IdentifiedAccount:
    """What a window or kiosk learns from an identity code. A person's name, ID and phone are masked; a
    company's name, USCC and legal representative are public register data and shown as they are."""

    account_id: int
    kind: str
    name: str
    id_number: str = ""  # masked
    phone: str = ""  # masked
    uscc: str = ""
    legal_representative: str = ""
    person_id: int | None = None
    verified_at: datetime | None = None

    @property
    def kind_label(self) -> str:
        return "企业" if self.kind == AccountKind.COMPANY else "个人"

    @property
    def is_person(self) -> bool:
        return self.kind == AccountKind.PERSON


def account_holder(*, user: User) -> User:
    """The account with its person or company loaded (the caller checks it is one of them)."""
    return User.objects.select_related("person", "company").get(pk=user.pk)


def account_identity(*, user: User, verified_at: datetime | None = None) -> IdentifiedAccount:
    """The masked identity of a person or company account (raises ValueError for any other account)."""
    if user.kind == AccountKind.PERSON and hasattr(user, "person"):
        person = user.person
        return IdentifiedAccount(
            account_id=user.pk,
            kind=AccountKind.PERSON,
            name=mask_name(person.real_name),
            id_number=mask_id_number(person.id_number),
            phone=mask_phone(person.phone),
            person_id=person.pk,
            verified_at=verified_at,
        )
    if user.kind == AccountKind.COMPANY and hasattr(user, "company"):
        company = user.company
        return IdentifiedAccount(
            account_id=user.pk,
            kind=AccountKind.COMPANY,
            name=company.name,
            uscc=company.uscc,
            legal_representative=company.legal_representative,
            phone=mask_phone(company.phone),
            verified_at=verified_at,
        )
    raise ValueError(f"account {user.pk} is neither a person nor a company")


def recently_identified(*, by: Actor, limit: int = 10) -> list[IdentifiedAccount]:
    """The accounts this staff member identified with a code within the reveal window, newest first."""
    if by.user_id is None:
        return []
    since = timezone.now() - IDENTIFICATION_WINDOW
    codes = (
        IdentityCode.objects.filter(used_by_id=by.user_id, used_at__gte=since)
        .select_related("user__person", "user__company")
        .order_by("-used_at")[: limit * 3]
    )
    seen: set[int] = set()
    found = []
    for code in codes:
        if code.user_id not in seen:  # the newest identification of each account
            seen.add(code.user_id)
            found.append(account_identity(user=code.user, verified_at=code.used_at))
    return found[:limit]


def staff_roles_by_organization(*, user: User) -> list[tuple[Organization, list[StaffRole]]]:
    """A staff member's active roles grouped by organization, for the workbench header."""
    rows = StaffRole.objects.filter(user=user, revoked_at=None).select_related("organization__region")
    grouped: dict[int, tuple[Organization, list[StaffRole]]] = {}
    for row in rows.order_by("organization__name", "role"):
        grouped.setdefault(row.organization_id, (row.organization, []))[1].append(row)
    return list(grouped.values())
