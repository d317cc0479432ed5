"""Reads for the account pages: a signed-in user's own account, display-ready and masked, and the name
to log in with when someone typed a resident ID number instead of a user name."""

import re
from dataclasses import dataclass, field
from datetime import datetime

from tongban.core.masking import mask_id_number, mask_phone

from .. import access
from ..access import Actor
from ..choices import AccountKind, Role
from ..models import Company, CompanyOperator, Person, StaffRole, id_number_index

ID_NUMBER = re.compile(r"\d{17}[\dXx]")


def login_username(entered: str) -> str:
    """The user name behind what was typed into the login form. An 18-digit ID number is looked up by its
    blind index; one that names no account becomes a name no account can have ("#" is not allowed in
    user names), so that the failure is counted against that value and the ID number itself is never
    stored by the lockout tables."""
    entered = (entered or "").strip()
    if not ID_NUMBER.fullmatch(entered):
        return entered
    index = id_number_index(entered.upper())
    person = Person.objects.filter(id_number_index=index).select_related("user").first()
    return person.user.get_username() if person else f"id#{index[:24]}"


def person_matching(*, real_name: str, id_number: str) -> Person | None:
    """The active person registered with this resident ID number (found through its blind index) and
    exactly this real name; None otherwise. Callers answer "not found" and "name differs" alike, so a form
    cannot be used to learn who is registered."""
    person = (
        Person.objects.select_related("user")
        .filter(id_number_index=id_number_index((id_number or "").strip().upper()), user__is_active=True)
        .first()
    )
    return person if person is not None and person.real_name == (real_name or "").strip() else None


@dataclass(frozen=True)
class OperatorRow:
    id: int
    name: str
    id_number: str  # masked
    granted_at: datetime


@dataclass(frozen=True)
class CompanyFacts:
    id: int
    name: str
    uscc: str
    legal_representative: str
    legal_representative_id_number: str  # masked
    phone: str  # masked
    operators: list[OperatorRow] = field(default_factory=list)


@dataclass(frozen=True)
class StaffRoleRow:
    organization: str
    role: str
    scope: str


@dataclass(frozen=True)
class AccountOverview:
    kind: str
    kind_label: str
    username: str
    name: str
    email: str
    id_number: str = ""  # masked
    phone: str = ""  # masked
    verification: str = ""
    company: CompanyFacts | None = None
    operating_for: list[str] = field(default_factory=list)  # companies a person is an operator of
    staff_roles: list[StaffRoleRow] = field(default_factory=list)


def account_overview(*, actor: Actor) -> AccountOverview:
    """The actor's own account as "my account" shows it. ID and phone numbers are masked."""
    user = actor.user
    person = Person.objects.filter(user=user).first()
    company = Company.objects.filter(user=user).first()
    return AccountOverview(
        kind=user.kind,
        kind_label=AccountKind(user.kind).label,
        username=user.get_username(),
        name=person.real_name if person else (company.name if company else str(user)),
        email=user.email,
        **(_person_fields(person) if person else {}),
        company=company_facts(actor=actor, company=company) if company else None,
        staff_roles=_staff_roles(user),
    )


def _person_fields(person: Person) -> dict:
    companies = (
        CompanyOperator.objects.filter(person=person, revoked_at=None)
        .select_related("company")
        .order_by("company__name")
    )
    return {
        "id_number": mask_id_number(person.id_number),
        "phone": mask_phone(person.phone),
        "verification": person.get_verification_display(),
        "operating_for": [row.company.name for row in companies],
    }


def company_facts(*, actor: Actor, company: Company) -> CompanyFacts:
    """A company as its own account sees it, with its active operators (masked)."""
    access.require(actor, "company.view", company)
    rows = (
        CompanyOperator.objects.filter(company=company, revoked_at=None)
        .select_related("person")
        .order_by("granted_at", "pk")
    )
    return CompanyFacts(
        id=company.pk,
        name=company.name,
        uscc=company.uscc,
        legal_representative=company.legal_representative,
        legal_representative_id_number=mask_id_number(company.legal_representative_id_number),
        phone=mask_phone(company.phone),
        operators=[
            OperatorRow(
                id=row.pk,
                name=row.person.real_name,
                id_number=mask_id_number(row.person.id_number),
                granted_at=row.granted_at,
            )
            for row in rows
        ],
    )


def company_operator_get(*, actor: Actor, company: Company, pk: int) -> CompanyOperator:
    """One of the company's operator grants, for the company's own account (404 for anyone else)."""
    access.require(actor, "company.manage_operators", company)
    operator = CompanyOperator.objects.filter(company=company, pk=pk).select_related("company").first()
    if operator is None:
        raise access.AccessDenied("company.manage_operators", None)
    return operator


def _staff_roles(user) -> list[StaffRoleRow]:
    rows = StaffRole.objects.filter(user=user, revoked_at=None).select_related("organization", "region")
    return [
        StaffRoleRow(
            organization=row.organization.name,
            role=Role(row.role).label,
            scope=row.region.name if row.region_id else (row.item_code or ""),
        )
        for row in rows
    ]
