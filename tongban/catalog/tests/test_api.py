"""The catalog API through the test client: shapes and exact values of every endpoint, search filters,
pagination, versions, reach, agreements, statistics, best standard, kiosks, errors and query ceilings."""

import datetime

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from tongban.catalog.choices import Audience, ItemType, Mode, Necessity, Theme
from tongban.catalog.models import Agreement, AgreementItem, AgreementParty, BatchEntry, TongbanBatch
from tongban.catalog.search import search_entries_refresh
from tongban.catalog.services import (
    GuideRows,
    availability_add,
    version_draft_fill,
    version_draft_start,
    version_publish,
)
from tongban.catalog.tests.factories import ServiceItemFactory, guide_rows, published_implementation
from tongban.regions.tests.factories import HallFactory, KioskFactory, OrganizationFactory, WindowFactory

API = "/api/v1/catalog"
FORM = {"schema": 1, "fields": [{"key": "applicant_name", "label": "申请人姓名", "type": "text"}]}


def _ref(region):
    return {"key": region.key, "name": region.name, "display_name": region.display_name}


def _org(org):
    return {"uscc": org.uscc, "name": org.name}


def _choice(enum, value):
    return {"value": value, "label": enum(value).label}


def _card_rows(hall, reviewer) -> GuideRows:
    return GuideRows(
        materials=[
            {
                "name": "居民身份证",
                "form": "original",
                "source": "government",
                "license_type_code": "11100000000000001",
                "license_type_name": "居民身份证",
                "acceptance_standard": "在有效期内",
            },
            {"name": "近期免冠照片", "necessity": Necessity.OPTIONAL, "form": "electronic", "copies": 2},
        ],
        steps=[
            {"name": "受理", "time_limit_days": 1, "actor": "窗口人员"},
            {
                "name": "审核",
                "stage": 2,
                "time_limit_days": 3,
                "organization": reviewer,
                "counts_in_limit": False,
            },
        ],
        fees=[{"name": "工本费", "standard": "免费", "basis": "鄂价费〔2019〕1号"}],
        locations=[
            {
                "name": "鄂城区政务服务中心",
                "hall": hall,
                "address": "鄂城区滨湖南路1号",
                "hours": "工作日 9:00-17:00",
                "phone": "0711-3222222",
            }
        ],
        faqs=[{"question": "可以代办吗？", "answer": "可以，需提供委托书。"}],
    )


def _agreement(*parties, effective_from=datetime.date(2023, 3, 1), number="鄂黄通办〔2023〕1号"):
    agreement = Agreement.objects.create(
        name="鄂城区黄石港区跨域通办合作协议",
        document_number=number,
        summary="两区互设通办专窗，互相代收代办。",
        signed_on=effective_from,
        effective_from=effective_from,
    )
    for position, (region, signatory) in enumerate(parties):
        AgreementParty.objects.create(
            agreement=agreement, region=region, signatory=signatory, position=position
        )
    return agreement


