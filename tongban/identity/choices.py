from django.db import models


class AccountKind(models.TextChoices):
    PERSON = "person", "个人"
    COMPANY = "company", "法人"
    STAFF = "staff", "工作人员"


class Role(models.TextChoices):
    """Staff roles (DESIGN.md, Identity and access). A role is held at one organization."""

    WINDOW_CLERK = "window_clerk", "窗口收件人员"
    REVIEWER = "reviewer", "审批人员"
    CHIEF_SERVICE_OFFICER = "chief_service_officer", "首席服务官"
    HELPER = "helper", "帮办代办员"
    SUPERVISOR = "supervisor", "监督管理人员"
    CATALOG_ADMIN = "catalog_admin", "目录管理员"
    QUESTION_MODERATOR = "question_moderator", "问答审核员"
    PLATFORM_ADMIN = "platform_admin", "平台管理员"


class IdentityVerification(models.TextChoices):
    """How a person's real name was established (实名认证)."""

    SELF_DECLARED = "self_declared", "本人填报"
    SSO = "sso", "统一身份认证"
    WINDOW = "window", "窗口核验"


class TokenScope(models.TextChoices):
    CATALOG_READ = "catalog:read", "读取事项目录"
    IDENTITY_VERIFY = "identity:verify", "核验身份码"
    LICENSES_VERIFY = "licenses:verify", "核验亮证"
    MANDATES_READ = "mandates:read", "查询委托关系"
    SHIPMENTS_UPDATE = "shipments:update", "更新寄递状态（寄递企业）"
