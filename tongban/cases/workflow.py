"""The life of a case as data: one table of transitions, and everything else derived from it.

STYLE.md, "Workflows are data" (after eGov DIGIT's workflow service): states, actions, who may take
them, in which modes, what they do to the clock, what they require — in `TABLE`, not in `if`
statements spread over views. Services look a move up with `transition()` before they change anything;
views and the API show `actions_available()`; docs/cases-workflow.md is rendered from it
(workflow_doc.py).

Pure Python, no ORM: a service gathers the few facts the guards need (`CaseFacts`) and passes them in.

Rules that are not a row of the table but follow from it:
- 首问负责: a staff member who acts on a case nobody holds becomes its owner (`Owner.FIRST_TOUCH`);
  forwarding passes the responsibility to the handling organization; a hand-over names the next owner.
  The applicant and the system never become owners.
- 行政许可法 §32(四): the five working days for a correction notice run from the last receipt of
  materials (rows with `receipt=True`); once over, only deemed acceptance is left, and the clock then
  starts on the day of that receipt (`clock_from_receipt`).
- 预审 (pre-check) is the handler's work while a case is `submitted`; it ends in acceptance, a notice
  or a refusal, so it is no status or action of its own.
- 一次告知: a correction notice on a case that already had one is a recorded fault and must say why
  it could not be in the first (`is_second_notice`).
- 多地联办 (行政许可法 §26 ¶2, §42 ¶2): one acceptance, then each organization's step; the case stays
  `in_review` while steps run, may be approved only when every step is done with consent, and its
  pauses and exits carry over to the open steps (`Transition.step_effect`). The steps' own table is
  in step_workflow.py.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from django.db import models

from tongban.catalog.choices import Mode
from tongban.core.errors import DomainError, ValidationFailed

from .choices import Action, CaseStatus, ClockEffect, Decision, Party, StepAction, StepStatus

# 行政许可法 §32(四): 申请材料不齐全……应当当场或者在五日内一次告知申请人需要补正的全部内容，
# 逾期不告知的，自收到申请材料之日起即为受理. Working days (§82).
ACCEPTANCE_NOTICE_DAYS = 5

ALL_MODES = frozenset(Mode)
PORTAL_MODES = frozenset({Mode.ONLINE, Mode.JOINT})  # a case may begin on the portal (or a kiosk, the API)
WINDOW_MODES = frozenset({Mode.PROXY, Mode.JOINT})  # a case may begin at a window


class Need(models.TextChoices):
    """What the person taking an action must give. `reason` is checked here; the others by the service
    that records them, and forms show a field for each."""

    REASON = "reason", "理由"
    REMEDIES = "remedies", "申请人的救济途径（申请行政复议或提起行政诉讼的权利）"
    DEFECTS = "defects", "需要补正的全部内容"
    PROMISE = "promise", "容缺材料及承诺补交日期"
    PROCEDURE = "procedure", "特别程序种类及所需时间"
    RECIPIENT = "recipient", "接手人员"
    CONSENT = "consent", "服务同意书"


class Owner(models.TextChoices):
    """What a transition does to the case's owner (首问负责)."""

    FIRST_TOUCH = "first_touch", "无负责人时由本次操作的工作人员负责"
    HANDLING_ORG = "handling_org", "责任转至办理地，由其首位经办人员负责"
    RECIPIENT = "recipient", "由接手人员负责"


class Guard(models.TextChoices):
    """A condition on the case beyond its status, checked against `CaseFacts`."""

    NOTICE_PERIOD_OPEN = "notice_period_open", f"受理告知期（{ACCEPTANCE_NOTICE_DAYS}个工作日）未届满"
    NOTICE_PERIOD_OVER = "notice_period_over", f"受理告知期（{ACCEPTANCE_NOTICE_DAYS}个工作日）已届满"
    STEPS_SETTLED = "steps_settled", "全部办理环节已完成且均同意"


class StepFact(NamedTuple):
    name: str  # as the applicant reads it, e.g. "鄂州市市场监督管理局：现场核查"
    stage: int  # steps of one stage run in parallel; stages run in order (catalog GuideStep.stage)
    status: StepStatus


@dataclass(frozen=True)
class CaseFacts:
    """What the guards need to know about one case besides its status; the service gathers it."""

    notices_issued: int = 0  # correction notices already issued on this case
    notice_period_over: bool = False  # the 5th working day after the last receipt has ended
    steps: tuple[StepFact, ...] = ()


