"""Who sees a case: the rules (rules.may_view) and the query (selectors.cases_visible) agree, and
everyone else is told it does not exist."""

import datetime as dt

import pytest
from django.utils import timezone

from tongban.catalog.choices import Mode
from tongban.core.errors import ValidationFailed
from tongban.identity import access
from tongban.identity.access import AccessDenied, ActionRefused, Actor, actor_for
from tongban.identity.choices import Role
from tongban.identity.models import Mandate
from tongban.identity.tests.factories import PersonFactory, StaffRoleFactory

from ..choices import Action, CaseStatus, Party
from ..models import Case
from ..rules import party_of
from ..selectors import case_actions, case_get, case_timeline, cases_deemable, cases_visible
from ..services import case_act
from .factories import CaseFactory, Circle, add_steps, make_circle

pytestmark = pytest.mark.django_db


@pytest.fixture
def circle() -> Circle:
    return make_circle()


def mandate(principal, agent, *, item_codes=None, days=30, revoked=False) -> Mandate:
    today = timezone.localdate()
    return Mandate.objects.create(
        principal=principal,
        agent=agent,
        all_items=item_codes is None,
        item_codes=item_codes or [],
        starts_on=today,
        expires_on=today + dt.timedelta(days=days),
        revoked_at=timezone.now() if revoked else None,
    )


def sees(actor: Actor, case: Case) -> bool:
    by_rule = access.check(actor, "case.view", case)
    by_query = cases_visible(actor).filter(pk=case.pk).exists()
    assert by_rule == by_query, "the rule and the query disagree"
    return by_rule


def test_another_citys_clerk_is_told_the_case_does_not_exist(circle):
    case = CaseFactory.for_circle(circle, mode=Mode.PROXY)
    actor = actor_for(circle.other_city_clerk)

    assert not sees(actor, case)
    with pytest.raises(AccessDenied):
        case_get(actor, case.number)


def test_staff_of_the_receiving_and_the_handling_org_see_a_proxy_case(circle):
    case = CaseFactory.for_circle(circle, mode=Mode.PROXY)

    assert sees(actor_for(circle.clerk), case)
    assert sees(actor_for(circle.reviewer), case)
    assert case_get(actor_for(circle.clerk), case.number_display) == case


def test_an_online_case_is_not_seen_by_the_window_of_another_city(circle):
    case = CaseFactory.for_circle(circle, mode=Mode.ONLINE)

    assert not sees(actor_for(circle.clerk), case)


def test_supervisors_see_the_cases_of_their_regions(circle):
    case = CaseFactory.for_circle(circle, mode=Mode.PROXY)
    receiving_supervisor = StaffRoleFactory(role=Role.SUPERVISOR, organization=circle.receiving_org).user
    online = CaseFactory.for_circle(circle, mode=Mode.ONLINE)

    assert sees(actor_for(circle.supervisor), case)
    assert sees(actor_for(receiving_supervisor), case)
    assert not sees(actor_for(receiving_supervisor), online)


def test_an_agent_with_a_mandate_covering_the_item_sees_the_case(circle):
    case = CaseFactory.for_circle(circle)
    agent = PersonFactory()
    mandate(circle.applicant, agent, item_codes=[case.service_item.basic_code])

    assert sees(actor_for(agent.user), case)
    assert party_of(actor_for(agent.user), case) == Party.APPLICANT


@pytest.mark.parametrize("kind", ["none", "other_item", "revoked", "expired"])
def test_an_agent_without_a_mandate_in_force_for_the_item_is_told_it_does_not_exist(circle, kind):
    case = CaseFactory.for_circle(circle)
    agent = PersonFactory()
    if kind == "other_item":
        mandate(circle.applicant, agent, item_codes=["999999999999"])
    elif kind == "revoked":
        mandate(circle.applicant, agent, revoked=True)
    elif kind == "expired":
        m = mandate(circle.applicant, agent)
        Mandate.objects.filter(pk=m.pk).update(
            starts_on=timezone.localdate() - dt.timedelta(days=10),
            expires_on=timezone.localdate() - dt.timedelta(days=1),
        )

    assert not sees(actor_for(agent.user), case)
    with pytest.raises(AccessDenied):
        case_get(actor_for(agent.user), case.pk)


