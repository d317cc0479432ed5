"""The senders: the embedded SMS file (the real number, readable by the platform only), the SMS gateway over
HTTP, e-mail through Django's mail, and the setting that swaps any of them."""

import json
import stat
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.utils import timezone

from tongban.notifications import senders
from tongban.notifications.senders import Outgoing, SendFailed, sender_for

MESSAGE = Outgoing(
    reference="tongban-delivery-7",
    to="15100006702",
    subject="【通办】您的办件已受理",
    text="【通办】您的办件已受理：承诺于10月29日前办结。",
)


def recorded_sms(message: Outgoing) -> None:
    """A sender named by dotted path in the setting test below."""


@pytest.fixture
def gateway():
    """A local SMS gateway answering every POST with `status` and keeping what it received."""

    class Handler(BaseHTTPRequestHandler):
        status = 200
        received: list[tuple[dict, dict]] = []

        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            Handler.received.append((dict(self.headers), json.loads(body)))
            self.send_response(Handler.status)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, Handler
    server.shutdown()
    server.server_close()


def test_the_embedded_sms_file_holds_one_json_line_per_message_readable_by_the_platform_only(settings):
    senders.sms_default(MESSAGE)
    senders.sms_default(Outgoing("tongban-delivery-8", "13912345678", "", "第二条"))

    path = settings.SMS_DIR / f"{timezone.localdate():%Y-%m-%d}.jsonl"
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [(line["reference"], line["to"], line["text"]) for line in lines] == [
        ("tongban-delivery-7", "15100006702", "【通办】您的办件已受理：承诺于10月29日前办结。"),
        ("tongban-delivery-8", "13912345678", "第二条"),
    ]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(settings.SMS_DIR.stat().st_mode) == 0o700


def test_with_a_gateway_configured_the_sms_is_posted_as_json_with_its_reference(settings, gateway):
    server, handler = gateway
    settings.SMS_URL = f"http://127.0.0.1:{server.server_port}/sms"

    senders.sms_default(MESSAGE)

    [(headers, body)] = handler.received
    assert body == {"reference": "tongban-delivery-7", "to": "15100006702", "text": MESSAGE.text}
    assert (headers["Content-Type"], headers["Idempotency-Key"]) == ("application/json", "tongban-delivery-7")
    assert not settings.SMS_DIR.exists()


def test_a_gateway_refusing_the_message_is_a_failure_naming_its_status(settings, gateway):
    server, handler = gateway
    handler.status = 503
    settings.SMS_URL = f"http://127.0.0.1:{server.server_port}/sms"

    with pytest.raises(SendFailed) as failed:
        senders.sms_over_http(MESSAGE)

    assert str(failed.value) == "短信网关拒绝了请求（HTTP 503）。"


def test_an_unreachable_gateway_is_a_failure_without_the_number(settings, gateway):
    server, _ = gateway
    settings.SMS_URL = f"http://127.0.0.1:{server.server_port}/sms"
    server.shutdown()
    server.server_close()

    with pytest.raises(SendFailed) as failed:
        senders.sms_over_http(MESSAGE)

    assert str(failed.value) == "无法连接短信网关（ConnectionRefusedError）。"


def test_a_gateway_address_that_is_not_http_is_refused(settings):
    settings.SMS_URL = "file:///etc/passwd"

    with pytest.raises(SendFailed) as failed:
        senders.sms_over_http(MESSAGE)

    assert str(failed.value) == "短信网关地址须以 http:// 或 https:// 开头。"


def test_email_goes_through_djangos_mail():
    senders.email_by_django_mail(Outgoing("tongban-delivery-9", "wang@example.cn", "【通办】主题", "正文"))

    [sent] = mail.outbox
    assert (sent.to, sent.subject, sent.body) == (["wang@example.cn"], "【通办】主题", "正文")
    assert sent.extra_headers["X-Tongban-Reference"] == "tongban-delivery-9"


def test_a_sender_is_chosen_by_dotted_path_and_defaults_when_none_is_set(settings):
    settings.NOTIFICATION_SENDERS = {"sms": "tongban.notifications.tests.test_senders.recorded_sms"}

    assert sender_for("sms") is recorded_sms
    assert sender_for("email") is senders.email_by_django_mail
    del settings.NOTIFICATION_SENDERS
    assert sender_for("sms") is senders.sms_default
