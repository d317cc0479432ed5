"""Enumerations of the licenses app, with the labels holders and verifiers read."""

from django.db import models


class HolderKind(models.TextChoices):
    """持证主体类别 (GB/T 36903)."""

    PERSON = "person", "自然人"
    ORGANIZATION = "organization", "法人和其他组织"


class HolderCodeType(models.TextChoices):
    """持证主体代码类型 (GB/T 36903)."""

    ID_NUMBER = "id_number", "公民身份号码"
    USCC = "uscc", "统一社会信用代码"


class LicenseStatus(models.TextChoices):
    """证照状态. Only a valid license may be shown (亮证) or stand in for a material (免证明)."""

    VALID = "valid", "有效"
    SUSPENDED = "suspended", "暂扣"
    REVOKED = "revoked", "撤销"
    CANCELLED = "cancelled", "注销"
    EXPIRED = "expired", "失效"
    WITHDRAWN = "withdrawn", "吊销"


class LicenseOperation(models.TextChoices):
    """What the issuer (or the platform, for expiry) does to a license; each is an event."""

    ISSUE = "issue", "新发"
    RENEW = "renew", "延续"
    CHANGE = "change", "变更"
    SUSPEND = "suspend", "暂扣"
    RETURN = "return", "发还"
    CANCEL = "cancel", "注销"
    REVOKE = "revoke", "撤销"
    WITHDRAW = "withdraw", "吊销"
    EXPIRE = "expire", "到期失效"


class LicenseLevel(models.TextChoices):
    """证照级别: how the license may be used in place of the paper one."""

    A = "A", "A级（可替代纸质证照）"
    B = "B", "B级（可作为办事参考）"


class FaceFieldType(models.TextChoices):
    TEXT = "text", "文本"
    DATE = "date", "日期"
    NUMBER = "number", "数字"


class PresentationState(models.TextChoices):
    """Where a 亮证 stands; derived from its row (presentations.presentation_state), never stored."""

    OPEN = "open", "待核验"
    USED = "used", "已核验"
    CANCELLED = "cancelled", "已取消"
    EXPIRED = "expired", "已过期"
