"""The life of one step (环节) of a case: a second, small table beside the case's.

A 多地联办 case has one step per organization (行政许可法 §26 ¶2: one organization accepts, the others
each give their opinion, and the case is handled as one); other cases have the steps of their guide.
Steps of one stage run in parallel, stages run in order (catalog `GuideStep.stage`).

A step's pauses and its cancellation follow the case (`Transition.step_effect`, `step_moves`), so one
clock rule holds for the case and its steps and only the system takes them; only the step's own
organization (party `handler` here) finishes a step, agreeing or objecting with a reason.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tongban.core.errors import ValidationFailed

from .choices import ClockEffect, Party, StepAction, StepStatus
from .workflow import LAW, StepFact, Transition, TransitionRefused

C, P, ST, SA = ClockEffect, Party, StepStatus, StepAction


@dataclass(frozen=True)
class StepTransition:
    frm: StepStatus
    action: StepAction
    to: StepStatus
    parties: frozenset[Party]
    clock: ClockEffect = ClockEffect.NONE
    needs_reason: bool = False
    basis: str = ""

    def __post_init__(self):
        object.__setattr__(self, "parties", frozenset(self.parties))


# fmt: off
_OPINION = f"{LAW} §26 ¶2 有关部门分别提出意见"
_CASE_ENDS = "办件撤回或不予办理"
STEP_TABLE: tuple[StepTransition, ...] = (
    StepTransition(ST.PENDING, SA.ACTIVATE, ST.ACTIVE, {P.SYSTEM}, C.START, basis="前序阶段全部完成后开始"),
    StepTransition(ST.ACTIVE, SA.PAUSE, ST.PAUSED, {P.SYSTEM}, C.PAUSE, basis=f"{LAW} §45"),
    StepTransition(ST.PAUSED, SA.RESUME, ST.ACTIVE, {P.SYSTEM}, C.RESUME, basis=f"{LAW} §45"),
    StepTransition(ST.ACTIVE, SA.AGREE, ST.DONE, {P.HANDLER}, C.STOP, basis=_OPINION),
    StepTransition(ST.ACTIVE, SA.OBJECT, ST.OBJECTED, {P.HANDLER}, C.STOP, needs_reason=True, basis=_OPINION),
    StepTransition(ST.PENDING, SA.CANCEL, ST.CANCELLED, {P.SYSTEM}, basis=_CASE_ENDS),
    StepTransition(ST.ACTIVE, SA.CANCEL, ST.CANCELLED, {P.SYSTEM}, C.STOP, basis=_CASE_ENDS),
    StepTransition(ST.PAUSED, SA.CANCEL, ST.CANCELLED, {P.SYSTEM}, C.STOP, basis=_CASE_ENDS),
)
# fmt: on


def step_transition(
    status: StepStatus, action: StepAction, *, party: Party, reason: str = ""
) -> StepTransition:
    """The step row that allows `party` to take `action`, or TransitionRefused naming both."""
    action = StepAction(action)
    where = f"办理环节当前状态为「{StepStatus(status).label}」"
    rows = [t for t in STEP_TABLE if t.frm == status and t.action == action]
    if not rows:
        raise TransitionRefused(f"{where}，不能执行「{action.label}」操作。")
    row = next((t for t in rows if party in t.parties), None)
    if row is None:
        allowed = "或".join(p.label for p in Party if any(p in t.parties for t in rows))
        message = f"{where}，{Party(party).label}不能执行「{action.label}」操作（应由{allowed}执行）。"
        raise TransitionRefused(message, status=403)
    if row.needs_reason and not reason.strip():
        raise ValidationFailed.on("reason", f"「{action.label}」须填写理由。")
    return row


def steps_to_activate(steps: Sequence[StepFact]) -> tuple[int, ...]:
    """Indexes of the pending steps whose turn has come: the first stage not yet all done, once every
    earlier stage is done. Nothing moves on past a stage with an objection or a cancelled step."""
    for stage in sorted({s.stage for s in steps}):
        members = [(i, s) for i, s in enumerate(steps) if s.stage == stage]
        if all(s.status == StepStatus.DONE for _, s in members):
            continue
        if any(s.status in (StepStatus.OBJECTED, StepStatus.CANCELLED) for _, s in members):
            return ()
        return tuple(i for i, s in members if s.status == StepStatus.PENDING)
    return ()


def step_moves(row: Transition, steps: Sequence[StepFact]) -> tuple[tuple[int, StepTransition], ...]:
    """The step transitions a case transition brings with it, as (index into `steps`, step row)."""
    if row.step_effect is None:
        return ()
    if row.step_effect == StepAction.ACTIVATE:
        indexes: Iterable[int] = steps_to_activate(steps)
    else:
        indexes = [i for i, s in enumerate(steps) if _system_step_row(s.status, row.step_effect)]
    return tuple((i, _system_step_row(steps[i].status, row.step_effect)) for i in indexes)


def _system_step_row(status: StepStatus, action: StepAction) -> StepTransition | None:
    return next(
        (t for t in STEP_TABLE if t.frm == status and t.action == action and P.SYSTEM in t.parties), None
    )
