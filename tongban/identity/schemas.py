"""API schemas of identity: who am I, and mandates (委托代办). ID and phone numbers only ever masked."""

from dataclasses import asdict
from datetime import date, datetime

from ninja import Field, Schema

from tongban.regions.schemas import choice_of

from .choices import IdentityVerification, Role, TokenScope
from .models import Mandate
from .selectors.mandates import MandateStatus, agent_party, mandate_status, principal_party

# --- Me ---------------------------------------------------------------------------------------------


class StaffRoleOut(Schema):
    role: choice_of(Role) = Field(description="角色")
    organization: str = Field(description="所在单位名称")
    organization_uscc: str = Field(description="所在单位统一社会信用代码")
    item_code: str = Field(description="负责事项的基本编码（仅首席服务官）")


class ApiTokenOut(Schema):
    name: str = Field(description="令牌名称")
    organization: str = Field(description="所属单位名称")
    scopes: list[choice_of(TokenScope)] = Field(description="权限范围")
    expires_at: datetime | None = Field(description="到期时间；空表示长期有效（可随时撤销）")


class MeOut(Schema):
    kind: str = Field(
        description="调用者类型：person 个人、company 法人、staff 工作人员、system 接口令牌（系统）"
    )
    display_name: str = Field(description="个人为实名，法人为名称，令牌为令牌名称")
    id_number: str = Field(description="脱敏公民身份号码（仅个人），如 4201**********1232")
    phone: str = Field(description="脱敏手机号码，如 151****6702")
    uscc: str = Field(description="统一社会信用代码（仅法人）")
    verification: choice_of(IdentityVerification) | None = Field(description="实名认证方式（仅个人）")
    roles: list[StaffRoleOut] = Field(description="工作人员角色及所在单位")
    token: ApiTokenOut | None = Field(description="接口令牌（仅令牌调用时）")

    @staticmethod
    def resolve_verification(obj) -> str | None:
        return obj.verification or None


# --- Mandates -----------------------------------------------------------------------------------------


class MandatePartyOut(Schema):
    kind: str = Field(description="person 个人、company 法人")
    name: str = Field(description="个人为实名，法人为名称")
    identifier: str = Field(description="个人为脱敏公民身份号码，法人为统一社会信用代码")


class MandateOut(Schema):
    id: int
    principal: MandatePartyOut = Field(description="委托人")
    agent: MandatePartyOut = Field(description="受托人")
    all_items: bool = Field(description="是否委托全部事项")
    item_codes: list[str] = Field(description="委托事项的基本编码（全部事项时为空）")
    starts_on: date = Field(description="生效日期（含）")
    expires_on: date = Field(description="到期日期（含）")
    note: str = Field(description="说明")
    status: choice_of(MandateStatus) = Field(description="状态")
    created_at: datetime = Field(description="委托时间")
    revoked_at: datetime | None = Field(description="撤销时间")

    @staticmethod
    def resolve_principal(obj: Mandate) -> dict:
        return asdict(principal_party(obj))

    @staticmethod
    def resolve_agent(obj: Mandate) -> dict:
        return asdict(agent_party(obj))

    @staticmethod
    def resolve_status(obj: Mandate) -> str:
        return mandate_status(obj).value


class MandatesOut(Schema):
    given: list[MandateOut] = Field(description="我委托的")
    received: list[MandateOut] = Field(description="我受托的")


class MandateIn(Schema):
    agent_name: str = Field(description="受托人姓名（须与其注册的实名一致）")
    agent_id_number: str = Field(description="受托人公民身份号码（18位）")
    all_items: bool = Field(False, description="委托全部事项；为 false 时须列出 item_codes")
    item_codes: list[str] = Field(default_factory=list, description="委托事项的基本编码，最多 50 个")
    starts_on: date = Field(description="生效日期，不早于今天")
    expires_on: date = Field(description="到期日期（含当日），晚于生效日期，最长一年")
    note: str = Field("", description="说明（选填，最多 200 字）")
