"""我的消息: the signed-in user's inbox (unread first), and marking one or all read (POST with the CSRF
token). The header's unread badge is a template tag (templatetags/notifications.py). It is not polled:
every request renews the session, so polling would keep an idle browser signed in for ever.

Thin: the selectors scope everything to the user; another user's message answers 404 (notification_get
raises AccessDenied, which DenialMiddleware records and answers).
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from tongban.identity.access import actor_from_request

from .selectors import notification_get, notifications_for, unread_count
from .services import notification_mark_read, notifications_mark_all_read

PER_PAGE = 20


def _back_to_inbox(request: HttpRequest) -> HttpResponse:
    page = request.POST.get("page", "")
    url = reverse("notifications:inbox")
    return redirect(f"{url}?page={page}" if page.isdigit() and page != "1" else url)


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    page = Paginator(notifications_for(actor), PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "unread": unread_count(actor.user_id)}
    return render(request, "notifications/inbox.html", context)


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one message read; with `open`, go on to the page the message points to."""
    actor = actor_from_request(request)
    notification = notification_mark_read(notification=notification_get(actor, pk), by=actor)
    link = notification.link  # a site path: notify() refuses anything else, and this checks again
    if "open" in request.POST and link and url_has_allowed_host_and_scheme(link, allowed_hosts=None):
        return redirect(link)
    return _back_to_inbox(request)


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    notifications_mark_all_read(by=actor_from_request(request))
    return _back_to_inbox(request)
