"""Who and where in the demo: each city's departments, the bodies of the districts and zones that take
part in agreements, their halls, windows and kiosks.

Department names follow the circle's real government structure; street addresses are given to the
level of a road, and every telephone number is the 12345 government service hotline with the city's
area code, so no number in the demo belongs to anyone.
"""

from dataclasses import dataclass, field

from tongban.regions.choices import OrganizationKind

DEPARTMENT = OrganizationKind.DEPARTMENT
CENTER = OrganizationKind.SERVICE_CENTER
INSTITUTION = OrganizationKind.INSTITUTION
ENTERPRISE = OrganizationKind.ENTERPRISE

# Registration authority and kind at the head of a USCC (GB 32100): 11 机关, 12 事业单位, 91 企业.
REGISTRY = {DEPARTMENT: "11", CENTER: "12", INSTITUTION: "12", ENTERPRISE: "91"}

# Roles whose licenses (行政许可) go to a region's approval body (相对集中行政许可权改革) where it has one.
APPROVAL_TAKES = {"market", "culture", "transport", "health", "edu", "hrss", "housing", "civil"}


@dataclass(frozen=True)
class OrgSpec:
    name: str
    roles: tuple[str, ...]
    kind: str = DEPARTMENT
    short_name: str = ""


@dataclass(frozen=True)
class HallSpec:
    name: str
    address: str
    hours: str
    windows: tuple[str, ...]  # names of ordinary windows; a 圈内通办专窗 is always added


@dataclass(frozen=True)
class KioskSpec:
    name: str
    location: str
    in_hall: bool = True


@dataclass(frozen=True)
class PlaceSpec:
    """A region of the demo: its key in the reference list, area code, bodies, hall and kiosks."""

    key: str
    area_code: str
    orgs: tuple[OrgSpec, ...]
    hall: HallSpec
    kiosks: tuple[KioskSpec, ...] = field(default=())


HOURS_CITY = "周一至周五 9:00—12:00，13:30—17:00；周六上午 9:00—12:00 延时服务（法定节假日除外）"
HOURS_DISTRICT = "周一至周五 8:30—12:00，14:00—17:30（法定节假日除外）"
CITY_WINDOWS = (
    "综合受理窗口（无差别受理）",
    "综合受理窗口（无差别受理）",
    "社保医保窗口",
    "住房公积金窗口",
    "不动产登记窗口",
    "企业开办窗口",
    "税务窗口",
    "户政窗口",
    "出件窗口",
)
DISTRICT_WINDOWS = (
    "综合受理窗口（无差别受理）",
    "综合受理窗口（无差别受理）",
    "企业开办窗口",
    "社保医保窗口",
    "出件窗口",
)


def city_orgs(c: str, short: str, **overrides: str) -> tuple[OrgSpec, ...]:
    """A city's departments by role; `overrides` renames one (role=name) where a city differs."""
    names = {
        "gov": f"{c}政务服务和大数据管理局",
        "hrss": f"{c}人力资源和社会保障局",
        "medins": f"{c}医疗保障局",
        "fund": f"{c}住房公积金中心",
        "edu": f"{c}教育局",
        "health": f"{c}卫生健康委员会",
        "transport": f"{c}交通运输局",
        "culture": f"{c}文化和旅游局",
        "market": f"{c}市场监督管理局",
        "realty": f"{c}自然资源和规划局",
        "housing": f"{c}住房和城乡建设局",
        "police": f"{c}公安局",
        "civil": f"{c}民政局",
        "water": f"{c}水务局",
        "tax": f"国家税务总局{c}税务局",
        "tobacco": f"{c}烟草专卖局",
        "fire": f"{c}消防救援支队",
        "veterans": f"{c}退役军人事务局",
        "disabled": f"{c}残疾人联合会",
        "justice": f"{c}司法局",
        "water_co": f"{c}水务集团有限公司",
        "power": f"国网{short}供电公司",
        "gas": f"{c}燃气有限公司",
    } | overrides
    kinds = {
        "fund": INSTITUTION,
        "disabled": INSTITUTION,
        "fire": INSTITUTION,
        "water_co": ENTERPRISE,
        "power": ENTERPRISE,
        "gas": ENTERPRISE,
    }
    if "不动产登记中心" in names["realty"]:
        kinds["realty"] = INSTITUTION
    return tuple(OrgSpec(name, (role,), kinds.get(role, DEPARTMENT)) for role, name in names.items())


