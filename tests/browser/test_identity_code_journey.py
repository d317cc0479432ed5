"""The identity-code journey of issue 3: a person opens the identity-code page and sees a real QR code with
a countdown (the page's own script runs under the CSP); a window clerk pastes the code on the workbench and
sees the person's masked name. Both pages pass axe and report no CSP violation."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def sign_in(portal, user) -> None:
    """Give the browser a session of `user` (the login pages are tested on their own)."""
    client = Client()
    client.force_login(user)
    context = portal.page.context
    context.clear_cookies()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": portal.base_url,
            }
        ]
    )


@pytest.fixture
def people(transactional_db):
    from tongban.identity.choices import Role
    from tongban.identity.tests.factories import PersonFactory, StaffRoleFactory

    applicant = PersonFactory(real_name="王小明")
    clerk = StaffRoleFactory(
        role=Role.WINDOW_CLERK, organization__name="鄂州市鄂城区政务服务和大数据管理局"
    ).user
    return applicant, clerk


def test_a_person_shows_the_code_and_a_clerk_identifies_them_with_it(portal, people):
    applicant, clerk = people
    sign_in(portal, applicant.user)

    page = portal.visit("/account/code/")

    qr = page.get_by_role("img", name=re.compile(r"^王\*明的身份码二维码"))
    expect(qr).to_be_visible()
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    expect(page.locator("[data-countdown]")).to_have_text(re.compile(r"（剩余 \d+ 秒）"))
    portal.check()
    token = page.locator("[data-code-token]").inner_text()

    page.locator("#identity-code").dispatch_event("code-expired")  # what the countdown does at zero
    expect(page.locator("[data-code-token]")).not_to_have_text(token)
    token = page.locator("[data-code-token]").inner_text()
    portal.check()

    sign_in(portal, clerk)
    page = portal.visit("/workbench/")
    expect(page.get_by_text("鄂州市鄂城区政务服务和大数据管理局")).to_be_visible()
    page.get_by_role("textbox", name="身份码").fill(token)
    page.get_by_role("textbox", name="身份码").press("Enter")

    expect(page.get_by_role("status").filter(has_text="身份码有效")).to_have_text(
        "身份码有效：个人账号「王*明」。"
    )
    expect(page.get_by_role("button", name="显示完整身份证号").first).to_be_visible()
    assert applicant.id_number not in page.content()
    portal.check()


def test_the_code_fits_a_phone_screen(phone_portal, people):
    applicant, _ = people
    sign_in(phone_portal, applicant.user)

    page = phone_portal.visit("/account/code/")

    expect(page.get_by_role("img", name=re.compile(r"^王\*明的身份码二维码"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    phone_portal.check()
