from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "tongban.identity"
    label = "identity"
    verbose_name = "身份与权限"

    def ready(self) -> None:
        from . import auth_events
        from .rules import register_rules

        register_rules()
        auth_events.connect()
