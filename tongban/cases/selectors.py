"""Reads of cases, scoped to who may see them (the same rules as rules.may_view, as one query)."""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import BooleanField, Exists, F, Func, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from tongban.catalog.choices import Mode
from tongban.catalog.models import GuideMaterial, ImplementationVersion
from tongban.catalog.selectors import implementations_in_force, reach_for, version_with_guide
from tongban.core.errors import NotFound, ValidationFailed
from tongban.identity import access
from tongban.identity.access import AccessDenied, Actor
from tongban.identity.choices import Role
from tongban.identity.models import CompanyOperator, Mandate
from tongban.licenses.selectors import licenses_usable, wallet_holder_ids
from tongban.regions.models import Organization

from .choices import CaseStatus, StepStatus
from .models import Case, CaseEvent, CaseMaterial, CaseStep, Light, Shipment, ShipmentStatus
from .numbers import case_number_normalize
from .rules import CASE_STAFF, HANDLER_ROLES, RECEIVING_ROLES, parties_of
from .services import case_facts, notice_period_over, reach_includes_window
from .workflow import ACCEPTANCE_NOTICE_DAYS, Transition, actions_available

# What lists show (item, applicant, owner, the organizations), and what a case page reads on every case
# (its guide version besides); an agent or a window loads when the case has one. PostgreSQL plans a join
# of n tables in time that grows fast with n: the eleven tables these were joined with took 10-30 ms to
# plan on every page, for a query that runs in under one (bench/cases.py).
_LISTED = ("service_item", "applicant", "owner", "receiving_org", "handling_org__region")
_CASE = ("service_item", "implementation_version", "applicant", "owner", "receiving_org", "handling_org")


class _AnyOf(Func):
    """`field` is one of the values of a subquery. On PostgreSQL `field = ANY(ARRAY(subquery))`: the
    subquery runs once and the field's index serves, also inside an OR (BitmapOr), where `IN (subquery)`
    inside an OR makes PostgreSQL read every case (bench/cases.py: "my cases" took 0.3 s at 1,000,000
    cases). Elsewhere `field IN (subquery)`."""

    output_field = BooleanField()

    def _parts(self, compiler):
        (field, field_params), (ids, ids_params) = (
            compiler.compile(e) for e in self.get_source_expressions()
        )
        return field, ids, (*field_params, *ids_params)

    def as_sql(self, compiler, connection, **extra_context):
        field, ids, params = self._parts(compiler)
        return f"{field} IN {ids}", params

    def as_postgresql(self, compiler, connection, **extra_context):
        field, ids, params = self._parts(compiler)
        return f"{field} = ANY(ARRAY{ids})", params


def _any_of(field: str, ids: QuerySet) -> Q:
    return Q(_AnyOf(F(field), Subquery(ids.order_by())))


def _visibility(actor: Actor) -> Q | None:
    """The condition a case meets when the actor may see it; None when they see none. Each part is a
    condition on an indexed column of the case, so that the database combines the indexes."""
    parts: list[Q] = []
    if actor.user_id is not None:
        parts.append(Q(applicant_id=actor.user_id))
        companies = CompanyOperator.objects.filter(person__user_id=actor.user_id, revoked_at=None)
        parts.append(_any_of("applicant_id", companies.values("company__user_id")))
        today = timezone.localdate()
        mandates = Mandate.objects.filter(
            agent__user_id=actor.user_id, revoked_at=None, starts_on__lte=today, expires_on__gte=today
        )
        if actor.is_person:
            for mandate in mandates:
                items = Q() if mandate.all_items else Q(service_item__basic_code__in=mandate.item_codes or [])
                parts.append(Q(applicant_id=mandate.principal_id) & items)
    if actor.has_role(Role.HELPER) and actor.on_behalf_of is not None:
        parts.append(Q(applicant_id=actor.on_behalf_of.pk))
    if orgs := actor.organization_ids(*CASE_STAFF):
        parts.append(Q(receiving_org_id__in=orgs) | Q(handling_org_id__in=orgs))
        # The cases seen through a step alone (a 多地联办 partner's): usually none, or few.
        steps = CaseStep.objects.filter(organization_id__in=orgs).exclude(
            Q(case__receiving_org_id__in=orgs) | Q(case__handling_org_id__in=orgs)
        )
        parts.append(_any_of("pk", steps.values("case_id")))
    if actor.has_role(Role.SUPERVISOR) and (regions := actor.supervised_region_ids()):
        supervised = Organization.objects.filter(region_id__in=regions).values("pk")
        parts.append(_any_of("receiving_org_id", supervised) | _any_of("handling_org_id", supervised))
    if not parts:
        return None
    condition = parts[0]
    for part in parts[1:]:
        condition |= part
    return condition


