"""Every write of notifications: `notify` (called by other apps inside their own transaction), reading
(`notification_mark_read`, `notifications_mark_all_read`), and the sending of one delivery
(`delivery_send`, run by the task) with its retries (`deliveries_retry_due`, run by the worker's sweep).

Never twice: a delivery is sent only by the run that claimed it with a conditional UPDATE (pending, not
claimed, due); a second run of the task, or a second worker at the same moment, finds nothing to claim.
A send interrupted half-way (the worker killed while the gateway had the message) leaves a claim behind
that nobody finishes; the sweep gives it up as failed rather than risk a second message.

Retries: a failed attempt is tried again after 1, 5, 30 and 120 minutes (5 attempts in all) by the same
task enqueued with run_after (django-tasks-db supports it); next_attempt_at records when. The sweep also
enqueues due deliveries whose task was lost (the process stopped between commit and enqueue).
"""

import re
from datetime import timedelta
from functools import partial

import structlog
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from tongban.core.errors import ValidationFailed
from tongban.core.masking import mask_text
from tongban.identity import access
from tongban.identity.access import Actor

from .choices import DeliveryChannel, DeliveryStatus
from .models import Delivery, Notification
from .selectors import contact_address
from .senders import Outgoing, SendFailed, sender_for

log = structlog.get_logger("tongban.notifications")

ALL_CHANNELS = (DeliveryChannel.INBOX, DeliveryChannel.SMS, DeliveryChannel.EMAIL)
MAX_ATTEMPTS = 5
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
# A claim older than this was interrupted: no sender takes this long (the SMS gateway times out at 10 s).
CLAIM_TIMEOUT = timedelta(minutes=10)
# A due delivery nobody claimed for this long lost its task; the sweep enqueues it again.
LOST_AFTER = timedelta(minutes=5)
KIND = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)*")
EMAIL_IN_TEXT = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
INTERRUPTED = "发送中断，结果未知；为免重复发送，不再重试。"
SMS_SIGNATURE = "【通办】"
EMAIL_FOOTER = "详情请登录武汉都市圈政务服务“圈内通办”平台，在“我的消息”中查看。"


def _validate(*, kind: str, title: str, link: str, dedupe_key: str, channels) -> None:
    if not KIND.fullmatch(kind or "") or len(kind) > 50:
        raise ValidationFailed.on("kind", "消息类型应为小写英文代码，如 case.accepted。")
    if not title.strip():
        raise ValidationFailed.on("title", "消息标题不能为空。")
    if len(title) > 200:
        raise ValidationFailed.on("title", "消息标题不能超过200个字。")
    if link and (not link.startswith("/") or link.startswith("//") or "\\" in link or len(link) > 300):
        raise ValidationFailed.on("link", "消息链接应为本站路径，以“/”开头。")
    if not dedupe_key or len(dedupe_key) > 200:
        raise ValidationFailed.on("dedupe_key", "去重键不能为空，且不能超过200个字符。")
    if not channels or set(channels) - set(DeliveryChannel.values):
        raise ValidationFailed.on("channels", "发送渠道只能是站内消息、短信或电子邮件。")
    if DeliveryChannel.INBOX not in channels:  # the notification row is the inbox message: it always exists
        raise ValidationFailed.on("channels", "发送渠道须包含站内消息：每条通知都留存在“我的消息”中。")


def notify(
    *,
    recipient,
    kind: str,
    title: str,
    body: str,
    link: str = "",
    dedupe_key: str,
    channels=ALL_CHANNELS,
) -> Notification:
    """Notify a user of an event, in the caller's transaction: always in their inbox (我的消息), and by
    SMS and e-mail as `channels` asks. The same dedupe_key for the same recipient returns the first
    notification and creates and sends nothing more. SMS and e-mail are enqueued on commit (a rolled-back
    caller sends nothing); a channel the recipient has no address for is skipped. ID and mobile numbers
    in the title and body are masked before they are stored."""
    _validate(kind=kind, title=title, link=link, dedupe_key=dedupe_key, channels=channels)
    with transaction.atomic():
        notification, created = Notification.objects.get_or_create(
            recipient=recipient,
            dedupe_key=dedupe_key,
            defaults={
                "kind": kind,
                "title": mask_text(title.strip()),
                "body": mask_text(body.strip()),
                "link": link,
            },
        )
        if created:
            for channel in dict.fromkeys(channels):
                _delivery_create(notification, channel)
    return notification


def _delivery_create(notification: Notification, channel: str) -> Delivery:
    now = timezone.now()
    if channel == DeliveryChannel.INBOX:  # the notification row is the inbox message
        return Delivery.objects.create(
            notification=notification, channel=channel, status=DeliveryStatus.SENT, sent_at=now
        )
    if not contact_address(notification.recipient, channel):
        return Delivery.objects.create(
            notification=notification, channel=channel, status=DeliveryStatus.SKIPPED
        )
    delivery = Delivery.objects.create(notification=notification, channel=channel, next_attempt_at=now)
    # robust: the caller's work is committed whatever happens here; a lost enqueue is found by the sweep.
    transaction.on_commit(partial(_enqueue, delivery.pk), robust=True)
    return delivery


