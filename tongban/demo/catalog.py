"""Create the demo's service items and implementations with their published guides, in bulk.

Rows are written in bulk (bulk_create, and bulk.rows_insert for the guides' rows), which bypasses the
save() guard that freezes published versions: every version is created already in its final state
(published or superseded, with its published_at), and `Implementation.current` is pointed at the
version in force in one UPDATE at the end.
"""

import hashlib
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import OuterRef, Subquery

from tongban.catalog.choices import Theme, VersionStatus
from tongban.catalog.models import (
    GuideFAQ,
    GuideFee,
    GuideLocation,
    GuideMaterial,
    GuideStep,
    Implementation,
    ImplementationVersion,
    ServiceItem,
)
from tongban.regions.models import Hall

from .bulk import rows_insert
from .catalog_data import FAMILIES, aliases_for
from .guides import Guide, Place, earlier_version, guide_build, is_online, with_partner_step
from .places import Places
from .places_data import CITIES
from .spec import Family, Sub

GUIDE_PARTS = (GuideMaterial, GuideStep, GuideFee, GuideLocation, GuideFAQ)
SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST_PUBLISHED = datetime(2022, 1, 4, 9, 30, tzinfo=SHANGHAI)
REVISED = datetime(2023, 3, 1, 9, 30, tzinfo=SHANGHAI)
# bulk_create's cost per row grows with the batch; a few hundred rows per INSERT is the sweet spot.
BATCH_SIZE = 200
REVISED_SHARE = 0.03  # about one implementation in thirty shows a second version

# The share of the catalog each place implements. Items in EVERYWHERE are implemented wherever their
# department exists, so the best-standard comparison has every city to compare.
COVERAGE: dict[str, float] = {
    "420100": 0.45,
    "420200": 0.25,
    "420700": 0.25,
    "421100": 0.2,
    "420900": 0.18,
    "421200": 0.18,
    "429004": 0.15,
    "429006": 0.15,
    "429005": 0.15,
    "420704": 0.85,
    "420202": 0.7,
    "420703": 0.2,
    "421102": 0.15,
    "donghu": 0.4,
    "gedian": 0.2,
    "huangshi-etdz": 0.12,
}
# Places known for one theme implement all of it (东湖高新区 and 葛店经开区: 市场开办).
THEME_COVERAGE = {("donghu", Theme.MARKET_ENTRY): 1.0, ("gedian", Theme.MARKET_ENTRY): 1.0}
EVERYWHERE = frozenset(
    {
        "社会保障卡申领",
        "城乡居民基本养老保险参保登记",
        "失业保险金申领",
        "就业创业证申领",
        "异地长期居住人员备案",
        "基本医疗保险关系转移接续",
        "生育津贴申领",
        "住房公积金提取（购买自住住房）",
        "住房公积金提取（租赁住房）",
        "住房公积金异地转移接续",
        "小学一年级新生入学登记",
        "义务教育阶段学生转学",
        "医师执业注册（首次）",
        "护士执业注册（首次）",
        "道路货物运输驾驶员从业资格证核发",
        "机动车驾驶证期满换证",
        "旅行社设立许可",
        "有限责任公司设立登记",
        "个体工商户设立登记",
        "食品经营许可证新办",
        "食品经营许可证变更",
        "食品经营许可证延续",
        "企业名称变更登记",
        "企业简易注销登记",
        "不动产登记资料查询（权利人）",
        "二手房转移登记",
        "户口迁入（夫妻投靠）",
        "新生儿出生登记（入户）",
        "居住证申领",
        "内地居民结婚登记",
        "城乡最低生活保障对象认定",
        "用水报装",
        "低压居民用电报装",
        "居民用户燃气报装",
        "税务登记信息确认",
        "发票领用",
        "无犯罪记录证明开具",
        "残疾人证申领",
    }
)
CITY_KEYS = frozenset(spec.key for spec in CITIES)


@dataclass(frozen=True)
class ImplRef:
    """An implementation as the reach plan sees it."""

    pk: int
    code: str
    region_key: str
    theme: str
    online: bool


@dataclass(frozen=True)
class _Planned:
    item: ServiceItem
    family: Family
    sub: Sub
    region_key: str
    org_id: int
    code: str


