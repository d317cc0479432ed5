from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("messages/", views.inbox, name="inbox"),
    path("messages/<int:pk>/read/", views.mark_read, name="mark_read"),
    path("messages/read-all/", views.mark_all_read, name="mark_all_read"),
]
