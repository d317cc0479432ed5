"""Staff accounts and their roles (one role at one organization per StaffRole row).

Who manages them ("staff_role.manage"): platform administrators, for the whole circle. The platform is
run for the nine cities together, so its administrators are not scoped to a city; everyone else acts
only for their own organization, and a city's catalog is kept by that city's catalog administrators.

A staff account gets a random password that nobody knows: the staff member sets their own through
“忘记密码” (the link goes to the account's e-mail) or signs in through the provincial SSO. No password is
ever shown or sent by these services.

The back office follows the roles, and only these services set it (staff_access_sync after every grant
and revocation): `is_staff` (may open the admin) for platform and catalog administrators only;
`is_superuser` for platform administrators (Django's admin is the platform's back office); and the
Django groups other apps register for a role (the catalog's 目录管理员 group gives catalog
administrators their model permissions; which objects they reach is decided by the catalog's rules).
"""

import secrets
from collections.abc import Callable

from django.contrib.auth.models import Group
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from tongban.catalog.selectors import service_item_get
from tongban.core.audit import AuditObject, audit_record
from tongban.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from tongban.regions.models import Organization, Region

from .. import access
from ..access import Actor
from ..choices import AccountKind, Role
from ..models import StaffRole, User

ADMIN_ROLES = frozenset({Role.PLATFORM_ADMIN, Role.CATALOG_ADMIN})  # roles that open the back office
USERNAME_LENGTH = User._meta.get_field("username").max_length
DISPLAY_NAME_LENGTH = User._meta.get_field("display_name").max_length

# Role → a function returning the Django group that carries the role's model permissions in the admin.
# Apps register theirs at start-up (the catalog: 目录管理员).
ROLE_GROUPS: dict[str, Callable[[], Group]] = {}


def register_role_group(role: str, group: Callable[[], Group]) -> None:
    ROLE_GROUPS[role] = group


# --- Accounts ---------------------------------------------------------------------------------------


@transaction.atomic
def staff_account_create(
    *,
    username: str,
    display_name: str,
    email: str,
    organization: Organization,
    roles: list[str],
    by: Actor,
) -> User:
    """A staff account with its roles at one organization (supervisors over the organization's region;
    a chief service officer is granted separately, with the item)."""
    access.require(by, "staff_role.manage")
    username, display_name, email = username.strip(), display_name.strip(), email.strip().lower()
    roles = list(dict.fromkeys(roles))
    _raise_if(staff_account_problems(username=username, display_name=display_name, email=email, roles=roles))
    user = User(username=username, display_name=display_name, email=email, kind=AccountKind.STAFF)
    user.set_password(secrets.token_urlsafe(32))  # nobody knows it: see the module docstring
    user.save()
    audit_record(
        action="staff_account.created",
        context=by.audit_context(),
        obj=AuditObject.of(user),
        detail={"username": username, "organization_id": organization.pk},
    )
    for role in roles:
        _grant(user=user, organization=organization, role=role, region=None, item_code="", by=by)
    staff_access_sync(user)
    return user


def staff_account_problems(
    *, username: str, display_name: str, email: str, roles: list[str]
) -> list[FieldError]:
    """Everything that keeps an account from being created, in Chinese, by field (values already trimmed)."""
    errors = []
    if not username:
        errors.append(FieldError("username", "用户名：请填写。"))
    elif len(username) > USERNAME_LENGTH:
        errors.append(FieldError("username", f"用户名不能超过{USERNAME_LENGTH}个字符。"))
    else:
        try:
            UnicodeUsernameValidator()(username)
        except ValidationError:
            errors.append(FieldError("username", "用户名只能包含字母、数字和 @ . + - _ 字符。"))
        else:
            if User.objects.filter(username__iexact=username).exists():
                errors.append(FieldError("username", f"用户名“{username}”已被使用。"))
    if not display_name:
        errors.append(FieldError("display_name", "姓名：请填写。"))
    elif len(display_name) > DISPLAY_NAME_LENGTH:
        errors.append(FieldError("display_name", f"姓名不能超过{DISPLAY_NAME_LENGTH}个字。"))
    if not email:
        errors.append(FieldError("email", "邮箱：请填写，工作人员通过发到该邮箱的链接设置密码。"))
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(FieldError("email", "邮箱格式不正确。"))
    if not roles:
        errors.append(FieldError("roles", "角色：请至少选择一个角色。"))
    if Role.CHIEF_SERVICE_OFFICER in roles:
        errors.append(FieldError("roles", "首席服务官须指定负责的事项，请在账号创建后单独授予。"))
    errors += [
        FieldError("roles", f"角色：未知的角色“{role}”。") for role in roles if role not in Role.values
    ]
    return errors


# --- Roles ------------------------------------------------------------------------------------------


