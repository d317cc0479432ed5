"""异地代收 over the API: a cross-city window's system (a clerk signed in) identifies the applicant, receives
against the handling organization's guide, reads the receipt (收件告知单); retries create nothing twice."""

import json

import pytest
from django.test import Client

from tongban.catalog.choices import Mode
from tongban.core.choices import Channel
from tongban.identity.access import actor_for
from tongban.identity.services.identity_codes import identity_code_issue
from tongban.regions.tests.factories import WindowFactory

from ..choices import Action, CaseStatus
from ..models import Case
from .factories import FORM, CaseFactory, make_circle

pytestmark = pytest.mark.django_db
URL = "/api/v1/cases/window-receipts"


@pytest.fixture
def circle():
    return make_circle(form=FORM)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def receive(client, circle, key: str = "", **fields):
    body = {
        "window_id": circle.window.pk,
        "implementation_code": circle.implementation.code,
        "real_name": "张三",
        "id_number": circle.applicant.person.id_number,
        "consent": True,
        "form_data": {"purpose": "异地就业登记"},
    } | fields
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(URL, json.dumps(body), content_type="application/json", headers=headers)


def test_a_clerk_receives_by_name_and_id_number_and_owns_the_case(circle):
    answer = receive(signed_in(circle.clerk), circle)

    assert answer.status_code == 201, answer.content
    body = answer.json()
    case = Case.objects.get(number=body["number"])
    assert (case.status, case.mode, case.channel) == (CaseStatus.RECEIVED, Mode.PROXY, Channel.WINDOW)
    assert (case.receiving_window, case.handling_org, case.owner) == (
        circle.window,
        circle.handling_org,
        circle.clerk,
    )
    assert case.consent_at is not None and case.form_data["purpose"] == "异地就业登记"
    assert circle.applicant.person.id_number not in answer.content.decode()
    assert case.events.get().action == Action.RECEIVE_AT_WINDOW


def test_a_clerk_receives_by_identity_code_and_a_retry_does_not_verify_it_again(circle):
    code = identity_code_issue(by=actor_for(circle.applicant, channel=Channel.WEB)).token
    client = signed_in(circle.clerk)

    first = receive(client, circle, key="receipt-1", identity_code=code, real_name="", id_number="")
    again = receive(client, circle, key="receipt-1", identity_code=code, real_name="", id_number="")
    reused = receive(client, circle, key="receipt-2", identity_code=code, real_name="", id_number="")

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"]
    assert Case.objects.count() == 1
    assert reused.status_code == 409  # a 身份码 works once: a new receipt needs a new code
    assert "已使用" in reused.json()["detail"]


def test_wrong_name_no_consent_or_an_item_the_window_does_not_take_create_nothing(circle):
    client = signed_in(circle.clerk)
    other = make_circle()

    wrong_name = receive(client, circle, real_name="李四")
    no_consent = receive(client, circle, consent=False)
    not_offered = receive(client, circle, implementation_code=other.implementation.code)
    nobody = receive(client, circle, real_name="", id_number="")
    bad_mode = receive(client, circle, mode="online")

    assert wrong_name.status_code == 400
    assert wrong_name.json()["errors"][0]["field"] == "id_number"
    assert no_consent.json()["errors"] == [{"field": "consent", "message": "请先由申请人签署服务同意书。"}]
    assert not_offered.json()["errors"][0]["field"] == "implementation_version"
    assert nobody.json()["errors"][0]["field"] == "id_number"
    assert bad_mode.json()["errors"][0]["field"] == "mode"
    assert not Case.objects.exists()


def test_only_clerks_of_the_windows_organization_receive_there(circle):
    reviewer = receive(signed_in(circle.reviewer), circle)
    stranger = receive(signed_in(circle.other_city_clerk), circle)
    applicant = receive(signed_in(circle.applicant), circle)
    unknown = receive(signed_in(circle.clerk), circle, window_id=999999)

    assert (reviewer.status_code, stranger.status_code, applicant.status_code) == (403, 403, 403)
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"] == "window_id"
    assert not Case.objects.exists()


def test_an_ordinary_window_does_not_receive_other_cities_items(circle):
    ordinary = WindowFactory(hall=circle.window.hall, is_cross_city=False, name="综合窗口")

    answer = receive(signed_in(circle.clerk), circle, window_id=ordinary.pk)

    assert answer.status_code == 400 and answer.json()["errors"][0]["field"] == "window"


def test_the_receipt_names_the_handling_org_its_checklist_and_the_way_back(circle):
    number = receive(signed_in(circle.clerk), circle).json()["number"]

    for user in (circle.clerk, circle.applicant, circle.reviewer):
        answer = signed_in(user).get(f"/api/v1/cases/{number}/receipt")
        assert answer.status_code == 200
    body = answer.json()
    assert body["handling_org"] == circle.handling_org.name
    assert body["receiving_window"] == circle.window.name
    assert body["guide_version"] == circle.version.number
    assert [row["name"] for row in body["checklist"]] == ["身份证", "居住证明"]
    assert body["checklist"][1]["license_type_name"] == "居住证"
    assert body["delivery"][0].startswith("到收件窗口")
    assert signed_in(circle.other_city_clerk).get(f"/api/v1/cases/{number}/receipt").status_code == 404


def test_an_online_case_has_no_receipt(circle):
    case = CaseFactory.for_circle(circle)

    answer = signed_in(circle.applicant).get(f"/api/v1/cases/{case.number}/receipt")

    assert answer.status_code == 404
    assert answer.json()["detail"] == "该办件不是窗口收件，没有收件告知单。"
