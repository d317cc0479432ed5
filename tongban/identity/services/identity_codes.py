"""身份码 / 企业码: a person or company shows a QR code instead of typing an ID number; a window clerk or a
kiosk scans (or pastes) it and learns, masked, whom it identifies.

The token is `<kind><account id>.<jti>.<expiry>:<signature>`: an HMAC-SHA256 signature (django.core.signing,
own salt) over the account kind (p/c), the account id, a random code id (jti) and the expiry in base 62
seconds, about 75 characters, which makes a version 5 QR code at error correction level M. The token
itself is never stored or logged; its `IdentityCode` row (jti, account, issued, expires, used) is what
makes it expire with the clock and work once: verifying marks the row used with a conditional UPDATE
(`used_at IS NULL`), so of two simultaneous verifications exactly one succeeds.
"""

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import segno
from django.core import signing
from django.db import transaction
from django.utils import timezone

from tongban.core.audit import AuditObject, audit_record, audit_record_now
from tongban.core.errors import DomainError

from .. import access
from ..access import Actor
from ..choices import AccountKind
from ..models import IdentityCode, User
from ..selectors.codes import IdentifiedAccount, account_holder, account_identity

CODE_LIFETIME = timedelta(seconds=60)
SALT = "tongban.identity.identity-code"
KIND_MARKS = {AccountKind.PERSON: "p", AccountKind.COMPANY: "c"}
KIND_HOLDER = {AccountKind.PERSON: "person", AccountKind.COMPANY: "company"}  # the row that names the holder
CLAIMS = re.compile(
    r"^(?P<kind>[pc])(?P<account>[1-9][0-9]{0,17})\.(?P<jti>[A-Za-z0-9_-]{16})\.(?P<exp>[0-9A-Za-z]{1,8})$"
)

INVALID = "身份码无效。"
EXPIRED = "身份码已过期，请让申请人刷新后重新出示。"
USED = "该身份码已使用，请让申请人刷新后重新出示。"


def _now() -> datetime:
    """The clock of this module (tests move it instead of sleeping)."""
    return timezone.now()


@dataclass(frozen=True)
class IssuedCode:
    token: str
    expires_at: datetime
    kind: str

    @property
    def kind_label(self) -> str:
        return "企业码" if self.kind == AccountKind.COMPANY else "身份码"


@dataclass(frozen=True)
class _Claims:
    kind: str
    account_id: int
    jti: str
    expires_at: datetime


class CodeRefused(DomainError):
    """A code that identifies nobody: forged or malformed (400), expired (410), already used (409)."""

    def __init__(self, reason: str, message: str, status: int, claims: _Claims | None = None):
        super().__init__(message=message, status=status)
        self.reason, self.claims = reason, claims


def _invalid() -> CodeRefused:
    return CodeRefused("invalid", INVALID, 400)


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT, algorithm="sha256")


def _sign(*, user: User, jti: str, expires_at: datetime) -> str:
    expiry = signing.b62_encode(int(expires_at.timestamp()))
    return _signer().sign(f"{KIND_MARKS[user.kind]}{user.pk}.{jti}.{expiry}")


def _read(token: str) -> _Claims:
    """The claims of a well-formed token with a valid signature; anything else is invalid."""
    token = (token or "").strip()
    if not token or len(token) > 200:
        raise _invalid()
    try:
        match = CLAIMS.match(_signer().unsign(token))
    except signing.BadSignature:
        match = None
    if match is None:
        raise _invalid()
    kind = next(k for k, mark in KIND_MARKS.items() if mark == match["kind"])
    expires_at = datetime.fromtimestamp(signing.b62_decode(match["exp"]), tz=UTC)
    return _Claims(kind=kind, account_id=int(match["account"]), jti=match["jti"], expires_at=expires_at)


def identity_code_issue(*, by: Actor) -> IssuedCode:
    """A new code for the actor's own person or company account, valid for CODE_LIFETIME."""
    access.require(by, "identity_code.issue")
    user = account_holder(user=by.user)
    if not hasattr(user, KIND_HOLDER[user.kind]):
        raise DomainError("您的账号尚未登记实名信息，暂不能生成身份码。")
    issued_at = _now()
    code = IdentityCode.objects.create(
        jti=secrets.token_urlsafe(12), user=user, issued_at=issued_at, expires_at=issued_at + CODE_LIFETIME
    )
    token = _sign(user=user, jti=code.jti, expires_at=code.expires_at)
    return IssuedCode(token=token, expires_at=code.expires_at, kind=user.kind)


def identity_code_qr(*, token: str) -> segno.QRCode:
    """A real QR code (never Micro QR) for a token; level M survives a scratched or glaring phone screen."""
    return segno.make_qr(token, error="m")


def identity_code_verify(*, token: str, by: Actor, place: str = "") -> IdentifiedAccount:
    """Identify the account a code was issued to, once. Refusals are recorded and raised as CodeRefused."""
    access.require(by, "identity_code.verify")
    place = " ".join((place or "").split())[:200]
    now = _now()
    with transaction.atomic():
        try:
            code = _claim(token, by=by, place=place, now=now)
        except CodeRefused as exc:
            refusal = exc
        else:
            audit_record(
                action="identity_code.verified",
                context=by.audit_context(),
                obj=AuditObject.of(code.user),
                detail={"code": code.jti, "place": place},
            )
            return account_identity(user=code.user, verified_at=now)
    _record_refusal(refusal, by=by, place=place)
    raise refusal


def _claim(token: str, *, by: Actor, place: str, now: datetime) -> IdentityCode:
    claims = _read(token)
    if claims.expires_at <= now:
        raise CodeRefused("expired", EXPIRED, 410, claims)
    code = IdentityCode.objects.select_related("user__person", "user__company").filter(jti=claims.jti).first()
    if code is None or code.user_id != claims.account_id or not _identifiable(code.user, claims.kind):
        raise CodeRefused("invalid", INVALID, 400, claims)
    if code.used_at is not None:
        raise CodeRefused("used", USED, 409, claims)
    if code.expires_at <= now:
        raise CodeRefused("expired", EXPIRED, 410, claims)
    # Works once, also under concurrency: only the verification that flips used_at from NULL wins.
    claimed = IdentityCode.objects.filter(pk=code.pk, used_at=None).update(
        used_at=now, used_by=by.user, used_channel=by.channel, used_place=place
    )
    if claimed != 1:
        raise CodeRefused("used", USED, 409, claims)
    return code


def _identifiable(user: User, kind: str) -> bool:
    """An active account of the kind the code says, with its person or company."""
    return user.is_active and user.kind == kind and hasattr(user, KIND_HOLDER[kind])


def _record_refusal(refusal: CodeRefused, *, by: Actor, place: str) -> None:
    claims = refusal.claims
    detail = {"reason": refusal.reason, "place": place}
    obj = None
    if claims is not None and refusal.reason != "invalid":
        detail["code"] = claims.jti
        obj = AuditObject("identity.user", str(claims.account_id))
    entry = {"action": "identity_code.refused", "context": by.audit_context(), "obj": obj, "detail": detail}
    # Kept even when the caller's request fails: outside a transaction on its own, inside one joining it.
    (audit_record if transaction.get_connection().in_atomic_block else audit_record_now)(**entry)
