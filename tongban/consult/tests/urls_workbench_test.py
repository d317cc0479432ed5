"""The site's addresses with the board's workbench pages, for the workbench's view tests until (and after)
tongban/urls.py includes them."""

from django.urls import include, path

from tongban.urls import urlpatterns as site_urlpatterns

_namespaces = {getattr(p, "namespace", None) for p in site_urlpatterns}
urlpatterns = [
    *site_urlpatterns,
    *([] if "consult_workbench" in _namespaces else [path("", include("tongban.consult.urls_workbench"))]),
]
