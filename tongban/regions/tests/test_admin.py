"""The regions back office through the admin client: USCC validation, filters and search, halls with
their windows."""

import pytest
from django.urls import reverse

from tongban.core.identifiers import make_uscc
from tongban.regions.models import Hall, Organization, Window
from tongban.regions.tests.factories import HallFactory, KioskFactory, OrganizationFactory


@pytest.fixture
def admin_client_zh(client, django_user_model):
    user = django_user_model.objects.create_superuser("catalog-admin", password="x-Very-Secret-1")
    client.force_login(user)
    return client


def organization_data(region, uscc: str) -> dict:
    return {
        "name": "鄂州市医疗保障局",
        "short_name": "",
        "uscc": uscc,
        "kind": "department",
        "region": region.pk,
    }


def test_an_organization_with_a_wrong_check_character_is_refused(admin_client_zh, circle):
    valid = make_uscc(registry="11", region_code="420700", org_body="MB0000AA")
    wrong = valid[:-1] + ("0" if valid[-1] != "0" else "1")

    response = admin_client_zh.post(
        reverse("admin:regions_organization_add"), organization_data(circle["420700"], wrong)
    )

    assert response.status_code == 200
    assert "统一社会信用代码校验位不正确，请核对是否输错。" in response.content.decode()
    assert Organization.objects.exists() is False


def test_an_organization_with_an_unknown_region_code_in_its_uscc_is_refused(admin_client_zh, circle):
    uscc = make_uscc(registry="11", region_code="429999", org_body="MB0000AA")

    response = admin_client_zh.post(
        reverse("admin:regions_organization_add"), organization_data(circle["420700"], uscc)
    )

    assert "统一社会信用代码中的登记管理机关行政区划码 429999 不存在。" in response.content.decode()
    assert Organization.objects.exists() is False


def test_an_organization_with_a_valid_uscc_is_created(admin_client_zh, circle):
    uscc = make_uscc(registry="11", region_code="420700", org_body="MB0000AA")

    response = admin_client_zh.post(
        reverse("admin:regions_organization_add"), organization_data(circle["420700"], uscc)
    )

    assert response.status_code == 302
    assert Organization.objects.get().uscc == uscc


def test_organizations_are_found_by_name_and_by_uscc(admin_client_zh, circle):
    wanted = OrganizationFactory(name="黄石市市场监督管理局", region=circle["420200"])
    OrganizationFactory(name="孝感市公安局", region=circle["420900"])
    url = reverse("admin:regions_organization_changelist")

    by_name = admin_client_zh.get(url, {"q": "市场监督"})
    by_uscc = admin_client_zh.get(url, {"q": wanted.uscc})

    assert [o.pk for o in by_name.context["cl"].result_list] == [wanted.pk]
    assert [o.pk for o in by_uscc.context["cl"].result_list] == [wanted.pk]


def test_regions_are_filtered_by_kind_and_city_and_searched(admin_client_zh, circle):
    url = reverse("admin:regions_region_changelist")

    zones_of_huangshi = admin_client_zh.get(
        url, {"kind__exact": "zone", "city__id__exact": circle["420200"].pk}
    )
    found = admin_client_zh.get(url, {"q": "东湖"})

    assert [r.key for r in zones_of_huangshi.context["cl"].result_list] == ["huangshi-etdz"]
    assert [r.key for r in found.context["cl"].result_list] == ["donghu"]


def test_a_hall_is_saved_with_its_windows(admin_client_zh, circle):
    organization = OrganizationFactory(region=circle["420703"])
    data = {
        "name": "华容区政务服务中心",
        "region": circle["420703"].pk,
        "organization": organization.pk,
        "address": "华容区人民路1号",
        "opening_hours": "工作日 9:00-17:00",
        "phone": "",
        "windows-TOTAL_FORMS": "2",
        "windows-INITIAL_FORMS": "0",
        "windows-MIN_NUM_FORMS": "0",
        "windows-MAX_NUM_FORMS": "1000",
        "windows-0-number": "A01",
        "windows-0-name": "综合受理窗口",
        "windows-1-number": "A08",
        "windows-1-name": "圈内通办专窗",
        "windows-1-is_cross_city": "on",
    }

    response = admin_client_zh.post(reverse("admin:regions_hall_add"), data)

    assert response.status_code == 302
    hall = Hall.objects.get()
    assert list(hall.windows.values_list("number", "is_cross_city")) == [("A01", False), ("A08", True)]


def test_kiosks_and_windows_are_listed_and_searched(admin_client_zh, circle):
    hall = HallFactory(region=circle["420703"])
    Window.objects.create(hall=hall, number="A08", name="圈内通办专窗", is_cross_city=True)
    kiosk = KioskFactory(region=circle["420703"], serial="HR-KIOSK-07")

    kiosks = admin_client_zh.get(reverse("admin:regions_kiosk_changelist"), {"q": "HR-KIOSK"})
    windows = admin_client_zh.get(reverse("admin:regions_window_changelist"), {"is_cross_city__exact": "1"})

    assert [k.pk for k in kiosks.context["cl"].result_list] == [kiosk.pk]
    assert [w.number for w in windows.context["cl"].result_list] == ["A08"]
