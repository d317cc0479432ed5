"""The asker's rating through the private link: once answered, 1–5 with a comment, changeable; refused
input changes nothing; a merged asking rates the answer of the question it was merged into."""

import pytest

from tongban.core.audit import AuditEntry
from tongban.core.errors import ValidationFailed

from ..choices import QuestionEventKind, QuestionStatus
from ..models import QuestionAsk, QuestionEvent
from ..selectors import rating_summary
from ..services_follow import asking_rate
from .public_board import answer_add, asking_make, question_make

pytestmark = pytest.mark.django_db


def _unchanged(asking: QuestionAsk) -> None:
    fresh = QuestionAsk.objects.get(pk=asking.pk)
    assert (fresh.rating, fresh.rating_comment, fresh.rated_at) == (
        asking.rating,
        asking.rating_comment,
        asking.rated_at,
    )


def test_the_asker_rates_an_answer_and_the_rating_is_recorded():
    question = question_make()
    answer_add(question)
    asking, _ = asking_make(question)

    rated = asking_rate(asking=asking, rating=4, comment="  答复及时，讲得清楚。 ")

    fresh = QuestionAsk.objects.get(pk=asking.pk)
    assert (fresh.rating, fresh.rating_comment) == (4, "答复及时，讲得清楚。")
    assert fresh.rated_at is not None and rated.rating == 4
    event = QuestionEvent.objects.get(question=question, kind=QuestionEventKind.RATED)
    assert event.actor_label == "提问人"
    assert event.detail == {"asking": asking.pk, "rating": 4, "before": None}
    entry = AuditEntry.objects.get(action="question.rated")
    assert entry.actor_label == "提问人" and entry.object_id == str(question.pk)


def test_rating_again_replaces_the_earlier_rating():
    question = question_make()
    answer_add(question)
    asking, _ = asking_make(question)
    asking_rate(asking=asking, rating=2, comment="没说清楚")

    asking_rate(asking=asking, rating=5)

    fresh = QuestionAsk.objects.get(pk=asking.pk)
    assert (fresh.rating, fresh.rating_comment) == (5, "")
    events = QuestionEvent.objects.filter(kind=QuestionEventKind.RATED).order_by("id")
    assert [e.detail["before"] for e in events] == [None, 2]
    assert rating_summary(question).count == 1


def test_a_question_without_an_answer_cannot_be_rated():
    question = question_make()
    asking, _ = asking_make(question)

    with pytest.raises(ValidationFailed) as caught:
        asking_rate(asking=asking, rating=5)

    assert caught.value.errors[0].field == "rating"
    assert "还没有答复" in caught.value.message
    _unchanged(asking)
    assert not QuestionEvent.objects.filter(kind=QuestionEventKind.RATED).exists()


@pytest.mark.parametrize("rating", [0, 6, "五", None, -1])
def test_a_rating_outside_one_to_five_is_refused(rating):
    question = question_make()
    answer_add(question)
    asking, _ = asking_make(question)

    with pytest.raises(ValidationFailed) as caught:
        asking_rate(asking=asking, rating=rating)

    assert caught.value.errors[0].field == "rating"
    assert caught.value.message == "评价：请选择1到5分。"
    _unchanged(asking)


def test_a_comment_over_500_characters_is_refused():
    question = question_make()
    answer_add(question)
    asking, _ = asking_make(question)

    with pytest.raises(ValidationFailed) as caught:
        asking_rate(asking=asking, rating=3, comment="长" * 501)

    assert caught.value.errors[0].field == "comment"
    assert "最多500字" in caught.value.message
    _unchanged(asking)


def test_a_merged_asking_rates_the_answer_of_the_question_it_was_merged_into():
    target = question_make()
    answer_add(target)
    merged = question_make(
        "武汉的社保转到鄂州后怎样查缴费年限？", status=QuestionStatus.MERGED, merged_into=target
    )
    asking, _ = asking_make(merged)

    asking_rate(asking=asking, rating=5)

    assert QuestionEvent.objects.get(kind=QuestionEventKind.RATED).question == target
    summary = rating_summary(target)
    assert (summary.count, summary.average) == (1, 5.0)
    assert dict(summary.by_score) == {5: 1, 4: 0, 3: 0, 2: 0, 1: 0}
