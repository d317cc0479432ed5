"""The workbench pages: the moderation queue (held back apart, with the reasons and the personal data a
moderator sees), a question's page with the forms its viewer may use, a department's inbox (red first),
errors in Chinese beside their fields, stale pages refused; strangers get 404, citizens 403."""

import datetime as dt

import pytest
from django.utils import timezone

from tongban.identity.choices import Role
from tongban.identity.tests.factories import StaffRoleFactory

from ..choices import QuestionStatus, TriageFlag
from ..models import Question
from .factories_workbench import board_make, question_make, routed_make

pytestmark = pytest.mark.django_db
QUEUE, INBOX = "/workbench/questions/", "/workbench/questions/inbox/"


@pytest.fixture
def board():
    return board_make()


def page_of(question: Question) -> str:
    return f"/workbench/questions/{question.public_id}/"


def post(client, question: Question, action: str, **data):
    question.refresh_from_db()
    return client.post(f"{page_of(question)}{action}/", {"expected_version": question.version, **data})


# --- The moderation queue ------------------------------------------------------------------------------


def test_the_queue_shows_held_back_questions_apart_with_their_reasons_and_the_personal_data(client, board):
    held = question_make(
        "测试", name="13812345678", held=True, flags=[{"flag": TriageFlag.JUNK, "why": "整条内容为“测试”"}]
    )
    pending = question_make("社保卡丢了怎么补办？", name="李女士", contact="lee@example.com", asks=3)
    routed_make(board.wuhan_hr, text="已经公开的提问")
    client.force_login(board.moderator)

    page = client.get(QUEUE)

    text = page.text
    assert page.status_code == 200
    held_section, pending_section = text.split('id="section-pending"')
    assert held.public_id in held_section and "整条内容为“测试”" in held_section
    assert "13812345678" in held_section  # moderators see what was typed
    assert pending.public_id in pending_section and "lee@example.com" in pending_section
    assert "已经公开的提问" not in text


def test_only_moderators_open_the_queue(client, board):
    client.force_login(board.answerer)
    assert client.get(QUEUE).status_code == 403
    client.force_login(board.citizen)
    assert client.get(QUEUE).status_code == 403
    client.logout()
    assert client.get(QUEUE).status_code == 302


# --- A question's page ---------------------------------------------------------------------------------


def test_a_moderator_sees_the_private_side_the_personal_data_found_and_the_moderation_forms(client, board):
    question = question_make(
        "我的电话13812345678，社保卡怎么补办",
        name="13912345678",
        contact="13812345678",
        flags=[{"flag": TriageFlag.PERSONAL_DATA, "why": "提问内容中有手机号码"}],
    )
    client.force_login(board.moderator)

    page = client.get(page_of(question))

    assert page.status_code == 200
    assert "自动分拣发现个人信息" in page.text and "提问内容中有手机号码" in page.text
    assert page.text.count("13812345678") >= 2 and "13912345678" in page.text
    assert "<dd>我的电话138****5678，社保卡怎么补办</dd>" in page.text  # 公开显示为
    assert "公开显示为：匿名网友" in page.text
    for action in ("publish", "route", "edit", "merge", "reject"):
        assert f"/{action}/" in page.text
    assert "/answer/" not in page.text


def test_publishing_from_the_page_routes_and_says_so(client, board):
    question = question_make()
    client.force_login(board.moderator)

    response = post(client, question, "publish", department=board.wuhan_hr.pk)

    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.status, question.department) == (QuestionStatus.PUBLISHED, board.wuhan_hr)
    assert "已公开，并已转交答复部门。" in client.get(page_of(question)).text


def test_a_form_error_is_shown_in_chinese_beside_its_field_and_changes_nothing(client, board):
    question = question_make()
    client.force_login(board.moderator)

    rejected = post(client, question, "reject", reason="  ")
    merged = post(client, question, "merge", into="abcdef1234")
    published = post(client, question, "publish", department="999999")

    assert rejected.status_code == 400
    assert '<p class="field-error" id="err-reject-reason">请填写不予公开的理由。</p>' in rejected.text
    assert '<p class="field-error" id="err-into">未找到编号为 abcdef1234 的提问。</p>' in merged.text
    assert "所选答复部门不存在，请重新选择。" in published.text
    question.refresh_from_db()
    assert (question.status, question.version) == (QuestionStatus.PENDING, 1)