@pytest.fixture
def catalog(circle):
    """Two items in three cities. 社会保障卡申领 is implemented in 鄂城区 (received in 黄石港区 through an
    agreement), 黄石港区 (local only) and 东湖高新区 (received at a kiosk in 华容区); 营业执照办理 in 鄂城区
    is done online anywhere in the circle."""
    echeng_org = OrganizationFactory(region=circle["420704"], name="鄂城区人力资源和社会保障局")
    hsg_org = OrganizationFactory(region=circle["420202"], name="黄石港区人力资源和社会保障局")
    wuhan_org = OrganizationFactory(region=circle["donghu"], name="东湖高新区政务服务局")
    echeng_hall = HallFactory(region=circle["420704"], organization=echeng_org, name="鄂城区政务服务中心")
    hsg_hall = HallFactory(region=circle["420202"], organization=hsg_org, name="黄石港区政务服务中心")
    hsg_window = WindowFactory(hall=hsg_hall, number="B01", name="圈内通办专窗", is_cross_city=True)
    WindowFactory(hall=echeng_hall, number="A01", name="圈内通办专窗", is_cross_city=True)
    kiosk = KioskFactory(
        serial="EZ-HR-001", name="华容区自助终端", region=circle["420703"], location="华容区大厅"
    )
    card = ServiceItemFactory(
        basic_code="000101000001",
        name="社会保障卡申领",
        aliases=["社保卡"],
        item_type=ItemType.PUBLIC_SERVICE,
        legal_basis="《社会保障卡管理办法》",
    )
    licence = ServiceItemFactory(
        basic_code="000102000001",
        name="营业执照办理",
        item_type=ItemType.LICENSE,
        theme=Theme.MARKET_ENTRY,
        audience=Audience.LEGAL,
    )
    card_echeng = published_implementation(
        service_item=card,
        organization=echeng_org,
        rows=_card_rows(echeng_hall, hsg_org),
        form_schema=FORM,
        handling_process="受理、审核、制卡",
        postal_results=True,
        result_name="社会保障卡",
        result_type="paper",
    )
    card_hsg = published_implementation(service_item=card, organization=hsg_org, promised_days=3, visits=1)
    card_wuhan = published_implementation(service_item=card, organization=wuhan_org)
    licence_echeng = published_implementation(service_item=licence, organization=echeng_org, promised_days=1)
    availability_add(implementation=licence_echeng, mode=Mode.ONLINE)
    availability_add(implementation=card_wuhan, mode=Mode.PROXY, kiosk=kiosk)
    agreement = _agreement((circle["420704"], echeng_org), (circle["420202"], None))
    AgreementItem.objects.create(agreement=agreement, implementation=card_echeng)
    search_entries_refresh()
    first = TongbanBatch.objects.create(
        name="第一批", document_number="鄂政办〔2022〕1号", published_on=datetime.date(2022, 6, 1)
    )
    second = TongbanBatch.objects.create(name="第二批", published_on=datetime.date(2023, 5, 1))
    BatchEntry.objects.create(batch=first, implementation=card_echeng)
    BatchEntry.objects.create(batch=first, implementation=licence_echeng)
    BatchEntry.objects.create(batch=second, implementation=card_wuhan)
    return {
        **{f"r{key}": region for key, region in circle.items()},
        "echeng_org": echeng_org,
        "hsg_org": hsg_org,
        "wuhan_org": wuhan_org,
        "echeng_hall": echeng_hall,
        "hsg_window": hsg_window,
        "kiosk": kiosk,
        "card": card,
        "licence": licence,
        "card_echeng": card_echeng,
        "card_hsg": card_hsg,
        "card_wuhan": card_wuhan,
        "licence_echeng": licence_echeng,
        "agreement": agreement,
    }


def _row(impl, *, modes, is_tongban):
    return {
        "code": impl.code,
        "name": impl.current.name,
        "item": impl.service_item.basic_code,
        "organization": _org(impl.organization),
        "city": _ref(impl.organization.region.city),
        "modes": [_choice(Mode, m) for m in modes],
        "promised_days": impl.current.promised_days,
        "is_tongban": is_tongban,
    }


def _codes(response):
    return [row["code"] for row in response.json()["items"]]


def _basic_codes(response):
    return [row["basic_code"] for row in response.json()["items"]]


# --- Items ------------------------------------------------------------------------------------------


def test_items_are_found_by_two_character_words_pinyin_initials_and_aliases(client, catalog):
    # Ranking is the search's own business (test_search.py); here: the best match comes first.
    for query in ("社保", "sbk", "社保卡", "社会保障卡"):
        assert _basic_codes(client.get(f"{API}/items", {"q": query}))[0] == "000101000001", query
    assert _basic_codes(client.get(f"{API}/items", {"q": "营业"})) == ["000102000001"]


