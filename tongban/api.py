"""The JSON API (django-ninja, OpenAPI 3.1) mounted at /api/v1/; each app contributes a Router."""

import json
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError
from ninja.renderers import JSONRenderer

from tongban.core.errors import DomainError, FieldError, NotFound, ValidationFailed
from tongban.core.validation_messages import pydantic_message
from tongban.identity.access import AccessDenied, ActionRefused


class ChineseJSONRenderer(JSONRenderer):
    """Chinese stays Chinese in responses (no \\uXXXX escapes)."""

    json_dumps_params = {"ensure_ascii": False}


def _openapi_as_committed(view):
    """ninja serves its OpenAPI document with \\u escapes; serve the text docs/openapi.json holds."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if not isinstance(response, JsonResponse):
            return response  # the docs page
        from tongban.openapi import render

        return HttpResponse(render(json.loads(response.content)), content_type="application/json")

    return wrapped


api = NinjaAPI(
    title="通办 API",
    version="1",
    description="武汉都市圈政务服务“圈内通办”平台接口。",
    renderer=ChineseJSONRenderer(),
    urls_namespace="api",
    docs_url=None,
    docs_decorator=_openapi_as_committed,
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError):
    body = {"detail": exc.message, "errors": [{"field": e.field, "message": e.message} for e in exc.errors]}
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(AccessDenied)
@api.exception_handler(ActionRefused)
def access_refused(request: HttpRequest, exc: AccessDenied | ActionRefused):
    """Recorded in the audit log, then answered like any other 404/403."""
    from tongban.identity.denials import record_denial

    record_denial(request, exc)
    return domain_error(request, exc)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404):
    return domain_error(request, NotFound())


def _field_error(error: dict) -> FieldError:
    source, *path = error["loc"]
    name = ".".join(str(part) for part in path) or str(source)
    return FieldError(name, f"参数 {name}：{pydantic_message(error)}。")


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError):
    """ninja's own 422 comes back as our 400 with Chinese messages naming the parameter."""
    errors = [_field_error(error) for error in exc.errors]
    return domain_error(request, ValidationFailed(message=errors[0].message, errors=errors))


def _mount_routers() -> None:
    from tongban.catalog.api import router as catalog_router
    from tongban.identity.api import router as identity_router
    from tongban.identity.api_codes import router as identity_codes_router
    from tongban.regions.api import router as regions_router

    api.add_router("/regions", regions_router)
    api.add_router("/catalog", catalog_router)
    api.add_router("/identity", identity_router)
    api.add_router("/identity/codes", identity_codes_router)
    api.add_router("/cases", "tongban.cases.api.router")
    api.add_router("/shipments", "tongban.cases.api.carrier_router")
    api.add_router("/licenses/presentations", "tongban.licenses.api_presentations.router")
    api.add_router("/licenses/issuing", "tongban.licenses.api_issuing.router")
    api.add_router("/licenses", "tongban.licenses.api.router")
    api.add_router("/notifications", "tongban.notifications.api.router")
    api.add_router("/questions", "tongban.consult.api.router")


_mount_routers()
