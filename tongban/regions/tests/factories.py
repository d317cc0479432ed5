import factory

from tongban.core.identifiers import make_uscc
from tongban.regions.choices import OrganizationKind, RegionKind
from tongban.regions.models import Hall, Kiosk, Organization, Region, Window


def _org_body(n: int) -> str:
    return f"MB{n:06d}"


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"test-city-{n}")
    name = factory.Sequence(lambda n: f"测试{n}市")
    kind = RegionKind.CITY
    sort_order = factory.Sequence(lambda n: 1000 + n)


class DistrictFactory(CityFactory):
    key = factory.Sequence(lambda n: f"test-district-{n}")
    name = factory.Sequence(lambda n: f"测试{n}区")
    kind = RegionKind.DISTRICT
    parent = factory.SubFactory(CityFactory)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"测试市第{n}局")
    uscc = factory.Sequence(lambda n: make_uscc(registry="11", region_code="420100", org_body=_org_body(n)))
    kind = OrganizationKind.DEPARTMENT
    region = factory.SubFactory(CityFactory)


class HallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hall

    name = factory.Sequence(lambda n: f"测试政务服务中心{n}")
    region = factory.SubFactory(CityFactory)
    organization = factory.SubFactory(OrganizationFactory, region=factory.SelfAttribute("..region"))
    address = "测试路1号"
    opening_hours = "工作日 9:00-12:00，13:30-17:00"


class WindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Window

    hall = factory.SubFactory(HallFactory)
    number = factory.Sequence(lambda n: f"{n}号")
    name = "综合受理窗口"
    is_cross_city = False


class KioskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kiosk

    serial = factory.Sequence(lambda n: f"KIOSK-{n:05d}")
    name = "政务服务自助终端"
    region = factory.SubFactory(CityFactory)
    location = "大厅入口"
