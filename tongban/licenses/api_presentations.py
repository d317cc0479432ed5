"""亮证 over the API (/api/v1/licenses/presentations): the holder (browser session) creates a presentation of
one license, lists the presentations with their uses, and cancels an unused one; a verifier — a staff
member's session, or a system's bearer token with scope licenses:verify — verifies one.

Verification refusals answer with a Chinese `detail`: 400 a wrong, forged or no longer usable code (a typed
6-digit code is never told apart further), 409 a scanned code already used, 410 a scanned code expired or
cancelled, 403 a caller who may not verify, 429 too many attempts or failures.
"""

from datetime import datetime

from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from tongban.core.errors import DomainError
from tongban.identity.api_auth import API_AUTH, api_actor
from tongban.regions.schemas import ErrorOut, choice_of

from .choices import PresentationState
from .models import Presentation
from .presentation_codes import presentation_code, presentation_qr, presentation_token
from .presentations import (
    PresentationRefused,
    Presented,
    presentation_cancel,
    presentation_create,
    presentation_get,
    presentation_state,
    presentation_verify,
    presentations_of,
    verification_failed,
    verification_limited,
)
from .schemas import LicenseOut
from .selectors import license_get

router = Router(tags=["亮证"], auth=API_AUTH)
CREATE_RATE = "10/m"  # per holder: a presentation lasts minutes
REFUSALS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut}


class PresentationIn(Schema):
    identifier: str = Field(description="要出示的电子证照标识")


class PresentationOut(Schema):
    id: int
    identifier: str = Field(description="电子证照标识")
    type_name: str = Field(description="证照类型")
    created_at: datetime = Field(description="亮证时间")
    expires_at: datetime = Field(description="失效时间")
    state: choice_of(PresentationState) = Field(
        description="open 待核验、used 已核验、cancelled 已取消、expired 已过期"
    )
    used_at: datetime | None = Field(description="核验时间")
    verifier: str = Field(description="核验人（工作人员或系统）")
    verifier_organization: str = Field(description="核验单位")
    purpose: str = Field(description="核验事由")

    @staticmethod
    def resolve_identifier(obj: Presentation) -> str:
        return obj.license.identifier

    @staticmethod
    def resolve_type_name(obj: Presentation) -> str:
        return obj.license.license_type.name

    @staticmethod
    def resolve_state(obj: Presentation) -> str:
        return presentation_state(obj).value

    @staticmethod
    def resolve_verifier(obj: Presentation) -> str:
        return obj.used_by_label

    @staticmethod
    def resolve_verifier_organization(obj: Presentation) -> str:
        return obj.used_organization.name if obj.used_organization_id else ""


class PresentationShownOut(PresentationOut):
    code: str = Field(description="6 位亮证码，供无法扫码的核验方输入")
    token: str = Field(description="二维码的内容（已签名）")
    qr_svg: str = Field(description="二维码（QR，非 Micro QR）的 SVG 文本，可直接嵌入页面")

    @staticmethod
    def resolve_code(obj: Presentation) -> str:
        return presentation_code(obj)

    @staticmethod
    def resolve_token(obj: Presentation) -> str:
        return presentation_token(obj)

    @staticmethod
    def resolve_qr_svg(obj: Presentation) -> str:
        return presentation_qr(obj).svg_inline(scale=4, title="亮证二维码")


class PresentationVerifyIn(Schema):
    code: str = Field(description="持证人出示的 6 位亮证码，或扫描亮证二维码得到的文本")
    purpose: str = Field(description="核验事由（必填），如“办理不动产登记，查验不动产权证书”")
    organization_id: int | None = Field(None, description="核验单位（工作人员有多个单位时选填，默认第一个）")


class PresentedOut(Schema):
    license: LicenseOut = Field(description="所出示的证照（公民身份号码已脱敏）")
    verdict: str = Field(description="valid、tampered、unknown_issuer、not_valid")
    message: str = Field(description="签名与状态的验证结论")
    verified_at: datetime = Field(description="核验时间")
    purpose: str
    verifier_organization: str = Field(description="核验单位")


@router.post("", response={201: PresentationShownOut, **REFUSALS}, summary="亮证：出示一张证照")
def create(request: HttpRequest, payload: PresentationIn):
    """持证人本人（或企业经办人）为一张有效证照生成二维码和 6 位亮证码，几分钟内有效，只能核验一次；
    同一证照尚未使用的亮证随之作废。暂扣、注销等非有效证照不能亮证（409）。"""
    actor = api_actor(request)
    key = f"user:{actor.user_id}"
    if is_ratelimited(
        request, group="license_presentation.create", key=lambda *_: key, rate=CREATE_RATE, increment=True
    ):
        raise DomainError(message="操作过于频繁，请约 1 分钟后再试。", status=429)
    presentation = presentation_create(license_=license_get(actor, payload.identifier), by=actor)
    return Status(201, presentation)


@router.get("", response={200: list[PresentationOut]}, summary="我的亮证记录")
@paginate(PageNumberPagination, page_size=20, max_page_size=100)
def presentations(request: HttpRequest, identifier: str | None = None):
    """持证人所持证照的亮证及其核验记录（谁、哪个单位、何时、为何核验），新的在前；可按证照标识筛选。"""
    actor = api_actor(request)
    license_ = license_get(actor, identifier) if identifier else None
    return presentations_of(actor, license_)


@router.post("/{int:presentation_id}/cancel", response={200: PresentationOut, **REFUSALS}, summary="取消亮证")
def cancel(request: HttpRequest, presentation_id: int):
    """持证人取消尚未核验的亮证；已核验的不能取消（409）。"""
    actor = api_actor(request)
    return presentation_cancel(presentation=presentation_get(actor, presentation_id), by=actor)


@router.post(
    "/verify",
    response={200: PresentedOut, 410: ErrorOut, **REFUSALS},
    summary="核验亮证（窗口、自助终端、其他部门）",
)
def verify(request: HttpRequest, payload: PresentationVerifyIn):
    """工作人员（浏览器会话）或带 licenses:verify 权限的接口令牌可以核验，须说明核验事由。
    成功时该亮证即被使用，核验记录对持证人可见。每个核验方每分钟最多 30 次，失败的核验每小时最多 10 次。"""
    actor = api_actor(request)
    limited = verification_limited(request, actor)
    if limited:
        raise DomainError(message=limited, status=429)
    try:
        presented: Presented = presentation_verify(
            code=payload.code, purpose=payload.purpose, by=actor, organization_id=payload.organization_id
        )
    except PresentationRefused:
        verification_failed(request, actor)
        raise
    presentation = presented.presentation
    return {
        "license": presented.license,
        "verdict": presented.result.verdict.value,
        "message": presented.result.message,
        "verified_at": presented.verified_at,
        "purpose": presentation.purpose,
        "verifier_organization": presentation.used_organization.name
        if presentation.used_organization
        else "",
    }
