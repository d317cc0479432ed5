from django.contrib import admin
from django.urls import include, path
from ninja.openapi.views import openapi_view

from tongban.api import api

admin.site.site_header = "通办 管理后台"
admin.site.site_title = "通办"
admin.site.index_title = "目录、账号与审计"

urlpatterns = [
    path("api/v1/", api.urls),
    path("api/docs", openapi_view, {"api": api}, name="api-docs"),
    path("admin/", admin.site.urls),
    path("oidc/", include("tongban.identity.oidc")),
    path("", include("tongban.identity.urls")),
    path("", include("tongban.cases.urls")),
    path("", include("tongban.licenses.urls")),
    path("", include("tongban.catalog.urls")),
    path("", include("tongban.notifications.urls")),
    path("", include("tongban.consult.views_rules")),
    path("", include("tongban.consult.urls")),
    path("", include("tongban.consult.urls_workbench")),
    path("captcha/", include("captcha.urls")),
]