@dataclass(frozen=True)
class Transition:
    """One row: from `frm` (None: the action creates the case), `action` by one of `parties`, in one of
    `modes`, leads to `to`."""

    frm: CaseStatus | None
    action: Action
    to: CaseStatus
    parties: frozenset[Party]
    modes: frozenset[Mode] = ALL_MODES
    clock: ClockEffect = ClockEffect.NONE
    needs: frozenset[Need] = frozenset()
    guard: Guard | None = None
    decision: Decision | None = None  # recorded on the case
    owner: Owner = Owner.FIRST_TOUCH
    receipt: bool = False  # materials reach the government: §32's five working days start again
    clock_from_receipt: bool = False  # the clock starts on the day of the last receipt, not today
    one_time_notice: bool = False  # 一次告知: a repeat is a recorded fault and needs a reason
    step_effect: StepAction | None = None  # what happens to the case's open steps
    basis: str = ""

    def __post_init__(self):
        for name in ("parties", "modes", "needs"):
            object.__setattr__(self, name, frozenset(getattr(self, name)))

    @property
    def needs_reason(self) -> bool:
        return Need.REASON in self.needs


class TransitionRefused(DomainError):
    """The workflow table does not allow this move now; nothing has been changed.

    409 when the case is not in a state for it (a concurrent action got there first, or the wrong
    mode), 403 when the case is but the party may not take it.
    """

    def __init__(self, message: str, status: int = 409):
        super().__init__(message=message, status=status)


S, A, P, C, N = CaseStatus, Action, Party, ClockEffect, Need

LAW = "行政许可法"
TONGBAN = "国办发〔2020〕35号（跨省通办指导意见）"

# Statuses before a decision, with what withdrawing does to the clock (DESIGN.md: withdrawn by the
# applicant, only before a decision).
_WITHDRAWABLE = {
    S.DRAFT: (PORTAL_MODES, C.NONE, None),
    S.RECEIVED: (WINDOW_MODES, C.NONE, None),
    S.SUBMITTED: (ALL_MODES, C.NONE, None),
    S.CORRECTION_REQUIRED: (ALL_MODES, C.NONE, None),
    S.ACCEPTED: (ALL_MODES, C.STOP, StepAction.CANCEL),
    S.IN_REVIEW: (ALL_MODES, C.STOP, StepAction.CANCEL),
    S.SPECIAL_PROCEDURE: (ALL_MODES, C.STOP, StepAction.CANCEL),
    S.SUSPENDED: (ALL_MODES, C.STOP, StepAction.CANCEL),
}
# Statuses in which a staff member holds the case, and who holds it there (首问负责).
_HELD = {
    S.RECEIVED: (WINDOW_MODES, {P.RECEIVING_CLERK, P.SUPERVISOR}),
    **{
        status: (ALL_MODES, {P.HANDLER, P.SUPERVISOR})
        for status in (
            S.SUBMITTED,
            S.CORRECTION_REQUIRED,
            S.ACCEPTED,
            S.IN_REVIEW,
            S.SPECIAL_PROCEDURE,
            S.SUSPENDED,
            S.DECIDED,
            S.DELIVERING,
        )
    },
}

