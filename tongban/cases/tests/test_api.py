"""The cases API: the same services, permissions and errors as the pages, personal data masked."""

import io

import pytest
from django.test import Client

from tongban.core.masking import mask_id_number

from ..choices import CaseStatus
from ..models import Case, CaseEvent, CaseMaterial, Shipment
from .factories import CaseFactory, make_circle

pytestmark = pytest.mark.django_db
API = "/api/v1/cases"
PDF = b"%PDF-1.4\n" + b"0" * 100


@pytest.fixture
def circle():
    return make_circle()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def act(client, case, action, **body):
    return client.post(f"{API}/{case.number}/actions/{action}", body, content_type="application/json")


def test_the_list_shows_the_applicants_own_cases_filtered_and_paginated(circle):
    mine = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)
    CaseFactory.for_circle(circle, status=CaseStatus.DRAFT)
    CaseFactory.for_circle(make_circle(), status=CaseStatus.SUBMITTED)  # someone else's

    answer = signed_in(circle.applicant).get(f"{API}?status=submitted")

    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == 1
    assert body["items"][0]["number"] == mine.number
    assert body["items"][0]["status"] == {"value": "submitted", "label": "已提交，待受理"}


def test_a_wrong_filter_is_refused_naming_the_field(circle):
    client = signed_in(circle.applicant)

    light = client.get(f"{API}?light=blue")
    status = client.get(f"{API}?status=lost")

    assert light.status_code == 400
    assert light.json()["errors"] == [{"field": "light", "message": "红黄牌只能是 green、yellow、red。"}]
    assert (status.status_code, status.json()["errors"][0]["field"]) == (400, "status")


def test_staff_see_their_organizations_cases_and_not_another_citys(circle):
    case = CaseFactory.for_circle(circle)

    assert signed_in(circle.reviewer).get(f"{API}/{case.number}").status_code == 200
    answer = signed_in(circle.other_city_clerk).get(f"{API}/{case.number}")

    assert answer.status_code == 404
    assert signed_in(circle.other_city_clerk).get(API).json()["count"] == 0


def test_the_case_masks_the_applicants_id_number(circle):
    case = CaseFactory.for_circle(circle, form_data={"purpose": "联系13912345678"})

    body = signed_in(circle.reviewer).get(f"{API}/{case.number}").json()

    person = circle.applicant.person
    assert body["applicant"] == {"name": "张三", "identifier": mask_id_number(person.id_number)}
    assert person.id_number not in str(body)
    assert body["form_data"] == {"purpose": "联系139****5678"}


def test_starting_twice_with_one_idempotency_key_makes_one_case(circle):
    client = signed_in(circle.applicant)
    body = {"implementation_code": circle.implementation.code, "form_data": {"purpose": "入学"}}

    first = client.post(API, body, content_type="application/json", headers={"Idempotency-Key": "k-1"})
    again = client.post(API, body, content_type="application/json", headers={"Idempotency-Key": "k-1"})

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"]
    assert first.json()["status"]["value"] == CaseStatus.DRAFT
    assert Case.objects.filter(applicant=circle.applicant).count() == 1


def test_starting_an_unknown_item_is_refused(circle):
    answer = signed_in(circle.applicant).post(
        API, {"implementation_code": "nope"}, content_type="application/json"
    )

    assert answer.status_code == 404
    assert answer.json()["detail"] == "未找到该事项的办事指南。"
    assert not Case.objects.exists()


def test_the_actions_are_the_callers_buttons(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)

    reviewer = signed_in(circle.reviewer).get(f"{API}/{case.number}/actions").json()
    applicant = signed_in(circle.applicant).get(f"{API}/{case.number}/actions").json()

    assert {a["action"]["value"] for a in reviewer} >= {
        "accept",
        "issue_correction_notice",
        "refuse_acceptance",
    }
    refuse = next(a for a in reviewer if a["action"]["value"] == "refuse_acceptance")
    assert refuse["needs"] == ["reason", "remedies"]
    assert [a["action"]["value"] for a in applicant] == ["withdraw"]


def test_a_reviewer_accepts_and_the_timeline_shows_it(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)
    client = signed_in(circle.reviewer)

    answer = act(client, case, "accept", expected_version=1)

    assert answer.status_code == 200
    assert (answer.json()["status"]["value"], answer.json()["version"]) == ("accepted", 2)
    timeline = client.get(f"{API}/{case.number}/timeline").json()
    assert [e["action"]["value"] for e in timeline] == ["accept"]
    assert timeline[0]["owner_after"] == str(circle.reviewer)


