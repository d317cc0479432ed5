"""The workflow tables, without a database: every row allowed for its parties and modes and refused for
everyone else, the shape of the graph, clock effects, guards, reasons and the 多地联办 steps."""

import itertools
from dataclasses import replace

import pytest

from tongban.cases.choices import Action, CaseStatus, ClockEffect, Decision, Party, StepAction, StepStatus
from tongban.cases.step_workflow import STEP_TABLE, step_moves, step_transition, steps_to_activate
from tongban.cases.workflow import (
    CLOCK_PAUSED,
    CLOCK_RUNNING,
    TABLE,
    TERMINAL_STATUSES,
    CaseFacts,
    ClockState,
    Guard,
    Need,
    Owner,
    StepFact,
    TransitionRefused,
    actions_available,
    clock_effect,
    clock_states,
    is_second_notice,
    reachable_statuses,
    start_statuses,
    transition,
)
from tongban.cases.workflow_doc import DOCUMENT_PATH, REGENERATE, workflow_markdown
from tongban.catalog.choices import Mode
from tongban.core.errors import ValidationFailed

S, A, P = CaseStatus, Action, Party
DONE_STEPS = (StepFact("武汉市市场监督管理局：审查", 1, StepStatus.DONE),)


def _facts_for(row) -> CaseFacts:
    """Facts under which the row's guard holds."""
    if row.guard == Guard.NOTICE_PERIOD_OVER:
        return CaseFacts(notice_period_over=True)
    return CaseFacts(steps=DONE_STEPS)


def _row_id(row) -> str:
    return f"{row.frm.value if row.frm else 'new'}-{row.action.value}-{'+'.join(sorted(row.parties))}"


def _status_label(status) -> str:
    return status.label if status else "未建立"


# --- Every row, allowed and refused -------------------------------------------------------------------


@pytest.mark.parametrize("row", TABLE, ids=_row_id)
def test_each_row_is_allowed_for_its_parties_in_its_modes(row):
    for party, mode in itertools.product(row.parties, row.modes):
        found = transition(row.frm, row.action, party=party, mode=mode, facts=_facts_for(row), reason="理由")

        assert found is row


@pytest.mark.parametrize("row", TABLE, ids=_row_id)
def test_each_row_is_refused_to_every_other_party_with_the_status_and_action_named(row):
    for mode in row.modes:
        siblings = [t for t in TABLE if (t.frm, t.action) == (row.frm, row.action) and mode in t.modes]
        allowed = {p for t in siblings for p in t.parties}
        allowed_text = "或".join(p.label for p in Party if p in allowed)
        for party in set(Party) - allowed:
            with pytest.raises(TransitionRefused) as refused:
                transition(row.frm, row.action, party=party, mode=mode, facts=_facts_for(row), reason="理由")

            assert refused.value.message == (
                f"办件当前状态为「{_status_label(row.frm)}」，{party.label}不能执行「{row.action.label}」"
                f"操作（应由{allowed_text}执行）。"
            )
            assert refused.value.status == 403


@pytest.mark.parametrize("row", TABLE, ids=_row_id)
def test_each_row_is_refused_in_the_modes_it_does_not_serve(row):
    served = {m for t in TABLE if (t.frm, t.action) == (row.frm, row.action) for m in t.modes}
    for mode in set(Mode) - served:
        with pytest.raises(TransitionRefused) as refused:
            transition(row.frm, row.action, party=next(iter(row.parties)), mode=mode, reason="理由")

        assert refused.value.message == (
            f"办件当前状态为「{_status_label(row.frm)}」，{mode.label}办件不能执行「{row.action.label}」操作。"
        )
        assert refused.value.status == 409


def test_every_action_missing_from_a_status_is_refused_with_the_status_and_action_named():
    for status, action in itertools.product([None, *CaseStatus], Action):
        if any((t.frm, t.action) == (status, action) for t in TABLE):
            continue
        with pytest.raises(TransitionRefused) as refused:
            transition(status, action, party=P.HANDLER, mode=Mode.ONLINE, reason="理由")

        assert (
            refused.value.message
            == f"办件当前状态为「{_status_label(status)}」，不能执行「{action.label}」操作。"
        )
        assert refused.value.status == 409


