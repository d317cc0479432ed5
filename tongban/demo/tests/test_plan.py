"""The demo's building blocks without the database: guides made from every family, aliases, and the
reach plan's guard against pools too small for the seed's figures."""

import random

import pytest

from tongban.catalog.choices import CaseType, Theme
from tongban.catalog.formdef import parse_definition
from tongban.demo.catalog import ImplRef
from tongban.demo.catalog_data import FAMILIES, aliases_for
from tongban.demo.guides import Place, earlier_version, guide_build
from tongban.demo.licenses import LICENSE_TYPES
from tongban.demo.reach import DemoPlanError, spread

PLACE = Place("测试政务服务中心", "测试路", "工作日 9:00—17:00", "027")


def every_guide():
    for family in FAMILIES:
        for sub in family.items:
            for seed in ("a", "b", "c"):
                yield family, sub, guide_build(family, sub, PLACE, random.Random(f"{sub.name}{seed}"))


def counted_days(steps) -> int:
    by_stage: dict[int, int] = {}
    for step in steps:
        if step["counts_in_limit"]:
            by_stage[step["stage"]] = max(by_stage.get(step["stage"], 0), step["time_limit_days"])
    return sum(by_stage.values())


def test_every_guide_keeps_its_limits_and_form():
    for family, sub, guide in every_guide():
        fields = guide.fields

        assert fields["promised_days"] <= fields["statutory_days"], sub.name
        assert counted_days(guide.steps) <= fields["statutory_days"], sub.name
        if fields["case_type"] == CaseType.IMMEDIATE:
            assert fields["promised_days"] == 0, sub.name
            assert not any(s["is_special"] for s in guide.steps), sub.name
        assert 1 <= len(guide.faqs) <= 2
        assert guide.materials, sub.name
        parse_definition(fields["form_schema"])
        assert family.theme in Theme.values


def test_special_steps_do_not_count_in_the_limit():
    specials = [s for _f, _s, guide in every_guide() for s in guide.steps if s["is_special"]]

    assert specials
    assert all(not s["counts_in_limit"] for s in specials)


def test_an_earlier_version_differs_and_says_how():
    family = next(f for f in FAMILIES if f.name == "不动产转移登记")
    guide = guide_build(family, family.items[0], PLACE, random.Random("x"))

    older, note = earlier_version(guide)

    assert note
    assert (older.fields["promised_days"], len(older.materials)) != (
        guide.fields["promised_days"],
        len(guide.materials),
    )
    assert counted_days(older.steps) <= older.fields["statutory_days"]


def test_license_types_are_unique_and_materials_use_known_ones():
    codes = [code for code, _name in LICENSE_TYPES.values()]
    used = {m.license for f in FAMILIES for m in f.materials if m.license}
    used |= {f.result_license for f in FAMILIES if f.result_license}

    assert len(codes) == len(set(codes))
    assert used <= set(LICENSE_TYPES)


def test_item_names_are_unique():
    names = [sub.name for family in FAMILIES for sub in family.items]

    assert len(names) == len(set(names))


def test_aliases_use_everyday_words_once():
    assert aliases_for("机动车驾驶证期满换证") == ["驾照期满换证"]
    assert aliases_for("住房公积金提取（租赁住房）") == ["公积金提取（租赁住房）"]
    assert aliases_for("户口迁入（夫妻投靠）") == ["户籍迁入（夫妻投靠）"]
    assert aliases_for("城乡最低生活保障对象认定", ("低保申请",)) == ["低保对象认定", "低保申请"]


def refs(n: int, theme: str = Theme.HR_SOCIAL) -> list[ImplRef]:
    return [ImplRef(i, f"C{i:04d}", "420100", theme, True) for i in range(n)]


def test_spread_takes_themes_in_turn():
    pool = refs(3, Theme.HR_SOCIAL) + [ImplRef(10 + i, f"D{i}", "420100", Theme.TAX, True) for i in range(3)]

    chosen = spread(pool, 4, what="测试")

    assert [r.theme for r in chosen] == [Theme.HR_SOCIAL, Theme.TAX, Theme.HR_SOCIAL, Theme.TAX]


def test_spread_refuses_a_pool_too_small_for_a_figure():
    with pytest.raises(DemoPlanError, match="需要 5 项，只有 4 项"):
        spread(refs(5), 5, what="测试", exclude=frozenset({0}))
