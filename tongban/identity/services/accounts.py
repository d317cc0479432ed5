"""Accounts: registering citizens and companies, a company's operators, passwords.

Each service checks all of its input before it writes and reports every bad field at once (one
Chinese message per field, naming it), then writes in one transaction together with its audit entry.
"""

import re
from dataclasses import dataclass, replace

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from tongban.core.audit import AuditContext, AuditObject, audit_record
from tongban.core.errors import FieldError, ValidationFailed
from tongban.core.identifiers import validate_uscc
from tongban.core.masking import mask_id_number

from .. import access
from ..access import Actor
from ..choices import AccountKind
from ..models import Company, CompanyOperator, Person, User, id_number_index
from ..resident_ids import ResidentId, resident_id_check
from ..selectors.accounts import person_matching

USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]{3,29}")
MOBILE = re.compile(r"1[3-9]\d{9}")
LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}")
# Letters of any script (Chinese, or Latin for some minority names), joined by a middle dot or a space.
REAL_NAME = re.compile(r"[^\W\d_]+(?:[·・ ][^\W\d_]+)*")

OPERATOR_NOT_FOUND = (
    "未找到姓名与公民身份号码相符的已注册个人用户。"
    "请核对姓名和公民身份号码，并确认对方已在本平台注册个人账号。"
)


# --- Checking input, every field at once --------------------------------------------------------------------


class _Problems:
    """Collects one message per bad field; `raise_if_any` reports them all together."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, field: str, message: str) -> None:
        self.errors.append(FieldError(field, message))

    def has(self, field: str) -> bool:
        return any(error.field == field for error in self.errors)

    def check(self, field: str, clean, *args, **kwargs):
        """The cleaned value, or None after recording the cleaner's message."""
        try:
            return clean(*args, **kwargs)
        except ValidationError as exc:
            for message in exc.messages:
                self.add(field, message)
            return None

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(message=self.errors[0].message, errors=list(self.errors))


def _username(value: str) -> str:
    value = (value or "").strip()
    if not USERNAME.fullmatch(value):
        raise ValidationError(
            "用户名：应为4—30个字符，以英文字母开头，只能包含英文字母、数字、下划线、点和短横线。"
        )
    if User.objects.filter(username__iexact=value).exists():
        raise ValidationError("用户名：该用户名已被使用，请换一个。")
    return value


def _name(value: str, *, label: str) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise ValidationError(f"{label}：请填写{label}。")
    if not 2 <= len(value) <= 50 or not REAL_NAME.fullmatch(value):
        raise ValidationError(f"{label}：请填写与居民身份证一致的姓名（2—50个字，不含数字和符号）。")
    return value


def _mobile(value: str, *, label: str = "手机号码") -> str:
    value = re.sub(r"[\s-]", "", value or "")
    if not value:
        raise ValidationError(f"{label}：请填写{label}。")
    if not MOBILE.fullmatch(value):
        raise ValidationError(f"{label}：应为11位手机号码（以13—19开头）。")
    return value


def _contact_phone(value: str) -> str:
    compact = re.sub(r"\s", "", value or "")
    if LANDLINE.fullmatch(compact):
        return compact
    try:
        return _mobile(compact, label="联系电话")
    except ValidationError:
        if not compact:
            raise
        raise ValidationError(
            "联系电话：请填写11位手机号码，或带区号的固定电话（如 027-87654321）。"
        ) from None