# fmt: off
TABLE: tuple[Transition, ...] = (
    # Intake: online on the portal, or at a window for another city's item (收受分离).
    Transition(None, A.START_APPLICATION, S.DRAFT, {P.APPLICANT}, PORTAL_MODES, basis="DESIGN.md 全程网办"),
    Transition(
        None, A.RECEIVE_AT_WINDOW, S.RECEIVED, {P.RECEIVING_CLERK}, WINDOW_MODES, needs={N.CONSENT},
        receipt=True, basis=f"{TONGBAN} 异地代收：收件地按办理地标准无差别收件",
    ),
    Transition(
        S.DRAFT, A.SUBMIT, S.SUBMITTED, {P.APPLICANT}, PORTAL_MODES, receipt=True,
        basis=f"{LAW} §29, §33（电子申请）",
    ),
    Transition(
        S.RECEIVED, A.FORWARD, S.SUBMITTED, {P.RECEIVING_CLERK}, WINDOW_MODES, owner=Owner.HANDLING_ORG,
        basis=f"{TONGBAN} 收件地转办理地",
    ),
    # Acceptance by the handling organization.
    Transition(S.SUBMITTED, A.ACCEPT, S.ACCEPTED, {P.HANDLER}, clock=C.START, basis=f"{LAW} §32(五), §42"),
    Transition(
        S.SUBMITTED, A.ACCEPT_WITH_DEFICIENCY, S.ACCEPTED, {P.HANDLER}, clock=C.START,
        needs={N.PROMISE}, basis="DESIGN.md 容缺受理：非必要材料承诺后补",
    ),
    Transition(
        S.SUBMITTED, A.ISSUE_CORRECTION_NOTICE, S.CORRECTION_REQUIRED, {P.HANDLER}, needs={N.DEFECTS},
        guard=Guard.NOTICE_PERIOD_OPEN, one_time_notice=True, basis=f"{LAW} §32(四) 一次告知",
    ),
    Transition(
        S.SUBMITTED, A.REFUSE_ACCEPTANCE, S.NOT_ACCEPTED, {P.HANDLER}, needs={N.REASON, N.REMEDIES},
        basis=f"{LAW} §32(一)(二)，书面凭证 §32 ¶2",
    ),
    Transition(
        S.SUBMITTED, A.DEEM_ACCEPTED, S.ACCEPTED, {P.SYSTEM}, clock=C.START,
        guard=Guard.NOTICE_PERIOD_OVER, clock_from_receipt=True,
        basis=f"{LAW} §32(四) 逾期不告知，自收到申请材料之日起即为受理",
    ),
    Transition(
        S.CORRECTION_REQUIRED, A.RESUBMIT, S.SUBMITTED, {P.APPLICANT}, receipt=True,
        basis=f"{LAW} §32(四) 补正",
    ),
    Transition(
        S.CORRECTION_REQUIRED, A.RESUBMIT, S.SUBMITTED, {P.RECEIVING_CLERK}, WINDOW_MODES, receipt=True,
        basis=f"{LAW} §32(四) 补正；{TONGBAN} 补正材料由收件地代收",
    ),
    # Review and decision; special procedures and 挂起 pause the clock.
    Transition(
        S.ACCEPTED, A.START_REVIEW, S.IN_REVIEW, {P.HANDLER, P.SYSTEM}, step_effect=StepAction.ACTIVATE,
        basis=f"{LAW} §34；联办 §26 ¶2",
    ),
    Transition(
        S.IN_REVIEW, A.START_SPECIAL_PROCEDURE, S.SPECIAL_PROCEDURE, {P.HANDLER}, clock=C.PAUSE,
        needs={N.PROCEDURE}, step_effect=StepAction.PAUSE, basis=f"{LAW} §45 所需时间不计入期限并书面告知",
    ),
    Transition(
        S.SPECIAL_PROCEDURE, A.END_SPECIAL_PROCEDURE, S.IN_REVIEW, {P.HANDLER}, clock=C.RESUME,
        step_effect=StepAction.RESUME, basis=f"{LAW} §45",
    ),
    Transition(
        S.IN_REVIEW, A.SUSPEND, S.SUSPENDED, {P.HANDLER}, clock=C.PAUSE, needs={N.REASON},
        step_effect=StepAction.PAUSE, basis="DESIGN.md 挂起暂停计时",
    ),
    Transition(
        S.SUSPENDED, A.RESUME, S.IN_REVIEW, {P.HANDLER}, clock=C.RESUME, step_effect=StepAction.RESUME,
        basis="DESIGN.md 挂起暂停计时",
    ),
    Transition(
        S.IN_REVIEW, A.APPROVE, S.DECIDED, {P.HANDLER}, clock=C.STOP, guard=Guard.STEPS_SETTLED,
        decision=Decision.APPROVED, basis=f"{LAW} §37, §38 ¶1；联办 §26 ¶2, §42 ¶2",
    ),
    Transition(
        S.IN_REVIEW, A.DENY, S.DECIDED, {P.HANDLER}, clock=C.STOP, needs={N.REASON, N.REMEDIES},
        decision=Decision.DENIED, step_effect=StepAction.CANCEL, basis=f"{LAW} §38 ¶2 说明理由、告知权利",
    ),
    # Delivery of the result (paper by post or at the receiving window, or an e-license).
    Transition(S.DECIDED, A.DELIVER, S.DELIVERING, {P.HANDLER, P.SYSTEM}, basis=f"{LAW} §44 十日内送达"),
    Transition(
        S.DELIVERING, A.COMPLETE, S.COMPLETED, {P.APPLICANT, P.HANDLER, P.SYSTEM}, basis="DESIGN.md 办结",
    ),
    Transition(
        S.DELIVERING, A.COMPLETE, S.COMPLETED, {P.RECEIVING_CLERK}, WINDOW_MODES,
        basis=f"{TONGBAN} 结果由收件地窗口交付",
    ),
    # Side exits and hand-overs.
    *(
        Transition(
            status, A.WITHDRAW, S.WITHDRAWN, {P.APPLICANT}, modes, clock=clock, step_effect=steps,
            basis="DESIGN.md 申请人在作出决定前可撤回",
        )
        for status, (modes, clock, steps) in _WITHDRAWABLE.items()
    ),
    *(
        Transition(
            status, A.HAND_OVER, status, parties, modes, needs={N.RECIPIENT, N.REASON}, owner=Owner.RECIPIENT,
            basis="DESIGN.md 首问负责：负责人变更须记录移交",
        )
        for status, (modes, parties) in _HELD.items()
    ),
)

