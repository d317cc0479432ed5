"""Catalog search as a citizen uses it: words, phrases, pinyin, synonyms, filters and a stable order.

Every expectation is an exact list in order; the suite runs on SQLite and PostgreSQL, so passing on both
shows that they return the same rows in the same order."""

import pytest

from tongban.catalog.choices import Audience, Mode, Theme
from tongban.catalog.models import SearchEntry
from tongban.catalog.search import (
    SYNONYMS,
    SearchFilters,
    canonical,
    implementations_search,
    items_search,
    normalize,
    query_parse,
    search_entries_refresh,
)
from tongban.catalog.services import availability_add
from tongban.catalog.tests.factories import ServiceItemFactory, published_implementation
from tongban.regions.tests.factories import OrganizationFactory

WUHAN, HUANGSHI, EZHOU = "420100", "420200", "420700"


def _publish(item_name, *, org, code, aliases=(), theme=Theme.HR_SOCIAL, audience=Audience.NATURAL, **guide):
    item = ServiceItemFactory(
        basic_code=code, name=item_name, aliases=list(aliases), theme=theme, audience=audience
    )
    return published_implementation(service_item=item, organization=org, **guide)


def items(query="", **filters):
    return [item.name for item in items_search(query=query, filters=SearchFilters(**filters))]


def implementations(query="", **filters):
    found = implementations_search(query=query, filters=SearchFilters(**filters))
    return [(entry.name, entry.organization.name) for entry in found]


@pytest.fixture
def orgs(circle):
    return {
        "wh_hr": OrganizationFactory(region=circle[WUHAN], name="武汉市人力资源和社会保障局"),
        "ez_hr": OrganizationFactory(region=circle[EZHOU], name="鄂州市人力资源和社会保障局"),
        "wh_police": OrganizationFactory(region=circle[WUHAN], name="武汉市公安局"),
        "hs_fund": OrganizationFactory(region=circle[HUANGSHI], name="黄石市住房保障服务中心"),
        "wh_market": OrganizationFactory(region=circle[WUHAN], name="武汉市市场监督管理局"),
    }


@pytest.fixture
def catalog(orgs):
    """Eleven items, created in reverse basic-code order so that insertion order never passes for the
    tie-break by basic code."""
    rows = [
        ("居民身份证申领", "wh_police", Theme.HOUSEHOLD, Audience.BOTH, ()),
        ("个体工商户设立登记", "wh_market", Theme.MARKET_ENTRY, Audience.LEGAL, ()),
        ("机动车驾驶证补领", "wh_police", Theme.TRANSPORT, Audience.NATURAL, ()),
        ("退休提取住房公积金", "hs_fund", Theme.HOUSING_FUND, Audience.NATURAL, ()),
        ("住房公积金提取", "hs_fund", Theme.HOUSING_FUND, Audience.NATURAL, ()),
        ("户籍迁入", "wh_police", Theme.HOUSEHOLD, Audience.NATURAL, ()),
        ("户口迁移登记", "wh_police", Theme.HOUSEHOLD, Audience.NATURAL, ()),
        ("失业保险金申领", "wh_hr", Theme.HR_SOCIAL, Audience.NATURAL, ()),
        ("社保关系转移", "wh_hr", Theme.HR_SOCIAL, Audience.NATURAL, ()),
        ("社会保障卡补领", "ez_hr", Theme.HR_SOCIAL, Audience.NATURAL, ()),
        ("社会保障卡申领", "wh_hr", Theme.HR_SOCIAL, Audience.NATURAL, ("社保卡",)),
    ]
    found = {}
    for number, (name, org, theme, audience, aliases) in zip(range(11, 0, -1), rows, strict=True):
        found[name] = _publish(
            name,
            org=orgs[org],
            code=f"1100000000{number:02d}",
            theme=theme,
            audience=audience,
            aliases=aliases,
        )
    return found


