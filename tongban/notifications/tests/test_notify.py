"""notify(): rows made in the caller's transaction, sending enqueued only after it commits, nothing twice
for one event, channels without an address skipped, numbers masked, bad input refused in Chinese."""

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from tongban.core.errors import ValidationFailed
from tongban.identity.choices import AccountKind
from tongban.identity.tests.factories import CompanyFactory, PersonFactory, UserFactory, make_id_number
from tongban.notifications.choices import DeliveryChannel, DeliveryStatus
from tongban.notifications.models import Delivery, Notification
from tongban.notifications.services import notify

pytestmark = pytest.mark.django_db


def accepted(recipient, **overrides) -> Notification:
    arguments = {
        "recipient": recipient,
        "kind": "case.accepted",
        "title": "您的办件已受理",
        "body": "办件编号 WH2026000123，承诺于 2026年10月29日 前办结。",
        "link": "/cases/42/",
        "dedupe_key": "case:42:accepted",
    }
    return notify(**(arguments | overrides))


def statuses(notification: Notification) -> dict[str, str]:
    return dict(notification.deliveries.values_list("channel", "status"))


def enqueued() -> list[tuple[str, list]]:
    return [(t.task_path, t.args_kwargs["args"]) for t in DBTaskResult.objects.order_by("enqueued_at")]


def test_a_person_with_phone_and_email_gets_an_inbox_message_and_two_deliveries_to_send(
    django_capture_on_commit_callbacks,
):
    person = PersonFactory(phone="15100006702", user__email="wang@example.cn")

    with django_capture_on_commit_callbacks(execute=True):
        notification = accepted(person.user)

    assert (notification.recipient, notification.kind, notification.link) == (
        person.user,
        "case.accepted",
        "/cases/42/",
    )
    assert statuses(notification) == {
        DeliveryChannel.INBOX: DeliveryStatus.SENT,
        DeliveryChannel.SMS: DeliveryStatus.PENDING,
        DeliveryChannel.EMAIL: DeliveryStatus.PENDING,
    }
    pending = notification.deliveries.filter(status=DeliveryStatus.PENDING).order_by("pk")
    task = "tongban.notifications.tasks.notification_deliver"
    assert enqueued() == [(task, [delivery.pk]) for delivery in pending]


def test_nothing_is_enqueued_before_the_callers_transaction_commits(django_capture_on_commit_callbacks):
    person = PersonFactory(user__email="wang@example.cn")

    with django_capture_on_commit_callbacks() as callbacks:
        accepted(person.user)
        assert DBTaskResult.objects.count() == 0  # still inside the caller's transaction

    assert len(callbacks) == 2
    for callback in callbacks:
        callback()
    assert DBTaskResult.objects.count() == 2


def test_a_rolled_back_caller_leaves_no_notification_and_sends_nothing(django_capture_on_commit_callbacks):
    person = PersonFactory(user__email="wang@example.cn")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        accepted(person.user)
        raise RuntimeError("the case could not be accepted after all")

    assert callbacks == []
    assert (Notification.objects.count(), Delivery.objects.count(), DBTaskResult.objects.count()) == (0, 0, 0)


def test_the_same_event_notified_twice_is_one_notification_sent_once(django_capture_on_commit_callbacks):
    person = PersonFactory(user__email="wang@example.cn")

    with django_capture_on_commit_callbacks(execute=True) as first:
        original = accepted(person.user)
    with django_capture_on_commit_callbacks(execute=True) as second:
        again = accepted(person.user, title="标题不同也不再通知")

    assert again == original
    assert again.title == "您的办件已受理"
    assert (len(first), len(second)) == (2, 0)
    assert (Notification.objects.count(), Delivery.objects.count(), DBTaskResult.objects.count()) == (1, 3, 2)


def test_the_same_dedupe_key_for_another_recipient_is_another_notification():
    first, second = PersonFactory(), PersonFactory()

    accepted(first.user)
    accepted(second.user)

    assert sorted(Notification.objects.values_list("recipient_id", flat=True)) == sorted(
        [first.user_id, second.user_id]
    )


def test_channels_without_an_address_are_skipped_and_not_enqueued(django_capture_on_commit_callbacks):
    person = PersonFactory(phone="", user__email="")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = accepted(person.user)

    assert statuses(notification) == {
        DeliveryChannel.INBOX: DeliveryStatus.SENT,
        DeliveryChannel.SMS: DeliveryStatus.SKIPPED,
        DeliveryChannel.EMAIL: DeliveryStatus.SKIPPED,
    }
    assert callbacks == []


def test_a_staff_account_has_no_phone_and_a_company_its_contact_number():
    staff = UserFactory(kind=AccountKind.STAFF, email="li@wuhan.gov.cn")
    company = CompanyFactory(phone="13912345678", user__email="")

    staff_statuses = statuses(accepted(staff))
    company_statuses = statuses(accepted(company.user))

    assert (staff_statuses[DeliveryChannel.SMS], staff_statuses[DeliveryChannel.EMAIL]) == (
        DeliveryStatus.SKIPPED,
        DeliveryStatus.PENDING,
    )
    assert (company_statuses[DeliveryChannel.SMS], company_statuses[DeliveryChannel.EMAIL]) == (
        DeliveryStatus.PENDING,
        DeliveryStatus.SKIPPED,
    )


def test_only_the_channels_asked_for_are_made():
    person = PersonFactory(user__email="wang@example.cn")

    notification = accepted(person.user, channels=("inbox",))

    assert statuses(notification) == {DeliveryChannel.INBOX: DeliveryStatus.SENT}


def test_id_and_mobile_numbers_in_title_and_body_are_stored_masked():
    person = PersonFactory()
    id_number = make_id_number(12)

    notification = accepted(
        person.user,
        title=f"申请人 {id_number} 的办件已受理",
        body="如有疑问请致电 15100006702，或回复本短信。",
    )

    notification.refresh_from_db()
    assert notification.title == f"申请人 {id_number[:4]}**********{id_number[-4:]} 的办件已受理"
    assert notification.body == "如有疑问请致电 151****6702，或回复本短信。"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"kind": "Case Accepted"}, "kind", "消息类型应为小写英文代码，如 case.accepted。"),
        ({"title": "  "}, "title", "消息标题不能为空。"),
        ({"title": "长" * 201}, "title", "消息标题不能超过200个字。"),
        ({"link": "https://example.com/phish"}, "link", "消息链接应为本站路径，以“/”开头。"),
        ({"link": "//example.com/phish"}, "link", "消息链接应为本站路径，以“/”开头。"),
        ({"dedupe_key": ""}, "dedupe_key", "去重键不能为空，且不能超过200个字符。"),
        ({"channels": ("sms", "fax")}, "channels", "发送渠道只能是站内消息、短信或电子邮件。"),
        ({"channels": ()}, "channels", "发送渠道只能是站内消息、短信或电子邮件。"),
        ({"channels": ("sms",)}, "channels", "发送渠道须包含站内消息：每条通知都留存在“我的消息”中。"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_creates_nothing(overrides, field, message):
    person = PersonFactory()

    with pytest.raises(ValidationFailed) as refused:
        accepted(person.user, **overrides)

    assert [(e.field, e.message) for e in refused.value.errors] == [(field, message)]
    assert (Notification.objects.count(), Delivery.objects.count()) == (0, 0)
