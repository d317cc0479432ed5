"""Results as licenses: approving a case whose guide's result is an electronic license issues it, signed by
the handling organization's seal, into the applicant's wallet, linked to the case; missing face data are
asked of the reviewer and nothing changes until they are given."""

import pytest
from django.test import Client

from tongban.catalog.models import ImplementationVersion
from tongban.licenses.models import License
from tongban.licenses.selectors import license_verify, licenses_held
from tongban.licenses.tests.factories import LicenseTypeFactory
from tongban.licenses.verification import Verdict

from ..choices import CaseStatus
from ..models import Case
from ..services import case_decide
from .factories import FORM, CaseFactory, make_circle

pytestmark = pytest.mark.django_db
FACE = {"location": "江岸区沿江大道1号", "area": "89.5", "registered_on": "2026-03-02"}


@pytest.fixture
def circle():
    circle = make_circle(form=FORM)
    license_type = LicenseTypeFactory()
    ImplementationVersion.objects.filter(pk=circle.version.pk).update(
        result_license_type_code=license_type.code
    )
    return circle


def test_approving_issues_the_license_into_the_applicants_wallet(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.IN_REVIEW)

    case = case_decide(case=case, by=circle.actor(circle.reviewer), approve=True, license_face=FACE)

    license_ = case.result_license
    assert case.status == CaseStatus.DECIDED and license_ is not None
    assert (license_.issuer, license_.holder, license_.seal.organization) == (
        circle.handling_org,
        circle.applicant,
        circle.handling_org,
    )
    assert license_verify(license_).verdict == Verdict.VALID
    assert list(licenses_held(circle.actor(circle.applicant))) == [license_]
    assert case.events.get().detail["license"] == license_.identifier
    client = Client()
    client.force_login(circle.applicant)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "不动产权证书（电子证照，已存入我的证照）" in page and license_.identifier in page


def test_missing_face_data_are_named_and_nothing_changes(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.IN_REVIEW)

    with pytest.raises(Exception) as refused:
        case_decide(case=case, by=circle.actor(circle.reviewer), approve=True, license_face={"area": "89.5"})

    fields = {e.field for e in refused.value.errors}
    assert {"license_face.location", "license_face.registered_on"} <= fields
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW and not License.objects.exists() and not case.events.exists()


def test_the_workbench_asks_for_the_face_and_the_api_takes_it(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.IN_REVIEW)
    client = Client()
    client.force_login(circle.reviewer)

    page = client.get(f"/workbench/cases/{case.number}/").content.decode()
    missing = client.post(
        f"/workbench/cases/{case.number}/act/approve/",
        {"expected_version": case.version, "face_area": "89.5"},
    )
    done = client.post(
        f"/api/v1/cases/{case.number}/actions/approve",
        {"expected_version": case.version, "license_face": FACE},
        content_type="application/json",
    )

    assert "准予后颁发电子证照：不动产权证书" in page and 'name="face_location"' in page
    assert missing.status_code == 400 and "请填写坐落。" in missing.content.decode()
    assert done.status_code == 200, done.content
    assert Case.objects.get(pk=case.pk).result_license is not None


def test_a_denial_or_a_result_without_a_license_issues_none(circle):
    denied = CaseFactory.for_circle(circle, status=CaseStatus.IN_REVIEW)
    plain = CaseFactory.for_circle(make_circle(), status=CaseStatus.IN_REVIEW)

    case_decide(
        case=denied,
        by=circle.actor(circle.reviewer),
        approve=False,
        reason="不符合条件",
        remedies="可申请复议",
    )
    other = plain.implementation_version.implementation.organization
    from tongban.identity.choices import Role
    from tongban.identity.tests.factories import StaffRoleFactory

    reviewer = StaffRoleFactory(role=Role.REVIEWER, organization=other).user
    case_decide(case=plain, by=circle.actor(reviewer), approve=True)

    assert not License.objects.exists()


def test_a_handling_clerk_who_approves_issues_the_result_too(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.IN_REVIEW)
    from tongban.identity.choices import Role
    from tongban.identity.tests.factories import StaffRoleFactory

    clerk = StaffRoleFactory(role=Role.WINDOW_CLERK, organization=circle.handling_org).user

    case = case_decide(case=case, by=circle.actor(clerk), approve=True, license_face=FACE)

    assert case.result_license.events.get().actor == clerk


def test_a_license_issued_on_29_february_runs_to_28_february(circle, monkeypatch):
    import datetime as dt

    from django.utils import timezone

    from tongban.licenses.models import LicenseType

    LicenseType.objects.update(validity_years=5)
    case = CaseFactory.for_circle(circle, status=CaseStatus.IN_REVIEW)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2028, 2, 29))

    case = case_decide(case=case, by=circle.actor(circle.reviewer), approve=True, license_face=FACE)

    assert (case.result_license.valid_from, case.result_license.valid_until) == (
        dt.date(2028, 2, 29),
        dt.date(2033, 2, 28),
    )


def test_a_result_the_applicant_already_holds_from_the_organization_is_its_next_version(circle):
    from tongban.licenses.choices import LicenseOperation, LicenseStatus

    first = case_decide(
        case=CaseFactory.for_circle(circle, status=CaseStatus.IN_REVIEW),
        by=circle.actor(circle.reviewer),
        approve=True,
        license_face=FACE,
    ).result_license
    again = CaseFactory.for_circle(circle, status=CaseStatus.IN_REVIEW)
    client = Client()
    client.force_login(circle.reviewer)
    page = client.get(f"/workbench/cases/{again.number}/").content.decode()

    second = case_decide(
        case=again, by=circle.actor(circle.reviewer), approve=True, license_face={"area": "120"}
    ).result_license
    first.refresh_from_db()

    assert "准予后换发为第2版，原版本失效" in page and 'value="江岸区沿江大道1号"' in page
    assert (second.previous, second.serial, second.version, second.number) == (
        first,
        first.serial,
        2,
        first.number,
    )
    assert second.face_data == FACE | {"area": "120"}
    assert (first.status, second.status) == (LicenseStatus.EXPIRED, LicenseStatus.VALID)
    assert second.events.get().operation == LicenseOperation.CHANGE
    assert license_verify(second).verdict == Verdict.VALID
    assert [lic.status for lic in licenses_held(circle.actor(circle.applicant))].count(
        LicenseStatus.VALID
    ) == 1


def test_a_license_of_the_type_from_another_organization_is_left_alone(circle):
    from tongban.identity.access import actor_for
    from tongban.identity.choices import Role
    from tongban.identity.tests.factories import StaffRoleFactory
    from tongban.licenses.choices import LicenseStatus
    from tongban.licenses.models import LicenseType
    from tongban.licenses.services import license_issue
    from tongban.licenses.tests.factories import property_issue
    from tongban.regions.tests.factories import OrganizationFactory

    other = OrganizationFactory(name="鄂州市自然资源和规划局")
    issuer = actor_for(StaffRoleFactory(role=Role.REVIEWER, organization=other).user)
    data = property_issue(circle.applicant, license_type=LicenseType.objects.get())
    held = license_issue(issuer=other, data=data, by=issuer)

    issued = case_decide(
        case=CaseFactory.for_circle(circle, status=CaseStatus.IN_REVIEW),
        by=circle.actor(circle.reviewer),
        approve=True,
        license_face=FACE,
    ).result_license
    held.refresh_from_db()

    assert (issued.previous, issued.version, issued.issuer) == (None, 1, circle.handling_org)
    assert held.status == LicenseStatus.VALID
