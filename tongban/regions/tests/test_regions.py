import pytest

from tongban.core.errors import ValidationFailed
from tongban.core.identifiers import make_uscc, region_code_name
from tongban.regions.choices import OrganizationKind, RegionKind
from tongban.regions.models import Region
from tongban.regions.selectors import cities, region_and_descendants
from tongban.regions.services import organization_create, regions_load_reference

NINE_CITIES = ["武汉市", "黄石市", "鄂州市", "黄冈市", "孝感市", "咸宁市", "仙桃市", "潜江市", "天门市"]


def test_the_reference_list_holds_the_nine_cities_in_order(circle):
    assert [c.name for c in cities()] == NINE_CITIES


def test_zones_have_no_code_but_a_key_and_short_name(circle):
    donghu, gedian, kaitie = circle["donghu"], circle["gedian"], circle["huangshi-etdz"]

    assert (donghu.code, donghu.short_name, donghu.city.name) == (None, "东湖高新区", "武汉市")
    assert (gedian.code, gedian.short_name, gedian.city.name) == (None, "葛店经开区", "鄂州市")
    assert (kaitie.short_name, kaitie.kind, kaitie.city.name) == (
        "黄石开发区·铁山区",
        RegionKind.ZONE,
        "黄石市",
    )


def test_every_code_matches_the_national_region_table(circle):
    for region in Region.objects.exclude(code=None):
        assert region_code_name(region.code) == region.name, region.code


def test_a_city_is_its_own_city_and_a_district_belongs_to_its_parent(circle):
    ezhou, echeng = circle["420700"], circle["420704"]

    assert ezhou.city_id == ezhou.pk
    assert echeng.city_id == ezhou.pk
    assert set(region_and_descendants(ezhou).values_list("name", flat=True)) >= {
        "鄂州市",
        "鄂城区",
        "葛店经济技术开发区",
    }


def test_loading_the_reference_twice_changes_nothing(circle):
    before = list(Region.objects.order_by("key").values_list("key", "name", "parent__key", "city__key"))

    regions_load_reference()

    assert (
        list(Region.objects.order_by("key").values_list("key", "name", "parent__key", "city__key")) == before
    )


def test_an_organization_with_a_bad_uscc_is_refused_and_nothing_is_created(circle):
    with pytest.raises(ValidationFailed) as caught:
        organization_create(
            name="鄂州市行政审批局",
            uscc="11420700MB1B2C3D10",
            kind=OrganizationKind.DEPARTMENT,
            region=circle["420700"],
        )

    assert caught.value.errors[0].field == "uscc"
    assert caught.value.message == "统一社会信用代码校验位不正确，请核对是否输错。"
    assert not circle["420700"].organizations.exists()


def test_an_organization_with_a_valid_uscc_is_created(circle):
    uscc = make_uscc(registry="11", region_code="420700", org_body="MB1B2C3D")

    org = organization_create(
        name="鄂州市行政审批局", uscc=uscc, kind=OrganizationKind.DEPARTMENT, region=circle["420700"]
    )

    assert (org.name, org.uscc, org.region.name) == ("鄂州市行政审批局", uscc, "鄂州市")
