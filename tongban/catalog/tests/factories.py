"""Factories for the catalog. `published_implementation()` goes through the services, so what it makes
is exactly what a maintainer publishing a guide would make."""

from typing import Any

import factory

from tongban.catalog.choices import Audience, CaseType, ItemType, Theme
from tongban.catalog.models import Implementation, ServiceItem
from tongban.catalog.services import GuideRows, implementation_create, version_publish
from tongban.regions.tests.factories import OrganizationFactory


class ServiceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceItem

    basic_code = factory.Sequence(lambda n: f"11{n:010d}")
    name = factory.Sequence(lambda n: f"测试事项{n}")
    item_type = ItemType.PUBLIC_SERVICE
    theme = Theme.HR_SOCIAL
    audience = Audience.NATURAL
    legal_basis = "《测试条例》第一条"
    aliases = factory.LazyFunction(list)


_codes = iter(range(1, 10**9))


def guide_values(**overrides: Any) -> dict[str, Any]:
    values = {
        "conditions": "本市户籍或持有本市居住证的居民。",
        "case_type": CaseType.PROMISED,
        "statutory_days": 20,
        "promised_days": 5,
        "visits": 0,
        "consultation_phone": "027-12345",
        "complaint_phone": "12345",
    }
    return values | overrides


def guide_rows(*, materials: int = 2, steps: int = 2, **overrides: Any) -> GuideRows:
    return GuideRows(
        materials=[{"name": f"材料{i}"} for i in range(1, materials + 1)],
        steps=[{"name": f"环节{i}", "time_limit_days": 1} for i in range(1, steps + 1)],
        **overrides,
    )


def published_implementation(
    *, service_item: ServiceItem | None = None, organization=None, rows: GuideRows | None = None, **guide: Any
) -> Implementation:
    """An implementation whose first version is published (and indexed for search)."""
    service_item = service_item or ServiceItemFactory()
    organization = organization or OrganizationFactory()
    draft = implementation_create(
        service_item=service_item,
        organization=organization,
        code=f"T{next(_codes):08d}",
        guide=guide_values(**guide),
        rows=rows or guide_rows(),
    )
    version_publish(version=draft)
    return Implementation.objects.get(pk=draft.implementation_id)
