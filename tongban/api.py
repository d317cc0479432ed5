"""The JSON API (django-ninja, OpenAPI 3.1) mounted at /api/v1/; each app contributes a Router."""

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from tongban.core.errors import DomainError


class ChineseJSONRenderer(JSONRenderer):
    """Chinese stays Chinese in responses (no \\uXXXX escapes)."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="通办 API",
    version="1",
    description="武汉都市圈政务服务“圈内通办”平台接口。",
    renderer=ChineseJSONRenderer(),
    urls_namespace="api",
    docs_url=None,
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError):
    body = {"detail": exc.message, "errors": [{"field": e.field, "message": e.message} for e in exc.errors]}
    return api.create_response(request, body, status=exc.status)


def _mount_routers() -> None:
    from tongban.catalog.api import router as catalog_router
    from tongban.regions.api import router as regions_router

    api.add_router("/regions", regions_router)
    api.add_router("/catalog", catalog_router)


_mount_routers()
