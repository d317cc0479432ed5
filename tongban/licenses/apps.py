from django.apps import AppConfig


class LicensesConfig(AppConfig):
    name = "tongban.licenses"
    label = "licenses"
    verbose_name = "电子证照"

    def ready(self) -> None:
        from .rules import register_rules

        register_rules()