ALL_IN_CODE_ORDER = [
    "社会保障卡申领",
    "社会保障卡补领",
    "社保关系转移",
    "失业保险金申领",
    "户口迁移登记",
    "户籍迁入",
    "住房公积金提取",
    "退休提取住房公积金",
    "机动车驾驶证补领",
    "个体工商户设立登记",
    "居民身份证申领",
]


# --- Query parsing (no database) -------------------------------------------------------------------


def test_normalize_folds_full_width_and_upper_case():
    assert normalize("  ＳＢＫ　社保Ｃａｒｄ ") == "sbk 社保card"


def test_a_phrase_is_segmented_into_words_in_canonical_spelling():
    parsed = query_parse("社会保障卡补领")

    assert parsed.phrase == "社会保障卡补领"
    assert parsed.canonical_phrase == "社保卡补办"
    assert parsed.words == ("社保卡", "补办")


def test_stop_words_and_single_characters_are_not_words():
    parsed = query_parse("我要在哪里办理户籍？")

    assert parsed.phrase == "我要在哪里办理户籍"
    assert parsed.words == ("户口",)


def test_words_with_one_canonical_spelling_are_searched_once():
    assert query_parse("补领 补办 住房公积金提取").words == ("补办", "公积金", "提取")


def test_spaced_pinyin_becomes_one_phrase():
    assert query_parse("she bao ka").phrase == "shebaoka"


def test_a_long_query_is_cut():
    assert query_parse("户" * 80).phrase == "户" * 50


def test_canonical_spelling_replaces_the_longest_synonym_first():
    assert canonical("住房公积金支取") == "公积金提取"
    assert canonical("机动车驾驶证补领") == "驾照补办"
    assert canonical("户籍迁入登记") == "户口迁入登记"


def test_a_canonical_spelling_keeps_the_synonyms_inside_it():
    # If a spelling holds another group's spelling (户籍迁入 holds 户籍), its canonical spelling holds
    # that group's canonical one (户口迁入 holds 户口): otherwise 户口 would not find 户籍迁入.
    for group in SYNONYMS:
        for spelling in group:
            for other in SYNONYMS:
                for inner in other:
                    if other is not group and inner in spelling:
                        assert canonical(inner) in canonical(spelling), (spelling, inner)


# --- Words, phrases, synonyms ----------------------------------------------------------------------


def test_two_character_word_finds_it_inside_names_aliases_and_synonyms(catalog):
    assert items("社保") == ["社保关系转移", "社会保障卡申领", "社会保障卡补领"]


def test_two_character_word_finds_its_synonym(catalog):
    assert items("户口") == ["户口迁移登记", "户籍迁入"]


def test_phrase_that_occurs_nowhere_matches_by_its_words_and_their_synonyms(catalog):
    assert items("社保卡补办") == ["社会保障卡补领"]


def test_whole_phrase_ranks_above_its_words_in_another_order(catalog):
    assert items("提取住房公积金") == ["退休提取住房公积金", "住房公积金提取"]
    assert items("住房公积金提取") == ["住房公积金提取", "退休提取住房公积金"]


def test_alias_word_finds_the_official_name(catalog):
    assert items("驾照") == ["机动车驾驶证补领"]


def test_stop_words_are_ignored(catalog):
    assert items("我要在哪里办理社保卡") == ["社会保障卡申领", "社会保障卡补领"]


def test_a_city_word_may_match_the_organization(catalog):
    assert items("鄂州 社保卡") == ["社会保障卡补领"]
    assert items("武汉社保卡") == ["社会保障卡申领"]


def test_an_organization_name_alone_does_not_match_a_word(catalog):
    # 武汉市人力资源和社会保障局 contains 社会保障, a synonym of 社保, yet its 失业保险金申领 is no 社保 item.
    assert "失业保险金申领" not in items("社保")


def test_organization_text_matches_the_whole_phrase_last(catalog):
    assert items("公安局") == ["户口迁移登记", "户籍迁入", "机动车驾驶证补领", "居民身份证申领"]


