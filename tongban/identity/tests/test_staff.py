"""Staff accounts and roles through their services: who may grant, what a grant needs, the audit trail,
and the back office (is_staff, is_superuser, the catalog group) following the roles."""

import pytest

from tongban.catalog.rules import CATALOG_ADMIN_GROUP
from tongban.catalog.tests.factories import ServiceItemFactory
from tongban.core.choices import Channel
from tongban.core.errors import ValidationFailed
from tongban.core.models import AuditEntry
from tongban.identity.access import AccessDenied, Actor, actor_for
from tongban.identity.choices import AccountKind, Role
from tongban.identity.models import StaffRole, User
from tongban.identity.services.staff import (
    staff_access_sync,
    staff_account_create,
    staff_role_grant,
    staff_role_revoke,
)
from tongban.regions.tests.factories import CityFactory, DistrictFactory, OrganizationFactory

from .factories import PersonFactory, StaffRoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def staff_actor(role: str = Role.PLATFORM_ADMIN, **kwargs) -> Actor:
    """An actor holding one role (a platform administrator by default), with the back office in step."""
    staff_role = StaffRoleFactory(role=role, **kwargs)
    staff_access_sync(staff_role.user)
    return actor_for(staff_role.user, channel=Channel.ADMIN)


def state() -> tuple:
    return (
        list(User.objects.order_by("pk").values_list("username", "is_staff", "is_superuser")),
        list(StaffRole.objects.order_by("pk").values_list("user_id", "role", "revoked_at")),
        AuditEntry.objects.count(),
    )


def field_errors(exc: pytest.ExceptionInfo) -> list[tuple[str, str]]:
    return [(e.field, e.message) for e in exc.value.errors]


# --- Accounts ---------------------------------------------------------------------------------------


def test_a_platform_admin_creates_a_staff_account_with_its_roles():
    admin = staff_actor()
    organization = OrganizationFactory(name="武汉市政务服务和大数据管理局")

    user = staff_account_create(
        username="wang.clerk",
        display_name="王窗口",
        email="Wang.Clerk@example.cn",
        organization=organization,
        roles=[Role.WINDOW_CLERK, Role.HELPER],
        by=admin,
    )

    assert (user.kind, user.display_name, user.email) == (
        AccountKind.STAFF,
        "王窗口",
        "wang.clerk@example.cn",
    )
    assert user.has_usable_password()  # a random one nobody knows: set through 忘记密码
    assert (user.is_staff, user.is_superuser) == (False, False)
    roles = StaffRole.objects.filter(user=user).order_by("pk")
    assert [(r.role, r.organization_id, r.granted_by_id) for r in roles] == [
        (Role.WINDOW_CLERK, organization.pk, admin.user_id),
        (Role.HELPER, organization.pk, admin.user_id),
    ]
    entries = AuditEntry.objects.order_by("seq")
    assert [e.action for e in entries] == [
        "staff_account.created",
        "staff_role.granted",
        "staff_role.granted",
    ]
    assert entries[0].actor_id == admin.user_id
    assert entries[0].channel == Channel.ADMIN


def test_account_creation_names_every_bad_field_and_changes_nothing():
    admin = staff_actor()
    UserFactory(username="taken")
    before = state()

    with pytest.raises(ValidationFailed) as exc:
        staff_account_create(
            username="TAKEN",
            display_name=" ",
            email="not-an-email",
            organization=OrganizationFactory(),
            roles=[Role.CHIEF_SERVICE_OFFICER, "janitor"],
            by=admin,
        )

    assert field_errors(exc) == [
        ("username", "用户名“TAKEN”已被使用。"),
        ("display_name", "姓名：请填写。"),
        ("email", "邮箱格式不正确。"),
        ("roles", "首席服务官须指定负责的事项，请在账号创建后单独授予。"),
        ("roles", "角色：未知的角色“janitor”。"),
    ]
    assert state() == before


def test_an_account_needs_a_role_and_an_email():
    admin = staff_actor()

    with pytest.raises(ValidationFailed) as exc:
        staff_account_create(
            username="li", display_name="李", email="", organization=OrganizationFactory(), roles=[], by=admin
        )

    assert field_errors(exc) == [
        ("email", "邮箱：请填写，工作人员通过发到该邮箱的链接设置密码。"),
        ("roles", "角色：请至少选择一个角色。"),
    ]


