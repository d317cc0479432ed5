"""The seed's figures, made true by construction: which implementations the agreements list, which the
kiosks offer, which are explicitly receivable elsewhere, and the two batches of the 通办 list.

How the 653 come about (every agreement's parties are in different cities, so every agreement item is
通办; selectors.tongban_implementations() counts each implementation once):

    鄂城区↔黄石港区   361 = 鄂城区 201 + 黄石港区 160                                     (new 361)
    鄂城区↔黄州区     174 = 鄂城区 154 (already with 黄石港区) + 黄州区 20                 (new  20)
    华容区↔东湖高新区 142 = 华容区 30 + 东湖高新区 112 (56 of them market entry)          (new 142)
    葛店经开区↔东湖   106 = 葛店经开区 50 + 东湖高新区 56, all 市场开办                    (new  50)
    four districts     72 = 东湖 30 + 葛店 20 + 黄州 10 (already listed) + 开铁区 12        (new  12)
    武汉市             33 → with 东湖's 112 these are the 145 Wuhan items on 华容区's kiosks (new 33)
    other cities       the rest, at the other cities' 圈内通办专窗 (and online)           (new  35)

The first batch (2022) is the first agreement plus the earliest explicit entries, 410 in all; the
second batch (2023) takes everything added since. Any shortfall of a pool raises at load time.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from tongban.catalog.choices import Mode, Theme
from tongban.catalog.models import (
    Agreement,
    AgreementItem,
    AgreementParty,
    Availability,
    BatchEntry,
    TongbanBatch,
)

from .catalog import ImplRef
from .places import Places
from .places_data import CITIES

TONGBAN_TOTAL = 653
FIRST_BATCH_SIZE = 410
OTHER_CITIES = ("420200", "420700", "421100", "420900", "421200", "429004", "429006", "429005")
LOCAL_KIOSK_ITEMS = 24


class DemoPlanError(RuntimeError):
    """The catalog does not hold enough implementations for one of the seed's figures."""


@dataclass(frozen=True)
class AgreementSpec:
    name: str
    document_number: str
    signed_on: date
    effective_from: date
    summary: str
    parties: tuple[str, ...]


AGREEMENTS = {
    "ezhou-huangshigang": AgreementSpec(
        "鄂州市鄂城区 黄石市黄石港区政务服务“跨市通办”合作协议",
        "鄂城黄港通办〔2022〕1号",
        date(2022, 4, 18),
        date(2022, 5, 1),
        "两区互设“跨市通办”专窗，对协议清单内的高频事项实行异地代收代办、无差别受理、同标准办理，"
        "原件和办理结果免费寄递。",
        ("420704", "420202"),
    ),
    "ezhou-huangzhou": AgreementSpec(
        "鄂州市鄂城区 黄冈市黄州区政务服务“跨市通办”合作协议",
        "鄂城黄州通办〔2022〕2号",
        date(2022, 11, 8),
        date(2022, 11, 15),
        "鄂城区、黄州区互为代收点，清单内事项在对方专窗即可申请，材料网上流转，结果邮寄送达。",
        ("420704", "421102"),
    ),
    "huarong-donghu": AgreementSpec(
        "东湖高新区 鄂州市华容区政务服务特色事项“跨域通办”合作协议",
        "光谷华容通办〔2023〕1号",
        date(2023, 2, 21),
        date(2023, 3, 1),
        "以两地特色事项为重点，互设专窗、互认材料，华容区自助终端可办理武汉事项。",
        ("donghu", "420703"),
    ),
    "gedian-donghu": AgreementSpec(
        "东湖高新区 葛店经开区市场开办领域“跨域联办”合作协议",
        "光谷葛店联办〔2023〕1号",
        date(2023, 3, 28),
        date(2023, 4, 1),
        "市场开办领域事项一地受理、两地联办，企业在任一方政务服务中心即可办结，葛店经开区自助终端可办理武汉事项。",
        ("donghu", "gedian"),
    ),
    "science-corridor": AgreementSpec(
        "光谷科技创新大走廊 东湖高新区 葛店经开区 黄州区 黄石开发区·铁山区政务服务“跨域通办”合作协议",
        "光谷科创大走廊通办〔2023〕1号",
        date(2023, 6, 16),
        date(2023, 7, 1),
        "沿光谷科技创新大走廊的四地互设通办专窗，清单内事项异地代收代办、结果互认。",
        ("donghu", "gedian", "421102", "huangshi-etdz"),
    ),
}
BATCHES = (
    (
        "第一批",
        "武汉都市圈“圈内通办”〔2022〕1号",
        date(2022, 7, 15),
        "都市圈九市首批“圈内通办”事项清单：九市政务服务中心互设圈内通办专窗。",
    ),
    (
        "第二批（扩容）",
        "武汉都市圈“圈内通办”〔2023〕2号",
        date(2023, 9, 20),
        "在第一批基础上扩容：纳入区际合作协议事项、自助终端事项和更多全程网办事项。",
    ),
)


