"""Identity's API: who am I, and mandates (委托代办) (this module); identity-code verification (api_codes.py).

Mandates belong to person and company accounts, so their endpoints answer a signed-in account (browser
session with CSRF, or an app using the session); a system's token is refused with 403. Another account's
mandate answers 404. Refusals carry a Chinese `detail` and, for bad input, one message per field.
"""

from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited
from ninja import Router, Status

from tongban.core.errors import DomainError
from tongban.regions.schemas import ErrorOut

from .access import ActionRefused, Actor
from .api_auth import API_AUTH, api_actor
from .schemas import MandateIn, MandateOut, MandatesOut, MeOut
from .selectors.mandates import mandate_get, mandates_given, mandates_received
from .selectors.me import me_summary
from .services.mandates import CREATE_RATE, CREATE_RATE_GROUP, mandate_create, mandate_revoke

router = Router(tags=["身份与授权"], auth=API_AUTH)

FOR_ACCOUNTS_ONLY = "接口令牌不能查询或办理委托：委托属于个人或法人账号。"
TOO_MANY = "提交过于频繁，请稍后再试。"
REFUSALS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def _account_actor(request: HttpRequest, action: str) -> Actor:
    actor = api_actor(request)
    if actor.user is None:
        raise ActionRefused(action, message=FOR_ACCOUNTS_ONLY)
    return actor


@router.get("/me", response=MeOut, summary="当前调用者")
def me(request: HttpRequest):
    """登录的个人、法人或工作人员账号：类型、名称、脱敏的身份证号和手机号、工作人员的角色及单位；
    接口令牌：令牌名称、所属单位和权限范围。"""
    return me_summary(api_actor(request))


@router.get("/mandates", response={200: MandatesOut, 403: ErrorOut}, summary="我的委托（我委托的、我受托的）")
def mandate_list(request: HttpRequest):
    actor = _account_actor(request, "mandate.view")
    return {"given": list(mandates_given(actor)), "received": list(mandates_received(actor))}


@router.post("/mandates", response={201: MandateOut, 429: ErrorOut, **REFUSALS}, summary="新建委托")
def mandate_new(request: HttpRequest, payload: MandateIn):
    """受托人须为已注册的个人，姓名与身份号码须与其注册信息一致；不能委托自己。全部事项与事项列表二选一，
    事项须为目录中的基本编码。生效日期不早于今天，到期日期晚于生效日期，最长一年。"""
    actor = _account_actor(request, "mandate.create")
    if is_ratelimited(
        request,
        group=CREATE_RATE_GROUP,
        key=lambda _g, _r: str(actor.user_id),
        rate=CREATE_RATE,
        increment=True,
    ):
        raise DomainError(message=TOO_MANY, status=429)
    mandate = mandate_create(by=actor, **payload.dict())
    return Status(201, mandate_get(actor, mandate.pk))


@router.get(
    "/mandates/{mandate_id}", response={200: MandateOut, 403: ErrorOut, 404: ErrorOut}, summary="一项委托"
)
def mandate_detail(request: HttpRequest, mandate_id: int):
    """仅委托双方可以查看；其他人得到 404。"""
    return mandate_get(_account_actor(request, "mandate.view"), mandate_id)


@router.post(
    "/mandates/{mandate_id}/revoke",
    response={200: MandateOut, 409: ErrorOut, **REFUSALS},
    summary="撤销委托",
)
def mandate_revoke_now(request: HttpRequest, mandate_id: int):
    """委托人（或代表法人的经办人）可以撤销，立即生效；受托人 403，其他人 404，已撤销的 409。"""
    actor = _account_actor(request, "mandate.revoke")
    mandate_revoke(mandate=mandate_get(actor, mandate_id), by=actor)
    return mandate_get(actor, mandate_id)
