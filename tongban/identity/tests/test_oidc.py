"""Single sign-on against a real OpenID Connect provider (oidc-provider-mock) running in a thread.

The whole authorization-code flow runs for real: the Django client asks /oidc/authenticate/, `requests`
submits the provider's consent form with a subject and its claims, the Django client follows the
redirect back to /oidc/callback/, and mozilla-django-oidc exchanges the code and fetches the provider's
keys over HTTP.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth import SESSION_KEY
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import resolve
from oidc_provider_mock import run_server_in_thread

from tongban.core.models import AuditEntry
from tongban.identity.choices import AccountKind, IdentityVerification
from tongban.identity.models import Person, User, id_number_index
from tongban.identity.oidc import ERROR_SESSION_KEY, axes_exempt

from .factories import PersonFactory, UserFactory, make_id_number

PROVIDER = "湖北政务服务网"
LOGIN = "/login/"


@pytest.fixture(scope="module")
def provider():
    """The provider's base URL; plain HTTP is allowed for it (authlib refuses it otherwise)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
        with run_server_in_thread() as server:
            yield f"http://localhost:{server.server_port}"


@pytest.fixture
def sso(provider, settings):
    settings.OIDC_ENABLED = True
    settings.OIDC_PROVIDER_NAME = PROVIDER
    settings.OIDC_RP_CLIENT_ID = "tongban"
    settings.OIDC_RP_CLIENT_SECRET = "tongban-secret"  # the mock accepts any
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider}/oauth2/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider}/oauth2/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{provider}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{provider}/jwks"
    settings.OIDC_TIMEOUT = 10
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "tongban.identity.oidc.TongbanOIDCBackend",
    ]
    return provider


def start(client, next_url: str = "/account/mandates/") -> str:
    """Ask our site to sign in: it answers with a redirect to the provider's authorization endpoint."""
    response = client.get("/oidc/authenticate/", {"next": next_url})
    assert response.status_code == 302
    return response["Location"]


def consent(provider: str, authorize_url: str, sub: str, claims: dict | None, *, action: str = "") -> str:
    """The person signs in at the provider; the provider redirects back with a code (or an error)."""
    if claims is not None:
        assert requests.put(f"{provider}/users/{sub}", json=claims, timeout=10).status_code == 204
    form = {"action": action} if action else {"sub": sub}
    response = requests.post(authorize_url, data=form, allow_redirects=False, timeout=10)
    assert response.status_code == 302
    return response.headers["Location"]


def callback(client, location: str):
    parts = urlsplit(location)
    assert parts.path == "/oidc/callback/"
    return client.get(parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()})


def sso_login(client, provider: str, sub: str, claims: dict | None):
    return callback(client, consent(provider, start(client), sub, claims))


def logged_in_user_id(client) -> int | None:
    value = client.session.get(SESSION_KEY)
    return int(value) if value is not None else None


@pytest.mark.django_db
def test_first_sign_on_creates_a_verified_person_account(client, sso):
    id_number = make_id_number(11)

    response = sso_login(client, sso, "sub-zhang", {"name": "张晓明", "id_number": id_number})

    assert response.status_code == 302 and response["Location"] == "/account/mandates/"
    user = User.objects.get(external_subject="sub-zhang")
    assert logged_in_user_id(client) == user.pk
    assert (user.kind, user.display_name, user.has_usable_password()) == (AccountKind.PERSON, "张晓明", False)
    assert user.username.startswith("sso_") and "sub-zhang" not in user.username
    person = Person.objects.get(user=user)
    assert (person.real_name, person.id_number, person.verification) == (
        "张晓明",
        id_number,
        IdentityVerification.SSO,
    )
    assert (person.birth_date.isoformat(), person.region_code) == ("1990-03-07", "420102")
    entry = AuditEntry.objects.get(action="account.registered")
    assert (entry.actor_id, entry.object_id, entry.detail) == (
        user.pk,
        str(user.pk),
        {"kind": "person", "via": "sso", "id_number": "4201**********" + id_number[-4:]},
    )


@pytest.mark.django_db
def test_second_sign_on_reuses_the_account(client, sso, django_user_model):
    sso_login(client, sso, "sub-again", {"name": "李华"})
    first = User.objects.get(external_subject="sub-again")
    client.logout()

    response = sso_login(client, sso, "sub-again", {"name": "李华"})

    assert response.status_code == 302
    assert logged_in_user_id(client) == first.pk
    assert django_user_model.objects.filter(external_subject="sub-again").count() == 1
    assert AuditEntry.objects.filter(action="account.registered").count() == 1


@pytest.mark.django_db
def test_sign_on_without_id_number_creates_an_account_without_person(client, sso):
    sso_login(client, sso, "sub-noid", {"name": "王芳"})

    user = User.objects.get(external_subject="sub-noid")
    assert logged_in_user_id(client) == user.pk
    assert not Person.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_a_registered_id_number_links_its_account_instead_of_making_a_second(client, sso):
    person = PersonFactory(real_name="赵敏", id_number=make_id_number(21))
    users_before = User.objects.count()

    sso_login(client, sso, "sub-zhao", {"name": "赵敏", "id_number": make_id_number(21)})

    person.user.refresh_from_db()
    assert person.user.external_subject == "sub-zhao"
    assert logged_in_user_id(client) == person.user.pk
    assert User.objects.count() == users_before
    assert AuditEntry.objects.filter(action="account.sso_linked", actor_id=person.user.pk).count() == 1