def test_refusals_read_as_plain_chinese():
    with pytest.raises(TransitionRefused) as completed:
        transition(S.COMPLETED, A.WITHDRAW, party=P.APPLICANT, mode=Mode.ONLINE)
    with pytest.raises(TransitionRefused) as applicant_accepts:
        transition(S.SUBMITTED, A.ACCEPT, party=P.APPLICANT, mode=Mode.PROXY)
    with pytest.raises(TransitionRefused) as online_forward:
        transition(S.RECEIVED, A.FORWARD, party=P.RECEIVING_CLERK, mode=Mode.ONLINE)

    assert completed.value.message == "办件当前状态为「已办结」，不能执行「撤回申请」操作。"
    assert applicant_accepts.value.message == (
        "办件当前状态为「已提交，待受理」，申请人（含代理人、帮办代办员）不能执行「受理」操作（应由办理地审批人员执行）。"
    )
    assert online_forward.value.message == (
        "办件当前状态为「窗口已收件，待转办理地」，全程网办办件不能执行「转送办理地」操作。"
    )


def test_a_refusal_is_a_domain_error_the_adapters_already_answer():
    with pytest.raises(TransitionRefused) as refused:
        transition(S.DECIDED, A.APPROVE, party=P.HANDLER, mode=Mode.ONLINE)

    assert str(refused.value) == "办件当前状态为「已作出决定」，不能执行「作出准予办理决定」操作。"
    assert refused.value.errors == []


def test_values_read_from_the_database_work_as_the_enumerations():
    row = transition("submitted", "accept", party="handler", mode="proxy")

    assert row.to == S.ACCEPTED
    assert [t.action for t in actions_available("decided", party="system", mode="joint")] == [A.DELIVER]
    assert clock_effect("in_review", "suspend") == ClockEffect.PAUSE


def test_one_row_at_most_answers_each_status_action_party_and_mode():
    keys = [(t.frm, t.action, p, m) for t in TABLE for p in t.parties for m in t.modes]

    assert len(keys) == len(set(keys))


def test_rows_for_the_same_move_agree_on_where_it_leads_and_on_the_clock():
    for (frm, action), rows in itertools.groupby(
        sorted(TABLE, key=lambda t: (str(t.frm), t.action)), key=lambda t: (t.frm, t.action)
    ):
        rows = list(rows)

        assert {(t.to, t.clock, t.decision, t.step_effect) for t in rows} == {
            (rows[0].to, rows[0].clock, rows[0].decision, rows[0].step_effect)
        }, (frm, action)


# --- The shape of the graph ---------------------------------------------------------------------------


def test_cases_start_as_draft_online_received_at_a_window_and_either_when_joint():
    assert start_statuses(Mode.ONLINE) == {S.DRAFT}
    assert start_statuses(Mode.PROXY) == {S.RECEIVED}
    assert start_statuses(Mode.JOINT) == {S.DRAFT, S.RECEIVED}


def test_every_status_is_reachable_from_a_start():
    reachable = set().union(*(reachable_statuses(m) for m in Mode))

    assert reachable == set(CaseStatus)
    assert reachable_statuses(Mode.ONLINE) == set(CaseStatus) - {S.RECEIVED}
    assert reachable_statuses(Mode.PROXY) == set(CaseStatus) - {S.DRAFT}
    assert reachable_statuses(Mode.JOINT) == set(CaseStatus)


def test_each_row_serves_only_modes_in_which_its_status_occurs():
    for row in TABLE:
        for mode in row.modes:
            assert row.frm is None or row.frm in reachable_statuses(mode), (row, mode)


def test_completed_not_accepted_and_withdrawn_are_terminal_and_nothing_leaves_them():
    assert {S.COMPLETED, S.NOT_ACCEPTED, S.WITHDRAWN} == TERMINAL_STATUSES
    for status in TERMINAL_STATUSES:
        assert not [t for t in TABLE if t.frm == status]
        for party, mode in itertools.product(Party, Mode):
            assert actions_available(status, party=party, mode=mode) == ()


