"""Accounts and what hangs on them.

A `User` is one login. A citizen's account has a `Person` (real name and resident ID), a company's a
`Company` (USCC and legal representative), a staff member's `StaffRole` rows (one role at one
organization each). ID and phone numbers are encrypted (EncryptedTextField) with a blind index beside
them for exact lookup; nothing else may search them.
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tongban.core.crypto import blind_index
from tongban.core.fields import EncryptedTextField
from tongban.core.identifiers import validate_uscc
from tongban.regions.models import Organization, Region

from .choices import AccountKind, IdentityVerification, Role


def id_number_index(value: str) -> str:
    """The blind index that finds a resident ID number (any account's, any field's)."""
    return blind_index(value, purpose="id_number") if value else ""


def phone_index(value: str) -> str:
    return blind_index(value, purpose="phone") if value else ""


class User(AbstractUser):
    kind = models.CharField(
        "账号类型", max_length=10, choices=AccountKind.choices, default=AccountKind.PERSON
    )
    display_name = models.CharField("姓名或名称", max_length=100, blank=True)
    external_subject = models.CharField(
        "统一身份认证标识", max_length=200, unique=True, null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = verbose_name_plural = "账号"

    def __str__(self) -> str:
        return self.display_name or self.username


class Person(models.Model):
    """A natural person with a verified (or declared) real name."""

    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="person")
    real_name = models.CharField("姓名", max_length=50)
    id_number = EncryptedTextField("公民身份号码")
    id_number_index = models.CharField(max_length=64, unique=True, editable=False)
    phone = EncryptedTextField("手机号码", blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    birth_date = models.DateField("出生日期")
    region_code = models.CharField("户籍地行政区划代码", max_length=6)
    verification = models.CharField(
        "实名认证方式",
        max_length=20,
        choices=IdentityVerification.choices,
        default=IdentityVerification.SELF_DECLARED,
    )
    created_at = models.DateTimeField("注册时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "自然人"

    def __str__(self) -> str:
        return self.real_name

    def save(self, *args, **kwargs):
        # The indexes follow the values, whoever writes them.
        self.id_number_index = id_number_index(self.id_number)
        self.phone_index = phone_index(self.phone)
        super().save(*args, **kwargs)


class Company(models.Model):
    """A legal person (企业、社会组织…). Its account is used by its operators."""

    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="company")
    name = models.CharField("名称", max_length=200)
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True, validators=[validate_uscc])
    legal_representative = models.CharField("法定代表人", max_length=50)
    legal_representative_id_number = EncryptedTextField("法定代表人身份号码")
    legal_representative_index = models.CharField(max_length=64, db_index=True, editable=False)
    phone = EncryptedTextField("联系电话", blank=True)
    created_at = models.DateTimeField("注册时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "法人"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.legal_representative_index = id_number_index(self.legal_representative_id_number)
        super().save(*args, **kwargs)


class CompanyOperator(models.Model):
    """A person the company authorized to act on its account (经办人)."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="operators")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="company_roles")
    granted_at = models.DateTimeField("授权时间", default=timezone.now)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "法人经办人"
        constraints = [
            models.UniqueConstraint(
                fields=["company", "person"], condition=Q(revoked_at=None), name="one_active_operator_grant"
            )
        ]

    def __str__(self) -> str:
        return f"{self.company} · {self.person}"


class Mandate(models.Model):
    """An applicant (person or company) authorizes an agent to act for them (委托代办): for all items or
    a list of items (basic codes of the catalog), from a start date to an expiry date, until revoked."""

    principal = models.ForeignKey(
        User, verbose_name="委托人", on_delete=models.PROTECT, related_name="mandates_given"
    )
    agent = models.ForeignKey(
        Person, verbose_name="受托人", on_delete=models.PROTECT, related_name="mandates_received"
    )
    all_items = models.BooleanField("全部事项", default=False)
    item_codes = models.JSONField("委托事项（基本编码）", default=list, blank=True)
    starts_on = models.DateField("生效日期")
    expires_on = models.DateField("到期日期")
    note = models.CharField("说明", max_length=200, blank=True)
    created_at = models.DateTimeField("委托时间", auto_now_add=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "委托"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.principal} → {self.agent}"

    def is_active(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.revoked_at is None and self.starts_on <= on <= self.expires_on

    def covers(self, item_code: str) -> bool:
        return self.all_items or item_code in self.item_codes


class StaffRole(models.Model):
    """One role of a staff member at one organization. A supervisor's scope is a region (by default the
    organization's); a chief service officer's is one item (basic code)."""

    user = models.ForeignKey(
        User, verbose_name="工作人员", on_delete=models.PROTECT, related_name="staff_roles"
    )
    organization = models.ForeignKey(
        Organization, verbose_name="所在单位", on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField("角色", max_length=30, choices=Role.choices)
    region = models.ForeignKey(
        Region, verbose_name="监督范围", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    item_code = models.CharField("负责事项（基本编码）", max_length=12, blank=True)
    granted_at = models.DateTimeField("授予时间", default=timezone.now)
    granted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "工作人员角色"
        ordering = ["user_id", "organization_id", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role", "item_code"],
                condition=Q(revoked_at=None),
                name="one_active_role_grant",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organization} · {self.get_role_display()}"


class IdentityCode(models.Model):
    """One issued 身份码/企业码 token (its id, not the token): it expires, and works once."""

    jti = models.CharField(max_length=32, unique=True)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="identity_codes")
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    used_channel = models.CharField(max_length=20, blank=True)
    used_place = models.CharField("核验地点", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "身份码"
        indexes = [models.Index(fields=["used_by", "used_at"])]

    def __str__(self) -> str:
        return self.jti


class ApiToken(models.Model):
    """A token for a system (a kiosk, another city's platform). Only its SHA-256 is stored; the token is
    shown once when it is created."""

    name = models.CharField("名称", max_length=100)
    organization = models.ForeignKey(
        Organization, verbose_name="所属单位", on_delete=models.PROTECT, related_name="+"
    )
    scopes = models.JSONField("权限范围", default=list)
    prefix = models.CharField("前缀", max_length=12, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField("到期时间", null=True, blank=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "接口令牌"

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"
