"""The demo's e-licenses: the license types the demo guides refer to (materials they can replace, results
they produce), each with its face fields, and the licenses the demo citizens and company hold.

One table, one code scheme. Codes are 18 digits shaped like the national catalog's type codes (leading
"111" for types issued under central ministries' rules); they are demo placeholders, numeric so that they
fit the numeric arcs of a GB/T 36904 license identifier, and never change once published.

A type's face fields are what its face shows beyond the GB/T 36903 metadata every license has (holder and
holder code, license number, issuer, date of issue, validity): so no face repeats the holder's ID number,
which the metadata keep encrypted. The licenses (HOLDINGS) are issued through the licenses services by the
demo reviewers of real demo organizations in 武汉, 鄂州 and 黄石, each on its own day of the past years, so
that their serials, seals, events and signatures are exactly what the platform makes: every citizen holds
licenses of several cities' issuers; 张三 holds the 不动产权证书 that 水务用水报装 asks for; 王五's driving
licence is suspended (暂扣), 李四's 居住证 ran out (失效, by the expiry sweep), and the demo company's
营业执照 was changed (变更: version 2, version 1 失效).
"""

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from tongban.core.dates import years_after
from tongban.identity.access import Actor, actor_for
from tongban.identity.choices import Role
from tongban.identity.models import StaffRole, User
from tongban.licenses.choices import HolderKind, LicenseOperation
from tongban.licenses.models import License, LicenseType
from tongban.licenses.services import (
    Issue,
    license_issue,
    license_new_version,
    license_operate,
    licenses_expire,
)
from tongban.regions.models import Organization

from .accounts import demo_accounts
from .cases import _at
from .licenses_data import HOLDINGS, Held

LICENSE_TYPES: dict[str, tuple[str, str]] = {
    # key: (type code, name)
    "idcard": ("111000000000000001", "居民身份证"),
    "hukou": ("111000000000000002", "居民户口簿"),
    "sscard": ("111000000000000003", "社会保障卡"),
    "bizlic": ("111000000000000004", "营业执照"),
    "property": ("111000000000000005", "不动产权证书"),
    "marriage": ("111000000000000006", "结婚证"),
    "divorce": ("111000000000000007", "离婚证"),
    "driving": ("111000000000000008", "机动车驾驶证"),
    "vehicle": ("111000000000000009", "机动车行驶证"),
    "birth": ("111000000000000010", "出生医学证明"),
    "residence": ("111000000000000011", "居住证"),
    "food": ("111000000000000012", "食品经营许可证"),
    "transport_qual": ("111000000000000013", "道路运输从业资格证"),
    "physician": ("111000000000000014", "医师执业证书"),
    "nurse": ("111000000000000015", "护士执业证书"),
    "travel_agency": ("111000000000000016", "旅行社业务经营许可证"),
    "teacher": ("111000000000000017", "教师资格证书"),
    "disability": ("111000000000000018", "中华人民共和国残疾人证"),
    "employment": ("111000000000000019", "就业创业证"),
    "graduation": ("111000000000000020", "学历证书"),
    "road_transport": ("111000000000000021", "道路运输经营许可证"),
    "public_health": ("111000000000000022", "公共场所卫生许可证"),
    "medical_org": ("111000000000000023", "医疗机构执业许可证"),
    "drug_retail": ("111000000000000024", "药品经营许可证"),
    "tobacco": ("111000000000000025", "烟草专卖零售许可证"),
    "veteran": ("111000000000000026", "退役军人优待证"),
    "no_record": ("111000000000000027", "无犯罪记录证明"),
    "hr_service": ("111000000000000028", "人力资源服务许可证"),
    "labor_dispatch": ("111000000000000029", "劳务派遣经营许可证"),
    "school": ("111000000000000030", "民办学校办学许可证"),
    "entertainment": ("111000000000000031", "娱乐经营许可证"),
    "internet_cafe": ("111000000000000032", "网络文化经营许可证"),
    "food_production": ("111000000000000033", "食品生产许可证"),
    "social_org": ("111000000000000034", "社会团体法人登记证书"),
    "private_nonprofit": ("111000000000000035", "民办非企业单位登记证书"),
    "medical_device": ("111000000000000036", "第三类医疗器械经营许可证"),
    "construction": ("111000000000000037", "建筑工程施工许可证"),
    "presale": ("111000000000000038", "商品房预售许可证"),
    "publication": ("111000000000000039", "出版物经营许可证"),
    "drainage": ("111000000000000040", "城镇污水排入排水管网许可证"),
}


