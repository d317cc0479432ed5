"""Portal pages of the licenses app: the public verification of a license by its identifier (no account
needed; the holder is masked; rate-limited like the API)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET
from django_ratelimit.decorators import ratelimit

from tongban.core.errors import ValidationFailed
from tongban.identity.views.errors import rate_limited

from .api import VERIFY_RATE
from .schemas import verification_out
from .selectors import license_by_identifier, license_verify

app_name = "licenses"


@require_GET
@ratelimit(group="license.verify", key="ip", rate=VERIFY_RATE, block=False)
def verify_page(request: HttpRequest) -> HttpResponse:
    identifier = (request.GET.get("identifier") or "").strip()
    context: dict = {"identifier": identifier}
    if not identifier:
        return render(request, "licenses/verify.html", context)
    if getattr(request, "limited", False):
        return rate_limited(request)
    try:
        license_ = license_by_identifier(identifier)
    except ValidationFailed as exc:
        context["problem"] = exc.message
        return render(request, "licenses/verify.html", context, status=400)
    if license_ is None:
        context["problem"] = "没有该标识的电子证照，请核对后重新输入。"
        return render(request, "licenses/verify.html", context, status=404)
    result = license_verify(license_)
    context |= {"result": verification_out(license_, result), "ok": result.ok}
    return render(request, "licenses/verify.html", context)


urlpatterns = [path("licenses/verify/", verify_page, name="verify")]