# --- Granting -----------------------------------------------------------------------------------------


def test_a_catalog_admin_role_opens_the_back_office_with_the_catalog_group():
    admin = staff_actor()
    user = UserFactory(kind=AccountKind.STAFF)

    staff_role_grant(user=user, organization=OrganizationFactory(), role=Role.CATALOG_ADMIN, by=admin)

    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser) == (True, False)
    assert list(user.groups.values_list("name", flat=True)) == [CATALOG_ADMIN_GROUP]
    assert user.has_perm("catalog.change_implementation")
    assert not user.has_perm("catalog.change_serviceitem")
    assert not user.has_perm("catalog.change_tongbanbatch")


def test_a_platform_admin_role_makes_a_superuser_and_revoking_it_undoes_that():
    admin = staff_actor()
    user = UserFactory(kind=AccountKind.STAFF)
    granted = staff_role_grant(
        user=user, organization=OrganizationFactory(), role=Role.PLATFORM_ADMIN, by=admin
    )
    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser) == (True, True)

    staff_role_revoke(staff_role=granted, by=admin)

    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser) == (False, False)


def test_revoking_the_catalog_role_closes_the_back_office():
    admin = staff_actor()
    user = UserFactory(kind=AccountKind.STAFF)
    granted = staff_role_grant(
        user=user, organization=OrganizationFactory(), role=Role.CATALOG_ADMIN, by=admin
    )

    revoked = staff_role_revoke(staff_role=granted, by=admin)

    user.refresh_from_db()
    assert revoked.revoked_at is not None
    assert StaffRole.objects.filter(pk=granted.pk).exists()  # revoked, never deleted
    assert (user.is_staff, list(user.groups.all())) == (False, [])
    assert [e.action for e in AuditEntry.objects.order_by("seq")][-2:] == [
        "staff_role.granted",
        "staff_role.revoked",
    ]


def test_a_grant_is_audited_with_what_was_granted():
    admin = staff_actor()
    city = CityFactory(key="420700", name="鄂州市")
    district = DistrictFactory(key="420704", name="鄂城区", parent=city)
    organization = OrganizationFactory(region=city)
    user = UserFactory(kind=AccountKind.STAFF)

    granted = staff_role_grant(
        user=user, organization=organization, role=Role.SUPERVISOR, region=district, by=admin
    )

    entry = AuditEntry.objects.get(action="staff_role.granted", object_id=str(granted.pk))
    assert entry.object_type == "identity.staffrole"
    assert entry.detail == {
        "user_id": user.pk,
        "organization_id": organization.pk,
        "role": Role.SUPERVISOR,
        "region": "420704",
        "item_code": "",
    }


def test_a_supervisor_region_must_be_inside_the_organizations_city():
    admin = staff_actor()
    wuhan, ezhou = CityFactory(name="武汉市"), CityFactory(name="鄂州市")
    user = UserFactory(kind=AccountKind.STAFF)
    before = state()

    with pytest.raises(ValidationFailed) as exc:
        staff_role_grant(
            user=user,
            organization=OrganizationFactory(region=wuhan),
            role=Role.SUPERVISOR,
            region=ezhou,
            by=admin,
        )

    assert field_errors(exc) == [("region", "监督范围须在所在单位所属的武汉市之内。")]
    assert state() == before


def test_a_chief_service_officer_needs_the_code_of_an_existing_item():
    admin = staff_actor()
    item = ServiceItemFactory(basic_code="420001001001")
    user, organization = UserFactory(kind=AccountKind.STAFF), OrganizationFactory()

    with pytest.raises(ValidationFailed) as missing:
        staff_role_grant(user=user, organization=organization, role=Role.CHIEF_SERVICE_OFFICER, by=admin)
    with pytest.raises(ValidationFailed) as unknown:
        staff_role_grant(
            user=user, organization=organization, role=Role.CHIEF_SERVICE_OFFICER, item_code="999", by=admin
        )
    granted = staff_role_grant(
        user=user,
        organization=organization,
        role=Role.CHIEF_SERVICE_OFFICER,
        item_code=item.basic_code,
        by=admin,
    )

    assert field_errors(missing) == [("item_code", "负责事项：首席服务官须填写所负责事项的基本编码。")]
    assert field_errors(unknown) == [("item_code", "负责事项：基本目录中没有编码为“999”的事项。")]
    assert granted.item_code == "420001001001"


