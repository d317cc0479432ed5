"""Logins, logouts and failed logins are written to the audit log, whatever way they happened.

Django sends its auth signals from login(), logout() and authenticate(), so one place covers the
password form, single sign-on and the admin. (STYLE.md keeps domain logic out of signals; these are
Django's own events, which no service of ours performs.) A failure is kept even if the request fails
afterwards: outside a transaction it is recorded in one of its own.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction

from tongban.core.audit import AuditObject, audit_record, audit_record_now
from tongban.core.masking import mask_id_number, mask_text

from .access import actor_for, client_ip


def mask_login_name(value: str) -> str:
    """What someone typed as their login name, masked: it may be an ID number, a phone number, or a
    password typed into the wrong field. zhangsan → zh*****n."""
    value = (value or "").strip()
    if len(value) == 18 and value[:17].isdigit():
        return mask_id_number(value)
    masked = mask_text(value)
    if masked != value:
        return masked
    if len(value) <= 2:
        return "*" * len(value)
    return value[:2] + "*" * (len(value) - 3) + value[-1]


def _record(**entry) -> None:
    # Inside a transaction (a test, an atomic view) the entry joins it; otherwise it is kept on its own.
    (audit_record if transaction.get_connection().in_atomic_block else audit_record_now)(**entry)


def _method(user) -> str:
    backend = getattr(user, "backend", "") or ""
    return "sso" if "oidc" in backend.lower() else "password"


def on_logged_in(sender, request, user, **kwargs) -> None:
    actor = actor_for(user, ip=client_ip(request) if request is not None else None)
    _record(
        action="login.succeeded",
        context=actor.audit_context(),
        obj=AuditObject.of(user),
        detail={"method": _method(user)},
    )


def on_logged_out(sender, request, user, **kwargs) -> None:
    if user is None:  # the session had already ended
        return
    actor = actor_for(user, ip=client_ip(request) if request is not None else None)
    _record(action="logout", context=actor.audit_context(), obj=AuditObject.of(user))


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    """The login form leaves what was typed on the request (an ID number is resolved to a user name
    before authenticate() sees it); credentials carry the user name the backends were given."""
    username = (credentials or {}).get("username") or ""
    entered = getattr(request, "tongban_login_entered", None) or username
    account = get_user_model().objects.filter(username=username).first() if username else None
    detail = {"username": mask_login_name(entered)}
    if getattr(request, "axes_locked_out", False):
        detail["refused"] = "locked_out"
    _record(
        action="login.failed",
        context=actor_for(None, ip=client_ip(request) if request is not None else None).audit_context(),
        obj=AuditObject.of(account) if account else None,
        detail=detail,
    )


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="tongban.audit.login")
    user_logged_out.connect(on_logged_out, dispatch_uid="tongban.audit.logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="tongban.audit.login_failed")
