"""How an SMS or an e-mail leaves the platform. A sender is a callable taking an `Outgoing` message; it
returns when the message was handed over and raises `SendFailed` (or anything else) when it was not.

Which sender a channel uses is a dotted path in settings.NOTIFICATION_SENDERS ({"sms": ..., "email": ...});
without it the defaults below are used:

- SMS: POST JSON to settings.SMS_URL (the gateway) when it is set, otherwise one JSON line per message in
  settings.SMS_DIR/<date>.jsonl (the embedded mode).
- E-mail: Django's mail (settings.MAILERS), which writes files under var/mail in the embedded mode.

A sender's error text is recorded as the delivery's last_error, so it must name no person: no number, no
address, no message text.
"""

import json
import os
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone
from django.utils.module_loading import import_string

DEFAULT_SENDERS = {
    "sms": "tongban.notifications.senders.sms_default",
    "email": "tongban.notifications.senders.email_by_django_mail",
}
SMS_TIMEOUT = 10  # seconds: a gateway that hangs must not hold the worker


@dataclass(frozen=True)
class Outgoing:
    # The same on every attempt of one delivery ("tongban-delivery-42"), so a gateway can drop a repeat.
    reference: str
    to: str  # a mobile number or an e-mail address
    subject: str
    text: str


class SendFailed(Exception):
    """The message was not handed over. The message of the exception names no person."""


Sender = Callable[[Outgoing], None]


def sender_for(channel: str) -> Sender:
    configured = getattr(settings, "NOTIFICATION_SENDERS", {}) or {}
    return import_string(configured.get(channel) or DEFAULT_SENDERS[channel])


# --- SMS ------------------------------------------------------------------------------------------------


def sms_default(message: Outgoing) -> None:
    """The gateway when one is configured, else the file of the embedded mode."""
    if settings.SMS_URL:
        sms_over_http(message)
    else:
        sms_to_file(message)


def sms_to_file(message: Outgoing) -> None:
    """Append the SMS as one JSON line to SMS_DIR/<local date>.jsonl.

    The file stands in for the SMS gateway, so it holds what the gateway would receive: the real mobile
    number (a masked one could not be checked by a tester, or replayed to a real gateway). It is therefore
    personal data like the database: the folder is 0700 and the file 0600, readable by the platform's own
    user only, and it is not a log (nothing else writes there, and the logs never show the number).
    """
    folder = Path(settings.SMS_DIR)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    now = timezone.localtime()
    line = json.dumps(
        {"reference": message.reference, "to": message.to, "text": message.text, "at": now.isoformat()},
        ensure_ascii=False,
    )
    path = folder / f"{now:%Y-%m-%d}.jsonl"
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.fchmod(descriptor, 0o600)  # whatever the umask, and for a file made before
        os.write(descriptor, (line + "\n").encode())  # one write per line: lines of two workers do not mix
    finally:
        os.close(descriptor)


def sms_over_http(message: Outgoing) -> None:
    """POST {"reference", "to", "text"} as JSON to SMS_URL; any 2xx answer means accepted. The reference
    is also sent as the Idempotency-Key header: a retry after a timeout carries the same one."""
    url = settings.SMS_URL
    if not url.startswith(("https://", "http://")):
        raise SendFailed("短信网关地址须以 http:// 或 https:// 开头。")
    body = json.dumps({"reference": message.reference, "to": message.to, "text": message.text})
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
        url,
        data=body.encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Idempotency-Key": message.reference},
    )
    timeout = getattr(settings, "SMS_TIMEOUT", SMS_TIMEOUT)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as error:
        raise SendFailed(f"短信网关拒绝了请求（HTTP {error.code}）。") from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise SendFailed(f"无法连接短信网关（{type(reason).__name__}）。") from None
    if not 200 <= status < 300:
        raise SendFailed(f"短信网关拒绝了请求（HTTP {status}）。")


# --- E-mail ---------------------------------------------------------------------------------------------


def email_by_django_mail(message: Outgoing) -> None:
    """Through settings.MAILERS (SMTP in production, files under var/mail in the embedded mode)."""
    mail = EmailMessage(
        subject=message.subject,
        body=message.text,
        to=[message.to],
        headers={"X-Tongban-Reference": message.reference},
    )
    try:
        mail.send()
    except Exception as error:  # smtplib's errors quote the refused address: keep only the kind
        raise SendFailed(f"邮件发送失败（{type(error).__name__}）。") from None
