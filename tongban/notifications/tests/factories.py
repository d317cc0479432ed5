"""Factories for notifications (rows made directly, without notify(): for inbox and API tests)."""

import factory

from tongban.identity.tests.factories import UserFactory
from tongban.notifications.models import Notification


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = "case.accepted"
    title = factory.Sequence(lambda n: f"您的办件已受理（{n}）")
    body = "请留意后续进展。"
    link = ""
    dedupe_key = factory.Sequence(lambda n: f"test:{n}")
