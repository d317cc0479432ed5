"""证照签发 over the API: an issuing organization's reviewers list what it issued, issue (a retry issues
once), operate (409 when the status does not allow it) and make new versions; errors name the field and change
nothing; others' licenses are hidden (404) or refused (403), and citizens and systems issue nothing."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tongban.core.audit import AuditEntry
from tongban.identity.choices import Role
from tongban.identity.tests.factories import CompanyFactory, StaffRoleFactory, make_id_number
from tongban.identity.tests.identity_code_helpers import kiosk_token
from tongban.regions.tests.factories import OrganizationFactory

from ..choices import LicenseOperation, LicenseStatus
from ..models import License, LicenseEvent
from ..services import license_issue
from ..services_issuing import license_issue_once
from .factories import LicenseTypeFactory, make_office, property_issue

pytestmark = pytest.mark.django_db
API = "/api/v1/licenses/issuing"
FACE = {"location": "江岸区沿江大道1号", "area": "89.5", "registered_on": "2026-03-02"}


@pytest.fixture
def office():
    return make_office()


@pytest.fixture
def issued(office):
    return license_issue(
        issuer=office.issuer, data=property_issue(office.holder), by=office.actor(office.reviewer)
    )


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, path: str, body: dict, **headers):
    return client.post(f"{API}{path}", body, content_type="application/json", headers=headers)


def issue_body(office, **changes) -> dict:
    return {
        "issuer_id": office.issuer.pk,
        "type_code": LicenseTypeFactory().code,
        "holder_code": office.holder.person.id_number,
        "number": "鄂（2026）武汉市不动产权第0000009号",
        "valid_from": "2026-03-02",
        "valid_until": None,
        "level": "A",
        "face_data": FACE,
        **changes,
    }


def other_citys_reviewer():
    return StaffRoleFactory(
        role=Role.REVIEWER, organization=OrganizationFactory(name="鄂州市自然资源和规划局")
    ).user


def fields(response) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


def snapshot(license_: License) -> tuple:
    license_.refresh_from_db()
    return license_.status, LicenseEvent.objects.filter(license=license_).count(), License.objects.count()


# --- The list ---------------------------------------------------------------------------------------


def test_the_reviewer_lists_the_issued_licenses_masked_and_searches_them(office, issued):
    client = signed_in(office.reviewer)

    everything = client.get(API).json()
    by_number = client.get(API, {"q": "0000001"}).json()
    nothing = client.get(API, {"q": "不存在的编号"}).json()
    suspended = client.get(API, {"status": "suspended"}).json()
    wrong_status = client.get(API, {"status": "lost"})

    assert [item["identifier"] for item in everything["items"]] == [issued.identifier]
    item = everything["items"][0]
    assert (
        item["holder_code"]
        == office.holder.person.id_number[:4] + "*" * 10 + office.holder.person.id_number[-4:]
    )
    assert item["signature_valid"] is True and item["status"] == {"value": "valid", "label": "有效"}
    assert by_number["count"] == 1 and nothing["count"] == 0 and suspended["count"] == 0
    assert wrong_status.status_code == 400 and fields(wrong_status) == ["status"]


def test_the_list_reads_a_page_in_as_many_queries_for_one_license_as_for_five(office, issued):
    client = signed_in(office.reviewer)
    with CaptureQueriesContext(connection) as one:
        client.get(API)
    for n in range(2, 6):
        license_issue(
            issuer=office.issuer,
            data=property_issue(office.holder, number=f"鄂（2026）武汉市不动产权第{n:07d}号"),
            by=office.actor(office.reviewer),
        )
    with CaptureQueriesContext(connection) as five:
        listed = client.get(API).json()

    assert listed["count"] == 5 and len(five.captured_queries) == len(one.captured_queries)
    assert not any("private_key" in q["sql"] for q in five.captured_queries)


def test_another_citys_reviewer_lists_none_a_citizen_and_a_system_are_refused(office, issued):
    _token, plaintext = kiosk_token()

    other = signed_in(other_citys_reviewer()).get(API)
    citizen = signed_in(office.holder).get(API)
    system = Client().get(API, headers={"Authorization": f"Bearer {plaintext}"})
    anonymous = Client().get(API)

    assert other.status_code == 200 and other.json()["count"] == 0
    assert citizen.status_code == 403 and "只有颁发机构的审批人员" in citizen.json()["detail"]
    assert system.status_code == 403
    assert anonymous.status_code == 401


# --- 新发 --------------------------------------------------------------------------------------------


def test_a_reviewer_issues_a_license_and_a_retry_returns_it_without_issuing_again(office):
    client = signed_in(office.reviewer)

    first = post(client, "", issue_body(office))
    retry = post(client, "", issue_body(office))

    assert first.status_code == 201 and retry.status_code == 200
    body = first.json()
    assert retry.json()["identifier"] == body["identifier"]
    assert body["holder_name"] == "张三" and body["number"] == "鄂（2026）武汉市不动产权第0000009号"
    assert body["face_data"] == FACE and body["valid_until"] is None and body["signature_valid"] is True
    assert office.holder.person.id_number not in first.content.decode()
    license_ = License.objects.get()
    assert license_.identifier == body["identifier"] and license_.events.count() == 1
    assert AuditEntry.objects.filter(action="license.issue", object_id=str(license_.pk)).count() == 1


def test_a_company_license_finds_the_company_by_its_uscc(office):
    license_type = LicenseTypeFactory(
        code="111000000000000099",
        name="食品经营许可证",
        holder_kind="organization",
        face_fields=[{"key": "scope", "label": "经营项目", "type": "text", "required": True}],
    )
    company = CompanyFactory()

    response = post(
        signed_in(office.reviewer),
        "",
        issue_body(
            office, type_code=license_type.code, holder_code=company.uscc, face_data={"scope": "预包装食品"}
        ),
    )

    assert response.status_code == 201
    assert response.json()["holder_code"] == company.uscc and License.objects.get().holder == company.user


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"type_code": "999"}, "type_code"),
        ({"holder_code": make_id_number(1, birth=dt.date(1995, 5, 5))}, "holder_code"),
        ({"holder_code": "not-a-number"}, "holder_code"),
        ({"number": " "}, "number"),
        ({"face_data": {"location": "江岸区沿江大道1号", "area": "89.5"}}, "face_data.registered_on"),
        ({"face_data": FACE | {"area": "很大"}}, "face_data.area"),
        ({"face_data": FACE | {"colour": "红"}}, "face_data.colour"),
        ({"valid_from": "2026-02-30"}, "payload.valid_from"),  # the schema's own check
        ({"valid_until": "2026-01-01"}, "valid_until"),
        ({"level": "C"}, "level"),
        ({"issuer_id": 987654}, "issuer_id"),
    ],
)
def test_bad_input_is_named_and_issues_nothing(office, changes, field):
    response = post(signed_in(office.reviewer), "", issue_body(office, **changes))

    assert response.status_code == 400
    assert field in fields(response), response.json()
    assert License.objects.count() == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_submissions_at_once_issue_one_license():
    office = make_office()
    data = property_issue(office.holder, number="鄂（2026）武汉市不动产权第0000077号")
    barrier, results = threading.Barrier(2), [None, None]

    def submit(i):
        from django.db import connections

        try:
            barrier.wait()
            results[i] = license_issue_once(issuer=office.issuer, data=data, by=office.actor(office.reviewer))
        except Exception as exc:  # the test reads what each thread got
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    license_ = License.objects.get()
    assert sorted(issued for _, issued in results) == [False, True], results
    assert {found.pk for found, _ in results} == {license_.pk}
    assert license_.events.count() == 1


def test_a_number_already_used_for_another_license_is_refused_on_the_number(office, issued):
    body = issue_body(office, number=issued.number, holder_code=office.stranger.person.id_number)

    response = post(signed_in(office.reviewer), "", body)

    assert response.status_code == 400 and fields(response) == ["number"]
    assert License.objects.count() == 1


def test_only_reviewers_issue_and_only_for_their_own_organization(office):
    elsewhere = OrganizationFactory(name="鄂州市自然资源和规划局")
    _token, plaintext = kiosk_token()

    foreign = post(signed_in(office.reviewer), "", issue_body(office, issuer_id=elsewhere.pk))
    citizen = post(signed_in(office.holder), "", issue_body(office))
    clerk = post(signed_in(StaffRoleFactory(organization=office.issuer).user), "", issue_body(office))
    system = post(Client(), "", issue_body(office), Authorization=f"Bearer {plaintext}")

    assert foreign.status_code == 403 and "不能以其名义签发证照" in foreign.json()["detail"]
    assert (citizen.status_code, clerk.status_code, system.status_code) == (403, 403, 403)
    assert License.objects.count() == 0


# --- Operations ---------------------------------------------------------------------------------------


def test_each_operation_changes_the_status_and_adds_an_event(office, issued):
    client = signed_in(office.reviewer)
    path = f"/{issued.identifier}/operations"

    steps = [
        ("suspend", "涉嫌违法建设", "suspended"),
        ("return", "", "valid"),
        ("suspend", "再次核查", "suspended"),
        ("revoke", "以欺骗手段取得", "revoked"),
    ]
    answers = [post(client, path, {"operation": op, "reason": reason}) for op, reason, _ in steps]

    assert [(a.status_code, a.json()["status"]["value"]) for a in answers] == [(200, to) for *_, to in steps]
    events = list(issued.events.order_by("at", "id").values_list("operation", "reason", "to_status"))
    assert events[1:] == [(op, reason, to) for op, reason, to in steps]
    assert AuditEntry.objects.filter(action="license.revoke", object_id=str(issued.pk)).count() == 1


@pytest.mark.parametrize("operation", ["cancel", "withdraw"])
def test_cancel_and_withdraw_end_a_valid_license(office, issued, operation):
    response = post(
        signed_in(office.reviewer),
        f"/{issued.identifier}/operations",
        {"operation": operation, "reason": "依法"},
    )

    issued.refresh_from_db()
    assert response.status_code == 200 and issued.status == response.json()["status"]["value"]
    assert (
        issued.status == {"cancel": LicenseStatus.CANCELLED, "withdraw": LicenseStatus.WITHDRAWN}[operation]
    )


def test_an_operation_the_status_does_not_allow_is_409_and_bad_input_names_the_field(office, issued):
    client = signed_in(office.reviewer)
    path = f"/{issued.identifier}/operations"
    before = snapshot(issued)

    not_now = post(client, path, {"operation": "return"})
    no_reason = post(client, path, {"operation": "suspend", "reason": "  "})
    unknown = post(client, path, {"operation": "expire", "reason": "到期"})
    missing = post(client, path, {"reason": "没有操作"})

    assert not_now.status_code == 409 and "不能发还" in not_now.json()["detail"]
    assert no_reason.status_code == 400 and fields(no_reason) == ["reason"]
    assert unknown.status_code == 400 and fields(unknown) == ["operation"]
    assert missing.status_code == 400 and fields(missing) == ["operation"]
    assert snapshot(issued) == before


def test_others_licenses_are_hidden_or_refused_and_unchanged(office, issued):
    path = f"/{issued.identifier}/operations"
    body = {"operation": "cancel", "reason": "越权"}
    before = snapshot(issued)

    other = post(signed_in(other_citys_reviewer()), path, body)
    stranger = post(signed_in(office.stranger), path, body)
    holder = post(signed_in(office.holder), path, body)
    version = post(
        signed_in(other_citys_reviewer()),
        f"/{issued.identifier}/versions",
        {"kind": "change", "face_data": FACE, "valid_from": "2026-03-02"},
    )

    assert (other.status_code, stranger.status_code, version.status_code) == (404, 404, 404)
    assert holder.status_code == 403
    assert snapshot(issued) == before


# --- New versions -------------------------------------------------------------------------------------


def test_a_change_issues_version_2_once_and_the_first_expires(office, issued):
    client = signed_in(office.reviewer)
    body = {
        "kind": "change",
        "face_data": FACE | {"location": "江岸区沿江大道2号"},
        "valid_from": "2026-03-02",
    }

    first = post(client, f"/{issued.identifier}/versions", body)
    again = post(client, f"/{issued.identifier}/versions", body)

    assert first.status_code == 201 and again.status_code == 409
    new = first.json()
    issued.refresh_from_db()
    assert new["previous"] == issued.identifier and new["number"] == issued.number
    assert new["face_data"]["location"] == "江岸区沿江大道2号" and new["level"]["value"] == "A"
    assert issued.status == LicenseStatus.EXPIRED and License.objects.count() == 2
    assert list(
        License.objects.get(identifier=new["identifier"]).events.values_list("operation", flat=True)
    ) == [LicenseOperation.CHANGE]


def test_a_renewal_carries_the_new_validity_and_is_recorded_as_renewal(office, issued):
    body = {"kind": "renew", "face_data": FACE, "valid_from": "2036-03-02", "valid_until": "2046-03-01"}

    response = post(signed_in(office.reviewer), f"/{issued.identifier}/versions", body)

    assert response.status_code == 201
    new = License.objects.get(identifier=response.json()["identifier"])
    assert (new.valid_from, new.valid_until) == (dt.date(2036, 3, 2), dt.date(2046, 3, 1))
    assert list(new.events.values_list("operation", flat=True)) == [LicenseOperation.RENEW]
    from tongban.core.audit import AuditEntry

    assert AuditEntry.objects.filter(action="license.renew", object_id=str(new.pk)).count() == 1
    assert not AuditEntry.objects.filter(action="license.change", object_id=str(new.pk)).exists()


def test_a_bad_new_version_names_the_field_and_changes_nothing(office, issued):
    client = signed_in(office.reviewer)
    path = f"/{issued.identifier}/versions"
    before = snapshot(issued)

    bad_kind = post(client, path, {"kind": "replace", "face_data": FACE, "valid_from": "2026-03-02"})
    bad_face = post(
        client, path, {"kind": "change", "face_data": FACE | {"area": "很大"}, "valid_from": "2026-03-02"}
    )
    bad_dates = post(
        client,
        path,
        {"kind": "renew", "face_data": FACE, "valid_from": "2026-03-02", "valid_until": "2025-01-01"},
    )

    assert fields(bad_kind) == ["kind"] and fields(bad_face) == ["face_data.area"]
    assert fields(bad_dates) == ["valid_until"]
    assert {bad_kind.status_code, bad_face.status_code, bad_dates.status_code} == {400}
    assert snapshot(issued) == before
