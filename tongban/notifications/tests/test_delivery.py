"""The delivery task: sends once however often it runs, retries a failure with backoff (5 attempts), records
failures without personal data, and the sweep gives up interrupted sends and re-enqueues lost ones."""

import datetime
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tongban.identity.choices import AccountKind
from tongban.identity.tests.factories import PersonFactory, UserFactory
from tongban.notifications import services
from tongban.notifications.choices import DeliveryChannel, DeliveryStatus
from tongban.notifications.models import Delivery
from tongban.notifications.services import (
    INTERRUPTED,
    deliveries_retry_due,
    delivery_send,
    error_description,
    notify,
)
from tongban.notifications.tasks import notification_deliver

pytestmark = pytest.mark.django_db

DELIVER = "tongban.notifications.tasks.notification_deliver"


def sms_delivery(phone: str = "15100006702", **notify_arguments) -> Delivery:
    person = PersonFactory(phone=phone, user__email="")
    notification = notify(
        recipient=person.user,
        kind="case.accepted",
        title=notify_arguments.get("title", "您的办件已受理"),
        body=notify_arguments.get("body", "承诺于10月29日前办结。"),
        dedupe_key="case:42:accepted",
        channels=("inbox", "sms"),
    )
    return notification.deliveries.get(channel=DeliveryChannel.SMS)


def make_due(delivery: Delivery) -> None:
    """The retry's waiting time has passed (for a delivery still waiting)."""
    Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING).update(
        next_attempt_at=timezone.now()
    )


def retries_enqueued(delivery: Delivery) -> list[datetime.datetime]:
    tasks = DBTaskResult.objects.filter(task_path=DELIVER, args_kwargs__args=[delivery.pk])
    return [t.run_after for t in tasks.order_by("run_after") if t.run_after.year < 9999]


def test_a_pending_delivery_is_sent_with_the_real_number_and_the_masked_text(sender):
    delivery = sms_delivery(body="请携带身份证原件，如有疑问致电 13912345678。")

    outcome = notification_deliver.call(delivery.pk)

    delivery.refresh_from_db()
    assert outcome == DeliveryStatus.SENT
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.SENT, 1, "")
    assert delivery.sent_at is not None and delivery.claimed_at is None
    [message] = sender.sent
    assert (message.to, message.reference) == ("15100006702", f"tongban-delivery-{delivery.pk}")
    assert message.text == "【通办】您的办件已受理：请携带身份证原件，如有疑问致电 139****5678。"


def test_running_the_task_twice_sends_once(sender):
    delivery = sms_delivery()

    first = notification_deliver.call(delivery.pk)
    second = notification_deliver.call(delivery.pk)

    assert (first, second) == (DeliveryStatus.SENT, None)
    assert len(sender.sent) == 1
    assert Delivery.objects.get(pk=delivery.pk).attempts == 1


def test_a_second_run_while_the_first_is_sending_finds_nothing_to_claim(sender):
    # given: a rival run of the task starts at the moment the first one is handing the message over
    delivery = sms_delivery()
    rival = []
    sender.during_send = lambda: rival.append(delivery_send(delivery_id=delivery.pk))

    outcome = delivery_send(delivery_id=delivery.pk)

    assert (outcome, rival) == (DeliveryStatus.SENT, [None])
    assert (sender.calls, len(sender.sent)) == (1, 1)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's test database serializes writers")
@pytest.mark.django_db(transaction=True)
def test_two_workers_running_one_delivery_at_once_send_it_once(sender):
    delivery = sms_delivery()
    start, outcomes = threading.Barrier(2), []
    sender.during_send = lambda: time.sleep(0.2)  # the rival's claim arrives while this one sends

    def run():
        try:
            start.wait()
            outcomes.append(delivery_send(delivery_id=delivery.pk))
        finally:
            connections.close_all()

    workers = [threading.Thread(target=run) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert sorted(outcomes, key=str) == sorted([DeliveryStatus.SENT, None], key=str)
    assert len(sender.sent) == 1


def test_a_failure_is_retried_later_with_backoff_then_sent(sender):
    # given: the gateway fails twice
    delivery = sms_delivery()
    sender.failures = 2

    # when: the first attempt fails
    before = timezone.now()
    assert notification_deliver.call(delivery.pk) == DeliveryStatus.PENDING

    # then: a retry is due in one minute, enqueued for then, and an early run sends nothing
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert delivery.last_error == "短信网关拒绝了请求（HTTP 503）。"
    assert before + datetime.timedelta(minutes=1) <= delivery.next_attempt_at
    assert delivery.next_attempt_at <= timezone.now() + datetime.timedelta(minutes=1)
    assert retries_enqueued(delivery) == [delivery.next_attempt_at]
    assert notification_deliver.call(delivery.pk) is None
    assert sender.calls == 1

    # when: the second attempt (due) fails too, then the third succeeds
    make_due(delivery)
    assert notification_deliver.call(delivery.pk) == DeliveryStatus.PENDING
    delivery.refresh_from_db()
    second_wait = delivery.next_attempt_at - timezone.now()
    make_due(delivery)
    assert notification_deliver.call(delivery.pk) == DeliveryStatus.SENT

    # then: sent once, after three attempts, with the waits growing
    delivery.refresh_from_db()
    assert datetime.timedelta(minutes=4) < second_wait <= datetime.timedelta(minutes=5)
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.SENT, 3, "")
    assert (sender.calls, len(sender.sent), len(retries_enqueued(delivery))) == (3, 1, 2)


