"""The engine: every row of workflow.TABLE taken through case_act by its party on a real case, and
refusals (wrong party, wrong status) that change nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from tongban.catalog.choices import Mode
from tongban.core.calendar import add_working_days
from tongban.core.errors import Conflict, ValidationFailed
from tongban.core.models import AuditEntry
from tongban.identity.access import ActionRefused, Actor
from tongban.identity.tests.factories import MandateFactory, PersonFactory
from tongban.notifications.models import Notification

from ..choices import Action, CaseStatus, Decision, Party, StepStatus
from ..models import Case, CaseEvent, CaseMaterial, CaseStep, CorrectionNotice, SpecialProcedure
from ..services import (
    Deficiency,
    case_accept,
    case_act,
    case_deem_accepted,
    case_hand_over,
    case_receive_at_window,
    case_refuse,
    case_resubmit,
    case_start_online,
    case_step_finish,
    cases_deem_accepted,
    correction_notice_issue,
    special_procedure_end,
    special_procedure_start,
)
from ..workflow import TABLE, Guard, Need, Owner, Transition, TransitionRefused
from .factories import CaseFactory, Circle, add_steps, make_circle

pytestmark = pytest.mark.django_db


@pytest.fixture
def circle() -> Circle:
    return make_circle()


def actor_of(circle: Circle, party: Party, case: Case | None = None) -> Actor:
    if party == Party.APPLICANT:
        return circle.actor(circle.applicant)
    if party == Party.HANDLER:
        return circle.actor(circle.reviewer)
    if party == Party.RECEIVING_CLERK:
        return circle.actor(circle.clerk, channel="window")
    if party == Party.SUPERVISOR:
        return circle.actor(circle.supervisor)
    return Actor.system()


def snapshot(case: Case) -> tuple:
    return (
        list(Case.objects.filter(pk=case.pk).values_list()),
        list(CaseEvent.objects.filter(case=case).values_list()),
        list(CaseStep.objects.filter(case=case).values_list()),
        list(CorrectionNotice.objects.filter(case=case).values_list()),
        Notification.objects.count(),
        AuditEntry.objects.count(),
    )


def row_id(row: Transition) -> str:
    return f"{row.frm or 'new'}-{row.action}-{'+'.join(sorted(row.parties))}-{'+'.join(sorted(row.modes))}"


def case_for(circle: Circle, row: Transition) -> Case:
    mode = Mode.ONLINE if Mode.ONLINE in row.modes else sorted(row.modes)[0]
    extra = {}
    if row.guard == Guard.NOTICE_PERIOD_OVER:
        extra["received_at"] = timezone.now() - dt.timedelta(days=30)
    case = CaseFactory.for_circle(circle, status=row.frm, mode=mode, **extra)
    if row.frm in (CaseStatus.RECEIVED,) or row.owner == Owner.RECIPIENT:
        owner = circle.clerk if row.frm == CaseStatus.RECEIVED else circle.reviewer
        Case.objects.filter(pk=case.pk).update(owner=owner)
        case.refresh_from_db()
    return case


def inputs_for(circle: Circle, row: Transition, case: Case) -> dict:
    kwargs: dict = {"detail": {}}
    if Need.REASON in row.needs:
        kwargs["reason"] = "材料需进一步核实"
    if Need.REMEDIES in row.needs:
        kwargs["detail"]["remedies"] = "可在六十日内申请行政复议，或在六个月内提起行政诉讼。"
    if Need.DEFECTS in row.needs:
        kwargs["detail"]["defects"] = ["身份证复印件不清晰"]
    if Need.PROMISE in row.needs:
        kwargs["detail"]["promises"] = [{"material": "居住证明", "promised_on": "2099-01-01"}]
    if Need.PROCEDURE in row.needs:
        kwargs["detail"]["procedure"] = "expert_review"
    if Need.RECIPIENT in row.needs:
        kwargs["recipient"] = circle.clerk2 if row.frm == CaseStatus.RECEIVED else circle.reviewer2
    return kwargs


CASE_ROWS = [(row, party) for row in TABLE if row.frm is not None for party in sorted(row.parties)]


@pytest.mark.parametrize(("row", "party"), CASE_ROWS, ids=[f"{row_id(r)}:{p}" for r, p in CASE_ROWS])
def test_every_row_of_the_table_is_taken_by_its_party(circle, row, party):
    case = case_for(circle, row)
    by = actor_of(circle, party, case)
    version = case.version

    after = case_act(case=case, action=row.action, by=by, **inputs_for(circle, row, case))

    assert after.status == row.to
    assert after.version == version + 1
    event = CaseEvent.objects.get(case=case)
    assert (event.seq, event.action, event.from_status, event.to_status, event.party) == (
        1,
        row.action,
        row.frm,
        row.to,
        party,
    )
    if row.decision is not None:
        assert after.decision == row.decision
    if row.owner == Owner.RECIPIENT:
        assert after.owner == inputs_for(circle, row, case)["recipient"]
    if row.clock_from_receipt:
        assert after.clock_started_on == timezone.localtime(case.received_at).date()
    if row.action != Action.START_APPLICATION:
        assert Notification.objects.filter(
            recipient=circle.applicant, dedupe_key=f"case:{case.pk}:event:{event.pk}"
        ).exists()


@pytest.mark.parametrize("row", [r for r in TABLE if r.frm is not None], ids=row_id)
def test_a_party_the_row_does_not_name_is_refused_and_nothing_changes(circle, row):
    case = case_for(circle, row)
    wrong = [p for p in Party if p not in row.parties]
    # parties of other rows for the same move (e.g. the clerk's resubmit) are not "wrong"
    same_move = {
        p
        for t in TABLE
        if t.frm == row.frm and t.action == row.action and case.mode in t.modes
        for p in t.parties
    }
    wrong = [p for p in wrong if p not in same_move]
    assert wrong
    for party in wrong:
        before = snapshot(case)
        with pytest.raises(Exception) as caught:
            case_act(
                case=case, action=row.action, by=actor_of(circle, party), **inputs_for(circle, row, case)
            )
        assert isinstance(caught.value, (TransitionRefused,)) or caught.value.status in (403, 404)
        assert snapshot(case) == before, f"{party} was refused {row.action} but something changed"


@pytest.mark.parametrize("action", sorted({r.action for r in TABLE if r.frm is not None}))
def test_an_action_in_a_status_without_its_row_is_refused_with_a_conflict(circle, action):
    status = next(s for s in CaseStatus if not any(t.frm == s and t.action == action for t in TABLE))
    case = CaseFactory.for_circle(circle, status=status)
    before = snapshot(case)

    with pytest.raises(TransitionRefused) as caught:
        case_act(case=case, action=action, by=actor_of(circle, Party.HANDLER), reason="理由")

    assert caught.value.status == 409
    assert snapshot(case) == before


def test_a_missing_reason_is_refused_naming_the_field_and_changes_nothing(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.IN_REVIEW)
    before = snapshot(case)

    with pytest.raises(ValidationFailed) as caught:
        case_act(case=case, action=Action.SUSPEND, by=actor_of(circle, Party.HANDLER))

    assert caught.value.errors[0].field == "reason"
    assert snapshot(case) == before


def test_a_stale_version_is_a_conflict(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)
    before = snapshot(case)

    with pytest.raises(Conflict):
        case_act(
            case=case,
            action=Action.ACCEPT,
            by=actor_of(circle, Party.HANDLER),
            expected_version=case.version - 1 + 5,
        )

    assert snapshot(case) == before


# --- Creating cases -------------------------------------------------------------------------------


def test_the_same_idempotency_key_returns_the_same_case(circle):
    by = circle.actor(circle.applicant)

    first = case_start_online(by=by, implementation_version=circle.version, idempotency_key="k-1")
    again = case_start_online(by=by, implementation_version=circle.version, idempotency_key="k-1")

    assert again.pk == first.pk
    assert Case.objects.count() == 1
    assert CaseEvent.objects.filter(case=first).count() == 1
    assert first.status == CaseStatus.DRAFT
    assert first.number.startswith("01")


def test_numbers_count_up_per_city_and_day(circle):
    by = circle.actor(circle.applicant)

    a = case_start_online(by=by, implementation_version=circle.version)
    b = case_start_online(by=by, implementation_version=circle.version)

    assert int(b.number[8:14]) == int(a.number[8:14]) + 1


def test_a_cross_city_window_receives_the_other_citys_item_with_consent(circle):
    by = circle.actor(circle.clerk, channel="window")

    case = case_receive_at_window(
        by=by,
        window=circle.window,
        implementation_version=circle.version,
        applicant=circle.applicant,
        consent=True,
    )

    assert (case.status, case.mode, case.channel) == (CaseStatus.RECEIVED, Mode.PROXY, "window")
    assert (case.receiving_org, case.handling_org, case.owner) == (
        circle.receiving_org,
        circle.handling_org,
        circle.clerk,
    )
    assert case.number.startswith("07")  # numbered by the receiving city, 鄂州
    assert case.received_at is not None and case.consent_at is not None


def test_receiving_without_consent_is_refused_naming_the_field(circle):
    with pytest.raises(ValidationFailed) as caught:
        case_receive_at_window(
            by=circle.actor(circle.clerk),
            window=circle.window,
            implementation_version=circle.version,
            applicant=circle.applicant,
            consent=False,
        )

    assert caught.value.errors[0].field == "consent"
    assert Case.objects.count() == 0


def test_another_citys_clerk_cannot_receive_at_the_window(circle):
    with pytest.raises(Exception) as caught:
        case_receive_at_window(
            by=circle.actor(circle.other_city_clerk),
            window=circle.window,
            implementation_version=circle.version,
            applicant=circle.applicant,
            consent=True,
        )

    assert caught.value.status == 404
    assert Case.objects.count() == 0


def test_forwarding_passes_responsibility_to_the_handling_org(circle):
    case = case_receive_at_window(
        by=circle.actor(circle.clerk),
        window=circle.window,
        implementation_version=circle.version,
        applicant=circle.applicant,
        consent=True,
    )
    case = case_act(case=case, action=Action.FORWARD, by=circle.actor(circle.clerk))
    assert (case.status, case.owner) == (CaseStatus.SUBMITTED, None)

    case = case_accept(case=case, by=circle.actor(circle.reviewer))

    assert (case.status, case.owner) == (CaseStatus.ACCEPTED, circle.reviewer)
    assert [e.owner_after_id for e in case.events.order_by("seq")] == [
        circle.clerk.pk,
        None,
        circle.reviewer.pk,
    ]


# --- The specific services ------------------------------------------------------------------------


def test_a_second_correction_notice_must_say_why_and_is_flagged(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)
    reviewer = circle.actor(circle.reviewer)
    first = correction_notice_issue(case=case, by=reviewer, items=["身份证复印件不清晰", "缺少居住证明"])
    case_resubmit(case=case, by=circle.actor(circle.applicant))

    with pytest.raises(ValidationFailed) as caught:
        correction_notice_issue(case=case, by=reviewer, items=["缺少照片"])
    assert caught.value.errors[0].field == "reason"

    second = correction_notice_issue(
        case=case, by=reviewer, items=["缺少照片"], reason="照片要求于补正后新发布"
    )

    first.refresh_from_db()
    assert (first.number, first.is_second, first.answered_at is not None) == (1, False, True)
    assert (second.number, second.is_second, second.why_not_first) == (2, True, "照片要求于补正后新发布")
    assert first.items == ["身份证复印件不清晰", "缺少居住证明"]


def test_a_notice_without_defects_is_refused_naming_the_field(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)
    before = snapshot(case)

    with pytest.raises(ValidationFailed) as caught:
        correction_notice_issue(case=case, by=circle.actor(circle.reviewer), items=["  "])

    assert caught.value.errors[0].field == "items"
    assert snapshot(case) == before


def test_acceptance_with_a_deficiency_records_the_promise(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)
    deferrable = circle.version.materials.get(name="居住证明")
    promised = timezone.localdate() + dt.timedelta(days=10)

    case = case_accept(
        case=case, by=circle.actor(circle.reviewer), with_deficiency=[Deficiency(deferrable.pk, promised)]
    )

    assert case.status == CaseStatus.ACCEPTED
    assert case.events.get().action == Action.ACCEPT_WITH_DEFICIENCY
    material = CaseMaterial.objects.get(case=case)
    assert (material.kind, material.promised_on, material.guide_material) == (
        "deficiency",
        promised,
        deferrable,
    )


def test_a_required_material_cannot_be_deficient(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)
    required = circle.version.materials.get(name="身份证")
    before = snapshot(case)

    with pytest.raises(ValidationFailed) as caught:
        case_accept(
            case=case,
            by=circle.actor(circle.reviewer),
            with_deficiency=[Deficiency(required.pk, timezone.localdate() + dt.timedelta(days=3))],
        )

    assert caught.value.errors[0].field == "with_deficiency"
    assert snapshot(case) == before


def test_refusal_needs_remedies(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)

    with pytest.raises(ValidationFailed) as caught:
        case_refuse(case=case, by=circle.actor(circle.reviewer), reason="不属于本机关职权范围", remedies="")

    assert caught.value.errors[0].field == "remedies"
    assert Case.objects.get(pk=case.pk).status == CaseStatus.SUBMITTED


def test_deemed_acceptance_only_after_five_working_days_and_from_the_day_of_receipt(circle):
    fresh = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)
    with pytest.raises(TransitionRefused):
        case_deem_accepted(case=fresh)

    received = timezone.now() - dt.timedelta(days=30)
    old = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED, received_at=received)
    old = case_deem_accepted(case=old)

    assert old.status == CaseStatus.ACCEPTED
    assert old.clock_started_on == timezone.localtime(received).date()
    assert old.events.get().party == Party.SYSTEM
    with pytest.raises(TransitionRefused):
        correction_notice_issue(
            case=CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED, received_at=received),
            by=circle.actor(circle.reviewer),
            items=["太晚了"],
        )


def test_a_special_procedure_pauses_and_its_end_resumes(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.IN_REVIEW)
    reviewer = circle.actor(circle.reviewer)

    procedure = special_procedure_start(case=case, by=reviewer, kind="expert_review", expected_days=10)
    case.refresh_from_db()
    assert (case.status, case.paused_since) == (CaseStatus.SPECIAL_PROCEDURE, timezone.localdate())
    assert "10个工作日" in case.events.get().reason

    case = special_procedure_end(case=case, by=reviewer)
    procedure.refresh_from_db()
    assert (case.status, case.paused_since, case.paused_days) == (CaseStatus.IN_REVIEW, None, 0)
    assert procedure.ended_at is not None
    assert SpecialProcedure.objects.count() == 1


def test_a_hand_over_names_a_colleague_of_the_holding_org(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.IN_REVIEW, owner=circle.reviewer)

    with pytest.raises(ValidationFailed) as caught:
        case_hand_over(case=case, by=circle.actor(circle.reviewer), to=circle.clerk, reason="调岗")
    assert caught.value.errors[0].field == "recipient"

    case = case_hand_over(case=case, by=circle.actor(circle.reviewer), to=circle.reviewer2, reason="调岗")
    assert case.owner == circle.reviewer2
    assert AuditEntry.objects.filter(action="case.hand_over").count() == 1


def test_a_joint_case_runs_its_steps_by_stage_and_is_approved_when_all_agree(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED, mode=Mode.JOINT)
    reviewer = circle.actor(circle.reviewer)
    case = case_accept(case=case, by=reviewer)
    steps = list(case.steps.order_by("position"))
    assert [(s.stage, s.status) for s in steps] == [(1, StepStatus.PENDING), (2, StepStatus.PENDING)]

    case = case_act(case=case, action=Action.START_REVIEW, by=reviewer)
    assert list(case.steps.order_by("position").values_list("status", flat=True)) == ["active", "pending"]
    with pytest.raises(TransitionRefused):
        case_act(case=case, action=Action.APPROVE, by=reviewer)

    partner_reviewer = circle.actor(
        __import__("tongban.identity.tests.factories", fromlist=["x"])
        .StaffRoleFactory(role="reviewer", organization=steps[0].organization)
        .user
    )
    case_step_finish(step=steps[0], by=partner_reviewer, agree=True, opinion="同意")
    assert list(case.steps.order_by("position").values_list("status", flat=True)) == ["done", "active"]
    case_step_finish(step=steps[1], by=reviewer, agree=True, opinion="同意")

    case = case_act(case=case, action=Action.APPROVE, by=reviewer)
    assert (case.status, case.decision) == (CaseStatus.DECIDED, Decision.APPROVED)


def test_withdrawing_a_joint_case_cancels_its_open_steps(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.IN_REVIEW, mode=Mode.JOINT)
    add_steps(case, StepStatus.DONE, StepStatus.ACTIVE, StepStatus.PENDING)

    case = case_act(case=case, action=Action.WITHDRAW, by=circle.actor(circle.applicant), reason="不再需要")

    assert list(case.steps.order_by("position").values_list("status", flat=True)) == [
        "done",
        "cancelled",
        "cancelled",
    ]
    assert case.clock_stopped_on == timezone.localdate()


# --- Deadlines ----------------------------------------------------------------------------------------


def test_acceptance_starts_the_clock_and_stores_the_due_date_and_the_light(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)

    case = case_accept(case=case, by=circle.actor(circle.reviewer))

    today = timezone.localdate()
    due = add_working_days(today, case.promised_days)
    assert (case.clock_started_on, case.due_on, case.due_provisional) == (today, due.date, due.provisional)
    assert case.light in ("green", "yellow")
    assert case.red_on == due.date + dt.timedelta(days=1)
    assert case.yellow_on is not None and case.yellow_on <= due.date


def test_a_special_procedure_keeps_the_expected_days_for_the_due_date(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)
    reviewer = circle.actor(circle.reviewer)
    case = case_accept(case=case, by=reviewer)
    case = case_act(case=case, action=Action.START_REVIEW, by=reviewer)
    due_before = case.due_on

    special_procedure_start(case=case, by=reviewer, kind="testing", expected_days=5)

    case.refresh_from_db()
    assert (case.paused_since, case.pause_expected_days) == (timezone.localdate(), 5)
    assert case.due_on == add_working_days(due_before, 5).date


def test_a_withdrawn_case_stops_its_clock_and_shows_no_light(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)
    case = case_accept(case=case, by=circle.actor(circle.reviewer))

    case = case_act(case=case, action=Action.WITHDRAW, by=circle.actor(circle.applicant))

    assert (case.clock_stopped_on, case.light, case.red_on) == (timezone.localdate(), "", None)


def test_only_the_steps_own_organization_finishes_it_and_a_refusal_changes_nothing(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.IN_REVIEW, mode=Mode.JOINT)
    (step,) = add_steps(case, StepStatus.ACTIVE)
    step.organization = circle.receiving_org
    step.save()
    before = snapshot(case)

    with pytest.raises(ActionRefused):
        case_step_finish(step=step, by=circle.actor(circle.reviewer), agree=True, opinion="同意")
    assert snapshot(case) == before

    with pytest.raises(ValidationFailed) as caught:
        case_step_finish(step=step, by=circle.actor(circle.clerk), agree=False)
    assert caught.value.errors[0].field == "reason"
    assert snapshot(case) == before


def test_an_agent_applies_for_the_principal_and_both_are_named(circle):
    agent = PersonFactory(real_name="李四")
    mandate = MandateFactory(principal=circle.applicant, agent=agent)
    by = circle.actor(agent.user, on_behalf_of=circle.applicant)

    case = case_start_online(by=by, implementation_version=circle.version)

    assert (case.applicant, case.agent, case.mandate) == (circle.applicant, agent.user, mandate)
    event = case.events.get()
    assert (event.actor, event.on_behalf_of) == (agent.user, circle.applicant)


def test_an_agent_without_a_mandate_cannot_apply_for_someone(circle):
    stranger = PersonFactory()

    with pytest.raises(ValidationFailed) as caught:
        case_start_online(
            by=circle.actor(stranger.user, on_behalf_of=circle.applicant),
            implementation_version=circle.version,
        )

    assert caught.value.errors[0].field == "applicant"
    assert Case.objects.count() == 0


def test_the_sweep_deems_accepted_only_the_cases_past_their_notice_period(circle):
    received = timezone.now() - dt.timedelta(days=30)
    old = CaseFactory.for_circle(circle, received_at=received)
    fresh = CaseFactory.for_circle(circle)

    done = cases_deem_accepted()

    assert [c.pk for c in done] == [old.pk]
    assert Case.objects.get(pk=old.pk).status == CaseStatus.ACCEPTED
    assert Case.objects.get(pk=fresh.pk).status == CaseStatus.SUBMITTED
    assert cases_deem_accepted() == []