def test_staff_of_a_step_org_see_a_joint_case(circle):
    case = CaseFactory.for_circle(circle, mode=Mode.JOINT, status=CaseStatus.IN_REVIEW)
    (step,) = add_steps(case, "active")
    partner = StaffRoleFactory(role=Role.REVIEWER).user
    assert not sees(actor_for(partner), case)

    step.organization = StaffRoleFactory(role=Role.REVIEWER).organization
    step.save()
    partner = StaffRoleFactory(role=Role.REVIEWER, organization=step.organization).user

    assert sees(actor_for(partner), case)
    assert party_of(actor_for(partner), case) is None  # their step only: case_step_finish


def test_a_helper_acting_for_the_applicant_sees_and_acts_naming_both(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.DRAFT)
    helper = StaffRoleFactory(role=Role.HELPER, organization=circle.receiving_org).user
    alone = actor_for(helper)
    for_applicant = actor_for(helper, on_behalf_of=circle.applicant)
    assert not sees(alone, case)
    assert sees(for_applicant, case)

    case = case_act(case=case, action=Action.SUBMIT, by=for_applicant)

    event = case_timeline(case).get()
    assert (event.actor, event.on_behalf_of, event.party) == (helper, circle.applicant, Party.APPLICANT)
    assert event.on_behalf_of_label == str(circle.applicant)


def test_a_platform_admin_sees_but_does_not_act(circle):
    case = CaseFactory.for_circle(circle)
    admin = actor_for(StaffRoleFactory(role=Role.PLATFORM_ADMIN).user)

    assert sees(admin, case)
    with pytest.raises(ActionRefused):
        case_act(case=case, action=Action.ACCEPT, by=admin)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.SUBMITTED


def test_a_stranger_acting_is_told_the_case_does_not_exist(circle):
    case = CaseFactory.for_circle(circle)

    with pytest.raises(AccessDenied):
        case_act(case=case, action=Action.WITHDRAW, by=actor_for(PersonFactory().user))
    assert case_timeline(case).count() == 0


def test_a_malformed_number_is_refused_naming_the_field(circle):
    with pytest.raises(ValidationFailed) as caught:
        case_get(actor_for(circle.applicant), "1234")

    assert caught.value.errors[0].field == "case_number"


def test_the_list_takes_a_fixed_number_of_queries(circle, django_assert_max_num_queries):
    for _ in range(5):
        CaseFactory.for_circle(circle, mode=Mode.PROXY, owner=circle.clerk)
    actor = actor_for(circle.reviewer)

    with django_assert_max_num_queries(1):
        rows = [
            (c.number, c.service_item.name, c.handling_org.region.name, c.receiving_org.name, c.owner)
            for c in cases_visible(actor)
        ]

    assert len(rows) == 5


def test_the_actions_offered_are_those_of_the_actors_capacities(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)

    handler = [row.action for row in case_actions(actor_for(circle.reviewer), case)]
    applicant = [row.action for row in case_actions(actor_for(circle.applicant), case)]
    stranger = case_actions(actor_for(circle.other_city_clerk), case)

    assert handler == [
        Action.ACCEPT,
        Action.ACCEPT_WITH_DEFICIENCY,
        Action.ISSUE_CORRECTION_NOTICE,
        Action.REFUSE_ACCEPTANCE,
        Action.HAND_OVER,
    ]
    assert applicant == [Action.WITHDRAW]
    assert stranger == ()


def test_only_cases_past_the_notice_period_are_deemable(circle):
    old = CaseFactory.for_circle(circle, received_at=timezone.now() - dt.timedelta(days=30))
    CaseFactory.for_circle(circle)  # received now
    CaseFactory.for_circle(circle, status=CaseStatus.CORRECTION_REQUIRED, received_at=old.received_at)

    assert list(cases_deemable()) == [old]