def test_an_item_in_a_list_shows_its_enumerations_with_chinese_labels(client, catalog):
    response = client.get(f"{API}/items", {"q": "营业执照"})

    assert response.json() == {
        "items": [
            {
                "basic_code": "000102000001",
                "name": "营业执照办理",
                "item_type": {"value": "license", "label": "行政许可"},
                "theme": {"value": "market_entry", "label": "市场开办"},
                "audience": {"value": "legal", "label": "法人"},
                "aliases": [],
            }
        ],
        "count": 1,
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["000101000001", "000102000001"]),
        ({"theme": "market_entry"}, ["000102000001"]),
        ({"audience": "natural"}, ["000101000001"]),
        ({"mode": "online"}, ["000102000001"]),
        ({"mode": "proxy"}, ["000101000001"]),
        ({"city": "420100"}, ["000101000001"]),
        ({"receivable_in": "420200"}, ["000101000001", "000102000001"]),
        ({"receivable_in": "421100"}, ["000102000001"]),
        ({"theme": "", "city": ""}, ["000101000001", "000102000001"]),
    ],
)
def test_items_filter_by_theme_audience_mode_city_and_where_receivable(client, catalog, params, expected):
    assert _basic_codes(client.get(f"{API}/items", params)) == expected


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"theme": "weather"}, "theme", "参数 theme：取值无效，可选值："),
        (
            {"audience": "alien"},
            "audience",
            "参数 audience：取值无效，可选值：'natural'、'legal'、'both'。",
        ),
        ({"city": "nowhere"}, "city", "参数 city：未知的行政区划“nowhere”。"),
        ({"city": "420704"}, "city", "参数 city：“鄂城区”不是市，请填写市的标识。"),
        (
            {"receivable_in": "gedian"},
            "receivable_in",
            "参数 receivable_in：“葛店经开区”不是市，请填写市的标识。",
        ),
    ],
)
def test_bad_filters_are_400s_in_chinese_naming_the_parameter(client, catalog, params, field, message):
    for path in ("items", "implementations"):
        response = client.get(f"{API}/{path}", params)
        body = response.json()

        assert response.status_code == 400
        assert body["detail"].startswith(message)
        assert [e["field"] for e in body["errors"]] == [field]


def test_an_item_comes_with_its_implementations_by_city(client, catalog):
    response = client.get(f"{API}/items/000101000001")

    assert response.status_code == 200
    assert response.json() == {
        "item": {
            "basic_code": "000101000001",
            "name": "社会保障卡申领",
            "item_type": {"value": "public_service", "label": "公共服务"},
            "theme": {"value": "hr_social", "label": "人社"},
            "audience": {"value": "natural", "label": "自然人"},
            "aliases": ["社保卡"],
            "legal_basis": "《社会保障卡管理办法》",
        },
        "implementations": [
            _row(catalog["card_wuhan"], modes=["proxy"], is_tongban=True),
            _row(catalog["card_hsg"], modes=[], is_tongban=False),
            _row(catalog["card_echeng"], modes=["proxy"], is_tongban=True),
        ],
    }


def test_an_unknown_item_is_a_404_on_every_item_endpoint(client, catalog):
    for suffix in ("", "/where", "/best-standard"):
        response = client.get(f"{API}/items/999999999999{suffix}")

        assert (response.status_code, response.json()) == (404, {"detail": "未找到该事项。", "errors": []})


# --- Implementations ----------------------------------------------------------------------------------


def test_implementation_rows_show_organization_city_modes_days_and_the_tongban_mark(client, catalog):
    response = client.get(f"{API}/implementations", {"q": "社保卡", "city": "420700"})

    assert response.json() == {
        "items": [_row(catalog["card_echeng"], modes=["proxy"], is_tongban=True)],
        "count": 1,
    }


