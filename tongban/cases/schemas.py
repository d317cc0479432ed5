"""API shapes of cases. Personal data only ever masked: the applicant and agent by name and masked ID
number, free text (the form, reasons) with every ID and mobile number in it masked."""

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

from tongban.catalog.choices import Mode
from tongban.core.choices import Channel
from tongban.core.masking import mask_id_number, mask_text
from tongban.licenses.schemas import LicenseSummaryOut
from tongban.licenses.selectors import license_face_rows
from tongban.regions.schemas import Choice, choice_of

from .choices import Action, CaseStatus, Decision, Party, StepStatus, event_kind_label
from .models import Case, Light, MaterialKind, ShipmentPurpose, ShipmentStatus


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_masked(item) for item in value]
    return value


def _party(user) -> dict | None:
    if user is None:
        return None
    person = getattr(user, "person", None)
    company = getattr(user, "company", None)
    identifier = mask_id_number(person.id_number) if person else (company.uscc if company else "")
    return {"name": str(person or company or user), "identifier": identifier}


class PartyOut(Schema):
    name: str = Field(description="个人为实名，法人为名称")
    identifier: str = Field(description="个人为脱敏公民身份号码，法人为统一社会信用代码")


class CaseSummaryOut(Schema):
    number: str = Field(description="办件编号（16位数字）")
    number_display: str = Field(description="分组显示的办件编号，如 4201 0026 0302 0001")
    item: str = Field(description="事项名称")
    mode: choice_of(Mode) = Field(description="办理模式")
    status: choice_of(CaseStatus) = Field(description="状态")
    light: choice_of(Light) | None = Field(description="红黄牌（未开始计时为空）")
    due_on: date | None = Field(description="办结期限")
    due_provisional: bool = Field(description="期限待定（节假日未公布，按周末计算）")
    handling_org: str = Field(description="办理单位")
    receiving_org: str = Field(description="收件单位")
    version: int = Field(description="修改次数；办理操作时作为 expected_version 传回")
    created_at: datetime

    @staticmethod
    def resolve_item(obj: Case) -> str:
        return obj.service_item.name

    @staticmethod
    def resolve_light(obj: Case) -> str | None:
        return obj.light or None

    @staticmethod
    def resolve_handling_org(obj: Case) -> str:
        return obj.handling_org.name

    @staticmethod
    def resolve_receiving_org(obj: Case) -> str:
        return obj.receiving_org.name


class CaseOut(CaseSummaryOut):
    implementation_code: str = Field(description="事项实施编码")
    channel: choice_of(Channel) = Field(description="申请渠道")
    decision: choice_of(Decision) | None = Field(description="决定（作出决定后）")
    applicant: PartyOut = Field(description="申请人")
    agent: PartyOut | None = Field(description="代理人（委托代办时）")
    owner: str = Field(description="首问负责人（工作人员姓名）")
    form_data: dict = Field(description="申请表内容（其中的身份证号、手机号已脱敏）")
    received_at: datetime | None
    accepted_at: datetime | None
    decided_at: datetime | None
    closed_at: datetime | None

    @staticmethod
    def resolve_implementation_code(obj: Case) -> str:
        return obj.implementation_version.implementation.code

    @staticmethod
    def resolve_decision(obj: Case) -> str | None:
        return obj.decision or None

    @staticmethod
    def resolve_applicant(obj: Case) -> dict:
        return _party(obj.applicant)

    @staticmethod
    def resolve_agent(obj: Case) -> dict | None:
        return _party(obj.agent)

    @staticmethod
    def resolve_owner(obj: Case) -> str:
        return str(obj.owner) if obj.owner_id else ""

    @staticmethod
    def resolve_form_data(obj: Case) -> dict:
        return _masked(obj.form_data or {})


class CaseStartIn(Schema):
    implementation_code: str = Field(description="事项实施编码（办事指南现行版本）", max_length=36)
    form_data: dict = Field(default_factory=dict, description="申请表内容（草稿可不完整，提交时校验）")


class EventOut(Schema):
    seq: int
    action: Choice = Field(description="操作：流转表中的操作，或不改变状态的记录（环节办结、补充材料、寄递）")
    from_status: choice_of(CaseStatus) | None
    to_status: choice_of(CaseStatus)
    actor: str = Field(description="操作人")
    on_behalf_of: str = Field(description="代为办理的申请人（帮办代办、委托代办时）")
    organization: str = Field(description="操作单位")
    party: choice_of(Party)
    channel: choice_of(Channel)
    owner_after: str = Field(description="此后负责人")
    reason: str
    at: datetime

    @staticmethod
    def resolve_action(obj) -> dict[str, str]:
        return {"value": obj.action, "label": event_kind_label(obj.action)}

    @staticmethod
    def resolve_from_status(obj) -> str | None:
        return obj.from_status or None

    @staticmethod
    def resolve_actor(obj) -> str:
        return obj.actor_label

    @staticmethod
    def resolve_on_behalf_of(obj) -> str:
        return obj.on_behalf_of_label

    @staticmethod
    def resolve_organization(obj) -> str:
        return obj.organization.name if obj.organization_id else ""

    @staticmethod
    def resolve_owner_after(obj) -> str:
        return str(obj.owner_after) if obj.owner_after_id else ""

    @staticmethod
    def resolve_reason(obj) -> str:
        return mask_text(obj.reason)


