"""The site's addresses with the board's public pages and the captcha's, for the board's view tests until
(and after) tongban/urls.py includes them."""

from django.urls import include, path

from tongban.urls import urlpatterns as site_urlpatterns

_namespaces = {getattr(p, "namespace", None) for p in site_urlpatterns}
urlpatterns = [
    *site_urlpatterns,
    *([] if "consult" in _namespaces else [path("", include("tongban.consult.urls"))]),
    *(
        []
        if any("captcha" in str(p.pattern) for p in site_urlpatterns)
        else [path("captcha/", include("captcha.urls"))]
    ),
]
