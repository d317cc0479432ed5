"""The moderators' acts on a question: publish, reject, merge, edit the public wording, route.

Every act locks the question (a stale page gets Conflict), checks `question.moderate` (platform admins and
question moderators; a department's staff who see the question are refused 403, anyone else 404), then
the state and the input, changes the row, writes an event and an audit entry — in one transaction.

Decisions:
- Only a pending or published question is moderated; a rejected or merged one is closed. Reject also
  takes a published question off the board (the reason is kept).
- Publishing needs a department to answer it: the one chosen now, else the one it was routed to. A
  question not yet routed (or published with another department) is routed at the same time, with its
  own ROUTED event, so the answer clock starts no later than publication.
- Routing starts (or, to another department, restarts) the answer clock on the day of routing with
  TONGBAN_ANSWER_DAYS working days; the new department's answerers are told. An answered question is
  not routed again (its answer came from its department).
- Merging moves the merged question's askings (with their follow links and ratings) to the target and
  adds its count to the target's; the merged question keeps its text and its count as they were, gets
  status merged and `merged_into`, and questions merged into it earlier now point at the target. A
  question is never merged into itself, into a merged or rejected one (so no chain can loop), nor when
  it already has an answer. Both questions get an event naming the other and the moved askings.
- Editing changes only `public_text`; the asker's original text is never changed. A reason is required
  once the question is public.
"""

from django.db import transaction
from django.utils import timezone

from tongban.core.errors import Conflict, ValidationFailed
from tongban.identity import access
from tongban.identity.access import Actor
from tongban.notifications.services import notify
from tongban.regions.models import Organization

from .choices import QuestionEventKind, QuestionStatus
from .models import Question, QuestionAsk
from .routing import routing_suggest
from .selectors_workbench import answerers
from .services_common import (
    DEADLINE_FIELDS,
    STALE,
    answer_limit_days,
    deadline_refresh,
    event_record,
    question_audit,
    question_lock,
    question_save,
    workbench_link,
)

__all__ = [
    "question_edit",
    "question_merge",
    "question_publish",
    "question_reject",
    "question_route",
    "routing_suggest",
]

MODERATED = frozenset({QuestionStatus.PENDING, QuestionStatus.PUBLISHED})
MAX_REASON_CHARS = 500
MAX_PUBLIC_TEXT_CHARS = 2000
ROUTE_FIELDS = ["department", "routed_on", "limit_days", "escalated_at", *DEADLINE_FIELDS]


def _moderated(question: Question, by: Actor, doing: str) -> None:
    access.require(by, "question.moderate", question)
    if question.status not in MODERATED:
        raise Conflict(f"该提问{QuestionStatus(question.status).label}，不能{doing}。")


def _reason(reason: str, *, required: str = "") -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ValidationFailed.on("reason", required)
    if len(reason) > MAX_REASON_CHARS:
        raise ValidationFailed.on("reason", f"原因不能超过{MAX_REASON_CHARS}字。")
    return reason


# --- Route ---------------------------------------------------------------------------------------------


def question_route(
    *, question: Question, by: Actor, department: Organization | None, expected_version: int | None = None
) -> Question:
    """Send the question to `department` to answer; its answer clock starts today."""
    with transaction.atomic():
        locked = question_lock(question, expected_version)
        _moderated(locked, by, "转交")
        if department is None:
            raise ValidationFailed.on("department", "请选择答复部门。")
        if locked.department_id == department.pk and locked.routed_on is not None:
            raise ValidationFailed.on("department", f"该提问已转交{department.name}。")
        _route(locked, by, department)
        question_save(locked, *ROUTE_FIELDS)
    question.refresh_from_db()
    return question


def _route(locked: Question, by: Actor, department: Organization) -> None:
    """Route the locked question (the caller saves it): clock, event, audit, the answerers told."""
    if locked.answered_at is not None:
        raise ValidationFailed.on("department", "该提问已答复，不能再转交其他部门。")
    previous = locked.department if locked.department_id else None
    today = timezone.localdate()
    locked.department, locked.routed_on, locked.limit_days = department, today, answer_limit_days()
    locked.escalated_at, locked.light = None, ""
    deadline_refresh(locked, today)
    detail = {
        "department": department.name,
        "from": previous.name if previous else "",
        "limit_days": locked.limit_days,
        "due_on": locked.due_on.isoformat(),
    }
    event = event_record(locked, QuestionEventKind.ROUTED, by=by, detail=detail)
    question_audit(locked, "route", by=by, detail=detail)
    for user in answerers(department.pk):
        notify(
            recipient=user,
            kind="question.routed",
            title=f"有一条群众提问转交{department.name}答复",
            body=f"提问编号 {locked.public_id}，请于{locked.due_on:%Y年%m月%d日}前答复"
            f"（{locked.limit_days}个工作日）。",
            link=workbench_link(locked),
            dedupe_key=f"question:{locked.pk}:routed:{event.pk}",
        )


# --- Publish and reject --------------------------------------------------------------------------------


