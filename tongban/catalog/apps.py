from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "tongban.catalog"
    label = "catalog"
    verbose_name = "事项目录"

    def ready(self) -> None:
        from .rules import register_rules

        register_rules()
