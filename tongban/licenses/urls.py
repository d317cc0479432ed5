from .views import app_name  # noqa: F401 (Django reads it)
from .views import urlpatterns as license_urls
from .views_issuing import urlpatterns as issuing_urls
from .views_presentations import urlpatterns as presentation_urls

urlpatterns = [*license_urls, *presentation_urls, *issuing_urls]
