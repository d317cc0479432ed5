"""What moves no status still shows on the case's timeline: a step finished, a material added, a parcel
registered or reported on (by staff, or by a carrier's system through its API token)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tongban.catalog.choices import Mode
from tongban.identity.tests.test_api_identity import token_client

from ..choices import CaseStatus, Party, Record, StepStatus
from ..models import CaseEvent, Shipment
from ..services import case_material_upload, case_step_finish, shipment_create, shipment_update
from ..views.portal import timeline
from .factories import CaseFactory, add_steps, make_circle

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n" + b"0" * 100
CARRIER_URL = "/api/v1/shipments/events"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def circle():
    return make_circle()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def parcel(circle, case) -> Shipment:
    return shipment_create(
        case=case,
        by=circle.actor(circle.clerk),
        purpose="materials_to_handler",
        carrier="中国邮政EMS",
        tracking_number="1100000000001",
    )


def test_a_finished_step_is_on_the_timeline_with_its_organization_and_opinion(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.IN_REVIEW, mode=Mode.JOINT)
    step, _ = add_steps(case, StepStatus.ACTIVE, StepStatus.PENDING)

    case_step_finish(step=step, by=circle.actor(circle.reviewer), agree=True, opinion="材料齐全")

    event = case.events.get()
    assert (event.action, event.party, event.organization) == (
        Record.STEP_FINISHED,
        Party.HANDLER,
        step.organization,
    )
    assert (event.from_status, event.to_status) == (CaseStatus.IN_REVIEW, CaseStatus.IN_REVIEW)
    assert event.reason == "环节1（同意）：材料齐全"
    assert event.get_action_display() == "办理环节办结"


def test_a_material_added_by_the_window_is_on_the_timeline_as_the_clerks(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.RECEIVED, mode=Mode.PROXY)

    case_material_upload(
        case=case,
        by=circle.actor(circle.clerk),
        file=SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf"),
        name="身份证",
    )

    event = case.events.get()
    assert (event.action, event.party, event.organization) == (
        Record.MATERIAL_ADDED,
        Party.RECEIVING_CLERK,
        circle.receiving_org,
    )
    assert event.reason == "身份证（上传文件）"


def test_a_parcel_and_its_news_are_on_the_timeline_in_order(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED, mode=Mode.PROXY)

    shipment = parcel(circle, case)
    shipment_update(shipment=shipment, by=circle.actor(circle.reviewer), status="delivered", text="本人签收")

    events = list(case.events.order_by("seq"))
    assert [(e.seq, e.action, e.party) for e in events] == [
        (1, Record.SHIPMENT_REGISTERED, Party.RECEIVING_CLERK),
        (2, Record.SHIPMENT_UPDATED, Party.HANDLER),
    ]
    assert events[0].reason == "申请材料寄往办理地：中国邮政EMS 1100000000001"
    assert events[1].reason == "中国邮政EMS 1100000000001：已签收（本人签收）"
    rows = timeline(case)
    assert [r.what for r in rows] == ["登记寄递", "寄递状态更新"]
    assert [r.what for r in timeline(case, public=True)] == ["登记寄递", "寄递状态更新"]
    assert all(r.reason == "" for r in timeline(case, public=True))  # the public lookup shows no details


def test_a_carrier_reports_by_tracking_number_and_learns_nothing_about_the_case(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED, mode=Mode.PROXY)
    parcel(circle, case)
    client, token = token_client(
        scopes=["shipments:update"], name="中国邮政EMS接口", organization=circle.receiving_org
    )
    body = {
        "carrier": "中国邮政EMS",
        "tracking_number": "1100000000001",
        "status": "in_transit",
        "text": "武汉转运中心",
    }

    answer = client.post(CARRIER_URL, json.dumps(body), content_type="application/json")

    assert answer.status_code == 200, answer.content
    assert set(answer.json()) == {"carrier", "tracking_number", "status", "events"}
    assert answer.json()["status"] == {"value": "in_transit", "label": "运输中"}
    assert case.number not in answer.content.decode()
    event = case.events.last()
    assert (event.action, event.party, event.actor, event.actor_label) == (
        Record.SHIPMENT_UPDATED,
        Party.SYSTEM,
        None,
        str(token),
    )
    assert client.get(f"/api/v1/cases/{case.number}").status_code == 404
    assert timeline(case)[-1].who == "寄递企业"


def test_a_carrier_is_refused_without_the_scope_for_an_unknown_parcel_and_after_delivery(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED, mode=Mode.PROXY)
    shipment = parcel(circle, case)
    shipment_update(shipment=shipment, by=circle.actor(circle.reviewer), status="delivered")
    kiosk, _ = token_client(scopes=["identity:verify"])
    carrier, _ = token_client(scopes=["shipments:update"], name="顺丰接口")
    body = {"carrier": "中国邮政EMS", "tracking_number": "1100000000001", "status": "returned"}

    def post(client, **change):
        return client.post(CARRIER_URL, json.dumps(body | change), content_type="application/json")

    without_scope = post(kiosk)
    unknown = post(carrier, tracking_number="999")
    delivered = post(carrier)
    citizen = signed_in(circle.applicant).post(CARRIER_URL, json.dumps(body), content_type="application/json")
    wrong_status = post(carrier, status="lost")

    assert without_scope.status_code == 403
    assert unknown.status_code == 404
    assert delivered.status_code == 409
    assert citizen.status_code == 403
    assert wrong_status.status_code == 400 and wrong_status.json()["errors"][0]["field"] == "status"
    assert case.events.count() == 2  # registered and delivered, nothing more
    assert Shipment.objects.get().status == "delivered"


def test_the_api_timeline_labels_records_like_the_page(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED, mode=Mode.PROXY)
    parcel(circle, case)

    body = signed_in(circle.applicant).get(f"/api/v1/cases/{case.number}/timeline").json()

    assert body[0]["action"] == {"value": "shipment_registered", "label": "登记寄递"}
    assert body[0]["from_status"]["value"] == body[0]["to_status"]["value"] == "submitted"


def test_timeline_sequence_numbers_stay_unique(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.DRAFT)
    for i in range(3):
        case_material_upload(
            case=case,
            by=circle.actor(circle.applicant),
            file=SimpleUploadedFile(f"{i}.pdf", PDF, content_type="application/pdf"),
            name=f"材料{i}",
        )

    assert list(CaseEvent.objects.filter(case=case).values_list("seq", flat=True)) == [1, 2, 3]