def test_after_five_failed_attempts_the_delivery_is_given_up(sender):
    delivery = sms_delivery()
    sender.failures = 99

    outcomes = []
    for _ in range(6):
        make_due(delivery)
        outcomes.append(notification_deliver.call(delivery.pk))

    delivery.refresh_from_db()
    assert outcomes == [DeliveryStatus.PENDING] * 4 + [DeliveryStatus.FAILED, None]
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (DeliveryStatus.FAILED, 5, None)
    assert delivery.last_error == "短信网关拒绝了请求（HTTP 503）。"
    assert (sender.calls, len(retries_enqueued(delivery))) == (5, 4)


def test_an_unexpected_error_is_recorded_by_its_kind_only(sender, monkeypatch):
    delivery = sms_delivery()

    def refuse(message):
        raise ValueError(f"recipient {message.to} <wang@example.cn> refused")

    monkeypatch.setattr(services, "sender_for", lambda channel: refuse)

    assert delivery_send(delivery_id=delivery.pk) == DeliveryStatus.PENDING

    delivery.refresh_from_db()
    assert delivery.last_error == "发送出错（ValueError）。"


def test_a_senders_own_words_are_masked_again_before_they_are_recorded():
    from tongban.notifications.senders import SendFailed

    description = error_description(SendFailed("号码 15100006702 或 wang@example.cn 无效"))

    assert description == "号码 151****6702 或 *** 无效"


def test_a_number_removed_before_sending_makes_the_delivery_skipped(sender):
    delivery = sms_delivery()
    person = delivery.notification.recipient.person
    person.phone = ""
    person.save()

    assert delivery_send(delivery_id=delivery.pk) == DeliveryStatus.SKIPPED

    assert Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.SKIPPED
    assert sender.calls == 0


def test_an_email_delivery_reaches_the_accounts_address(sender):
    staff = UserFactory(kind=AccountKind.STAFF, email="li@wuhan.gov.cn")
    notification = notify(
        recipient=staff,
        kind="case.red",
        title="办件已超期",
        body="办件 WH2026000123 已亮红灯。",
        link="/workbench/cases/42/",
        dedupe_key="case:42:red",
    )
    email = notification.deliveries.get(channel=DeliveryChannel.EMAIL)

    assert delivery_send(delivery_id=email.pk) == DeliveryStatus.SENT

    [message] = sender.sent
    assert (message.to, message.subject) == ("li@wuhan.gov.cn", "【通办】办件已超期")
    assert message.text.startswith("办件已超期\n\n办件 WH2026000123 已亮红灯。\n\n")


def test_the_sweep_gives_up_an_interrupted_send_and_does_not_send_it_again(sender):
    # given: a worker claimed the delivery eleven minutes ago and never finished
    delivery = sms_delivery()
    long_ago = timezone.now() - datetime.timedelta(minutes=11)
    Delivery.objects.filter(pk=delivery.pk).update(claimed_at=long_ago, attempts=1)

    report = deliveries_retry_due()

    delivery.refresh_from_db()
    assert report == {"interrupted": 1, "enqueued": 0}
    assert (delivery.status, delivery.last_error, delivery.claimed_at) == (
        DeliveryStatus.FAILED,
        INTERRUPTED,
        None,
    )
    assert delivery_send(delivery_id=delivery.pk) is None
    assert sender.calls == 0


def test_the_sweep_enqueues_a_due_delivery_whose_task_was_lost_and_leaves_fresh_ones(sender):
    # given: one delivery due for ten minutes with no task (the process stopped before enqueuing), one new
    lost, fresh = sms_delivery(), sms_delivery(phone="13912345678")
    Delivery.objects.filter(pk=lost.pk).update(
        next_attempt_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    DBTaskResult.objects.all().delete()

    report = deliveries_retry_due()

    assert report == {"interrupted": 0, "enqueued": 1}
    assert [t.args_kwargs["args"] for t in DBTaskResult.objects.all()] == [[lost.pk]]
    assert fresh.pk != lost.pk


@pytest.mark.django_db(transaction=True)
def test_after_commit_the_worker_sends_the_sms_into_the_embedded_file(settings):
    # given: a case service notifies inside its transaction
    person = PersonFactory(phone="15100006702", user__email="")
    with transaction.atomic():
        notify(
            recipient=person.user,
            kind="case.accepted",
            title="您的办件已受理",
            body="",
            dedupe_key="case:42:accepted",
        )
        assert DBTaskResult.objects.count() == 0

    # when: the worker runs what is queued
    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)

    # then: the SMS is in today's file, sent once
    assert Delivery.objects.get(channel=DeliveryChannel.SMS).status == DeliveryStatus.SENT
    [file] = list(settings.SMS_DIR.iterdir())
    assert file.read_text().count('"to": "15100006702"') == 1
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