def license_code(key: str) -> str:
    return LICENSE_TYPES[key][0] if key else ""


def license_name(key: str) -> str:
    return LICENSE_TYPES[key][1] if key else ""


# --- Face fields (GB/T 36903 照面信息) -------------------------------------------------------------------


def _field(key: str, label: str, kind: str = "text", *, required: bool = True) -> dict[str, Any]:
    return {"key": key, "label": label, "type": kind, "required": required}


@dataclass(frozen=True)
class TypeSpec:
    holder_kind: str
    authority: str  # the kind of body that issues it
    fields: tuple[dict[str, Any], ...]
    validity_years: int | None = None  # None: long-term, or set license by license


PERSON, ORGANIZATION = HolderKind.PERSON, HolderKind.ORGANIZATION
SEX, BIRTH, ADDRESS = (
    _field("sex", "性别"),
    _field("birth_date", "出生日期", "date"),
    _field("address", "住址"),
)
LEGAL_REP, PRINCIPAL = _field("legal_representative", "法定代表人"), _field("principal", "负责人")
DOMICILE, PREMISES = _field("domicile", "住所"), _field("premises", "经营场所")
SCOPE, NOTE = _field("business_scope", "经营范围"), _field("note", "备注", required=False)
MARKET, HEALTH, HRSS = "市场监督管理部门", "卫生健康主管部门", "人力资源和社会保障部门"
TRANSPORT, CULTURE, DRUGS = "交通运输主管部门", "文化和旅游主管部门", "药品监督管理部门"
HOUSING, CIVIL, POLICE = "住房和城乡建设部门", "民政部门", "公安机关"


def _money(key: str, label: str, *, required: bool = True) -> dict[str, Any]:
    return _field(key, f"{label}（万元）", "number", required=required)


