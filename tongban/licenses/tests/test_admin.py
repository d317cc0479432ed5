"""Presentations (亮证) in the back office: a platform administrator lists them and opens one, with its use;
nobody adds, changes or deletes one there, and nothing on the pages would let someone use a presentation
(its token, its 6-digit code, its jti or the code's digests)."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from tongban.identity.access import actor_for
from tongban.identity.choices import Role
from tongban.identity.services.staff import staff_access_sync
from tongban.identity.tests.factories import StaffRoleFactory

from ..models import Presentation
from ..presentation_codes import presentation_code, presentation_token
from ..presentations import presentation_create, presentation_verify
from ..services import license_issue
from .factories import make_office, property_issue

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:licenses_presentation_changelist"
PURPOSE = "办理不动产登记，查验不动产权证书"


@pytest.fixture
def presented():
    """A license presented twice: the first showing verified by a clerk of 鄂州, the second still open."""
    cache.clear()
    office = make_office()
    license_ = license_issue(
        issuer=office.issuer, data=property_issue(office.holder), by=office.actor(office.reviewer)
    )
    clerk = StaffRoleFactory(role=Role.WINDOW_CLERK, organization__name="鄂州市政务服务中心").user
    used = presentation_create(license_=license_, by=actor_for(office.holder))
    presentation_verify(code=presentation_code(used), purpose=PURPOSE, by=actor_for(clerk))
    used.refresh_from_db()
    return used, presentation_create(license_=license_, by=actor_for(office.holder))


def signed_in(client, role: str = Role.PLATFORM_ADMIN):
    user = StaffRoleFactory(role=role).user
    staff_access_sync(user)  # a platform admin is the installation's superuser
    client.force_login(user)
    return user


def secrets_in(html: str, presentation: Presentation) -> list[str]:
    shown = [
        value
        for value in (presentation.jti, presentation.code_index, presentation_token(presentation))
        if value in html
    ]
    code = presentation_code(presentation)
    return shown + ([code] if re.search(rf"\b{code}\b", html) else [])


def test_a_superuser_lists_presentations_with_their_use_and_no_secret(client, presented):
    used, open_ = presented
    admin = signed_in(client)

    response = client.get(reverse(CHANGELIST))

    html = response.content.decode()
    assert admin.is_superuser and response.status_code == 200
    assert list(response.context["cl"].result_list) == [open_, used]
    assert used.license.identifier in html and "张三" in html
    assert "已核验" in html and "待核验" in html and "鄂州市政务服务中心" in html
    assert secrets_in(html, used) == [] and secrets_in(html, open_) == []


def test_a_superuser_opens_a_presentation_and_may_not_change_it(client, presented):
    used, _ = presented
    signed_in(client)

    response = client.get(reverse("admin:licenses_presentation_change", args=[used.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert used.license.identifier in html and PURPOSE in html and "鄂州市政务服务中心" in html
    assert 'name="_save"' not in html and "删除" not in html
    assert secrets_in(html, used) == []


def test_nobody_adds_changes_or_deletes_a_presentation(client, presented):
    used, open_ = presented
    signed_in(client)
    before = list(Presentation.objects.order_by("pk").values_list())

    answers = [
        client.get(reverse("admin:licenses_presentation_add")).status_code,
        client.post(reverse("admin:licenses_presentation_add"), {"purpose": "伪造"}).status_code,
        client.post(
            reverse("admin:licenses_presentation_change", args=[open_.pk]), {"purpose": "改动"}
        ).status_code,
        client.post(
            reverse("admin:licenses_presentation_delete", args=[used.pk]), {"post": "yes"}
        ).status_code,
    ]

    assert answers == [403, 403, 403, 403]
    assert list(Presentation.objects.order_by("pk").values_list()) == before


def test_other_staff_do_not_see_presentations_in_the_admin(client, presented):
    signed_in(client, Role.CATALOG_ADMIN)  # a back-office user, not a platform admin

    assert client.get(reverse(CHANGELIST)).status_code == 403
