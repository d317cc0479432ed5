"""委托代办 in a real browser: a citizen mandates a registered person for one item, sees it under 我委托的,
and revokes it after confirming; the agent finds it under 我受托的. Every page passes axe, on a desktop and
on a phone."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from tongban.catalog.tests.factories import ServiceItemFactory
from tongban.identity.models import Mandate
from tongban.identity.tests.factories import PersonFactory

pytestmark = pytest.mark.browser


def sign_in(portal, user) -> None:
    """The browser gets the session cookie of a signed-in user (the login page is tested on its own)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    portal.page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": portal.base_url}])


def answered_400(portal) -> None:
    """A refused form comes back with status 400, which the browser logs for the document itself."""
    expected = "the server responded with a status of 400"
    portal.problems[:] = [p for p in portal.problems if expected not in p]


def mandate_then_revoke(portal) -> None:
    principal = PersonFactory(real_name="陈红")
    agent = PersonFactory(real_name="刘洋")
    item = ServiceItemFactory(name="社会保障卡补领")
    expires = timezone.localdate() + datetime.timedelta(days=30)
    sign_in(portal, principal.user)

    page = portal.visit("/account/mandates/")
    portal.check()
    page.get_by_role("link", name="新建委托").click()
    portal.check()

    page.get_by_label("受托人姓名").fill("刘洋")
    page.get_by_label("受托人公民身份号码").fill(agent.id_number)
    page.get_by_label("委托事项（基本编码）").fill("990000000001")
    page.get_by_label("到期日期").fill(expires.isoformat())
    page.get_by_role("button", name="提交委托").click()

    expect(page.locator("#id_item_codes-error")).to_have_text(
        "以下事项编码在事项目录中不存在：990000000001。"
    )
    answered_400(portal)
    portal.check()

    page.get_by_label("委托事项（基本编码）").fill(item.basic_code)
    page.get_by_role("button", name="提交委托").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("委托详情")
    expect(page.get_by_text("社会保障卡补领")).to_be_visible()
    expect(page.get_by_text(agent.id_number)).to_have_count(0)
    portal.check()

    page.get_by_role("link", name="撤销委托").click()
    portal.check()
    page.get_by_role("button", name="确认撤销").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("已撤销")
    portal.check()
    assert Mandate.objects.get().revoked_by == principal.user


def test_a_citizen_mandates_and_revokes(portal):
    mandate_then_revoke(portal)

    assert len(portal.checked) == 6


def test_the_same_journey_fits_a_phone_screen(phone_portal):
    mandate_then_revoke(phone_portal)

    assert phone_portal.page.evaluate("document.documentElement.scrollWidth") <= 375
