"""License types, seals, licenses and their events.

A license row is what the issuer signed: identifier, metadata and face data, covered by one SM2 signature
of its issuer's seal over a canonical serialization (services.signed_payload). Its status is not signed —
it changes (暂扣, 注销…) without re-signing, and each change is a LicenseEvent; a verifier reads the status
from the issuer's published list. A change or renewal makes a new license version (a new identifier)
whose `previous` is the old one.

Holder codes (ID numbers) are personal data: encrypted like identity's, with a blind index for lookups.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from tongban.core.crypto import blind_index
from tongban.core.fields import EncryptedTextField
from tongban.regions.models import Organization, Region

from .choices import HolderCodeType, HolderKind, LicenseLevel, LicenseOperation, LicenseStatus


class LicenseType(models.Model):
    """证照类型 with its metadata definition (GB/T 36903): the face fields a license of this type shows."""

    code = models.CharField("证照类型代码", max_length=30, unique=True)
    name = models.CharField("证照类型名称", max_length=100)
    holder_kind = models.CharField("持证主体类别", max_length=20, choices=HolderKind.choices)
    # [{"key": "...", "label": "...", "type": "text|date|number", "required": bool}, …]
    face_fields = models.JSONField("照面信息项", default=list)
    validity_years = models.PositiveSmallIntegerField("有效期（年，空为长期）", null=True, blank=True)
    issuing_authority = models.CharField("发证机关类别", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "证照类型"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Seal(models.Model):
    """电子印章: an issuing organization's SM2 key pair. A rotation retires the active seal (it keeps
    verifying what it signed) and makes a new one; the private key is stored encrypted."""

    organization = models.ForeignKey(
        Organization, verbose_name="单位", on_delete=models.PROTECT, related_name="seals"
    )
    public_key = models.CharField("公钥（十六进制）", max_length=130)
    private_key = EncryptedTextField("私钥（加密存储）")
    fingerprint = models.CharField("公钥指纹（SM3）", max_length=64, unique=True)
    created_at = models.DateTimeField("启用时间", auto_now_add=True)
    retired_at = models.DateTimeField("停用时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "电子印章"
        ordering = ["organization_id", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization"], condition=Q(retired_at=None), name="seal_one_active_per_organization"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.fingerprint[:16]}"


class License(models.Model):
    identifier = models.CharField("证照标识", max_length=120, unique=True)
    license_type = models.ForeignKey(
        LicenseType, verbose_name="证照类型", on_delete=models.PROTECT, related_name="licenses"
    )
    serial = models.CharField("流水号", max_length=40)
    version = models.PositiveSmallIntegerField("版本号", default=1)
    number = models.CharField("证照编号", max_length=100)
    issuer = models.ForeignKey(
        Organization, verbose_name="颁发机构", on_delete=models.PROTECT, related_name="licenses_issued"
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="持证账号", on_delete=models.PROTECT, related_name="licenses"
    )
    holder_kind = models.CharField("持证主体类别", max_length=20, choices=HolderKind.choices)
    holder_name = models.CharField("持证主体", max_length=200)
    holder_code_type = models.CharField("持证主体代码类型", max_length=20, choices=HolderCodeType.choices)
    holder_code = EncryptedTextField("持证主体代码")
    holder_code_index = models.CharField(max_length=64, db_index=True, editable=False)
    issued_on = models.DateField("颁证日期")
    valid_from = models.DateField("有效期起始")
    valid_until = models.DateField("有效期截止（空为长期）", null=True, blank=True)
    jurisdiction = models.ForeignKey(
        Region, verbose_name="管辖区域", on_delete=models.PROTECT, related_name="+"
    )
    face_data = models.JSONField("照面信息", default=dict)
    level = models.CharField("证照级别", max_length=2, choices=LicenseLevel.choices, default=LicenseLevel.A)
    previous = models.ForeignKey(
        "self",
        verbose_name="关联（上一版本）证照",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_versions",
    )
    status = models.CharField(
        "状态", max_length=20, choices=LicenseStatus.choices, default=LicenseStatus.VALID
    )
    status_changed_at = models.DateTimeField("状态变更时间", null=True, blank=True)
    seal = models.ForeignKey(Seal, verbose_name="签章印章", on_delete=models.PROTECT, related_name="licenses")
    signature = models.CharField("签名（十六进制）", max_length=256)
    signed_at = models.DateTimeField("签章时间")
    created_at = models.DateTimeField("入库时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "电子证照"
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["license_type", "issuer", "serial", "version"], name="license_serial_version"
            ),
            models.CheckConstraint(condition=Q(status__in=LicenseStatus.values), name="license_status_valid"),
            models.CheckConstraint(condition=Q(version__gte=1), name="license_version_positive"),
        ]
        indexes = [models.Index(fields=["holder", "status"], name="license_holder_status_idx")]

    def __str__(self) -> str:
        return f"{self.license_type} {self.number}"

    def save(self, *args, **kwargs):
        self.holder_code_index = holder_code_index(self.holder_code_type, self.holder_code)
        super().save(*args, **kwargs)


def holder_code_index(code_type: str, code: str) -> str:
    """The blind index that finds a holder's licenses by code; an ID number's is identity's own (the
    same purpose), so one value finds the person's account and their licenses alike."""
    purpose = "id_number" if code_type == HolderCodeType.ID_NUMBER else "uscc"
    return blind_index(code.upper(), purpose=purpose) if code else ""


