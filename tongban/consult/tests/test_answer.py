"""Answering: never empty, answered exactly when an answer is saved, the clock stopped by the first answer,
revisions with a reason and their history kept; only the department's answering staff answer."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from tongban.core.audit import AuditEntry
from tongban.core.errors import Conflict, ValidationFailed
from tongban.core.tests.concurrency import run_together
from tongban.identity.access import AccessDenied, ActionRefused
from tongban.identity.choices import Role
from tongban.identity.tests.factories import StaffRoleFactory

from ..choices import QuestionEventKind, QuestionStatus
from ..models import Answer, Question
from ..services_answer import answer_give, answer_revise
from ..services_common import question_light
from .factories_workbench import board_make, routed_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def board():
    return board_make()


def unchanged(question) -> tuple:
    question.refresh_from_db()
    return question.answered_at, question.version, question.answers.count()


@pytest.mark.parametrize("text", ["", "   \n\t　", None])
def test_an_empty_answer_is_refused_and_the_question_stays_unanswered(board, text):
    question = routed_make(board.wuhan_hr)

    with pytest.raises(ValidationFailed) as refused:
        answer_give(question=question, by=board.actor(board.answerer), text=text)

    assert (refused.value.errors[0].field, refused.value.message) == ("text", "请填写答复内容。")
    assert unchanged(question) == (None, 1, 0)
    assert not question.is_answered


def test_an_answer_is_saved_with_the_answered_time_and_only_once(board):
    question = routed_make(board.wuhan_hr)

    answer = answer_give(
        question=question, by=board.actor(board.answerer), text="  可到市民之家社保窗口补办。 "
    )
    answered_at = Answer.objects.get(pk=answer.pk).question.answered_at
    with pytest.raises(Conflict):
        answer_give(question=question, by=board.actor(board.answerer), text="第二次答复")

    question.refresh_from_db()
    assert (answer.revision, answer.text, answer.author) == (1, "可到市民之家社保窗口补办。", board.answerer)
    assert answer.organization == board.wuhan_hr
    assert question.answered_at == answered_at is not None
    assert list(question.answers.values_list("text", flat=True)) == ["可到市民之家社保窗口补办。"]
    assert list(question.events.values_list("kind", flat=True)) == [QuestionEventKind.ANSWERED]
    assert AuditEntry.objects.filter(action="question.answer").count() == 1


def test_the_first_answer_stops_the_clock_late_stays_red_on_time_stays_green(board):
    today = timezone.localdate()
    late = routed_make(board.wuhan_hr, routed_on=today - dt.timedelta(days=40))
    on_time = routed_make(board.wuhan_hr)

    answer_give(question=late, by=board.actor(board.answerer), text="抱歉答复晚了。")
    answer_give(question=on_time, by=board.actor(board.answerer), text="按时答复。")

    late.refresh_from_db()
    on_time.refresh_from_db()
    assert (late.light, on_time.light) == ("red", "green")
    later = today + dt.timedelta(days=60)
    assert question_light(late, later).sentence.startswith("超过时限")
    assert (question_light(on_time, later).colour, question_light(on_time, later).sentence) == (
        "green",
        "在时限内办结",
    )


def test_a_revision_needs_a_reason_and_keeps_the_history(board):
    question = routed_make(board.wuhan_hr)
    by = board.actor(board.answerer)
    answer_give(question=question, by=by, text="第一版答复。")
    question.refresh_from_db()
    answered_at = question.answered_at

    with pytest.raises(ValidationFailed) as no_reason:
        answer_revise(question=question, by=by, text="第二版答复。", reason=" ")
    with pytest.raises(ValidationFailed) as same:
        answer_revise(question=question, by=by, text=" 第一版答复。", reason="补充")
    answer_revise(question=question, by=by, text="第二版答复，补充了办理地点。", reason="补充办理地点")

    assert (no_reason.value.errors[0].field, same.value.errors[0].field) == ("reason", "text")
    question.refresh_from_db()
    assert question.answered_at == answered_at
    rows = list(question.answers.order_by("revision").values_list("revision", "text", "reason"))
    assert rows == [(1, "第一版答复。", ""), (2, "第二版答复，补充了办理地点。", "补充办理地点")]
    assert question.answers.first().text == "第二版答复，补充了办理地点。"  # newest first: the answer
    event = question.events.get(kind=QuestionEventKind.ANSWER_REVISED)
    assert (event.reason, event.detail) == ("补充办理地点", {"revision": 2})


def test_an_unanswered_question_is_not_revised(board):
    question = routed_make(board.wuhan_hr)

    with pytest.raises(Conflict):
        answer_revise(question=question, by=board.actor(board.answerer), text="修改", reason="补充")

    assert unchanged(question) == (None, 1, 0)


def test_another_citys_reviewer_cannot_answer_and_does_not_learn_the_question_exists(board):
    question = routed_make(board.wuhan_hr)

    for stranger in (board.ezhou_answerer, board.ezhou_supervisor, board.citizen):
        with pytest.raises(AccessDenied):
            answer_give(question=question, by=board.actor(stranger), text="不是本部门的提问")

    assert unchanged(question) == (None, 1, 0)


def test_a_moderator_or_supervisor_answers_only_when_also_the_departments_answerer(board):
    question = routed_make(board.wuhan_hr)

    for viewer in (board.moderator, board.wuhan_supervisor):
        with pytest.raises(ActionRefused):
            answer_give(question=question, by=board.actor(viewer), text="审核员不答复")
    assert unchanged(question) == (None, 1, 0)
    StaffRoleFactory(user=board.moderator, role=Role.REVIEWER, organization=board.wuhan_hr)
    answer_give(question=question, by=board.actor(board.moderator), text="本部门答复。")

    assert unchanged(question)[2] == 1


def test_a_rejected_or_merged_question_is_not_answered(board):
    rejected = routed_make(board.wuhan_hr, status=QuestionStatus.REJECTED)

    with pytest.raises(Conflict) as refused:
        answer_give(question=rejected, by=board.actor(board.answerer), text="答复")

    assert refused.value.message == "该提问未予公开，不能答复。"
    assert unchanged(rejected) == (None, 1, 0)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_answers_at_once_make_one_answer_and_the_other_is_told():
    board = board_make()
    second = StaffRoleFactory(role=Role.CHIEF_SERVICE_OFFICER, organization=board.wuhan_hr).user
    question = routed_make(board.wuhan_hr)

    results = run_together(
        lambda: answer_give(
            question=Question.objects.get(pk=question.pk), by=board.actor(board.answerer), text="甲"
        ),
        lambda: answer_give(question=Question.objects.get(pk=question.pk), by=board.actor(second), text="乙"),
    )

    assert sorted(type(r).__name__ for r in results) == ["Answer", "Conflict"], results
    assert unchanged(question)[1:] == (2, 1)