def test_from_every_status_an_end_can_be_reached():
    for mode in Mode:
        rows = [t for t in TABLE if mode in t.modes]
        for status in reachable_statuses(mode):
            seen, todo = set(), [status]
            while todo:
                current = todo.pop()
                if current not in seen:
                    seen.add(current)
                    todo += [t.to for t in rows if t.frm == current]

            assert seen & TERMINAL_STATUSES, (mode, status)


def test_only_a_hand_over_keeps_the_status_and_it_changes_the_owner():
    loops = [t for t in TABLE if t.frm == t.to]

    assert {t.action for t in loops} == {A.HAND_OVER}
    assert {t.frm for t in loops} == set(CaseStatus) - TERMINAL_STATUSES - {S.DRAFT}
    assert all(t.owner == Owner.RECIPIENT and t.needs == {Need.RECIPIENT, Need.REASON} for t in loops)
    assert all(P.SUPERVISOR in t.parties for t in loops)


def test_forwarding_passes_responsibility_to_the_handling_org_and_other_moves_keep_first_touch():
    special = {t.action: t.owner for t in TABLE if t.owner != Owner.FIRST_TOUCH}

    assert special == {A.FORWARD: Owner.HANDLING_ORG, A.HAND_OVER: Owner.RECIPIENT}


def test_withdrawal_is_the_applicants_and_only_before_a_decision():
    withdrawals = [t for t in TABLE if t.action == A.WITHDRAW]

    assert {t.frm for t in withdrawals} == {
        S.DRAFT, S.RECEIVED, S.SUBMITTED, S.CORRECTION_REQUIRED,
        S.ACCEPTED, S.IN_REVIEW, S.SPECIAL_PROCEDURE, S.SUSPENDED,
    }  # fmt: skip
    assert all(t.parties == {P.APPLICANT} and t.to == S.WITHDRAWN for t in withdrawals)
    for status in (S.DECIDED, S.DELIVERING):
        with pytest.raises(TransitionRefused) as refused:
            transition(status, A.WITHDRAW, party=P.APPLICANT, mode=Mode.ONLINE)
        assert refused.value.message == f"办件当前状态为「{status.label}」，不能执行「撤回申请」操作。"


def test_materials_are_received_at_the_window_on_submission_and_on_resubmission_only():
    assert {(t.frm, t.action) for t in TABLE if t.receipt} == {
        (None, A.RECEIVE_AT_WINDOW),
        (S.DRAFT, A.SUBMIT),
        (S.CORRECTION_REQUIRED, A.RESUBMIT),
    }


def test_a_decision_is_recorded_by_approve_and_deny_only():
    assert {t.action: t.decision for t in TABLE if t.decision} == {
        A.APPROVE: Decision.APPROVED,
        A.DENY: Decision.DENIED,
    }


# --- The clock ------------------------------------------------------------------------------------------

CLOCK = {
    (S.SUBMITTED, A.ACCEPT): ClockEffect.START,
    (S.SUBMITTED, A.ACCEPT_WITH_DEFICIENCY): ClockEffect.START,
    (S.SUBMITTED, A.DEEM_ACCEPTED): ClockEffect.START,
    (S.IN_REVIEW, A.START_SPECIAL_PROCEDURE): ClockEffect.PAUSE,
    (S.IN_REVIEW, A.SUSPEND): ClockEffect.PAUSE,
    (S.SPECIAL_PROCEDURE, A.END_SPECIAL_PROCEDURE): ClockEffect.RESUME,
    (S.SUSPENDED, A.RESUME): ClockEffect.RESUME,
    (S.IN_REVIEW, A.APPROVE): ClockEffect.STOP,
    (S.IN_REVIEW, A.DENY): ClockEffect.STOP,
    (S.ACCEPTED, A.WITHDRAW): ClockEffect.STOP,
    (S.IN_REVIEW, A.WITHDRAW): ClockEffect.STOP,
    (S.SPECIAL_PROCEDURE, A.WITHDRAW): ClockEffect.STOP,
    (S.SUSPENDED, A.WITHDRAW): ClockEffect.STOP,
}


@pytest.mark.parametrize("row", TABLE, ids=_row_id)
def test_each_transition_has_its_clock_effect(row):
    expected = CLOCK.get((row.frm, row.action), ClockEffect.NONE)

    assert clock_effect(row.frm, row.action) == expected
    assert row.clock == expected


