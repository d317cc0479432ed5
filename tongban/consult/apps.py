from django.apps import AppConfig


class ConsultConfig(AppConfig):
    name = "tongban.consult"
    label = "consult"
    verbose_name = "我要提问"

    def ready(self) -> None:
        from .rules import register_rules

        register_rules()
