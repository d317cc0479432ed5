"""The back office shows cases read-only, to platform admins only."""

import pytest
from django.urls import reverse

from tongban.identity.choices import Role
from tongban.identity.tests.factories import StaffRoleFactory

from ..models import Case
from .factories import CaseFactory, make_circle

pytestmark = pytest.mark.django_db


def test_a_platform_admin_reads_a_case_and_its_timeline_but_changes_nothing(client):
    circle = make_circle()
    case = CaseFactory.for_circle(circle)
    admin_user = StaffRoleFactory(role=Role.PLATFORM_ADMIN).user
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)

    page = client.get(reverse("admin:cases_case_change", args=[case.pk]))
    listing = client.get(reverse("admin:cases_case_changelist"), {"q": case.number})
    posted = client.post(reverse("admin:cases_case_change", args=[case.pk]), {"status": "completed"})

    assert page.status_code == 200 and case.number in page.content.decode()
    assert listing.status_code == 200 and case.number in listing.content.decode()
    assert posted.status_code == 403
    assert client.get(reverse("admin:cases_case_add")).status_code == 403
    assert Case.objects.get(pk=case.pk).status == case.status


def test_a_clerk_does_not_see_cases_in_the_back_office(client):
    circle = make_circle()
    case = CaseFactory.for_circle(circle)
    circle.clerk.is_staff = True
    circle.clerk.save()
    client.force_login(circle.clerk)

    assert client.get(reverse("admin:cases_case_change", args=[case.pk])).status_code in (302, 403)
