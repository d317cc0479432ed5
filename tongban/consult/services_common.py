"""What the moderation and answering services share: locking a question against a stale page, its events
and audit entries, and its answer deadline.

The deadline is a cases.deadlines `Clock`: started on the day the question was routed (`routed_on`), a
limit of `limit_days` working days (settings.ANSWER_DAYS, read at routing and kept on the question), and
stopped on the day of the first answer. So the due date and the light are computed exactly as a case's,
and once answered the light stays what it was that day (green or yellow: answered on time; red: late).
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone

from tongban.cases import deadlines
from tongban.core.audit import AuditObject, audit_record
from tongban.core.calendar import WorkingDays
from tongban.core.errors import Conflict
from tongban.identity.access import Actor

from .choices import QuestionEventKind
from .models import Question, QuestionEvent

STALE = "该提问已被他人处理，请刷新后重试。"
DEADLINE_FIELDS = ["due_on", "due_provisional", "light", "light_changed_on"]


def workbench_link(question: Question) -> str:
    return f"/workbench/questions/{question.public_id}/"


def question_lock(question: Question, expected_version: int | None) -> Question:
    """The question's row, locked for this transaction; Conflict when the page showed an older version."""
    locked = Question.objects.select_for_update().get(pk=question.pk)
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(STALE)
    return locked


def question_save(question: Question, *fields: str) -> None:
    """Save the changed fields of a locked question and count a version: a page showing the previous one
    is now stale."""
    question.version += 1
    question.save(update_fields=[*fields, "version", "updated_at"])


def event_record(
    question: Question,
    kind: QuestionEventKind,
    *,
    by: Actor,
    reason: str = "",
    detail: dict[str, Any] | None = None,
) -> QuestionEvent:
    return QuestionEvent.objects.create(
        question=question,
        kind=kind,
        actor=by.user,
        actor_label=by.audit_context().actor_label[:100],
        reason=reason,
        detail=detail or {},
    )


def question_audit(question: Question, action: str, *, by: Actor, detail: dict[str, Any]) -> None:
    audit_record(
        action=f"question.{action}",
        context=by.audit_context(),
        obj=AuditObject.of(question),
        detail=detail,
    )


# --- The answer deadline -------------------------------------------------------------------------------


def answer_limit_days() -> int:
    """Working days a department has to answer (TONGBAN_ANSWER_DAYS, default 10)."""
    return int(getattr(settings, "ANSWER_DAYS", "10"))


def answered_on(question: Question) -> dt.date | None:
    if question.answered_at is None:
        return None
    return timezone.localtime(question.answered_at).date()


def question_clock(question: Question) -> deadlines.Clock:
    stopped = answered_on(question)
    if stopped is not None and question.routed_on is not None:
        stopped = max(stopped, question.routed_on)
    return deadlines.Clock(
        started_on=question.routed_on,
        limit_days=question.limit_days,
        stopped_on=stopped if question.routed_on is not None else None,
    )


def question_light(
    question: Question, today: dt.date | None = None, *, calendar: WorkingDays | None = None
) -> deadlines.Light | None:
    """The light as of today (as of the answer once answered); None before routing."""
    return deadlines.light(question_clock(question), today or timezone.localdate(), calendar=calendar)


def deadline_refresh(
    question: Question, today: dt.date | None = None, *, calendar: WorkingDays | None = None
) -> str | None:
    """Store the due date and the light as of today; the new colour when it changed, else None."""
    state = question_light(question, today, calendar=calendar)
    if state is None:
        question.due_on, question.due_provisional, question.light = None, False, ""
        return None
    question.due_on, question.due_provisional = state.due.date, state.provisional
    if question.light == state.colour:
        return None
    question.light, question.light_changed_on = state.colour, today or timezone.localdate()
    return state.colour
