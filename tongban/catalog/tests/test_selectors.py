import datetime

import pytest

from tongban.catalog.choices import Mode, Necessity
from tongban.catalog.models import Agreement, AgreementItem, AgreementParty, BatchEntry, TongbanBatch
from tongban.catalog.selectors import (
    agreement_coverage,
    agreements_with_parties,
    batch_history,
    best_standard,
    catalog_stats,
    item_where,
    reach_for,
    tongban_implementations,
)
from tongban.catalog.services import GuideRows, availability_add
from tongban.catalog.tests.factories import ServiceItemFactory, guide_rows, published_implementation
from tongban.regions.tests.factories import HallFactory, OrganizationFactory, WindowFactory


@pytest.fixture
def places(circle):
    """Organizations in 鄂城区 (鄂州) and 黄石港区 (黄石), each district with a cross-city window."""
    echeng, huangshigang = circle["420704"], circle["420202"]
    return {
        "echeng_org": OrganizationFactory(region=echeng, name="鄂城区人力资源和社会保障局"),
        "hsg_org": OrganizationFactory(region=huangshigang, name="黄石港区人力资源和社会保障局"),
        "echeng_window": WindowFactory(hall=HallFactory(region=echeng), is_cross_city=True, number="A01"),
        "hsg_window": WindowFactory(hall=HallFactory(region=huangshigang), is_cross_city=True, number="B01"),
        **circle,
    }


def _agreement(*parties, effective_from=datetime.date(2023, 3, 1), number="鄂黄通办〔2023〕1号"):
    agreement = Agreement.objects.create(
        name="跨域通办合作协议",
        document_number=number,
        signed_on=effective_from,
        effective_from=effective_from,
    )
    for position, region in enumerate(parties):
        AgreementParty.objects.create(agreement=agreement, region=region, position=position)
    return agreement


def test_a_local_only_implementation_is_not_on_the_tongban_list(places):
    published_implementation(organization=places["echeng_org"])

    assert list(tongban_implementations()) == []


def test_online_across_the_circle_puts_an_implementation_on_the_list(places):
    impl = published_implementation(organization=places["echeng_org"])

    availability_add(implementation=impl, mode=Mode.ONLINE)

    assert list(tongban_implementations()) == [impl]


def test_a_window_of_its_own_city_does_not_count_but_one_of_another_city_does(places):
    own_city = published_implementation(organization=places["echeng_org"])
    other_city = published_implementation(organization=places["echeng_org"])

    availability_add(implementation=own_city, mode=Mode.PROXY, window=places["echeng_window"])
    availability_add(implementation=other_city, mode=Mode.PROXY, window=places["hsg_window"])

    assert list(tongban_implementations()) == [other_city]


def test_an_agreement_in_force_makes_items_receivable_at_the_other_party(places):
    impl = published_implementation(organization=places["echeng_org"])
    agreement = _agreement(places["420704"], places["420202"])
    AgreementItem.objects.create(agreement=agreement, implementation=impl)

    reach = reach_for([impl])[impl.pk]

    assert list(tongban_implementations()) == [impl]
    assert [(e.mode, e.region.name, e.window) for e in reach] == [
        (Mode.PROXY, "黄石港区", None),
        (Mode.PROXY, "黄石港区", places["hsg_window"]),
    ]


def test_an_agreement_not_yet_in_force_gives_no_reach(places):
    impl = published_implementation(organization=places["echeng_org"])
    agreement = _agreement(places["420704"], places["420202"], effective_from=datetime.date(2099, 1, 1))
    AgreementItem.objects.create(agreement=agreement, implementation=impl)

    assert list(tongban_implementations()) == []
    assert reach_for([impl]) == {}


