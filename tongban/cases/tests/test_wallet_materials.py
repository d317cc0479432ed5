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


def test_the_same_license_for_the_same_material_twice_is_kept_once(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.DRAFT)
    license_, _ = residence_permit(circle.applicant)
    by, target = circle.actor(circle.applicant), material(circle, "居住证明").pk

    first = case_material_from_wallet(
        case=case, by=by, guide_material_id=target, license_=license_, consent=True
    )
    again = case_material_from_wallet(
        case=case, by=by, guide_material_id=target, license_=license_, consent=True
    )

    assert first == again and case.materials.count() == 1
    assert AuditEntry.objects.filter(action="case.license_used").count() == 1


# --- A company's license, shared by its operator; a mandate's agent shares none ---------------------------


def company_with_operator(circle):
    from tongban.identity.models import CompanyOperator
    from tongban.identity.tests.factories import CompanyFactory, PersonFactory

    company, operator = CompanyFactory(), PersonFactory()
    CompanyOperator.objects.create(company=company, person=operator)
    return company.user, operator.user


def premises_certificate(company):
    """A company's license of the type the guide's 居住证明 names (the test guide's only replaceable one)."""
    from tongban.licenses.choices import HolderKind

    issuer = OrganizationFactory(name="武汉市公安局")
    reviewer = StaffRoleFactory(role=Role.REVIEWER, organization=issuer).user
    license_type = LicenseTypeFactory(
        code="11100000000000001X", name="居住证", face_fields=RESIDENCE, holder_kind=HolderKind.ORGANIZATION
    )
    data = property_issue(
        company, license_type=license_type, number="WH-JZZ-0009", face_data={"address": "江岸区沿江大道9号"}
    )
    return license_issue(issuer=issuer, data=data, by=actor_for(reviewer))


def test_an_operator_shares_the_companys_license_for_the_companys_application(client, circle):
    company, operator = company_with_operator(circle)
    license_ = premises_certificate(company)
    client.force_login(operator)
    url = reverse("cases:apply", args=[circle.implementation.code])

    html = client.get(url).content.decode()
    response = client.post(
        url,
        {
            "idempotency_key": "k-company",
            "on_behalf": str(company.pk),
            "f-purpose": "异地就业",
            f"material_{material(circle, '身份证').pk}": SimpleUploadedFile("id.pdf", PDF),
            f"wallet_{material(circle, '居住证明').pk}": str(license_.pk),
            "share_consent": "on",
        },
    )

    assert f"居住证 {license_.number}（{license_.holder_name}持有，武汉市公安局颁发）" in html
    case = Case.objects.get()
    assert response.status_code == 302 and case.applicant == company
    assert case.materials.get(kind="license").license == license_


def test_a_persons_own_license_cannot_stand_in_for_the_companys_material(client, circle):
    company, operator = company_with_operator(circle)
    own, _ = residence_permit(operator)
    client.force_login(operator)

    response = client.post(
        reverse("cases:apply", args=[circle.implementation.code]),
        {
            "idempotency_key": "k-mixed",
            "on_behalf": str(company.pk),
            "f-purpose": "异地就业",
            f"material_{material(circle, '身份证').pk}": SimpleUploadedFile("id.pdf", PDF),
            f"wallet_{material(circle, '居住证明').pk}": str(own.pk),
            "share_consent": "on",
        },
    )

    assert response.status_code == 400
    assert "所选电子证照不属于申请人、已失效或未通过验证，不能使用。" in response.content.decode()
    assert not Case.objects.exists()


def test_a_mandates_agent_is_offered_nothing_and_cannot_share_the_principals_license(circle):
    from tongban.identity.tests.factories import MandateFactory

    mandate = MandateFactory(principal=circle.applicant)
    license_, _ = residence_permit(circle.applicant)
    case = CaseFactory.for_circle(circle, status=CaseStatus.DRAFT, agent=mandate.agent.user, mandate=mandate)
    agent = circle.actor(mandate.agent.user, on_behalf_of=circle.applicant)

    from ..selectors import case_wallet_offers

    assert all(offer.licenses == [] for offer in case_wallet_offers(agent, case))
    with pytest.raises(ValidationFailed) as refused:
        case_material_from_wallet(
            case=case,
            by=agent,
            guide_material_id=material(circle, "居住证明").pk,
            license_=license_,
            consent=True,
        )
    assert refused.value.errors[0].message.startswith("只有持证人本人或其企业的经办人可以同意共享")
    assert not CaseMaterial.objects.exists()


# --- The API ------------------------------------------------------------------------------------------

API = "/api/v1/cases"


def test_the_api_offers_the_wallets_license_with_what_would_be_shared_and_attaches_it(client, circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.DRAFT)
    license_, _ = residence_permit(circle.applicant)
    client.force_login(circle.applicant)
    target = material(circle, "居住证明").pk

    offers = client.get(f"{API}/{case.number}/wallet-offers").json()
    refused = client.post(
        f"{API}/{case.number}/materials/from-wallet",
        {"guide_material_id": target, "license": license_.identifier, "consent": False},
        content_type="application/json",
    )
    attached = client.post(
        f"{API}/{case.number}/materials/from-wallet",
        {"guide_material_id": target, "license": license_.identifier, "consent": True},
        content_type="application/json",
    )

    assert [(o["guide_material_id"], o["license_type"]) for o in offers] == [(target, "居住证")]
    offered = offers[0]["licenses"][0]
    assert offered["identifier"] == license_.identifier
    assert offered["shared"] == [{"label": "居住地址", "value": "江岸区沿江大道1号"}]
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "consent"
    assert attached.status_code == 201
    body = attached.json()
    assert (body["kind"]["value"], body["license_reference"]) == ("license", license_.identifier)
    assert body["consented_at"] is not None
    assert case.materials.count() == 1


def test_the_api_refuses_a_license_that_is_not_the_applicants(client, circle):
    from tongban.identity.tests.factories import PersonFactory

    case = CaseFactory.for_circle(circle, status=CaseStatus.DRAFT)
    other, _ = residence_permit(PersonFactory().user)
    client.force_login(circle.applicant)

    response = client.post(
        f"{API}/{case.number}/materials/from-wallet",
        {"guide_material_id": material(circle, "居住证明").pk, "license": other.identifier, "consent": True},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "license"
    assert not CaseMaterial.objects.exists()


def test_another_applicants_case_offers_nothing_over_the_api(client, circle):
    from tongban.identity.tests.factories import PersonFactory

    case = CaseFactory.for_circle(circle, status=CaseStatus.DRAFT)
    residence_permit(circle.applicant)
    client.force_login(PersonFactory().user)

    assert client.get(f"{API}/{case.number}/wallet-offers").status_code == 404