def question_publish(
    *,
    question: Question,
    by: Actor,
    department: Organization | None = None,
    expected_version: int | None = None,
) -> Question:
    """Put the question on the public board, routed to `department` (or the department it was routed to)."""
    with transaction.atomic():
        locked = question_lock(question, expected_version)
        access.require(by, "question.moderate", locked)
        if locked.status != QuestionStatus.PENDING:
            raise Conflict(f"该提问{QuestionStatus(locked.status).label}，不能公开。")
        department = department or (locked.department if locked.department_id else None)
        if department is None:
            raise ValidationFailed.on("department", "公开前请选择答复部门：公开的提问须有部门答复。")
        fields = ["status", "published_at"]
        if locked.routed_on is None or locked.department_id != department.pk:
            _route(locked, by, department)
            fields += ROUTE_FIELDS
        locked.status, locked.published_at = QuestionStatus.PUBLISHED, timezone.now()
        question_save(locked, *fields)
        event_record(locked, QuestionEventKind.PUBLISHED, by=by, detail={"department": department.name})
        question_audit(locked, "publish", by=by, detail={"department": department.name})
    question.refresh_from_db()
    return question


def question_reject(
    *, question: Question, by: Actor, reason: str, expected_version: int | None = None
) -> Question:
    """Keep the question off the public board (or take it off), with the reason."""
    with transaction.atomic():
        locked = question_lock(question, expected_version)
        _moderated(locked, by, "处理")
        reason = _reason(reason, required="请填写不予公开的理由。")
        before = locked.status
        locked.status, locked.rejected_reason = QuestionStatus.REJECTED, reason
        question_save(locked, "status", "rejected_reason")
        event_record(locked, QuestionEventKind.REJECTED, by=by, reason=reason, detail={"from": before})
        question_audit(locked, "reject", by=by, detail={"from": before, "reason": reason})
    question.refresh_from_db()
    return question


# --- Merge ---------------------------------------------------------------------------------------------


def question_merge(
    *, question: Question, into: Question | None, by: Actor, expected_version: int | None = None
) -> Question:
    """Merge `question` into `into`: the askings and their count move, the evidence stays (module doc)."""
    if into is None:
        raise ValidationFailed.on("into", "请填写要合并到的提问编号。")
    if into.pk == question.pk:
        raise ValidationFailed.on("into", "不能把提问合并到它自己。")
    with transaction.atomic():
        rows = Question.objects.select_for_update().filter(pk__in=[question.pk, into.pk]).order_by("pk")
        locked = {row.pk: row for row in rows}  # both locked, in one order, so two merges cannot deadlock
        source, target = locked[question.pk], locked[into.pk]
        if expected_version is not None and source.version != expected_version:
            raise Conflict(STALE)
        _moderated(source, by, "合并")
        _merge_check(source, target)
        askings = list(source.askings.order_by("pk").values_list("pk", flat=True))
        earlier = list(Question.objects.filter(merged_into=source).values_list("public_id", flat=True))
        QuestionAsk.objects.filter(pk__in=askings).update(question=target)
        Question.objects.filter(merged_into=source).update(merged_into=target)
        source.status, source.merged_into = QuestionStatus.MERGED, target
        question_save(source, "status", "merged_into")
        target.asks += source.asks
        question_save(target, "asks")
        moved = {"asks": source.asks, "askings": askings, "earlier_merged": earlier}
        event_record(source, QuestionEventKind.MERGED, by=by, detail={"into": target.public_id, **moved})
        event_record(
            target,
            QuestionEventKind.MERGED,
            by=by,
            detail={"from": source.public_id, "asks_after": target.asks, **moved},
        )
        question_audit(source, "merge", by=by, detail={"into": target.public_id, **moved})
    question.refresh_from_db()
    return question


def _merge_check(source: Question, target: Question) -> None:
    if source.answered_at is not None:
        raise ValidationFailed.on("into", "该提问已有答复，不能合并到其他提问。")
    if target.status == QuestionStatus.MERGED:
        raise ValidationFailed.on(
            "into", f"提问 {target.public_id} 已合并到其他提问，请直接合并到其合并后的提问。"
        )
    if target.status == QuestionStatus.REJECTED:
        raise ValidationFailed.on("into", f"提问 {target.public_id} 未予公开，不能合并到该提问。")


# --- Edit the public wording ---------------------------------------------------------------------------


def question_edit(
    *, question: Question, by: Actor, public_text: str, reason: str = "", expected_version: int | None = None
) -> Question:
    """Set the wording the public sees; the asker's original text stays as it was."""
    with transaction.atomic():
        locked = question_lock(question, expected_version)
        _moderated(locked, by, "修改")
        public_text = (public_text or "").strip()
        if not public_text:
            raise ValidationFailed.on("public_text", "请填写公开文字。")
        if len(public_text) > MAX_PUBLIC_TEXT_CHARS:
            raise ValidationFailed.on("public_text", f"公开文字不能超过{MAX_PUBLIC_TEXT_CHARS}字。")
        if public_text == (locked.public_text or locked.text):
            raise ValidationFailed.on("public_text", "公开文字没有修改。")
        published = locked.status == QuestionStatus.PUBLISHED
        reason = _reason(reason, required="已公开的提问修改公开文字，须说明原因。" if published else "")
        before = locked.public_text
        locked.public_text = public_text
        question_save(locked, "public_text")
        detail = {"before": before, "after": public_text}
        event_record(locked, QuestionEventKind.EDITED, by=by, reason=reason, detail=detail)
        question_audit(locked, "edit", by=by, detail={"reason": reason})
    question.refresh_from_db()
    return question
