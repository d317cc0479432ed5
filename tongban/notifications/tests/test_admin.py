"""The delivery log in the back office: platform administrators read statuses and failures, with no phone
number or e-mail address on the page; other staff do not reach it; nobody changes or deletes a row."""

import pytest
from django.urls import reverse

from tongban.identity.choices import Role
from tongban.identity.services.staff import staff_access_sync
from tongban.identity.tests.factories import PersonFactory, StaffRoleFactory
from tongban.notifications.choices import DeliveryStatus
from tongban.notifications.models import Delivery
from tongban.notifications.services import notify

pytestmark = pytest.mark.django_db

LIST = reverse("admin:notifications_delivery_changelist")


def staff_client(client, role: str):
    staff_role = StaffRoleFactory(role=role)
    staff_access_sync(staff_role.user)
    client.force_login(staff_role.user)
    return client


def a_failed_sms() -> Delivery:
    person = PersonFactory(phone="15100006702", user__email="wang@example.cn", user__username="15100006702")
    notification = notify(
        recipient=person.user,
        kind="case.accepted",
        title="您的办件已受理",
        body="",
        dedupe_key="case:42:accepted",
    )
    sms = notification.deliveries.get(channel="sms")
    Delivery.objects.filter(pk=sms.pk).update(
        status=DeliveryStatus.FAILED, attempts=5, last_error="短信网关拒绝了请求（HTTP 503）。"
    )
    return sms


def test_a_platform_admin_reads_deliveries_and_failures_without_personal_data(client):
    sms = a_failed_sms()
    admin = staff_client(client, Role.PLATFORM_ADMIN)

    listing = admin.get(LIST)
    detail = admin.get(reverse("admin:notifications_delivery_change", args=[sms.pk]))

    assert (listing.status_code, detail.status_code) == (200, 200)
    html = listing.content.decode() + detail.content.decode()
    assert "短信网关拒绝了请求（HTTP 503）。" in html and "case.accepted" in html
    assert "15100006702" not in html and "wang@example.cn" not in html
    assert "151****6702" in html  # the username, masked
    assert 'name="_save"' not in detail.content.decode()


def test_a_failed_filter_lists_failures_only(client):
    sms = a_failed_sms()
    admin = staff_client(client, Role.PLATFORM_ADMIN)

    response = admin.get(LIST, {"status__exact": "failed"})

    assert [d.pk for d in response.context["cl"].result_list] == [sms.pk]


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.CATALOG_ADMIN, 403), (Role.SUPERVISOR, 302)],  # a supervisor is sent to the back office's login
)
def test_other_staff_do_not_reach_the_delivery_log(client, role, status):
    a_failed_sms()

    response = staff_client(client, role).get(LIST)

    assert response.status_code == status


def test_nobody_deletes_a_delivery(client):
    sms = a_failed_sms()
    admin = staff_client(client, Role.PLATFORM_ADMIN)

    response = admin.post(reverse("admin:notifications_delivery_delete", args=[sms.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert Delivery.objects.filter(pk=sms.pk).exists()
