from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "tongban.notifications"
    label = "notifications"
    verbose_name = "消息通知"

    def ready(self) -> None:
        from .rules import register_rules

        register_rules()