def district_orgs(d: str, c: str, roles: tuple[str, ...], **overrides: str) -> tuple[OrgSpec, ...]:
    names = {
        "gov": f"{d}政务服务和大数据管理局",
        "hrss": f"{d}人力资源和社会保障局",
        "medins": f"{d}医疗保障局",
        "edu": f"{d}教育局",
        "health": f"{d}卫生健康局",
        "transport": f"{d}交通运输局",
        "culture": f"{d}文化和旅游局",
        "market": f"{d}市场监督管理局",
        "realty": f"{c}自然资源和规划局{d.removesuffix('区')}分局",
        "housing": f"{d}住房和城乡建设局",
        "police": f"{c}公安局{d}分局",
        "civil": f"{d}民政局",
        "water": f"{d}水利和湖泊局",
        "tax": f"国家税务总局{c}{d}税务局",
        "veterans": f"{d}退役军人事务局",
        "disabled": f"{d}残疾人联合会",
        "justice": f"{d}司法局",
    } | overrides
    return tuple(
        OrgSpec(names[role], (role,), INSTITUTION if role == "disabled" else DEPARTMENT) for role in roles
    )


ALL_DISTRICT_ROLES = (
    "gov",
    "hrss",
    "medins",
    "edu",
    "health",
    "transport",
    "culture",
    "market",
    "realty",
    "housing",
    "police",
    "civil",
    "water",
    "tax",
    "veterans",
    "disabled",
    "justice",
)


def city_hall(name: str, address: str) -> HallSpec:
    return HallSpec(name, address, HOURS_CITY, CITY_WINDOWS)


def district_hall(name: str, address: str) -> HallSpec:
    return HallSpec(name, address, HOURS_DISTRICT, DISTRICT_WINDOWS)


CITIES: tuple[PlaceSpec, ...] = (
    PlaceSpec(
        "420100",
        "027",
        city_orgs(
            "武汉市",
            "武汉",
            fund="武汉住房公积金管理中心",
            housing="武汉市住房保障和房屋管理局",
            gas="武汉市燃气集团有限公司",
        ),
        city_hall("武汉市民之家", "武汉市江岸区金桥大道"),
        (
            KioskSpec("武汉市民之家自助服务区1号机", "一楼自助服务区"),
            KioskSpec("武汉市民之家自助服务区2号机", "一楼自助服务区"),
        ),
    ),
    PlaceSpec(
        "420200",
        "0714",
        city_orgs("黄石市", "黄石"),
        city_hall("黄石市政务服务中心", "黄石市下陆区杭州东路"),
        (KioskSpec("黄石市政务服务中心自助终端", "一楼大厅东侧"),),
    ),
    PlaceSpec(
        "420700",
        "0711",
        (
            *city_orgs("鄂州市", "鄂州", realty="鄂州市不动产登记中心"),
            OrgSpec("鄂州市行政审批局", ("approval",)),
        ),
        city_hall("鄂州市民中心", "鄂州市鄂城区滨湖南路"),
        (KioskSpec("鄂州市民中心自助终端", "二楼自助服务区"),),
    ),
    PlaceSpec(
        "421100",
        "0713",
        city_orgs("黄冈市", "黄冈"),
        city_hall("黄冈市政务服务中心", "黄冈市黄州区东门路"),
    ),
    PlaceSpec(
        "420900",
        "0712",
        city_orgs("孝感市", "孝感"),
        city_hall("孝感市民之家", "孝感市孝南区城站路"),
    ),
    PlaceSpec(
        "421200",
        "0715",
        city_orgs("咸宁市", "咸宁"),
        city_hall("咸宁市民之家", "咸宁市咸安区金桂路"),
    ),
    PlaceSpec(
        "429004",
        "0728",
        city_orgs("仙桃市", "仙桃", water="仙桃市水利和湖泊局"),
        city_hall("仙桃市民之家", "仙桃市干河街道仙桃大道"),
    ),
    PlaceSpec(
        "429006",
        "0728",
        city_orgs("天门市", "天门", water="天门市水利和湖泊局"),
        city_hall("天门市政务服务中心", "天门市竟陵街道西湖路"),
    ),
    PlaceSpec(
        "429005",
        "0728",
        city_orgs("潜江市", "潜江", water="潜江市水利和湖泊局"),
        city_hall("潜江市政务服务中心", "潜江市园林街道章华北路"),
    ),
)

