"""Identity codes over the API: a person gets a code; a kiosk (bearer token with identity:verify) or a
window session verifies it once; refusals answer 400/409/410 with the Chinese reason, 404 for callers who
may not verify, 429 past the rate limit."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from tongban.core.models import AuditEntry
from tongban.identity.choices import Role, TokenScope
from tongban.identity.models import IdentityCode
from tongban.identity.services.identity_codes import EXPIRED, INVALID, USED

from .factories import CompanyFactory, PersonFactory, make_id_number
from .identity_code_helpers import kiosk_token, move_clock, staff

pytestmark = pytest.mark.django_db
CODES = "/api/v1/identity/codes"
VERIFY = "/api/v1/identity/codes/verify"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def applicant():
    return PersonFactory(real_name="王小明", id_number=make_id_number(31), phone="15100006702")


def issue(person) -> str:
    client = Client()
    client.force_login(person.user)
    return client.post(CODES).json()["token"]


def kiosk_client(*scopes: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {kiosk_token(*scopes)[1]}"})


def test_a_person_gets_a_code_with_its_qr_svg(client, applicant):
    client.force_login(applicant.user)

    response = client.post(CODES)

    body = response.json()
    assert response.status_code == 201
    assert set(body) == {"token", "expires_at", "kind", "qr_svg"}
    assert body["kind"] == "person"
    assert body["qr_svg"].startswith("<svg") and "<title>身份码二维码</title>" in body["qr_svg"]
    assert IdentityCode.objects.get().user == applicant.user


def test_a_company_gets_an_enterprise_code(client):
    company = CompanyFactory()
    client.force_login(company.user)

    assert client.post(CODES).json()["kind"] == "company"


@pytest.mark.parametrize("caller", ["staff", "kiosk"])
def test_staff_and_systems_get_no_code(client, caller):
    if caller == "staff":
        client.force_login(staff())
    else:
        client = kiosk_client()

    response = client.post(CODES)

    assert response.status_code == 404
    assert IdentityCode.objects.count() == 0


def test_a_kiosk_verifies_a_code_and_gets_the_person_masked(applicant):
    response = kiosk_client().post(
        VERIFY, {"token": issue(applicant), "place": "华容区自助终端 1 号"}, content_type="application/json"
    )

    body = response.json()
    assert response.status_code == 200
    assert {k: body[k] for k in ("account_id", "kind", "name", "id_number", "phone")} == {
        "account_id": applicant.user_id,
        "kind": "person",
        "name": "王*明",
        "id_number": make_id_number(31)[:4] + "*" * 10 + make_id_number(31)[-4:],
        "phone": "151****6702",
    }
    assert make_id_number(31) not in response.content.decode()
    assert IdentityCode.objects.get().used_place == "华容区自助终端 1 号"


def test_a_window_clerk_verifies_with_the_session_and_its_csrf_token(applicant):
    clerk = Client(enforce_csrf_checks=True)
    clerk.force_login(staff(Role.WINDOW_CLERK))
    token = issue(applicant)

    refused = clerk.post(VERIFY, {"token": token}, content_type="application/json")
    workbench = clerk.get("/workbench/").content.decode()  # the page the clerk's browser has open
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', workbench).group(1)
    accepted = clerk.post(
        VERIFY, {"token": token}, content_type="application/json", headers={"X-CSRFToken": csrf}
    )

    assert refused.status_code == 403
    assert accepted.status_code == 200
    assert accepted.json()["name"] == "王*明"


@pytest.mark.parametrize(
    "caller",
    ["citizen", "reviewer", "token-without-scope"],
    ids=["citizen", "reviewer", "token-without-scope"],
)
def test_who_may_not_verify_gets_not_found_and_the_code_stays_unused(client, applicant, caller):
    if caller == "token-without-scope":
        client = kiosk_client(TokenScope.CATALOG_READ)
    else:
        client.force_login(PersonFactory().user if caller == "citizen" else staff(Role.REVIEWER))

    response = client.post(VERIFY, {"token": issue(applicant)}, content_type="application/json")

    assert response.status_code == 404
    assert IdentityCode.objects.get().used_at is None
    assert AuditEntry.objects.get(action="access.denied").detail["action"] == "identity_code.verify"


def test_an_anonymous_caller_is_unauthorized(client, applicant):
    response = client.post(VERIFY, {"token": issue(applicant)}, content_type="application/json")

    assert response.status_code == 401
    assert IdentityCode.objects.get().used_at is None


def test_a_replayed_code_answers_409(applicant):
    kiosk, token = kiosk_client(), issue(applicant)
    kiosk.post(VERIFY, {"token": token}, content_type="application/json")

    response = kiosk.post(VERIFY, {"token": token}, content_type="application/json")

    assert (response.status_code, response.json()["detail"]) == (409, USED)


def test_an_expired_code_answers_410(applicant, monkeypatch):
    token = issue(applicant)
    move_clock(monkeypatch, 61)

    response = kiosk_client().post(VERIFY, {"token": token}, content_type="application/json")

    assert (response.status_code, response.json()["detail"]) == (410, EXPIRED)
    assert IdentityCode.objects.get().used_at is None


@pytest.mark.parametrize("forged", ["", "abc", "p1.AAAAAAAAAAAAAAAA.1:" + "x" * 43])
def test_a_forged_code_answers_400(forged):
    response = kiosk_client().post(VERIFY, {"token": forged}, content_type="application/json")

    assert (response.status_code, response.json()["detail"]) == (400, INVALID)


def test_a_request_without_a_token_names_the_parameter():
    response = kiosk_client().post(VERIFY, {}, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "payload.token"


def test_verification_is_rate_limited_per_kiosk_token(applicant):
    kiosk = kiosk_client()
    for _ in range(30):
        assert kiosk.post(VERIFY, {"token": "x"}, content_type="application/json").status_code == 400

    response = kiosk.post(VERIFY, {"token": issue(applicant)}, content_type="application/json")

    assert (response.status_code, response.json()["detail"]) == (429, "操作过于频繁，请约 1 分钟后再试。")
    assert IdentityCode.objects.get().used_at is None
    assert kiosk_client().post(VERIFY, {"token": "x"}, content_type="application/json").status_code == 400