def test_the_clock_of_a_move_the_table_lacks_is_refused():
    with pytest.raises(TransitionRefused) as refused:
        clock_effect(S.DRAFT, A.APPROVE)

    assert refused.value.message == "办件当前状态为「草稿（未提交）」，不能执行「作出准予办理决定」操作。"


def test_the_limit_runs_from_acceptance_to_decision_and_stands_still_in_either_pause():
    states = clock_states()

    assert {S.ACCEPTED, S.IN_REVIEW} == CLOCK_RUNNING
    assert {S.SPECIAL_PROCEDURE, S.SUSPENDED} == CLOCK_PAUSED
    assert states[S.SUBMITTED] == {ClockState.NOT_STARTED}
    assert states[S.DELIVERING] == {ClockState.STOPPED}
    assert states[S.WITHDRAWN] == {ClockState.NOT_STARTED, ClockState.STOPPED}
    for status in TERMINAL_STATUSES:
        assert not states[status] & {ClockState.RUNNING, ClockState.PAUSED}


def test_a_table_that_pauses_a_clock_never_started_is_caught():
    broken = [replace(t, clock=ClockEffect.PAUSE) if t.action == A.FORWARD else t for t in TABLE]

    with pytest.raises(ValueError, match="cannot pause a clock that is not_started"):
        clock_states(broken)


def test_deemed_acceptance_starts_the_clock_on_the_day_of_receipt():
    deemed = transition(S.SUBMITTED, A.DEEM_ACCEPTED, party=P.SYSTEM, mode=Mode.PROXY, facts=_over())

    assert deemed.clock == ClockEffect.START
    assert deemed.clock_from_receipt is True
    assert [t.action for t in TABLE if t.clock_from_receipt] == [A.DEEM_ACCEPTED]


# --- Guards: the five working days of §32 -------------------------------------------------------------


def _over() -> CaseFacts:
    return CaseFacts(notice_period_over=True)


def test_a_correction_notice_after_five_working_days_is_refused():
    with pytest.raises(TransitionRefused) as refused:
        transition(S.SUBMITTED, A.ISSUE_CORRECTION_NOTICE, party=P.HANDLER, mode=Mode.ONLINE, facts=_over())

    assert refused.value.message == (
        "办件当前状态为「已提交，待受理」，不能执行「一次性告知补正」操作："
        "收到申请材料已超过5个工作日未告知补正，依法自收到申请材料之日起视为受理。"
    )


def test_the_system_deems_acceptance_only_once_the_five_days_are_over():
    with pytest.raises(TransitionRefused) as refused:
        transition(S.SUBMITTED, A.DEEM_ACCEPTED, party=P.SYSTEM, mode=Mode.ONLINE)

    assert refused.value.message == (
        "办件当前状态为「已提交，待受理」，不能执行「逾期未告知，视为受理」操作：收到申请材料尚未满5个工作日，告知期限未届满。"
    )
    assert [t.action for t in actions_available(S.SUBMITTED, party=P.SYSTEM, mode=Mode.ONLINE)] == []
    assert [
        t.action for t in actions_available(S.SUBMITTED, party=P.SYSTEM, mode=Mode.ONLINE, facts=_over())
    ] == [A.DEEM_ACCEPTED]


def test_the_handler_of_a_submitted_case_sees_acceptance_notice_refusal_and_hand_over():
    within = actions_available(S.SUBMITTED, party=P.HANDLER, mode=Mode.PROXY)
    after = actions_available(S.SUBMITTED, party=P.HANDLER, mode=Mode.PROXY, facts=_over())

    assert [t.action for t in within] == [
        A.ACCEPT, A.ACCEPT_WITH_DEFICIENCY, A.ISSUE_CORRECTION_NOTICE, A.REFUSE_ACCEPTANCE, A.HAND_OVER,
    ]  # fmt: skip
    assert [t.action for t in after] == [A.ACCEPT, A.ACCEPT_WITH_DEFICIENCY, A.REFUSE_ACCEPTANCE, A.HAND_OVER]


