"""The question board's workbench pages (views_workbench); tongban/urls.py includes them."""

from django.urls import path, re_path

from .views_workbench import act, inbox, question_page, queue, stats

# A public_id is hex (models.new_public_id): /workbench/questions/rules/ (views_rules) is never taken for one.
PUBLIC_ID = r"(?P<public_id>[0-9a-f]{6,20})"

app_name = "consult_workbench"
urlpatterns = [
    path("workbench/questions/", queue, name="queue"),
    path("workbench/questions/inbox/", inbox, name="inbox"),
    path("workbench/questions/stats/", stats, name="stats"),
    re_path(rf"^workbench/questions/{PUBLIC_ID}/$", question_page, name="question"),
    re_path(
        rf"^workbench/questions/{PUBLIC_ID}/(?P<action>publish|route|reject|merge|edit|answer|revise)/$",
        act,
        name="act",
    ),
]
