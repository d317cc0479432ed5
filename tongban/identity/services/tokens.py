"""API tokens for systems (a kiosk, another city's platform): scoped, expiring, revocable.

Only the token's SHA-256 and its first characters (to recognise it in a list) are stored; the token
itself is returned once by api_token_create and never again, nor written to the audit log. Platform
administrators manage tokens ("api_token.manage").
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from tongban.core.audit import AuditObject, audit_record
from tongban.core.errors import FieldError, ValidationFailed
from tongban.regions.models import Organization

from .. import access
from ..access import Actor
from ..api_auth import token_digest, token_generate
from ..choices import TokenScope
from ..models import ApiToken

NAME_LENGTH = ApiToken._meta.get_field("name").max_length
PREFIX_LENGTH = ApiToken._meta.get_field("prefix").max_length


@transaction.atomic
def api_token_create(
    *,
    name: str,
    organization: Organization,
    scopes: list[str],
    expires_at: datetime | None = None,
    by: Actor,
) -> tuple[ApiToken, str]:
    """A new token and its plaintext, which the caller shows once (it cannot be recovered)."""
    access.require(by, "api_token.manage")
    name = name.strip()
    errors = api_token_problems(name=name, scopes=scopes, expires_at=expires_at)
    if errors:
        raise ValidationFailed(message=errors[0].message, errors=errors)
    plaintext = token_generate()
    api_token = ApiToken.objects.create(
        name=name,
        organization=organization,
        scopes=[scope for scope in TokenScope.values if scope in scopes],  # the enumeration's order
        prefix=plaintext[:PREFIX_LENGTH],
        token_hash=token_digest(plaintext),
        created_by=by.user,
        expires_at=expires_at,
    )
    audit_record(
        action="api_token.created",
        context=by.audit_context(),
        obj=AuditObject.of(api_token),
        detail={
            "organization_id": organization.pk,
            "scopes": api_token.scopes,
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
    )
    return api_token, plaintext


def api_token_problems(*, name: str, scopes: list[str], expires_at: datetime | None) -> list[FieldError]:
    """Everything that keeps a token from being created, in Chinese, by field (the name already trimmed)."""
    errors = []
    if not name:
        errors.append(FieldError("name", "名称：请填写，如“华容区政务服务中心自助终端”。"))
    elif len(name) > NAME_LENGTH:
        errors.append(FieldError("name", f"名称不能超过{NAME_LENGTH}个字。"))
    if not scopes:
        errors.append(FieldError("scopes", "权限范围：请至少选择一项。"))
    errors += [
        FieldError("scopes", f"权限范围：未知的权限“{scope}”。")
        for scope in scopes
        if scope not in TokenScope.values
    ]
    if expires_at is not None and expires_at <= timezone.now():
        errors.append(FieldError("expires_at", "到期时间须晚于当前时间。"))
    return errors


@transaction.atomic
def api_token_revoke(*, api_token: ApiToken, by: Actor) -> ApiToken:
    """From now on the token is refused; the row stays (which system held which token, and when)."""
    access.require(by, "api_token.manage", api_token)
    api_token = ApiToken.objects.select_for_update().get(pk=api_token.pk)
    if api_token.revoked_at is not None:
        raise ValidationFailed.on("api_token", "该令牌已经撤销。")
    api_token.revoked_at = timezone.now()
    api_token.save(update_fields=["revoked_at"])
    audit_record(action="api_token.revoked", context=by.audit_context(), obj=AuditObject.of(api_token))
    return api_token
