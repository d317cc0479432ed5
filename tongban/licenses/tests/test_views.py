"""The public verification page: anyone checks a license by its identifier; the holder is masked."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from ..models import License
from ..services import license_issue
from .factories import make_office, property_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued():
    cache.clear()
    office = make_office()
    return office, license_issue(
        issuer=office.issuer, data=property_issue(office.holder), by=office.actor(office.reviewer)
    )


def test_the_page_asks_for_an_identifier(client):
    html = client.get(reverse("licenses:verify")).content.decode()

    assert "证照标识" in html and 'name="identifier"' in html


def test_a_valid_license_is_shown_with_its_holder_masked(client, issued):
    office, license_ = issued

    response = client.get(reverse("licenses:verify"), {"identifier": license_.identifier})

    html = response.content.decode()
    assert response.status_code == 200
    assert "有效：签名验证通过，证照状态有效" in html and "张*" in html
    assert 'class="notice notice--ok"' in html
    assert office.holder.person.id_number not in html


def test_a_tampered_license_and_a_wrong_identifier_are_told(client, issued):
    _, license_ = issued
    License.objects.filter(pk=license_.pk).update(holder_name="王五")

    tampered = client.get(reverse("licenses:verify"), {"identifier": license_.identifier})
    wrong = client.get(reverse("licenses:verify"), {"identifier": "1.2.156.3005.2.1.2"})

    assert "证照内容已被篡改" in tampered.content.decode()
    assert 'class="notice notice--error"' in tampered.content.decode()
    assert wrong.status_code == 400
    assert "电子证照标识应由证照类型代码" in wrong.content.decode()


def test_the_admin_shows_licenses_masked_and_never_a_private_key(client, issued):
    from tongban.identity.choices import Role
    from tongban.identity.tests.factories import StaffRoleFactory

    office, license_ = issued
    admin_user = StaffRoleFactory(role=Role.PLATFORM_ADMIN).user
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)

    page = client.get(reverse("admin:licenses_license_change", args=[license_.pk])).content.decode()
    seal = client.get(reverse("admin:licenses_seal_change", args=[license_.seal.pk])).content.decode()

    assert license_.identifier in page and office.holder.person.id_number not in page
    assert license_.seal.public_key in seal and license_.seal.private_key not in seal


def test_the_holder_sees_the_wallet_the_license_and_gets_its_pdf_and_file(client, issued):
    office, license_ = issued
    client.force_login(office.holder)

    wallet = client.get(reverse("licenses:wallet")).content.decode()
    page = client.get(reverse("licenses:license", args=[license_.identifier])).content.decode()
    pdf = client.get(reverse("licenses:pdf", args=[license_.identifier]))
    exported = client.get(reverse("licenses:file", args=[license_.identifier]))

    assert "不动产权证书" in wallet and license_.number in wallet
    assert "有效：签名验证通过" in page and "江岸区沿江大道1号" in page
    assert office.holder.person.id_number not in page
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-") and office.holder.person.id_number.encode() not in pdf.content
    assert exported.json()["payload"]["identifier"] == license_.identifier


def test_someone_else_gets_no_page_pdf_or_file(client, issued):
    office, license_ = issued
    client.force_login(office.stranger)

    for name in ("licenses:license", "licenses:pdf", "licenses:file"):
        assert client.get(reverse(name, args=[license_.identifier])).status_code == 404, name
    assert license_.number not in client.get(reverse("licenses:wallet")).content.decode()


def test_the_wallet_needs_an_account(client):
    assert client.get(reverse("licenses:wallet")).status_code == 302
