"""The question board over the API: the same captcha, limits, triage, masking and permissions as the pages."""

import pytest
from captcha.conf import settings as captcha_settings
from django.core.cache import cache
from django.test import Client

from ..choices import QuestionStatus
from ..models import Answer, Question, QuestionAsk
from .factories_workbench import board_make, question_make, routed_make

pytestmark = pytest.mark.django_db
API = "/api/v1/questions"
PHONE, ID_NUMBER = "13912345678", "420102199003071232"


@pytest.fixture(autouse=True)
def _captcha_test_mode_and_fresh_limits(monkeypatch):
    monkeypatch.setattr(captcha_settings, "CAPTCHA_TEST_MODE", True)
    cache.clear()


@pytest.fixture
def board():
    return board_make()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client, path, body):
    return client.post(f"{API}{path}", body, content_type="application/json")


ASK = {
    "text": "在武汉缴纳的社保转到鄂州后，怎么查询缴费年限？",
    "captcha_key": "k",
    "captcha_value": "PASSED",
}


def test_asking_returns_the_private_link_once_and_the_question_waits_for_review():
    captcha = Client().get(f"{API}/captcha").json()

    response = post(Client(), "", ASK | {"name": PHONE, "contact": PHONE})

    assert captcha["key"] and captcha["image_url"].endswith(f"/captcha/image/{captcha['key']}/")
    assert response.status_code == 201
    body = response.json()
    assert body["merged"] is False and body["follow_url"].endswith(
        f"/questions/follow/{body['follow_token']}/"
    )
    question = Question.objects.get()
    assert question.status == QuestionStatus.PENDING and question.asker is None
    assert Client().get(f"{API}/{question.public_id}").status_code == 404


def test_a_wrong_captcha_names_its_field_and_creates_nothing(monkeypatch):
    monkeypatch.setattr(captcha_settings, "CAPTCHA_TEST_MODE", False)

    response = post(Client(), "", ASK | {"captcha_value": "WRONG"})

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "captcha_value"
    assert not Question.objects.exists()


def test_a_sixth_asking_in_ten_minutes_from_one_address_is_refused():
    texts = [f"第{n}个问题：公积金异地贷款怎么办理？需要哪些材料{n}" for n in range(6)]

    answers = [post(Client(), "", ASK | {"text": text}).status_code for text in texts]

    assert answers == [201] * 5 + [429]
    assert QuestionAsk.objects.count() == 5


def test_the_public_list_and_page_show_only_published_questions_masked(board):
    shown = routed_make(board.wuhan_hr, name=PHONE, text=f"我的身份证号{ID_NUMBER}，社保转移怎么办？")
    Answer.objects.create(
        question=shown,
        revision=1,
        text=f"请致电我们，或告知{PHONE}。",
        organization=board.wuhan_hr,
        author=board.answerer,
    )
    Question.objects.filter(pk=shown.pk).update(answered_at=shown.created_at)
    question_make("这是一个还在等待审核的问题，不应公开。")

    listed = Client().get(API).json()
    page = Client().get(f"{API}/{shown.public_id}")
    everything = str(listed) + page.content.decode()

    assert [row["public_id"] for row in listed["items"]] == [shown.public_id]
    assert page.status_code == 200 and page.json()["answer"]["department"] == "武汉市人力资源和社会保障局"
    assert PHONE not in everything and ID_NUMBER not in everything
    assert page.json()["name"] == "匿名网友" and "等待审核" not in everything


def test_the_follow_link_shows_the_askers_question_and_takes_a_rating_only_after_an_answer(board):
    token = post(Client(), "", ASK).json()["follow_token"]
    question = Question.objects.get()

    before = post(Client(), f"/follow/{token}/rating", {"rating": 5})
    routed = Question.objects.filter(pk=question.pk)
    routed.update(status=QuestionStatus.PUBLISHED, department=board.wuhan_hr)
    Answer.objects.create(
        question=question,
        revision=1,
        text="可登录本平台查询。",
        organization=board.wuhan_hr,
        author=board.answerer,
    )
    after = post(Client(), f"/follow/{token}/rating", {"rating": 4, "comment": "清楚"})

    assert Client().get(f"{API}/follow/not-a-token").status_code == 404
    assert before.status_code == 400 and before.json()["errors"][0]["field"] == "rating"
    assert after.status_code == 200
    assert (after.json()["my_rating"], after.json()["answer"]["text"]) == (4, "可登录本平台查询。")


def test_moderators_publish_and_the_department_answers_others_are_refused(board):
    question = question_make("在武汉缴纳的社保转到鄂州后，怎么查询缴费年限？")
    moderator, answerer = signed_in(board.moderator), signed_in(board.answerer)

    citizen_queue = signed_in(board.citizen).get(f"{API}/moderation")
    queue = moderator.get(f"{API}/moderation").json()
    stale = post(
        moderator,
        f"/{question.public_id}/publish",
        {"department_id": board.wuhan_hr.pk, "expected_version": 99},
    )
    published = post(moderator, f"/{question.public_id}/publish", {"department_id": board.wuhan_hr.pk})
    other_city = post(signed_in(board.ezhou_answerer), f"/{question.public_id}/answer", {"text": "答复"})
    empty = post(answerer, f"/{question.public_id}/answer", {"text": "   "})
    answered = post(answerer, f"/{question.public_id}/answer", {"text": "登录本平台“我的社保”即可查询。"})

    assert citizen_queue.status_code == 403
    assert [row["public_id"] for row in queue["items"]] == [question.public_id]
    assert stale.status_code == 409
    assert published.status_code == 200 and published.json()["status"]["value"] == "published"
    assert other_city.status_code == 404
    assert empty.status_code == 400 and empty.json()["errors"][0]["field"] == "text"
    assert answered.status_code == 200 and answered.json()["answered_at"] is not None
    assert Client().get(f"{API}/{question.public_id}").json()["answered"] is True


def test_statistics_are_for_supervisors_and_moderators(board):
    routed_make(board.wuhan_hr)

    assert signed_in(board.citizen).get(f"{API}/stats").status_code == 403
    found = signed_in(board.moderator).get(f"{API}/stats")
    assert found.status_code == 200 and found.json()["questions"] == 1
    bad = signed_in(board.moderator).get(f"{API}/stats", {"start": "2026-12-01", "end": "2026-11-01"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "start"