def test_implementations_are_paginated_twenty_to_a_page(client, catalog, django_assert_max_num_queries):
    item = ServiceItemFactory(name="分页事项")
    for _ in range(21):
        published_implementation(
            service_item=item, organization=OrganizationFactory(region=catalog["r420702"])
        )

    with django_assert_max_num_queries(3):
        first = client.get(f"{API}/implementations", {"q": "分页"})
    second = client.get(f"{API}/implementations", {"q": "分页", "page": 2})
    sized = client.get(f"{API}/implementations", {"q": "分页", "page_size": 5, "page": 5})
    beyond = client.get(f"{API}/implementations", {"q": "分页", "page": 3})

    assert (first.json()["count"], len(first.json()["items"])) == (21, 20)
    assert len(second.json()["items"]) == 1
    assert len(sized.json()["items"]) == 1
    assert beyond.json() == {"items": [], "count": 21}
    assert sorted(_codes(first) + _codes(second)) == sorted(i.code for i in item.implementations.all())


def test_the_guide_is_the_version_in_force_with_every_part(client, catalog, django_assert_max_num_queries):
    impl = catalog["card_echeng"]
    published_at = DjangoJSONEncoder().default(timezone.localtime(impl.current.published_at))

    with django_assert_max_num_queries(10):
        response = client.get(f"{API}/implementations/{impl.code}")

    assert response.status_code == 200
    assert response.json() == {
        "code": impl.code,
        "item": {"basic_code": "000101000001", "name": "社会保障卡申领"},
        "organization": _org(catalog["echeng_org"]),
        "city": _ref(catalog["r420700"]),
        "version": 1,
        "status": {"value": "published", "label": "现行"},
        "published_at": published_at,
        "change_note": "",
        "name": "社会保障卡申领",
        "conditions": "本市户籍或持有本市居住证的居民。",
        "case_type": {"value": "promised", "label": "承诺件"},
        "statutory_days": 20,
        "promised_days": 5,
        "visits": 0,
        "handling_process": "受理、审核、制卡",
        "consultation_phone": "027-12345",
        "complaint_phone": "12345",
        "postal_materials": False,
        "postal_results": True,
        "result": {
            "name": "社会保障卡",
            "type": {"value": "paper", "label": "纸质证照/文书"},
            "license_type_code": "",
        },
        "form": {
            "schema": 1,
            "fields": [
                {
                    "key": "applicant_name",
                    "label": "申请人姓名",
                    "type": "text",
                    "required": True,
                    "help_text": "",
                    "min_length": None,
                    "max_length": None,
                    "pattern": None,
                    "pattern_message": "",
                    "min_value": None,
                    "max_value": None,
                    "options": [],
                }
            ],
        },
        "materials": [
            {
                "position": 1,
                "name": "居民身份证",
                "necessity": {"value": "required", "label": "必要"},
                "form": {"value": "original", "label": "原件"},
                "copies": 1,
                "source": {"value": "government", "label": "政府部门核发"},
                "replacing_license": {"code": "11100000000000001", "name": "居民身份证"},
                "blank_form": "",
                "sample": "",
                "acceptance_standard": "在有效期内",
                "note": "",
            },
            {
                "position": 2,
                "name": "近期免冠照片",
                "necessity": {"value": "optional", "label": "非必要"},
                "form": {"value": "electronic", "label": "电子"},
                "copies": 2,
                "source": {"value": "applicant", "label": "申请人自备"},
                "replacing_license": None,
                "blank_form": "",
                "sample": "",
                "acceptance_standard": "",
                "note": "",
            },
        ],
        "steps": [
            {
                "position": 1,
                "name": "受理",
                "stage": 1,
                "organization": None,
                "actor": "窗口人员",
                "time_limit_days": 1,
                "counts_in_limit": True,
                "is_special": False,
                "description": "",
            },
            {
                "position": 2,
                "name": "审核",
                "stage": 2,
                "organization": _org(catalog["hsg_org"]),
                "actor": "",
                "time_limit_days": 3,
                "counts_in_limit": False,
                "is_special": False,
                "description": "",
            },
        ],
        "fees": [{"position": 1, "name": "工本费", "standard": "免费", "basis": "鄂价费〔2019〕1号"}],
        "locations": [
            {
                "position": 1,
                "name": "鄂城区政务服务中心",
                "hall": {"id": catalog["echeng_hall"].pk, "name": "鄂城区政务服务中心"},
                "address": "鄂城区滨湖南路1号",
                "hours": "工作日 9:00-17:00",
                "phone": "0711-3222222",
            }
        ],
        "faqs": [{"position": 1, "question": "可以代办吗？", "answer": "可以，需提供委托书。"}],
    }
    assert published_at.endswith("+08:00")