@pytest.mark.django_db
def test_linking_a_self_declared_account_drops_the_password_and_mail_chosen_at_registration(client, sso):
    """Whoever registered the ID number may not have been its owner; the provider vouches for the owner."""
    person = PersonFactory(real_name="赵敏", id_number=make_id_number(22), user__email="someone@example.cn")
    other_session = Client()
    other_session.force_login(person.user)

    sso_login(client, sso, "sub-zhao2", {"name": "赵敏", "id_number": make_id_number(22)})

    person.refresh_from_db()
    person.user.refresh_from_db()
    assert not person.user.has_usable_password()
    assert person.user.email == ""
    assert person.verification == IdentityVerification.SSO
    assert other_session.get("/api/v1/identity/me").status_code == 401  # the other session has ended
    entry = AuditEntry.objects.get(action="account.sso_linked", actor_id=person.user.pk)
    assert entry.detail == {"via": "sso", "password_cleared": True}


@pytest.mark.django_db
def test_accounts_are_never_matched_by_email(client, sso):
    other = UserFactory(email="shared@example.cn")

    sso_login(client, sso, "sub-mail", {"name": "钱进", "email": "shared@example.cn"})

    other.refresh_from_db()
    assert other.external_subject is None
    assert logged_in_user_id(client) == User.objects.get(external_subject="sub-mail").pk != other.pk


@pytest.mark.django_db
def test_an_id_number_bound_to_another_subject_is_refused(client, sso):
    person = PersonFactory(id_number=make_id_number(31))
    User.objects.filter(pk=person.user.pk).update(external_subject="sub-original")

    response = sso_login(client, sso, "sub-intruder", {"name": "某人", "id_number": make_id_number(31)})

    assert response.status_code == 302 and response["Location"] == LOGIN
    assert logged_in_user_id(client) is None
    assert User.objects.get(pk=person.user.pk).external_subject == "sub-original"
    assert not User.objects.filter(external_subject="sub-intruder").exists()
    assert client.session[ERROR_SESSION_KEY] == (
        f"该公民身份号码的账号已绑定另一个{PROVIDER}账号，请使用原账号登录或到窗口核验身份。"
    )


@pytest.mark.django_db
def test_missing_name_is_refused_and_creates_nothing(client, sso):
    users_before = User.objects.count()

    response = sso_login(client, sso, "sub-noname", {"id_number": make_id_number(41)})

    assert response["Location"] == LOGIN
    assert logged_in_user_id(client) is None
    assert User.objects.count() == users_before
    assert not Person.objects.filter(id_number_index=id_number_index(make_id_number(41))).exists()
    assert client.session[ERROR_SESSION_KEY] == (
        f"{PROVIDER}未提供您的姓名，无法为您建立账号。请联系{PROVIDER}或使用账号密码注册。"
    )


@pytest.mark.django_db
def test_an_invalid_id_number_is_refused_and_creates_nothing(client, sso):
    users_before = User.objects.count()

    sso_login(client, sso, "sub-badid", {"name": "孙丽", "id_number": "420102199003071230"})

    assert logged_in_user_id(client) is None
    assert User.objects.count() == users_before
    assert (
        client.session[ERROR_SESSION_KEY]
        == f"{PROVIDER}提供的公民身份号码无效，无法为您建立账号。请到窗口核验身份。"
    )


@pytest.mark.django_db
def test_a_wrong_state_is_refused_and_nobody_is_logged_in(client, sso):
    location = consent(sso, start(client), "sub-state", {"name": "周强"})
    forged = location.replace("state=", "state=forged")

    response = callback(client, forged)

    assert response.status_code == 302 and response["Location"] == LOGIN
    assert logged_in_user_id(client) is None
    assert not User.objects.filter(external_subject="sub-state").exists()
    assert client.session[ERROR_SESSION_KEY] == f"登录请求已失效，请重新点击“使用{PROVIDER}登录”。"


@pytest.mark.django_db
def test_a_callback_replayed_after_use_logs_nobody_in(client, sso, django_user_model):
    location = consent(sso, start(client), "sub-replay", {"name": "吴刚"})
    callback(client, location)
    client.logout()

    response = callback(client, location)

    assert response["Location"] == LOGIN
    assert logged_in_user_id(client) is None


@pytest.mark.django_db
def test_cancelling_at_the_provider_comes_back_with_a_message(client, sso):
    location = consent(sso, start(client), "sub-deny", None, action="deny")

    response = callback(client, location)

    assert response["Location"] == LOGIN
    assert logged_in_user_id(client) is None
    assert client.session[ERROR_SESSION_KEY] == f"您已取消在{PROVIDER}的登录。"