def test_actions_available_per_party():
    def actions(status, party, mode=Mode.ONLINE):
        return [t.action for t in actions_available(status, party=party, mode=mode)]

    assert actions(None, P.APPLICANT) == [A.START_APPLICATION]
    assert actions(None, P.RECEIVING_CLERK, Mode.PROXY) == [A.RECEIVE_AT_WINDOW]
    assert actions(S.RECEIVED, P.RECEIVING_CLERK, Mode.PROXY) == [A.FORWARD, A.HAND_OVER]
    assert actions(S.CORRECTION_REQUIRED, P.APPLICANT) == [A.RESUBMIT, A.WITHDRAW]
    assert actions(S.CORRECTION_REQUIRED, P.RECEIVING_CLERK, Mode.PROXY) == [A.RESUBMIT]
    assert actions(S.CORRECTION_REQUIRED, P.RECEIVING_CLERK, Mode.ONLINE) == []
    assert actions(S.IN_REVIEW, P.HANDLER) == [
        A.START_SPECIAL_PROCEDURE, A.SUSPEND, A.APPROVE, A.DENY, A.HAND_OVER,
    ]  # fmt: skip
    assert actions(S.IN_REVIEW, P.APPLICANT) == [A.WITHDRAW]
    assert actions(S.IN_REVIEW, P.SUPERVISOR) == [A.HAND_OVER]
    assert actions(S.DELIVERING, P.RECEIVING_CLERK, Mode.JOINT) == [A.COMPLETE]
    assert actions(S.DECIDED, P.SYSTEM) == [A.DELIVER]


# --- Reasons and the one-time notice ------------------------------------------------------------------


@pytest.mark.parametrize("row", [t for t in TABLE if t.needs_reason], ids=_row_id)
def test_a_row_that_needs_a_reason_refuses_none_naming_the_field(row):
    party, mode = sorted(row.parties)[0], sorted(row.modes)[0]

    for blank in ("", "   "):
        with pytest.raises(ValidationFailed) as refused:
            transition(row.frm, row.action, party=party, mode=mode, facts=_facts_for(row), reason=blank)

        assert refused.value.errors[0].field == "reason"
        assert refused.value.message == f"「{row.action.label}」须填写理由。"


def test_the_rows_that_need_a_reason():
    assert {t.action for t in TABLE if t.needs_reason} == {
        A.REFUSE_ACCEPTANCE,
        A.SUSPEND,
        A.DENY,
        A.HAND_OVER,
    }
    assert {t.action for t in TABLE if Need.REMEDIES in t.needs} == {A.REFUSE_ACCEPTANCE, A.DENY}
    assert {t.action: t.needs for t in TABLE if t.needs and not t.needs_reason} == {
        A.RECEIVE_AT_WINDOW: {Need.CONSENT},
        A.ACCEPT_WITH_DEFICIENCY: {Need.PROMISE},
        A.ISSUE_CORRECTION_NOTICE: {Need.DEFECTS},
        A.START_SPECIAL_PROCEDURE: {Need.PROCEDURE},
    }


def test_a_first_correction_notice_needs_no_reason_and_is_not_a_second_notice():
    row = transition(S.SUBMITTED, A.ISSUE_CORRECTION_NOTICE, party=P.HANDLER, mode=Mode.ONLINE)

    assert is_second_notice(row, CaseFacts()) is False


def test_a_second_correction_notice_must_say_why_it_was_not_in_the_first():
    second = CaseFacts(notices_issued=1)

    with pytest.raises(ValidationFailed) as refused:
        transition(S.SUBMITTED, A.ISSUE_CORRECTION_NOTICE, party=P.HANDLER, mode=Mode.ONLINE, facts=second)
    row = transition(
        S.SUBMITTED, A.ISSUE_CORRECTION_NOTICE, party=P.HANDLER, mode=Mode.ONLINE, facts=second,
        reason="申请人补正的营业执照与申请表名称不一致，首次告知时尚无此材料。",
    )  # fmt: skip

    assert refused.value.errors[0].field == "reason"
    assert (
        refused.value.message == "本件已出具过1次一次性告知书，再次告知须说明首次告知时未能一并告知的原因。"
    )
    assert is_second_notice(row, second) is True
    assert [t.action for t in TABLE if t.one_time_notice] == [A.ISSUE_CORRECTION_NOTICE]


