"""What the asker does through their private follow link: rate the answer (and change the rating).

The link is the asker's only key (asking without an account is allowed), so the rating belongs to the
asking, not to an account. A merged asking rates the answer of the question it was merged into. The
comment stays private: the public page shows the count and the scores only.
"""

from dataclasses import replace

from django.db import transaction
from django.utils import timezone

from tongban.core.audit import AuditObject, audit_record
from tongban.core.errors import ValidationFailed
from tongban.identity.access import Actor

from .choices import QuestionEventKind
from .models import Answer, QuestionAsk, QuestionEvent
from .selectors import question_final

COMMENT_MAX = 500
RATINGS = range(1, 6)
ASKER_LABEL = "提问人"


def _rating_clean(rating) -> int:
    try:
        value = int(rating)
    except (TypeError, ValueError):
        value = 0
    if value not in RATINGS:
        raise ValidationFailed.on("rating", "评价：请选择1到5分。")
    return value


def asking_rate(
    *, asking: QuestionAsk, rating: int, comment: str = "", by: Actor | None = None
) -> QuestionAsk:
    """Rate the answer 1–5 with an optional comment; rating again replaces the earlier rating. Only once
    an answer exists. `by` (the request's actor) gives the audit entry its address."""
    value = _rating_clean(rating)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationFailed.on("comment", f"评价意见：最多{COMMENT_MAX}字，现有{len(comment)}字。")
    by = by or Actor(label=ASKER_LABEL)
    with transaction.atomic():
        locked = QuestionAsk.objects.select_for_update().get(pk=asking.pk)
        question = question_final(locked.question)
        if not Answer.objects.filter(question=question).exists():
            raise ValidationFailed.on("rating", "评价：该提问还没有答复，答复后才能评价。")
        before = locked.rating
        locked.rating, locked.rating_comment, locked.rated_at = value, comment, timezone.now()
        locked.save(update_fields=["rating", "rating_comment", "rated_at"])
        QuestionEvent.objects.create(
            question=question,
            kind=QuestionEventKind.RATED,
            actor=locked.asker,
            actor_label=ASKER_LABEL,
            detail={"asking": locked.pk, "rating": value, "before": before},
        )
        context = by.audit_context()
        if by.user is None:  # not "访客": the link makes its holder the asker
            context = replace(context, actor_label=ASKER_LABEL)
        audit_record(
            action="question.rated",
            context=context,
            obj=AuditObject.of(question),
            detail={"asking": locked.pk, "rating": value, "before": before},
        )
    return locked
