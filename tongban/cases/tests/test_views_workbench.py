"""The staff workbench for cases, through the client: inboxes by role, the case page (only the table's
actions; stale pages get 409; refusals change nothing), materials behind an access check, shipments, and
异地代收 at a cross-city window from identification to forwarding."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tongban.catalog.choices import Mode
from tongban.core.choices import Channel
from tongban.identity.access import actor_for
from tongban.identity.services.identity_codes import identity_code_issue
from tongban.identity.tests.factories import PersonFactory, make_id_number

from ..choices import CaseStatus
from ..models import Case, CaseMaterial, CorrectionNotice, Light, Shipment, ShipmentStatus
from ..services import case_material_upload
from .factories import CaseFactory, Circle, make_circle

pytestmark = pytest.mark.django_db
INBOX = "/workbench/cases/"
RECEIVE = "/workbench/cases/receive/"
STALE = "该办件已被他人处理，请刷新后再试"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def circle() -> Circle:
    return make_circle(steps=1)


def page(client, url, **params):
    response = client.get(url, params)
    return response, response.content.decode()


def case_url(case: Case) -> str:
    return f"/workbench/cases/{case.number}/"


def act(client, case: Case, action: str, version: int | None = None, **data):
    data["expected_version"] = case.version if version is None else version
    return client.post(f"{case_url(case)}act/{action}/", data)


# --- Who comes in ---------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_staff_login(client):
    response = client.get(INBOX)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:workbench_login"))


def test_a_citizen_gets_the_staff_only_page(client, circle):
    client.force_login(circle.applicant)

    response = client.get(INBOX)

    assert response.status_code == 403


# --- Inboxes --------------------------------------------------------------------------------------


def test_the_reviewer_finds_submitted_cases_to_accept_with_the_applicant_masked(client, circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)
    CaseFactory.for_circle(circle, status=CaseStatus.IN_REVIEW)
    client.force_login(circle.reviewer)

    response, html = page(client, INBOX, tab="accept")

    assert response.status_code == 200
    assert case.number_display in html
    assert "张*" in html and "张三" not in html
    assert '待受理 <span class="badge">1</span>' in html


def test_the_window_clerk_finds_received_cases_to_forward_and_not_the_handling_citys_queue(client, circle):
    received = CaseFactory.for_circle(circle, status=CaseStatus.RECEIVED, mode=Mode.PROXY)
    forwarded = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED, mode=Mode.PROXY)
    client.force_login(circle.clerk)

    response, html = page(client, INBOX)
    to_accept = page(client, INBOX, tab="accept")[1]

    assert response.status_code == 200
    assert received.number_display in html and forwarded.number_display not in html
    assert forwarded.number_display not in to_accept and "暂无办件" in to_accept


def test_each_inbox_holds_the_cases_of_its_status(client, circle):
    cases = {
        "corrections": CaseFactory.for_circle(circle, status=CaseStatus.CORRECTION_REQUIRED),
        "review": CaseFactory.for_circle(circle, status=CaseStatus.IN_REVIEW),
        "paused": CaseFactory.for_circle(circle, status=CaseStatus.SUSPENDED),
        "lights": CaseFactory.for_circle(circle, status=CaseStatus.ACCEPTED, light=Light.RED),
    }
    with_parcel = CaseFactory.for_circle(circle, status=CaseStatus.DELIVERING)
    Shipment.objects.create(
        case=with_parcel, purpose="result_to_applicant", carrier="EMS", tracking_number="E1"
    )
    cases["shipments"] = with_parcel
    client.force_login(circle.reviewer)

    for tab, case in cases.items():
        html = page(client, INBOX, tab=tab)[1]
        listed = {c.number for c in Case.objects.all() if f"/workbench/cases/{c.number}/" in html}
        expected = {case.number} | ({cases["lights"].number} if tab == "review" else set())
        assert listed == expected, tab


def test_the_lights_inbox_holds_running_clocks_only(client, circle):
    running = CaseFactory.for_circle(circle, status=CaseStatus.IN_REVIEW, light=Light.YELLOW)
    decided = CaseFactory.for_circle(
        circle, status=CaseStatus.DECIDED, light=Light.YELLOW, clock_stopped_on=dt.date(2026, 3, 2)
    )
    client.force_login(circle.reviewer)

    html = page(client, INBOX, tab="lights")[1]

    assert running.number_display in html
    assert decided.number_display not in html  # decided before its deadline: its light is history


def test_the_supervisor_sees_lights_but_no_queues(client, circle):
    red = CaseFactory.for_circle(circle, status=CaseStatus.IN_REVIEW, light=Light.RED)
    client.force_login(circle.supervisor)

    html = page(client, INBOX, tab="lights")[1]

    assert red.number_display in html
    assert "?tab=accept" not in html and "?tab=receive" not in html


def test_another_citys_clerk_has_empty_inboxes(client, circle):
    CaseFactory.for_circle(circle, status=CaseStatus.RECEIVED, mode=Mode.PROXY)
    client.force_login(circle.other_city_clerk)

    html = page(client, INBOX, tab="all")[1]

    assert "暂无办件" in html


def test_search_finds_a_case_by_its_number_as_typed_by_name_and_by_item(client, circle):
    case = CaseFactory.for_circle(circle)
    other = CaseFactory.for_circle(circle, applicant=PersonFactory(real_name="李四").user)
    client.force_login(circle.reviewer)
    typed = f"{case.number[:4]}-{case.number[4:8]} {case.number[8:]}"

    by_number = page(client, INBOX, tab="all", q=typed)[1]
    by_name = page(client, INBOX, tab="all", q="李四")[1]
    by_item = page(client, INBOX, tab="all", q=circle.implementation.service_item.name[:3])[1]

    assert case.number_display in by_number and other.number_display not in by_number
    assert other.number_display in by_name and case.number_display not in by_name
    assert case.number_display in by_item and other.number_display in by_item


def test_an_inbox_costs_the_same_queries_for_3_and_for_15_cases(client, circle):
    client.force_login(circle.reviewer)
    for _ in range(3):
        CaseFactory.for_circle(circle)
    page(client, INBOX, tab="all")  # warm the session and content types
    with CaseQueries() as few:
        page(client, INBOX, tab="all")
    for _ in range(12):
        CaseFactory.for_circle(circle)
    with CaseQueries() as many:
        html = page(client, INBOX, tab="all")[1]

    assert "共 15 件" in html
    assert len(many) == len(few)


class CaseQueries(CaptureQueriesContext):
    def __init__(self):
        super().__init__(connection)


def test_the_inbox_pages_by_twenty(client, circle):
    for _ in range(21):
        CaseFactory.for_circle(circle)
    client.force_login(circle.reviewer)

    first = page(client, INBOX, tab="all")[1]
    second = page(client, INBOX, tab="all", page=2)[1]

    assert "共 21 件" in first and "第 1 / 2 页" in first
    assert "第 2 / 2 页" in second


# --- The case page --------------------------------------------------------------------------------


def test_another_citys_clerk_gets_404_on_the_case_page(client, circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.RECEIVED, mode=Mode.PROXY)
    client.force_login(circle.other_city_clerk)

    assert client.get(case_url(case)).status_code == 404
    assert client.get("/workbench/cases/not-a-number/").status_code == 404


def test_the_case_page_shows_guide_version_orgs_light_and_only_the_allowed_actions(client, circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)
    client.force_login(circle.reviewer)

    response, html = page(client, case_url(case))

    assert response.status_code == 200
    assert f"第{circle.version.number}版" in html
    assert circle.handling_org.name in html
    assert "/act/accept/" in html and "/act/issue_correction_notice/" in html
    assert "/act/refuse_acceptance/" in html
    assert "/act/approve/" not in html and "/act/forward/" not in html
    assert "张*" in html and "张三" not in html


def test_the_reviewer_accepts_a_submitted_case(client, circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)
    client.force_login(circle.reviewer)

    response = act(client, case, "accept")

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED
    assert case.owner == circle.reviewer
    assert "已受理。" in page(client, case_url(case))[1]


def test_an_action_not_allowed_has_no_button_and_a_post_is_refused_with_nothing_changed(client, circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED, mode=Mode.PROXY)
    client.force_login(circle.clerk)
    html = page(client, case_url(case))[1]

    response = act(client, case, "accept")

    assert "/act/accept/" not in html
    assert response.status_code == 403
    case.refresh_from_db()
    assert (case.status, case.version, case.events.count()) == (CaseStatus.SUBMITTED, 1, 0)


def test_a_stale_page_gets_409_and_changes_nothing(client, circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)
    client.force_login(circle.reviewer)

    response = act(client, case, "accept", version=case.version - 1 if case.version > 1 else 99)

    assert response.status_code == 409
    assert STALE in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED and case.version == 1


def test_a_correction_notice_lists_every_defect_at_once(client, circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)
    client.force_login(circle.reviewer)

    response = act(client, case, "issue_correction_notice", items="身份证复印件不清晰\n\n缺少居住证明\n")

    assert response.status_code == 302
    notice = CorrectionNotice.objects.get(case=case)
    assert notice.items == ["身份证复印件不清晰", "缺少居住证明"]
    assert "缺少居住证明" in page(client, case_url(case))[1]


def test_a_correction_notice_without_defects_is_refused_beside_the_field(client, circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)
    client.force_login(circle.reviewer)

    response = act(client, case, "issue_correction_notice", items="  \n")

    assert response.status_code == 400
    html = response.content.decode()
    assert '<p class="field-error">请逐项列明需要补正的全部内容。</p>' in html
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED and not CorrectionNotice.objects.exists()


def test_refusing_acceptance_needs_a_reason(client, circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)
    client.force_login(circle.reviewer)

    refused = act(client, case, "refuse_acceptance", reason="", remedies="可申请行政复议")
    done = act(client, case, "refuse_acceptance", reason="不属于本机关职权范围", remedies="可申请行政复议")

    assert refused.status_code == 400
    assert "「不予受理」须填写理由。" in refused.content.decode()
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.NOT_ACCEPTED


def test_a_special_procedure_needs_its_kind_and_days(client, circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.IN_REVIEW)
    client.force_login(circle.reviewer)

    bad = act(client, case, "start_special_procedure", kind="hearing", expected_days="三天")
    good = act(client, case, "start_special_procedure", kind="hearing", expected_days="10")

    assert bad.status_code == 400 and "所需时间应为1至365个工作日。" in bad.content.decode()
    assert good.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.SPECIAL_PROCEDURE and case.pause_expected_days == 10


def test_a_hand_over_names_the_colleague_who_takes_the_case(client, circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.IN_REVIEW, owner=circle.reviewer)
    client.force_login(circle.reviewer)

    response = act(client, case, "hand_over", recipient=str(circle.reviewer2.pk), reason="出差")

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.owner == circle.reviewer2
    assert str(circle.reviewer2) in page(client, case_url(case))[1]


def test_the_timeline_names_who_held_the_case(client, circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)
    client.force_login(circle.reviewer)
    act(client, case, "accept")

    html = page(client, case_url(case))[1]

    assert "受理" in html and str(circle.reviewer) in html and circle.handling_org.name in html


# --- Materials ------------------------------------------------------------------------------------


def test_a_material_is_streamed_to_staff_who_see_the_case_and_to_nobody_else(
    client, circle, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    case = CaseFactory.for_circle(circle, status=CaseStatus.RECEIVED, mode=Mode.PROXY)
    material = case_material_upload(
        case=case, by=actor_for(circle.clerk), file=SimpleUploadedFile("a.pdf", PDF), name="身份证"
    )
    url = f"{case_url(case)}materials/{material.pk}/"
    client.force_login(circle.reviewer)

    response = client.get(url)
    download = client.get(url, {"download": "1"})
    client.force_login(circle.other_city_clerk)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    assert client.get(url).status_code == 404


# --- Shipments ------------------------------------------------------------------------------------


def test_the_window_registers_a_parcel_of_materials_and_the_handler_marks_it_delivered(client, circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED, mode=Mode.PROXY)
    client.force_login(circle.clerk)

    created = client.post(
        f"{case_url(case)}shipments/",
        {"purpose": "materials_to_handler", "carrier": "中国邮政EMS", "tracking_number": "EA123456789CN"},
    )
    shipment = Shipment.objects.get(case=case)
    client.force_login(circle.reviewer)
    form = page(client, case_url(case))[1]
    updated = client.post(
        f"{case_url(case)}shipments/{shipment.pk}/", {"status": "delivered", "text": "已签收"}
    )

    assert created.status_code == 302 and updated.status_code == 302
    assert f"{case_url(case)}shipments/{shipment.pk}/" in form and "更新状态" in form
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DELIVERED
    assert "EA123456789CN" in page(client, case_url(case))[1]


def test_a_parcel_without_a_tracking_number_is_refused_beside_the_field(client, circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED, mode=Mode.PROXY)
    client.force_login(circle.clerk)

    response = client.post(
        f"{case_url(case)}shipments/",
        {"purpose": "materials_to_handler", "carrier": "EMS", "tracking_number": ""},
    )

    assert response.status_code == 400
    assert '<p class="field-error">请填写运单号。</p>' in response.content.decode()
    assert not Shipment.objects.exists()


# --- 异地代收 at a cross-city window ------------------------------------------------------------------


def test_the_window_flow_identify_receive_receipt_scan_forward(client, circle, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    person = PersonFactory(real_name="王小明", id_number=make_id_number(31))
    client.force_login(circle.clerk)

    identified = client.post(
        RECEIVE, {"step": "identify", "id_number": make_id_number(31), "real_name": "王小明"}
    )
    picking_html = page(client, RECEIVE)[1]
    checklist_html = page(
        client, RECEIVE, window=circle.window.pk, implementation=circle.implementation.code
    )[1]
    refused = client.post(
        RECEIVE, {"window": circle.window.pk, "implementation": circle.implementation.code, "purpose": "落户"}
    )
    received = client.post(
        RECEIVE,
        {
            "window": circle.window.pk,
            "implementation": circle.implementation.code,
            "purpose": "落户",
            "consent": "yes",
        },
    )

    assert identified.status_code == 302
    assert "王*明" in picking_html and "王小明" not in picking_html
    assert circle.implementation.service_item.name in picking_html
    assert "身份证" in checklist_html and "居住证明" in checklist_html
    assert refused.status_code == 400 and "请先由申请人签署服务同意书。" in refused.content.decode()
    case = Case.objects.get(applicant=person.user)
    assert received.status_code == 302 and received["Location"] == f"{case_url(case)}receipt/"
    assert (case.status, case.receiving_window, case.owner) == (
        CaseStatus.RECEIVED,
        circle.window,
        circle.clerk,
    )

    receipt = page(client, f"{case_url(case)}receipt/")[1]
    assert "收件告知单" in receipt and case.number_display in receipt
    assert circle.handling_org.name in receipt and f"{case.promised_days}个工作日" in receipt

    scan = client.post(
        f"{case_url(case)}materials/",
        {
            "guide_material": circle.version.materials.get(name="身份证").pk,
            "file": SimpleUploadedFile("id.pdf", PDF),
        },
    )
    case.refresh_from_db()
    forwarded = act(client, case, "forward")

    assert scan.status_code == 302 and CaseMaterial.objects.filter(case=case, name="身份证").exists()
    assert forwarded.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED and case.owner is None


def test_the_window_identifies_the_applicant_by_identity_code(client, circle):
    person = PersonFactory(real_name="赵六")
    token = identity_code_issue(by=actor_for(person.user, channel=Channel.WEB)).token
    client.force_login(circle.clerk)

    identified = client.post(RECEIVE, {"step": "identify", "token": token})
    again = client.post(RECEIVE, {"step": "identify", "token": token})

    assert identified.status_code == 302
    assert again.status_code == 400 and "该身份码已使用" in again.content.decode()


def test_a_wrong_name_for_the_id_number_identifies_nobody(client, circle):
    PersonFactory(real_name="王小明", id_number=make_id_number(32))
    client.force_login(circle.clerk)

    response = client.post(
        RECEIVE, {"step": "identify", "id_number": make_id_number(32), "real_name": "王大明"}
    )

    assert response.status_code == 400
    assert "公民身份号码与姓名不匹配" in response.content.decode()
    assert "王小明" not in response.content.decode()


def test_a_reviewer_without_a_cross_city_window_cannot_receive(client, circle):
    client.force_login(circle.reviewer)

    assert client.get(RECEIVE).status_code == 403


# --- Reveal, corrections at the window, bad scans ----------------------------------------------------


def test_a_clerk_who_identified_the_applicant_may_reveal_the_id_number_once_and_a_reviewer_may_not(
    client, circle
):
    person = circle.applicant.person
    case = CaseFactory.for_circle(circle, status=CaseStatus.RECEIVED, mode=Mode.PROXY)
    token = identity_code_issue(by=actor_for(circle.applicant, channel=Channel.WEB)).token
    client.force_login(circle.clerk)
    client.post(RECEIVE, {"step": "identify", "token": token})

    shown = client.post(f"{case_url(case)}reveal/", {"field": "id_number"}).content.decode()
    later = page(client, case_url(case))[1]
    client.force_login(circle.reviewer)
    reviewer_page = page(client, case_url(case))[1]
    refused = client.post(f"{case_url(case)}reveal/", {"field": "id_number"})

    assert person.id_number in shown and "本次查看已记录" in shown
    assert person.id_number not in later
    assert "显示完整身份证号" not in reviewer_page
    assert refused.status_code == 404 and person.id_number not in refused.content.decode()


def test_reveals_on_the_case_page_are_rate_limited_and_the_limited_one_reveals_nothing(
    client, circle, settings
):
    from django.core.cache import cache

    cache.clear()
    settings.RATELIMIT_ENABLE = True
    person = circle.applicant.person
    case = CaseFactory.for_circle(circle, status=CaseStatus.RECEIVED, mode=Mode.PROXY)
    token = identity_code_issue(by=actor_for(circle.applicant, channel=Channel.WEB)).token
    client.force_login(circle.clerk)
    client.post(RECEIVE, {"step": "identify", "token": token})

    answers = [client.post(f"{case_url(case)}reveal/", {"field": "id_number"}) for _ in range(21)]

    assert [a.status_code for a in answers] == [200] * 20 + [429]
    assert person.id_number not in answers[-1].content.decode()
    cache.clear()


def test_the_window_takes_the_correction_of_a_proxy_case_and_resubmits_it(client, circle, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = CaseFactory.for_circle(circle, status=CaseStatus.CORRECTION_REQUIRED, mode=Mode.PROXY)
    client.force_login(circle.clerk)

    html = page(client, case_url(case))[1]
    scan = client.post(
        f"{case_url(case)}materials/", {"name": "补正材料", "file": SimpleUploadedFile("a.pdf", PDF)}
    )
    case.refresh_from_db()
    response = act(client, case, "resubmit")

    assert "/act/resubmit/" in html and "上传扫描件" in html
    assert scan.status_code == 302 and response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED


def test_a_scan_that_is_not_a_pdf_or_image_is_refused_beside_the_field(client, circle, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = CaseFactory.for_circle(circle, status=CaseStatus.RECEIVED, mode=Mode.PROXY)
    client.force_login(circle.clerk)

    response = client.post(
        f"{case_url(case)}materials/",
        {"name": "身份证", "file": SimpleUploadedFile("a.pdf", b"MZ not a pdf")},
    )

    assert response.status_code == 400
    assert '<p class="field-error">只能上传PDF、JPG或PNG格式的文件。</p>' in response.content.decode()
    assert not CaseMaterial.objects.exists()


def test_the_case_page_costs_the_same_queries_for_a_short_and_a_long_history(
    client, circle, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    short = CaseFactory.for_circle(circle, status=CaseStatus.RECEIVED, mode=Mode.PROXY)
    long = CaseFactory.for_circle(circle, status=CaseStatus.RECEIVED, mode=Mode.PROXY)
    clerk = actor_for(circle.clerk)
    for n in range(4):
        case_material_upload(case=long, by=clerk, file=SimpleUploadedFile("a.pdf", PDF), name=f"材料{n}")
    client.force_login(circle.reviewer)
    page(client, case_url(short))
    with CaseQueries() as few:
        page(client, case_url(short))
    with CaseQueries() as many:
        html = page(client, case_url(long))[1]

    assert "材料3" in html
    assert len(many) == len(few)


def test_the_reviewer_finishes_the_step_of_a_joint_case_and_an_objection_needs_a_reason(client, circle):
    from ..choices import StepStatus
    from .factories import add_steps

    case = CaseFactory.for_circle(circle, status=CaseStatus.IN_REVIEW, mode=Mode.JOINT)
    first, _ = add_steps(case, StepStatus.ACTIVE, StepStatus.PENDING)
    client.force_login(circle.reviewer)
    url = f"{case_url(case)}steps/{first.pk}/"

    html = page(client, case_url(case))[1]
    objected = client.post(url, {"expected_version": case.version, "agree": "no", "opinion": ""})
    agreed = client.post(url, {"expected_version": case.version, "agree": "yes", "opinion": "材料齐全"})

    assert url in html
    assert objected.status_code == 400 and "须填写理由" in objected.content.decode()
    assert agreed.status_code == 302
    first.refresh_from_db()
    assert (first.status, first.opinion) == (StepStatus.DONE, "材料齐全")


def test_acceptance_with_a_deficiency_names_the_material_and_its_promised_date(client, circle):
    import datetime as dt

    from django.utils import timezone

    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)
    deferrable = circle.version.materials.get(name="居住证明")
    client.force_login(circle.reviewer)
    promised = (timezone.localdate() + dt.timedelta(days=10)).isoformat()

    nothing = act(client, case, "accept_with_deficiency")
    done = act(client, case, "accept_with_deficiency", **{f"promise_{deferrable.pk}": promised})

    assert nothing.status_code == 400
    assert "容缺受理须列明容缺材料及申请人承诺补交的日期。" in nothing.content.decode()
    assert done.status_code == 302
    material = CaseMaterial.objects.get(case=case)
    assert (material.name, material.promised_on.isoformat()) == ("居住证明", promised)


def test_a_hand_over_without_a_colleague_is_refused_and_changes_nothing(client, circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.IN_REVIEW, owner=circle.reviewer)
    client.force_login(circle.reviewer)

    response = act(client, case, "hand_over", recipient="", reason="出差")

    assert response.status_code == 400
    assert "接手人员应为本件所在单位的在岗工作人员。" in response.content.decode()
    case.refresh_from_db()
    assert (case.owner, case.version) == (circle.reviewer, 1)


def test_each_side_is_offered_only_the_parcels_it_sends(client, circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.DECIDED, mode=Mode.PROXY)
    client.force_login(circle.reviewer)
    handler = page(client, case_url(case))[1]
    client.force_login(circle.clerk)
    window = page(client, case_url(case))[1]

    assert 'value="result_to_window"' in handler and 'value="materials_to_handler"' not in handler
    assert 'value="materials_to_handler"' in window and 'value="result_to_window"' not in window


def test_the_window_is_offered_only_the_items_whose_availability_includes_it(client, circle):
    from tongban.catalog.tests.factories import published_implementation

    elsewhere = published_implementation(organization=circle.handling_org)  # 武汉's, not at 鄂州's window
    person = PersonFactory(real_name="王小明", id_number=make_id_number(33))
    client.force_login(circle.clerk)
    client.post(RECEIVE, {"step": "identify", "id_number": person.id_number, "real_name": "王小明"})

    html = page(client, RECEIVE)[1]
    refused = client.post(
        RECEIVE, {"window": circle.window.pk, "implementation": elsewhere.code, "consent": "yes"}
    )

    assert f'value="{circle.implementation.code}"' in html
    assert f'value="{elsewhere.code}"' not in html
    assert refused.status_code == 200 and not Case.objects.exists()


def test_the_result_is_delivered_by_a_chosen_way(client, circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.DECIDED)
    client.force_login(circle.reviewer)

    form = page(client, case_url(case))[1]
    refused = act(client, case, "deliver")
    done = act(client, case, "deliver", method="electronic", note="电子证照已签发")

    assert 'name="method"' in form and "到收件窗口领取" not in form  # an online case has no window
    assert refused.status_code == 400 and "请选择送达方式。" in refused.content.decode()
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.DELIVERING
    assert case.events.get().reason == "电子送达（电子证照、电子文书）：电子证照已签发"


def test_a_long_list_is_counted_up_to_a_cap_and_asks_for_a_search(client, circle, monkeypatch):
    from ..views.workbench import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "CAP", 3)
    cases = [CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED) for _ in range(4)]
    client.force_login(circle.reviewer)

    capped = page(client, INBOX, tab="all")[1]
    counted = page(client, INBOX, tab="all", q=cases[0].number)[1]

    assert "超过 3 件，请输入办件编号、申请人或事项缩小范围" in capped and "共 4 件" not in capped
    assert "共 1 件" in counted
