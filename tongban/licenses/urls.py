from .views import app_name, urlpatterns  # noqa: F401 (Django reads both)
