"""The identity back office through the client: accounts with masked personal data (and a blind-index
search), staff accounts and roles granted and revoked through the services, API tokens shown once; only
platform administrators reach any of it, and a refused request changes nothing."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tongban.core.models import AuditEntry
from tongban.identity.api_auth import token_digest
from tongban.identity.choices import AccountKind, Role, TokenScope
from tongban.identity.models import ApiToken, StaffRole, User
from tongban.identity.services.staff import staff_access_sync
from tongban.regions.tests.factories import CityFactory, OrganizationFactory

from .factories import CompanyFactory, PersonFactory, StaffRoleFactory, UserFactory, make_id_number
from .test_staff import state

pytestmark = pytest.mark.django_db


def login(client, role: str = Role.PLATFORM_ADMIN) -> User:
    staff_role = StaffRoleFactory(role=role)
    staff_access_sync(staff_role.user)
    client.force_login(staff_role.user)
    return staff_role.user


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def admin_client(client):
    login(client)
    return client


# --- Accounts and personal data -----------------------------------------------------------------------


def test_account_pages_show_personal_data_masked_only(admin_client):
    person = PersonFactory(id_number=make_id_number(12), phone="15100006702")
    company = CompanyFactory(legal_representative_id_number=make_id_number(34), phone="13912345678")
    clear = [person.id_number, "15100006702", make_id_number(34), "13912345678"]

    pages = [
        admin_client.get(reverse("admin:identity_user_change", args=[person.user_id])),
        admin_client.get(reverse("admin:identity_user_change", args=[company.user_id])),
        admin_client.get(reverse("admin:identity_user_changelist")),
    ]

    assert [page.status_code for page in pages] == [200, 200, 200]
    html = "".join(page.content.decode() for page in pages)
    assert not [value for value in clear if value in html]
    assert f"{person.id_number[:4]}**********{person.id_number[-4:]}" in html
    assert "151****6702" in html and "139****5678" in html
    assert 'name="username"' not in pages[0].content.decode()  # accounts are not edited here


def test_an_exact_id_number_finds_the_account_through_the_blind_index(admin_client):
    person = PersonFactory(id_number=make_id_number(56))
    PersonFactory(id_number=make_id_number(57))

    response = admin_client.get(reverse("admin:identity_user_changelist"), {"q": make_id_number(56)})

    assert [u.pk for u in response.context["cl"].result_list] == [person.user_id]
    entry = AuditEntry.objects.get(action="user.searched_by_personal_number")
    assert entry.detail == {"term": f"{make_id_number(56)[:4]}**********{make_id_number(56)[-4:]}"}


def test_a_mobile_number_finds_the_account_and_a_fragment_finds_nothing(admin_client):
    person = PersonFactory(phone="15100006702")

    exact = admin_client.get(reverse("admin:identity_user_changelist"), {"q": "15100006702"})
    fragment = admin_client.get(reverse("admin:identity_user_changelist"), {"q": "6702"})

    assert [u.pk for u in exact.context["cl"].result_list] == [person.user_id]
    assert list(fragment.context["cl"].result_list) == []


def test_a_staff_account_is_created_through_the_service(admin_client):
    organization = OrganizationFactory(name="鄂州市政务服务和大数据管理局")
    data = {
        "username": "ezhou.clerk",
        "display_name": "鄂州窗口",
        "email": "clerk@ezhou.example.cn",
        "organization": organization.pk,
        "roles": [Role.WINDOW_CLERK, Role.HELPER],
    }

    refused = admin_client.post(reverse("admin:identity_user_add"), data | {"username": "", "roles": []})
    response = admin_client.post(reverse("admin:identity_user_add"), data)

    assert refused.context["adminform"].form.errors == {
        "username": ["这个字段是必填项。"],
        "roles": ["这个字段是必填项。"],
    }
    user = User.objects.get(username="ezhou.clerk")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:identity_user_change", args=[user.pk])
    assert user.kind == AccountKind.STAFF
    assert sorted(user.staff_roles.values_list("role", flat=True)) == [Role.HELPER, Role.WINDOW_CLERK]
    assert messages_of(response) == [
        "已创建工作人员账号 ezhou.clerk：请其通过登录页的“忘记密码”用本人邮箱设置密码，"
        "或通过统一身份认证登录。"
    ]


def test_the_account_form_shows_the_services_messages(admin_client):
    UserFactory(username="taken")
    data = {
        "username": "Taken",
        "display_name": "某人",
        "email": "bad",
        "organization": OrganizationFactory().pk,
        "roles": [Role.WINDOW_CLERK],
    }

    response = admin_client.post(reverse("admin:identity_user_add"), data)

    assert response.context["adminform"].form.errors == {
        "username": ["用户名“Taken”已被使用。"],
        "email": ["邮箱格式不正确。"],
    }
    assert not User.objects.filter(username="Taken").exists()


# --- Staff roles -----------------------------------------------------------------------------------


def test_a_role_granted_in_the_admin_goes_through_the_service(admin_client):
    user = UserFactory(kind=AccountKind.STAFF)
    organization = OrganizationFactory()

    response = admin_client.post(
        reverse("admin:identity_staffrole_add"),
        {"user": user.pk, "organization": organization.pk, "role": Role.CATALOG_ADMIN},
    )

    granted = StaffRole.objects.get(user=user)
    assert response.status_code == 302
    assert (granted.role, granted.granted_by) == (Role.CATALOG_ADMIN, response.wsgi_request.user)
    assert User.objects.get(pk=user.pk).is_staff
    assert AuditEntry.objects.filter(action="staff_role.granted", object_id=str(granted.pk)).exists()


def test_the_role_form_shows_what_keeps_a_grant_from_being_made(admin_client):
    user = UserFactory(kind=AccountKind.STAFF)
    wuhan, ezhou = CityFactory(name="武汉市"), CityFactory(name="鄂州市")
    before = state()

    response = admin_client.post(
        reverse("admin:identity_staffrole_add"),
        {
            "user": user.pk,
            "organization": OrganizationFactory(region=wuhan).pk,
            "role": Role.SUPERVISOR,
            "region": ezhou.pk,
            "item_code": "420001001001",
        },
    )

    assert response.context["adminform"].form.errors == {
        "region": ["监督范围须在所在单位所属的武汉市之内。"],
        "item_code": ["只有首席服务官需要指定负责事项。"],
    }
    assert state() == before


def test_a_duplicate_grant_is_named_in_the_form(admin_client):
    existing = StaffRoleFactory(role=Role.REVIEWER, organization__name="武汉市人力资源和社会保障局")

    response = admin_client.post(
        reverse("admin:identity_staffrole_add"),
        {"user": existing.user_id, "organization": existing.organization_id, "role": Role.REVIEWER},
    )

    assert response.context["adminform"].form.errors == {
        "role": ["该工作人员在武汉市人力资源和社会保障局已有“审批人员”角色。"]
    }


def test_a_role_is_revoked_from_the_list_and_never_deleted(admin_client):
    roles = [StaffRoleFactory(role=Role.HELPER), StaffRoleFactory(role=Role.REVIEWER)]

    response = admin_client.post(
        reverse("admin:identity_staffrole_changelist"),
        {"action": "revoke_roles", "_selected_action": [r.pk for r in roles]},
    )

    assert response.status_code == 302
    assert StaffRole.objects.filter(pk__in=[r.pk for r in roles], revoked_at__isnull=False).count() == 2
    assert AuditEntry.objects.filter(action="staff_role.revoked").count() == 2


def test_a_role_is_revoked_from_its_own_page(admin_client):
    staff_role = StaffRoleFactory(role=Role.SUPERVISOR)
    url = reverse("admin:identity_staffrole_change", args=[staff_role.pk])

    page = admin_client.get(url)
    response = admin_client.post(
        url, {"CHANGE_FORM-action": "revoke_roles", "_selected_action": staff_role.pk}, follow=True
    )

    assert "撤销此角色" in page.content.decode()
    assert StaffRole.objects.get(pk=staff_role.pk).revoked_at is not None
    assert [str(m) for m in response.context["messages"]] == [f"已撤销：{staff_role}"]


def test_a_role_is_neither_edited_nor_deleted(admin_client):
    staff_role = StaffRoleFactory(role=Role.HELPER)
    before = state()

    edit = admin_client.post(
        reverse("admin:identity_staffrole_change", args=[staff_role.pk]),
        {"user": staff_role.user_id, "organization": staff_role.organization_id, "role": Role.PLATFORM_ADMIN},
    )
    delete = admin_client.post(
        reverse("admin:identity_staffrole_delete", args=[staff_role.pk]), {"post": "yes"}
    )

    assert (edit.status_code, delete.status_code) == (403, 403)
    assert state() == before


# --- API tokens -----------------------------------------------------------------------------------


def test_a_token_is_shown_once_on_the_page_that_creates_it(admin_client):
    organization = OrganizationFactory()

    response = admin_client.post(
        reverse("admin:identity_apitoken_add"),
        {"name": "华容区自助终端", "organization": organization.pk, "scopes": [TokenScope.IDENTITY_VERIFY]},
    )

    api_token = ApiToken.objects.get()
    plaintext = response.context["plaintext"]
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]  # the admin never caches its pages
    assert plaintext in response.content.decode()
    assert api_token.token_hash == token_digest(plaintext)
    assert (api_token.scopes, api_token.organization) == ([TokenScope.IDENTITY_VERIFY], organization)
    assert not any(plaintext in morsel.value for morsel in response.cookies.values())
    later = admin_client.get(reverse("admin:identity_apitoken_change", args=[api_token.pk])).content.decode()
    assert plaintext not in later and api_token.token_hash not in later
    assert api_token.prefix in later


def test_a_token_form_with_bad_input_creates_nothing(admin_client):
    response = admin_client.post(
        reverse("admin:identity_apitoken_add"),
        {
            "name": "终端",
            "organization": OrganizationFactory().pk,
            "expires_at_0": "2000-01-01",
            "expires_at_1": "08:00",
        },
    )

    assert response.context["adminform"].form.errors == {
        "scopes": ["这个字段是必填项。"],
        "expires_at": ["到期时间须晚于当前时间。"],
    }
    assert not ApiToken.objects.exists()


def test_a_token_is_revoked_by_the_action_and_never_edited_or_deleted(admin_client):
    api_token = ApiToken.objects.create(
        name="终端",
        organization=OrganizationFactory(),
        scopes=["identity:verify"],
        prefix="tb_x",
        token_hash="h",
    )

    edit = admin_client.post(reverse("admin:identity_apitoken_change", args=[api_token.pk]), {"name": "改"})
    delete = admin_client.post(
        reverse("admin:identity_apitoken_delete", args=[api_token.pk]), {"post": "yes"}
    )
    admin_client.post(
        reverse("admin:identity_apitoken_changelist"),
        {"action": "revoke_tokens", "_selected_action": [api_token.pk]},
    )

    assert (edit.status_code, delete.status_code) == (403, 403)
    api_token.refresh_from_db()
    assert (api_token.name, api_token.token_hash) == ("终端", "h")
    assert api_token.revoked_at is not None


# --- Who may ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.CATALOG_ADMIN, Role.SUPERVISOR])
def test_only_platform_admins_reach_the_identity_pages(client, role):
    login(client, role)
    user = UserFactory(kind=AccountKind.STAFF)
    organization = OrganizationFactory()
    before = (state(), ApiToken.objects.count())

    pages = [
        client.get(reverse("admin:identity_user_changelist")),
        client.get(reverse("admin:identity_staffrole_changelist")),
        client.get(reverse("admin:identity_apitoken_changelist")),
        client.post(
            reverse("admin:identity_staffrole_add"),
            {"user": user.pk, "organization": organization.pk, "role": Role.PLATFORM_ADMIN},
        ),
        client.post(
            reverse("admin:identity_apitoken_add"),
            {"name": "x", "organization": organization.pk, "scopes": [TokenScope.CATALOG_READ]},
        ),
    ]

    expected = 403 if role == Role.CATALOG_ADMIN else 302  # a supervisor has no back office at all
    assert [page.status_code for page in pages] == [expected] * 5
    assert (state(), ApiToken.objects.count()) == before
