from django.apps import AppConfig


class ConsultConfig(AppConfig):
    name = "tongban.consult"
    label = "consult"
    verbose_name = "我要提问"

    def ready(self) -> None:
        from tongban.cases.sweep import sweep_part_add

        from .rules import register_rules
        from .sweep import questions_sweep

        register_rules()
        sweep_part_add("questions", questions_sweep)  # answer deadlines: lights, reminders, escalation
