"""The question board's part of the periodic sweep (cases.sweep.sweep_run runs it as "questions").

Each routed, unanswered, open question gets its light computed again as of today. When it changes:
- to yellow, the department's answerers are reminded (event REMINDED);
- to red, the answerers are told it is overdue and, once per question (`escalated_at`), the supervisors
  whose regions include the department's are told too (event ESCALATED).
Each changed question is handled in its own transaction with its row locked; its version is left alone
(a light is no change a page must be reloaded for). Running it twice on a day changes nothing the second
time, and a notification is made once per question, colour and day.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from tongban.cases.deadlines import LightColour
from tongban.core.calendar import WorkingDays, calendar_snapshot
from tongban.identity.access import Actor
from tongban.notifications.services import notify

from .choices import QuestionEventKind
from .models import Question
from .selectors_workbench import OPEN, answerers, supervisors
from .services_common import DEADLINE_FIELDS, deadline_refresh, event_record, question_light, workbench_link

SYSTEM = Actor.system(label="系统（答复时限监控）")


def _open_questions():
    return Question.objects.filter(status__in=OPEN, routed_on__isnull=False, answered_at=None).order_by("pk")


def questions_sweep(today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    calendar = calendar_snapshot()
    counts = {"questions": 0, "yellow": 0, "red": 0, "escalated": 0}
    for question in _open_questions().only("pk", "routed_on", "limit_days", "answered_at", "light"):
        counts["questions"] += 1
        state = question_light(question, today, calendar=calendar)
        if state is None or state.colour == question.light:
            continue
        changed, escalated = _refresh(question.pk, today, calendar)
        if changed in (LightColour.YELLOW, LightColour.RED):
            counts[changed] += 1
        counts["escalated"] += escalated
    return counts


def _refresh(question_id: int, today: dt.date, calendar: WorkingDays) -> tuple[str | None, bool]:
    """The locked question's light as of today; (the new colour if it changed, whether it was escalated)."""
    with transaction.atomic():
        question = Question.objects.select_for_update(of=("self",)).get(pk=question_id)
        if question.answered_at is not None or question.status not in OPEN:
            return None, False
        changed = deadline_refresh(question, today, calendar=calendar)
        escalate = changed == LightColour.RED and question.escalated_at is None
        if escalate:
            question.escalated_at = timezone.now()
        Question.objects.filter(pk=question.pk).update(
            escalated_at=question.escalated_at, **{name: getattr(question, name) for name in DEADLINE_FIELDS}
        )
        if changed in (LightColour.YELLOW, LightColour.RED):
            _tell(question, changed, today, escalate)
    return changed, escalate


def _tell(question: Question, colour: str, today: dt.date, escalate: bool) -> None:
    department = question.department
    due = f"{question.due_on:%Y年%m月%d日}"
    if colour == LightColour.YELLOW:
        title = f"提问 {question.public_id} 即将到期，请抓紧答复"
        body = f"答复期限：{due}。"
        event_record(question, QuestionEventKind.REMINDED, by=SYSTEM, detail={"light": colour, "due_on": due})
    else:
        title = f"提问 {question.public_id} 已超过答复期限"
        body = f"{department.name}应于{due}前答复，现已超期，请尽快答复。"
    recipients = list(answerers(department.pk))
    if escalate:
        bosses = list(supervisors(department))
        event_record(
            question,
            QuestionEventKind.ESCALATED,
            by=SYSTEM,
            reason=f"超过答复期限（{due}），已督办。",
            detail={"department": department.name, "supervisors": [u.pk for u in bosses]},
        )
        recipients += [u for u in bosses if u not in recipients]
    for user in recipients:
        notify(
            recipient=user,
            kind=f"question.light_{colour}",
            title=title,
            body=body,
            link=workbench_link(question),
            dedupe_key=f"question:{question.pk}:light:{colour}:{today.isoformat()}",
        )
