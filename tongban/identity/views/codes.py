"""The holder's identity-code page (/account/code/): a QR code that htmx replaces with a new one before it
expires. Only person and company accounts have one (staff get the 404 page, as for anything they may not
use). Nothing here is cached: a code shown twice would be a code that works once, shown twice."""

import time

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.cache import never_cache
from django_ratelimit.decorators import ratelimit

from tongban.core.errors import DomainError

from ..access import AccessDenied, ActionRefused, actor_from_request
from ..selectors.codes import account_holder, account_identity
from ..services.identity_codes import CODE_LIFETIME, identity_code_issue, identity_code_qr
from .errors import rate_limited

# The page asks for a new code this long after showing one, so the code on the screen is never one that
# expired while the clerk scans it (10 s to spare within its 60 s).
REFRESH_SECONDS = 50
# A page refreshes about once a minute; twenty a minute leaves room for a few tabs and reloads.
ISSUE_RATE = "20/m"
QR_SCALE = 6
# Each refresh renews the session (30 idle minutes), so a page left open would keep it alive for ever:
# after this long the page stops refreshing (htmx stops polling on status 286) until the holder asks again.
PAUSE_AFTER_SECONDS = 10 * 60
STOP_POLLING = 286


def _code_context(request: HttpRequest) -> dict:
    actor = actor_from_request(request)
    issued = identity_code_issue(by=actor)
    qr = identity_code_qr(token=issued.token)
    return {
        "issued": issued,
        "holder": account_identity(user=account_holder(user=request.user)),
        "qr_uri": qr.svg_data_uri(scale=QR_SCALE, border=4),
        "qr_size": qr.symbol_size(scale=QR_SCALE, border=4)[0],
        "lifetime": int(CODE_LIFETIME.total_seconds()),
        "refresh_seconds": REFRESH_SECONDS,
        "opened": int(time.time()),
    }


def _render_code(request: HttpRequest, template: str) -> HttpResponse:
    if getattr(request, "limited", False):
        return rate_limited(request)
    try:
        context = _code_context(request)
    except (AccessDenied, ActionRefused):
        raise  # the denial middleware answers (404) and records it
    except DomainError as exc:
        context = {"problem": exc.message}
    return render(request, template, context)


@login_required
@never_cache
@ratelimit(key="user", rate=ISSUE_RATE, method=ratelimit.ALL, group="identity_code.issue", block=False)
def code(request: HttpRequest) -> HttpResponse:
    return _render_code(request, "identity/code.html")


@login_required
@never_cache
@ratelimit(key="user", rate=ISSUE_RATE, method=ratelimit.ALL, group="identity_code.issue", block=False)
def code_refresh(request: HttpRequest) -> HttpResponse:
    """The fragment htmx swaps in: a new code, its QR and countdown; after PAUSE_AFTER_SECONDS a notice
    instead, and no new code."""
    try:
        opened = int(request.GET.get("opened", ""))
    except ValueError:
        opened = 0
    if time.time() - opened > PAUSE_AFTER_SECONDS:
        return render(request, "identity/code.html#paused", {}, status=STOP_POLLING)
    return _render_code(request, "identity/code.html#code")


urlpatterns = [
    path("account/code/", code, name="code"),
    path("account/code/refresh/", code_refresh, name="code_refresh"),
]
