"""亮证 pages. The holder's (/licenses/<identifier>/present/): a button that shows the license as a QR code
and a 6-digit code, the countdown (htmx asks for the state every few seconds and stops once the
presentation is used, cancelled or expired), a cancel button, and every use of the license's presentations.
The verifier's, in the workbench (/workbench/licenses/present/): code and purpose in, the license and its
signature status out, once. Nothing here is cached: a code shown twice is a code that works once."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from tongban.core.errors import DomainError
from tongban.identity.access import AccessDenied, ActionRefused, Actor, actor_from_request
from tongban.identity.views.errors import rate_limited
from tongban.identity.views.workbench import staff_only
from tongban.regions.models import Organization

from .api_presentations import CREATE_RATE
from .choices import PresentationState
from .models import License, Presentation
from .presentation_codes import presentation_code, presentation_qr
from .presentations import (
    PresentationRefused,
    holder_require,
    presentation_cancel,
    presentation_create,
    presentation_current,
    presentation_get,
    presentation_lifetime,
    presentation_seconds_left,
    presentation_state,
    presentation_verify,
    presentations_of,
    verification_failed,
    verification_limited,
)
from .selectors import license_get

POLL_SECONDS = 5
STOP_POLLING = 286  # htmx stops polling on this status
QR_SCALE = 6
HISTORY = 50  # presentations listed on the holder's page, newest first (the API pages through all)
PURPOSES = ("办理业务查验证照", "窗口收件核验", "审批审查核验", "现场检查核验")


# --- The holder -------------------------------------------------------------------------------------


def _holders_license(request: HttpRequest, identifier: str) -> tuple[Actor, License]:
    """The license, for its holder only: others who may see it get 403, the rest 404 (both recorded)."""
    actor = actor_from_request(request)
    license_ = license_get(actor, identifier)
    holder_require(actor, "presentation.create", license_)
    return actor, license_


def _shown(presentation: Presentation | None) -> dict:
    """What the live part of the page shows of one presentation: its QR and code while open, else its end."""
    if presentation is None:
        return {"shown": None}
    state = presentation_state(presentation)
    context = {"shown": presentation, "state": state, "states": PresentationState}
    if state == PresentationState.OPEN:
        qr = presentation_qr(presentation)
        code = presentation_code(presentation)
        context |= {
            "qr_uri": qr.svg_data_uri(scale=QR_SCALE, border=4),
            "qr_size": qr.symbol_size(scale=QR_SCALE, border=4)[0],
            "code": f"{code[:3]} {code[3:]}",
            "left": divmod(presentation_seconds_left(presentation), 60),
            "poll_seconds": POLL_SECONDS,
        }
    return context


def _render_present(
    request: HttpRequest, actor: Actor, license_: License, *, status: int = 200, **context
) -> HttpResponse:
    context = {
        "license": license_,
        "minutes": int(presentation_lifetime().total_seconds() // 60),
        "presentations": [(p, presentation_state(p)) for p in presentations_of(actor, license_)[:HISTORY]],
        **_shown(presentation_current(license_)),
        **context,
    }
    return render(request, "licenses/presentation.html", context, status=status)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
@ratelimit(key="user", rate=CREATE_RATE, method="POST", group="license_presentation.create", block=False)
def present(request: HttpRequest, identifier: str) -> HttpResponse:
    actor, license_ = _holders_license(request, identifier)
    if request.method == "GET":
        return _render_present(request, actor, license_)
    if getattr(request, "limited", False):
        return rate_limited(request)
    try:
        presentation_create(license_=license_, by=actor)
    except (AccessDenied, ActionRefused):
        raise
    except DomainError as exc:
        return _render_present(request, actor, license_, problem=exc.message, status=exc.status)
    return redirect("licenses:present", identifier=identifier)


@login_required
@never_cache
@require_GET
def present_state(request: HttpRequest, identifier: str) -> HttpResponse:
    """The fragment htmx swaps in every POLL_SECONDS; the last one (used, cancelled, expired) stops it."""
    actor, license_ = _holders_license(request, identifier)
    try:
        presentation = presentation_get(actor, int(request.GET.get("p", "")))
    except ValueError:
        presentation = None
    if presentation is not None and presentation.license_id != license_.pk:
        presentation = None
    context = _shown(presentation)
    status = 200 if context.get("state") == PresentationState.OPEN else STOP_POLLING
    return render(request, "licenses/presentation.html#live", {"license": license_, **context}, status=status)


@login_required
@never_cache
@require_POST
def present_cancel(request: HttpRequest, identifier: str) -> HttpResponse:
    """Cancel the presentation the page showed (its id in the form, so a newer one is left alone)."""
    actor, license_ = _holders_license(request, identifier)
    try:
        presentation = presentation_get(actor, int(request.POST.get("presentation", "")))
    except ValueError:
        presentation = None
    if presentation is None or presentation.license_id != license_.pk:
        raise AccessDenied("presentation.cancel")
    try:
        presentation_cancel(presentation=presentation, by=actor)
    except (AccessDenied, ActionRefused):
        raise
    except DomainError as exc:
        return _render_present(request, actor, license_, problem=exc.message, status=exc.status)
    return redirect("licenses:present", identifier=identifier)


# --- The verifier, in the workbench -----------------------------------------------------------------


def _render_verify(request: HttpRequest, actor: Actor, *, status: int = 200, **context) -> HttpResponse:
    organizations = list(Organization.objects.filter(pk__in=actor.organization_ids()).order_by("pk"))
    context = {
        "organizations": organizations,
        "purposes": PURPOSES,
        "values": {"purpose": "", "organization": ""},
        **context,
    }
    return render(request, "licenses/presentation_verify.html", context, status=status)


@require_http_methods(["GET", "POST"])
@staff_only
def wb_present(request: HttpRequest, actor: Actor) -> HttpResponse:
    """A typed or scanned 亮证 code and the purpose → the license and its signature status (once)."""
    if request.method == "GET":
        return _render_verify(request, actor)
    values = {
        "purpose": request.POST.get("purpose", ""),
        "organization": request.POST.get("organization", ""),
    }
    limited = verification_limited(request, actor)
    if limited:
        return _render_verify(request, actor, problem=limited, values=values, status=429)
    try:
        organization_id = int(values["organization"]) if values["organization"] else None
    except ValueError:
        organization_id = -1  # not one of the verifier's: the service names the field
    try:
        presented = presentation_verify(
            code=request.POST.get("code", ""),
            purpose=values["purpose"],
            by=actor,
            organization_id=organization_id,
        )
    except PresentationRefused as exc:
        verification_failed(request, actor)
        return _render_verify(request, actor, problem=exc.message, values=values, status=exc.status)
    except (AccessDenied, ActionRefused):
        raise
    except DomainError as exc:
        field = exc.errors[0].field if exc.errors else ""
        return _render_verify(
            request, actor, problem=exc.message, field=field, values=values, status=exc.status
        )
    return _render_verify(request, actor, presented=presented, values=values)


urlpatterns = [
    path("licenses/<str:identifier>/present/", present, name="present"),
    path("licenses/<str:identifier>/present/state/", present_state, name="present_state"),
    path("licenses/<str:identifier>/present/cancel/", present_cancel, name="present_cancel"),
    path("workbench/licenses/present/", wb_present, name="wb_present"),
]