# --- 多地联办: the case and its steps ------------------------------------------------------------------

WUHAN, EZHOU, HUANGSHI = (
    "武汉市市场监督管理局：审查",
    "鄂州市住房和城乡建设局：核查",
    "黄石市生态环境局：核查",
)


def _steps(*statuses_by_stage) -> tuple[StepFact, ...]:
    names = iter((WUHAN, EZHOU, HUANGSHI))
    return tuple(StepFact(next(names), stage, status) for stage, status in statuses_by_stage)


def test_a_joint_case_is_approved_only_when_every_step_is_done():
    running = _steps((1, StepStatus.DONE), (2, StepStatus.ACTIVE), (2, StepStatus.PENDING))
    done = _steps((1, StepStatus.DONE), (2, StepStatus.DONE), (2, StepStatus.DONE))

    with pytest.raises(TransitionRefused) as refused:
        transition(S.IN_REVIEW, A.APPROVE, party=P.HANDLER, mode=Mode.JOINT, facts=CaseFacts(steps=running))
    approved = transition(
        S.IN_REVIEW, A.APPROVE, party=P.HANDLER, mode=Mode.JOINT, facts=CaseFacts(steps=done)
    )

    assert refused.value.message == (
        "办件当前状态为「审查中」，不能执行「作出准予办理决定」操作：尚有办理环节未完成："
        f"「{EZHOU}」（办理中）、「{HUANGSHI}」（等待前序环节）。"
    )
    assert approved.decision == Decision.APPROVED
    assert A.APPROVE not in [
        t.action
        for t in actions_available(
            S.IN_REVIEW, party=P.HANDLER, mode=Mode.JOINT, facts=CaseFacts(steps=running)
        )
    ]


def test_a_joint_case_with_an_objection_cannot_be_approved_but_can_be_denied():
    objected = CaseFacts(steps=_steps((1, StepStatus.DONE), (2, StepStatus.OBJECTED), (2, StepStatus.ACTIVE)))

    with pytest.raises(TransitionRefused) as refused:
        transition(S.IN_REVIEW, A.APPROVE, party=P.HANDLER, mode=Mode.JOINT, facts=objected)
    denied = transition(
        S.IN_REVIEW, A.DENY, party=P.HANDLER, mode=Mode.JOINT, facts=objected, reason="不符合条件"
    )

    assert refused.value.message == (
        f"办件当前状态为「审查中」，不能执行「作出准予办理决定」操作：办理环节「{EZHOU}」的意见为不同意。"
    )
    assert [(i, t.action, t.to) for i, t in step_moves(denied, objected.steps)] == [
        (2, StepAction.CANCEL, StepStatus.CANCELLED)
    ]


def test_review_starts_the_first_stage_and_each_stage_waits_for_the_one_before():
    accepted = _steps((1, StepStatus.PENDING), (2, StepStatus.PENDING), (2, StepStatus.PENDING))
    review = transition(S.ACCEPTED, A.START_REVIEW, party=P.SYSTEM, mode=Mode.JOINT)

    assert [(i, t.to) for i, t in step_moves(review, accepted)] == [(0, StepStatus.ACTIVE)]
    assert (
        steps_to_activate(_steps((1, StepStatus.ACTIVE), (2, StepStatus.PENDING), (2, StepStatus.PENDING)))
        == ()
    )
    assert steps_to_activate(
        _steps((1, StepStatus.DONE), (2, StepStatus.PENDING), (2, StepStatus.PENDING))
    ) == (1, 2)
    assert steps_to_activate(_steps((1, StepStatus.DONE), (2, StepStatus.DONE), (2, StepStatus.ACTIVE))) == ()
    assert (
        steps_to_activate(_steps((1, StepStatus.OBJECTED), (2, StepStatus.PENDING), (2, StepStatus.PENDING)))
        == ()
    )
    assert steps_to_activate(_steps((1, StepStatus.DONE), (2, StepStatus.DONE), (2, StepStatus.DONE))) == ()


