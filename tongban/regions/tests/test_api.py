"""The regions API through the test client: shapes, exact values, filters, pagination, errors."""

import pytest

from tongban.regions.choices import KioskStatus, OrganizationKind
from tongban.regions.tests.factories import HallFactory, KioskFactory, OrganizationFactory, WindowFactory

API = "/api/v1/regions"
NINE_CITY_KEYS = ["420100", "420200", "420700", "421100", "420900", "421200", "429004", "429005", "429006"]


def _ref(region):
    return {"key": region.key, "name": region.name, "display_name": region.display_name}


def test_the_regions_are_the_nine_cities_with_their_districts_and_zones(
    client, circle, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        response = client.get(f"{API}/")
    body = response.json()

    assert response.status_code == 200
    assert [city["key"] for city in body] == NINE_CITY_KEYS
    ezhou = body[2]
    assert {k: v for k, v in ezhou.items() if k != "children"} == {
        "key": "420700",
        "code": "420700",
        "name": "鄂州市",
        "short_name": "",
        "display_name": "鄂州市",
        "kind": {"value": "city", "label": "市"},
        "parent": None,
        "city": "420700",
    }
    assert [child["display_name"] for child in ezhou["children"]] == [
        "梁子湖区",
        "华容区",
        "鄂城区",
        "葛店经开区",
        "临空经济区",
    ]
    assert ezhou["children"][3] == {
        "key": "gedian",
        "code": None,
        "name": "葛店经济技术开发区",
        "short_name": "葛店经开区",
        "display_name": "葛店经开区",
        "kind": {"value": "zone", "label": "开发区"},
        "parent": "420700",
        "city": "420700",
    }


def test_kind_and_parent_give_the_matching_regions_with_their_own_children(client, circle):
    zones = client.get(f"{API}/", {"kind": "zone"}).json()
    in_ezhou = client.get(f"{API}/", {"parent": "420700", "kind": "district"}).json()

    assert [(z["key"], z["city"], z["children"]) for z in zones] == [
        ("donghu", "420100", []),
        ("wuhan-etdz", "420100", []),
        ("huangshi-etdz", "420200", []),
        ("gedian", "420700", []),
        ("ezhou-airport", "420700", []),
    ]
    assert [d["name"] for d in in_ezhou] == ["梁子湖区", "华容区", "鄂城区"]


def test_a_city_filter_by_kind_gives_each_city_with_its_children(client, circle):
    cities = client.get(f"{API}/", {"kind": "city"}).json()

    assert cities == client.get(f"{API}/").json()


def test_an_unknown_kind_or_parent_is_a_400_naming_the_parameter(client, circle):
    bad_kind = client.get(f"{API}/", {"kind": "province"})
    bad_parent = client.get(f"{API}/", {"parent": "999999"})

    assert bad_kind.status_code == 400
    assert bad_kind.json()["errors"][0]["field"] == "kind"
    assert bad_kind.json()["detail"].startswith("参数 kind：取值无效，可选值：'city'、'district'")
    assert bad_parent.status_code == 400
    assert bad_parent.json() == {
        "detail": "参数 parent：未知的行政区划“999999”。",
        "errors": [{"field": "parent", "message": "参数 parent：未知的行政区划“999999”。"}],
    }


def test_a_region_by_key_comes_with_its_children(client, circle):
    echeng = client.get(f"{API}/420704").json()
    huangshi = client.get(f"{API}/420200").json()

    assert echeng == {
        "key": "420704",
        "code": "420704",
        "name": "鄂城区",
        "short_name": "",
        "display_name": "鄂城区",
        "kind": {"value": "district", "label": "区"},
        "parent": "420700",
        "city": "420700",
        "children": [],
    }
    assert [c["key"] for c in huangshi["children"]] == [
        "420202",
        "420203",
        "420204",
        "420205",
        "420222",
        "420281",
        "huangshi-etdz",
    ]


def test_an_unknown_region_is_a_404_in_chinese(client, circle):
    response = client.get(f"{API}/nowhere")

    assert response.status_code == 404
    assert response.json() == {"detail": "未找到该行政区划。", "errors": []}


@pytest.fixture
def organizations(circle):
    return {
        "echeng": OrganizationFactory(
            region=circle["420704"],
            name="鄂州市鄂城区人力资源和社会保障局",
            short_name="鄂城区人社局",
            phone="0711-3222222",
            address="鄂城区滨湖南路1号",
        ),
        "ezhou": OrganizationFactory(
            region=circle["420700"], name="鄂州市政务服务和大数据管理局", kind=OrganizationKind.SERVICE_CENTER
        ),
        "wuhan": OrganizationFactory(region=circle["420102"], name="武汉市江岸区人力资源局"),
    }


def test_organizations_are_listed_page_by_page(client, organizations, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        first = client.get(f"{API}/organizations", {"page_size": 2}).json()
    second = client.get(f"{API}/organizations", {"page_size": 2, "page": 2}).json()

    assert first["count"] == 3
    assert [o["name"] for o in first["items"]] == ["武汉市江岸区人力资源局", "鄂州市政务服务和大数据管理局"]
    assert [o["name"] for o in second["items"]] == ["鄂州市鄂城区人力资源和社会保障局"]


def test_an_organization_shows_its_region_city_and_kind(client, organizations, circle):
    echeng = organizations["echeng"]

    listed = client.get(f"{API}/organizations", {"q": "人社"}).json()
    detail = client.get(f"{API}/organizations/{echeng.uscc}").json()

    expected = {
        "uscc": echeng.uscc,
        "name": "鄂州市鄂城区人力资源和社会保障局",
        "short_name": "鄂城区人社局",
        "kind": {"value": "department", "label": "政府部门"},
        "region": _ref(circle["420704"]),
        "city": _ref(circle["420700"]),
        "phone": "0711-3222222",
        "address": "鄂城区滨湖南路1号",
    }
    assert listed == {"items": [expected], "count": 1}
    assert detail == expected


def test_organizations_filter_by_region_including_its_districts_and_by_kind(client, organizations):
    in_ezhou = client.get(f"{API}/organizations", {"region": "420700"}).json()
    centres = client.get(f"{API}/organizations", {"region": "420700", "kind": "service_center"}).json()
    by_name = client.get(f"{API}/organizations", {"q": "江岸"}).json()

    assert [o["name"] for o in in_ezhou["items"]] == [
        "鄂州市政务服务和大数据管理局",
        "鄂州市鄂城区人力资源和社会保障局",
    ]
    assert [o["name"] for o in centres["items"]] == ["鄂州市政务服务和大数据管理局"]
    assert [o["name"] for o in by_name["items"]] == ["武汉市江岸区人力资源局"]


def test_bad_organization_filters_and_unknown_usccs_are_refused_in_chinese(client, organizations):
    bad_region = client.get(f"{API}/organizations", {"region": "nowhere"})
    bad_kind = client.get(f"{API}/organizations", {"kind": "church"})
    unknown = client.get(f"{API}/organizations/91420100MA4KXXXX0X")

    assert (bad_region.status_code, bad_region.json()["errors"][0]["field"]) == (400, "region")
    assert (bad_kind.status_code, bad_kind.json()["errors"][0]["field"]) == (400, "kind")
    assert (unknown.status_code, unknown.json()) == (404, {"detail": "未找到该部门或机构。", "errors": []})


@pytest.fixture
def places(circle, organizations):
    echeng_hall = HallFactory(
        region=circle["420704"],
        organization=organizations["echeng"],
        name="鄂城区政务服务中心",
        phone="0711-1234567",
    )
    wuhan_hall = HallFactory(
        region=circle["420102"], organization=organizations["wuhan"], name="江岸区政务服务中心"
    )
    return {
        "echeng_hall": echeng_hall,
        "wuhan_hall": wuhan_hall,
        "cross_city": WindowFactory(
            hall=echeng_hall, number="A01", name="圈内通办专窗", is_cross_city=True, description="代收代办"
        ),
        "local": WindowFactory(hall=echeng_hall, number="A02", name="综合受理窗口"),
        "wuhan_window": WindowFactory(hall=wuhan_hall, number="1号", name="圈内通办专窗", is_cross_city=True),
        "kiosk": KioskFactory(
            serial="EZ-HR-001",
            name="华容区自助终端",
            region=circle["420703"],
            location="华容区政务服务中心大厅",
        ),
        "retired": KioskFactory(
            serial="WH-001", region=circle["420102"], hall=wuhan_hall, status=KioskStatus.RETIRED
        ),
    }


def test_halls_show_region_city_and_operating_organization(client, places, circle, organizations):
    response = client.get(f"{API}/halls", {"region": "420700"}).json()

    assert response == {
        "items": [
            {
                "id": places["echeng_hall"].pk,
                "name": "鄂城区政务服务中心",
                "region": _ref(circle["420704"]),
                "city": _ref(circle["420700"]),
                "organization": {
                    "uscc": organizations["echeng"].uscc,
                    "name": "鄂州市鄂城区人力资源和社会保障局",
                },
                "address": "测试路1号",
                "opening_hours": "工作日 9:00-12:00，13:30-17:00",
                "phone": "0711-1234567",
            }
        ],
        "count": 1,
    }


def test_windows_filter_by_region_and_cross_city(client, places, circle, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        all_windows = client.get(f"{API}/windows").json()
    cross_city_in_ezhou = client.get(f"{API}/windows", {"region": "420700", "cross_city": "true"}).json()
    local = client.get(f"{API}/windows", {"cross_city": "false"}).json()

    assert [w["id"] for w in all_windows["items"]] == [
        places["wuhan_window"].pk,
        places["cross_city"].pk,
        places["local"].pk,
    ]
    assert cross_city_in_ezhou["items"] == [
        {
            "id": places["cross_city"].pk,
            "number": "A01",
            "name": "圈内通办专窗",
            "is_cross_city": True,
            "hall": {"id": places["echeng_hall"].pk, "name": "鄂城区政务服务中心"},
            "description": "代收代办",
            "region": _ref(circle["420704"]),
            "city": _ref(circle["420700"]),
        }
    ]
    assert [w["number"] for w in local["items"]] == ["A02"]


def test_kiosks_show_place_and_status(client, places, circle, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get(f"{API}/kiosks").json()
    in_ezhou = client.get(f"{API}/kiosks", {"region": "420700"}).json()

    assert response["count"] == 2
    assert response["items"][0] == {
        "serial": "WH-001",
        "name": "政务服务自助终端",
        "location": "大厅入口",
        "region": _ref(circle["420102"]),
        "city": _ref(circle["420100"]),
        "hall": {"id": places["wuhan_hall"].pk, "name": "江岸区政务服务中心"},
        "status": {"value": "retired", "label": "已停用"},
    }
    assert in_ezhou["items"] == [
        {
            "serial": "EZ-HR-001",
            "name": "华容区自助终端",
            "location": "华容区政务服务中心大厅",
            "region": _ref(circle["420703"]),
            "city": _ref(circle["420700"]),
            "hall": None,
            "status": {"value": "active", "label": "运行中"},
        }
    ]


def test_list_endpoints_keep_a_query_ceiling_as_rows_grow(client, circle, django_assert_max_num_queries):
    for _ in range(30):
        hall = HallFactory(region=circle["420704"])
        WindowFactory(hall=hall)
        KioskFactory(region=circle["420704"], hall=hall)

    for path in ("organizations", "halls", "windows", "kiosks"):
        with django_assert_max_num_queries(3):
            response = client.get(f"{API}/{path}", {"region": "420700", "page_size": 100})
        assert response.json()["count"] == 30, path