# --- Pinyin ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["shebaoka", "she bao ka", "SheBaoKa", "sbk", "SBK", "ｓｂｋ"])
def test_pinyin_and_initials_find_social_security_cards(catalog, query):
    assert items(query) == ["社会保障卡申领", "社会保障卡补领"]


def test_initials_of_the_official_name(catalog):
    assert items("jsz") == ["机动车驾驶证补领"]


def test_initials_of_two_synonyms_at_once(catalog):
    assert items("sbkbb") == ["社会保障卡补领"]


def test_full_pinyin_ranks_above_initials(orgs):
    # "nj" is in the initials of 农机 (nongji has no "nj") and in the full pinyin of 年检 (nianjian).
    _publish("农机购置补贴", org=orgs["wh_hr"], code="120000000001")
    _publish("机动车年检", org=orgs["wh_police"], code="120000000002")

    assert items("nj") == ["机动车年检", "农机购置补贴"]


# --- Relevance and order ---------------------------------------------------------------------------


def test_relevance_exact_then_prefix_then_in_name_then_alias_then_other_text(orgs, circle):
    centre = OrganizationFactory(region=circle[WUHAN], name="居住证服务中心")
    _publish("临时身份证明开具", org=centre, code="130000000001")
    _publish("流动人口登记", org=orgs["wh_police"], code="130000000002", aliases=["居住证"])
    _publish("流动人口居住证", org=orgs["wh_police"], code="130000000003")
    _publish("居住证签注", org=orgs["wh_police"], code="130000000004")
    _publish("居住证", org=orgs["wh_police"], code="130000000005")

    assert items("居住证") == ["居住证", "居住证签注", "流动人口居住证", "流动人口登记", "临时身份证明开具"]


def test_all_words_in_the_name_rank_above_words_spread_over_aliases(orgs):
    _publish("卡片补领", org=orgs["wh_hr"], code="140000000001", aliases=["社保卡"])
    _publish("社会保障卡补换", org=orgs["wh_hr"], code="140000000002")

    assert items("社保卡补办") == ["社会保障卡补换", "卡片补领"]


def test_equal_relevance_is_ordered_by_basic_code_then_implementation_code(catalog, orgs):
    second = published_implementation(
        service_item=catalog["社会保障卡申领"].service_item, organization=orgs["ez_hr"]
    )

    assert implementations("社会保障卡") == [
        ("社会保障卡申领", "武汉市人力资源和社会保障局"),
        ("社会保障卡申领", "鄂州市人力资源和社会保障局"),
        ("社会保障卡补领", "鄂州市人力资源和社会保障局"),
    ]
    assert second.code > catalog["社会保障卡申领"].code


def test_items_are_distinct_and_ordered_by_their_best_implementation(orgs):
    _publish("居住证办理", org=orgs["wh_police"], code="150000000001")
    card = _publish("居住证", org=orgs["wh_police"], code="150000000002", name="居住证申领")
    published_implementation(service_item=card.service_item, organization=orgs["ez_hr"], name="居住证")

    assert items("居住证") == ["居住证", "居住证办理"]
    assert implementations("居住证") == [
        ("居住证", "鄂州市人力资源和社会保障局"),
        ("居住证办理", "武汉市公安局"),
        ("居住证申领", "武汉市公安局"),
    ]


def test_items_carry_their_best_relevance(orgs):
    _publish("居住证", org=orgs["wh_police"], code="160000000001")
    _publish("居住证签注", org=orgs["wh_police"], code="160000000002")

    assert [(i.name, i.relevance) for i in items_search(query="居住证")] == [
        ("居住证", 90),
        ("居住证签注", 80),
    ]


def test_the_same_search_twice_gives_the_same_order(catalog):
    first = [e.pk for e in implementations_search(query="sbk")]

    assert first == [e.pk for e in implementations_search(query="sbk")]
    assert len(first) == 2


# --- Filters ---------------------------------------------------------------------------------------


def test_empty_query_lists_everything_in_basic_code_order(catalog):
    assert items() == ALL_IN_CODE_ORDER
    assert items("   ") == ALL_IN_CODE_ORDER