def test_pausing_a_joint_case_pauses_its_running_steps_and_resuming_resumes_them():
    running = _steps((1, StepStatus.DONE), (2, StepStatus.ACTIVE), (2, StepStatus.ACTIVE))
    paused = _steps((1, StepStatus.DONE), (2, StepStatus.PAUSED), (2, StepStatus.PAUSED))
    procedure = transition(S.IN_REVIEW, A.START_SPECIAL_PROCEDURE, party=P.HANDLER, mode=Mode.JOINT)
    resume = transition(S.SUSPENDED, A.RESUME, party=P.HANDLER, mode=Mode.JOINT)

    assert [(i, t.to, t.clock) for i, t in step_moves(procedure, running)] == [
        (1, StepStatus.PAUSED, ClockEffect.PAUSE),
        (2, StepStatus.PAUSED, ClockEffect.PAUSE),
    ]
    assert [(i, t.to, t.clock) for i, t in step_moves(resume, paused)] == [
        (1, StepStatus.ACTIVE, ClockEffect.RESUME),
        (2, StepStatus.ACTIVE, ClockEffect.RESUME),
    ]


def test_withdrawing_cancels_open_steps_and_leaves_finished_ones():
    steps = _steps((1, StepStatus.DONE), (2, StepStatus.PAUSED), (2, StepStatus.PENDING))
    withdraw = transition(S.SUSPENDED, A.WITHDRAW, party=P.APPLICANT, mode=Mode.JOINT)

    assert [(i, t.frm, t.to) for i, t in step_moves(withdraw, steps)] == [
        (1, StepStatus.PAUSED, StepStatus.CANCELLED),
        (2, StepStatus.PENDING, StepStatus.CANCELLED),
    ]


def test_moves_without_a_step_effect_leave_steps_alone():
    accept = transition(S.SUBMITTED, A.ACCEPT, party=P.HANDLER, mode=Mode.JOINT)

    assert step_moves(accept, _steps((1, StepStatus.PENDING))) == ()


def test_a_case_without_steps_may_be_approved():
    row = transition(S.IN_REVIEW, A.APPROVE, party=P.HANDLER, mode=Mode.ONLINE)

    assert row.to == S.DECIDED


@pytest.mark.parametrize("row", STEP_TABLE, ids=lambda t: f"{t.frm.value}-{t.action.value}")
def test_each_step_row_is_allowed_for_its_parties_and_refused_to_others(row):
    for party in Party:
        if party in row.parties:
            assert step_transition(row.frm, row.action, party=party, reason="理由") is row
            continue
        with pytest.raises(TransitionRefused) as refused:
            step_transition(row.frm, row.action, party=party, reason="理由")
        allowed = "或".join(p.label for p in Party if p in row.parties)
        assert refused.value.message == (
            f"办理环节当前状态为「{row.frm.label}」，{party.label}不能执行「{row.action.label}」操作（应由{allowed}执行）。"
        )


def test_a_step_move_the_table_lacks_is_refused_and_an_objection_needs_a_reason():
    with pytest.raises(TransitionRefused) as refused:
        step_transition(StepStatus.DONE, StepAction.OBJECT, party=P.HANDLER, reason="理由")
    with pytest.raises(ValidationFailed) as no_reason:
        step_transition(StepStatus.ACTIVE, StepAction.OBJECT, party=P.HANDLER)

    assert refused.value.message == "办理环节当前状态为「已完成」，不能执行「环节办结（不同意）」操作。"
    assert no_reason.value.errors[0].field == "reason"
    assert no_reason.value.message == "「环节办结（不同意）」须填写理由。"


def test_finished_and_cancelled_steps_have_no_exits():
    assert {t.frm for t in STEP_TABLE} == {StepStatus.PENDING, StepStatus.ACTIVE, StepStatus.PAUSED}


# --- The document ------------------------------------------------------------------------------------


def test_the_committed_workflow_document_is_the_rendered_table():
    assert DOCUMENT_PATH.read_text(encoding="utf-8") == workflow_markdown(), (
        f"docs/cases-workflow.md is stale: run `{REGENERATE}`"
    )


def test_the_document_has_a_line_for_every_row():
    text = workflow_markdown()

    for row in TABLE:
        assert f"| `{row.action.value}` {row.action.label} | `{row.to.value}` |" in text
    assert text.count("| `hand_over` ") == len([t for t in TABLE if t.action == A.HAND_OVER])
    assert "stateDiagram-v2" in text
