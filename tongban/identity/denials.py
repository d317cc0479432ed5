"""Refused access is answered and recorded the same way on every channel.

AccessDenied (the object must stay unknown) is answered 404 and ActionRefused 403; both write an
`access.denied` entry to the audit log, in a transaction of their own so that the entry stays when the
request's own work is rolled back.
"""

from django.db import transaction

from tongban.core.audit import audit_record, audit_record_now

from .access import AccessDenied, ActionRefused, actor_from_request, denial_audit_object


def record_denial(request, exc: AccessDenied | ActionRefused, *, actor=None) -> None:
    actor = actor or getattr(request, "_tongban_actor", None) or actor_from_request(request)
    entry = {
        "action": "access.denied",
        "context": actor.audit_context(),
        "obj": denial_audit_object(exc),
        "detail": {
            "action": exc.action,
            "answer": 404 if isinstance(exc, AccessDenied) else 403,
            "path": request.path,
        },
    }
    # Requests are not atomic, so the exception reaches us outside any transaction and the entry is kept on
    # its own; inside one (a test, a view under atomic()) it joins that transaction.
    (audit_record if transaction.get_connection().in_atomic_block else audit_record_now)(**entry)


class DenialMiddleware:
    """Pages: AccessDenied → the 404 page, ActionRefused → the 403 page, each recorded."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.shortcuts import render

        if isinstance(exception, AccessDenied | ActionRefused):
            record_denial(request, exception)
            if isinstance(exception, AccessDenied):
                return render(request, "404.html", status=404)
            return render(request, "403.html", {"message": exception.message}, status=403)
        return None