def cases_visible(actor: Actor) -> QuerySet[Case]:
    """Every case the actor may see, newest first, with what a list shows already joined."""
    cases = Case.objects.select_related(*_LISTED)
    if actor.is_platform_admin:
        return cases
    condition = _visibility(actor)
    return cases.none() if condition is None else cases.filter(condition)


def case_get(actor: Actor, number_or_pk: str | int) -> Case:
    """One case by its number (as a person typed it) or its id; AccessDenied (404) when it does not
    exist or the actor may not see it, ValidationFailed on "case_number" when the number is malformed."""
    if isinstance(number_or_pk, int):
        case = Case.objects.select_related(*_CASE).filter(pk=number_or_pk).first()
    else:
        number = case_number_normalize(number_or_pk)
        case = Case.objects.select_related(*_CASE).filter(number=number).first()
    if case is None:
        raise AccessDenied("case.view")
    access.require(actor, "case.view", case)
    return case


def case_timeline(case: Case) -> QuerySet[CaseEvent]:
    """The case's events in order (labels are stored on each row: no joins needed to read them)."""
    return CaseEvent.objects.filter(case=case).order_by("seq")


def case_steps(case: Case) -> QuerySet[CaseStep]:
    return CaseStep.objects.filter(case=case).select_related("organization").order_by("position")


def case_actions(actor: Actor, case: Case) -> tuple[Transition, ...]:
    """The moves the actor may take on the case now, in table order, each once (the buttons of a page).
    Rows whose party the actor holds in several capacities appear once."""
    parties = parties_of(actor, case)
    if not parties:
        return ()
    facts = case_facts(case)
    seen: dict[str, Transition] = {}
    for party in parties:
        for row in actions_available(case.status, party=party, mode=case.mode, facts=facts):
            seen.setdefault(row.action, row)
    return tuple(seen.values())


def cases_deemable(today: dt.date | None = None) -> Iterator[Case]:
    """Submitted cases whose notice period is over (the sweep deems them accepted). Working days are at
    least as long as calendar days, so the query keeps only receipts older than the period in calendar
    days and the calendar decides the rest."""
    today = today or timezone.localdate()
    cutoff = timezone.now() - dt.timedelta(days=ACCEPTANCE_NOTICE_DAYS)
    candidates = Case.objects.filter(status=CaseStatus.SUBMITTED, received_at__lt=cutoff).order_by("pk")
    return (case for case in candidates.iterator() if notice_period_over(case, today))


def implementations_receivable_at(window) -> list:
    """Implementations in force of other cities that this cross-city window may receive (异地代收), by
    item name: the items a clerk can pick."""
    city_id = window.hall.region.city_id
    implementations = [
        implementation
        for implementation in implementations_in_force().order_by("service_item__name", "code")
        if implementation.organization.region.city_id != city_id
    ]
    reach = reach_for(implementations)
    return [
        implementation
        for implementation in implementations
        if any(reach_includes_window(entry, window, Mode.PROXY) for entry in reach.get(implementation.pk, []))
    ]


# --- The workbench's inboxes ----------------------------------------------------------------------

OPEN_STATUSES = (
    CaseStatus.RECEIVED,
    CaseStatus.SUBMITTED,
    CaseStatus.CORRECTION_REQUIRED,
    CaseStatus.ACCEPTED,
    CaseStatus.IN_REVIEW,
    CaseStatus.SPECIAL_PROCEDURE,
    CaseStatus.SUSPENDED,
    CaseStatus.DECIDED,
    CaseStatus.DELIVERING,
)


