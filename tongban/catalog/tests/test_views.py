"""The public portal's pages through the Django test client: content, filters, the htmx fragment,
404s, and query-count ceilings on list pages (no N+1).

`build_portal_catalog` makes a small circle catalog through the services; the browser tests
(tests/browser/) use it too."""

import datetime
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.timezone import localtime

from tongban.catalog.choices import (
    Audience,
    CaseType,
    MaterialForm,
    MaterialSource,
    Mode,
    Necessity,
    ResultType,
    Theme,
)
from tongban.catalog.models import (
    Agreement,
    AgreementItem,
    AgreementParty,
    BatchEntry,
    Implementation,
    ServiceItem,
    TongbanBatch,
)
from tongban.catalog.search import search_entries_refresh
from tongban.catalog.services import (
    GuideRows,
    availability_add,
    version_draft_fill,
    version_draft_start,
    version_publish,
)
from tongban.catalog.tests.factories import ServiceItemFactory, guide_rows, published_implementation
from tongban.regions.models import Kiosk, Region, Window
from tongban.regions.tests.factories import HallFactory, KioskFactory, OrganizationFactory, WindowFactory

# --- A small circle catalog ------------------------------------------------------------------------

WUHAN_MATERIALS = [
    {
        "name": "居民身份证",
        "form": MaterialForm.ORIGINAL,
        "source": MaterialSource.GOVERNMENT,
        "license_type_code": "11100000000013338W001",
        "license_type_name": "居民身份证",
    },
    {"name": "近期一寸免冠白底彩色照片", "copies": 2},
    {
        "name": "社会保障卡申领登记表",
        "blank_form": "社会保障卡申领登记表.pdf",
        "sample": "社会保障卡申领登记表（填写示例）.pdf",
    },
    {"name": "居民户口簿", "necessity": Necessity.OPTIONAL, "form": MaterialForm.COPY},
]
WUHAN_STEPS = [
    {"name": "受理", "stage": 1, "time_limit_days": 1},
    {"name": "审核", "stage": 2, "time_limit_days": 2},
    {"name": "制卡", "stage": 3, "time_limit_days": 2},
    {"name": "邮寄送达", "stage": 4, "time_limit_days": 3, "counts_in_limit": False, "is_special": True},
]


@dataclass
class PortalCatalog:
    card: ServiceItem
    wuhan: Implementation
    ezhou: Implementation
    fund: Implementation
    window: Window
    kiosk: Kiosk
    agreement: Agreement
    cities: dict[str, Region]


