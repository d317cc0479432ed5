"""Triage rules are data: question moderators add and switch off the words of the junk and abusive lists and
set the thresholds (near-duplicate similarity, how far back duplicates are looked for, the fewest meaningful
characters). Each change is audited; a word is switched off rather than deleted, so that why a past question
was held stays explainable."""

from django.db import IntegrityError, transaction

from tongban.core.audit import AuditObject, audit_record
from tongban.core.errors import NotFound, ValidationFailed
from tongban.identity import access
from tongban.identity.access import Actor

from .choices import TriageListKind
from .models import TriageThresholds, TriageWord

THRESHOLD_LIMITS = {
    # field: (lowest, highest, what the moderator reads when the value is out of range)
    "near_duplicate_percent": (50, 100, "近似重复相似度应为50至100之间的整数。"),
    "duplicate_days": (1, 3650, "查重范围应为1至3650天。"),
    "min_chars": (1, 100, "最少有效字数应为1至100之间的整数。"),
}


def triage_word_add(*, by: Actor, kind: str, phrase: str, whole: bool = False, note: str = "") -> TriageWord:
    """Add a word to a list, or switch an existing one back on (with the new settings)."""
    access.require(by, "question.moderate")
    phrase = (phrase or "").strip()
    if kind not in TriageListKind.values:
        raise ValidationFailed.on("kind", "请选择清单：无效内容或不文明用语。")
    if not phrase or len(phrase) > 50:
        raise ValidationFailed.on("phrase", "请填写词语（不超过50个字）。")
    if len(note or "") > 200:
        raise ValidationFailed.on("note", "说明不能超过200个字。")
    try:
        with transaction.atomic():
            word, created = TriageWord.objects.get_or_create(
                kind=kind, phrase=phrase, defaults={"whole": whole, "note": note, "active": True}
            )
            if not created:
                word.whole, word.note, word.active = whole, note or word.note, True
                word.save(update_fields=["whole", "note", "active"])
            _audit(by, "question.triage_word_added", word, {"kind": kind, "whole": whole})
    except IntegrityError:  # a concurrent add of the same word: it is there now
        word = TriageWord.objects.get(kind=kind, phrase=phrase)
    return word


def triage_word_switch_off(*, by: Actor, word_id: int) -> TriageWord:
    access.require(by, "question.moderate")
    with transaction.atomic():
        word = TriageWord.objects.select_for_update().filter(pk=word_id).first()
        if word is None:
            raise NotFound("该词语不存在。")
        if word.active:
            word.active = False
            word.save(update_fields=["active"])
            _audit(by, "question.triage_word_switched_off", word, {"kind": word.kind})
    return word


def triage_thresholds_set(*, by: Actor, **values: int) -> TriageThresholds:
    """Set any of the thresholds; a value out of range is refused naming its field, and nothing changes."""
    access.require(by, "question.moderate")
    errors = {}
    clean: dict[str, int] = {}
    for field, raw in values.items():
        if field not in THRESHOLD_LIMITS:
            raise ValidationFailed.on(field, "没有这项阈值。")
        low, high, message = THRESHOLD_LIMITS[field]
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = None
        if value is None or not low <= value <= high:
            errors.setdefault(field, message)
        else:
            clean[field] = value
    if errors:
        field, message = next(iter(errors.items()))
        raise ValidationFailed.on(field, message)
    with transaction.atomic():
        TriageThresholds.current()
        thresholds = TriageThresholds.objects.select_for_update().get(pk=1)
        before = {field: getattr(thresholds, field) for field in clean}
        for field, value in clean.items():
            setattr(thresholds, field, value)
        thresholds.save()
        audit_record(
            action="question.triage_thresholds_set",
            context=by.audit_context(),
            obj=AuditObject.of(thresholds),
            detail={"before": before, "after": clean},
        )
    return thresholds


def _audit(by: Actor, action: str, word: TriageWord, detail: dict) -> None:
    audit_record(action=action, context=by.audit_context(), obj=AuditObject.of(word), detail=detail)