def test_a_stale_version_is_a_conflict_and_changes_nothing(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED, version=3)

    answer = act(signed_in(circle.reviewer), case, "accept", expected_version=2)

    assert answer.status_code == 409
    assert answer.json()["detail"] == "该办件已被他人处理，页面内容已过期，请刷新后再操作。"
    assert Case.objects.get(pk=case.pk).status == CaseStatus.SUBMITTED
    assert not CaseEvent.objects.exists()


def test_the_applicant_may_not_accept_their_own_case(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)

    answer = act(signed_in(circle.applicant), case, "accept")

    assert answer.status_code == 403
    assert "受理" in answer.json()["detail"]
    assert Case.objects.get(pk=case.pk).status == CaseStatus.SUBMITTED


def test_an_act_the_status_does_not_allow_is_a_conflict(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.ACCEPTED)

    answer = act(signed_in(circle.reviewer), case, "accept")

    assert answer.status_code == 409
    assert answer.json()["detail"].startswith("办件当前状态为「已受理」")


def test_a_correction_notice_needs_its_defects(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)
    client = signed_in(circle.reviewer)

    empty = act(client, case, "issue_correction_notice", defects=[])
    issued = act(client, case, "issue_correction_notice", defects=["身份证复印件不清晰"])

    assert empty.status_code == 400
    assert empty.json()["errors"][0]["field"] == "items"
    assert issued.status_code == 200
    assert issued.json()["status"]["value"] == CaseStatus.CORRECTION_REQUIRED


def test_a_refusal_without_remedies_names_the_field(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)

    answer = act(signed_in(circle.reviewer), case, "refuse_acceptance", reason="不属于本机关职权范围")

    assert answer.status_code == 400
    assert answer.json()["errors"][0]["field"] == "remedies"
    assert Case.objects.get(pk=case.pk).status == CaseStatus.SUBMITTED


def test_an_unknown_action_is_refused(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)

    unknown = act(signed_in(circle.reviewer), case, "approve_everything")
    system_only = act(signed_in(circle.reviewer), case, "deem_accepted")

    assert (unknown.status_code, system_only.status_code) == (400, 400)
    assert unknown.json()["errors"][0]["field"] == "action"


def test_an_act_on_someone_elses_case_is_not_found(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)

    answer = act(signed_in(circle.other_city_clerk), case, "accept")

    assert answer.status_code == 404
    assert Case.objects.get(pk=case.pk).status == CaseStatus.SUBMITTED


def test_the_applicant_uploads_a_material_and_lists_it(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.DRAFT)
    client = signed_in(circle.applicant)
    upload = io.BytesIO(PDF)
    upload.name = "id.pdf"

    answer = client.post(f"{API}/{case.number}/materials", {"file": upload, "name": "身份证"})

    assert answer.status_code == 201, answer.json()
    assert answer.json()["content_type"] == "application/pdf"
    listed = client.get(f"{API}/{case.number}/materials").json()
    assert [m["name"] for m in listed] == ["身份证"]


def test_a_material_that_is_no_pdf_or_image_is_refused(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.DRAFT)
    upload = io.BytesIO(b"MZ not a pdf")
    upload.name = "x.pdf"

    answer = signed_in(circle.applicant).post(f"{API}/{case.number}/materials", {"file": upload, "name": "x"})

    assert answer.status_code == 400
    assert answer.json()["errors"][0]["field"] == "file"
    assert not CaseMaterial.objects.exists()


def test_the_window_registers_a_shipment_and_the_handler_reports_its_delivery(circle):
    from tongban.catalog.choices import Mode

    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED, mode=Mode.PROXY)
    body = {"purpose": "materials_to_handler", "carrier": "中国邮政", "tracking_number": "EMS0001"}

    created = signed_in(circle.clerk).post(
        f"{API}/{case.number}/shipments", body, content_type="application/json"
    )
    shipment_id = created.json()["id"]
    delivered = signed_in(circle.reviewer).post(
        f"{API}/{case.number}/shipments/{shipment_id}/events",
        {"status": "delivered", "text": "已签收"},
        content_type="application/json",
    )
    again = signed_in(circle.reviewer).post(
        f"{API}/{case.number}/shipments/{shipment_id}/events",
        {"status": "in_transit"},
        content_type="application/json",
    )

    assert created.status_code == 201
    assert delivered.status_code == 200
    assert [e["status"]["value"] for e in delivered.json()["events"]] == ["created", "delivered"]
    assert again.status_code == 409
    listed = signed_in(circle.applicant).get(f"{API}/{case.number}/shipments").json()
    assert [s["status"]["value"] for s in listed] == ["delivered"]


