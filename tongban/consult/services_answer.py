"""Answering a routed question: the first answer and its revisions.

Only the staff who may answer for the question's department (`question.answer`: its reviewers, chief
service officers and helpers) answer, and only a pending or published question (a rejected or merged one
is closed). An answer is never empty: the text is required and checked after stripping, and `answered_at`
is set once, in the same transaction as the saved `Answer` row — so a question is answered exactly when it
has an answer. The first answer stops the deadline clock (services_common). A revision needs a reason and
adds a new `Answer` row; the earlier ones stay as its history, and the public sees the newest.
"""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tongban.core.errors import Conflict, ValidationFailed
from tongban.identity import access
from tongban.identity.access import ActionRefused, Actor
from tongban.identity.models import User
from tongban.notifications.services import notify

from .choices import QuestionEventKind, QuestionStatus
from .models import Answer, Question
from .services_common import (
    deadline_refresh,
    event_record,
    question_audit,
    question_lock,
    question_save,
)

ANSWERABLE = frozenset({QuestionStatus.PENDING, QuestionStatus.PUBLISHED})
MAX_ANSWER_CHARS = 5000
MAX_REASON_CHARS = 500


def _answer_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed.on("text", "请填写答复内容。")
    if len(text) > MAX_ANSWER_CHARS:
        raise ValidationFailed.on("text", f"答复内容不能超过{MAX_ANSWER_CHARS}字。")
    return text


def _answerable(question: Question, by: Actor) -> None:
    access.require(by, "question.answer", question)
    if by.user is None:
        raise ActionRefused("question.answer", question, "答复须由工作人员本人登录后作出。")
    if question.status not in ANSWERABLE:
        raise Conflict(f"该提问{QuestionStatus(question.status).label}，不能答复。")


def answer_give(*, question: Question, by: Actor, text: str, expected_version: int | None = None) -> Answer:
    """The department's first answer. It stops the clock: the light stays as of today."""
    with transaction.atomic():
        locked = question_lock(question, expected_version)
        _answerable(locked, by)
        if locked.answered_at is not None:
            raise Conflict("该提问已有答复；如需修改，请使用“修改答复”并说明原因。")
        text = _answer_text(text)
        now = timezone.now()
        answer = Answer.objects.create(
            question=locked, revision=1, text=text, organization_id=locked.department_id, author=by.user
        )
        locked.answered_at = now
        deadline_refresh(locked, timezone.localdate(now))
        question_save(locked, "answered_at", "due_on", "due_provisional", "light", "light_changed_on")
        detail = {"revision": 1, "due_on": locked.due_on.isoformat(), "light": locked.light}
        event_record(locked, QuestionEventKind.ANSWERED, by=by, detail=detail)
        question_audit(locked, "answer", by=by, detail=detail)
        _tell_askers(locked)
    question.refresh_from_db()
    return answer


def _tell_askers(question: Question) -> None:
    """Askers who asked signed in are told in their messages (the others read it through their private
    link); the answer is public only if the question is."""
    users = User.objects.filter(pk__in=question.askings.exclude(asker=None).values("asker")).distinct()
    for user in users:
        notify(
            recipient=user,
            kind="question.answered",
            title="您的提问已有答复",
            body=f"{question.department.name}已答复您的提问（编号 {question.public_id}），"
            "可通过提问时获得的查看链接查看"
            + ("，或在问答列表中查看。" if question.status == QuestionStatus.PUBLISHED else "。"),
            link=f"/questions/{question.public_id}/" if question.status == QuestionStatus.PUBLISHED else "",
            dedupe_key=f"question:{question.pk}:answered",
        )


def answer_revise(
    *, question: Question, by: Actor, text: str, reason: str, expected_version: int | None = None
) -> Answer:
    """A new revision of the answer, with the reason; the earlier revisions are kept."""
    with transaction.atomic():
        locked = question_lock(question, expected_version)
        _answerable(locked, by)
        current = locked.answers.order_by("-revision").first()
        if locked.answered_at is None or current is None:
            raise Conflict("该提问尚未答复，请先答复。")
        text = _answer_text(text)
        if text == current.text:
            raise ValidationFailed.on("text", "答复内容没有修改。")
        reason = (reason or "").strip()
        if not reason:
            raise ValidationFailed.on("reason", "请说明修改答复的原因。")
        if len(reason) > MAX_REASON_CHARS:
            raise ValidationFailed.on("reason", f"修改原因不能超过{MAX_REASON_CHARS}字。")
        revision = (locked.answers.aggregate(last=Max("revision"))["last"] or 0) + 1
        answer = Answer.objects.create(
            question=locked,
            revision=revision,
            text=text,
            organization_id=locked.department_id,
            author=by.user,
            reason=reason,
        )
        question_save(locked)
        event_record(
            locked, QuestionEventKind.ANSWER_REVISED, by=by, reason=reason, detail={"revision": revision}
        )
        question_audit(locked, "answer_revise", by=by, detail={"revision": revision, "reason": reason})
    question.refresh_from_db()
    return answer
