"""免证明 in a real browser (issue 5): a citizen applies for a 用水报装 item whose guide accepts the
不动产权证书 as an e-license; the page shows that the certificate is fetched from the wallet and what would
be shared; the citizen consents and submits without uploading anything; the case carries the verified
license. Every page passes axe."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def sign_in(portal, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    portal.page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": portal.base_url}])


@pytest.fixture
def water(transactional_db, settings, tmp_path):
    from tongban.cases.tests.factories import wuhan
    from tongban.catalog.choices import Mode, Necessity
    from tongban.catalog.models import Availability
    from tongban.catalog.services import GuideRows
    from tongban.catalog.tests.factories import ServiceItemFactory, published_implementation
    from tongban.identity.access import actor_for
    from tongban.identity.choices import Role
    from tongban.identity.tests.factories import PersonFactory, StaffRoleFactory
    from tongban.licenses.services import license_issue
    from tongban.licenses.tests.factories import property_issue
    from tongban.regions.tests.factories import OrganizationFactory

    settings.MEDIA_ROOT = tmp_path
    rows = GuideRows(
        steps=[{"name": "受理", "time_limit_days": 1}, {"name": "装表接水", "time_limit_days": 3}],
        materials=[
            {
                "name": "不动产权证书",
                "necessity": Necessity.REQUIRED,
                "license_type_code": "111000000000000005",
                "license_type_name": "不动产权证书",
            }
        ],
    )
    implementation = published_implementation(
        service_item=ServiceItemFactory(name="用水报装"),
        organization=OrganizationFactory(name="武汉市水务集团有限公司", region=wuhan()),
        rows=rows,
    )
    Availability.objects.create(implementation=implementation, mode=Mode.ONLINE)
    citizen = PersonFactory(real_name="张三").user
    registry = OrganizationFactory(name="武汉市自然资源和规划局")
    reviewer = StaffRoleFactory(role=Role.REVIEWER, organization=registry).user
    certificate = license_issue(issuer=registry, data=property_issue(citizen), by=actor_for(reviewer))
    return implementation, citizen, certificate


def test_a_citizen_applies_with_the_certificate_from_the_wallet_and_uploads_nothing(portal, water):
    from tongban.cases.models import Case

    implementation, citizen, certificate = water
    sign_in(portal, citizen)

    page = portal.visit(f"/cases/apply/{implementation.code}/")
    wallet = page.get_by_role("group", name="用我的电子证照代替「不动产权证书」（免提交）")
    expect(wallet).to_be_visible()
    expect(
        wallet.get_by_label(f"不动产权证书 {certificate.number}（武汉市自然资源和规划局颁发）")
    ).to_be_checked()
    portal.check()

    page.get_by_text(f"将共享的信息：不动产权证书 {certificate.number}").click()
    expect(page.get_by_text("江岸区沿江大道1号")).to_be_visible()
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("#id_share_consent-error")).to_have_text("请同意共享所选电子证照，或改为上传文件。")
    portal.problems[:] = [p for p in portal.problems if "status of 400" not in p]

    page.get_by_label("我已阅读将要共享的证照信息，同意共享给办理单位，仅用于本次申请").check()
    page.get_by_role("button", name="提交申请").click()

    expect(page.locator(".case-status")).to_have_text("已提交，待受理")
    portal.check()
    case = Case.objects.get()
    material = case.materials.get()
    assert (material.kind, material.license, material.file.name) == ("license", certificate, "")
    assert material.consented_at is not None