def spread(pool: list[ImplRef], n: int, *, what: str, exclude: frozenset[int] = frozenset()) -> list[ImplRef]:
    """n implementations from a pool, taken theme by theme in turn so that every list covers many
    themes; deterministic (the pool is ordered by code)."""
    by_theme: dict[str, list[ImplRef]] = defaultdict(list)
    for ref in sorted(pool, key=lambda r: r.code):
        if ref.pk not in exclude:
            by_theme[ref.theme].append(ref)
    queues = [by_theme[t] for t in Theme.values if by_theme[t]]
    chosen: list[ImplRef] = []
    while len(chosen) < n and any(queues):
        for queue in queues:
            if queue and len(chosen) < n:
                chosen.append(queue.pop(0))
    if len(chosen) < n:
        raise DemoPlanError(f"演示数据不足：{what}需要 {n} 项，只有 {len(chosen)} 项。")
    return chosen


@dataclass
class ReachPlan:
    agreements: dict[str, list[ImplRef]]
    wuhan_explicit: list[ImplRef]
    other_explicit: list[ImplRef]
    kiosk_huarong: list[ImplRef]
    kiosk_gedian: list[ImplRef]
    joint: list[tuple[ImplRef, str]]  # (implementation, region key of the partner)
    first_batch: list[ImplRef]
    second_batch: list[ImplRef]


def plan_build(impls: list[ImplRef]) -> ReachPlan:
    pools: dict[str, list[ImplRef]] = defaultdict(list)
    for ref in impls:
        pools[ref.region_key].append(ref)
    agreements = _agreement_lists(pools)
    donghu = [r for r in agreements["huarong-donghu"] if r.region_key == "donghu"]
    wuhan = spread(pools["420100"], 33, what="武汉市全程网办")
    listed = {r.pk: r for refs in agreements.values() for r in refs} | {r.pk: r for r in wuhan}
    others = _others(pools, TONGBAN_TOTAL - len(listed), frozenset(listed))
    first_agreement = agreements["ezhou-huangshigang"]
    first = first_agreement + (wuhan + others)[: FIRST_BATCH_SIZE - len(first_agreement)]
    first_ids = {r.pk for r in first}
    partner = {"gedian": "donghu", "donghu": "gedian"}
    return ReachPlan(
        agreements=agreements,
        wuhan_explicit=wuhan,
        other_explicit=others,
        kiosk_huarong=donghu + wuhan,
        kiosk_gedian=spread(donghu + wuhan, 136, what="葛店经开区自助终端"),
        joint=[(r, partner[r.region_key]) for r in agreements["gedian-donghu"]],
        first_batch=first,
        second_batch=[r for r in [*listed.values(), *others] if r.pk not in first_ids],
    )


def _agreement_lists(pools: dict[str, list[ImplRef]]) -> dict[str, list[ImplRef]]:
    """Each agreement's items; 东湖高新区's market-entry items are in both of its agreements."""
    market = {k: [r for r in pools[k] if r.theme == Theme.MARKET_ENTRY] for k in ("donghu", "gedian")}
    ezc = spread(pools["420704"], 201, what="鄂城区↔黄石港区（鄂城区）")
    hz = spread(pools["421102"], 20, what="鄂城区↔黄州区（黄州区）")
    dh_market = spread(market["donghu"], 56, what="葛店↔东湖（东湖高新区市场开办）")
    gd_market = spread(market["gedian"], 50, what="葛店↔东湖（葛店经开区市场开办）")
    dh_other = [r for r in pools["donghu"] if r.theme != Theme.MARKET_ENTRY]
    dh = dh_market + spread(dh_other, 56, what="华容区↔东湖（东湖高新区）")
    return {
        "ezhou-huangshigang": ezc + spread(pools["420202"], 160, what="鄂城区↔黄石港区（黄石港区）"),
        "ezhou-huangzhou": spread(ezc, 154, what="鄂城区↔黄州区（鄂城区）") + hz,
        "huarong-donghu": spread(pools["420703"], 30, what="华容区↔东湖（华容区）") + dh,
        "gedian-donghu": dh_market + gd_market,
        "science-corridor": spread(dh, 30, what="四地协议（东湖）")
        + spread(gd_market, 20, what="四地协议（葛店）")
        + spread(hz, 10, what="四地协议（黄州）")
        + spread(pools["huangshi-etdz"], 12, what="四地协议（开铁区）"),
    }