class ActionOut(Schema):
    action: choice_of(Action)
    to_status: choice_of(CaseStatus)
    needs: list[str] = Field(
        description="须提供的内容：reason、remedies、defects、promise、procedure、recipient"
    )

    @staticmethod
    def resolve_to_status(obj) -> str:
        return obj.to

    @staticmethod
    def resolve_needs(obj) -> list[str]:
        return sorted(str(need) for need in obj.needs)


class PromiseIn(Schema):
    guide_material_id: int = Field(description="容缺材料（办事指南所列材料的 id）")
    promised_on: date = Field(description="承诺补交日期（晚于今天）")


class ProcedureIn(Schema):
    kind: str = Field(description="特别程序种类：hearing、inspection、testing、quarantine、appraisal 等")
    expected_days: int = Field(description="预计所需工作日（1–365）")
    description: str = Field("", max_length=300)


class ActIn(Schema):
    expected_version: int | None = Field(None, description="页面上看到的 version；办件已变化时 409")
    reason: str = Field("", max_length=2000, description="理由（撤回、挂起、不予受理、不予办理、移交等）")
    remedies: str = Field("", max_length=2000, description="申请人的救济途径（不予受理、不予办理）")
    defects: list[str] = Field(default_factory=list, description="需要补正的全部内容（一次性告知）")
    promises: list[PromiseIn] = Field(default_factory=list, description="容缺材料及承诺补交日期")
    procedure: ProcedureIn | None = Field(None, description="特别程序")
    recipient: int | None = Field(None, description="接手人员的账号 id（移交）")
    license_face: dict = Field(
        default_factory=dict, description="准予且结果为电子证照时：照面信息（未填的项取自申请表的同名项）"
    )
    method: str = Field(
        "",
        description="送达方式（送达结果时必填）：post、window（仅窗口收件的办件）、in_person、electronic",
    )


class MaterialOut(Schema):
    id: int
    name: str
    kind: choice_of(MaterialKind)
    guide_material_id: int | None
    content_type: str
    size: int
    sha256: str
    license_reference: str
    consented_at: datetime | None = Field(description="免证明：申请人同意共享证照的时间")
    promised_on: date | None
    uploaded_at: datetime


class SharedField(Schema):
    label: str
    value: str


class WalletLicenseOut(LicenseSummaryOut):
    """A wallet license offered for a material, with exactly what consenting would share."""

    holder_name: str = Field(description="持证主体")
    shared: list[SharedField] = Field(description="同意后共享给办理单位的证照信息")

    @staticmethod
    def resolve_shared(obj) -> list[dict]:
        return [{"label": label, "value": value} for label, value in license_face_rows(obj)]


class WalletOfferOut(Schema):
    guide_material_id: int
    material: str = Field(description="可用电子证照代替的申请材料")
    license_type: str = Field(description="可代替该材料的证照类型")
    licenses: list[WalletLicenseOut] = Field(
        description="申请人可共享的有效证照（调用者须为持证人或其企业经办人）"
    )

    @staticmethod
    def resolve_guide_material_id(obj) -> int:
        return obj.material.pk

    @staticmethod
    def resolve_material(obj) -> str:
        return obj.material.name

    @staticmethod
    def resolve_license_type(obj) -> str:
        return obj.material.license_type_name


class WalletMaterialIn(Schema):
    """免证明: the applicant's license stands in for a material, shared with their consent."""

    guide_material_id: int = Field(description="办事指南所列材料")
    license: str = Field(max_length=200, description="代替该材料的电子证照标识")
    consent: bool = Field(description="已阅读将共享的证照信息并同意共享给办理单位，仅用于本次申请")


class WindowReceiptIn(Schema):
    """异地代收: the clerk identifies the applicant by 身份码, or by name and ID number."""

    window_id: int = Field(description="圈内通办专窗")
    implementation_code: str = Field(max_length=36, description="事项实施编码（办理地的现行办事指南）")
    identity_code: str = Field(
        "", max_length=2000, description="申请人出示的身份码（与姓名、身份号码二选一）"
    )
    real_name: str = Field("", max_length=50, description="申请人姓名")
    id_number: str = Field("", max_length=18, description="申请人公民身份号码")
    consent: bool = Field(description="申请人已签署服务同意书")
    form_data: dict = Field(default_factory=dict, description="按办理地办事指南填写的申请表")
    mode: str = Field("proxy", description="办理模式：proxy（异地代收代办）或 joint（多地联办）")


