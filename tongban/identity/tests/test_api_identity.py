"""The identity API: /me and mandates, with a browser session (CSRF enforced) and with an API token."""

import datetime
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tongban.catalog.tests.factories import ServiceItemFactory
from tongban.core.models import AuditEntry
from tongban.identity.api_auth import token_digest, token_generate
from tongban.identity.choices import IdentityVerification, Role, TokenScope
from tongban.identity.models import ApiToken, Mandate
from tongban.identity.services.mandates import AGENT_UNKNOWN
from tongban.regions.tests.factories import OrganizationFactory

from .factories import CompanyFactory, MandateFactory, PersonFactory, StaffRoleFactory, make_id_number

pytestmark = pytest.mark.django_db

API = "/api/v1/identity"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def session(user, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def csrf_token(client: Client) -> str:
    """The token a page gives the browser (any page with a form sets the cookie)."""
    client.get("/account/mandates/new/")
    return client.cookies["csrftoken"].value


def token_client(*, scopes=(), name="华容区自助终端01", organization=None) -> tuple[Client, ApiToken]:
    plaintext = token_generate()
    token = ApiToken.objects.create(
        name=name,
        organization=organization or OrganizationFactory(name="鄂州市华容区政务服务和大数据管理局"),
        scopes=list(scopes),
        prefix=plaintext[:8],
        token_hash=token_digest(plaintext),
    )
    return Client(headers={"Authorization": f"Bearer {plaintext}"}), token


def post(client: Client, url: str, body: dict | None = None, **headers):
    return client.post(url, json.dumps(body or {}), content_type="application/json", headers=headers)


def masked(id_number: str) -> str:
    return id_number[:4] + "*" * 10 + id_number[-4:]


def party(person) -> dict:
    return {"kind": "person", "name": person.real_name, "identifier": masked(person.id_number)}


def new_mandate_body(agent, **overrides) -> dict:
    today = timezone.localdate()
    return {
        "agent_name": agent.real_name,
        "agent_id_number": agent.id_number,
        "all_items": True,
        "starts_on": today.isoformat(),
        "expires_on": (today + datetime.timedelta(days=30)).isoformat(),
    } | overrides


# --- Me ---------------------------------------------------------------------------------------------


def test_me_for_a_person_is_masked():
    person = PersonFactory(real_name="陈红", id_number=make_id_number(5), phone="15100006702")

    response = session(person.user).get(f"{API}/me")

    assert response.status_code == 200
    assert response.json() == {
        "kind": "person",
        "display_name": "陈红",
        "id_number": masked(make_id_number(5)),
        "phone": "151****6702",
        "uscc": "",
        "verification": {"value": "self_declared", "label": IdentityVerification.SELF_DECLARED.label},
        "roles": [],
        "token": None,
    }
    assert make_id_number(5) not in response.content.decode()


def test_me_for_a_company_shows_its_register_data():
    company = CompanyFactory(name="武汉通办科技有限公司", phone="15100001234")

    body = session(company.user).get(f"{API}/me").json()

    assert (body["kind"], body["display_name"], body["uscc"], body["phone"], body["id_number"]) == (
        "company",
        "武汉通办科技有限公司",
        company.uscc,
        "151****1234",
        "",
    )


def test_me_for_staff_lists_roles_with_organizations():
    organization = OrganizationFactory(name="鄂州市鄂城区行政审批局")
    role = StaffRoleFactory(role=Role.WINDOW_CLERK, organization=organization)
    StaffRoleFactory(user=role.user, role=Role.REVIEWER, organization=organization, revoked_at=timezone.now())

    body = session(role.user).get(f"{API}/me").json()

    assert body["kind"] == "staff"
    assert body["roles"] == [
        {
            "role": {"value": "window_clerk", "label": "窗口收件人员"},
            "organization": "鄂州市鄂城区行政审批局",
            "organization_uscc": organization.uscc,
            "item_code": "",
        }
    ]


def test_me_for_a_token_names_the_token_its_organization_and_scopes():
    client, _ = token_client(scopes=[TokenScope.IDENTITY_VERIFY, TokenScope.MANDATES_READ])

    response = client.get(f"{API}/me")

    assert response.status_code == 200
    assert response.json() == {
        "kind": "system",
        "display_name": "华容区自助终端01",
        "id_number": "",
        "phone": "",
        "uscc": "",
        "verification": None,
        "roles": [],
        "token": {
            "name": "华容区自助终端01",
            "organization": "鄂州市华容区政务服务和大数据管理局",
            "scopes": [
                {"value": "identity:verify", "label": "核验身份码"},
                {"value": "mandates:read", "label": "查询委托关系"},
            ],
            "expires_at": None,
        },
    }


def test_me_needs_a_session_or_a_valid_token(client):
    _, token = token_client()
    token.revoked_at = timezone.now()
    token.save()

    assert client.get(f"{API}/me").status_code == 401
    assert client.get(f"{API}/me", headers={"Authorization": "Bearer tb_not-a-token"}).status_code == 401


# --- Mandates ---------------------------------------------------------------------------------------


def test_the_list_holds_given_and_received():
    person = PersonFactory()
    given = MandateFactory(principal=person.user, all_items=False, item_codes=["110000000001"], note="社保")
    received = MandateFactory(agent=person)
    MandateFactory()

    response = session(person.user).get(f"{API}/mandates")

    body = response.json()
    assert response.status_code == 200
    assert [m["id"] for m in body["given"]] == [given.pk]
    assert [m["id"] for m in body["received"]] == [received.pk]
    assert body["given"][0] == {
        "id": given.pk,
        "principal": party(person),
        "agent": party(given.agent),
        "all_items": False,
        "item_codes": ["110000000001"],
        "starts_on": given.starts_on.isoformat(),
        "expires_on": given.expires_on.isoformat(),
        "note": "社保",
        "status": {"value": "active", "label": "生效中"},
        "created_at": body["given"][0]["created_at"],
        "revoked_at": None,
    }
    assert given.agent.id_number not in response.content.decode()


def test_token_clients_are_refused_mandates_and_the_refusal_is_recorded():
    mandate = MandateFactory()
    client, token = token_client(scopes=[TokenScope.MANDATES_READ])

    listing = client.get(f"{API}/mandates")
    one = client.get(f"{API}/mandates/{mandate.pk}")
    revoking = post(client, f"{API}/mandates/{mandate.pk}/revoke")

    assert [listing.status_code, one.status_code, revoking.status_code] == [403, 403, 403]
    assert listing.json()["detail"] == "接口令牌不能查询或办理委托：委托属于个人或法人账号。"
    mandate.refresh_from_db()
    assert mandate.revoked_at is None
    assert AuditEntry.objects.filter(action="access.denied", actor_label__startswith=token.name).count() == 3


def test_creating_needs_the_csrf_token_with_a_session():
    principal, agent = PersonFactory(), PersonFactory()
    client = session(principal.user, csrf=True)

    refused = post(client, f"{API}/mandates", new_mandate_body(agent))
    assert refused.status_code == 403
    assert Mandate.objects.count() == 0

    created = post(client, f"{API}/mandates", new_mandate_body(agent), X_CSRFToken=csrf_token(client))
    assert created.status_code == 201
    mandate = Mandate.objects.get()
    assert created.json()["id"] == mandate.pk
    assert created.json()["principal"] == party(principal)
    assert created.json()["agent"] == party(agent)
    assert AuditEntry.objects.filter(action="mandate.created", object_id=str(mandate.pk)).count() == 1


def test_creating_with_listed_items():
    principal, agent = PersonFactory(), PersonFactory()
    item = ServiceItemFactory()

    response = post(
        session(principal.user),
        f"{API}/mandates",
        new_mandate_body(agent, all_items=False, item_codes=[item.basic_code], note="代办"),
    )

    assert response.status_code == 201
    assert (response.json()["item_codes"], response.json()["note"]) == ([item.basic_code], "代办")


def test_bad_input_answers_400_with_a_message_per_field_and_creates_nothing():
    principal, agent = PersonFactory(), PersonFactory()

    response = post(
        session(principal.user),
        f"{API}/mandates",
        new_mandate_body(agent, agent_name="别人", all_items=False, item_codes=["990000000001"]),
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": AGENT_UNKNOWN,
        "errors": [
            {"field": "agent_id_number", "message": AGENT_UNKNOWN},
            {"field": "item_codes", "message": "以下事项编码在事项目录中不存在：990000000001。"},
        ],
    }
    assert Mandate.objects.count() == 0


def test_a_malformed_date_is_reported_in_chinese():
    principal, agent = PersonFactory(), PersonFactory()

    response = post(session(principal.user), f"{API}/mandates", new_mandate_body(agent, starts_on="明天"))

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "payload.starts_on"
    assert Mandate.objects.count() == 0


def test_staff_cannot_create_mandates():
    staff = StaffRoleFactory().user

    response = post(session(staff), f"{API}/mandates", new_mandate_body(PersonFactory()))

    assert response.status_code == 404
    assert Mandate.objects.count() == 0


def test_creating_too_often_is_refused():
    principal, agent = PersonFactory(), PersonFactory()
    client = session(principal.user)
    for n in range(20):
        post(client, f"{API}/mandates", new_mandate_body(agent, agent_id_number=make_id_number(700 + n)))

    response = post(client, f"{API}/mandates", new_mandate_body(agent))

    assert response.status_code == 429
    assert response.json()["detail"] == "提交过于频繁，请稍后再试。"
    assert Mandate.objects.count() == 0


def test_one_mandate_for_its_parties_404_for_others():
    mandate = MandateFactory()
    stranger = PersonFactory()

    assert session(mandate.principal).get(f"{API}/mandates/{mandate.pk}").status_code == 200
    assert session(mandate.agent.user).get(f"{API}/mandates/{mandate.pk}").json()["id"] == mandate.pk
    response = session(stranger.user).get(f"{API}/mandates/{mandate.pk}")
    assert response.status_code == 404
    assert response.json()["detail"] == "未找到该对象或无权查看。"
    assert AuditEntry.objects.filter(action="access.denied", actor_id=stranger.user.pk).count() == 1


def test_the_principal_revokes_with_csrf():
    mandate = MandateFactory()
    client = session(mandate.principal, csrf=True)

    response = post(client, f"{API}/mandates/{mandate.pk}/revoke", X_CSRFToken=csrf_token(client))

    assert response.status_code == 200
    assert response.json()["status"] == {"value": "revoked", "label": "已撤销"}
    mandate.refresh_from_db()
    assert mandate.revoked_by == mandate.principal


def test_revoking_without_the_csrf_token_changes_nothing():
    mandate = MandateFactory()

    response = post(session(mandate.principal, csrf=True), f"{API}/mandates/{mandate.pk}/revoke")

    assert response.status_code == 403
    mandate.refresh_from_db()
    assert mandate.revoked_at is None


def test_agent_403_stranger_404_and_nothing_changes():
    mandate = MandateFactory()

    by_agent = post(session(mandate.agent.user), f"{API}/mandates/{mandate.pk}/revoke")
    by_stranger = post(session(PersonFactory().user), f"{API}/mandates/{mandate.pk}/revoke")

    assert (by_agent.status_code, by_stranger.status_code) == (403, 404)
    assert by_agent.json()["detail"] == "您没有权限执行此操作。"
    mandate.refresh_from_db()
    assert mandate.revoked_at is None
    assert not AuditEntry.objects.filter(action="mandate.revoked").exists()


def test_revoking_twice_answers_409():
    mandate = MandateFactory()
    client = session(mandate.principal)
    post(client, f"{API}/mandates/{mandate.pk}/revoke")

    response = post(client, f"{API}/mandates/{mandate.pk}/revoke")

    assert response.status_code == 409
    assert response.json()["detail"].endswith("撤销，无需再次撤销。")
    assert AuditEntry.objects.filter(action="mandate.revoked").count() == 1


def test_the_list_reads_a_fixed_number_of_queries(django_assert_num_queries):
    person = PersonFactory()
    MandateFactory(principal=person.user)
    MandateFactory(agent=person)
    client = session(person.user)
    client.get(f"{API}/mandates")
    with CaptureQueriesContext(connection) as few:
        client.get(f"{API}/mandates")
    MandateFactory.create_batch(5, principal=person.user)
    MandateFactory.create_batch(5, agent=person)
    MandateFactory(principal=CompanyFactory().user, agent=person)

    with django_assert_num_queries(len(few.captured_queries)):
        assert len(client.get(f"{API}/mandates").json()["received"]) == 7


# --- CSRF: enforced for the browser's session, not in the way of a system's token -------------------


@pytest.mark.django_db
def test_a_token_client_posts_without_csrf_and_a_session_without_it_is_refused_in_chinese():
    from django.test import Client

    from tongban.identity.api_auth import token_digest, token_generate
    from tongban.identity.choices import TokenScope
    from tongban.identity.models import ApiToken
    from tongban.regions.tests.factories import OrganizationFactory

    from .factories import PersonFactory

    plaintext = token_generate()
    ApiToken.objects.create(
        name="自助终端",
        organization=OrganizationFactory(),
        scopes=[TokenScope.IDENTITY_VERIFY],
        prefix=plaintext[:8],
        token_hash=token_digest(plaintext),
    )
    kiosk = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {plaintext}"})
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(PersonFactory().user)

    by_token = kiosk.post(
        "/api/v1/identity/codes/verify", {"token": "garbage"}, content_type="application/json"
    )
    by_session = browser.post("/api/v1/identity/codes", content_type="application/json")

    assert by_token.status_code == 400  # reached the service: the code itself is refused
    assert by_session.status_code == 403
    assert by_session.json() == {"detail": "安全校验（CSRF）未通过：请刷新页面后重试。"}
