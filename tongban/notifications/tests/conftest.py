import pytest

from tongban.notifications import services
from tongban.notifications.senders import Outgoing, SendFailed


class RecordingSender:
    """Stands in for every sender: records what it was given, fails the first `failures` times."""

    def __init__(self):
        self.sent: list[Outgoing] = []
        self.calls = 0
        self.failures = 0
        self.during_send = None  # called inside a send (to let a rival run at that moment)

    def __call__(self, message: Outgoing) -> None:
        self.calls += 1
        if self.during_send is not None:
            self.during_send()
        if self.calls <= self.failures:
            raise SendFailed("短信网关拒绝了请求（HTTP 503）。")
        self.sent.append(message)


@pytest.fixture
def sender(monkeypatch) -> RecordingSender:
    recording = RecordingSender()
    monkeypatch.setattr(services, "sender_for", lambda channel: recording)
    return recording


@pytest.fixture(autouse=True)
def _sms_in_tmp(settings, tmp_path):
    """The embedded SMS file goes to a temporary folder, never to var/sms."""
    settings.SMS_DIR = tmp_path / "sms"
    settings.SMS_URL = ""
