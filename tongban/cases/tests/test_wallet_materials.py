"""免证明: a license in the applicant's wallet stands in for a material the guide lets it replace — offered on
the apply page with what would be shared, attached only with consent, verified, logged with the case."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tongban.catalog.choices import Mode
from tongban.catalog.models import Availability
from tongban.core.audit import AuditEntry
from tongban.core.errors import ValidationFailed
from tongban.identity.access import actor_for
from tongban.identity.choices import Role
from tongban.identity.tests.factories import StaffRoleFactory
from tongban.licenses.services import license_issue, license_operate
from tongban.licenses.tests.factories import LicenseTypeFactory, property_issue
from tongban.regions.tests.factories import OrganizationFactory

from ..choices import CaseStatus
from ..models import Case, CaseMaterial
from ..services import case_material_from_wallet
from .factories import FORM, CaseFactory, make_circle

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n" + b"0" * 100
RESIDENCE = [{"key": "address", "label": "居住地址", "type": "text", "required": True}]


@pytest.fixture
def circle(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    circle = make_circle(form=FORM)
    Availability.objects.create(implementation=circle.implementation, mode=Mode.ONLINE)
    return circle


def residence_permit(holder, **changes):
    issuer = OrganizationFactory(name="武汉市公安局")
    reviewer = StaffRoleFactory(role=Role.REVIEWER, organization=issuer).user
    license_type = LicenseTypeFactory(code="11100000000000001X", name="居住证", face_fields=RESIDENCE)
    data = property_issue(
        holder,
        license_type=license_type,
        number="WH-JZZ-0001",
        face_data={"address": "江岸区沿江大道1号"},
        **changes,
    )
    return license_issue(issuer=issuer, data=data, by=actor_for(reviewer)), actor_for(reviewer)


def material(circle, name):
    return circle.version.materials.get(name=name)


def test_the_apply_page_offers_the_wallets_license_and_shows_what_would_be_shared(client, circle):
    license_, _ = residence_permit(circle.applicant)
    client.force_login(circle.applicant)

    html = client.get(reverse("cases:apply", args=[circle.implementation.code])).content.decode()

    assert "用我的电子证照代替「居住证明」（免提交）" in html
    assert f"居住证 {license_.number}（武汉市公安局颁发）" in html
    assert "将共享的信息" in html and "江岸区沿江大道1号" in html
    assert "同意共享给办理单位" in html


def test_applying_with_the_wallets_license_and_consent_attaches_it_and_logs_the_use(client, circle):
    license_, _ = residence_permit(circle.applicant)
    client.force_login(circle.applicant)
    data = {
        "idempotency_key": "k-wallet",
        "f-purpose": "异地就业",
        f"material_{material(circle, '身份证').pk}": SimpleUploadedFile("id.pdf", PDF),
        f"wallet_{material(circle, '居住证明').pk}": str(license_.pk),
        "share_consent": "on",
    }

    response = client.post(reverse("cases:apply", args=[circle.implementation.code]), data)

    case = Case.objects.get()
    assert response.status_code == 302 and case.status == CaseStatus.SUBMITTED
    used = case.materials.get(kind="license")
    assert (used.license, used.license_reference, used.name) == (license_, license_.identifier, "居住证明")
    assert used.consented_at is not None
    assert AuditEntry.objects.filter(action="case.license_used").count() == 1


def test_without_consent_nothing_is_created_and_the_field_says_why(client, circle):
    license_, _ = residence_permit(circle.applicant)
    client.force_login(circle.applicant)
    data = {
        "idempotency_key": "k-no-consent",
        "f-purpose": "异地就业",
        f"material_{material(circle, '身份证').pk}": SimpleUploadedFile("id.pdf", PDF),
        f"wallet_{material(circle, '居住证明').pk}": str(license_.pk),
    }

    response = client.post(reverse("cases:apply", args=[circle.implementation.code]), data)

    assert response.status_code == 400
    assert "请同意共享所选电子证照，或改为上传文件。" in response.content.decode()
    assert not Case.objects.exists()


def test_someone_elses_a_suspended_or_a_wrong_type_license_is_refused(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.DRAFT)
    mine, issuer = residence_permit(circle.applicant)
    by = circle.actor(circle.applicant)
    target = material(circle, "居住证明").pk

    with pytest.raises(ValidationFailed) as no_consent:
        case_material_from_wallet(case=case, by=by, guide_material_id=target, license_=mine, consent=False)
    with pytest.raises(ValidationFailed) as wrong_material:
        case_material_from_wallet(
            case=case, by=by, guide_material_id=material(circle, "身份证").pk, license_=mine, consent=True
        )
    license_operate(license_=mine, operation="suspend", by=issuer, reason="依法暂扣")
    with pytest.raises(ValidationFailed) as suspended:
        case_material_from_wallet(case=case, by=by, guide_material_id=target, license_=mine, consent=True)

    assert no_consent.value.errors[0].field == "consent"
    assert wrong_material.value.errors[0].field == "guide_material"
    assert suspended.value.errors[0].message == "所选电子证照不属于申请人、已失效或未通过验证，不能使用。"
    assert not CaseMaterial.objects.exists()


def test_another_persons_license_cannot_stand_in(circle):
    from tongban.identity.tests.factories import PersonFactory

    case = CaseFactory.for_circle(circle, status=CaseStatus.DRAFT)
    other, _ = residence_permit(PersonFactory().user)

    with pytest.raises(ValidationFailed):
        case_material_from_wallet(
            case=case,
            by=circle.actor(circle.applicant),
            guide_material_id=material(circle, "居住证明").pk,
            license_=other,
            consent=True,
        )
    assert not CaseMaterial.objects.exists()