TYPE_SPECS: dict[str, TypeSpec] = {
    # 居民身份证: 5, 10 or 20 years or long-term by the holder's age (居民身份证法 §5), set per license
    "idcard": TypeSpec(PERSON, POLICE, (SEX, _field("ethnicity", "民族"), BIRTH, ADDRESS)),
    "hukou": TypeSpec(
        PERSON,
        POLICE,
        (
            _field("household_type", "户别"),
            _field("head_name", "户主姓名"),
            _field("relation", "与户主关系"),
            SEX,
            BIRTH,
            _field("birthplace", "出生地"),
            ADDRESS,
        ),
    ),
    "sscard": TypeSpec(PERSON, HRSS, (SEX, _field("bank", "服务银行"), _field("card_kind", "卡别")), 10),
    "bizlic": TypeSpec(
        ORGANIZATION,
        MARKET,
        (
            _field("company_type", "类型"),
            LEGAL_REP,
            _money("registered_capital", "注册资本"),
            _field("established_on", "成立日期", "date"),
            _field("business_term", "营业期限"),
            DOMICILE,
            SCOPE,
        ),
    ),
    "property": TypeSpec(
        PERSON,
        "不动产登记机构",
        (
            _field("co_ownership", "共有情况"),
            _field("location", "坐落"),
            _field("unit_number", "不动产单元号"),
            _field("right_type", "权利类型"),
            _field("right_nature", "权利性质"),
            _field("usage", "用途"),
            _field("area", "面积（平方米）", "number"),
            _field("term", "使用期限"),
            _field("note", "附记", required=False),
        ),
    ),
    "marriage": TypeSpec(
        PERSON,
        "婚姻登记机关",
        (
            _field("registered_on", "登记日期", "date"),
            _field("spouse_name", "配偶姓名"),
            _field("spouse_nationality", "配偶国籍"),
            NOTE,
        ),
    ),
    "divorce": TypeSpec(
        PERSON,
        "婚姻登记机关",
        (_field("registered_on", "登记日期", "date"), _field("former_spouse_name", "原配偶姓名"), NOTE),
    ),
    # the first licence is valid 6 years (机动车驾驶证申领和使用规定 §25)
    "driving": TypeSpec(
        PERSON,
        "公安机关交通管理部门",
        (
            SEX,
            _field("nationality", "国籍"),
            ADDRESS,
            BIRTH,
            _field("first_issued_on", "初次领证日期", "date"),
            _field("vehicle_class", "准驾车型"),
        ),
        6,
    ),
    "vehicle": TypeSpec(
        PERSON,
        "公安机关交通管理部门",
        (
            _field("plate_number", "号牌号码"),
            _field("vehicle_type", "车辆类型"),
            ADDRESS,
            _field("use_character", "使用性质"),
            _field("model", "品牌型号"),
            _field("vin", "车辆识别代号"),
            _field("engine_number", "发动机号码"),
            _field("registered_on", "注册日期", "date"),
        ),
    ),
    "birth": TypeSpec(
        PERSON,
        "助产机构",
        (
            SEX,
            BIRTH,
            _field("birthplace", "出生地点"),
            _field("mother_name", "母亲姓名"),
            _field("father_name", "父亲姓名", required=False),
            _field("institution", "接生机构名称"),
        ),
    ),
    "residence": TypeSpec(
        PERSON, POLICE, (SEX, BIRTH, _field("domicile", "户籍地址"), _field("residence", "居住地址")), 1
    ),
    "food": TypeSpec(
        ORGANIZATION,
        MARKET,
        (LEGAL_REP, DOMICILE, PREMISES, _field("main_format", "主体业态"), _field("items", "经营项目")),
        5,
    ),
    "transport_qual": TypeSpec(
        PERSON,
        TRANSPORT,
        (SEX, BIRTH, _field("qualification", "从业资格类别"), _field("first_issued_on", "初领日期", "date")),
        6,
    ),
    "physician": TypeSpec(
        PERSON,
        HEALTH,
        (
            SEX,
            BIRTH,
            _field("category", "执业类别"),
            _field("scope", "执业范围"),
            _field("workplace", "执业地点"),
            _field("institution", "主要执业机构"),
        ),
    ),
    "nurse": TypeSpec(
        PERSON,
        HEALTH,
        (
            SEX,
            BIRTH,
            _field("institution", "执业机构"),
            _field("first_registered_on", "首次注册日期", "date"),
        ),
        5,
    ),
    "travel_agency": TypeSpec(
        ORGANIZATION, CULTURE, (LEGAL_REP, PREMISES, SCOPE, _money("deposit", "质量保证金"))
    ),
    "teacher": TypeSpec(
        PERSON,
        "教育行政部门",
        (SEX, BIRTH, _field("qualification", "资格种类"), _field("subject", "任教学科")),
    ),
    "disability": TypeSpec(
        PERSON,
        "残疾人联合会",
        (
            SEX,
            BIRTH,
            ADDRESS,
            _field("category", "残疾类别"),
            _field("grade", "残疾等级"),
            _field("guardian", "监护人", required=False),
        ),
    ),
    "employment": TypeSpec(
        PERSON, HRSS, (SEX, _field("category", "人员类别"), _field("registered_on", "登记日期", "date"))
    ),
    "graduation": TypeSpec(
        PERSON,
        "高等学校",
        (
            SEX,
            BIRTH,
            _field("school", "学校名称"),
            _field("major", "专业"),
            _field("level", "层次"),
            _field("enrolled_on", "入学日期", "date"),
            _field("graduated_on", "毕业日期", "date"),
        ),
    ),
    "road_transport": TypeSpec(ORGANIZATION, TRANSPORT, (LEGAL_REP, DOMICILE, SCOPE), 4),
    "public_health": TypeSpec(
        ORGANIZATION, HEALTH, (LEGAL_REP, _field("venue", "场所地址"), _field("permitted", "许可项目")), 4
    ),
    "medical_org": TypeSpec(
        ORGANIZATION,
        HEALTH,
        (
            LEGAL_REP,
            PRINCIPAL,
            _field("site", "地址"),
            _field("ownership", "所有制形式"),
            _field("category", "医疗机构类别"),
            _field("departments", "诊疗科目"),
            _field("beds", "床位（张）", "number", required=False),
        ),
        5,
    ),
    "drug_retail": TypeSpec(
        ORGANIZATION,
        DRUGS,
        (
            LEGAL_REP,
            PRINCIPAL,
            _field("quality_principal", "质量负责人"),
            _field("registered_address", "注册地址"),
            _field("warehouse", "仓库地址", required=False),
            _field("business_mode", "经营方式"),
            SCOPE,
        ),
        5,
    ),
    "tobacco": TypeSpec(
        ORGANIZATION, "烟草专卖局", (PRINCIPAL, PREMISES, SCOPE, _field("supplier", "供货单位")), 5
    ),
    "veteran": TypeSpec(PERSON, "退役军人事务部门", (SEX, BIRTH, _field("category", "优待对象类别"))),
    "no_record": TypeSpec(PERSON, POLICE, (SEX, _field("purpose", "用途"), _field("finding", "查询结果"))),
    "hr_service": TypeSpec(ORGANIZATION, HRSS, (LEGAL_REP, DOMICILE, _field("service_scope", "服务范围"))),
    "labor_dispatch": TypeSpec(
        ORGANIZATION, HRSS, (LEGAL_REP, DOMICILE, _money("registered_capital", "注册资本")), 3
    ),
    "school": TypeSpec(
        ORGANIZATION,
        "教育行政部门",
        (
            _field("headmaster", "校长"),
            _field("school_address", "办学地址"),
            _field("school_type", "学校类型"),
            _field("programs", "办学内容"),
        ),
        5,
    ),
    "entertainment": TypeSpec(
        ORGANIZATION,
        CULTURE,
        (
            LEGAL_REP,
            PREMISES,
            _field("venue_type", "场所类型"),
            _field("area", "经营面积（平方米）", "number"),
        ),
        2,
    ),
    "internet_cafe": TypeSpec(ORGANIZATION, CULTURE, (LEGAL_REP, PREMISES, SCOPE), 3),
    "food_production": TypeSpec(
        ORGANIZATION,
        MARKET,
        (
            LEGAL_REP,
            DOMICILE,
            _field("production_address", "生产地址"),
            _field("food_category", "食品类别"),
        ),
        5,
    ),
    "social_org": TypeSpec(
        ORGANIZATION,
        CIVIL,
        (
            LEGAL_REP,
            DOMICILE,
            _field("business_scope", "业务范围"),
            _field("activity_area", "活动地域"),
            _money("registered_funds", "注册资金"),
            _field("supervisor", "业务主管单位", required=False),
        ),
        5,
    ),
    "private_nonprofit": TypeSpec(
        ORGANIZATION,
        CIVIL,
        (
            LEGAL_REP,
            DOMICILE,
            _field("business_scope", "业务范围"),
            _money("funds", "开办资金"),
            _field("supervisor", "业务主管单位", required=False),
        ),
        4,
    ),
    "medical_device": TypeSpec(
        ORGANIZATION,
        DRUGS,
        (
            LEGAL_REP,
            PRINCIPAL,
            DOMICILE,
            PREMISES,
            _field("warehouse", "库房地址", required=False),
            _field("business_mode", "经营方式"),
            SCOPE,
        ),
        5,
    ),
    "construction": TypeSpec(
        ORGANIZATION,
        HOUSING,
        (
            _field("project_name", "建设项目名称"),
            _field("site", "建设地址"),
            _field("scale", "建设规模（平方米）", "number"),
            _money("contract_price", "合同价格"),
            _field("contractor", "施工单位"),
            _field("supervisor", "监理单位", required=False),
            _field("starts_on", "合同开工日期", "date"),
            _field("ends_on", "合同竣工日期", "date", required=False),
        ),
    ),
    "presale": TypeSpec(
        ORGANIZATION,
        HOUSING,
        (
            _field("project_name", "项目名称"),
            _field("location", "坐落"),
            _field("buildings", "预售范围"),
            _field("area", "预售面积（平方米）", "number"),
            _field("usage", "房屋用途"),
        ),
    ),
    "publication": TypeSpec(ORGANIZATION, "出版行政主管部门", (LEGAL_REP, PREMISES, SCOPE)),
    "drainage": TypeSpec(
        ORGANIZATION,
        "城镇排水主管部门",
        (
            LEGAL_REP,
            _field("drain_address", "排水户地址"),
            _field("drain_type", "排水户类型"),
            _field("outlets", "排水口数量", "number"),
            _field("daily_volume", "许可排水量（立方米/日）", "number"),
            _field("pollutants", "主要污染物项目", required=False),
        ),
        5,
    ),
}


