from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "tongban.identity"
    label = "identity"
    verbose_name = "身份与权限"

    def ready(self) -> None:
        from .rules import register_rules

        register_rules()