@pytest.mark.django_db
def test_an_unreachable_provider_is_a_message_not_an_error_page(client, sso, settings):
    location = consent(sso, start(client), "sub-down", {"name": "郑伟"})
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/oauth2/token"  # nothing listens on the discard port

    response = callback(client, location)

    assert response["Location"] == LOGIN
    assert logged_in_user_id(client) is None
    assert client.session[ERROR_SESSION_KEY] == f"{PROVIDER}暂时无法连接，请稍后再试或使用账号密码登录。"


@pytest.mark.django_db
def test_sso_switched_off_answers_404(client, settings):
    settings.OIDC_ENABLED = False

    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/", {"code": "x", "state": "y"}).status_code == 404


def test_the_button_appears_only_when_sso_is_on(settings):
    settings.OIDC_PROVIDER_NAME = PROVIDER
    request = RequestFactory().get(LOGIN, {"next": "/account/mandates/"})
    request.session = {}

    settings.OIDC_ENABLED = False
    assert "使用" not in render_to_string("identity/_sso_button.html", request=request)

    settings.OIDC_ENABLED = True
    html = render_to_string("identity/_sso_button.html", request=request)
    assert (
        f'<a class="button" href="/oidc/authenticate/?next=%2Faccount%2Fmandates%2F">使用{PROVIDER}登录</a>'
        in html
    )


def test_the_button_shows_a_refusal_once(settings):
    settings.OIDC_ENABLED = True
    request = RequestFactory().get(LOGIN)
    request.session = {ERROR_SESSION_KEY: "登录请求已失效。"}

    first = render_to_string("identity/_sso_button.html", request=request)
    second = render_to_string("identity/_sso_button.html", request=request)

    assert '<p class="notice" role="alert">登录请求已失效。</p>' in first
    assert "登录请求已失效" not in second


@pytest.mark.lockout
@pytest.mark.django_db
def test_refused_sign_ons_do_not_lock_out_the_next_person_at_the_same_address(client, sso, settings):
    settings.AXES_WHITELIST_CALLABLE = "tongban.identity.oidc.axes_exempt"  # to be in settings.py
    for n in range(6):
        sso_login(client, sso, f"sub-refused-{n}", {"id_number": make_id_number(50 + n)})

    sso_login(client, sso, "sub-after", {"name": "何平"})

    assert logged_in_user_id(client) == User.objects.get(external_subject="sub-after").pk


def test_only_the_callback_is_exempt_from_lockout():
    def request_to(path: str):
        request = RequestFactory().get(path)
        request.resolver_match = resolve(path)
        return request

    assert axes_exempt(request_to("/oidc/callback/")) is True
    assert axes_exempt(request_to("/oidc/authenticate/")) is False
    assert axes_exempt(request_to("/account/mandates/")) is False
    assert axes_exempt(RequestFactory().post(LOGIN)) is False


@pytest.mark.django_db
def test_a_refusal_is_shown_once_on_the_login_page_beside_the_button(client, sso):
    response = sso_login(client, sso, "sub-shown", {"id_number": make_id_number(45)})

    page = client.get(response["Location"]).content.decode()
    again = client.get(LOGIN).content.decode()

    message = f"{PROVIDER}未提供您的姓名，无法为您建立账号。请联系{PROVIDER}或使用账号密码注册。"
    assert f'<p class="notice" role="alert">{message}</p>' in page
    assert f">使用{PROVIDER}登录</a>" in page
    assert message not in again


@pytest.mark.django_db
def test_a_sign_on_lands_on_my_account_and_is_audited_as_a_login(client, sso):
    location = consent(sso, client.get("/oidc/authenticate/")["Location"], "sub-audit", {"name": "冯磊"})

    response = callback(client, location)

    user = User.objects.get(external_subject="sub-audit")
    assert response["Location"] == "/account/"
    assert client.get("/account/").status_code == 200
    login = AuditEntry.objects.get(action="login.succeeded")
    assert (login.actor_id, login.detail) == (user.pk, {"method": "sso"})


@pytest.mark.django_db
def test_a_deactivated_account_is_told_so(client, sso):
    sso_login(client, sso, "sub-inactive", {"name": "蒋涛"})
    User.objects.filter(external_subject="sub-inactive").update(is_active=False)
    client.logout()

    sso_login(client, sso, "sub-inactive", {"name": "蒋涛"})

    assert logged_in_user_id(client) is None
    assert client.session[ERROR_SESSION_KEY] == "您的账号已停用，请联系窗口工作人员。"


@pytest.mark.django_db
def test_a_code_the_provider_refuses_is_a_message(client, sso, settings):
    location = consent(sso, start(client), "sub-badcode", {"name": "韩梅"})

    response = callback(client, location.replace("code=", "code=x"))

    assert response["Location"] == LOGIN
    assert logged_in_user_id(client) is None
    assert client.session[ERROR_SESSION_KEY] == f"{PROVIDER}登录未能完成，请重新登录或使用账号密码登录。"
