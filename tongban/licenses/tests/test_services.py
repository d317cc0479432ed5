"""Issuing, signing, verifying and changing licenses through the services: the identifier and the signature
are the platform's, any change to what was signed is detected, status operations are events, seals rotate
without breaking what they signed."""

import datetime as dt

import pytest
from django.utils import timezone

from tongban.core.audit import AuditEntry
from tongban.core.errors import Conflict, ValidationFailed
from tongban.identity.access import AccessDenied, ActionRefused

from ..choices import LicenseOperation, LicenseStatus
from ..identifiers import license_identifier_parse
from ..models import License, LicenseEvent, Seal
from ..selectors import license_verify, licenses_held
from ..services import license_issue, license_new_version, license_operate, licenses_expire, seal_rotate
from ..verification import Verdict
from .factories import make_office, property_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    return make_office()


def issue(office, **changes) -> License:
    holder = changes.pop("holder", office.holder)
    return license_issue(
        issuer=office.issuer, data=property_issue(holder, **changes), by=office.actor(office.reviewer)
    )


def test_a_license_is_issued_with_its_identifier_signature_and_event(office):
    license_ = issue(office)

    parts = license_identifier_parse(license_.identifier)
    assert (parts.type_code, parts.issuer_uscc, parts.version) == (
        "111000000000000005",
        office.issuer.uscc,
        1,
    )
    assert parts.serial == f"{timezone.localdate().year}000001"
    assert license_.holder_name == "张三" and license_.holder_code == office.holder.person.id_number
    assert license_.seal.organization == office.issuer and len(bytes.fromhex(license_.signature)) == 64
    assert license_verify(license_).verdict == Verdict.VALID
    event = license_.events.get()
    assert (event.operation, event.from_status, event.to_status) == ("issue", "", "valid")
    assert AuditEntry.objects.filter(action="license.issue").exists()
    assert list(licenses_held(office.actor(office.holder))) == [license_]
    assert list(licenses_held(office.actor(office.stranger))) == []


def test_the_next_license_of_an_issuer_gets_the_next_serial(office):
    first, second = issue(office), issue(office, number="第0000002号")

    assert int(second.serial) == int(first.serial) + 1
    assert first.identifier != second.identifier


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("holder_name", "王五"),
        ("number", "第9999999号"),
        ("valid_until", dt.date(2099, 1, 1)),
        ("face_data", {"location": "江岸区沿江大道2号", "area": "89.5", "registered_on": "2026-03-02"}),
    ],
)
def test_any_change_to_what_was_signed_is_detected(office, field, value):
    license_ = issue(office)
    License.objects.filter(pk=license_.pk).update(**{field: value})

    tampered = License.objects.get(pk=license_.pk)

    assert license_verify(tampered).verdict == Verdict.TAMPERED


def test_a_signature_of_another_seal_does_not_verify(office):
    license_ = issue(office)
    other = seal_rotate(organization=office.issuer, by=office.actor(_admin()))
    License.objects.filter(pk=license_.pk).update(seal=other)

    assert license_verify(License.objects.get(pk=license_.pk)).verdict == Verdict.TAMPERED


def _admin():
    from tongban.identity.choices import Role
    from tongban.identity.tests.factories import StaffRoleFactory

    return StaffRoleFactory(role=Role.PLATFORM_ADMIN).user


def test_a_rotated_seal_keeps_verifying_what_it_signed_and_new_licenses_use_the_new_one(office):
    old = issue(office)
    new_seal = seal_rotate(organization=office.issuer, by=office.actor(_admin()))
    new = issue(office, number="第0000002号")

    assert old.seal.pk != new_seal.pk and new.seal == new_seal
    assert Seal.objects.get(pk=old.seal.pk).retired_at is not None
    assert license_verify(License.objects.get(pk=old.pk)).verdict == Verdict.VALID
    assert license_verify(new).verdict == Verdict.VALID
    assert AuditEntry.objects.filter(action="seal.rotated").exists()


def test_a_reviewer_may_not_rotate_a_seal(office):
    with pytest.raises((ActionRefused, AccessDenied)):
        seal_rotate(organization=office.issuer, by=office.actor(office.reviewer))


