"""Logging in and out through the pages: by user name or ID number, the staff door, idle sessions,
rate limits, the lockout, and the audit entries each leaves."""

import datetime

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django_ratelimit import core as ratelimit_core

from tongban.core.models import AuditEntry
from tongban.identity.choices import AccountKind

from .factories import PASSWORD, PersonFactory, StaffRoleFactory, UserFactory, make_id_number

LOGIN = "/login/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the cache; no test may inherit another's."""
    cache.clear()
    yield
    cache.clear()


def log_in(client, username, password=PASSWORD, path=LOGIN, **extra):
    return client.post(path, {"username": username, "password": password, **extra})


def signed_in_user_id(client):
    return client.session.get(SESSION_KEY)


@pytest.mark.django_db
def test_a_person_logs_in_with_the_user_name_and_lands_on_my_account(client):
    person = PersonFactory()

    response = log_in(client, person.user.username)

    assert (response.status_code, response.url) == (302, reverse("identity:account"))
    assert signed_in_user_id(client) == str(person.user_id)


@pytest.mark.django_db
def test_a_person_logs_in_with_the_id_number(client):
    person = PersonFactory(id_number=make_id_number(42))

    response = log_in(client, make_id_number(42))

    assert response.status_code == 302
    assert signed_in_user_id(client) == str(person.user_id)


@pytest.mark.django_db
def test_a_wrong_password_is_refused_in_chinese_and_keeps_the_name(client):
    person = PersonFactory()

    response = log_in(client, person.user.username, password="wrong-password")

    assert response.status_code == 200
    page = response.content.decode()
    assert "用户名（或公民身份号码）或密码不正确。请注意密码区分大小写。" in page
    assert f'value="{person.user.username}"' in page
    assert "wrong-password" not in page
    assert signed_in_user_id(client) is None


@pytest.mark.django_db
def test_a_successful_login_is_audited(client):
    person = PersonFactory()

    log_in(client, person.user.username)

    entry = AuditEntry.objects.get(action="login.succeeded")
    assert (entry.actor_id, entry.object_id, entry.ip) == (person.user_id, str(person.user_id), "127.0.0.1")
    assert entry.detail == {"method": "password"}


@pytest.mark.django_db
def test_a_failed_login_is_audited_with_the_name_masked(client):
    person = PersonFactory(user__username="zhangsan")

    log_in(client, "zhangsan", password="wrong-password")

    entry = AuditEntry.objects.get(action="login.failed")
    assert (entry.actor_id, entry.object_id, entry.ip) == (None, str(person.user_id), "127.0.0.1")
    assert entry.detail == {"username": "zh*****n"}


@pytest.mark.django_db
def test_a_failed_login_by_id_number_never_stores_the_number(client):
    number = make_id_number(77)

    log_in(client, number, password="wrong-password")

    entry = AuditEntry.objects.get(action="login.failed")
    assert entry.detail == {"username": number[:4] + "*" * 10 + number[-4:]}
    assert entry.object_id == ""
    stored = " ".join(str(v) for v in AuditEntry.objects.values_list("detail", "object_label", "actor_label"))
    assert number not in stored


@pytest.mark.django_db
def test_logout_is_post_only_and_audited(client):
    person = PersonFactory()
    client.force_login(person.user)

    refused = client.get("/logout/")
    response = client.post("/logout/")

    assert refused.status_code == 405
    assert (response.status_code, response.url) == (302, reverse("catalog:home"))
    assert signed_in_user_id(client) is None
    assert AuditEntry.objects.filter(action="logout", actor_id=person.user_id).count() == 1


@pytest.mark.django_db
def test_a_signed_in_visitor_of_the_login_page_goes_to_my_account(client):
    client.force_login(PersonFactory().user)

    response = client.get(LOGIN)

    assert (response.status_code, response.url) == (302, reverse("identity:account"))


@pytest.mark.django_db
def test_login_follows_a_safe_next_address_only(client):
    person = PersonFactory()

    inside = log_in(client, person.user.username, next="/list/")
    client.post("/logout/")
    outside = log_in(client, person.user.username, next="https://evil.example/")

    assert inside.url == "/list/"
    assert outside.url == reverse("identity:account")


# --- The staff door -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_log_in_at_the_workbench_door(client):
    role = StaffRoleFactory()

    page = client.get("/workbench/login/")
    response = log_in(client, role.user.username, path="/workbench/login/")

    assert "工作人员登录" in page.content.decode()
    expected = _url_or("identity:workbench", "identity:account")
    assert (response.status_code, response.url) == (302, expected)
    assert signed_in_user_id(client) == str(role.user_id)


@pytest.mark.django_db
def test_staff_logging_in_on_the_portal_also_go_to_the_workbench(client):
    role = StaffRoleFactory()

    response = log_in(client, role.user.username)

    assert response.url == _url_or("identity:workbench", "identity:account")