def test_agreement_coverage_counts_each_partys_items_and_missing_windows(places):
    echeng_items = [published_implementation(organization=places["echeng_org"]) for _ in range(3)]
    hsg_items = [published_implementation(organization=places["hsg_org"]) for _ in range(2)]
    huangzhou = places["421102"]  # 黄州区 has no cross-city window in this test
    agreement = _agreement(places["420704"], places["420202"], huangzhou)
    for impl in echeng_items + hsg_items:
        AgreementItem.objects.create(agreement=agreement, implementation=impl)

    coverage = agreement_coverage(agreements_with_parties().get(pk=agreement.pk))

    assert coverage.items == 5
    assert [(p.region.name, p.contributed, p.cross_city_windows) for p in coverage.parties] == [
        ("鄂城区", 3, 1),
        ("黄石港区", 2, 1),
        ("黄州区", 0, 0),
    ]
    assert coverage.parties_without_window == [huangzhou]
    assert coverage.receivable == 0
    assert coverage.in_force is True


def test_best_standard_shows_the_best_value_and_each_divergence(places):
    item = ServiceItemFactory(name="失业保险金申领")
    fast = published_implementation(
        service_item=item, organization=places["echeng_org"], promised_days=3, visits=0
    )
    slow = published_implementation(
        service_item=item,
        organization=places["hsg_org"],
        promised_days=7,
        visits=1,
        rows=GuideRows(
            materials=[
                {"name": "身份证"},
                {"name": "失业证明"},
                {"name": "银行卡", "necessity": Necessity.OPTIONAL},
            ],
            steps=[{"name": "受理"}, {"name": "审核"}, {"name": "决定"}],
        ),
    )

    result = best_standard(item)

    assert result.best == {"promised_days": 3, "materials": 2, "visits": 0, "steps": 2}
    rows = {row.implementation: row for row in result.rows}
    assert rows[fast].divergence == {"promised_days": 0, "materials": 0, "visits": 0, "steps": 0}
    assert rows[slow].values == {"promised_days": 7, "materials": 2, "visits": 1, "steps": 3}
    assert rows[slow].divergence == {"promised_days": 4, "materials": 0, "visits": 1, "steps": 1}
    assert rows[fast].is_best_everywhere and not rows[slow].is_best_everywhere


def test_batch_history_is_cumulative(places):
    first = TongbanBatch.objects.create(name="第一批", published_on=datetime.date(2022, 6, 1))
    second = TongbanBatch.objects.create(name="第二批", published_on=datetime.date(2023, 5, 1))
    impls = [published_implementation(organization=places["echeng_org"], rows=guide_rows()) for _ in range(5)]
    for impl in impls[:3]:
        BatchEntry.objects.create(batch=first, implementation=impl)
    for impl in impls[3:]:
        BatchEntry.objects.create(batch=second, implementation=impl)

    assert [(s.batch.name, s.added, s.cumulative) for s in batch_history()] == [
        ("第一批", 3, 3),
        ("第二批", 2, 5),
    ]


def test_stats_count_modes_among_tongban_items(places):
    online = published_implementation(organization=places["echeng_org"])
    proxy = published_implementation(organization=places["echeng_org"])
    published_implementation(organization=places["echeng_org"])  # local only
    availability_add(implementation=online, mode=Mode.ONLINE)
    agreement = _agreement(places["420704"], places["420202"])
    AgreementItem.objects.create(agreement=agreement, implementation=proxy)

    stats = catalog_stats()

    assert stats.tongban_items == 2
    assert stats.implementations == 3
    assert stats.by_mode == {Mode.ONLINE: 1, Mode.PROXY: 1, Mode.JOINT: 0}
    ezhou = next(row for row in stats.by_city if row[0].name == "鄂州市")
    assert ezhou[1:] == (3, 2)


def test_where_shows_local_handling_and_each_city_reached(places):
    item = ServiceItemFactory()
    impl = published_implementation(service_item=item, organization=places["echeng_org"])
    availability_add(implementation=impl, mode=Mode.PROXY, window=places["hsg_window"])

    cells = {cell.city.name: cell for cell in item_where(item)}

    assert set(cells["鄂州市"].modes) == {"local"}
    assert set(cells["黄石市"].modes) == {Mode.PROXY}
    assert cells["黄石市"].modes[Mode.PROXY][0].window == places["hsg_window"]
    assert cells["武汉市"].modes == {}
