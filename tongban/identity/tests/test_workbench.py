"""The workbench home: staff only; a clerk verifies an identity code and sees the person masked, and may
reveal the full ID number once, audited; nobody else sees it in clear."""

import pytest
from django.core.cache import cache
from django.urls import NoReverseMatch, reverse

from tongban.core.choices import Channel
from tongban.core.models import AuditEntry
from tongban.identity.choices import Role
from tongban.identity.models import IdentityCode
from tongban.identity.services.identity_codes import EXPIRED, INVALID, USED, identity_code_issue
from tongban.identity.views.workbench import STAFF_ONLY

from .factories import PersonFactory, StaffRoleFactory, make_id_number
from .identity_code_helpers import as_actor, move_clock, staff

pytestmark = pytest.mark.django_db
VERIFY = "/workbench/code/verify/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def clerk(client):
    role = StaffRoleFactory(role=Role.WINDOW_CLERK, organization__name="鄂州市鄂城区政务服务和大数据管理局")
    client.force_login(role.user)
    return role.user


@pytest.fixture
def applicant():
    return PersonFactory(real_name="王小明", id_number=make_id_number(21), phone="15100006702")


def a_code_of(person) -> str:
    return identity_code_issue(by=as_actor(person.user, Channel.WEB)).token


def masked(id_number: str) -> str:
    return id_number[:4] + "*" * 10 + id_number[-4:]


def test_an_anonymous_visitor_is_sent_to_the_staff_login(client, settings):
    settings.LOGIN_URL = "/login-for-test/"
    try:
        login = reverse("identity:workbench_login")
    except NoReverseMatch:
        login = "/login-for-test/"

    response = client.get(reverse("identity:workbench"))

    assert (response.status_code, response["Location"]) == (302, f"{login}?next=/workbench/")


def test_a_citizen_is_told_the_workbench_is_for_staff_and_the_refusal_is_recorded(client):
    citizen = PersonFactory().user
    client.force_login(citizen)

    response = client.get(reverse("identity:workbench"))

    assert response.status_code == 403
    assert STAFF_ONLY in response.content.decode()
    entry = AuditEntry.objects.get(action="access.denied")
    assert (entry.actor_id, entry.detail["action"], entry.detail["answer"]) == (
        citizen.pk,
        "workbench.enter",
        403,
    )


def test_a_revoked_role_no_longer_opens_the_workbench(client):
    role = StaffRoleFactory(role=Role.WINDOW_CLERK)
    role.revoked_at = role.granted_at
    role.save()
    client.force_login(role.user)

    assert client.get(reverse("identity:workbench")).status_code == 403


