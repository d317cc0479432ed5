"""Asking a question: validate, triage, and either a new question or one more asking of the one it repeats.

Each asking gets a private follow link (/questions/follow/<token>/): the raw token goes to the asker once,
only its SHA-256 is kept, so the database cannot give the link away.

Two identical submissions at once (a double click, two tabs) must not make two questions: the duplicate
check and the insert run under a board-wide lock, the row of `TriageThresholds` taken FOR UPDATE. One lock
for the whole board serializes askings, which is cheap at a question board's rate (a handful a minute,
each held for a few milliseconds); a lock per text could not work, since a near duplicate has a different
text and no row to lock yet.
"""

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from tongban.catalog.choices import Theme
from tongban.core.audit import AuditObject, audit_record
from tongban.core.errors import ValidationFailed
from tongban.identity.access import Actor

from .choices import HOLDING_FLAGS, QuestionEventKind, TriageFlag
from .models import Question, QuestionAsk, QuestionEvent, TriageThresholds, TriageWord
from .triage import Decision, Duplicate, name_public, personal_data_mask, triage

TEXT_MIN, TEXT_MAX = 5, 1000
NAME_MAX, CONTACT_MAX = 50, 100


@dataclass(frozen=True)
class Asked:
    question: Question  # the new question, or the one this asking was merged into
    asking: QuestionAsk
    follow_token: str  # the private link's token: shown to the asker once, never stored
    merged: bool


def follow_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _clean(value: str | None) -> str:
    """Trimmed, without control characters (a NUL cannot be stored by PostgreSQL); lines kept."""
    value = unicodedata.normalize("NFC", value or "")
    return "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch) != "Cc").strip()


def _validated(text: str, name: str, contact: str, topic: str) -> tuple[str, str, str, str]:
    text, name, contact, topic = _clean(text), _clean(name), _clean(contact), _clean(topic)
    if not text:
        raise ValidationFailed.on("text", "问题内容：请填写您要咨询的问题。")
    if len(text) < TEXT_MIN:
        raise ValidationFailed.on("text", f"问题内容：请至少写{TEXT_MIN}个字，把问题说清楚。")
    if len(text) > TEXT_MAX:
        raise ValidationFailed.on("text", f"问题内容：不能超过{TEXT_MAX}个字（现有{len(text)}个字）。")
    if len(name) > NAME_MAX:
        raise ValidationFailed.on("name", f"称呼：不能超过{NAME_MAX}个字。")
    if len(contact) > CONTACT_MAX:
        raise ValidationFailed.on("contact", f"联系方式：不能超过{CONTACT_MAX}个字。")
    if topic and topic not in Theme.values:
        raise ValidationFailed.on("topic", "主题：请从列表中选择，或不选。")
    return text, name, contact, topic


def question_ask(
    *, by: Actor, text: str, name: str = "", anonymous: bool = False, contact: str = "", topic: str = ""
) -> Asked:
    """Ask a question (the public board's form and API). Nothing is public yet: a new question waits for
    a moderator (held apart when triage holds it back); a repeat adds an asking and a count."""
    text, name, contact, topic = _validated(text, name, contact, topic)
    token = secrets.token_urlsafe(24)
    with transaction.atomic():
        thresholds = _board_lock()
        words = list(TriageWord.objects.filter(active=True))
        decision = triage(text, name, contact, by.user_id, thresholds, words)
        asking = QuestionAsk(
            text=text, name=name, contact=contact, asker=by.user, follow_token_hash=follow_token_hash(token)
        )
        label = name_public(name, anonymous)
        if decision.duplicate is not None:
            question = _merge(decision, decision.duplicate, asking, by=by, label=label)
        else:
            question = _create(decision, asking, by=by, label=label, anonymous=anonymous, topic=topic)
        audit_record(
            action="question.asked",
            context=by.audit_context(),
            obj=AuditObject.of(question),
            detail={
                "merged": decision.duplicate is not None,
                "similarity": asking.similarity,
                "held": decision.held,
                "flags": [f["flag"] for f in decision.flags],
                "length": len(personal_data_mask(text)),
            },
        )
    return Asked(question, asking, token, decision.duplicate is not None)


def _board_lock() -> TriageThresholds:
    TriageThresholds.current()  # the row exists (the data migration makes it; a flushed test database not)
    return TriageThresholds.objects.select_for_update().get(pk=1)


def _create(decision: Decision, asking: QuestionAsk, *, by: Actor, label: str, anonymous, topic) -> Question:
    question = Question.objects.create(
        text=asking.text,
        name=asking.name,
        anonymous=anonymous,
        contact=asking.contact,
        topic=topic,
        asker=asking.asker,
        normalized=decision.normalized,
        fingerprint=decision.fingerprint,
        flags=decision.flags,
        held=decision.held,
    )
    asking.question = question
    asking.save()
    flags = [f["flag"] for f in decision.flags]
    _event(
        question, QuestionEventKind.ASKED, by=by, label=label, detail={"asking": asking.pk, "flags": flags}
    )
    if decision.held:
        held = [f for f in flags if f in HOLDING_FLAGS]
        _event(question, QuestionEventKind.HELD, reason=decision.why(*HOLDING_FLAGS), detail={"flags": held})
    return question


def _merge(
    decision: Decision, duplicate: Duplicate, asking: QuestionAsk, *, by: Actor, label: str
) -> Question:
    question = Question.objects.select_for_update().get(pk=duplicate.target.pk)
    question.asks = F("asks") + 1
    if not any(f.get("flag") == TriageFlag.DUPLICATE for f in question.flags):
        why = f"重复提问已合并计数：{duplicate.why}"
        question.flags = [*question.flags, {"flag": TriageFlag.DUPLICATE.value, "why": why}]
    question.save(update_fields=["asks", "flags", "updated_at"])
    question.refresh_from_db()
    asking.question, asking.similarity = question, duplicate.similarity
    asking.save()
    _event(
        question,
        QuestionEventKind.ASKED_AGAIN,
        by=by,
        label=label,
        reason=f"{duplicate.why}，与提问 {question.public_id} 合并",
        detail={
            "asking": asking.pk,
            "similarity": duplicate.similarity,
            "exact": duplicate.exact,
            "same_person": duplicate.same_person,
            "asks": question.asks,
            "flags": [f["flag"] for f in decision.flags],
        },
    )
    return question


def _event(question, kind, *, by: Actor | None = None, label: str = "系统", reason: str = "", detail=None):
    """An asker's event carries the name as the public sees it (匿名网友, 张*), never the name as typed."""
    QuestionEvent.objects.create(
        question=question,
        kind=kind,
        actor=by.user if by is not None else None,
        actor_label=label[:100],
        reason=reason,
        detail=detail or {},
    )


def asking_by_token(token: str | None) -> QuestionAsk | None:
    """The asking a private follow link belongs to, with its question; None for an unknown token."""
    if not token or len(token) > 100:
        return None
    return (
        QuestionAsk.objects.select_related("question")
        .filter(follow_token_hash=follow_token_hash(token))
        .first()
    )