DISTRICTS: tuple[PlaceSpec, ...] = (
    PlaceSpec(
        "420704",
        "0711",
        district_orgs("鄂城区", "鄂州市", ALL_DISTRICT_ROLES),
        district_hall("鄂城区政务服务中心", "鄂州市鄂城区古城路"),
        (KioskSpec("鄂城区政务服务中心自助终端", "一楼大厅"),),
    ),
    PlaceSpec(
        "420703",
        "0711",
        district_orgs(
            "华容区",
            "鄂州市",
            ("gov", "hrss", "medins", "edu", "health", "market", "police", "civil", "tax", "realty"),
        ),
        district_hall("华容区政务服务中心", "鄂州市华容区华容大道"),
        (
            KioskSpec("华容区政务服务中心“圈内通办”自助终端1号机", "一楼大厅自助服务区"),
            KioskSpec("华容区政务服务中心“圈内通办”自助终端2号机", "一楼大厅自助服务区"),
        ),
    ),
    PlaceSpec(
        "gedian",
        "0711",
        (
            OrgSpec("葛店经济技术开发区政务服务中心", ("gov", "approval"), CENTER, "葛店经开区政务服务中心"),
            OrgSpec("鄂州市市场监督管理局葛店经济技术开发区分局", ("market",)),
            OrgSpec("葛店经济技术开发区社会事务局", ("hrss", "medins", "civil", "edu", "health")),
            OrgSpec("鄂州市公安局葛店经济技术开发区分局", ("police",)),
            OrgSpec("国家税务总局鄂州市葛店经济技术开发区税务局", ("tax",)),
        ),
        district_hall("葛店经开区政务服务中心", "鄂州市葛店经济技术开发区创业大道"),
        (
            KioskSpec("葛店经开区政务服务中心“圈内通办”自助终端", "一楼大厅入口"),
            KioskSpec("葛店经开区创业服务中心自助终端", "葛店经开区创业服务中心一楼", in_hall=False),
            KioskSpec("葛店经开区人才公寓便民服务站自助终端", "葛店经开区人才公寓便民服务站", in_hall=False),
        ),
    ),
    PlaceSpec(
        "420202",
        "0714",
        district_orgs("黄石港区", "黄石市", ALL_DISTRICT_ROLES),
        district_hall("黄石港区政务服务中心", "黄石市黄石港区延安路"),
    ),
    PlaceSpec(
        "421102",
        "0713",
        district_orgs(
            "黄州区",
            "黄冈市",
            ("gov", "hrss", "medins", "edu", "health", "market", "police", "civil", "tax", "culture"),
        ),
        district_hall("黄州区政务服务中心", "黄冈市黄州区赤壁大道"),
    ),
    PlaceSpec(
        "donghu",
        "027",
        (
            OrgSpec("东湖新技术开发区政务服务局", ("gov", "approval"), short_name="东湖高新区政务服务局"),
            OrgSpec("东湖新技术开发区人力资源和社会保障局", ("hrss",)),
            OrgSpec("东湖新技术开发区医疗保障局", ("medins",)),
            OrgSpec("东湖新技术开发区市场监督管理局", ("market",)),
            OrgSpec("东湖新技术开发区社会事务局", ("civil", "edu", "health")),
            OrgSpec("武汉市公安局东湖新技术开发区分局", ("police",)),
            OrgSpec("国家税务总局武汉东湖新技术开发区税务局", ("tax",)),
        ),
        district_hall("东湖高新区政务服务中心", "武汉市东湖新技术开发区高新大道"),
        (KioskSpec("东湖高新区政务服务中心自助终端", "一楼自助服务区"),),
    ),
    PlaceSpec(
        "huangshi-etdz",
        "0714",
        (
            OrgSpec(
                "黄石经济技术开发区·铁山区政务服务和大数据管理局",
                ("gov", "approval"),
                short_name="开铁区政务服务和大数据管理局",
            ),
            OrgSpec("黄石经济技术开发区·铁山区人力资源和社会保障局", ("hrss",)),
            OrgSpec("黄石经济技术开发区·铁山区医疗保障局", ("medins",)),
            OrgSpec("黄石经济技术开发区·铁山区市场监督管理局", ("market",)),
            OrgSpec("黄石市公安局经济技术开发区分局", ("police",)),
            OrgSpec("国家税务总局黄石经济技术开发区税务局", ("tax",)),
        ),
        district_hall("黄石开发区·铁山区政务服务中心", "黄石市经济技术开发区·铁山区金山大道"),
    ),
)

PLACES = CITIES + DISTRICTS