def inbox_cases(actor: Actor, tab: str) -> QuerySet[Case]:
    """The cases of one inbox, scoped to what the actor sees and, for the queues, to the organizations
    where the actor does that work."""
    cases = cases_visible(actor)
    if tab == "receive":
        return cases.filter(
            status=CaseStatus.RECEIVED, receiving_org_id__in=actor.organization_ids(*RECEIVING_ROLES)
        )
    if tab == "accept":
        return cases.filter(
            status=CaseStatus.SUBMITTED, handling_org_id__in=actor.organization_ids(*HANDLER_ROLES)
        )
    if tab == "corrections":
        return cases.filter(status=CaseStatus.CORRECTION_REQUIRED)
    if tab == "review":
        orgs = actor.organization_ids(*HANDLER_ROLES)
        active_here = CaseStep.objects.filter(
            case=OuterRef("pk"), organization_id__in=orgs, status=StepStatus.ACTIVE
        )
        return cases.filter(status__in=(CaseStatus.ACCEPTED, CaseStatus.IN_REVIEW)).filter(
            Q(handling_org_id__in=orgs) | Exists(active_here)
        )
    if tab == "paused":
        return cases.filter(status__in=(CaseStatus.SPECIAL_PROCEDURE, CaseStatus.SUSPENDED))
    if tab == "lights":
        # Running clocks only: a decided case keeps the light it had when the clock stopped, as history.
        running = cases.filter(clock_stopped_on=None, status__in=OPEN_STATUSES)
        return running.filter(light__in=(Light.RED, Light.YELLOW)).order_by(
            "light", "due_on", "-id"
        )  # "red" sorts before "yellow"
    if tab == "shipments":
        # The parcels on their way are few: read them once (EXISTS became a join that took 18 ms to plan).
        open_parcels = Shipment.objects.filter(status__in=(ShipmentStatus.CREATED, ShipmentStatus.IN_TRANSIT))
        return cases.filter(_any_of("pk", open_parcels.values("case_id")))
    return cases


def cases_search(cases: QuerySet[Case], q: str) -> QuerySet[Case]:
    """A case number as typed (spaces, dashes), else the applicant's name or the item's name or code."""
    q = q.strip()
    if not q:
        return cases
    try:
        return cases.filter(number=case_number_normalize(q))
    except ValidationFailed:
        pass
    return cases.filter(
        Q(applicant__person__real_name=q)
        | Q(applicant__company__name__icontains=q)
        | Q(service_item__name__icontains=q)
        | Q(service_item__basic_code=q)
    )


@dataclass(frozen=True)
class Receipt:
    """收件告知单 of a window case: what the window received, against which guide version, for which
    organization, and how the result comes back."""

    case: Case
    version: ImplementationVersion
    checklist: list[GuideMaterial]
    materials: list[CaseMaterial]
    delivery: list[str]


def case_receipt(case: Case) -> Receipt:
    if case.receiving_window_id is None:
        raise NotFound("该办件不是窗口收件，没有收件告知单。")
    version = version_with_guide(case.implementation_version_id)
    return Receipt(
        case=case,
        version=version,
        checklist=list(version.materials.all()),
        materials=list(case.materials.order_by("id")),
        delivery=_delivery_ways(case, version),
    )


def _delivery_ways(case: Case, version) -> list[str]:
    """How the result comes back to the applicant (from the handling organization's guide version)."""
    where = case.receiving_window.name if case.receiving_window else case.receiving_org.name
    ways = [f"到收件窗口（{case.receiving_org.name} {where}）领取"]
    if version.postal_results:
        ways.append("由办理单位免费邮寄送达申请人")
    if version.result_license_type_code:
        ways.append("电子证照，可在“我的办件”中查看")
    return ways


@dataclass(frozen=True)
class WalletOffer:
    """免证明 on a case: a material of its guide a license may replace, and the applicant's usable licenses
    of that type that the caller may share (none when the caller is not their holder or operator)."""

    material: GuideMaterial
    licenses: list


def case_wallet_offers(actor: Actor, case: Case) -> list[WalletOffer]:
    """For each license-replaceable material of the case's guide version, what the caller's wallet offers
    for the applicant. The case must be visible to the caller (case_get checked it)."""
    materials = [m for m in case.implementation_version.materials.all() if m.license_type_code]
    codes = {m.license_type_code for m in materials}
    holders = wallet_holder_ids(actor)
    usable = licenses_usable([case.applicant_id], codes) if codes and case.applicant_id in holders else {}
    return [WalletOffer(m, usable.get(m.license_type_code, [])) for m in materials]