def test_a_stale_page_gets_409_and_changes_nothing(client, board):
    question = question_make()
    client.force_login(board.moderator)

    response = client.post(f"{page_of(question)}reject/", {"expected_version": 0, "reason": "重复"})

    assert response.status_code == 409
    assert "该提问已被他人处理，请刷新后重试。" in response.text
    assert Question.objects.get(pk=question.pk).status == QuestionStatus.PENDING


# --- Answering -----------------------------------------------------------------------------------------


def test_the_inbox_lists_the_departments_questions_red_first_then_by_due_date(client, board):
    today = timezone.localdate()
    later = routed_make(board.wuhan_hr, text="较晚到期的提问")
    sooner = routed_make(board.wuhan_hr, text="较早到期的提问", routed_on=today - dt.timedelta(days=3))
    overdue = routed_make(board.wuhan_hr, text="已超期的提问", routed_on=today - dt.timedelta(days=40))
    routed_make(board.ezhou_hr, text="鄂州的提问")
    question_make("尚未转交的提问")
    client.force_login(board.answerer)

    page = client.get(INBOX)

    assert page.status_code == 200
    order = [page.text.index(q.text) for q in (overdue, sooner, later)]
    assert order == sorted(order)
    assert "鄂州的提问" not in page.text and "尚未转交的提问" not in page.text


def test_the_department_answers_from_the_page_and_an_empty_answer_is_refused(client, board):
    question = routed_make(board.wuhan_hr)
    client.force_login(board.answerer)

    empty = post(client, question, "answer", text="   ")
    given = post(client, question, "answer", text="请携带身份证到社保窗口补办。")

    assert empty.status_code == 400
    assert '<p class="field-error" id="err-answer-text">请填写答复内容。</p>' in empty.text
    assert given.status_code == 302
    page = client.get(page_of(question))
    assert "请携带身份证到社保窗口补办。" in page.text and "/revise/" in page.text
    assert Question.objects.get(pk=question.pk).is_answered


def test_another_citys_reviewer_gets_404_and_a_citizen_403(client, board):
    question = routed_make(board.wuhan_hr)

    client.force_login(board.ezhou_answerer)
    assert client.get(page_of(question)).status_code == 404
    assert post(client, question, "answer", text="不是本部门的").status_code == 404
    client.force_login(board.citizen)
    assert client.get(page_of(question)).status_code == 403
    assert post(client, question, "answer", text="我来答").status_code == 403
    client.force_login(board.answerer)
    assert client.get(INBOX).status_code == 200
    client.force_login(board.citizen)
    assert client.get(INBOX).status_code == 403

    assert not Question.objects.get(pk=question.pk).is_answered


def test_a_moderator_who_does_not_answer_for_the_department_is_refused_403(client, board):
    question = routed_make(board.wuhan_hr)
    client.force_login(board.moderator)

    response = post(client, question, "answer", text="审核员代答")

    assert response.status_code == 403
    assert "/answer/" not in client.get(page_of(question)).text
    assert client.get(INBOX).status_code == 403
    assert not Question.objects.get(pk=question.pk).is_answered


# --- The workbench home --------------------------------------------------------------------------------


def test_the_workbench_home_links_each_staff_member_to_the_boards_pages_of_their_roles(client, board):
    links = {"问答审核": QUEUE, "待答复的提问": INBOX, "问答统计": "/workbench/questions/stats/"}
    expected = {
        board.moderator: {"问答审核", "问答统计"},
        board.answerer: {"待答复的提问"},
        board.wuhan_supervisor: {"问答统计"},
        StaffRoleFactory(role=Role.WINDOW_CLERK).user: set(),
    }
    for user, shown in expected.items():
        client.force_login(user)
        page = client.get("/workbench/").text
        assert {label for label, url in links.items() if f'href="{url}">{label}</a>' in page} == shown