def test_older_versions_stay_readable_exactly_as_published(client, catalog):
    impl = catalog["card_hsg"]
    draft = version_draft_start(implementation=impl)
    version_draft_fill(
        version=draft,
        guide={"name": "社会保障卡申领（简化）", "promised_days": 1},
        rows=guide_rows(materials=1),
    )
    version_publish(version=draft, change_note="材料由2件减为1件")

    versions = client.get(f"{API}/implementations/{impl.code}/versions").json()
    current = client.get(f"{API}/implementations/{impl.code}").json()
    first = client.get(f"{API}/implementations/{impl.code}/versions/1").json()
    missing = client.get(f"{API}/implementations/{impl.code}/versions/3")

    assert [(v["version"], v["status"]["label"], v["name"], v["change_note"]) for v in versions] == [
        (2, "现行", "社会保障卡申领（简化）", "材料由2件减为1件"),
        (1, "已替代", "社会保障卡申领", ""),
    ]
    assert (current["version"], current["promised_days"], len(current["materials"])) == (2, 1, 1)
    assert (first["version"], first["status"]["value"], first["promised_days"], len(first["materials"])) == (
        1,
        "superseded",
        3,
        2,
    )
    assert missing.status_code == 404
    assert missing.json()["detail"] == "未找到该版本的办事指南。"


def test_a_draft_version_is_never_served(client, catalog):
    impl = catalog["card_hsg"]
    version_draft_start(implementation=impl)

    versions = client.get(f"{API}/implementations/{impl.code}/versions").json()
    draft = client.get(f"{API}/implementations/{impl.code}/versions/2")

    assert [v["version"] for v in versions] == [1]
    assert draft.status_code == 404


def test_an_unknown_implementation_is_a_404_on_every_implementation_endpoint(client, catalog):
    for suffix in ("", "/versions", "/availability"):
        response = client.get(f"{API}/implementations/NOPE{suffix}")

        assert (response.status_code, response.json()["detail"]) == (404, "未找到该事项的办事指南。")


def test_availability_lists_each_way_to_be_received_with_its_source(client, catalog):
    impl = catalog["card_echeng"]
    window = catalog["hsg_window"]
    agreement = {
        "id": catalog["agreement"].pk,
        "name": "鄂城区黄石港区跨域通办合作协议",
        "document_number": "鄂黄通办〔2023〕1号",
    }
    through_agreement = {
        "mode": {"value": "proxy", "label": "异地代收代办"},
        "city": _ref(catalog["r420200"]),
        "region": _ref(catalog["r420202"]),
        "window": None,
        "kiosk": None,
        "source": {"value": "agreement", "label": "合作协议"},
        "agreement": agreement,
    }

    response = client.get(f"{API}/implementations/{impl.code}/availability")

    assert response.json() == {
        "implementation": {"code": impl.code, "name": "社会保障卡申领"},
        "city": _ref(catalog["r420700"]),
        "modes": [{"value": "proxy", "label": "异地代收代办"}],
        "cities": [_ref(catalog["r420200"]), _ref(catalog["r420700"])],
        "entries": [
            through_agreement,
            through_agreement
            | {
                "window": {
                    "id": window.pk,
                    "number": "B01",
                    "name": "圈内通办专窗",
                    "is_cross_city": True,
                    "hall": {"id": window.hall_id, "name": "黄石港区政务服务中心"},
                }
            },
        ],
    }


