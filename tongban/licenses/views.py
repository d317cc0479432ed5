"""Portal pages of the licenses app: the holder's wallet (我的证照) with each license's page, its printable
PDF and its exported file; the public verification of a license by its identifier (no account needed; the
holder is masked; rate-limited like the API)."""

import json

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_GET
from django_ratelimit.decorators import ratelimit

from tongban.core.errors import ValidationFailed
from tongban.core.masking import mask_id_number
from tongban.identity.access import actor_from_request
from tongban.identity.views.errors import rate_limited

from .api import VERIFY_RATE
from .choices import HolderCodeType
from .rendering import license_pdf
from .schemas import verification_out
from .selectors import (
    license_by_identifier,
    license_events,
    license_export,
    license_get,
    license_verify,
    licenses_held,
)

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


PAGE_SIZE = 20


@login_required
@require_GET
def wallet(request: HttpRequest) -> HttpResponse:
    """我的证照: the licenses of the account (and of the companies the person operates)."""
    licenses = licenses_held(actor_from_request(request))
    page = Paginator(licenses, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "licenses/wallet.html", {"page": page})


def _verify_url(request: HttpRequest, identifier: str) -> str:
    return request.build_absolute_uri(reverse("licenses:verify")) + f"?identifier={identifier}"


@login_required
@require_GET
def license_page(request: HttpRequest, identifier: str) -> HttpResponse:
    license_ = license_get(actor_from_request(request), identifier)
    code = license_.holder_code
    masked = mask_id_number(code) if license_.holder_code_type == HolderCodeType.ID_NUMBER else code
    face = [
        (spec["label"], license_.face_data.get(spec["key"], "")) for spec in license_.license_type.face_fields
    ]
    return render(
        request,
        "licenses/license.html",
        {
            "license": license_,
            "holder_code": masked,
            "face": [(label, value) for label, value in face if value],
            "result": license_verify(license_),
            "events": list(license_events(license_)),
            "verify_url": _verify_url(request, license_.identifier),
        },
    )


@login_required
@require_GET
def license_pdf_download(request: HttpRequest, identifier: str) -> HttpResponse:
    license_ = license_get(actor_from_request(request), identifier)
    pdf = license_pdf(
        license_,
        verify_url=_verify_url(request, license_.identifier),
        status_label=license_.get_status_display(),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="license-{license_.serial}-{license_.version}.pdf"'
    return response


@login_required
@require_GET
def license_file(request: HttpRequest, identifier: str) -> HttpResponse:
    """The exported license file, for `tongban license verify` or another city's verifier."""
    license_ = license_get(actor_from_request(request), identifier)
    body = json.dumps(license_export(license_), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="license-{license_.serial}-{license_.version}.json"'
    )
    return response


urlpatterns = [
    path("licenses/", wallet, name="wallet"),
    path("licenses/verify/", verify_page, name="verify"),
    path("licenses/<str:identifier>/", license_page, name="license"),
    path("licenses/<str:identifier>/pdf/", license_pdf_download, name="pdf"),
    path("licenses/<str:identifier>/file/", license_file, name="file"),
]
