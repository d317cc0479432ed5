"""The questions' sweep: an overdue question turns red and is escalated to the supervisors of its department's
region (once); a question turning yellow reminds its department's answerers (once); answered and closed
questions are left alone."""

import datetime as dt

import pytest
from django.utils import timezone

from tongban.cases import deadlines
from tongban.identity.choices import Role
from tongban.identity.tests.factories import StaffRoleFactory
from tongban.notifications.models import Notification

from ..choices import QuestionEventKind, QuestionStatus
from ..models import Question
from ..services_answer import answer_give
from ..services_common import question_clock
from ..sweep import questions_sweep
from .factories_workbench import board_make, routed_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def board():
    return board_make()


def running(department, **fields) -> tuple[Question, deadlines.LightDates]:
    """A question routed today, green, with the days its light turns yellow and red."""
    question = routed_make(department, **fields)
    return question, deadlines.light_dates(question_clock(question))


def told(kind: str) -> list[int]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


def events(question: Question, kind: str) -> int:
    return question.events.filter(kind=kind).count()


def test_an_overdue_question_turns_red_and_is_escalated_to_its_regions_supervisors_once(board):
    question, dates = running(board.jiangxia_medical)  # a district's department: the city's supervisors
    district_supervisor = StaffRoleFactory(
        role=Role.SUPERVISOR, organization=board.wuhan_hr, region=board.jiangxia_medical.region
    ).user

    first = questions_sweep(today=dates.red_on)
    again = questions_sweep(today=dates.red_on + dt.timedelta(days=1))

    question.refresh_from_db()
    assert (question.light, question.light_changed_on) == ("red", dates.red_on)
    assert question.escalated_at is not None and question.version == 1
    assert (first["red"], first["escalated"], again["red"], again["escalated"]) == (1, 1, 0, 0)
    assert events(question, QuestionEventKind.ESCALATED) == 1
    escalated = question.events.get(kind=QuestionEventKind.ESCALATED)
    assert escalated.detail["supervisors"] == sorted([board.wuhan_supervisor.pk, district_supervisor.pk])
    assert told("question.light_red") == sorted(
        [board.jiangxia_answerer.pk, board.wuhan_supervisor.pk, district_supervisor.pk]
    )
    assert board.ezhou_supervisor.pk not in told("question.light_red")


def test_a_question_turning_yellow_reminds_the_departments_answerers_once(board):
    question, dates = running(board.wuhan_hr)

    before = questions_sweep(today=dates.yellow_on - dt.timedelta(days=1))
    first = questions_sweep(today=dates.yellow_on)
    again = questions_sweep(today=dates.yellow_on)

    question.refresh_from_db()
    assert (before["yellow"], first["yellow"], again["yellow"]) == (0, 1, 0)
    assert (question.light, question.escalated_at) == ("yellow", None)
    assert events(question, QuestionEventKind.REMINDED) == 1
    assert told("question.light_yellow") == [board.answerer.pk]
    assert not Notification.objects.filter(kind="question.light_red").exists()


def test_a_question_going_from_yellow_to_red_is_reminded_and_then_escalated(board):
    question, dates = running(board.wuhan_hr)

    questions_sweep(today=dates.yellow_on)
    questions_sweep(today=dates.red_on)

    kinds = list(question.events.values_list("kind", flat=True))
    assert kinds[-2:] == [QuestionEventKind.REMINDED, QuestionEventKind.ESCALATED]


def test_answered_and_closed_questions_are_left_alone(board):
    answered, dates = running(board.wuhan_hr)
    answer_give(question=answered, by=board.actor(board.answerer), text="已答复。")
    running(board.wuhan_hr, status=QuestionStatus.REJECTED)
    running(board.wuhan_hr, status=QuestionStatus.MERGED)

    counts = questions_sweep(today=dates.red_on + dt.timedelta(days=30))

    assert counts == {"questions": 0, "yellow": 0, "red": 0, "escalated": 0}
    assert set(Question.objects.values_list("light", flat=True)) == {"green"}
    assert not Notification.objects.filter(kind__startswith="question.light").exists()


def test_the_sweep_counts_as_of_today_by_default(board):
    long_ago = timezone.localdate() - dt.timedelta(days=60)
    question = routed_make(board.wuhan_hr, routed_on=long_ago)
    Question.objects.filter(pk=question.pk).update(light="green")

    counts = questions_sweep()

    assert (counts["red"], Question.objects.get(pk=question.pk).light) == (1, "red")