def test_the_private_key_is_stored_encrypted(office):
    from django.db import connection

    seal = issue(office).seal
    with connection.cursor() as cursor:
        cursor.execute("SELECT private_key FROM licenses_seal WHERE id = %s", [seal.pk])
        stored = cursor.fetchone()[0]

    assert seal.private_key not in stored and len(bytes.fromhex(seal.private_key)) == 32


def test_status_operations_are_events_and_a_suspended_license_does_not_verify_as_valid(office):
    license_ = issue(office)
    by = office.actor(office.reviewer)

    license_operate(license_=license_, operation="suspend", by=by, reason="涉嫌违法，依法暂扣")
    suspended = license_verify(License.objects.get(pk=license_.pk))
    license_operate(license_=license_, operation="return", by=by)
    license_operate(license_=license_, operation="cancel", by=by, reason="权利人申请注销")

    assert suspended.verdict == Verdict.NOT_VALID and suspended.status == LicenseStatus.SUSPENDED
    assert [(e.operation, e.to_status) for e in license_.events.order_by("id")] == [
        ("issue", "valid"),
        ("suspend", "suspended"),
        ("return", "valid"),
        ("cancel", "cancelled"),
    ]
    assert License.objects.get(pk=license_.pk).status == LicenseStatus.CANCELLED


def test_an_operation_the_status_does_not_allow_changes_nothing(office):
    license_ = issue(office)
    by = office.actor(office.reviewer)

    with pytest.raises(Conflict) as refused:
        license_operate(license_=license_, operation="return", by=by)
    with pytest.raises(ValidationFailed) as no_reason:
        license_operate(license_=license_, operation="revoke", by=by)

    assert refused.value.message == "证照当前状态为「有效」，不能发还。"
    assert no_reason.value.errors[0].field == "reason"
    assert license_.events.count() == 1


def test_only_the_issuers_reviewers_issue_and_operate(office):
    stranger = office.actor(office.stranger)

    with pytest.raises((ActionRefused, AccessDenied)):
        license_issue(issuer=office.issuer, data=property_issue(office.holder), by=stranger)
    license_ = issue(office)
    with pytest.raises((ActionRefused, AccessDenied)):
        license_operate(license_=license_, operation="suspend", by=stranger, reason="x")
    assert License.objects.count() == 1


def test_a_change_makes_a_new_version_signed_anew_and_the_old_one_expires(office):
    old = issue(office)

    new = license_new_version(
        license_=old,
        data=property_issue(office.holder, face_data={**old.face_data, "note": "变更坐落"}),
        by=office.actor(office.reviewer),
    )

    assert (new.serial, new.version, new.previous) == (old.serial, 2, old)
    assert license_verify(new).verdict == Verdict.VALID
    assert License.objects.get(pk=old.pk).status == LicenseStatus.EXPIRED
    assert new.events.get().operation == LicenseOperation.CHANGE
    with pytest.raises(Conflict):
        license_new_version(
            license_=old, data=property_issue(office.holder), by=office.actor(office.reviewer)
        )


def test_wrong_face_data_names_each_field(office):
    with pytest.raises(ValidationFailed) as refused:
        issue(office, face_data={"location": "", "area": "很大", "registered_on": "三月", "colour": "红"})

    assert {e.field: e.message for e in refused.value.errors} == {
        "face_data.colour": "“colour”不是不动产权证书的照面信息项。",
        "face_data.location": "请填写坐落。",
        "face_data.area": "建筑面积（平方米）应为数字。",
        "face_data.registered_on": "登记日期应为日期，如 2026-01-31。",
    }
    assert not License.objects.exists()


def test_a_company_cannot_hold_a_persons_license_type(office):
    from .factories import company_holder

    with pytest.raises(ValidationFailed) as refused:
        issue(office, holder=company_holder())

    assert refused.value.errors[0].message == "不动产权证书的持证主体应为自然人。"


def test_licenses_past_their_validity_expire_once(office):
    license_ = issue(office, valid_until=dt.date(2026, 3, 31))

    first = licenses_expire(today=dt.date(2026, 4, 1))
    again = licenses_expire(today=dt.date(2026, 4, 1))

    assert (first, again) == (1, 0)
    assert License.objects.get(pk=license_.pk).status == LicenseStatus.EXPIRED
    assert LicenseEvent.objects.filter(license=license_, operation="expire", actor=None).count() == 1
