"""A notification (one message to one person, shown in their inbox) and its deliveries (one per channel:
the inbox, SMS, e-mail), each sent at most once by a task after the caller's transaction commits.

Title and body are stored masked (no ID or mobile number in clear), so that the inbox, the API, the SMS
text and the back office can all show them as they are. Phone numbers and e-mail addresses are not
copied here: the sender reads them from the recipient's account when it sends.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .choices import DeliveryChannel, DeliveryStatus


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类型", max_length=50)  # a short code such as "case.accepted"
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=300, blank=True)  # a path on this site
    # The caller's name for the event ("case:42:accepted"): notifying it again creates nothing.
    dedupe_key = models.CharField("去重键", max_length=200)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "消息"
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="notification_once_per_event")
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(fields=["recipient"], condition=Q(read_at=None), name="notification_unread"),
        ]

    def __str__(self) -> str:
        return self.title


class Delivery(models.Model):
    """One channel of one notification. A worker claims it (claimed_at) with a conditional UPDATE before
    sending, so two runs of the task never both send; a failed attempt waits until next_attempt_at."""

    notification = models.ForeignKey(
        Notification, verbose_name="消息", on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField("渠道", max_length=10, choices=DeliveryChannel.choices)
    status = models.CharField(
        "状态", max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.CharField("最近一次失败原因", max_length=300, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    next_attempt_at = models.DateTimeField("下次尝试时间", null=True, blank=True)
    claimed_at = models.DateTimeField("发送开始时间", null=True, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "消息投递"
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="delivery_once_per_channel")
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], condition=Q(status="pending"), name="delivery_pending_due"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {self.get_status_display()}"
