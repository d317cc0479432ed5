from django.db import models


class DeliveryChannel(models.TextChoices):
    """How a notification reaches its recipient. The inbox is the notification row itself."""

    INBOX = "inbox", "站内消息"
    SMS = "sms", "短信"
    EMAIL = "email", "电子邮件"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"
    SKIPPED = "skipped", "未发送（无联系方式）"