def staff_role_problems(
    *, user: User, organization: Organization, role: str, region: Region | None = None, item_code: str = ""
) -> list[FieldError]:
    """Everything that keeps a role from being granted, in Chinese, by field (the admin form shows them
    before anything is saved; staff_role_grant raises them)."""
    errors = []
    if user.kind != AccountKind.STAFF:
        errors.append(FieldError("user", "只能为工作人员账号授予角色。"))
    if role not in Role.values:
        return [*errors, FieldError("role", f"角色：未知的角色“{role}”。")]
    if region is not None:
        if role != Role.SUPERVISOR:
            errors.append(FieldError("region", "只有监督管理人员需要指定监督范围。"))
        elif region.city_id != organization.region.city_id:
            city = organization.region.city or organization.region
            errors.append(FieldError("region", f"监督范围须在所在单位所属的{city.name}之内。"))
    errors += _item_code_problems(role, item_code)
    duplicate = StaffRole.objects.filter(
        user=user, organization=organization, role=role, item_code=item_code, revoked_at=None
    )
    if user.pk is not None and duplicate.exists():
        label = Role(role).label + (f"（事项 {item_code}）" if item_code else "")
        errors.append(FieldError("role", f"该工作人员在{organization.name}已有“{label}”角色。"))
    return errors


def _item_code_problems(role: str, item_code: str) -> list[FieldError]:
    if role != Role.CHIEF_SERVICE_OFFICER:
        return [FieldError("item_code", "只有首席服务官需要指定负责事项。")] if item_code else []
    if not item_code:
        return [FieldError("item_code", "负责事项：首席服务官须填写所负责事项的基本编码。")]
    try:
        service_item_get(basic_code=item_code)
    except NotFound:
        return [FieldError("item_code", f"负责事项：基本目录中没有编码为“{item_code}”的事项。")]
    return []


@transaction.atomic
def staff_role_grant(
    *,
    user: User,
    organization: Organization,
    role: str,
    region: Region | None = None,
    item_code: str = "",
    by: Actor,
) -> StaffRole:
    """Grant one role at one organization; a supervisor's scope defaults to the organization's region."""
    access.require(by, "staff_role.manage")
    item_code = (item_code or "").strip()
    User.objects.select_for_update().filter(pk=user.pk).first()  # one grant at a time per account
    staff_role = _grant(
        user=user, organization=organization, role=role, region=region, item_code=item_code, by=by
    )
    staff_access_sync(user)
    return staff_role


def _grant(
    *, user: User, organization: Organization, role: str, region: Region | None, item_code: str, by: Actor
) -> StaffRole:
    _raise_if(
        staff_role_problems(
            user=user, organization=organization, role=role, region=region, item_code=item_code
        )
    )
    try:
        with transaction.atomic():
            staff_role = StaffRole.objects.create(
                user=user,
                organization=organization,
                role=role,
                region=region,
                item_code=item_code,
                granted_by=by.user,
            )
    except IntegrityError as exc:  # a concurrent grant of the same role won
        raise Conflict("该角色刚刚已被授予，请刷新后查看。") from exc
    audit_record(
        action="staff_role.granted",
        context=by.audit_context(),
        obj=AuditObject.of(staff_role),
        detail={
            "user_id": user.pk,
            "organization_id": organization.pk,
            "role": role,
            "region": region.key if region else "",
            "item_code": item_code,
        },
    )
    return staff_role


@transaction.atomic
def staff_role_revoke(*, staff_role: StaffRole, by: Actor) -> StaffRole:
    """End a role (a role is never deleted: who held what, and when, stays on record)."""
    access.require(by, "staff_role.manage", staff_role)
    staff_role = (
        StaffRole.objects.select_for_update().select_related("user", "organization").get(pk=staff_role.pk)
    )
    if staff_role.revoked_at is not None:
        raise ValidationFailed.on("staff_role", "该角色已经撤销。")
    if staff_role.role == Role.PLATFORM_ADMIN and not _other_platform_admins(staff_role).exists():
        raise ValidationFailed.on(
            "staff_role", "不能撤销最后一名平台管理员的角色：请先为其他人授予平台管理员角色。"
        )
    staff_role.revoked_at = timezone.now()
    staff_role.save(update_fields=["revoked_at"])
    audit_record(
        action="staff_role.revoked",
        context=by.audit_context(),
        obj=AuditObject.of(staff_role),
        detail={
            "user_id": staff_role.user_id,
            "organization_id": staff_role.organization_id,
            "role": staff_role.role,
        },
    )
    staff_access_sync(staff_role.user)
    return staff_role


def _other_platform_admins(staff_role: StaffRole):
    return StaffRole.objects.filter(role=Role.PLATFORM_ADMIN, revoked_at=None, user__is_active=True).exclude(
        pk=staff_role.pk
    )


# --- The back office follows the roles ------------------------------------------------------------


def staff_access_sync(user: User) -> None:
    """Set is_staff, is_superuser and the role groups from the account's active roles."""
    roles = set(StaffRole.objects.filter(user=user, revoked_at=None).values_list("role", flat=True))
    is_staff, is_superuser = bool(roles & ADMIN_ROLES), Role.PLATFORM_ADMIN in roles
    if (user.is_staff, user.is_superuser) != (is_staff, is_superuser):
        User.objects.filter(pk=user.pk).update(is_staff=is_staff, is_superuser=is_superuser)
        user.is_staff, user.is_superuser = is_staff, is_superuser
    for role, group in ROLE_GROUPS.items():
        (user.groups.add if role in roles else user.groups.remove)(group())


def _raise_if(errors: list[FieldError]) -> None:
    if errors:
        raise ValidationFailed(message=errors[0].message, errors=errors)
