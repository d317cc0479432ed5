"""Password reset that reveals nothing about which accounts exist, its rate limits, and the password change
page; both changes are audited."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django_ratelimit import core as ratelimit_core

from tongban.core.models import AuditEntry

from .factories import PASSWORD, PersonFactory

NEW_PASSWORD = "Wuhan-circle-2026"
RESET = "/password-reset/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def one_window(monkeypatch):
    """Every request of the test falls in one rate-limit window."""
    monkeypatch.setattr(ratelimit_core.time, "time", lambda: 1_800_000_000)


def without_nonces(page: bytes) -> bytes:
    """A page as text, apart from the CSP nonce that differs on every response."""
    return re.sub(rb'nonce="[^"]*"', b'nonce=""', page)


def reset_link(message) -> str:
    return re.search(r"http://testserver(/password-reset/\S+/)", message.body).group(1)


@pytest.mark.django_db
def test_the_reset_answer_is_the_same_whether_or_not_an_account_has_the_address(client, mailoutbox):
    PersonFactory(user__email="zhangsan@example.com")

    known = client.post(RESET, {"email": "zhangsan@example.com"}, follow=True)
    unknown = client.post(RESET, {"email": "nobody@example.com"}, follow=True)

    assert known.redirect_chain == unknown.redirect_chain == [("/password-reset/sent/", 302)]
    assert known.status_code == unknown.status_code == 200
    assert without_nonces(known.content) == without_nonces(unknown.content)
    assert [message.to for message in mailoutbox] == [["zhangsan@example.com"]]


@pytest.mark.django_db
def test_the_reset_mail_is_chinese_and_carries_a_one_time_link(client, mailoutbox):
    person = PersonFactory(user__email="zhangsan@example.com")

    client.post(RESET, {"email": "zhangsan@example.com"})

    (message,) = mailoutbox
    assert message.subject == "武汉都市圈政务服务“圈内通办”：重置密码"
    assert f"用户名：{person.user.username}" in message.body
    assert reset_link(message).startswith("/password-reset/")


@pytest.mark.django_db
def test_following_the_link_sets_a_new_password_and_is_audited(client, mailoutbox):
    person = PersonFactory(user__email="zhangsan@example.com")
    client.post(RESET, {"email": "zhangsan@example.com"})

    form_page = client.get(reset_link(mailoutbox[0]), follow=True)
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert "设置新密码" in form_page.content.decode()
    assert (done.status_code, done.url) == (302, "/password-reset/complete/")
    person.user.refresh_from_db()
    assert person.user.check_password(NEW_PASSWORD)
    entry = AuditEntry.objects.get(action="password.reset_completed")
    assert (entry.actor_id, entry.object_id) == (person.user_id, str(person.user_id))
    again = client.get(reset_link(mailoutbox[0]))
    assert "链接已失效" in again.content.decode()


@pytest.mark.django_db
def test_a_weak_new_password_is_refused_in_chinese(client, mailoutbox):
    PersonFactory(user__email="zhangsan@example.com")
    client.post(RESET, {"email": "zhangsan@example.com"})
    form_page = client.get(reset_link(mailoutbox[0]), follow=True)

    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "12345678", "new_password2": "12345678"}
    )

    page = response.content.decode()
    assert "新密码确认：这个密码太常见了。" in page
    assert not AuditEntry.objects.filter(action="password.reset_completed").exists()


@pytest.mark.django_db
def test_the_reset_form_says_what_to_do_without_an_email(client):
    page = client.get(RESET).content.decode()

    assert "注册时没有填写电子邮箱的，请携带本人居民身份证" in page
    assert 'name="csrfmiddlewaretoken"' in page


@pytest.mark.django_db
def test_resets_for_one_address_are_limited_to_five_an_hour(client, mailoutbox, one_window):
    PersonFactory(user__email="zhangsan@example.com")
    for _ in range(5):
        client.post(RESET, {"email": "ZhangSan@example.com"})

    response = client.post(RESET, {"email": "zhangsan@example.com"})
    other = client.post(RESET, {"email": "lisi@example.com"})

    assert response.status_code == 429
    assert other.status_code == 302
    assert len(mailoutbox) == 5


@pytest.mark.django_db
def test_resets_from_one_address_are_limited_to_ten_an_hour(client, one_window):
    for n in range(10):
        client.post(RESET, {"email": f"someone{n}@example.com"})

    response = client.post(RESET, {"email": "another@example.com"})

    assert response.status_code == 429


@pytest.mark.lockout
@pytest.mark.django_db
def test_a_reset_lifts_the_lockout_of_the_account(client, mailoutbox):
    person = PersonFactory(user__email="zhangsan@example.com")
    for _ in range(5):
        client.post("/login/", {"username": person.user.username, "password": "wrong-password"})
    client.post(RESET, {"email": "zhangsan@example.com"})
    form_page = client.get(reset_link(mailoutbox[0]), follow=True)
    client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    response = client.post("/login/", {"username": person.user.username, "password": NEW_PASSWORD})

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(person.user_id)


# --- Changing the password ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_changing_the_password_keeps_the_session_and_is_audited(client):
    person = PersonFactory()
    client.force_login(person.user)

    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert (response.status_code, response.url) == (302, "/account/password/done/")
    assert client.get("/account/").status_code == 200
    person.user.refresh_from_db()
    assert person.user.check_password(NEW_PASSWORD)
    assert AuditEntry.objects.get(action="password.changed").actor_id == person.user_id


@pytest.mark.django_db
def test_a_wrong_old_password_changes_nothing(client):
    person = PersonFactory()
    client.force_login(person.user)

    response = client.post(
        "/account/password/",
        {"old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert '<p class="field-error" id="id_old_password-error">旧密码：' in response.content.decode()
    person.user.refresh_from_db()
    assert person.user.check_password(PASSWORD)
    assert not AuditEntry.objects.filter(action="password.changed").exists()


@pytest.mark.django_db
def test_the_password_change_page_needs_a_login(client):
    response = client.get("/account/password/")

    assert (response.status_code, response.url) == (302, "/login/?next=/account/password/")