def fraction(*parts: str) -> float:
    """A stable number in [0, 1) for a key: the same on every machine and every run."""
    digest = hashlib.sha256(":".join(parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def catalog_create(places: Places) -> list[ImplRef]:
    items = _items_create()
    planned = _implementations_plan(places, items)
    impls = Implementation.objects.bulk_create(
        [Implementation(code=p.code, service_item=p.item, organization_id=p.org_id) for p in planned],
        batch_size=BATCH_SIZE,
    )
    _guides_create(places, planned, impls)
    return [
        ImplRef(i.pk, p.code, p.region_key, p.family.theme, is_online(p.family, p.sub))
        for p, i in zip(planned, impls, strict=True)
    ]


def _items_create() -> list[tuple[ServiceItem, Family, Sub]]:
    themes = list(Theme.values)
    rows = []
    for family_no, family in enumerate(FAMILIES, start=1):
        for sub_no, sub in enumerate(family.items, start=1 if family.subs else 0):
            code = f"4200{themes.index(family.theme) + 1:02d}{family_no:03d}{sub_no:03d}"
            item = ServiceItem(
                basic_code=code,
                name=sub.name,
                item_type=family.item_type,
                theme=family.theme,
                audience=family.audience,
                legal_basis=family.basis,
                aliases=aliases_for(sub.name, family.aliases),
            )
            rows.append((item, family, sub))
    ServiceItem.objects.bulk_create([item for item, _, _ in rows])
    return rows


def _implementations_plan(places: Places, items) -> list[_Planned]:
    planned = []
    for key in places.specs:
        for item, family, sub in items:
            if family.city_only and key not in CITY_KEYS:
                continue
            org = places.implementing_org(key, family.role, family.item_type)
            share = THEME_COVERAGE.get((key, family.theme), COVERAGE[key])
            if org is None or (sub.name not in EVERYWHERE and fraction(key, item.basic_code) >= share):
                continue
            planned.append(_Planned(item, family, sub, key, org.pk, f"{org.uscc}{item.basic_code}"))
    return planned


def _guides_create(places: Places, planned: list[_Planned], impls: list[Implementation]) -> None:
    versions, guides = [], []
    for p, impl in zip(planned, impls, strict=True):
        hall = places.halls[p.region_key]
        rng = random.Random(p.code)  # noqa: S311 (reproducible demo variation, not security)
        guide = guide_build(p.family, p.sub, _place(places, p.region_key, hall), rng)
        partner = _joint_partner(places, p)
        if partner is not None:
            guide = with_partner_step(guide, partner.pk, partner.name)
        first_published = FIRST_PUBLISHED + timedelta(days=rng.randrange(300), minutes=rng.randrange(480))
        if fraction(p.code, "revised") < REVISED_SHARE:
            older, note = earlier_version(guide)
            versions.append(_version(impl, 1, VersionStatus.SUPERSEDED, first_published, older))
            guides.append((older, hall))
            revised = REVISED + timedelta(days=rng.randrange(200))
            versions.append(_version(impl, 2, VersionStatus.PUBLISHED, revised, guide, note))
        else:
            versions.append(_version(impl, 1, VersionStatus.PUBLISHED, first_published, guide))
        guides.append((guide, hall))
    ImplementationVersion.objects.bulk_create(versions, batch_size=BATCH_SIZE)
    _rows_create(zip(versions, guides, strict=True))
    in_force = ImplementationVersion.objects.filter(
        implementation=OuterRef("pk"), status=VersionStatus.PUBLISHED
    ).values("pk")[:1]
    Implementation.objects.filter(pk__in=[i.pk for i in impls]).update(current=Subquery(in_force))


# 市场开办领域"跨域联办" between the two zones (reach.py's gedian-donghu agreement): each side's
# market-entry guides have a step at the other side's organization of the same role.
JOINT_PARTNERS = {"donghu": "gedian", "gedian": "donghu"}


def _joint_partner(places: Places, p: _Planned):
    if p.region_key not in JOINT_PARTNERS or p.family.theme != Theme.MARKET_ENTRY:
        return None
    partner = places.implementing_org(JOINT_PARTNERS[p.region_key], p.family.role, p.family.item_type)
    return partner if partner is not None and partner.pk != p.org_id else None


def _place(places: Places, key: str, hall: Hall) -> Place:
    return Place(hall.name, hall.address, hall.opening_hours, places.specs[key].area_code)


def _version(impl, number: int, status: str, published_at, guide: Guide, note: str = ""):
    return ImplementationVersion(
        implementation=impl,
        number=number,
        status=status,
        published_at=published_at,
        change_note=note,
        **guide.fields,
    )


def _rows_create(pairs) -> None:
    parts: dict[type, list[dict]] = {model: [] for model in GUIDE_PARTS}
    for version, (guide, hall) in pairs:
        for model, rows, extra in (
            (GuideMaterial, guide.materials, {}),
            (GuideStep, guide.steps, {}),
            (GuideFee, guide.fees, {}),
            (GuideLocation, guide.locations, {"hall_id": hall.pk}),
            (GuideFAQ, guide.faqs, {}),
        ):
            parts[model] += [
                {"version_id": version.pk, "position": i, **row, **extra} for i, row in enumerate(rows, 1)
            ]
    for model, rows in parts.items():
        rows_insert(model, rows)
