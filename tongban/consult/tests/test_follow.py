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


# --- The follow page ------------------------------------------------------------------------------

views = pytest.mark.urls("tongban.consult.tests.urls_for_tests")


def _follow(client, token, **kwargs):
    return client.get(f"/questions/follow/{token}/", **kwargs)


@views
def test_a_wrong_token_is_a_plain_not_found(client):
    asking_make(question_make())

    assert _follow(client, "not-the-token").status_code == 404
    assert _follow(client, "x" * 200).status_code == 404


@views
def test_the_follow_page_is_private_not_indexed_not_cached(client):
    _, token = asking_make(question_make(status=QuestionStatus.PENDING))

    response = _follow(client, token)

    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]


@views
def test_a_pending_question_says_it_waits_for_review(client):
    _, token = asking_make(question_make("我的电话13907141234，想问公积金", status=QuestionStatus.PENDING))

    html = _follow(client, token).content.decode()

    assert "待审核" in html and "审核通过后公开" in html
    assert "139****1234" in html and "13907141234" not in html
    assert 'name="rating"' not in html


@views
def test_a_rejected_question_shows_the_reason(client):
    question = question_make(status=QuestionStatus.REJECTED, rejected_reason="内容与政务服务无关")
    _, token = asking_make(question)

    html = _follow(client, token).content.decode()

    assert "未予公开" in html and "内容与政务服务无关" in html


@views
def test_a_merged_asking_links_to_the_public_question_and_shows_its_answer(client):
    target = question_make(department=None)
    answer_add(target, "可以转移，请到黄石公积金中心办理。")
    merged = question_make("重复的提问", status=QuestionStatus.MERGED, merged_into=target)
    _, token = asking_make(merged)

    html = _follow(client, token).content.decode()

    assert "已合并" in html and f'href="/questions/{target.public_id}/"' in html
    assert "可以转移，请到黄石公积金中心办理。" in html and 'name="rating"' in html


@views
def test_the_asker_rates_the_answer_and_can_change_it(client):
    question = question_make()
    answer_add(question)
    asking, token = asking_make(question)
    url = f"/questions/follow/{token}/"

    response = client.post(url, {"rating": "2", "comment": "不够具体"})

    assert response.status_code == 302 and response["Location"] == f"{url}?rated=1"
    html = client.get(response["Location"]).content.decode()
    assert "感谢您的评价" in html and "您的评价：<strong>2分</strong>" in html and "修改评价" in html
    client.post(url, {"rating": "5", "comment": ""})
    asking.refresh_from_db()
    assert (asking.rating, asking.rating_comment) == (5, "")


@views
def test_a_rating_without_a_score_is_refused_beside_the_field(client):
    question = question_make()
    answer_add(question)
    asking, token = asking_make(question)

    response = client.post(f"/questions/follow/{token}/", {"comment": "没有选分数"})

    assert response.status_code == 400
    assert "评价：请填写评价。" in response.content.decode()
    asking.refresh_from_db()
    assert asking.rating is None


@views
def test_nothing_can_be_rated_before_an_answer(client):
    question = question_make()
    asking, token = asking_make(question)

    response = client.post(f"/questions/follow/{token}/", {"rating": "5"})

    assert response.status_code == 400
    assert "答复后才能评价" in response.content.decode()
    asking.refresh_from_db()
    assert asking.rating is None


@views
def test_a_repeat_asking_is_told_it_joined_the_question_asked_first(client):
    question = question_make(asks=2)
    _, first = asking_make(question)
    _, repeat = asking_make(question, text="重复的提问")

    assert "您的提问已与其合并办理（共 2 次提问）" in _follow(client, repeat).content.decode()
    assert "合并办理" not in _follow(client, first).content.decode()
