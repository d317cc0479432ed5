"""Issue 4's second journey: a clerk at 鄂州's cross-city window identifies an applicant, receives a case
for a 武汉 item against 武汉's guide version (checklist, form, consent), prints the receipt, uploads a
scan and forwards it; a 武汉 reviewer finds it in the inbox and issues a one-time correction notice; the
applicant answers it on the portal and the case is back in the reviewer's inbox. Every
workbench page passes axe and reports no CSP violation."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


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
def circle(transactional_db, settings, tmp_path):
    from tongban.cases.tests.factories import make_circle
    from tongban.identity.tests.factories import PersonFactory, make_id_number

    settings.MEDIA_ROOT = tmp_path
    circle = make_circle(steps=1)
    person = PersonFactory(real_name="王小明", id_number=make_id_number(41))
    return circle, person


def test_a_window_in_ezhou_receives_a_wuhan_case_and_wuhan_asks_for_a_correction(portal, circle):
    from tongban.cases.choices import CaseStatus
    from tongban.cases.models import Case, CorrectionNotice

    circle, person = circle

    # 鄂州's clerk identifies the applicant by ID number and name.
    sign_in(portal, circle.clerk)
    page = portal.visit("/workbench/cases/")
    page.get_by_role("link", name="异地代收：窗口收件").click()
    page.get_by_role("textbox", name="公民身份号码").fill(person.id_number)
    page.get_by_role("textbox", name="姓名").fill("王小明")
    page.get_by_role("button", name="核验").click()
    expect(page.locator(".wb-applicant")).to_have_text("王*明")
    portal.check()

    # The item, then 武汉's checklist and form; consent; receive.
    page.get_by_label("事项（本窗口可异地代收的事项）").select_option(value=circle.implementation.code)
    page.get_by_role("button", name="查看收件清单").click()
    expect(page.get_by_role("table", name="收件清单（来自办理地办事指南）")).to_contain_text("身份证")
    expect(page.get_by_role("region", name="第三步：按办理地指南核对材料")).to_contain_text(
        f"办理单位：{circle.handling_org.name}"
    )
    portal.check()
    page.get_by_role("button", name="收件", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text("请先由申请人签署服务同意书。")
    portal.problems[:] = [p for p in portal.problems if "status of 400" not in p]  # the refusal's own status
    page.get_by_label("申请人已阅读并签署《异地代收代办服务同意书》").check()
    page.get_by_role("button", name="收件", exact=True).click()

    case = Case.objects.get(applicant=person.user)
    expect(page.get_by_role("heading", level=1)).to_have_text("异地代收代办收件告知单")
    expect(page.locator(".wb-receipt__number")).to_contain_text(case.number_display)
    expect(page.locator(".wb-receipt")).to_contain_text(circle.handling_org.name)
    portal.check()

    # Back to the case: a scan of the ID card, then forward to 武汉.
    page.get_by_role("link", name="返回办件，上传扫描件并转送").click()
    page.get_by_label("材料", exact=True).select_option(label="身份证")
    page.get_by_label("扫描件（PDF、JPG 或 PNG，不超过 20MB）").set_input_files(
        files=[{"name": "id.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="上传").click()
    expect(page.get_by_role("status").filter(has_text="材料已上传")).to_be_visible()
    portal.check()
    page.get_by_role("button", name="转送办理地").click()
    expect(page.get_by_role("status").filter(has_text="已转送办理地")).to_be_visible()
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED

    # 武汉's reviewer finds it among the cases to accept and lists every defect at once.
    sign_in(portal, circle.reviewer)
    page = portal.visit("/workbench/cases/?tab=accept")
    portal.check()
    page.get_by_role("link", name=case.number_display).click()
    expect(page.get_by_role("link", name="预览")).to_be_visible()
    page.get_by_label("需要补正的全部内容（每行一项，一次列全）").fill("身份证扫描件不清晰\n缺少居住证明")
    page.get_by_role("button", name="一次性告知补正").click()
    expect(page.get_by_role("heading", name="第1次告知")).to_be_visible()
    portal.check()
    assert CorrectionNotice.objects.get(case=case).items == ["身份证扫描件不清晰", "缺少居住证明"]

    # The applicant answers on the portal, and the case is back among the reviewer's cases to accept.
    sign_in(portal, person.user)
    page = portal.visit(f"/cases/{case.number}/")
    page.get_by_role("button", name="补正完成，重新提交").click()
    expect(page.get_by_role("button", name="补正完成，重新提交")).to_have_count(0)
    sign_in(portal, circle.reviewer)
    page = portal.visit("/workbench/cases/?tab=accept")
    expect(page.get_by_role("link", name=case.number_display)).to_be_visible()
    portal.check()
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert CorrectionNotice.objects.get(case=case).answered_at is not None