# fmt: on


# --- Looking a move up ------------------------------------------------------------------------------


def transition(
    status: CaseStatus | None,
    action: Action,
    *,
    party: Party,
    mode: Mode,
    facts: CaseFacts = CaseFacts(),
    reason: str = "",
) -> Transition:
    """The row that allows `party` to take `action` on a case in `status`, or TransitionRefused naming
    both; ValidationFailed on "reason" when the row needs one and none is given."""
    action = Action(action)
    where = f"办件当前状态为「{_status_label(status)}」"
    rows = [t for t in TABLE if t.frm == status and t.action == action]
    if not rows:
        raise TransitionRefused(f"{where}，不能执行「{action.label}」操作。")
    rows = [t for t in rows if mode in t.modes]
    if not rows:
        raise TransitionRefused(f"{where}，{Mode(mode).label}办件不能执行「{action.label}」操作。")
    row = next((t for t in rows if party in t.parties), None)
    if row is None:
        allowed = "或".join(p.label for p in Party if any(p in t.parties for t in rows))
        message = f"{where}，{Party(party).label}不能执行「{action.label}」操作（应由{allowed}执行）。"
        raise TransitionRefused(message, status=403)
    if refusal := guard_refusal(row.guard, facts):
        raise TransitionRefused(f"{where}，不能执行「{action.label}」操作：{refusal}")
    _require_reason(row, facts, reason)
    return row


def actions_available(
    status: CaseStatus | None, *, party: Party, mode: Mode, facts: CaseFacts = CaseFacts()
) -> tuple[Transition, ...]:
    """The rows `party` may take now, in table order: the buttons a page shows."""
    return tuple(
        t
        for t in TABLE
        if t.frm == status and party in t.parties and mode in t.modes and not guard_refusal(t.guard, facts)
    )


def clock_effect(status: CaseStatus | None, action: Action) -> ClockEffect:
    """What taking `action` in `status` does to the time limit (the same for every party and mode)."""
    row = next((t for t in TABLE if t.frm == status and t.action == action), None)
    if row is None:
        raise TransitionRefused(
            f"办件当前状态为「{_status_label(status)}」，不能执行「{Action(action).label}」操作。"
        )
    return row.clock


def is_second_notice(row: Transition, facts: CaseFacts) -> bool:
    """一次告知: a further correction notice is a recorded fault (the service counts and flags it)."""
    return row.one_time_notice and facts.notices_issued > 0


def guard_refusal(guard: Guard | None, facts: CaseFacts) -> str | None:
    """Why the guard does not hold for this case (a Chinese sentence), or None when it holds."""
    days = ACCEPTANCE_NOTICE_DAYS
    if guard == Guard.NOTICE_PERIOD_OPEN and facts.notice_period_over:
        return f"收到申请材料已超过{days}个工作日未告知补正，依法自收到申请材料之日起视为受理。"
    if guard == Guard.NOTICE_PERIOD_OVER and not facts.notice_period_over:
        return f"收到申请材料尚未满{days}个工作日，告知期限未届满。"
    if guard == Guard.STEPS_SETTLED:
        return _steps_unsettled(facts.steps)
    return None