def _enqueue(delivery_id: int, run_after=None) -> None:
    from .tasks import notification_deliver

    task = notification_deliver.using(run_after=run_after) if run_after else notification_deliver
    task.enqueue(delivery_id)


# --- Reading --------------------------------------------------------------------------------------------


def notification_mark_read(*, notification: Notification, by: Actor) -> Notification:
    """Mark one of the actor's notifications read (again: nothing changes, the first time is kept)."""
    access.require(by, "notification.read", notification)
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at=None).update(read_at=timezone.now())
        notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_mark_all_read(*, by: Actor) -> int:
    """Mark all of the actor's unread notifications read; how many there were."""
    if by.user_id is None:
        return 0
    return Notification.objects.filter(recipient_id=by.user_id, read_at=None).update(read_at=timezone.now())


# --- Sending --------------------------------------------------------------------------------------------


def delivery_send(*, delivery_id: int) -> str | None:
    """Send one delivery if it is pending, due and not claimed; returns its new status, or None when there
    was nothing to do (sent, failed, skipped, not yet due, or being sent by another run)."""
    now = timezone.now()
    claimed = (
        Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING, claimed_at=None)
        .filter(Q(next_attempt_at=None) | Q(next_attempt_at__lte=now))
        .update(claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return None
    delivery = Delivery.objects.select_related("notification__recipient").get(pk=delivery_id)
    address = contact_address(delivery.notification.recipient, delivery.channel)
    if not address:  # the number or address was removed since the notification was made
        return _finish(delivery, status=DeliveryStatus.SKIPPED)
    try:
        sender_for(delivery.channel)(_outgoing(delivery, address))
    except Exception as error:  # any failure of a sender is one failed attempt, never a crashed worker
        return _failed(delivery, error, now)
    return _finish(delivery, status=DeliveryStatus.SENT, sent_at=timezone.now(), last_error="")


def _outgoing(delivery: Delivery, address: str) -> Outgoing:
    notification = delivery.notification
    if delivery.channel == DeliveryChannel.SMS:
        text = SMS_SIGNATURE + notification.title + (f"：{notification.body}" if notification.body else "")
    else:
        text = "\n\n".join(part for part in (notification.title, notification.body, EMAIL_FOOTER) if part)
    return Outgoing(
        reference=f"tongban-delivery-{delivery.pk}",
        to=address,
        subject=SMS_SIGNATURE + notification.title,
        text=text,
    )


def _finish(delivery: Delivery, **changes) -> str:
    Delivery.objects.filter(pk=delivery.pk, claimed_at=delivery.claimed_at).update(claimed_at=None, **changes)
    return changes["status"]


def error_description(error: BaseException) -> str:
    """What is recorded of a failure: a sender's own words (which name no person, and are masked again
    here to be sure), or for anything else only the kind of error, since messages may quote an address."""
    text = str(error) if isinstance(error, SendFailed) else f"发送出错（{type(error).__name__}）。"
    return EMAIL_IN_TEXT.sub("***", mask_text(text))[:300]


def _failed(delivery: Delivery, error: BaseException, now) -> str:
    description = error_description(error)
    log.warning(
        "notification_delivery_failed",
        delivery_id=delivery.pk,
        channel=delivery.channel,
        attempt=delivery.attempts,
        error=description,
    )
    if delivery.attempts >= MAX_ATTEMPTS:
        return _finish(delivery, status=DeliveryStatus.FAILED, last_error=description, next_attempt_at=None)
    retry_at = now + BACKOFF[delivery.attempts - 1]
    _finish(delivery, status=DeliveryStatus.PENDING, last_error=description, next_attempt_at=retry_at)
    _enqueue(delivery.pk, run_after=retry_at)
    return DeliveryStatus.PENDING


def deliveries_retry_due() -> dict[str, int]:
    """The worker's periodic sweep: give up interrupted sends, enqueue due deliveries whose task was lost.
    Safe to run at any time and in several workers at once (the task's claim decides who sends)."""
    now = timezone.now()
    interrupted = Delivery.objects.filter(
        status=DeliveryStatus.PENDING, claimed_at__lt=now - CLAIM_TIMEOUT
    ).update(status=DeliveryStatus.FAILED, claimed_at=None, next_attempt_at=None, last_error=INTERRUPTED)
    lost = list(
        Delivery.objects.filter(
            status=DeliveryStatus.PENDING, claimed_at=None, next_attempt_at__lte=now - LOST_AFTER
        ).values_list("pk", flat=True)[:1000]
    )
    for delivery_id in lost:
        _enqueue(delivery_id)
    return {"interrupted": interrupted, "enqueued": len(lost)}
