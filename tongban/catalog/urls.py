"""The public portal's addresses (mounted at the site root)."""

from django.urls import path

from .views import portal

app_name = "catalog"
urlpatterns = [
    path("", portal.home, name="home"),
    path("search/", portal.search, name="search"),
    path("guide/<str:code>/", portal.guide, name="guide"),
    path("guide/<str:code>/v<int:number>/", portal.guide_version, name="guide-version"),
    path("items/<str:basic_code>/where/", portal.item_where, name="item-where"),
    path("items/<str:basic_code>/best/", portal.item_best, name="item-best"),
    path("agreements/", portal.agreements, name="agreements"),
    path("agreements/<int:pk>/", portal.agreement_detail, name="agreement"),
    path("list/", portal.tongban_list, name="list"),
    path("kiosks/<str:serial>/", portal.kiosk, name="kiosk"),
]
