"""我要提问 in a real browser (issue 6): a visitor asks a question (the captcha in its test mode), is told it
waits for review and gets a private link; the moderator finds it in the queue and publishes it to a
department; the department answers it in the workbench; the answer is on the public page, and the private
link shows it too. Every page passes axe."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
QUESTION = "在武汉缴纳的社保转到鄂州后，怎么查询缴费年限？需要带哪些材料？"
ANSWER = "您好！登录本平台后在“我的社保”中即可查询缴费年限，无需携带材料。"


def sign_in(portal, user) -> None:
    portal.page.context.clear_cookies()
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    portal.page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": portal.base_url}])


@pytest.fixture
def board(transactional_db, monkeypatch):
    from captcha.conf import settings as captcha_settings

    from tongban.consult.models import TriageThresholds
    from tongban.consult.tests.factories_workbench import board_make

    monkeypatch.setattr(captcha_settings, "CAPTCHA_TEST_MODE", True)
    TriageThresholds.current()  # the data migration's row is gone in a flushed (transactional) database
    return board_make()


def test_ask_moderate_publish_answer_and_read_the_answer(portal, board):
    from tongban.consult.models import Question

    page = portal.visit("/questions/ask/")
    portal.check()
    page.get_by_label("称呼").fill("王先生")
    page.get_by_label("问题内容").fill(QUESTION)
    page.get_by_label("验证码").fill("PASSED")
    page.get_by_role("button", name="提交提问").click()
    expect(page.get_by_text("审核通过后公开").first).to_be_visible()
    portal.check()
    follow_url = page.locator("a[href*='/questions/follow/']").first.get_attribute("href")
    question = Question.objects.get()
    assert question.status == "pending"
    portal.visit(f"/questions/{question.public_id}/", status=404)

    sign_in(portal, board.moderator)
    page = portal.visit("/workbench/questions/")
    expect(page.get_by_text(QUESTION[:12]).first).to_be_visible()
    portal.check()
    page = portal.visit(f"/workbench/questions/{question.public_id}/")
    page.locator("#id_publish_department").select_option(value=str(board.wuhan_hr.pk))
    page.get_by_role("button", name="公开", exact=True).click()
    expect(page.get_by_text("已公开").first).to_be_visible()
    portal.check()

    sign_in(portal, board.answerer)
    page = portal.visit("/workbench/questions/inbox/")
    expect(page.get_by_text(QUESTION[:12]).first).to_be_visible()
    portal.check()
    page = portal.visit(f"/workbench/questions/{question.public_id}/")
    page.get_by_label("答复内容").fill(ANSWER)
    page.get_by_role("button", name="提交答复").click()
    expect(page.get_by_text(ANSWER[:10]).first).to_be_visible()
    portal.check()

    portal.page.context.clear_cookies()
    page = portal.visit(f"/questions/{question.public_id}/")
    expect(page.get_by_text(ANSWER).first).to_be_visible()
    expect(page.get_by_text(board.wuhan_hr.name).first).to_be_visible()
    portal.check()
    page = portal.visit("/questions/")
    expect(page.get_by_text(QUESTION[:12]).first).to_be_visible()
    portal.check()
    page = portal.page
    page.goto(follow_url if follow_url.startswith("http") else portal.base_url + follow_url)
    expect(page.get_by_text(ANSWER).first).to_be_visible()
    portal.check()