def test_a_clerk_sees_their_organization_role_and_the_verification_form(client, clerk):
    response = client.get(reverse("identity:workbench"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>鄂州市鄂城区政务服务和大数据管理局</strong>：窗口收件人员" in html
    assert f'action="{VERIFY}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.SUPERVISOR, Role.CATALOG_ADMIN, Role.PLATFORM_ADMIN])
def test_staff_who_do_not_verify_codes_see_the_workbench_without_the_form(client, role):
    client.force_login(staff(role))

    response = client.get(reverse("identity:workbench"))

    assert response.status_code == 200
    assert Role(role).label in response.content.decode()
    assert "核验身份码" not in response.content.decode()


def test_a_clerk_verifies_a_code_and_sees_the_person_masked(client, clerk, applicant):
    response = client.post(VERIFY, {"token": a_code_of(applicant), "place": "3号窗口"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "身份码有效：个人账号「王*明」。" in html
    assert masked(make_id_number(21)) in html
    assert "151****6702" in html
    assert make_id_number(21) not in html and "15100006702" not in html
    assert "显示完整身份证号" in html
    code = IdentityCode.objects.get()
    assert (code.used_by, code.used_channel, code.used_place) == (clerk, Channel.WINDOW, "3号窗口")


def test_a_helper_may_verify_too(client, applicant):
    client.force_login(staff(Role.HELPER))

    response = client.post(VERIFY, {"token": a_code_of(applicant)})

    assert "王*明" in response.content.decode()


def test_a_replayed_code_is_refused_with_the_reason(client, clerk, applicant):
    token = a_code_of(applicant)
    client.post(VERIFY, {"token": token})

    response = client.post(VERIFY, {"token": token})

    assert USED in response.content.decode()
    assert "身份码有效" not in response.content.decode()


def test_an_expired_code_is_refused_with_the_reason(client, clerk, applicant, monkeypatch):
    token = a_code_of(applicant)
    move_clock(monkeypatch, 61)

    response = client.post(VERIFY, {"token": token})

    assert EXPIRED in response.content.decode()
    assert IdentityCode.objects.get().used_at is None


def test_a_forged_code_is_refused_with_the_reason(client, clerk, applicant):
    response = client.post(VERIFY, {"token": a_code_of(applicant)[:-2] + "xx"})

    assert INVALID in response.content.decode()


def test_an_empty_code_is_refused_naming_the_field(client, clerk):
    response = client.post(VERIFY, {"token": "  "})

    assert "身份码：请扫描或输入申请人出示的身份码。" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.SUPERVISOR])
def test_staff_who_may_not_verify_get_not_found_and_the_code_stays_unused(client, applicant, role):
    client.force_login(staff(role))

    response = client.post(VERIFY, {"token": a_code_of(applicant)})

    assert response.status_code == 404
    assert IdentityCode.objects.get().used_at is None


def test_a_citizen_cannot_verify_and_the_code_stays_unused(client, applicant):
    client.force_login(PersonFactory().user)

    response = client.post(VERIFY, {"token": a_code_of(applicant)})

    assert response.status_code == 403
    assert IdentityCode.objects.get().used_at is None


def test_verification_is_rate_limited(client, clerk):
    for _ in range(30):
        assert client.post(VERIFY, {"token": "x"}).status_code == 200

    response = client.post(VERIFY, {"token": "x"})

    assert response.status_code == 429
    assert AuditEntry.objects.filter(action="identity_code.refused").count() == 30


def test_the_identifying_clerk_reveals_the_full_id_number_once_and_it_is_audited(client, clerk, applicant):
    client.post(VERIFY, {"token": a_code_of(applicant)})

    response = client.post(
        reverse("identity:workbench_person_reveal", args=[applicant.pk]), {"field": "id_number"}
    )

    assert response.status_code == 200
    assert f'<strong class="revealed__value">{make_id_number(21)}</strong>' in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    entry = AuditEntry.objects.get(action="person.revealed")
    assert (entry.actor_id, entry.object_id, entry.detail) == (
        clerk.pk,
        str(applicant.pk),
        {"field": "id_number", "reason": "窗口核验"},
    )
    assert make_id_number(21) not in client.get(reverse("identity:workbench")).content.decode()


def test_the_recently_identified_person_is_listed_masked_with_the_reveal_buttons(client, clerk, applicant):
    client.post(VERIFY, {"token": a_code_of(applicant)})

    html = client.get(reverse("identity:workbench")).content.decode()

    assert "最近 30 分钟核验的申请人" in html
    assert reverse("identity:workbench_person_reveal", args=[applicant.pk]) in html
    assert make_id_number(21) not in html


def test_a_clerk_who_did_not_identify_the_person_gets_not_found_and_sees_nothing(client, clerk, applicant):
    response = client.post(
        reverse("identity:workbench_person_reveal", args=[applicant.pk]), {"field": "id_number"}
    )

    assert response.status_code == 404
    assert make_id_number(21) not in response.content.decode()
    assert not AuditEntry.objects.filter(action="person.revealed").exists()
    assert AuditEntry.objects.get(action="access.denied").detail["action"] == "person.reveal"


def test_revealing_an_unknown_person_is_not_found(client, clerk):
    response = client.post(reverse("identity:workbench_person_reveal", args=[999999]), {"field": "id_number"})

    assert response.status_code == 404


def test_revealing_an_unknown_field_is_refused_naming_it(client, clerk, applicant):
    client.post(VERIFY, {"token": a_code_of(applicant)})

    response = client.post(
        reverse("identity:workbench_person_reveal", args=[applicant.pk]), {"field": "real_name"}
    )

    assert response.status_code == 400
    assert "要显示的信息只能是公民身份号码或手机号码。" in response.content.decode()
    assert not AuditEntry.objects.filter(action="person.revealed").exists()


def test_the_workbench_only_answers_get_and_its_actions_only_post(client, clerk):
    assert client.post(reverse("identity:workbench")).status_code == 405
    assert client.get(VERIFY).status_code == 405
