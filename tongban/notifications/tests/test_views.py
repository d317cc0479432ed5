"""我的消息 through the test client: own messages only, unread first, marking read by POST with the CSRF
token, another user's message a 404 that changes nothing, and the header's badge."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.utils import timezone

from tongban.core.models import AuditEntry
from tongban.identity.tests.factories import PersonFactory, UserFactory
from tongban.notifications.models import Notification

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db

INBOX = "/messages/"


def signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def read(notification: Notification) -> str:
    return f"/messages/{notification.pk}/read/"


def titles(response) -> list[str]:
    return [n.title for n in response.context["page"].object_list]


def test_the_inbox_needs_a_signed_in_user(client):
    response = client.get(INBOX)

    assert (response.status_code, response.url) == (302, "/login/?next=/messages/")


def test_the_inbox_lists_own_messages_unread_first_then_newest():
    user = UserFactory()
    now = timezone.now()
    old_unread = NotificationFactory(recipient=user, title="旧的未读")
    new_read = NotificationFactory(recipient=user, title="新的已读", read_at=now)
    new_unread = NotificationFactory(recipient=user, title="新的未读")
    NotificationFactory(title="别人的消息")
    Notification.objects.filter(pk=old_unread.pk).update(created_at=now - timedelta(days=2))
    Notification.objects.filter(pk=new_read.pk).update(created_at=now - timedelta(days=1))
    Notification.objects.filter(pk=new_unread.pk).update(created_at=now)

    response = signed_in(user).get(INBOX)

    assert response.status_code == 200
    assert titles(response) == ["新的未读", "旧的未读", "新的已读"]
    assert response.context["unread"] == 2
    assert "别人的消息" not in response.content.decode()
    assert "您有 <strong>2</strong> 条未读消息" in response.content.decode()


def test_the_inbox_is_paginated_twenty_to_a_page():
    user = UserFactory()
    NotificationFactory.create_batch(23, recipient=user)

    second = signed_in(user).get(INBOX, {"page": 2})

    assert len(titles(second)) == 3
    assert "第 2 页，共 2 页" in second.content.decode()


def test_an_empty_inbox_says_so():
    response = signed_in(UserFactory()).get(INBOX)

    assert "您还没有消息。" in response.content.decode()


def test_marking_a_message_read_keeps_the_first_time_and_returns_to_the_inbox():
    user = UserFactory()
    notification = NotificationFactory(recipient=user)
    client = signed_in(user)

    response = client.post(read(notification), {"page": "2"})
    first = Notification.objects.get(pk=notification.pk).read_at
    client.post(read(notification))

    assert (response.status_code, response.url) == (302, "/messages/?page=2")
    assert first is not None
    assert Notification.objects.get(pk=notification.pk).read_at == first


def test_opening_a_message_marks_it_read_and_goes_to_its_page():
    user = UserFactory()
    notification = NotificationFactory(recipient=user, link="/cases/42/")

    response = signed_in(user).post(read(notification), {"open": "1"})

    assert (response.status_code, response.url) == (302, "/cases/42/")
    assert Notification.objects.get(pk=notification.pk).read_at is not None


def test_marking_read_is_a_post_only():
    user = UserFactory()
    notification = NotificationFactory(recipient=user)

    response = signed_in(user).get(read(notification))

    assert response.status_code == 405
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_marking_read_needs_the_csrf_token():
    user = UserFactory()
    notification = NotificationFactory(recipient=user)
    client = signed_in(user, enforce_csrf_checks=True)

    refused = client.post(read(notification))
    unchanged = Notification.objects.get(pk=notification.pk).read_at
    page = client.get(INBOX).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    accepted = client.post(read(notification), {"csrfmiddlewaretoken": token})

    assert (refused.status_code, unchanged) == (403, None)
    assert accepted.status_code == 302
    assert Notification.objects.get(pk=notification.pk).read_at is not None


def test_another_users_message_is_not_found_and_stays_unread():
    owner, stranger = PersonFactory().user, PersonFactory().user
    notification = NotificationFactory(recipient=owner)

    response = signed_in(stranger).post(read(notification), {"open": "1"})

    assert response.status_code == 404
    assert Notification.objects.get(pk=notification.pk).read_at is None
    assert AuditEntry.objects.filter(action="access.denied").count() == 1


def test_marking_all_read_touches_own_messages_only():
    user, other = UserFactory(), UserFactory()
    NotificationFactory.create_batch(2, recipient=user)
    theirs = NotificationFactory(recipient=other)

    response = signed_in(user).post("/messages/read-all/")

    assert response.status_code == 302
    assert Notification.objects.filter(recipient=user, read_at=None).count() == 0
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_the_badge_counts_unread_messages_and_links_to_the_inbox():
    user = UserFactory()
    NotificationFactory.create_batch(3, recipient=user)
    NotificationFactory(recipient=user, read_at=timezone.now())
    request = RequestFactory().get("/")
    request.user = user

    html = Template("{% load notifications %}{% notifications_badge %}").render(Context({"request": request}))

    assert 'href="/messages/"' in html
    assert '<span class="badge">3<span class="visually-hidden">条未读</span></span>' in html


def test_the_badge_is_empty_for_a_visitor():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()

    html = Template("{% load notifications %}{% notifications_badge %}").render(Context({"request": request}))

    assert html.strip() == ""


def test_a_link_off_the_site_is_never_followed():
    # given: a row written around notify(), which would have refused the link
    user = UserFactory()
    notification = NotificationFactory(recipient=user, link="//evil.example/phish")

    response = signed_in(user).post(read(notification), {"open": "1"})

    assert (response.status_code, response.url) == (302, "/messages/")