def test_online_availability_reaches_every_city_and_a_kiosk_entry_names_the_kiosk(client, catalog):
    online = client.get(f"{API}/implementations/{catalog['licence_echeng'].code}/availability").json()
    at_kiosk = client.get(f"{API}/implementations/{catalog['card_wuhan'].code}/availability").json()

    assert len(online["cities"]) == 9
    assert online["entries"] == [
        {
            "mode": {"value": "online", "label": "全程网办"},
            "city": None,
            "region": None,
            "window": None,
            "kiosk": None,
            "source": {"value": "explicit", "label": "单独配置"},
            "agreement": None,
        }
    ]
    assert [c["key"] for c in at_kiosk["cities"]] == ["420100", "420700"]
    assert at_kiosk["entries"][0]["kiosk"] == {
        "serial": "EZ-HR-001",
        "name": "华容区自助终端",
        "location": "华容区大厅",
    }
    assert at_kiosk["entries"][0]["city"] == _ref(catalog["r420700"])


def test_where_shows_every_city_with_the_modes_available_there(
    client, catalog, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        response = client.get(f"{API}/items/000101000001/where")
    cities = {cell["city"]["name"]: cell["modes"] for cell in response.json()["cities"]}
    local = {"value": "local", "label": "本地办理"}
    proxy = {"value": "proxy", "label": "异地代收代办"}

    assert response.json()["item"] == {"basic_code": "000101000001", "name": "社会保障卡申领"}
    assert list(cities) == [
        "武汉市",
        "黄石市",
        "鄂州市",
        "黄冈市",
        "孝感市",
        "咸宁市",
        "仙桃市",
        "潜江市",
        "天门市",
    ]
    assert cities["武汉市"] == [
        {"mode": local, "anywhere": False, "regions": [_ref(catalog["rdonghu"])], "windows": [], "kiosks": []}
    ]
    assert [m["mode"] for m in cities["黄石市"]] == [local, proxy]
    assert cities["黄石市"][1]["regions"] == [_ref(catalog["r420202"])]
    assert [w["number"] for w in cities["黄石市"][1]["windows"]] == ["B01"]
    assert cities["鄂州市"][1] == {
        "mode": proxy,
        "anywhere": False,
        "regions": [],
        "windows": [],
        "kiosks": [{"serial": "EZ-HR-001", "name": "华容区自助终端", "location": "华容区大厅"}],
    }
    assert cities["黄冈市"] == []


# --- Agreements -------------------------------------------------------------------------------------


def _agreement_json(catalog):
    return {
        "id": catalog["agreement"].pk,
        "name": "鄂城区黄石港区跨域通办合作协议",
        "document_number": "鄂黄通办〔2023〕1号",
        "summary": "两区互设通办专窗，互相代收代办。",
        "signed_on": "2023-03-01",
        "effective_from": "2023-03-01",
        "effective_until": None,
        "in_force": True,
        "item_count": 1,
        "parties": [
            {
                "region": _ref(catalog["r420704"]),
                "signatory": _org(catalog["echeng_org"]),
                "contributed": 1,
                "cross_city_windows": 1,
            },
            {
                "region": _ref(catalog["r420202"]),
                "signatory": None,
                "contributed": 0,
                "cross_city_windows": 1,
            },
        ],
        "coverage": {
            "items": 1,
            "receivable": 1,
            "ratio": 1.0,
            "not_in_force": 0,
            "parties_without_window": [],
            "by_theme": [{"theme": {"value": "hr_social", "label": "人社"}, "count": 1}],
        },
    }


def test_agreements_come_with_parties_dates_item_count_and_coverage(
    client, catalog, django_assert_max_num_queries
):
    with django_assert_max_num_queries(5):
        listed = client.get(f"{API}/agreements")
    detail = client.get(f"{API}/agreements/{catalog['agreement'].pk}")

    assert listed.json() == [_agreement_json(catalog)]
    assert detail.json() == _agreement_json(catalog)


def test_coverage_counts_parties_without_a_window_and_items_not_in_force(client, catalog):
    agreement = _agreement(
        (catalog["r420704"], None),
        (catalog["r421102"], None),
        effective_from=datetime.date(2099, 1, 1),
        number="鄂黄通办〔2099〕1号",
    )
    AgreementItem.objects.create(agreement=agreement, implementation=catalog["card_echeng"])
    AgreementItem.objects.create(agreement=agreement, implementation=catalog["licence_echeng"])

    body = client.get(f"{API}/agreements/{agreement.pk}").json()

    assert (body["in_force"], body["item_count"]) == (False, 2)
    assert body["coverage"] == {
        "items": 2,
        "receivable": 0,
        "ratio": 0.0,
        "not_in_force": 0,
        "parties_without_window": [_ref(catalog["r421102"])],
        "by_theme": [
            {"theme": {"value": "hr_social", "label": "人社"}, "count": 1},
            {"theme": {"value": "market_entry", "label": "市场开办"}, "count": 1},
        ],
    }


def test_an_agreements_items_are_listed_page_by_page(client, catalog, django_assert_max_num_queries):
    agreement = catalog["agreement"]
    extra = [published_implementation(organization=catalog["echeng_org"]) for _ in range(3)]
    for impl in extra:
        AgreementItem.objects.create(agreement=agreement, implementation=impl)
    impl = catalog["card_echeng"]

    with django_assert_max_num_queries(4):
        response = client.get(f"{API}/agreements/{agreement.pk}/items", {"page_size": 2})
    rest = client.get(f"{API}/agreements/{agreement.pk}/items", {"page_size": 2, "page": 2})

    assert response.json()["count"] == 4
    assert response.json()["items"][0] == {
        "code": impl.code,
        "name": "社会保障卡申领",
        "item": "000101000001",
        "theme": {"value": "hr_social", "label": "人社"},
        "organization": _org(catalog["echeng_org"]),
        "city": _ref(catalog["r420700"]),
        "in_force": True,
        "promised_days": 5,
    }
    assert _codes(response)[1:] + _codes(rest) == [i.code for i in extra]


def test_an_unknown_agreement_is_a_404(client, catalog):
    for suffix in ("", "/items"):
        response = client.get(f"{API}/agreements/999999{suffix}")

        assert (response.status_code, response.json()["detail"]) == (404, "未找到该合作协议。")


# --- Statistics -------------------------------------------------------------------------------------


def test_stats_count_tongban_items_with_the_lists_history(client, catalog):
    body = client.get(f"{API}/stats").json()
    by_city = {row["city"]["name"]: (row["implementations"], row["tongban_items"]) for row in body["by_city"]}

    assert body["tongban_items"] == 3
    assert body["history"] == [
        {
            "batch": "第一批",
            "document_number": "鄂政办〔2022〕1号",
            "published_on": "2022-06-01",
            "added": 2,
            "cumulative": 2,
        },
        {"batch": "第二批", "document_number": "", "published_on": "2023-05-01", "added": 1, "cumulative": 3},
    ]
    assert {
        k: body[k] for k in ("service_items", "implementations", "agreements", "cross_city_windows", "kiosks")
    } == {
        "service_items": 2,
        "implementations": 4,
        "agreements": 1,
        "cross_city_windows": 2,
        "kiosks": 1,
    }
    assert body["by_mode"] == [
        {"mode": {"value": "online", "label": "全程网办"}, "count": 1},
        {"mode": {"value": "proxy", "label": "异地代收代办"}, "count": 2},
        {"mode": {"value": "joint", "label": "多地联办"}, "count": 0},
    ]
    assert list(by_city.items())[:4] == [
        ("武汉市", (1, 1)),
        ("黄石市", (1, 0)),
        ("鄂州市", (2, 2)),
        ("黄冈市", (0, 0)),
    ]
    assert body["by_theme"] == [
        {"theme": {"value": "hr_social", "label": "人社"}, "count": 2},
        {"theme": {"value": "market_entry", "label": "市场开办"}, "count": 1},
    ]


def test_stats_of_an_empty_catalog_are_zeros(client, circle):
    body = client.get(f"{API}/stats").json()

    assert (body["tongban_items"], body["history"], body["by_theme"]) == (0, [], [])
    assert [row["count"] for row in body["by_mode"]] == [0, 0, 0]


# --- Best standard and kiosks ----------------------------------------------------------------------


def test_best_standard_gives_the_best_value_per_measure_and_each_divergence(client, catalog):
    body = client.get(f"{API}/items/000101000001/best-standard").json()
    rows = {row["organization"]["name"]: row for row in body["rows"]}

    assert body["item"] == {"basic_code": "000101000001", "name": "社会保障卡申领"}
    assert body["measures"] == [
        {"key": "promised_days", "label": "承诺时限（工作日）", "best": 3},
        {"key": "materials", "label": "申请材料（件）", "best": 1},
        {"key": "visits", "label": "跑动次数", "best": 0},
        {"key": "steps", "label": "办理环节", "best": 2},
    ]
    assert list(rows) == [
        "东湖高新区政务服务局",
        "黄石港区人力资源和社会保障局",
        "鄂城区人力资源和社会保障局",
    ]
    assert rows["鄂城区人力资源和社会保障局"] == {
        "implementation": {"code": catalog["card_echeng"].code, "name": "社会保障卡申领"},
        "organization": _org(catalog["echeng_org"]),
        "city": _ref(catalog["r420700"]),
        "values": {"promised_days": 5, "materials": 1, "visits": 0, "steps": 2},
        "divergence": {"promised_days": 2, "materials": 0, "visits": 0, "steps": 0},
        "best_count": 3,
        "is_best_everywhere": False,
    }
    assert rows["黄石港区人力资源和社会保障局"]["divergence"] == {
        "promised_days": 0,
        "materials": 1,
        "visits": 1,
        "steps": 0,
    }


def test_a_kiosks_item_list_is_paginated(client, catalog, django_assert_max_num_queries):
    kiosk = catalog["kiosk"]
    more = [published_implementation(organization=catalog["wuhan_org"]) for _ in range(2)]
    for impl in more:
        availability_add(implementation=impl, mode=Mode.PROXY, kiosk=kiosk)

    with django_assert_max_num_queries(3):
        response = client.get(f"{API}/kiosks/EZ-HR-001/items", {"page_size": 2})

    assert response.json() == {
        "items": [
            _row(catalog["card_wuhan"], modes=["proxy"], is_tongban=True),
            _row(more[0], modes=["proxy"], is_tongban=True),
        ],
        "count": 3,
    }
    assert client.get(f"{API}/kiosks/NOPE/items").json() == {"detail": "未找到该自助终端。", "errors": []}


def test_list_endpoints_keep_a_query_ceiling_as_rows_grow(client, catalog, django_assert_max_num_queries):
    for _ in range(25):
        impl = published_implementation(organization=catalog["echeng_org"])
        availability_add(implementation=impl, mode=Mode.PROXY, kiosk=catalog["kiosk"])
        AgreementItem.objects.create(agreement=catalog["agreement"], implementation=impl)

    # kiosk: one query for the kiosk; agreement: two for the agreement and its parties.
    ceilings = {
        "items": 2,
        "implementations": 2,
        "kiosks/EZ-HR-001/items": 3,
        f"agreements/{catalog['agreement'].pk}/items": 4,
    }
    for path, ceiling in ceilings.items():
        with django_assert_max_num_queries(ceiling):
            response = client.get(f"{API}/{path}", {"page_size": 100})
        assert response.json()["count"] >= 26, path
