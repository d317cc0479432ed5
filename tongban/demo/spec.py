"""The shapes the demo catalog is written in: an item family (a base item of the basic catalog with its
sub-items, 子项), its materials and fees, and the materials many guides share.

A family holds what every implementation of its items has in common; `guides.py` turns a family, one
of its items and an implementing organization into a published guide, varying what real cities vary
(promised days, visits, an extra material).
"""

from dataclasses import dataclass

from tongban.catalog.choices import Audience, MaterialForm, MaterialSource, Necessity


@dataclass(frozen=True)
class Material:
    name: str
    necessity: str = Necessity.REQUIRED
    form: str = MaterialForm.ORIGINAL
    copies: int = 1
    source: str = MaterialSource.APPLICANT
    license: str = ""  # key of tongban.demo.licenses.LICENSE_TYPES
    standard: str = ""  # acceptance standard (受理标准)
    blank_form: bool = False  # an application form with a blank and a filled-in sample


@dataclass(frozen=True)
class Fee:
    name: str
    standard: str
    basis: str


@dataclass(frozen=True)
class Sub:
    """A sub-item (子项) where it differs from its family: immediate, online, visits, extra materials,
    result."""

    name: str
    instant: bool | None = None
    online: bool | None = None
    visits: int | None = None
    extra: tuple[Material, ...] = ()
    result: str | None = None
    result_license: str | None = None


@dataclass(frozen=True)
class Family:
    """A base item of the basic catalog. With `subs`, each sub-item is a ServiceItem of its own (as in
    real catalogs, 住房公积金提取（购买自住住房）); without, the base item itself is the ServiceItem."""

    name: str
    theme: str
    item_type: str
    role: str  # which department implements it (see places_data.ROLES)
    basis: str  # legal basis (设定依据)
    conditions: str
    materials: tuple[Material, ...]
    subs: tuple[Sub | str, ...] = ()
    audience: str = Audience.NATURAL
    statutory: int = 20
    promised: tuple[int, int] = (3, 10)  # promised working days range across cities
    instant: bool = False  # 即办件
    visits: int = 1
    online: bool = False  # can be done fully online (全程网办), so visits may be 0
    result: str = ""
    result_license: str = ""
    fee: Fee | None = None
    choice: tuple[str, str, tuple[str, ...]] = ()  # (key, label, options) of the form's item field
    special: str = ""  # a special step (现场核查, 公示…) that does not count in the limit
    faq: tuple[tuple[str, str], ...] = ()
    city_only: bool = False  # implemented by cities only (e.g. 住房公积金管理中心)
    aliases: tuple[str, ...] = ()

    @property
    def items(self) -> list[Sub]:
        subs = self.subs or (self.name,)
        return [s if isinstance(s, Sub) else Sub(s) for s in subs]


def form(name: str, copies: int = 1) -> Material:
    return Material(name, copies=copies, blank_form=True, standard="填写完整，签字（盖章）清晰")


def license_material(name: str, key: str, **kwargs) -> Material:
    return Material(name, source=MaterialSource.GOVERNMENT, license=key, **kwargs)


# --- Materials many guides share -----------------------------------------------------------------

ID_CARD = license_material("申请人居民身份证", "idcard", standard="在有效期内，与申请人本人一致")
AGENT_ID = license_material("经办人居民身份证", "idcard", standard="在有效期内")
HUKOU = license_material("居民户口簿", "hukou", standard="户主页和本人页齐全")
SS_CARD = license_material("社会保障卡", "sscard")
BIZ_LICENSE = license_material("营业执照", "bizlic", standard="在有效期内")
PROPERTY_CERT = license_material("不动产权证书", "property")
MARRIAGE_CERT = license_material("结婚证", "marriage")
DRIVING_LICENSE = license_material("机动车驾驶证", "driving")
BIRTH_CERT = license_material("出生医学证明", "birth")
RESIDENCE_PERMIT = license_material("居住证", "residence")
PHOTO = Material("近期免冠一寸彩色照片", copies=2, standard="白色背景，近六个月内拍摄")
POWER_OF_ATTORNEY = Material("授权委托书及受托人身份证件（委托他人办理时提供）", necessity=Necessity.OPTIONAL)
UNIT_LETTER = Material("单位介绍信或经办人授权委托书", standard="加盖单位公章")
ARTICLES = Material("公司章程", standard="全体股东签署")
ADDRESS_PROOF = Material(
    "住所（经营场所）使用证明",
    form=MaterialForm.COPY,
    standard="房屋产权证明或租赁合同，实行住所申报承诺制的可提交承诺书",
)
BANK_CARD = Material("本人银行账户信息（银行卡或存折）", form=MaterialForm.COPY)