class ChecklistRowOut(Schema):
    name: str
    necessity: str = Field(description="必要性")
    form: str = Field(description="材料形式（原件、复印件、电子材料……）")
    copies: int = Field(description="份数")
    license_type_name: str = Field(description="可替代的电子证照")

    @staticmethod
    def resolve_necessity(obj) -> str:
        return obj.get_necessity_display()

    @staticmethod
    def resolve_form(obj) -> str:
        return obj.get_form_display()


class ReceiptOut(Schema):
    """收件告知单."""

    number: str
    number_display: str
    item: str
    implementation_code: str
    guide_version: int = Field(description="办理地办事指南版本号")
    receiving_org: str
    receiving_window: str
    handling_org: str
    promised_days: int = Field(description="承诺办结时限（工作日）")
    consent_at: datetime | None = Field(description="签署服务同意书时间")
    received_at: datetime | None
    checklist: list[ChecklistRowOut] = Field(description="办理地办事指南所列材料")
    materials: list[MaterialOut] = Field(description="已收材料")
    delivery: list[str] = Field(description="结果领取方式")

    @staticmethod
    def resolve_number(obj) -> str:
        return obj.case.number

    @staticmethod
    def resolve_number_display(obj) -> str:
        return obj.case.number_display

    @staticmethod
    def resolve_item(obj) -> str:
        return obj.case.service_item.name

    @staticmethod
    def resolve_implementation_code(obj) -> str:
        return obj.version.implementation.code

    @staticmethod
    def resolve_guide_version(obj) -> int:
        return obj.version.number

    @staticmethod
    def resolve_receiving_org(obj) -> str:
        return obj.case.receiving_org.name

    @staticmethod
    def resolve_receiving_window(obj) -> str:
        return obj.case.receiving_window.name

    @staticmethod
    def resolve_handling_org(obj) -> str:
        return obj.case.handling_org.name

    @staticmethod
    def resolve_promised_days(obj) -> int:
        return obj.case.promised_days

    @staticmethod
    def resolve_consent_at(obj):
        return obj.case.consent_at

    @staticmethod
    def resolve_received_at(obj):
        return obj.case.received_at


class ShipmentIn(Schema):
    purpose: str = Field(
        description="用途：materials_to_handler、originals_to_archive、result_to_applicant、result_to_window"
    )
    carrier: str = Field(description="寄递企业", max_length=60)
    tracking_number: str = Field(description="运单号", max_length=60)


class ShipmentEventIn(Schema):
    status: str = Field(description="状态：in_transit、delivered、returned")
    text: str = Field("", max_length=200, description="物流说明")


class ShipmentEventOut(Schema):
    at: datetime
    status: choice_of(ShipmentStatus)
    text: str


class ShipmentOut(Schema):
    id: int
    purpose: choice_of(ShipmentPurpose)
    carrier: str
    tracking_number: str
    status: choice_of(ShipmentStatus)
    events: list[ShipmentEventOut]
    created_at: datetime
    updated_at: datetime


class CarrierEventIn(ShipmentEventIn):
    carrier: str = Field(max_length=60, description="寄递企业（与登记时相同）")
    tracking_number: str = Field(max_length=60, description="运单号")


class CarrierShipmentOut(Schema):
    """What a carrier's system learns: its own parcel's state, nothing about the case."""

    carrier: str
    tracking_number: str
    status: choice_of(ShipmentStatus)
    events: list[ShipmentEventOut]


class FormIn(Schema):
    form_data: dict = Field(description="申请表内容（草稿可不完整，提交时按办事指南的申请表校验）")


class StepOut(Schema):
    position: int
    name: str = Field(description="环节名称（含办理单位）")
    organization: str = Field(description="办理单位")
    stage: int = Field(description="阶段：同一阶段的环节并行办理，各阶段依次办理")
    status: choice_of(StepStatus)
    time_limit_days: int = Field(description="环节时限（工作日）")
    due_on: date | None
    light: choice_of(Light) | None
    finished_at: datetime | None
    opinion: str

    @staticmethod
    def resolve_organization(obj) -> str:
        return obj.organization.name

    @staticmethod
    def resolve_light(obj) -> str | None:
        return obj.light or None

    @staticmethod
    def resolve_opinion(obj) -> str:
        return mask_text(obj.opinion)


class StepFinishIn(Schema):
    agree: bool = Field(description="同意（环节办结）或不同意（须填写意见）")
    opinion: str = Field("", max_length=2000, description="办理意见")
    expected_version: int | None = Field(None, description="页面上看到的办件 version；已变化时 409")
