"""The staff workbench's home (/workbench/): who I am here (organizations and roles), identity-code
verification at the window, and revealing an identified person's ID number when the work needs it.

Only staff (at least one active role) enter. A signed-in citizen who comes here gets the 403 page, not the
404 page: the workbench's existence is no secret (its login page is public), and a plain "for staff only"
helps someone who followed a wrong link. Anonymous visitors are sent to the staff login.
"""

from django import forms
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url
from django.urls import NoReverseMatch, path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.decorators import ratelimit

from tongban.core.choices import Channel
from tongban.core.errors import DomainError

from .. import access
from ..access import AccessDenied, ActionRefused, Actor, actor_from_request
from ..models import Person
from ..selectors.codes import account_identity, recently_identified, staff_roles_by_organization
from ..services.identity_codes import identity_code_verify
from ..services.reveal import FIELD_LABELS, person_reveal
from .errors import rate_limited

# Per staff member and per address: a scanner at a busy window reads a code every few seconds at most.
VERIFY_RATE = "30/m"
REVEAL_RATE = "20/m"
REVEAL_REASON = "窗口核验"
STAFF_ONLY = "工作台仅供工作人员使用。如您是工作人员，请联系所在单位的管理员开通角色。"


class CodeVerifyForm(forms.Form):
    token = forms.CharField(
        label="身份码",
        max_length=200,
        strip=True,
        error_messages={"required": "身份码：请扫描或输入申请人出示的身份码。", "max_length": "身份码无效。"},
    )
    place = forms.CharField(
        label="核验地点",
        max_length=200,
        required=False,
        error_messages={"max_length": "核验地点：不能超过 200 个字。"},
    )


def _login_url() -> str:
    try:
        return reverse("identity:workbench_login")
    except NoReverseMatch:
        return resolve_url(settings.LOGIN_URL)


def _staff_actor(request: HttpRequest) -> Actor:
    """The actor of a staff member at the window; anyone else is refused (403, recorded)."""
    actor = actor_from_request(request, channel=Channel.WINDOW)
    if not access.check(actor, "workbench.enter"):
        raise ActionRefused("workbench.enter", message=STAFF_ONLY)
    return actor


def staff_only(view):
    """For every workbench page (identity's, cases', licenses'): anonymous → the staff login (?next=here);
    signed-in non-staff → 403; staff → view(request, actor, …)."""

    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), _login_url())
        return view(request, _staff_actor(request), *args, **kwargs)

    wrapped.__name__, wrapped.__doc__ = view.__name__, view.__doc__
    return never_cache(wrapped)


def _render(request: HttpRequest, actor: Actor, *, status: int = 200, **context) -> HttpResponse:
    context = {
        "organizations": staff_roles_by_organization(user=request.user),
        "can_verify": access.check(actor, "identity_code.verify"),
        "form": CodeVerifyForm(),
        "recent": recently_identified(by=actor),
        "field_labels": FIELD_LABELS,
        **context,
    }
    return render(request, "identity/workbench.html", context, status=status)


@require_GET
@staff_only
def workbench(request: HttpRequest, actor: Actor) -> HttpResponse:
    return _render(request, actor)


@require_POST
@ratelimit(key="user_or_ip", rate=VERIFY_RATE, group="identity_code.verify", block=False)
@ratelimit(key="ip", rate=VERIFY_RATE, group="identity_code.verify.ip", block=False)
@staff_only
def code_verify(request: HttpRequest, actor: Actor) -> HttpResponse:
    """A scanned or pasted code → the identified account, masked (or the reason it identifies nobody)."""
    if getattr(request, "limited", False):
        return rate_limited(request)
    form = CodeVerifyForm(request.POST)
    if not form.is_valid():
        return _render(request, actor, form=form, problem=next(iter(form.errors.values()))[0])
    try:
        identified = identity_code_verify(
            token=form.cleaned_data["token"], by=actor, place=form.cleaned_data["place"]
        )
    except (AccessDenied, ActionRefused):
        raise
    except DomainError as exc:
        return _render(request, actor, problem=exc.message)
    return _render(request, actor, identified=identified)


@require_POST
@ratelimit(key="user_or_ip", rate=REVEAL_RATE, group="person.reveal", block=False)
@staff_only
def person_reveal_view(request: HttpRequest, actor: Actor, person_id: int) -> HttpResponse:
    """The clear ID (or phone) number of a person this clerk identified, in this response only (audited)."""
    if getattr(request, "limited", False):
        return rate_limited(request)
    person = Person.objects.select_related("user").filter(pk=person_id).first()
    if person is None:
        raise AccessDenied("person.reveal")
    field = request.POST.get("field", "")
    try:
        value = person_reveal(person=person, field=field, by=actor, reason=REVEAL_REASON)
    except (AccessDenied, ActionRefused):
        raise
    except DomainError as exc:
        return _render(request, actor, problem=exc.message, status=400)
    revealed = {"label": FIELD_LABELS[field], "value": value, "reason": REVEAL_REASON}
    return _render(request, actor, identified=account_identity(user=person.user), revealed=revealed)


urlpatterns = [
    path("workbench/", workbench, name="workbench"),
    path("workbench/code/verify/", code_verify, name="workbench_code_verify"),
    path("workbench/people/<int:person_id>/reveal/", person_reveal_view, name="workbench_person_reveal"),
]