# --- Creating ----------------------------------------------------------------------------------------


def demo_licenses_create() -> list[License]:
    """Create the license types that do not exist yet; then, when the database holds no license, issue
    every holding through the licenses services on its day, with its later change, suspension or expiry
    on theirs. The licenses made (both versions of a changed one), in the order they were issued."""
    types = license_types_create()
    if License.objects.exists():
        return []
    issuing = _Issuing(types)
    for day, n, act in sorted(issuing.timeline(), key=lambda act: act[:2]):
        with _at(timezone.make_aware(dt.datetime.combine(day, dt.time(9)) + dt.timedelta(minutes=n))):
            act()
    return list(License.objects.filter(pk__in=issuing.made).order_by("signed_at", "pk"))


def license_types_create() -> dict[str, LicenseType]:
    """Every type of LICENSE_TYPES with its face fields (a type that exists keeps what it has), by key."""
    existing = set(LicenseType.objects.filter(code__in=_codes()).values_list("code", flat=True))
    LicenseType.objects.bulk_create(
        LicenseType(
            code=code,
            name=name,
            holder_kind=TYPE_SPECS[key].holder_kind,
            face_fields=[dict(f) for f in TYPE_SPECS[key].fields],
            validity_years=TYPE_SPECS[key].validity_years,
            issuing_authority=TYPE_SPECS[key].authority,
        )
        for key, (code, name) in LICENSE_TYPES.items()
        if code not in existing
    )
    by_code = {t.code: t for t in LicenseType.objects.filter(code__in=_codes())}
    return {key: by_code[code] for key, (code, _name) in LICENSE_TYPES.items()}


