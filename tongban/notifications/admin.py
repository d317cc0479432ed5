"""The delivery log in the back office, read-only, for platform administrators (rule
notification_delivery.view): every SMS and e-mail with its status, attempts and last failure, to see
whether the gateway or the mail server is failing.

No personal data in clear: the recipient is named by account, never by phone number or address (the
delivery does not store them); titles were masked when the notification was made.
"""

from django.contrib import admin
from django.utils import timezone

from tongban.core.choices import Channel
from tongban.core.masking import mask_text
from tongban.identity import access
from tongban.identity.access import actor_from_request

from .models import Delivery


def _local(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M:%S}" if value else "—"


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "created",
        "kind",
        "recipient",
        "channel",
        "status",
        "attempts",
        "last_error",
        "sent",
        "next_attempt",
    ]
    list_filter = ["status", "channel", "created_at"]
    search_fields = ["=notification__kind", "=notification__recipient__username"]
    search_help_text = "按消息类型（完整，如 case.accepted）或账号用户名查找"
    ordering = ["-id"]
    list_per_page = 50
    show_full_result_count = False
    list_select_related = ["notification__recipient"]
    fields = [
        "created",
        "kind",
        "recipient",
        "title",
        "channel",
        "status",
        "attempts",
        "last_error",
        "sent",
        "next_attempt",
    ]
    readonly_fields = fields

    def _may(self, request) -> bool:
        return access.check(actor_from_request(request, channel=Channel.ADMIN), "notification_delivery.view")

    def has_module_permission(self, request) -> bool:
        return self._may(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._may(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="时间", ordering="created_at")
    def created(self, obj: Delivery) -> str:
        return _local(obj.created_at)

    @admin.display(description="消息类型", ordering="notification__kind")
    def kind(self, obj: Delivery) -> str:
        return obj.notification.kind

    @admin.display(description="接收账号")
    def recipient(self, obj: Delivery) -> str:
        return mask_text(obj.notification.recipient.username)  # a username may be a mobile number

    @admin.display(description="标题")
    def title(self, obj: Delivery) -> str:
        return obj.notification.title

    @admin.display(description="发送时间", ordering="sent_at")
    def sent(self, obj: Delivery) -> str:
        return _local(obj.sent_at)

    @admin.display(description="下次尝试", ordering="next_attempt_at")
    def next_attempt(self, obj: Delivery) -> str:
        return _local(obj.next_attempt_at) if obj.status == "pending" else "—"
