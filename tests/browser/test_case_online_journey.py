"""全程网办 in a real browser: a citizen opens the application page of an item, fills its form, uploads a
material and gives an e-license number, submits once, and finds the case under 我的办件; a reviewer then
accepts it and the citizen sees 已受理 with its deadline. In the second journey the reviewer works the case
in the workbench: accepts it, starts the review and approves it; the citizen sees the decision. Every page
passes axe, on a desktop and on a phone."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from tongban.cases.choices import CaseStatus
from tongban.cases.models import Case
from tongban.cases.services import case_accept, correction_notice_issue
from tongban.cases.tests.factories import FORM, CaseFactory, make_circle
from tongban.catalog.choices import Mode
from tongban.catalog.models import Availability

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.7\n" + b"0" * 200


def sign_in(portal, user) -> None:
    """The browser gets the session cookie of a signed-in user (the login page is tested on its own)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    portal.page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": portal.base_url}])


@pytest.fixture
def item(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    circle = make_circle(form=FORM)
    Availability.objects.create(implementation=circle.implementation, mode=Mode.ONLINE)
    return circle


def apply_then_follow(portal, circle) -> None:
    sign_in(portal, circle.applicant)
    name = circle.implementation.service_item.name

    page = portal.visit(f"/cases/apply/{circle.implementation.code}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    portal.check()

    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("#id_f-purpose-error")).to_have_text("这个字段是必填项。")
    portal.problems[:] = [p for p in portal.problems if "status of 400" not in p]
    portal.check()

    page.get_by_label("申请事由").fill("异地就业")
    page.get_by_label("身份证").set_input_files(
        files=[{"name": "身份证.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_label("或填写居住证编号").fill("420100-JZZ-0001")
    page.get_by_role("button", name="提交申请").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.locator(".case-status")).to_have_text("已提交，待受理")
    portal.check()
    case = Case.objects.get()

    page.get_by_role("link", name="我的办件").first.click()
    row = page.get_by_role("row", name=name)
    expect(row).to_contain_text(case.number_display)
    expect(row).to_contain_text("已提交，待受理")
    portal.check()

    case_accept(case=case, by=circle.actor(circle.reviewer))
    row.get_by_role("link", name=name).click()
    expect(page.locator(".case-status")).to_have_text("已受理")
    expect(page.locator(".case-light__sentence")).to_contain_text("剩余5个工作日")
    expect(page.get_by_text(f"{circle.handling_org.name} 工作人员")).to_be_visible()
    portal.check()


def test_a_citizen_applies_online_and_follows_the_case(portal, item):
    apply_then_follow(portal, item)

    assert len(portal.checked) == 5


def test_the_same_journey_fits_a_phone_screen(phone_portal, item):
    apply_then_follow(phone_portal, item)

    assert phone_portal.page.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_citizen_answers_a_correction_notice(portal, item):
    circle = item
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED, form_data={"purpose": "异地就业"})
    correction_notice_issue(
        case=case, by=circle.actor(circle.reviewer), items=["身份证复印件不清晰，请重新上传"]
    )
    sign_in(portal, circle.applicant)

    page = portal.visit(f"/cases/{case.number}/")
    expect(page.locator(".case-status")).to_have_text("待补正材料")
    expect(page.get_by_text("身份证复印件不清晰，请重新上传")).to_be_visible()
    portal.check()

    page.get_by_role("link", name="查看并打印一次性告知书").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("补正材料一次性告知书")
    portal.check()
    page.go_back()

    page.get_by_label("材料", exact=True).select_option(label="身份证")
    page.get_by_label("文件", exact=True).set_input_files(
        files=[{"name": "身份证.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="上传材料").click()
    expect(page.get_by_role("link", name=re.compile(r"上传文件\s*：身份证"))).to_be_visible()
    page.get_by_role("button", name="补正完成，重新提交").click()

    expect(page.locator(".case-status")).to_have_text("已提交，待受理")
    expect(page.get_by_text("已补正")).to_be_visible()
    portal.check()


def test_a_window_case_is_looked_up_without_signing_in(portal, item):
    circle = item
    case = CaseFactory.for_circle(circle, status=CaseStatus.ACCEPTED, mode=Mode.PROXY)

    page = portal.visit("/cases/lookup/")
    portal.check()
    page.get_by_label("办件编号").fill(case.number_display)
    page.get_by_label("申请人手机号码").fill("13900000000")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("alert")).to_contain_text("没有找到与该办件编号和手机号码相符的窗口办件")
    portal.problems[:] = [p for p in portal.problems if "status of 400" not in p]
    portal.check()

    page.get_by_label("办件编号").fill(case.number_display)
    page.get_by_label("申请人手机号码").fill(circle.applicant.person.phone)
    page.get_by_role("button", name="查询").click()

    expect(page.get_by_role("heading", level=2, name=circle.implementation.service_item.name)).to_be_visible()
    expect(page.get_by_text("已受理", exact=True)).to_be_visible()
    portal.check()


def test_a_reviewer_accepts_and_approves_an_online_application_in_the_workbench(portal, item):
    circle = item
    name = circle.implementation.service_item.name
    sign_in(portal, circle.applicant)
    page = portal.visit(f"/cases/apply/{circle.implementation.code}/")
    page.get_by_label("申请事由").fill("异地就业")
    page.get_by_label("身份证").set_input_files(
        files=[{"name": "身份证.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator(".case-status")).to_have_text("已提交，待受理")
    case = Case.objects.get()

    portal.page.context.clear_cookies()
    sign_in(portal, circle.reviewer)
    page = portal.visit("/workbench/cases/?tab=accept")
    portal.check()
    page.get_by_role("link", name=case.number_display).click()
    expect(page.get_by_role("link", name="预览")).to_be_visible()
    portal.check()
    for button, status in (
        ("受理", CaseStatus.ACCEPTED),
        ("开始审查", CaseStatus.IN_REVIEW),
        ("作出准予办理决定", CaseStatus.DECIDED),
    ):
        page.get_by_role("button", name=button, exact=True).click()
        expect(page.get_by_role("status").first).to_be_visible()
        case.refresh_from_db()
        assert case.status == status, button
        portal.check()
    assert case.decision == "approved" and case.clock_stopped_on is not None

    portal.page.context.clear_cookies()
    sign_in(portal, circle.applicant)
    page = portal.visit(f"/cases/{case.number}/")
    expect(page.locator(".case-status")).to_have_text("已作出决定")
    expect(page.get_by_text("（准予办理）")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    portal.check()
