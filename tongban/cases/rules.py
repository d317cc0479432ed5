"""Who may see and act on a case, and in which capacity (Party) they act.

Seeing a case (`case.view`): its applicant (or an operator of the applicant company), an agent holding a
mandate in force from the applicant that covers the item, staff working cases (window clerks, reviewers,
helpers, chief service officers) of the receiving organization, of the handling organization and of the
organization of any of its steps, supervisors whose regions contain the receiving or handling
organization's region, and platform admins. Everyone else is told the case does not exist (404).

Acting (`case.act`) needs a party (`party_of`); which action the party may take is the workflow table's
business, not this module's. Platform admins and chief service officers see but do not act; staff of a
step's organization see the case and finish their own step (services.case_step_finish), nothing more.

selectors.cases_visible() applies the same rules as a query; test_access.py holds the two together.
"""

from django.utils import timezone

from tongban.core.choices import Channel
from tongban.identity import access
from tongban.identity.access import Actor
from tongban.identity.choices import Role
from tongban.identity.rules import operates_company
from tongban.identity.selectors.mandates import mandate_covering

from .choices import Party
from .models import Case
from .workflow import TABLE

CASE_STAFF = (Role.WINDOW_CLERK, Role.REVIEWER, Role.HELPER, Role.CHIEF_SERVICE_OFFICER)
HANDLER_ROLES = (Role.WINDOW_CLERK, Role.REVIEWER)  # pre-check and acceptance are window work (收受分离)
RECEIVING_ROLES = (Role.WINDOW_CLERK, Role.HELPER)
# When one actor could act in several capacities, the first the table allows wins, in this order.
PARTY_ORDER = (Party.APPLICANT, Party.HANDLER, Party.RECEIVING_CLERK, Party.SUPERVISOR, Party.SYSTEM)


def is_system(actor: Actor) -> bool:
    return actor.user is None and actor.token is None and actor.channel == Channel.SYSTEM


def is_applicant(actor: Actor, case: Case) -> bool:
    """The applicant's own account, or an operator of the applicant company."""
    if actor.user_id is None:
        return False
    if case.applicant_id == actor.user_id:
        return True
    company = getattr(case.applicant, "company", None)
    return company is not None and operates_company(actor, company)


def is_mandated_agent(actor: Actor, case: Case) -> bool:
    """A person holding a mandate in force from the applicant that covers the case's item."""
    if actor.user is None or not actor.is_person:
        return False
    return (
        mandate_covering(
            agent_user=actor.user,
            principal_user=case.applicant,
            item_code=case.service_item.basic_code,
            on=timezone.localdate(),
        )
        is not None
    )


def is_helper_for_applicant(actor: Actor, case: Case) -> bool:
    """帮办代办: a helper acting at the applicant's request (the actor names the applicant)."""
    behalf = actor.on_behalf_of
    return actor.has_role(Role.HELPER) and behalf is not None and behalf.pk == case.applicant_id


def step_org_ids(case: Case) -> set[int]:
    return set(case.steps.values_list("organization_id", flat=True))


def is_case_staff(actor: Actor, case: Case) -> bool:
    orgs = actor.organization_ids(*CASE_STAFF)
    if not orgs:
        return False
    if case.receiving_org_id in orgs or case.handling_org_id in orgs:
        return True
    return bool(orgs & step_org_ids(case))


def supervises_case(actor: Actor, case: Case) -> bool:
    if not actor.has_role(Role.SUPERVISOR):
        return False
    regions = actor.supervised_region_ids()
    return case.receiving_org.region_id in regions or case.handling_org.region_id in regions


def may_view(actor: Actor, case: Case) -> bool:
    return (
        is_applicant(actor, case)
        or is_mandated_agent(actor, case)
        or is_helper_for_applicant(actor, case)
        or is_case_staff(actor, case)
        or supervises_case(actor, case)
        or actor.is_platform_admin
    )


def parties_of(actor: Actor, case: Case) -> list[Party]:
    """Every capacity the actor may act in on this case, in PARTY_ORDER."""
    if is_system(actor):
        return [Party.SYSTEM]
    found = []
    if is_applicant(actor, case) or is_mandated_agent(actor, case) or is_helper_for_applicant(actor, case):
        found.append(Party.APPLICANT)
    if case.handling_org_id in actor.organization_ids(*HANDLER_ROLES):
        found.append(Party.HANDLER)
    if case.receiving_org_id != case.handling_org_id and case.receiving_org_id in actor.organization_ids(
        *RECEIVING_ROLES
    ):
        found.append(Party.RECEIVING_CLERK)
    if supervises_case(actor, case):
        found.append(Party.SUPERVISOR)
    return found


def party_of(actor: Actor, case: Case, action: str | None = None) -> Party | None:
    """The capacity the actor acts in: for `action`, the first of theirs the table allows in the case's
    status (so a clerk of the handling org who also supervises acts as handler); else the first."""
    parties = parties_of(actor, case)
    if action is not None:
        allowed = {
            p
            for t in TABLE
            if t.frm == case.status and t.action == action and case.mode in t.modes
            for p in t.parties
        }
        for party in parties:
            if party in allowed:
                return party
    return parties[0] if parties else None


def may_act(actor: Actor, case: Case) -> bool:
    return bool(parties_of(actor, case))


def may_start(actor: Actor, obj) -> bool:
    """Anyone with a person or company account applies online (for themselves or a principal)."""
    return actor.is_person or actor.is_company


def may_receive_at(actor: Actor, window) -> bool:
    """A clerk (or helper) of the organization whose hall has the window."""
    if window is None:
        return bool(actor.organization_ids(*RECEIVING_ROLES))
    return window.hall.organization_id in actor.organization_ids(*RECEIVING_ROLES)


def register_rules() -> None:
    access.register("case.view", may_view)
    access.register("case.act", may_act)
    access.register("case.start", may_start)
    access.register("case.receive", may_receive_at)
    access.register_view_action(Case, "case.view")