def test_a_scope_belongs_only_to_the_role_that_uses_it():
    admin = staff_actor()
    organization = OrganizationFactory()

    with pytest.raises(ValidationFailed) as exc:
        staff_role_grant(
            user=UserFactory(kind=AccountKind.STAFF),
            organization=organization,
            role=Role.WINDOW_CLERK,
            region=organization.region,
            item_code="420001001001",
            by=admin,
        )

    assert field_errors(exc) == [
        ("region", "只有监督管理人员需要指定监督范围。"),
        ("item_code", "只有首席服务官需要指定负责事项。"),
    ]


def test_a_duplicate_active_grant_is_refused_and_a_revoked_one_can_be_granted_again():
    admin = staff_actor()
    organization = OrganizationFactory(name="鄂州市行政审批局")
    user = UserFactory(kind=AccountKind.STAFF)
    first = staff_role_grant(user=user, organization=organization, role=Role.REVIEWER, by=admin)

    with pytest.raises(ValidationFailed) as exc:
        staff_role_grant(user=user, organization=organization, role=Role.REVIEWER, by=admin)
    staff_role_revoke(staff_role=first, by=admin)
    again = staff_role_grant(user=user, organization=organization, role=Role.REVIEWER, by=admin)

    assert field_errors(exc) == [("role", "该工作人员在鄂州市行政审批局已有“审批人员”角色。")]
    assert again.pk != first.pk
    assert StaffRole.objects.filter(user=user).count() == 2


def test_only_staff_accounts_get_roles():
    admin = staff_actor()
    citizen = PersonFactory().user

    with pytest.raises(ValidationFailed) as exc:
        staff_role_grant(user=citizen, organization=OrganizationFactory(), role=Role.WINDOW_CLERK, by=admin)

    assert field_errors(exc) == [("user", "只能为工作人员账号授予角色。")]
    assert not StaffRole.objects.filter(user=citizen).exists()


# --- Revoking ---------------------------------------------------------------------------------------


def test_the_last_platform_admin_cannot_be_revoked():
    admin = staff_actor()
    only = StaffRole.objects.get(user=admin.user)
    before = state()

    with pytest.raises(ValidationFailed) as exc:
        staff_role_revoke(staff_role=only, by=admin)

    assert field_errors(exc) == [
        ("staff_role", "不能撤销最后一名平台管理员的角色：请先为其他人授予平台管理员角色。")
    ]
    assert state() == before


def test_revoking_twice_is_refused():
    admin = staff_actor()
    granted = staff_role_grant(
        user=UserFactory(kind=AccountKind.STAFF),
        organization=OrganizationFactory(),
        role=Role.HELPER,
        by=admin,
    )
    staff_role_revoke(staff_role=granted, by=admin)

    with pytest.raises(ValidationFailed) as exc:
        staff_role_revoke(staff_role=granted, by=admin)

    assert field_errors(exc) == [("staff_role", "该角色已经撤销。")]


# --- Who may ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", [Role.CATALOG_ADMIN, Role.SUPERVISOR, Role.WINDOW_CLERK, Role.QUESTION_MODERATOR, None]
)
def test_only_platform_admins_manage_staff_and_a_refusal_changes_nothing(role):
    actor = staff_actor(role) if role else Actor(channel=Channel.WEB)
    target = StaffRoleFactory(role=Role.WINDOW_CLERK)
    user, organization = UserFactory(kind=AccountKind.STAFF), OrganizationFactory()
    before = state()

    with pytest.raises(AccessDenied):
        staff_role_grant(user=user, organization=organization, role=Role.PLATFORM_ADMIN, by=actor)
    with pytest.raises(AccessDenied):
        staff_role_revoke(staff_role=target, by=actor)
    with pytest.raises(AccessDenied):
        staff_account_create(
            username="sneaky",
            display_name="某人",
            email="a@example.cn",
            organization=organization,
            roles=[Role.PLATFORM_ADMIN],
            by=actor,
        )

    assert state() == before