def test_empty_query_with_filters_lists_everything_filtered(catalog):
    assert items(theme=Theme.HOUSEHOLD) == ["户口迁移登记", "户籍迁入", "居民身份证申领"]
    assert items(city=EZHOU) == ["社会保障卡补领"]
    assert items(theme=Theme.HOUSING_FUND, city=HUANGSHI) == ["住房公积金提取", "退休提取住房公积金"]
    assert items(theme=Theme.HOUSING_FUND, city=WUHAN) == []


def test_audience_filter_counts_items_for_both(catalog):
    assert items("申领", audience=Audience.NATURAL) == ["社会保障卡申领", "失业保险金申领", "居民身份证申领"]
    assert items("申领", audience=Audience.LEGAL) == ["居民身份证申领"]
    assert items("登记", audience=Audience.LEGAL) == ["个体工商户设立登记"]


def test_mode_and_receivable_in_filters(catalog, circle):
    availability_add(implementation=catalog["社会保障卡申领"], mode=Mode.ONLINE)
    availability_add(implementation=catalog["社会保障卡补领"], mode=Mode.PROXY, region=circle[WUHAN])

    assert items("社会保障卡", mode=Mode.ONLINE) == ["社会保障卡申领"]
    assert items("社会保障卡", mode=Mode.PROXY) == ["社会保障卡补领"]
    assert items("社会保障卡", mode=Mode.JOINT) == []
    assert items("社会保障卡", receivable_in=HUANGSHI) == ["社会保障卡申领"]
    assert items("社会保障卡", receivable_in=WUHAN) == ["社会保障卡申领", "社会保障卡补领"]
    assert items("社会保障卡", receivable_in=EZHOU) == ["社会保障卡申领", "社会保障卡补领"]
    assert items(receivable_in=HUANGSHI) == ["社会保障卡申领", "住房公积金提取", "退休提取住房公积金"]


def test_implementation_results_are_filtered_too(catalog, orgs):
    published_implementation(service_item=catalog["社会保障卡申领"].service_item, organization=orgs["ez_hr"])

    assert implementations("sbk", city=EZHOU) == [
        ("社会保障卡申领", "鄂州市人力资源和社会保障局"),
        ("社会保障卡补领", "鄂州市人力资源和社会保障局"),
    ]


# --- Odd input -------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["？！……", "%", "%%", "_", "社_卡", "社%卡", "|"])
def test_punctuation_and_like_wildcards_match_literally_or_not_at_all(catalog, query):
    # As LIKE wildcards, "%" would list everything and "社_卡" would find the alias 社保卡.
    assert items(query) == []
    assert implementations(query) == []


@pytest.mark.parametrize("query", ["怎么办理", "我要", "的"])
def test_stop_words_alone_do_not_crash(catalog, query):
    assert items(query) == []


def test_a_very_long_query_is_cut_before_it_is_searched(catalog):
    assert items("户口" + "的" * 100) == ["户口迁移登记", "户籍迁入"]
    assert items("的" * 49 + "户口") == []


def test_an_unknown_filter_value_finds_nothing(catalog):
    assert items(theme="nonsense") == []
    assert items(city="000000") == []


# --- Index -----------------------------------------------------------------------------------------


def test_index_holds_names_as_written_and_in_canonical_spelling_with_their_pinyin(catalog):
    entry = SearchEntry.objects.get(pk=catalog["社会保障卡补领"].pk)

    assert entry.names == "社会保障卡补领|社保卡补办"
    assert entry.pinyin == "shehuibaozhangkabuling|shebaokabuban"
    assert entry.initials == "shbzkbl|sbkbb"
    assert entry.extra == "鄂州市人力资源和社会保障局 鄂州市 人社"


def test_full_refresh_rebuilds_every_row(catalog):
    SearchEntry.objects.all().delete()

    assert search_entries_refresh() == 11
    assert items("sbk") == ["社会保障卡申领", "社会保障卡补领"]