def _steps_unsettled(steps: Sequence[StepFact]) -> str | None:
    objected = [f"「{s.name}」" for s in steps if s.status == StepStatus.OBJECTED]
    if objected:
        return f"办理环节{'、'.join(objected)}的意见为不同意。"
    unfinished = [
        f"「{s.name}」（{StepStatus(s.status).label}）" for s in steps if s.status != StepStatus.DONE
    ]
    if unfinished:
        return f"尚有办理环节未完成：{'、'.join(unfinished)}。"
    return None


def _require_reason(row: Transition, facts: CaseFacts, reason: str) -> None:
    if reason.strip():
        return
    if is_second_notice(row, facts):
        raise ValidationFailed.on(
            "reason",
            f"本件已出具过{facts.notices_issued}次一次性告知书，再次告知须说明首次告知时未能一并告知的原因。",
        )
    if row.needs_reason:
        raise ValidationFailed.on("reason", f"「{row.action.label}」须填写理由。")


def _status_label(status: CaseStatus | None) -> str:
    return "未建立" if status is None else CaseStatus(status).label


# --- What follows from the table ------------------------------------------------------------------


class ClockState(models.TextChoices):
    NOT_STARTED = "not_started", "未开始计时"
    RUNNING = "running", "计时中"
    PAUSED = "paused", "暂停计时"
    STOPPED = "stopped", "已停止计时"


_CLOCK_MOVES = {
    ClockEffect.START: {ClockState.NOT_STARTED: ClockState.RUNNING},
    ClockEffect.PAUSE: {ClockState.RUNNING: ClockState.PAUSED},
    ClockEffect.RESUME: {ClockState.PAUSED: ClockState.RUNNING},
    ClockEffect.STOP: {ClockState.RUNNING: ClockState.STOPPED, ClockState.PAUSED: ClockState.STOPPED},
}


def start_statuses(mode: Mode, table: Iterable[Transition] = TABLE) -> frozenset[CaseStatus]:
    return frozenset(t.to for t in table if t.frm is None and mode in t.modes)


def reachable_statuses(mode: Mode, table: Iterable[Transition] = TABLE) -> frozenset[CaseStatus]:
    """Every status a case of `mode` can reach from a start."""
    rows = [t for t in table if mode in t.modes]
    seen: set[CaseStatus] = set()
    todo = [t.to for t in rows if t.frm is None]
    while todo:
        status = todo.pop()
        if status not in seen:
            seen.add(status)
            todo += [t.to for t in rows if t.frm == status]
    return frozenset(seen)


def terminal_statuses(table: Iterable[Transition] = TABLE) -> frozenset[CaseStatus]:
    """Statuses no row leaves."""
    left = {t.frm for t in table}
    return frozenset(s for s in CaseStatus if s not in left)


def clock_states(table: Iterable[Transition] = TABLE) -> dict[CaseStatus, frozenset[ClockState]]:
    """The states the time limit can be in at each reachable status, walking every path of the table;
    ValueError when a row does something impossible (pausing a clock that does not run, …)."""
    table = tuple(table)
    seen: set[tuple[CaseStatus, ClockState]] = set()
    todo = [(t.to, ClockState.NOT_STARTED) for t in table if t.frm is None]
    while todo:
        status, state = todo.pop()
        if (status, state) in seen:
            continue
        seen.add((status, state))
        for t in (t for t in table if t.frm == status):
            after = state if t.clock == ClockEffect.NONE else _CLOCK_MOVES[t.clock].get(state)
            if after is None:
                raise ValueError(f"{t.frm} --{t.action}--> {t.to}: cannot {t.clock} a clock that is {state}")
            todo.append((t.to, after))
    states: dict[CaseStatus, set[ClockState]] = {}
    for status, state in seen:
        states.setdefault(status, set()).add(state)
    return {status: frozenset(found) for status, found in states.items()}


TERMINAL_STATUSES = terminal_statuses()
_CLOCK_STATES = clock_states()
# For the deadline sweep: where the promised limit runs, and where it stands still.
CLOCK_RUNNING = frozenset(s for s, found in _CLOCK_STATES.items() if found == {ClockState.RUNNING})
CLOCK_PAUSED = frozenset(s for s, found in _CLOCK_STATES.items() if found == {ClockState.PAUSED})
