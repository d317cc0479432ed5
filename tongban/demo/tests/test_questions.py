"""The demo's question board: played through the board's services, it shows what the issue asks of it —
test posts held back, the complaint posted four times counted once, the phone number typed as a name never
public, answered questions with their answers, overdue ones red and escalated — and loads once."""

import pytest
from django.db import transaction
from django.test import override_settings

from tongban.consult.choices import QuestionEventKind, QuestionStatus, TriageFlag
from tongban.consult.models import Answer, Question
from tongban.demo import demo_load
from tongban.demo.loader import demo_remove
from tongban.demo.questions import demo_questions_create
from tongban.demo.questions_data import STORIES

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    module = transaction.atomic()
    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER, MEDIA_ROOT=media):
        module.__enter__()
        summary = demo_load()
    yield summary
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        module.__exit__(None, None, None)


def flagged(question, flag) -> bool:
    return any(f["flag"] == flag for f in question.flags)


def test_every_story_is_one_question_and_the_complaint_is_counted_four_times(db, demo):
    assert demo.questions == Question.objects.count() == len(STORIES)
    complaint = Question.objects.get(text__contains="拖欠了我们二十多个人")
    assert complaint.asks == 4 and complaint.askings.count() == 4
    assert flagged(complaint, TriageFlag.DUPLICATE)


def test_test_posts_and_abuse_are_held_back_and_never_public(db, demo, client):
    held = Question.objects.filter(held=True)

    assert {q.text for q in held} >= {"测试一下，测试", "123123123", "1111111"}
    assert any(flagged(q, TriageFlag.ABUSIVE) for q in held)
    assert not held.filter(status=QuestionStatus.PUBLISHED).exists()
    board = client.get("/questions/?all=1").content.decode() + client.get("/questions/").content.decode()
    assert "123123123" not in board and "狗官" not in board


def test_the_phone_number_typed_as_a_name_is_never_shown(db, demo, client):
    question = Question.objects.get(name="13800138000")
    pages = [
        client.get(f"/questions/{question.public_id}/").content.decode(),
        client.get("/questions/", {"all": "1"}).content.decode(),
        client.get(f"/api/v1/questions/{question.public_id}").content.decode(),
    ]

    assert question.status == QuestionStatus.PUBLISHED
    assert all("13800138000" not in page for page in pages)


def test_answered_questions_have_their_answers_and_unanswered_overdue_ones_are_red_and_escalated(db, demo):
    answered = Question.objects.exclude(answered_at=None)
    red = Question.objects.filter(light="red")

    assert answered.count() == sum(1 for s in STORIES if s.answer)
    assert all(Answer.objects.filter(question=q).exists() for q in answered)
    assert Answer.objects.filter(revision=2).count() == 1
    assert {q.department.name for q in red} == {"武汉市教育局", "鄂州市交通运输局"}
    for question in red:
        assert question.answered_at is None and question.escalated_at is not None
        assert question.events.filter(kind=QuestionEventKind.ESCALATED).count() == 1


def test_loading_again_creates_nothing_and_removing_removes_the_board(db, demo):
    assert demo_questions_create() == 0
    demo_remove()
    assert not Question.objects.exists()