def test_the_applicant_may_not_register_a_shipment(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)
    body = {"purpose": "result_to_applicant", "carrier": "中国邮政", "tracking_number": "EMS0002"}

    answer = signed_in(circle.applicant).post(
        f"{API}/{case.number}/shipments", body, content_type="application/json"
    )

    assert answer.status_code == 403
    assert not Shipment.objects.exists()


def test_a_systems_token_sees_no_case_and_starts_none(circle):
    from tongban.identity.tests.test_api_identity import token_client

    case = CaseFactory.for_circle(circle)
    client, _ = token_client(organization=circle.handling_org)

    listed = client.get(API)
    one = client.get(f"{API}/{case.number}")
    started = client.post(
        API, {"implementation_code": circle.implementation.code}, content_type="application/json"
    )

    assert (listed.status_code, listed.json()["count"]) == (200, 0)
    assert one.status_code == 404
    assert started.status_code == 403
    assert started.json()["detail"] == "接口令牌不能申请办件：申请属于个人或法人账号。"
    assert Case.objects.count() == 1


def test_the_list_takes_the_same_number_of_queries_for_many_cases(circle, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(circle.reviewer)
    CaseFactory.for_circle(circle)
    client.get(API)  # warm the session and the grants
    with CaptureQueriesContext(connection) as one:
        client.get(API)
    for _ in range(5):
        CaseFactory.for_circle(circle)

    with django_assert_num_queries(len(one.captured_queries)):
        answer = client.get(API)

    assert answer.json()["count"] == 6


def test_the_applicant_saves_the_draft_form_but_not_a_submitted_one(circle):
    draft = CaseFactory.for_circle(circle, status=CaseStatus.DRAFT)
    submitted = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED, form_data={"purpose": "原"})
    client = signed_in(circle.applicant)

    saved = client.put(f"{API}/{draft.number}/form", {"form_data": {"purpose": "入学"}}, "application/json")
    refused = client.put(
        f"{API}/{submitted.number}/form", {"form_data": {"purpose": "改"}}, "application/json"
    )

    assert (saved.status_code, saved.json()["form_data"]) == (200, {"purpose": "入学"})
    assert refused.status_code == 409
    assert Case.objects.get(pk=submitted.pk).form_data == {"purpose": "原"}


def test_a_step_is_finished_by_its_organization_only(circle):
    from tongban.catalog.choices import Mode

    from ..choices import StepStatus
    from .factories import add_steps

    case = CaseFactory.for_circle(circle, status=CaseStatus.IN_REVIEW, mode=Mode.JOINT)
    add_steps(case, StepStatus.ACTIVE, StepStatus.PENDING)
    url = f"{API}/{case.number}/steps/1/finish"

    refused = signed_in(circle.clerk).post(url, {"agree": True}, content_type="application/json")
    done = signed_in(circle.reviewer).post(
        url, {"agree": True, "opinion": "同意"}, content_type="application/json"
    )
    steps = signed_in(circle.applicant).get(f"{API}/{case.number}/steps").json()

    assert refused.status_code == 403
    assert done.status_code == 200
    assert [s["status"]["value"] for s in steps] == ["done", "active"]


def test_delivering_names_how_and_the_applicant_is_told(circle):
    online = CaseFactory.for_circle(circle, status=CaseStatus.DECIDED)
    client = signed_in(circle.reviewer)

    missing = act(client, online, "deliver")
    to_window = act(client, online, "deliver", method="window")
    posted = act(client, online, "deliver", method="post", reason="中国邮政EMS 1100000000009")

    assert missing.status_code == 400
    assert missing.json()["errors"] == [{"field": "method", "message": "请选择送达方式。"}]
    assert to_window.json()["errors"][0]["message"] == "该办件不是窗口收件，不能选择到收件窗口领取。"
    assert posted.status_code == 200 and posted.json()["status"]["value"] == "delivering"
    event = CaseEvent.objects.get(case=online)
    assert (event.reason, event.detail) == ("邮寄送达：中国邮政EMS 1100000000009", {"method": "post"})


def test_a_window_case_may_be_picked_up_at_its_window(circle):
    from tongban.catalog.choices import Mode

    case = CaseFactory.for_circle(circle, status=CaseStatus.DECIDED, mode=Mode.PROXY)

    answer = act(signed_in(circle.reviewer), case, "deliver", method="window")

    assert answer.status_code == 200
    assert CaseEvent.objects.get(case=case).reason == "到收件窗口领取"
