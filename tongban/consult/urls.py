"""The question board's addresses (mounted at the site root): the public pages; the workbench's are added
beside them."""

from django.urls import path

from . import views_portal

app_name = "consult"
urlpatterns = [
    path("questions/", views_portal.board, name="list"),
    path("questions/ask/", views_portal.ask, name="ask"),
    path("questions/ask/suggest/", views_portal.suggest, name="suggest"),
    path("questions/ask/captcha/", views_portal.captcha_fresh, name="captcha"),
    path("questions/follow/<str:token>/", views_portal.follow, name="follow"),
    path("questions/<str:public_id>/", views_portal.question_page, name="question"),
]
