"""The citizen's account journey (issue 3): register, log in, see the masked data on my account, log out;
on a desktop and on a phone. Every page passes axe."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from tongban.identity.tests.factories import make_id_number

pytestmark = pytest.mark.browser

ID_NUMBER = make_id_number(61)
PHONE = "15100006702"
PASSWORD = "Wuhan-circle-2026"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def register_log_in_and_out(portal) -> None:
    page = portal.visit("/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="注册").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("注册")
    portal.check()

    page.get_by_role("link", name="个人注册").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("个人注册")
    portal.check()

    page.get_by_label("姓名").fill("张三")
    page.get_by_label("公民身份号码").fill(ID_NUMBER[:-1])  # one digit short: the page says so
    page.get_by_label("手机号码").fill(PHONE)
    page.get_by_label("用户名").fill("zhangsan")
    page.get_by_label("电子邮箱").fill("zhangsan@example.com")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("确认密码").fill(PASSWORD)
    page.get_by_role("button", name="注册").click()

    message = "公民身份号码：应为18位（最后一位可能是X），您输入了17位。"
    expect(page.get_by_role("alert")).to_contain_text(message)
    expect(page.get_by_label("公民身份号码")).to_have_accessible_description(re.compile(message))
    expect(page.get_by_label("姓名")).to_have_value("张三")
    expect(page.get_by_label("密码", exact=True)).to_have_value("")
    portal.check()

    page.get_by_label("公民身份号码").fill(ID_NUMBER)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("确认密码").fill(PASSWORD)
    page.get_by_role("button", name="注册").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("登录")
    expect(page.get_by_role("status")).to_have_text("注册成功。请使用用户名 zhangsan 登录。")
    portal.check()

    page.get_by_label("用户名或公民身份号码").fill(ID_NUMBER)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="登录").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("我的账号")
    facts = page.get_by_role("main")
    expect(facts).to_contain_text(ID_NUMBER[:4] + "*" * 10 + ID_NUMBER[-4:])
    expect(facts).to_contain_text("151****6702")
    assert ID_NUMBER not in page.content() and PHONE not in page.content()
    portal.check()

    page.get_by_role("navigation", name="主导航").get_by_role("button", name="退出").click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("navigation", name="主导航").get_by_role("link", name="登录")).to_be_visible()
    assert portal.visit("/account/").url.endswith("/login/?next=/account/")
    portal.check()


def test_a_citizen_registers_logs_in_sees_masked_data_and_logs_out(portal):
    register_log_in_and_out(portal)

    assert len(portal.checked) == 6


def test_the_account_journey_fits_a_phone_screen(phone_portal):
    register_log_in_and_out(phone_portal)

    assert phone_portal.page.evaluate("document.documentElement.scrollWidth") <= 375


def test_the_other_account_pages_pass_axe(portal):
    pages = [
        "/register/company/",
        "/workbench/login/",
        "/password-reset/",
        "/password-reset/sent/",
        "/password-reset/complete/",
        "/password-reset/MQ/not-a-token/",
    ]
    for path in pages:
        page = portal.visit(path)
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        portal.check()

    assert len(portal.checked) == len(pages)