def _email(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        raise ValidationError("电子邮箱：格式不正确，例如 zhangsan@example.com。") from None
    return value


def _password(password: str, user: User) -> None:
    if not password:
        raise ValidationError("密码：请设置密码。")
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError([f"密码：{message}" for message in exc.messages]) from None


def _context_of(by: Actor, account: User) -> AuditContext:
    """Who acted: the signed-in actor, or, for someone acting on their own account without a session
    (registering, following a reset link), that account."""
    context = by.audit_context()
    if by.user is None and by.token is None:
        context = replace(context, actor_id=account.pk, actor_label=str(account))
    return context


# --- Registration -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonRegistration:
    username: str
    real_name: str
    resident: ResidentId
    phone: str
    email: str
    password: str


@dataclass(frozen=True)
class CompanyRegistration:
    username: str
    name: str
    uscc: str
    legal_representative: str
    legal_representative_id_number: str
    phone: str
    email: str
    password: str


def person_registration_check(
    *, username: str, real_name: str, id_number: str, phone: str, password: str, email: str = ""
) -> PersonRegistration:
    """Every problem of a citizen's registration at once (ValidationFailed), writing nothing. The
    registration page calls it on its own too, so that a half-filled form shows all problems together."""
    problems = _Problems()
    username = problems.check("username", _username, username)
    real_name = problems.check("real_name", _name, real_name, label="姓名")
    resident = problems.check("id_number", resident_id_check, id_number)
    phone = problems.check("phone", _mobile, phone)
    email = problems.check("email", _email, email)
    user = User(username=username or "", email=email or "", display_name=real_name or "")
    problems.check("password", _password, password, user)
    if resident and Person.objects.filter(id_number_index=id_number_index(resident.number)).exists():
        problems.add("id_number", "公民身份号码：该号码已注册过账号，请直接登录；忘记密码可找回。")
    problems.raise_if_any()
    return PersonRegistration(username, real_name, resident, phone, email, password)


def person_register(
    *,
    username: str,
    real_name: str,
    id_number: str,
    phone: str,
    password: str,
    email: str = "",
    by: Actor,
) -> User:
    """A citizen's account (User of kind person and its Person). Birth date and region come from the ID
    number; the real name is as declared (verification: self_declared)."""
    checked = person_registration_check(
        username=username,
        real_name=real_name,
        id_number=id_number,
        phone=phone,
        password=password,
        email=email,
    )
    user = _user_new(checked, kind=AccountKind.PERSON, display_name=checked.real_name)
    try:
        with transaction.atomic():
            user.save()
            Person.objects.create(
                user=user,
                real_name=checked.real_name,
                id_number=checked.resident.number,
                phone=checked.phone,
                birth_date=checked.resident.birth_date,
                region_code=checked.resident.region_code,
            )
            audit_record(
                action="account.registered",
                context=_context_of(by, user),
                obj=AuditObject.of(user),
                detail={"kind": AccountKind.PERSON, "id_number": mask_id_number(checked.resident.number)},
            )
    except IntegrityError:
        # Someone registered the same name or number between the check and the write.
        raise ValidationFailed.on("username", "用户名或公民身份号码刚刚已被注册，请核对后重试。") from None
    return user


def company_registration_check(
    *,
    username: str,
    name: str,
    uscc: str,
    legal_representative: str,
    legal_representative_id_number: str,
    phone: str,
    password: str,
    email: str = "",
) -> CompanyRegistration:
    """Every problem of a company's registration at once (ValidationFailed), writing nothing."""
    problems = _Problems()
    username = problems.check("username", _username, username)
    name = " ".join((name or "").split())
    if not name:
        problems.add("name", "单位名称：请填写营业执照上的单位名称。")
    elif len(name) > 200:
        problems.add("name", "单位名称：不能超过200个字。")
    uscc = problems.check("uscc", validate_uscc, (uscc or "").strip().upper())
    legal_representative = problems.check(
        "legal_representative", _name, legal_representative, label="法定代表人姓名"
    )
    representative = problems.check(
        "legal_representative_id_number",
        resident_id_check,
        legal_representative_id_number,
        label="法定代表人公民身份号码",
    )
    phone = problems.check("phone", _contact_phone, phone)
    email = problems.check("email", _email, email)
    user = User(username=username or "", email=email or "", display_name=name)
    problems.check("password", _password, password, user)
    if uscc and Company.objects.filter(uscc=uscc).exists():
        problems.add(
            "uscc",
            "统一社会信用代码：该单位已注册过账号。请使用单位账号登录，或请单位账号将您添加为经办人。",
        )
    problems.raise_if_any()
    return CompanyRegistration(
        username, name, uscc, legal_representative, representative.number, phone, email, password
    )


def company_register(
    *,
    username: str,
    name: str,
    uscc: str,
    legal_representative: str,
    legal_representative_id_number: str,
    phone: str,
    password: str,
    email: str = "",
    by: Actor,
) -> User:
    """A company's account (User of kind company and its Company). Its operators are added afterwards."""
    checked = company_registration_check(
        username=username,
        name=name,
        uscc=uscc,
        legal_representative=legal_representative,
        legal_representative_id_number=legal_representative_id_number,
        phone=phone,
        password=password,
        email=email,
    )
    user = _user_new(checked, kind=AccountKind.COMPANY, display_name=checked.name)
    try:
        with transaction.atomic():
            user.save()
            Company.objects.create(
                user=user,
                name=checked.name,
                uscc=checked.uscc,
                legal_representative=checked.legal_representative,
                legal_representative_id_number=checked.legal_representative_id_number,
                phone=checked.phone,
            )
            audit_record(
                action="account.registered",
                context=_context_of(by, user),
                obj=AuditObject.of(user),
                detail={"kind": AccountKind.COMPANY, "uscc": checked.uscc},
            )
    except IntegrityError:
        raise ValidationFailed.on(
            "username", "用户名或统一社会信用代码刚刚已被注册，请核对后重试。"
        ) from None
    return user


def _user_new(checked: PersonRegistration | CompanyRegistration, *, kind: str, display_name: str) -> User:
    user = User(username=checked.username, email=checked.email, kind=kind, display_name=display_name)
    user.set_password(checked.password)
    return user


# --- A company's operators ----------------------------------------------------------------------------------


def company_operator_add(*, company: Company, real_name: str, id_number: str, by: Actor) -> CompanyOperator:
    """Authorize a registered person to act on the company's account. Whether the number is unknown or
    the name does not match, the answer is the same: it must not tell which."""
    access.require(by, "company.manage_operators", company)
    problems = _Problems()
    real_name = problems.check("real_name", _name, real_name, label="姓名")
    resident = problems.check("id_number", resident_id_check, id_number)
    problems.raise_if_any()
    person = person_matching(real_name=real_name, id_number=resident.number)
    if person is None:
        raise ValidationFailed.on("__all__", OPERATOR_NOT_FOUND)

    with transaction.atomic():
        Company.objects.select_for_update().get(pk=company.pk)  # one change of the list at a time
        if company.operators.filter(person=person, revoked_at=None).exists():
            raise ValidationFailed.on("id_number", "公民身份号码：此人已是本单位的经办人。")
        operator = CompanyOperator.objects.create(company=company, person=person)
        audit_record(
            action="company.operator_added",
            context=by.audit_context(),
            obj=AuditObject.of(company),
            detail={"operator": person.real_name, "id_number": mask_id_number(person.id_number)},
        )
    return operator


def company_operator_revoke(*, operator: CompanyOperator, by: Actor) -> CompanyOperator:
    access.require(by, "company.manage_operators", operator.company)
    with transaction.atomic():
        operator = CompanyOperator.objects.select_for_update().select_related("person").get(pk=operator.pk)
        if operator.revoked_at is not None:
            raise ValidationFailed.on("operator", "该经办人的授权已经撤销。")
        operator.revoked_at = timezone.now()
        operator.save(update_fields=["revoked_at"])
        audit_record(
            action="company.operator_revoked",
            context=by.audit_context(),
            obj=AuditObject.of(operator.company),
            detail={
                "operator": operator.person.real_name,
                "id_number": mask_id_number(operator.person.id_number),
            },
        )
    return operator


# --- Passwords ----------------------------------------------------------------------------------------------


def password_change(*, user: User, password: str, by: Actor) -> User:
    """The signed-in user chose a new password (the form has checked the old one)."""
    return _password_set(user=user, password=password, by=by, action="password.changed")


def password_reset_complete(*, user: User, password: str, by: Actor) -> User:
    """A new password through a reset link. It also lifts a lockout of the account: the lockout page
    sends people here."""
    from axes.utils import reset as axes_reset

    user = _password_set(user=user, password=password, by=by, action="password.reset_completed")
    axes_reset(username=user.get_username())
    return user


def _password_set(*, user: User, password: str, by: Actor, action: str) -> User:
    problems = _Problems()
    problems.check("password", _password, password, user)
    problems.raise_if_any()
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(action=action, context=_context_of(by, user), obj=AuditObject.of(user))
    return user
