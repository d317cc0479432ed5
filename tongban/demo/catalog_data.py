"""The demo's basic catalog: every item family, and the everyday words people use for official ones."""

from .items.civil import CIVIL_FAMILIES
from .items.culture import CULTURE_FAMILIES
from .items.education import EDU_FAMILIES
from .items.estate import ESTATE_FAMILIES
from .items.fund import FUND_FAMILIES
from .items.health import HEALTH_FAMILIES
from .items.household import HOUSEHOLD_FAMILIES
from .items.hr import HR_FAMILIES
from .items.market import REGISTRATION_FAMILIES
from .items.market_permits import PERMIT_FAMILIES
from .items.medical import MI_FAMILIES
from .items.other import OTHER_FAMILIES
from .items.tax import TAX_FAMILIES
from .items.transport import TRANSPORT_FAMILIES
from .items.utilities import UTILITY_FAMILIES
from .spec import Family

FAMILIES: tuple[Family, ...] = (
    *HR_FAMILIES,
    *MI_FAMILIES,
    *FUND_FAMILIES,
    *EDU_FAMILIES,
    *HEALTH_FAMILIES,
    *TRANSPORT_FAMILIES,
    *CULTURE_FAMILIES,
    *REGISTRATION_FAMILIES,
    *PERMIT_FAMILIES,
    *ESTATE_FAMILIES,
    *HOUSEHOLD_FAMILIES,
    *CIVIL_FAMILIES,
    *UTILITY_FAMILIES,
    *TAX_FAMILIES,
    *OTHER_FAMILIES,
)

# Official word → what people type instead (社保卡 finds 社会保障卡). Applied to every item name.
ALIAS_RULES: tuple[tuple[str, str], ...] = (
    ("社会保障卡", "社保卡"),
    ("住房公积金", "公积金"),
    ("户籍", "户口"),
    ("户口", "户籍"),
    ("机动车驾驶证", "驾照"),
    ("驾驶证", "驾照"),
    ("城乡居民基本养老保险", "城乡居民养老保险"),
    ("基本医疗保险", "医保"),
    ("城乡最低生活保障", "低保"),
    ("居民身份证", "身份证"),
    ("不动产权证书", "房产证"),
    ("出生医学证明", "出生证"),
    ("异地就医备案", "异地就医登记"),
    ("营业执照", "执照"),
    ("个体工商户", "个体户"),
    ("往来港澳通行证", "港澳通行证"),
    ("二手房", "存量房"),
    ("用电报装", "电力报装"),
    ("燃气报装", "天然气开户"),
)


def aliases_for(name: str, extra: tuple[str, ...] = ()) -> list[str]:
    """Everyday names of an item: each rule applied on its own, a shorter official word skipped where a
    longer one containing it already matched (机动车驾驶证 → 驾照, not 机动车驾照)."""
    matched: list[str] = []
    for official, _word in ALIAS_RULES:
        if official in name and not any(official in longer for longer in matched):
            matched.append(official)
    found = [name.replace(official, word) for official, word in ALIAS_RULES if official in matched]
    return list(dict.fromkeys(a for a in [*found, *extra] if a != name))
