"""An asker who asked signed in is told when their question is answered; anonymous askers read it through
their private link."""

import pytest

from tongban.notifications.models import Notification

from ..services_answer import answer_give
from .factories_workbench import board_make, routed_make

pytestmark = pytest.mark.django_db


def test_the_signed_in_asker_is_told_once_with_a_link_to_the_public_question():
    board = board_make()
    question = routed_make(board.wuhan_hr)
    question.askings.update(asker=board.citizen)

    answer_give(question=question, by=board.actor(board.answerer), text="登录本平台即可查询缴费年限。")

    told = Notification.objects.get(recipient=board.citizen, kind="question.answered")
    assert told.link == f"/questions/{question.public_id}/" and "武汉市人力资源和社会保障局" in told.body
    assert Notification.objects.filter(kind="question.answered").count() == 1
