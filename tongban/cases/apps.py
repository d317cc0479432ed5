from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "tongban.cases"
    label = "cases"
    verbose_name = "办件"

    def ready(self) -> None:
        from tongban.core import calendar

        from .rules import register_rules
        from .tasks import on_year_entered

        register_rules()
        calendar.on_year_entered(on_year_entered)