def build_portal_catalog(circle: dict[str, Region]) -> PortalCatalog:
    """社会保障卡申领 in 武汉 (online everywhere, at 鄂城区's cross-city window and 华容区's kiosk) and
    in 鄂城区 (through an agreement with 黄石港区), plus 住房公积金提取 in 黄石; two batches (1 → 3)."""
    wuhan_org = OrganizationFactory(region=circle["420100"], name="武汉市人力资源和社会保障局")
    echeng_org = OrganizationFactory(region=circle["420704"], name="鄂城区人力资源和社会保障局")
    fund_org = OrganizationFactory(region=circle["420200"], name="黄石住房公积金中心")
    card = ServiceItemFactory(
        basic_code="000001000001",
        name="社会保障卡申领",
        aliases=["社保卡"],
        theme=Theme.HR_SOCIAL,
        legal_basis="《社会保障卡管理办法》第十条",
    )
    wuhan = published_implementation(
        service_item=card,
        organization=wuhan_org,
        rows=GuideRows(
            materials=WUHAN_MATERIALS,
            steps=WUHAN_STEPS,
            locations=[
                {
                    "name": "武汉市民之家",
                    "address": "武汉市东西湖区金银湖路16号",
                    "hours": "工作日 9:00-17:00",
                }
            ],
            faqs=[{"question": "外地户籍可以在武汉申领吗？", "answer": "在武汉参保即可申领。"}],
        ),
        name="社会保障卡申领",
        statutory_days=20,
        promised_days=5,
        visits=0,
        postal_results=True,
        result_name="社会保障卡",
        result_type=ResultType.PAPER_AND_LICENSE,
    )
    ezhou = published_implementation(
        service_item=card,
        organization=echeng_org,
        rows=guide_rows(materials=2, steps=3, fees=[{"name": "工本费", "standard": "每张20元"}]),
        name="社会保障卡申领",
        promised_days=10,
        visits=1,
    )
    fund_item = ServiceItemFactory(
        basic_code="000002000001", name="住房公积金提取", theme=Theme.HOUSING_FUND, audience=Audience.NATURAL
    )
    fund = published_implementation(
        service_item=fund_item, organization=fund_org, name="住房公积金提取", case_type=CaseType.PROMISED
    )
    window = WindowFactory(
        hall=HallFactory(region=circle["420704"], name="鄂城区政务服务中心"),
        number="A08",
        name="圈内通办窗口",
        is_cross_city=True,
    )
    WindowFactory(hall=HallFactory(region=circle["420202"], name="黄石港区政务服务中心"), is_cross_city=True)
    kiosk = KioskFactory(region=circle["420703"], serial="HR-KIOSK-01", name="华容区政务服务自助终端")
    availability_add(implementation=wuhan, mode=Mode.ONLINE)
    availability_add(implementation=wuhan, mode=Mode.PROXY, window=window)
    availability_add(implementation=wuhan, mode=Mode.PROXY, kiosk=kiosk)
    availability_add(implementation=fund, mode=Mode.ONLINE)
    agreement = Agreement.objects.create(
        name="鄂城区黄石港区“跨域通办”合作协议",
        document_number="鄂黄通办〔2023〕1号",
        signed_on=datetime.date(2023, 3, 1),
        effective_from=datetime.date(2023, 3, 1),
    )
    AgreementParty.objects.create(agreement=agreement, region=circle["420704"], position=0)
    AgreementParty.objects.create(agreement=agreement, region=circle["420202"], position=1)
    AgreementItem.objects.create(agreement=agreement, implementation=ezhou)
    first = TongbanBatch.objects.create(name="第一批", published_on=datetime.date(2022, 6, 1))
    second = TongbanBatch.objects.create(name="第二批", published_on=datetime.date(2023, 6, 1))
    BatchEntry.objects.create(batch=first, implementation=wuhan)
    BatchEntry.objects.create(batch=second, implementation=ezhou)
    BatchEntry.objects.create(batch=second, implementation=fund)
    search_entries_refresh()
    return PortalCatalog(card, wuhan, ezhou, fund, window, kiosk, agreement, circle)


@pytest.fixture
def catalog(circle) -> PortalCatalog:
    return build_portal_catalog(circle)


def page(client, name, *args, **params):
    response = client.get(reverse(f"catalog:{name}", args=args), params)
    assert response.status_code == 200, response.content.decode()[:2000]
    return response.content.decode()


def section(html: str, heading_id: str) -> str:
    """The markup from a heading to the end of its section."""
    return html.split(f'id="{heading_id}"')[1].split("</section>")[0]


def fragment(client, name, *args, headers=None, **params):
    return client.get(reverse(f"catalog:{name}", args=args), params, headers=headers or {})