@pytest.mark.django_db
def test_a_citizen_cannot_come_in_through_the_staff_door(client):
    person = PersonFactory()

    response = log_in(client, person.user.username, path="/workbench/login/")

    assert response.status_code == 200
    assert "此入口仅供工作人员登录。群众和企业请从首页的“登录”进入。" in response.content.decode()
    assert signed_in_user_id(client) is None


def _url_or(name: str, fallback: str) -> str:
    from django.urls import NoReverseMatch

    try:
        return reverse(name)
    except NoReverseMatch:
        return reverse(fallback)


# --- Sessions -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_session_ends_after_thirty_idle_minutes(client, monkeypatch, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client.force_login(PersonFactory().user)
    assert client.get("/account/").status_code == 200
    started = timezone.now()

    monkeypatch.setattr(timezone, "now", lambda: started + datetime.timedelta(minutes=29))
    still_in = client.get("/account/")
    monkeypatch.setattr(timezone, "now", lambda: started + datetime.timedelta(minutes=29 + 31))
    idle = client.get("/account/")

    assert still_in.status_code == 200  # and this request renewed the session for 30 minutes
    assert (idle.status_code, idle.url) == (302, "/login/?next=/account/")


@pytest.mark.django_db
def test_every_request_renews_the_session(client):
    client.force_login(PersonFactory().user)

    client.get("/account/")

    session = Session.objects.get()
    remaining = session.expire_date - timezone.now()
    assert datetime.timedelta(minutes=29) < remaining <= datetime.timedelta(minutes=30)


# --- Rate limit and lockout ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_more_than_thirty_login_attempts_a_minute_from_one_address_are_refused(client, monkeypatch):
    monkeypatch.setattr(ratelimit_core.time, "time", lambda: 1_800_000_000)  # all within one window
    person = PersonFactory()
    for _ in range(30):
        log_in(client, "nobody", password="wrong-password")

    response = log_in(client, person.user.username)

    assert response.status_code == 429
    assert "操作过于频繁" in response.content.decode()
    assert signed_in_user_id(client) is None


@pytest.mark.lockout
@pytest.mark.django_db
def test_five_failures_lock_the_account_even_against_the_right_password(client):
    person = PersonFactory()
    for _ in range(5):
        log_in(client, person.user.username, password="wrong-password")
    audited_before = AuditEntry.objects.count()

    response = log_in(client, person.user.username)

    assert response.status_code == 429
    assert "账号暂时锁定" in response.content.decode()
    assert signed_in_user_id(client) is None
    person.user.refresh_from_db()
    assert person.user.last_login is None
    assert not AuditEntry.objects.filter(action="login.succeeded").exists()
    refused = AuditEntry.objects.filter(seq__gt=audited_before).get()
    assert (refused.action, refused.detail["refused"]) == ("login.failed", "locked_out")


@pytest.mark.lockout
@pytest.mark.django_db
def test_failures_by_id_number_count_against_the_account(client):
    person = PersonFactory(id_number=make_id_number(43))
    for _ in range(5):
        log_in(client, make_id_number(43), password="wrong-password")

    response = log_in(client, person.user.username)

    assert response.status_code == 429
    assert signed_in_user_id(client) is None


@pytest.mark.lockout
@pytest.mark.django_db
def test_the_lockout_of_one_account_leaves_others_alone(client):
    locked, other = PersonFactory(), PersonFactory()
    for _ in range(5):
        log_in(client, locked.user.username, password="wrong-password")

    response = log_in(client, other.user.username)

    assert response.status_code == 302
    assert signed_in_user_id(client) == str(other.user_id)


@pytest.mark.lockout
@pytest.mark.django_db
def test_the_lockout_tables_never_hold_an_id_number(client):
    from axes.models import AccessAttempt

    number = make_id_number(44)
    PersonFactory(id_number=number)
    log_in(client, number, password="wrong-password")
    log_in(client, make_id_number(45), password="wrong-password")

    rows = list(AccessAttempt.objects.values_list("username", "post_data"))
    assert len(rows) == 2
    assert not any(number in str(row) or make_id_number(45) in str(row) for row in rows)


# --- The header ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_header_offers_login_and_registration_to_visitors(client):
    page = client.get(LOGIN).content.decode()

    assert '<a href="/login/" aria-current="page">登录</a>' in page
    assert '<a href="/register/">注册</a>' in page


@pytest.mark.django_db
def test_the_header_offers_my_account_and_a_logout_form_when_signed_in(client):
    client.force_login(UserFactory(kind=AccountKind.PERSON))

    page = client.get("/list/").content.decode()

    assert '<a href="/account/">我的账号</a>' in page
    assert 'action="/logout/"' in page
    assert 'name="csrfmiddlewaretoken"' in page
