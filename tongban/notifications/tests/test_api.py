"""The notifications API: own messages only (paginated, unread first), the unread count, marking read with
the session's CSRF token; another account's message answers 404 and stays unread; a system's token has no
inbox."""

import json

import pytest
from django.test import Client
from django.utils import timezone

from tongban.identity.api_auth import token_digest, token_generate
from tongban.identity.models import ApiToken
from tongban.identity.tests.factories import PersonFactory, UserFactory
from tongban.notifications.models import Notification
from tongban.regions.tests.factories import OrganizationFactory

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/notifications"


def session(user, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def post(client: Client, url: str, **headers):
    return client.post(url, "{}", content_type="application/json", headers=headers)


def test_the_list_gives_own_messages_unread_first_with_a_count():
    user = UserFactory()
    seen = NotificationFactory(recipient=user, title="已读的", read_at=timezone.now(), link="/cases/1/")
    fresh = NotificationFactory(recipient=user, title="未读的")
    NotificationFactory(title="别人的")

    response = session(user).get(API)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [(item["id"], item["title"], item["unread"]) for item in body["items"]] == [
        (fresh.pk, "未读的", True),
        (seen.pk, "已读的", False),
    ]
    assert set(body["items"][1]) == {"id", "kind", "title", "body", "link", "created_at", "read_at", "unread"}
    assert body["items"][1]["link"] == "/cases/1/"


def test_the_list_is_paginated(django_assert_max_num_queries):
    user = UserFactory()
    NotificationFactory.create_batch(25, recipient=user)
    client = session(user)

    # the session read and renewed (4 with its savepoint), the user, their roles; then the count and the page
    with django_assert_max_num_queries(8):
        second = client.get(API, {"page": 2})

    assert (second.json()["count"], len(second.json()["items"])) == (25, 5)


def test_the_unread_count_is_own():
    user = UserFactory()
    NotificationFactory.create_batch(2, recipient=user)
    NotificationFactory(recipient=user, read_at=timezone.now())
    NotificationFactory()

    response = session(user).get(f"{API}/unread")

    assert response.json() == {"unread": 2}


def test_marking_read_answers_the_message_read():
    user = UserFactory()
    notification = NotificationFactory(recipient=user)

    response = post(session(user), f"{API}/{notification.pk}/read")

    assert response.status_code == 200
    assert (response.json()["id"], response.json()["unread"]) == (notification.pk, False)
    assert Notification.objects.get(pk=notification.pk).read_at is not None


def test_another_accounts_message_is_not_found_and_stays_unread():
    owner, stranger = PersonFactory().user, PersonFactory().user
    notification = NotificationFactory(recipient=owner)

    response = post(session(stranger), f"{API}/{notification.pk}/read")
    missing = post(session(stranger), f"{API}/999999/read")

    assert response.status_code == 404
    assert response.json() == missing.json() == {"detail": "未找到该对象或无权查看。", "errors": []}
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_marking_read_with_a_session_needs_the_csrf_token():
    user = UserFactory()
    notification = NotificationFactory(recipient=user)
    client = session(user, csrf=True)

    refused = post(client, f"{API}/{notification.pk}/read")
    unchanged = Notification.objects.get(pk=notification.pk).read_at
    client.get("/messages/")  # a page with a form gives the browser its token
    accepted = post(client, f"{API}/{notification.pk}/read", X_CSRFToken=client.cookies["csrftoken"].value)

    assert (refused.status_code, unchanged) == (403, None)
    assert accepted.status_code == 200


def test_marking_all_read_counts_own_messages_only():
    user = UserFactory()
    NotificationFactory.create_batch(3, recipient=user)
    theirs = NotificationFactory()

    response = post(session(user), f"{API}/read-all")

    assert response.json() == {"marked": 3}
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_a_systems_token_has_no_inbox():
    plaintext = token_generate()
    ApiToken.objects.create(
        name="华容区自助终端01",
        organization=OrganizationFactory(),
        scopes=[],
        prefix=plaintext[:8],
        token_hash=token_digest(plaintext),
    )
    notification = NotificationFactory()
    kiosk = Client(headers={"Authorization": f"Bearer {plaintext}"})

    listed = kiosk.get(API)
    marked = kiosk.post(f"{API}/{notification.pk}/read", json.dumps({}), content_type="application/json")

    assert (listed.status_code, marked.status_code) == (403, 403)
    assert listed.json()["detail"] == "接口令牌没有消息：消息属于个人、法人或工作人员账号。"
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_a_visitor_is_refused(client):
    assert client.get(API).status_code == 401
