"""The workbench's reads of the question board: the moderation queue, a department's inbox, one question
with everything staff may see, who answers and who supervises a department, and the statistics.

Each is scoped by the caller's access: the queue is for moderators, the inbox holds only the questions
routed to the actor's answering organizations, and statistics show supervisors the departments of their
regions (moderators and platform admins see all).
"""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from tongban.cases.deadlines import LightColour
from tongban.core.calendar import calendar_snapshot
from tongban.identity import access
from tongban.identity.access import AccessDenied, Actor
from tongban.identity.choices import Role
from tongban.identity.models import StaffRole, User
from tongban.regions.models import Organization

from .choices import HOLDING_FLAGS, QuestionEventKind, QuestionStatus, TriageFlag
from .models import Question, QuestionAsk, QuestionEvent
from .rules import ANSWER_ROLES, may_moderate

OPEN = (QuestionStatus.PENDING, QuestionStatus.PUBLISHED)
LIGHT_RANK = Case(
    When(light=LightColour.RED, then=Value(0)),
    When(light=LightColour.YELLOW, then=Value(1)),
    When(light=LightColour.GREEN, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


# --- Who answers, who supervises -----------------------------------------------------------------------


def answerers(department_id: int) -> QuerySet[User]:
    """The active staff who answer for the department (its reviewers, chief service officers, helpers)."""
    roles = StaffRole.objects.filter(organization_id=department_id, role__in=ANSWER_ROLES, revoked_at=None)
    return User.objects.filter(pk__in=roles.values("user_id"), is_active=True).order_by("pk")


def supervisors(department: Organization) -> QuerySet[User]:
    """Supervisors whose scope reaches the department's region (a city's scope reaches its districts)."""
    regions = {department.region_id, department.region.city_id} - {None}
    scope = Q(region_id__in=regions) | Q(region=None, organization__region_id__in=regions)
    roles = StaffRole.objects.filter(scope, role=Role.SUPERVISOR, revoked_at=None)
    return User.objects.filter(pk__in=roles.values("user_id"), is_active=True).order_by("pk")


# --- Lists ---------------------------------------------------------------------------------------------


def _with_rows(qs: QuerySet[Question]) -> QuerySet[Question]:
    return qs.select_related("department", "department__region", "merged_into")


def moderation_queue(*, held: bool) -> QuerySet[Question]:
    """Pending questions, oldest first: those triage held back (junk, abusive) apart from the others."""
    return _with_rows(Question.objects.filter(status=QuestionStatus.PENDING, held=held)).order_by(
        "created_at", "pk"
    )


def questions_moderated(*, status: str, query: str = "") -> QuerySet[Question]:
    """Questions of one status, newest first, optionally those whose number or text holds `query`."""
    qs = Question.objects.filter(status=status)
    if query:
        qs = qs.filter(Q(public_id=query) | Q(text__contains=query) | Q(public_text__contains=query))
    return _with_rows(qs).order_by("-created_at", "-pk")


def answer_inbox(actor: Actor, *, answered: bool = False) -> QuerySet[Question]:
    """Questions routed to the actor's answering organizations: to answer (red first, then by due date),
    or already answered (latest first)."""
    qs = Question.objects.filter(
        department_id__in=actor.organization_ids(*ANSWER_ROLES), status__in=OPEN, routed_on__isnull=False
    )
    if answered:
        return _with_rows(qs.filter(answered_at__isnull=False)).order_by("-answered_at", "-pk")
    return (
        _with_rows(qs.filter(answered_at=None))
        .annotate(light_rank=LIGHT_RANK)
        .order_by("light_rank", "due_on", "created_at", "pk")
    )


def question_for_staff(actor: Actor, public_id: str) -> Question:
    """One question for a staff page; AccessDenied (404) when there is none or the actor may not see it."""
    question = _with_rows(Question.objects.filter(public_id=public_id)).select_related("asker").first()
    if question is None:
        raise AccessDenied("question.view")
    access.require(actor, "question.view", question)
    return question


def question_flags(question: Question) -> list[dict]:
    """Triage's decisions on the question: flag, its label and why it was made."""
    found = []
    for entry in question.flags or []:
        flag = entry.get("flag", "") if isinstance(entry, dict) else ""
        label = TriageFlag(flag).label if flag in TriageFlag.values else flag
        found.append({"flag": flag, "label": label, "why": entry.get("why", "") if flag else ""})
    return found


# --- Statistics ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlagCount:
    label: str
    questions: int
    held: int


@dataclass
class DepartmentRow:
    department: Organization
    routed: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    working_days: int = 0

    @property
    def answered(self) -> int:
        return self.on_time + self.late

    @property
    def average_days(self) -> float | None:
        return round(self.working_days / self.answered, 1) if self.answered else None


@dataclass
class QuestionStats:
    """What happened in [start, end] (both days included); `overdue` is as of today, whatever the period.
    Answer time is counted in working days from the day of routing to the day of the first answer."""

    start: dt.date
    end: dt.date
    askings: int
    questions: int
    held: int
    flags: list[FlagCount]
    published: int
    rejected: int
    merged: int
    departments: list[DepartmentRow]

    def _sum(self, name: str) -> int:
        return sum(getattr(row, name) for row in self.departments)

    @property
    def on_time(self) -> int:
        return self._sum("on_time")

    @property
    def late(self) -> int:
        return self._sum("late")

    @property
    def overdue(self) -> int:
        return self._sum("overdue")

    @property
    def average_days(self) -> float | None:
        answered = self.on_time + self.late
        return round(self._sum("working_days") / answered, 1) if answered else None


def stats_scope(actor: Actor) -> QuerySet[Question]:
    """The questions whose figures the actor may see: all for moderators and platform admins; for
    supervisors those routed to departments of their regions; none for anyone else."""
    if may_moderate(actor):
        return Question.objects.all()
    if actor.has_role(Role.SUPERVISOR):
        return Question.objects.filter(department__region_id__in=actor.supervised_region_ids())
    return Question.objects.none()


def _between(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=zone),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone),
    )


