from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "tongban.regions"
    label = "regions"
    verbose_name = "行政区划与机构"