class LicenseEvent(models.Model):
    """One operation on a license (新发, 暂扣, 注销…): who, when, why, from which status to which."""

    license = models.ForeignKey(License, verbose_name="证照", on_delete=models.PROTECT, related_name="events")
    operation = models.CharField("操作", max_length=20, choices=LicenseOperation.choices)
    from_status = models.CharField("原状态", max_length=20, choices=LicenseStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=20, choices=LicenseStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField("操作人名称", max_length=200)
    reason = models.TextField("理由", blank=True)
    at = models.DateTimeField("时间")

    class Meta:
        verbose_name = verbose_name_plural = "证照操作记录"
        ordering = ["license_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.license_id} {self.operation}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("license events are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("license events are never deleted")


class Presentation(models.Model):
    """亮证: one showing of a license by its holder — a QR code (a signed token naming this row's `jti`) and a
    6-digit check code, valid for a few minutes and for one verification. The token and the code are
    never stored: the code is derived from `jti` with the site's key (presentation_codes.py), and only its
    keyed digest is kept, in `code_index` for good and in `live_code` while the code may still be used, so
    that no two usable presentations share a code (the unique constraint, not luck, guarantees it).

    The one use is kept on the row: when, by whom (a staff member or an API token), for which
    organization, through which channel, and the purpose the verifier stated."""

    license = models.ForeignKey(
        License, verbose_name="证照", on_delete=models.PROTECT, related_name="presentations"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="亮证人", on_delete=models.PROTECT, related_name="+"
    )
    jti = models.CharField(max_length=32, unique=True, editable=False)
    code_index = models.CharField(max_length=64, db_index=True, editable=False)
    live_code = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField("亮证时间")
    expires_at = models.DateTimeField("失效时间")
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)
    used_at = models.DateTimeField("核验时间", null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="核验人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    used_by_token = models.ForeignKey(
        "identity.ApiToken",
        verbose_name="核验系统（接口令牌）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    used_by_label = models.CharField("核验人名称", max_length=200, blank=True)
    used_organization = models.ForeignKey(
        Organization,
        verbose_name="核验单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    used_channel = models.CharField("核验渠道", max_length=20, blank=True)
    purpose = models.CharField("核验事由", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "亮证记录"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(used_at=None) | Q(cancelled_at=None), name="presentation_used_or_cancelled"
            ),
            models.CheckConstraint(
                condition=Q(used_at=None) | ~Q(purpose=""), name="presentation_use_has_purpose"
            ),
        ]
        indexes = [models.Index(fields=["license", "created_at"], name="presentation_license_idx")]

    def __str__(self) -> str:
        return f"{self.license_id} {self.created_at:%Y-%m-%d %H:%M}"
