"""Binds a request id to every log event of one request and logs the request once it is answered."""

import re
import time
import uuid

import structlog

log = structlog.get_logger("tongban.request")
# A caller's request id is kept only when it is short and plain, so it cannot forge log lines.
SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# Paths that carry a secret (an asker's private follow link, a password-reset link) are logged without it:
# whoever reads the logs must not be able to open them.
SECRET_IN_PATH = re.compile(r"(/questions/follow/|/password-reset/[^/]+/)[^/]+")


def loggable_path(path: str) -> str:
    return SECRET_IN_PATH.sub(r"\1***", path)


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request_id = given if SAFE_REQUEST_ID.match(given) else uuid.uuid4().hex
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        # Only the path is logged: query strings may carry personal data typed into a search box.
        log.info(
            "request",
            method=request.method,
            path=loggable_path(request.path),
            status=response.status_code,
            ms=round((time.perf_counter() - started) * 1000, 1),
        )
        return response