def _codes() -> list[str]:
    return [code for code, _name in LICENSE_TYPES.values()]


Act = tuple[dt.date, int, Callable[[], Any]]


class _Issuing:
    """Plays HOLDINGS: finds the holders and the issuers' reviewers once, issues, changes, suspends."""

    def __init__(self, types: dict[str, LicenseType]):
        self.types = types
        self.today = timezone.localdate()
        holders = {held.holder for held in HOLDINGS}
        self.holders = {
            u.username: u
            for u in User.objects.filter(username__in=holders).select_related("person", "company")
        }
        self.issuers = _issuers({held.issuer for held in HOLDINGS})
        self.licenses: dict[int, License] = {}  # by position in HOLDINGS
        self.made: list[int] = []  # primary keys

    def timeline(self) -> Iterator[Act]:
        for n, held in enumerate(HOLDINGS):
            issued_on = self._day(held.issued)
            yield issued_on, n, lambda n=n, held=held, on=issued_on: self.issue(n, held, on)
            if held.changed is not None:
                yield self._day(held.changed[0]), n, lambda n=n, held=held: self.change(n, held)
            if held.suspended is not None:
                yield self._day(held.suspended[0]), n, lambda n=n, held=held: self.suspend(n, held)
            until = _valid_until(held, issued_on)
            if until is not None and until < self.today:
                yield until + dt.timedelta(days=1), n, licenses_expire  # the nightly sweep, that day

    def issue(self, n: int, held: Held, on: dt.date) -> None:
        issuer, by = self.issuers[held.issuer]
        values = {"year": on.year, "issued": on.isoformat()}
        issue = Issue(
            license_type=self.types[held.type],
            holder=self.holders[held.holder],
            number=held.number.format(**values),
            face_data={key: value.format(**values) for key, value in held.face.items()},
            issued_on=on,
            valid_from=on,
            valid_until=_valid_until(held, on),
        )
        self.licenses[n] = license_issue(issuer=issuer, data=issue, by=by)
        self.made.append(self.licenses[n].pk)

    def change(self, n: int, held: Held) -> None:
        """变更: a new version with the changed face values, the same number and validity."""
        old, on = self.licenses[n], timezone.localdate()
        issue = Issue(
            license_type=old.license_type,
            holder=old.holder,
            number=old.number,
            face_data=old.face_data | held.changed[1],
            issued_on=on,
            valid_from=on,
            valid_until=old.valid_until,
            jurisdiction=old.jurisdiction,
            level=old.level,
        )
        self.licenses[n] = license_new_version(license_=old, data=issue, by=self.issuers[held.issuer][1])
        self.made.append(self.licenses[n].pk)

    def suspend(self, n: int, held: Held) -> None:
        self.licenses[n] = license_operate(
            license_=self.licenses[n],
            operation=LicenseOperation.SUSPEND,
            by=self.issuers[held.issuer][1],
            reason=held.suspended[1],
        )

    def _day(self, days_back: int) -> dt.date:
        return self.today - dt.timedelta(days=days_back)


def _issuers(names: set[str]) -> dict[str, tuple[Organization, Actor]]:
    """Each issuing organization with the demo reviewer who issues there (accounts.LICENSING)."""
    roles = (
        StaffRole.objects.filter(
            role=Role.REVIEWER,
            revoked_at=None,
            organization__name__in=names,
            user__username__in=[a.username for a in demo_accounts()],
        )
        .select_related("organization", "user")
        .order_by("user__username")
    )
    actors: dict[int, Actor] = {}
    found = {}
    for role in roles:
        if role.user_id not in actors:
            actors[role.user_id] = actor_for(role.user)
        found.setdefault(role.organization.name, (role.organization, actors[role.user_id]))
    if missing := names - set(found):
        raise LookupError(f"no demo reviewer issues licenses at {sorted(missing)}")
    return found


def _valid_until(held: Held, issued_on: dt.date) -> dt.date | None:
    years = held.years if held.years is not None else TYPE_SPECS[held.type].validity_years
    if years is None:
        return None
    return years_after(issued_on, years)
