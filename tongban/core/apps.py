from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tongban.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        from . import checks  # noqa: F401 (registers Tongban's system checks)