class _Tables(HTMLParser):
    """Tables as {caption: [[cell text, ...], ...]}: enough to assert what each row says."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._rows: list[list[str]] | None = None
        self._caption = ""
        self._text: str | None = None  # the caption or cell being read

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._rows, self._caption = [], ""
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("caption", "td", "th") and self._rows is not None:
            self._text = ""

    def handle_endtag(self, tag):
        if self._rows is None:
            return
        if tag in ("td", "th", "caption") and self._text is not None:
            text, self._text = " ".join(self._text.split()), None
            if tag == "caption":
                self._caption = text
            else:
                self._rows[-1].append(text)
        elif tag == "table":
            self.tables[self._caption] = self._rows
            self._rows = None

    def handle_data(self, data):
        if self._text is not None:
            self._text += data


def tables(html: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


# --- Home ------------------------------------------------------------------------------------------


def test_home_has_the_title_the_search_box_theme_tiles_figures_and_the_nine_cities(client, catalog):
    html = page(client, "home")

    assert '<h1 id="site-heading">武汉都市圈政务服务“圈内通办”</h1>' in html
    assert '<label for="home-q">搜索办事事项</label>' in html
    assert '<form class="search-box" role="search" method="get" action="/search/">' in html
    assert (
        '<a class="tile" href="/search/?theme=hr_social"><span class="tile__name">人社</span>'
        '<span class="tile__count">2 项通办</span></a>'
    ) in html
    assert '<span class="tile__name">税务</span><span class="tile__count">0 项通办</span>' in html
    assert '<dt>通办事项</dt><dd><a href="/list/">3</a><span class="unit">项</span></dd>' in html
    assert '<dt>覆盖城市</dt><dd>9<span class="unit">个</span></dd>' in html
    assert '<dt>合作协议</dt><dd><a href="/agreements/">1</a><span class="unit">份</span></dd>' in html
    assert '<dt>圈内通办专窗</dt><dd>2<span class="unit">个</span></dd>' in html
    assert '<dt>自助终端</dt><dd>1<span class="unit">台</span></dd>' in html
    for city in ("武汉市", "鄂州市", "黄石市", "黄冈市", "孝感市", "咸宁市", "仙桃市", "天门市", "潜江市"):
        assert f'<span class="tile__name">{city}</span>' in html


def test_every_page_has_one_h1_a_skip_link_landmarks_and_the_chinese_language(client, catalog):
    html = page(client, "home")

    assert '<html lang="zh-Hans">' in html
    assert html.count("<h1") == 1
    assert '<a class="skip-link" href="#main">跳到主要内容</a>' in html
    assert '<main id="main" class="wrap" tabindex="-1">' in html
    assert '<nav class="site-nav" aria-label="主导航">' in html
    assert '<footer class="site-footer">' in html


def test_scripts_carry_the_csp_nonce_and_htmx_injects_no_style(client, catalog):
    response = client.get(reverse("catalog:home"))
    html = response.content.decode()
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]

    assert f'<script src="/static/vendor/htmx.min.js" nonce="{nonce}" defer></script>' in html
    assert '"includeIndicatorStyles":false' in html
    assert "<style" not in html
    assert " on" + "click=" not in html


# --- Search ----------------------------------------------------------------------------------------


def test_a_two_character_word_finds_the_item_with_each_implementation_and_its_guide(client, catalog):
    html = page(client, "search", q="社保")

    assert (
        '<p id="result-count" class="result-count" role="status">'
        "共找到 <strong>1</strong> 个事项（关键词“社保”）。</p>" in html
    )
    assert '<h3 class="result__title">社会保障卡申领</h3>' in html
    assert f'<a class="impl__link" href="/guide/{catalog.wuhan.code}/">武汉市人力资源和社会保障局</a>' in html
    assert f'<a class="impl__link" href="/guide/{catalog.ezhou.code}/">鄂城区人力资源和社会保障局</a>' in html
    assert '<span class="impl__modes">办理方式：本地办理、全程网办、异地代收代办</span>' in html
    assert '<span class="impl__days">承诺 10 个工作日办结</span>' in html
    assert '<a href="/items/000001000001/where/">在哪里可以办' in html
    assert "住房公积金提取" not in html


def test_pinyin_initials_find_the_item(client, catalog):
    html = page(client, "search", q="sbk")

    assert '<h3 class="result__title">社会保障卡申领</h3>' in html
    assert "共找到 <strong>1</strong> 个事项" in html


def titles(html: str) -> list[str]:
    return [part.split("</h3>")[0] for part in html.split('<h3 class="result__title">')[1:]]


def guide_links(html: str) -> list[str]:
    return [part.split("/")[0] for part in html.split('class="impl__link" href="/guide/')[1:]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["wuhan", "ezhou", "fund"]),
        ({"theme": "housing_fund"}, ["fund"]),
        ({"city": "420700"}, ["ezhou"]),
        ({"mode": "online"}, ["wuhan", "fund"]),
        ({"mode": "proxy", "q": "社保卡"}, ["wuhan", "ezhou"]),
        ({"receivable_in": "421100"}, ["wuhan", "fund"]),
        ({"receivable_in": "420200"}, ["wuhan", "ezhou", "fund"]),
        ({"audience": "legal"}, []),
    ],
)
def test_filters_narrow_the_implementations(client, catalog, params, expected):
    html = page(client, "search", **params)

    assert sorted(guide_links(html)) == sorted(getattr(catalog, name).code for name in expected)


def test_an_invalid_filter_is_reported_and_the_others_still_apply(client, catalog):
    html = page(client, "search", theme="nonsense", city="420700")

    assert '<p class="field-error" id="id_theme-error">' in html
    assert 'aria-describedby="id_theme-error"' in html
    assert guide_links(html) == [catalog.ezhou.code]


def test_no_results_suggest_other_words_and_pinyin(client, catalog):
    html = page(client, "search", q="火星移民")

    assert '<p id="result-count" class="result-count" role="status">没有找到符合条件的事项。</p>' in html
    assert "<li>输入拼音或拼音首字母，例如 shebaoka 或 sbk；</li>" in html


def test_an_htmx_request_gets_only_the_results_fragment_and_the_count(client, catalog):
    response = fragment(client, "search", q="社保", headers={"HX-Request": "true"})
    html = response.content.decode()

    assert response.status_code == 200
    assert html.strip().startswith('<ol class="result-list">')
    assert '<h3 class="result__title">社会保障卡申领</h3>' in html
    assert html.strip().endswith(
        '<p id="result-count" hx-swap-oob="innerHTML">共找到 <strong>1</strong> 个事项（关键词“社保”）。</p>'
    )
    assert "<html" not in html
    assert "<form" not in html
    assert "HX-Request" in response["Vary"]


def test_a_history_restore_gets_the_whole_page(client, catalog):
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    html = fragment(client, "search", q="社保", headers=headers).content.decode()

    assert html.startswith("<!doctype html>")
    assert '<form id="search-form"' in html


def test_results_are_paginated_by_item(client, catalog):
    org = catalog.wuhan.organization
    for n in range(21):
        published_implementation(service_item=ServiceItemFactory(name=f"婚姻登记{n:02d}"), organization=org)

    first, second = page(client, "search", q="婚姻登记"), page(client, "search", q="婚姻登记", page=2)

    assert "共找到 <strong>21</strong> 个事项（关键词“婚姻登记”），第 1/2 页。" in first
    assert len(titles(first)) == 20
    assert titles(second) == ["婚姻登记20"]
    assert '<a href="?q=%E5%A9%9A%E5%A7%BB%E7%99%BB%E8%AE%B0&amp;page=2" rel="next">下一页</a>' in first
    assert '<span aria-current="page">第 2 页，共 2 页</span>' in second


def test_the_search_page_costs_the_same_queries_for_many_items(
    client, catalog, django_assert_max_num_queries
):
    orgs = [catalog.wuhan.organization, catalog.ezhou.organization]
    for n in range(25):
        item = ServiceItemFactory(name=f"婚姻登记{n:02d}")
        for org in orgs:
            published_implementation(service_item=item, organization=org)

    with django_assert_max_num_queries(4):
        page(client, "search", q="婚姻登记")


# --- Guides ----------------------------------------------------------------------------------------


def published_on(implementation: Implementation) -> str:
    implementation.refresh_from_db()
    return date_format(localtime(implementation.current.published_at), "Y年n月j日")


def test_the_guide_shows_the_version_in_force_with_every_part(client, catalog):
    html = page(client, "guide", catalog.wuhan.code)
    materials = tables(html)["申请材料清单（共 4 项）"]
    steps = tables(html)["办理环节及时限"]

    assert '<h1 id="guide-heading">社会保障卡申领</h1>' in html
    assert (
        '<p class="guide__org">武汉市人力资源和社会保障局'
        '<span class="sep" aria-hidden="true">·</span>武汉市</p>'
    ) in html
    assert f'<p class="guide__version">第1版 · {published_on(catalog.wuhan)}发布</p>' in html
    assert "<div><dt>办件类型</dt><dd>承诺件</dd></div>" in html
    assert "<div><dt>法定办结时限</dt><dd>20 个工作日</dd></div>" in html
    assert "<div><dt>承诺办结时限</dt><dd>5 个工作日</dd></div>" in html
    assert "<div><dt>到现场次数</dt><dd>0 次（不见面办理）</dd></div>" in html
    assert "<p>本市户籍或持有本市居住证的居民。</p>" in html
    assert materials == [
        ["序号", "材料名称", "必要性", "材料形式", "份数", "来源渠道", "说明"],
        ["1", "居民身份证 可用电子证照免提交：居民身份证", "必要", "原件", "1", "政府部门核发", "—"],
        ["2", "近期一寸免冠白底彩色照片", "必要", "原件", "2", "申请人自备", "—"],
        [
            "3",
            "社会保障卡申领登记表",
            "必要",
            "原件",
            "1",
            "申请人自备",
            "空白表格：社会保障卡申领登记表.pdf 示例样表：社会保障卡申领登记表（填写示例）.pdf",
        ],
        ["4", "居民户口簿", "非必要", "复印件", "1", "申请人自备", "—"],
    ]
    assert steps[1:] == [
        ["第1阶段", "受理", "武汉市人力资源和社会保障局", "1 个工作日", "计入"],
        ["第2阶段", "审核", "武汉市人力资源和社会保障局", "2 个工作日", "计入"],
        ["第3阶段", "制卡", "武汉市人力资源和社会保障局", "2 个工作日", "计入"],
        ["第4阶段", "邮寄送达特殊环节", "武汉市人力资源和社会保障局", "3 个工作日", "不计入"],
    ]
    assert "<p>不收费。</p>" in section(html, "fees-heading")
    assert (
        "<li><strong>武汉市民之家</strong><br>地址：武汉市东西湖区金银湖路16号"
        "<br>时间：工作日 9:00-17:00</li>" in html
    )
    assert "<div><dt>申请材料邮寄</dt><dd>不支持</dd></div>" in html
    assert "<div><dt>办理结果邮寄</dt><dd>支持</dd></div>" in html
    assert "<p>社会保障卡（纸质和电子证照）</p>" in html
    assert "<div><dt>咨询电话</dt><dd>027-12345</dd></div>" in html
    assert "<div><dt>投诉电话</dt><dd>12345</dd></div>" in html
    assert "<dt>外地户籍可以在武汉申领吗？</dt><dd>在武汉参保即可申领。</dd>" in html
    assert "<p>《社会保障卡管理办法》第十条</p>" in html
    assert '<a href="/items/000001000001/where/">在哪里可以办</a>' in html
    assert '<a href="/items/000001000001/best/">对标最优</a>' in html
    assert "已替代" not in html


def test_a_guide_with_fees_lists_them(client, catalog):
    html = page(client, "guide", catalog.ezhou.code)

    assert "<li><strong>工本费</strong>：每张20元</li>" in html
    assert "不收费" not in html


def publish_second_version(implementation: Implementation) -> None:
    draft = version_draft_start(implementation=implementation)
    version_draft_fill(version=draft, guide={"promised_days": 3}, rows=guide_rows(materials=1))
    version_publish(version=draft, change_note="压缩承诺时限")


def test_an_older_version_is_marked_superseded_and_links_to_the_current_one(client, catalog):
    publish_second_version(catalog.wuhan)

    old = page(client, "guide-version", catalog.wuhan.code, 1)
    current = page(client, "guide", catalog.wuhan.code)

    assert "<p><strong>已替代</strong>：此为历史版本，仅供核对当时的办理要求。" in old
    assert f'<a href="/guide/{catalog.wuhan.code}/">查看现行版本</a>' in old
    assert "申请材料清单（共 4 项）" in old
    assert (
        f'<p class="guide__version">第2版 · {published_on(catalog.wuhan)}发布（压缩承诺时限）</p>' in current
    )
    assert "申请材料清单（共 1 项）" in current
    assert "已替代" not in current


def test_the_current_version_by_number_is_not_marked_superseded(client, catalog):
    html = page(client, "guide-version", catalog.wuhan.code, 1)

    assert "第1版" in html
    assert "已替代" not in html


def test_a_draft_version_is_not_public(client, catalog):
    version_draft_start(implementation=catalog.wuhan)

    response = client.get(reverse("catalog:guide-version", args=[catalog.wuhan.code, 2]))

    assert response.status_code == 404
    assert "未找到该版本的办事指南。" in response.content.decode()


def test_the_guide_page_loads_its_rows_in_a_fixed_number_of_queries(
    client, catalog, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        page(client, "guide", catalog.wuhan.code)


# --- Not found -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/guide/NOPE/", "未找到该事项的办事指南。"),
        ("/guide/NOPE/v1/", "未找到该版本的办事指南。"),
        ("/items/999999999999/where/", "未找到该事项。"),
        ("/items/999999999999/best/", "未找到该事项。"),
        ("/agreements/999999/", "未找到该合作协议。"),
        ("/kiosks/NOPE/", "未找到该自助终端。"),
    ],
)
def test_unknown_codes_give_the_chinese_404_page(client, catalog, path, message):
    response = client.get(path)
    html = response.content.decode()

    assert response.status_code == 404
    assert "<h1>页面未找到</h1>" in html
    assert f'<p class="lead">{message}</p>' in html


def test_an_unknown_address_gives_the_chinese_404_page_without_a_class_name(client, db):
    response = client.get("/no-such-page/")
    html = response.content.decode()

    assert response.status_code == 404
    assert "<h1>页面未找到</h1>" in html
    assert "Resolver404" not in html


# --- Where can I do this ---------------------------------------------------------------------------


def test_where_shows_the_nine_cities_by_mode(client, catalog):
    html = page(client, "item-where", catalog.card.basic_code)
    matrix = tables(html)["社会保障卡申领：各市可办理方式（“可办”表示在该市可以通过该方式办理）"]

    yes, no = "✓ 可办", "不可办"
    assert matrix[0] == ["城市", "本地办理", "全程网办", "异地代收代办", "多地联办"]
    assert matrix[1:] == [
        ["武汉市", yes, yes, no, no],
        ["黄石市", no, yes, yes, no],
        ["鄂州市", yes, yes, yes, no],
        ["黄冈市", no, yes, no, no],
        ["孝感市", no, yes, no, no],
        ["咸宁市", no, yes, no, no],
        ["仙桃市", no, yes, no, no],
        ["潜江市", no, yes, no, no],
        ["天门市", no, yes, no, no],
    ]
    assert '<th scope="col">全程网办</th>' in html
    assert '<th scope="row">武汉市</th>' in html


def test_where_lists_each_citys_windows_and_kiosks(client, catalog):
    html = page(client, "item-where", catalog.card.basic_code)
    ezhou, wuhan, huanggang = (section(html, f"city-{key}") for key in ("420700", "420100", "421100"))

    assert (
        '<span class="badge badge--cross">圈内通办专窗</span>'
        "<strong>鄂城区政务服务中心 A08</strong> 圈内通办窗口"
    ) in ezhou
    assert '<a href="/kiosks/HR-KIOSK-01/">华容区政务服务自助终端（HR-KIOSK-01）</a>' in ezhou
    assert f'本地办理：<a href="/guide/{catalog.ezhou.code}/">鄂城区人力资源和社会保障局</a>' in ezhou
    assert f'本地办理：<a href="/guide/{catalog.wuhan.code}/">武汉市人力资源和社会保障局</a>' in wuhan
    assert " ".join(huanggang.split()) == ">黄冈市</h3> <p>可全程网办，无需到现场。</p>"


def test_the_where_page_costs_the_same_queries_for_many_places(
    client, catalog, django_assert_max_num_queries
):
    for n in range(5):
        availability_add(
            implementation=catalog.wuhan, mode=Mode.PROXY, kiosk=KioskFactory(region=catalog.cities["420202"])
        )
        window = WindowFactory(
            hall=HallFactory(region=catalog.cities["421102"]), is_cross_city=True, number=f"H{n}"
        )
        availability_add(implementation=catalog.wuhan, mode=Mode.PROXY, window=window)

    with django_assert_max_num_queries(9):
        page(client, "item-where", catalog.card.basic_code)


# --- Best standard ---------------------------------------------------------------------------------


def test_best_standard_marks_the_best_value_and_each_citys_divergence(client, catalog):
    html = page(client, "item-best", catalog.card.basic_code)
    table = tables(html)["社会保障卡申领：各地办理标准比较（“最优”为圈内最好水平，“+N”为与最优的差距）"]

    assert table == [
        ["城市", "实施部门", "承诺时限（工作日）", "申请材料（件）", "跑动次数", "办理环节", "小结"],
        [
            "武汉市",
            "武汉市人力资源和社会保障局",
            "5 最优",
            "3 （+1）",
            "0 最优",
            "4 （+1）",
            "与圈内最优相比：申请材料多1件，办理环节多1个。",
        ],
        [
            "鄂州市",
            "鄂城区人力资源和社会保障局",
            "10 （+5）",
            "2 最优",
            "1 （+1）",
            "3 最优",
            "与圈内最优相比：承诺时限多5个工作日，跑动次数多1次。",
        ],
        ["圈内最优", "5", "2", "0", "3", ""],
    ]
    assert '<td class="nowrap best-value">5 <strong class="best-mark">最优</strong></td>' in html


def test_a_city_best_everywhere_is_told_so(client, catalog):
    html = page(client, "item-best", catalog.fund.service_item.basic_code)

    assert "各项指标均达到圈内最优。" in html


def test_an_item_without_guides_in_force_cannot_be_compared(client, catalog):
    item = ServiceItemFactory(name="尚未实施的事项")

    html = page(client, "item-best", item.basic_code)

    assert "<p>该事项暂无现行办事指南，无法比较。</p>" in html


# --- Agreements ------------------------------------------------------------------------------------


def add_agreement(catalog: PortalCatalog, *, number: str, items: int, parties=("420704", "421102")):
    agreement = Agreement.objects.create(
        name=f"合作协议{number}",
        document_number=number,
        signed_on=datetime.date(2024, 1, 1),
        effective_from=datetime.date(2024, 1, 1),
    )
    for position, key in enumerate(parties):
        AgreementParty.objects.create(agreement=agreement, region=catalog.cities[key], position=position)
    org = catalog.ezhou.organization
    for _ in range(items):
        AgreementItem.objects.create(
            agreement=agreement, implementation=published_implementation(organization=org)
        )
    return agreement


def test_agreements_list_parties_dates_item_counts_and_coverage(client, catalog):
    html = page(client, "agreements")

    assert f'<a href="/agreements/{catalog.agreement.pk}/">鄂城区黄石港区“跨域通办”合作协议</a>' in html
    assert "<div><dt>签约方</dt><dd>鄂城区、黄石港区</dd></div>" in html
    assert "<div><dt>签署日期</dt><dd>2023年3月1日</dd></div>" in html
    assert "<div><dt>有效期</dt><dd>2023年3月1日起长期有效</dd></div>" in html
    assert "<div><dt>通办事项</dt><dd>1 项</dd></div>" in html
    assert "<div><dt>可受理</dt><dd>1 项（100%）</dd></div>" in html


def test_the_agreements_list_does_not_load_rows_per_item(client, catalog, django_assert_max_num_queries):
    add_agreement(catalog, number="鄂黄冈〔2024〕1号", items=30)

    # agreements and their parties (2), then each agreement's coverage: its rows and the windows (2 each)
    with django_assert_max_num_queries(6):
        page(client, "agreements")


def test_an_agreement_shows_coverage_per_party_by_theme_gaps_and_its_items(client, catalog):
    agreement = add_agreement(catalog, number="鄂黄冈〔2024〕1号", items=51)

    first = page(client, "agreement", agreement.pk)
    second = page(client, "agreement", agreement.pk, page=2)

    assert tables(first)["签约方提供的事项和圈内通办专窗"][1:] == [
        ["鄂城区（鄂州市）", "—", "51 项", "1 个"],
        ["黄州区（黄冈市）", "—", "0 项", "未设专窗"],
    ]
    assert tables(first)["协议事项的主题分布"][1:] == [["人社", "51"]]
    assert "<li>黄州区尚未设立圈内通办专窗，对方事项暂无法在当地代收。</li>" in first
    assert "<div><dt>通办事项</dt><dd>51 项，其中可受理 0 项（0%）</dd></div>" in first
    assert len(tables(first)["协议事项（共 51 项，第 1/2 页）"]) == 51
    assert len(tables(second)["协议事项（共 51 项，第 2/2 页）"]) == 2
    assert '<a href="/guide/' in second


def test_an_agreement_with_everything_in_place_has_no_gaps(client, catalog):
    html = page(client, "agreement", catalog.agreement.pk)

    assert "<p>协议约定的事项均已落实。</p>" in html
    assert f'<a href="/guide/{catalog.ezhou.code}/">社会保障卡申领</a>' in html


# --- The 通办 list and kiosks ----------------------------------------------------------------------


def test_the_list_shows_the_count_the_batch_history_and_the_breakdowns(client, catalog):
    html = page(client, "list")
    found = tables(html)

    assert "目前都市圈内可以异地办理的事项共 <strong>3</strong> 项，清单由首批 1 项扩展到 3 项。" in html
    assert found["各批次通办清单"][1:] == [
        ["第一批", "—", "2022年6月1日", "1", "1"],
        ["第二批", "—", "2023年6月1日", "2", "3"],
    ]
    assert found["各市实施事项和通办事项"][1:4] == [
        ["武汉市", "1", "1"],
        ["黄石市", "1", "1"],
        ["鄂州市", "1", "1"],
    ]
    assert found["通办事项的主题分布"][1:] == [["人社", "2"], ["公积金", "1"]]
    assert '<a href="/kiosks/HR-KIOSK-01/">华容区政务服务自助终端（HR-KIOSK-01）</a>' in html


def test_the_list_page_costs_the_same_queries_for_many_items(client, catalog, django_assert_max_num_queries):
    for _ in range(20):
        availability_add(
            implementation=published_implementation(organization=catalog.wuhan.organization), mode=Mode.ONLINE
        )

    with django_assert_max_num_queries(16):
        page(client, "list")


def test_a_kiosk_lists_its_items_by_theme(client, catalog):
    html = page(client, "kiosk", catalog.kiosk.serial)

    assert "<h1>华容区政务服务自助终端</h1>" in html
    assert '<h2 id="kiosk-items-heading">可办理事项（1 项）</h2>' in html
    assert "<h3>人社（1 项）</h3>" in html
    assert f'<a href="/guide/{catalog.wuhan.code}/">社会保障卡申领</a>' in html


def test_the_kiosk_page_costs_the_same_queries_for_many_items(client, catalog, django_assert_max_num_queries):
    for _ in range(20):
        impl = published_implementation(organization=catalog.wuhan.organization)
        availability_add(implementation=impl, mode=Mode.PROXY, kiosk=catalog.kiosk)

    with django_assert_max_num_queries(3):
        page(client, "kiosk", catalog.kiosk.serial)


def test_the_home_page_costs_the_same_queries_for_many_items(client, catalog, django_assert_max_num_queries):
    for _ in range(20):
        impl = published_implementation(organization=catalog.ezhou.organization)
        availability_add(implementation=impl, mode=Mode.ONLINE)

    with django_assert_max_num_queries(15):
        page(client, "home")


def test_best_standard_costs_the_same_queries_for_many_cities(client, catalog, django_assert_max_num_queries):
    for key in ("420900", "421200", "429004", "429005"):
        org = OrganizationFactory(region=catalog.cities[key])
        published_implementation(service_item=catalog.card, organization=org, rows=guide_rows(materials=3))

    with django_assert_max_num_queries(2):
        html = page(client, "item-best", catalog.card.basic_code)

    assert html.count("<tr>") == 8


def test_an_agreement_page_costs_the_same_queries_for_many_items(
    client, catalog, django_assert_max_num_queries
):
    agreement = add_agreement(catalog, number="鄂黄冈〔2024〕2号", items=40)

    with django_assert_max_num_queries(6):
        page(client, "agreement", agreement.pk)


def test_the_server_error_page_renders_without_a_request(db):
    html = render_to_string("500.html")

    assert "<h1>服务暂时不可用</h1>" in html
    assert '<html lang="zh-Hans">' in html


@pytest.mark.django_db
def test_the_guide_offers_online_application_only_where_it_is_received_online(client):
    online = published_implementation()
    availability_add(implementation=online, mode=Mode.ONLINE)
    window_only = published_implementation()
    availability_add(implementation=window_only, mode=Mode.PROXY, window=WindowFactory(is_cross_city=True))

    offered = client.get(reverse("catalog:guide", args=[online.code])).content.decode()
    not_offered = client.get(reverse("catalog:guide", args=[window_only.code])).content.decode()

    assert f'href="{reverse("cases:apply", args=[online.code])}">在线申请</a>' in offered
    assert "在线申请" not in not_offered
