"""The signed-in account's notifications: its inbox (paginated, unread first), the unread count, and
marking read. Another account's notification answers 404; a system's token has no inbox (403)."""

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import PageNumberPagination, paginate

from tongban.identity.access import ActionRefused, Actor
from tongban.identity.api_auth import API_AUTH, api_actor
from tongban.regions.schemas import ErrorOut

from .schemas import MarkedOut, NotificationOut, UnreadOut
from .selectors import notification_get, notifications_for, unread_count
from .services import notification_mark_read, notifications_mark_all_read

router = Router(tags=["消息通知"], auth=API_AUTH)

PAGE = {"page_size": 20, "max_page_size": 100}
FOR_ACCOUNTS_ONLY = "接口令牌没有消息：消息属于个人、法人或工作人员账号。"


def _account_actor(request: HttpRequest, action: str) -> Actor:
    actor = api_actor(request)
    if actor.user is None:
        raise ActionRefused(action, message=FOR_ACCOUNTS_ONLY)
    return actor


@router.get(
    "", response={200: list[NotificationOut], 400: ErrorOut, 403: ErrorOut}, summary="我的消息（未读在前）"
)
@paginate(PageNumberPagination, **PAGE)
def notification_list(request: HttpRequest):
    """当前账号的消息：未读的在前，其余按时间从新到旧；每页 20 条（page_size 最大 100）。"""
    return notifications_for(_account_actor(request, "notification.view"))


@router.get("/unread", response={200: UnreadOut, 403: ErrorOut}, summary="未读消息数")
def notification_unread(request: HttpRequest):
    return {"unread": unread_count(_account_actor(request, "notification.view").user_id)}


@router.post(
    "/{notification_id}/read",
    response={200: NotificationOut, 403: ErrorOut, 404: ErrorOut},
    summary="标为已读",
)
def notification_read(request: HttpRequest, notification_id: int):
    """只能标记自己的消息，他人的消息得到 404；已读的再标一次不改变首次阅读时间。"""
    actor = _account_actor(request, "notification.read")
    return notification_mark_read(notification=notification_get(actor, notification_id), by=actor)


@router.post("/read-all", response={200: MarkedOut, 403: ErrorOut}, summary="全部标为已读")
def notification_read_all(request: HttpRequest):
    """返回本次标为已读的条数。"""
    return {"marked": notifications_mark_all_read(by=_account_actor(request, "notification.read"))}