def question_stats(
    actor: Actor, *, start: dt.date, end: dt.date, today: dt.date | None = None
) -> QuestionStats:
    today = today or timezone.localdate()
    scope = stats_scope(actor)
    since, until = _between(start, end)
    received = scope.filter(created_at__gte=since, created_at__lt=until)
    events = QuestionEvent.objects.filter(question__in=scope, at__gte=since, at__lt=until)
    flags = _flag_counts(received.values_list("flags", "held"))
    return QuestionStats(
        start=start,
        end=end,
        askings=QuestionAsk.objects.filter(
            question__in=scope, created_at__gte=since, created_at__lt=until
        ).count(),
        questions=received.count(),
        held=received.filter(held=True).count(),
        flags=flags,
        published=scope.filter(published_at__gte=since, published_at__lt=until).count(),
        rejected=events.filter(kind=QuestionEventKind.REJECTED).values("question").distinct().count(),
        merged=events.filter(kind=QuestionEventKind.MERGED, detail__has_key="into").count(),
        departments=_department_rows(scope, since, until, start, end, today),
    )


def _flag_counts(rows) -> list[FlagCount]:
    questions, held = Counter(), Counter()
    for flags, is_held in rows:
        for flag in {entry.get("flag") for entry in flags or [] if isinstance(entry, dict)}:
            questions[flag] += 1
            held[flag] += bool(is_held) and flag in HOLDING_FLAGS
    return [FlagCount(flag.label, questions[flag], held[flag]) for flag in TriageFlag if questions[flag]]


def _department_rows(scope, since, until, start, end, today) -> list[DepartmentRow]:
    rows: dict[int, DepartmentRow] = {}
    counts = defaultdict(Counter)
    routed = scope.filter(routed_on__gte=start, routed_on__lte=end, department__isnull=False)
    for department_id in routed.values_list("department_id", flat=True):
        counts[department_id]["routed"] += 1
    overdue = scope.filter(status__in=OPEN, answered_at=None, due_on__lt=today, department__isnull=False)
    for department_id in overdue.values_list("department_id", flat=True):
        counts[department_id]["overdue"] += 1
    calendar = calendar_snapshot()
    answered = scope.filter(answered_at__gte=since, answered_at__lt=until, routed_on__isnull=False)
    for department_id, routed_on, due_on, answered_at in answered.values_list(
        "department_id", "routed_on", "due_on", "answered_at"
    ):
        day = timezone.localtime(answered_at).date()
        counts[department_id]["on_time" if due_on is None or day <= due_on else "late"] += 1
        counts[department_id]["working_days"] += calendar.between(routed_on, max(day, routed_on))
    departments = Organization.objects.select_related("region").in_bulk(list(counts))
    for department_id, numbers in counts.items():
        rows[department_id] = DepartmentRow(departments[department_id], **numbers)
    return sorted(rows.values(), key=lambda r: (r.department.region.sort_order, r.department.pk))