def _others(pools, needed: int, exclude: frozenset[int]) -> list[ImplRef]:
    """The rest of the 653, spread over the other cities in turn."""
    if needed < len(OTHER_CITIES):
        raise DemoPlanError(f"演示数据规划有误：其他城市只剩 {needed} 项通办名额。")
    share, extra = divmod(needed, len(OTHER_CITIES))
    chosen = []
    for i, key in enumerate(OTHER_CITIES):
        chosen += spread(pools[key], share + (i < extra), what=f"其他城市（{key}）", exclude=exclude)
    return chosen


def reach_create(places: Places, impls: list[ImplRef]) -> ReachPlan:
    plan = plan_build(impls)
    _agreements_create(places, plan)
    _availability_create(places, plan, impls)
    _batches_create(plan)
    return plan


def _agreements_create(places: Places, plan: ReachPlan) -> None:
    for key, spec in AGREEMENTS.items():
        agreement = Agreement.objects.create(
            name=spec.name,
            document_number=spec.document_number,
            summary=spec.summary,
            signed_on=spec.signed_on,
            effective_from=spec.effective_from,
        )
        AgreementParty.objects.bulk_create(
            AgreementParty(
                agreement=agreement,
                region=places.regions[region_key],
                signatory=places.orgs[region_key]["gov"],
                position=position,
            )
            for position, region_key in enumerate(spec.parties, start=1)
        )
        AgreementItem.objects.bulk_create(
            AgreementItem(agreement=agreement, implementation_id=r.pk) for r in plan.agreements[key]
        )


def _availability(ref: ImplRef, mode: str, note: str = "", **scope) -> Availability:
    entry = Availability(implementation_id=ref.pk, mode=mode, note=note, **scope)
    entry.derive_scope()
    return entry


def _availability_create(places: Places, plan: ReachPlan, impls: list[ImplRef]) -> None:
    rows = _explicit_rows(places, plan.wuhan_explicit + plan.other_explicit)
    kiosk_lists = (
        (places.kiosks["420703"], plan.kiosk_huarong),
        (places.kiosks["gedian"], plan.kiosk_gedian),
    )
    for kiosks, refs in kiosk_lists:
        rows += [_availability(r, Mode.ONLINE, "自助终端可办", kiosk=k) for k in kiosks for r in refs]
    for ref, partner in plan.joint:
        rows.append(_availability(ref, Mode.JOINT, "市场开办领域跨域联办", region=places.regions[partner]))
    rows += _local_kiosk_rows(places, impls)
    Availability.objects.bulk_create(rows, batch_size=500)


def _explicit_rows(places: Places, refs: list[ImplRef]) -> list[Availability]:
    """The circle's list outside agreements: received at the 圈内通办专窗 of the other eight cities'
    main halls (九市互设专窗), and online across the circle where the item is done online."""
    rows = []
    for ref in refs:
        own_city = places.regions[ref.region_key].city.key
        if ref.online:
            rows.append(_availability(ref, Mode.ONLINE, "都市圈内全程网办"))
        rows += [
            _availability(ref, Mode.PROXY, "圈内通办专窗代收", window=places.cross_city_windows[spec.key])
            for spec in CITIES
            if spec.key != own_city
        ]
    return rows


def _local_kiosk_rows(places: Places, impls: list[ImplRef]) -> list[Availability]:
    """Kiosks outside the agreements offer a few of their own city's online items (not 通办)."""
    rows = []
    for key, kiosks in places.kiosks.items():
        if key in ("420703", "gedian"):
            continue
        local = [r for r in impls if r.region_key == key and r.online]
        for ref in spread(local, min(LOCAL_KIOSK_ITEMS, len(local)), what=f"自助终端（{key}）"):
            rows += [_availability(ref, Mode.ONLINE, "自助终端可办", kiosk=k) for k in kiosks]
    return rows


def _batches_create(plan: ReachPlan) -> None:
    for (name, number, published_on, note), refs in zip(
        BATCHES, (plan.first_batch, plan.second_batch), strict=True
    ):
        batch = TongbanBatch.objects.create(
            name=name, document_number=number, published_on=published_on, note=note
        )
        BatchEntry.objects.bulk_create(BatchEntry(batch=batch, implementation_id=r.pk) for r in refs)
