"""The licenses API: the holder's wallet, one license and its exported file, and — without signing in — the
verification of a license by its identifier and the published keys with the status list."""

from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited
from ninja import Router
from ninja.pagination import PageNumberPagination, paginate

from tongban.core.errors import DomainError, NotFound
from tongban.identity.access import client_ip
from tongban.identity.api_auth import API_AUTH, api_actor
from tongban.regions.schemas import ErrorOut

from .schemas import EventOut, LicenseOut, LicenseSummaryOut, VerificationOut, verification_out
from .selectors import (
    keys_document,
    license_by_identifier,
    license_events,
    license_export,
    license_get,
    license_verify,
    licenses_held,
)

router = Router(tags=["电子证照"])
VERIFY_RATE = "30/m"
REFUSALS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


@router.get("/keys", auth=None, summary="公布的印章公钥与证照状态清单")
def keys(request: HttpRequest):
    """各颁发机构印章的 SM2 公钥（含已停用的）与所有非有效证照的状态：
    离线验证（tongban license verify）所需的全部内容。"""
    return keys_document()


@router.get(
    "/verify",
    auth=None,
    response={200: VerificationOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="按证照标识验证电子证照",
)
def verify(request: HttpRequest, identifier: str):
    """任何人都可以验证：签名是否通过、证照是否有效；持证人姓名脱敏。每个地址每分钟最多 30 次。"""
    if is_ratelimited(
        request,
        group="license.verify",
        key=lambda _g, r: client_ip(r) or "-",
        rate=VERIFY_RATE,
        increment=True,
    ):
        raise DomainError(message="验证过于频繁，请稍后再试。", status=429)
    license_ = license_by_identifier(identifier)
    if license_ is None:
        raise NotFound("没有该标识的电子证照。")
    return verification_out(license_, license_verify(license_))


@router.get("", auth=API_AUTH, response={200: list[LicenseSummaryOut]}, summary="我的证照")
@paginate(PageNumberPagination, page_size=20, max_page_size=100)
def wallet(request: HttpRequest):
    """个人或法人账号持有的电子证照（经办人可见所经办企业的证照），新的在前。"""
    return licenses_held(api_actor(request))


@router.get("/{identifier}", auth=API_AUTH, response={200: LicenseOut, **REFUSALS}, summary="一张证照")
def license_detail(request: HttpRequest, identifier: str):
    """持证人、颁发机构的审批人员可见；其他人得到 404。"""
    return license_get(api_actor(request), identifier)


@router.get(
    "/{identifier}/events", auth=API_AUTH, response={200: list[EventOut], **REFUSALS}, summary="证照操作记录"
)
def license_history(request: HttpRequest, identifier: str):
    return license_events(license_get(api_actor(request), identifier))


@router.get("/{identifier}/export", auth=API_AUTH, response={200: dict, **REFUSALS}, summary="导出证照文件")
def export(request: HttpRequest, identifier: str):
    """签名覆盖的全部内容、签名和印章指纹；可用 tongban license verify 离线验证。"""
    return license_export(license_get(api_actor(request), identifier))
