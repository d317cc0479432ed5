"""Reads of mandates (委托代办), scoped to the parties: what an account gave, what a person received, one
mandate for its parties, and the mandate (if any) that lets an agent act for a principal on an item.

The parties see each other's names; ID numbers only masked. A company's name and USCC are public
register data and shown as they are.
"""

from dataclasses import dataclass
from datetime import date

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from tongban.catalog.selectors import service_item_get
from tongban.core.errors import NotFound
from tongban.core.masking import mask_id_number

from .. import access
from ..access import AccessDenied, Actor
from ..choices import AccountKind
from ..models import CompanyOperator, Mandate, User
from ..rules import operates_company


class MandateStatus(models.TextChoices):
    PENDING = "pending", "未生效"
    ACTIVE = "active", "生效中"
    EXPIRED = "expired", "已到期"
    REVOKED = "revoked", "已撤销"


@dataclass(frozen=True)
class Party:
    """One side of a mandate as the other side sees it."""

    kind: str  # AccountKind
    name: str
    identifier: str  # a person's masked ID number, a company's USCC; "" when the account has neither


def mandate_principal_for(by: Actor) -> User | None:
    """Whom a mandate made by this actor is from: the actor's account, or the company an operator acts for."""
    behalf = by.on_behalf_of
    if behalf is None:
        return by.user
    company = getattr(behalf, "company", None)
    if company is not None and operates_company(by, company):
        return behalf
    return None


def _with_parties(queryset: QuerySet[Mandate]) -> QuerySet[Mandate]:
    return queryset.select_related("principal__person", "principal__company", "agent__user", "revoked_by")


def mandates_given(actor: Actor) -> QuerySet[Mandate]:
    """Mandates from the actor's account (or from the company an operator acts for), newest first."""
    principal = mandate_principal_for(actor) if actor.user is not None else None
    if principal is None:
        return Mandate.objects.none()
    return _with_parties(Mandate.objects.filter(principal=principal))


def mandates_received(actor: Actor) -> QuerySet[Mandate]:
    """Mandates naming the actor (a person) as agent, newest first."""
    if actor.user is None:
        return Mandate.objects.none()
    return _with_parties(Mandate.objects.filter(agent__user_id=actor.user_id))


def mandate_get(actor: Actor, pk: int) -> Mandate:
    """One mandate for one of its parties (or a platform admin); anyone else is told it does not exist."""
    mandate = _with_parties(Mandate.objects.filter(pk=pk)).first()
    if mandate is None:
        raise AccessDenied("mandate.view")
    access.require(actor, "mandate.view", mandate)
    return mandate


def mandate_covering(
    *, agent_user: User, principal_user: User, item_code: str, on: date | None = None
) -> Mandate | None:
    """The newest mandate in force on the day by which the principal lets the agent act on the item."""
    on = on or timezone.localdate()
    candidates = Mandate.objects.filter(
        agent__user=agent_user,
        principal=principal_user,
        revoked_at=None,
        starts_on__lte=on,
        expires_on__gte=on,
    )
    # item_codes is a JSON list; "contains" is not available on SQLite, and a principal has few mandates.
    return next((mandate for mandate in candidates if mandate.covers(item_code)), None)


def principals_for(actor: Actor, item_code: str, on: date | None = None) -> list[tuple[User, str, str]]:
    """Whom a person may apply for on the item, as (account, name, how): the companies they operate (经办)
    and the principals whose mandate in force covers the item (受委托), the company first when both hold."""
    if actor.user is None or actor.user.kind != AccountKind.PERSON:
        return []
    on = on or timezone.localdate()
    operated = CompanyOperator.objects.filter(person__user=actor.user, revoked_at=None).select_related(
        "company__user"
    )
    found = [(op.company.user, op.company.name, "经办") for op in operated]
    mandates = mandates_received(actor).filter(revoked_at=None, starts_on__lte=on, expires_on__gte=on)
    for mandate in mandates:
        if mandate.covers(item_code) and all(user.pk != mandate.principal_id for user, *_ in found):
            found.append((mandate.principal, str(mandate.principal), "受委托"))
    return found


def mandate_status(mandate: Mandate, on: date | None = None) -> MandateStatus:
    on = on or timezone.localdate()
    if mandate.revoked_at is not None:
        return MandateStatus.REVOKED
    if on < mandate.starts_on:
        return MandateStatus.PENDING
    if on > mandate.expires_on:
        return MandateStatus.EXPIRED
    return MandateStatus.ACTIVE


def principal_party(mandate: Mandate) -> Party:
    user = mandate.principal
    if company := getattr(user, "company", None):
        return Party(AccountKind.COMPANY, company.name, company.uscc)
    if person := getattr(user, "person", None):
        return Party(AccountKind.PERSON, person.real_name, mask_id_number(person.id_number))
    return Party(user.kind, str(user), "")


def agent_party(mandate: Mandate) -> Party:
    return Party(AccountKind.PERSON, mandate.agent.real_name, mask_id_number(mandate.agent.id_number))


def item_names(codes: list[str]) -> dict[str, str | None]:
    """The catalog's name of each basic code (None for a code the catalog does not have)."""
    names = {}
    for code in codes:
        try:
            names[code] = service_item_get(basic_code=code).name
        except NotFound:
            names[code] = None
    return names
