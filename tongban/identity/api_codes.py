"""Identity codes over the API: a signed-in person or company gets a new code (for an app that shows it);
a window (browser session with CSRF) or a kiosk (bearer token with scope identity:verify) verifies one.

Refusals answer with a Chinese `detail`: 400 a forged or malformed code, 410 an expired one, 409 one that
was already used, 404 a caller who may not verify (or issue), 429 too many attempts.
"""

from datetime import datetime

from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited
from ninja import Field, Router, Schema, Status

from tongban.core.errors import DomainError
from tongban.regions.schemas import ErrorOut

from .api_auth import API_AUTH, api_actor
from .selectors.codes import IdentifiedAccount
from .services.identity_codes import identity_code_issue, identity_code_qr, identity_code_verify

router = Router(tags=["身份码"], auth=API_AUTH)

ISSUE_RATE = "20/m"
VERIFY_RATE = "30/m"  # per kiosk token or per staff member
TOO_MANY = "操作过于频繁，请约 1 分钟后再试。"


class IssuedCodeOut(Schema):
    token: str = Field(description="身份码文本（约 75 个字符），二维码的内容")
    expires_at: datetime = Field(description="失效时间（签发后 60 秒）")
    kind: str = Field(description="账号类型：person 个人（身份码）、company 法人（企业码）")
    qr_svg: str = Field(description="二维码（QR，非 Micro QR）的 SVG 文本，可直接嵌入页面")


class CodeVerifyIn(Schema):
    token: str = Field(description="扫描或输入的身份码文本")
    place: str = Field("", description="核验地点，如窗口或自助终端名称（选填）")


class IdentifiedAccountOut(Schema):
    account_id: int = Field(description="账号编号")
    kind: str = Field(description="账号类型：person 个人、company 法人")
    name: str = Field(description="个人为脱敏姓名（如 张*丰），法人为名称")
    id_number: str = Field(description="脱敏身份证号（仅个人），如 4201**********1232")
    phone: str = Field(description="脱敏手机号码，如 151****6702")
    uscc: str = Field(description="统一社会信用代码（仅法人）")
    legal_representative: str = Field(description="法定代表人（仅法人）")
    verified_at: datetime = Field(description="核验时间")


def _limit(request: HttpRequest, *, group: str, rate: str) -> None:
    actor = api_actor(request)
    key = f"token:{actor.token.pk}" if actor.token is not None else f"user:{actor.user_id}"
    if is_ratelimited(request, group=group, key=lambda _group, _request: key, rate=rate, increment=True):
        raise DomainError(message=TOO_MANY, status=429)


@router.post(
    "",
    response={201: IssuedCodeOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="为本人（本企业）账号生成身份码",
)
def code_issue(request: HttpRequest):
    """只有个人或法人账号本身（浏览器会话）可以生成；每个码 60 秒内有效，只能核验一次。"""
    _limit(request, group="identity_code.issue", rate=ISSUE_RATE)
    issued = identity_code_issue(by=api_actor(request))
    qr_svg = identity_code_qr(token=issued.token).svg_inline(scale=4, title="身份码二维码")
    return Status(
        201,
        {
            "token": issued.token,
            "expires_at": issued.expires_at,
            "kind": issued.kind,
            "qr_svg": qr_svg,
        },
    )


@router.post(
    "/verify",
    response={
        200: IdentifiedAccountOut,
        400: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        410: ErrorOut,
        429: ErrorOut,
    },
    summary="核验身份码（窗口、自助终端）",
)
def code_verify(request: HttpRequest, payload: CodeVerifyIn):
    """窗口工作人员（浏览器会话）或带 identity:verify 权限的接口令牌（自助终端）可以核验。
    成功时该码即被使用；伪造或格式错误 400，已过期 410，已使用 409。返回的个人信息均已脱敏。"""
    _limit(request, group="identity_code.verify", rate=VERIFY_RATE)
    identified: IdentifiedAccount = identity_code_verify(
        token=payload.token, by=api_actor(request), place=payload.place
    )
    return identified
