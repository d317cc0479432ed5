"""证照签发 over the API (/api/v1/licenses/issuing): the reviewers of an issuing organization list the
licenses their organizations issued, issue one (新发), change a license's status (暂扣, 发还, 注销, 撤销,
吊销) and make a new version (变更, 延续) — every write through services.py, which checks
`license.issue` / `license.operate` and audits it.

Answers: 400 with the field named (issuer_id, type_code, holder_code, number, valid_until, level,
face_data.<key>, operation, reason, kind); 403 for a caller who issues for no organization (or not for the
one named), and for one who sees the license but is not of its issuer; 404 for a license the caller may not
see; 409 for an operation or new version the license's status does not allow.
"""

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from tongban.core.errors import ValidationFailed
from tongban.identity import access
from tongban.identity.access import ActionRefused
from tongban.identity.api_auth import API_AUTH, api_actor
from tongban.regions.models import Organization
from tongban.regions.schemas import ErrorOut

from .choices import LicenseLevel, LicenseOperation, LicenseStatus
from .schemas import LicenseOut
from .selectors import license_type_by_code
from .selectors_issuing import (
    holder_by_code,
    issuing_organizations_required,
    license_issued_get,
    licenses_issued,
)
from .services import Issue, license_new_version, license_operate
from .services_issuing import license_issue_once, version_data

router = Router(tags=["证照签发"], auth=API_AUTH)
REFUSALS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
NOT_THIS_ISSUER = "您不是该机构的审批人员，不能以其名义签发证照。"
VERSION_KINDS = {LicenseOperation.CHANGE.value: False, LicenseOperation.RENEW.value: True}


class IssueIn(Schema):
    issuer_id: int = Field(description="颁发机构（调用者担任审批人员的单位）")
    type_code: str = Field(description="证照类型代码")
    holder_code: str = Field(description="持证主体代码：自然人的公民身份号码，或法人的统一社会信用代码")
    number: str = Field(description="证照编号；同一颁发机构、同一证照类型不能重复")
    valid_from: date = Field(description="有效期起始")
    valid_until: date | None = Field(None, description="有效期截止（空为长期）")
    level: str = Field(LicenseLevel.A.value, description="证照级别：A 或 B")
    face_data: dict[str, Any] = Field(default_factory=dict, description="照面信息：证照类型规定的各项")


class OperationIn(Schema):
    operation: str = Field(
        "", description="suspend 暂扣、return 发还、cancel 注销、revoke 撤销、withdraw 吊销"
    )
    reason: str = Field("", description="理由：暂扣、注销、撤销、吊销必填")


class VersionIn(Schema):
    kind: str = Field("", description="change 变更、renew 延续")
    face_data: dict[str, Any] = Field(description="新版本的照面信息（全部照面信息项）")
    valid_from: date = Field(description="有效期起始")
    valid_until: date | None = Field(None, description="有效期截止（空为长期）")
    number: str | None = Field(None, description="证照编号（不填则沿用）")
    level: str | None = Field(None, description="证照级别（不填则沿用）")


@router.get("", response={200: list[LicenseOut], 403: ErrorOut}, summary="本单位签发的证照")
@paginate(PageNumberPagination, page_size=20, max_page_size=100)
def issued(request: HttpRequest, q: str = "", status: str = ""):
    """调用者担任审批人员的颁发机构签发的电子证照（含各版本），新的在前；q 按证照编号、证照标识
    （部分即可）或完整的持证主体代码查找，status 按状态筛选。持证主体的公民身份号码已脱敏。"""
    actor = api_actor(request)
    issuing_organizations_required(actor)
    if status and status not in LicenseStatus.values:
        raise ValidationFailed.on("status", f"状态只能是 {'、'.join(LicenseStatus.values)}。")
    return licenses_issued(actor, q=q[:100], status=status)


def _issuer(actor, issuer_id: int) -> Organization:
    issuer = Organization.objects.filter(pk=issuer_id).first()
    if issuer is None:
        raise ValidationFailed.on("issuer_id", "颁发机构：没有该单位。")
    if not access.check(actor, "license.issue", issuer):  # organizations are public: refused, not hidden
        raise ActionRefused("license.issue", issuer, NOT_THIS_ISSUER)
    return issuer


@router.post("", response={200: LicenseOut, 201: LicenseOut, **REFUSALS}, summary="新发证照")
def issue(request: HttpRequest, payload: IssueIn):
    """以颁发机构名义签发一张电子证照（颁发机构的电子印章签名）。持证人须已在平台注册。
    同一颁发机构、同一证照类型的证照编号只签发一次：重复提交同一张证照返回第一次签发的证照（200），
    编号已用于其他证照时 400（number）。新签发时 201。"""
    actor = api_actor(request)
    issuing_organizations_required(actor)
    issuer = _issuer(actor, payload.issuer_id)
    license_type = license_type_by_code(payload.type_code.strip())
    if license_type is None:
        raise ValidationFailed.on("type_code", "证照类型代码：没有该证照类型。")
    license_, issued_now = license_issue_once(
        issuer=issuer,
        data=Issue(
            license_type=license_type,
            holder=holder_by_code(license_type, payload.holder_code),
            number=payload.number,
            face_data=payload.face_data,
            issued_on=timezone.localdate(),
            valid_from=payload.valid_from,
            valid_until=payload.valid_until,
            level=payload.level,
        ),
        by=actor,
    )
    return Status(201 if issued_now else 200, license_issued_get(actor, license_.identifier))


@router.post("/{identifier}/operations", response={200: LicenseOut, **REFUSALS}, summary="证照操作")
def operate(request: HttpRequest, identifier: str, payload: OperationIn):
    """暂扣（有效时）、发还（暂扣时）、注销、撤销、吊销（有效或暂扣时）；
    当前状态不允许时 409，不作任何改变。"""
    actor = api_actor(request)
    license_ = license_operate(
        license_=license_issued_get(actor, identifier),
        operation=payload.operation,
        by=actor,
        reason=payload.reason,
    )
    return license_issued_get(actor, license_.identifier)


@router.post("/{identifier}/versions", response={201: LicenseOut, **REFUSALS}, summary="变更或延续（新版本）")
def new_version(request: HttpRequest, identifier: str, payload: VersionIn):
    """签发新版本（新的证照标识，重新签章），原版本失效。
    只有最新版本的有效或失效证照可以变更或延续（否则 409）。"""
    actor = api_actor(request)
    if payload.kind not in VERSION_KINDS:
        raise ValidationFailed.on("kind", "办理类型只能是 change（变更）或 renew（延续）。")
    license_ = license_issued_get(actor, identifier)
    data = version_data(
        license_,
        face_data=payload.face_data,
        valid_from=payload.valid_from,
        valid_until=payload.valid_until,
        number=payload.number,
        level=payload.level,
    )
    new = license_new_version(license_=license_, data=data, by=actor, renew=VERSION_KINDS[payload.kind])
    return Status(201, license_issued_get(actor, new.identifier))
