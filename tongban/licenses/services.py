"""Writes of the licenses app: seals (create, rotate), issuing a license signed by the issuer's seal,
new versions (变更, 延续) and status operations (暂扣, 发还, 注销, 撤销, 吊销, 到期失效), each an event
in the same transaction, audited.

What the signature covers (`signed_payload`): the identifier, the metadata of GB/T 36903 (type, number,
issuer, holder, dates, jurisdiction, level, the previous version) and the face data — everything except the
status, which changes without re-signing and is published by the issuer (selectors.status_list).
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from tongban.core.audit import AuditObject, audit_record
from tongban.core.errors import Conflict, FieldError, ValidationFailed
from tongban.identity import access
from tongban.identity.access import Actor
from tongban.identity.models import User
from tongban.regions.models import Organization, Region

from . import crypto
from .choices import FaceFieldType, HolderCodeType, HolderKind, LicenseLevel, LicenseOperation, LicenseStatus
from .identifiers import license_identifier_make
from .models import License, LicenseEvent, LicenseType, Seal

SYSTEM_LABEL = "系统"


# --- Seals ------------------------------------------------------------------------------------------


def _seal_new(organization: Organization) -> Seal:
    private, public = crypto.sm2_keypair()
    return Seal.objects.create(
        organization=organization,
        public_key=public.hex(),
        private_key=private.hex(),
        fingerprint=crypto.fingerprint(public),
    )


def seal_for(organization: Organization) -> Seal:
    """The organization's active seal, made on its first use (every issuing organization has one)."""
    seal = Seal.objects.filter(organization=organization, retired_at=None).first()
    if seal is not None:
        return seal
    try:
        with transaction.atomic():
            return _seal_new(organization)
    except IntegrityError:  # another transaction made it first
        return Seal.objects.get(organization=organization, retired_at=None)


def seal_rotate(*, organization: Organization, by: Actor) -> Seal:
    """A new key pair; the old seal is retired and keeps verifying what it signed."""
    access.require(by, "seal.rotate", organization)
    with transaction.atomic():
        Organization.objects.select_for_update().get(pk=organization.pk)
        now = timezone.now()
        old = Seal.objects.filter(organization=organization, retired_at=None).first()
        if old is not None:
            Seal.objects.filter(pk=old.pk).update(retired_at=now)
        seal = _seal_new(organization)
        audit_record(
            action="seal.rotated",
            context=by.audit_context(),
            obj=AuditObject.of(organization),
            detail={"retired": old.fingerprint if old else "", "new": seal.fingerprint},
        )
    return seal


# --- Issuing ----------------------------------------------------------------------------------------


def signed_payload(license_: License) -> bytes:
    """The canonical bytes an issuer's signature covers (see the module docstring)."""
    return crypto.canonical_json(payload_fields(license_))


def payload_fields(license_: License) -> dict[str, Any]:
    return {
        "identifier": license_.identifier,
        "type_code": license_.license_type.code,
        "type_name": license_.license_type.name,
        "number": license_.number,
        "issuer_uscc": license_.issuer.uscc,
        "issuer_name": license_.issuer.name,
        "holder_kind": license_.holder_kind,
        "holder_name": license_.holder_name,
        "holder_code_type": license_.holder_code_type,
        "holder_code": license_.holder_code,
        "issued_on": license_.issued_on.isoformat(),
        "valid_from": license_.valid_from.isoformat(),
        "valid_until": license_.valid_until.isoformat() if license_.valid_until else None,
        "jurisdiction": license_.jurisdiction.code or license_.jurisdiction.key,
        "level": license_.level,
        "previous": license_.previous.identifier if license_.previous_id else None,
        "face_data": license_.face_data,
    }


def face_data_clean(license_type: LicenseType, data: dict[str, Any]) -> dict[str, str]:
    """The face data as the type defines it: every required field present, dates as YYYY-MM-DD, no
    unknown field; ValidationFailed names each wrong one."""
    errors, clean = [], {}
    known = {f["key"] for f in license_type.face_fields}
    for key in sorted(set(data) - known):
        errors.append(FieldError(f"face_data.{key}", f"“{key}”不是{license_type.name}的照面信息项。"))
    for spec in license_type.face_fields:
        value = str(data.get(spec["key"], "") or "").strip()
        field = f"face_data.{spec['key']}"
        if not value:
            if spec.get("required", True):
                errors.append(FieldError(field, f"请填写{spec['label']}。"))
            continue
        if spec.get("type") == FaceFieldType.DATE:
            try:
                value = dt.date.fromisoformat(value).isoformat()
            except ValueError:
                errors.append(FieldError(field, f"{spec['label']}应为日期，如 2026-01-31。"))
                continue
        if spec.get("type") == FaceFieldType.NUMBER and not value.replace(".", "", 1).isdigit():
            errors.append(FieldError(field, f"{spec['label']}应为数字。"))
            continue
        clean[spec["key"]] = value[:500]
    if errors:
        raise ValidationFailed(message=errors[0].message, errors=errors)
    return clean


def _holder(holder: User) -> tuple[str, str, str, str]:
    """(kind, name, code type, code) of a person's or company's account."""
    person = getattr(holder, "person", None)
    if person is not None:
        return HolderKind.PERSON, person.real_name, HolderCodeType.ID_NUMBER, person.id_number
    company = getattr(holder, "company", None)
    if company is not None:
        return HolderKind.ORGANIZATION, company.name, HolderCodeType.USCC, company.uscc
    raise ValidationFailed.on("holder", "持证主体应为个人或法人账号。")


@dataclass(frozen=True)
class Issue:
    """What an issuer fills in for a new license (the identifier, seal and signature are the platform's)."""

    license_type: LicenseType
    holder: User
    number: str
    face_data: dict[str, Any]
    issued_on: dt.date
    valid_from: dt.date
    valid_until: dt.date | None = None
    jurisdiction: Region | None = None
    level: str = LicenseLevel.A


def _next_serial(license_type: LicenseType, issuer: Organization) -> str:
    """The issuer's next serial for the type: the year and a counter, e.g. 2026000001 (the caller holds
    the issuer's row lock)."""
    year = timezone.localdate().year
    prefix = str(year)
    serials = License.objects.filter(
        license_type=license_type, issuer=issuer, serial__startswith=prefix, version=1
    ).aggregate(last=Max("serial"))["last"]
    counter = int(serials[len(prefix) :]) + 1 if serials else 1
    return f"{prefix}{counter:06d}"


def _sign_and_save(license_: License, seal: Seal) -> License:
    license_.seal = seal
    license_.signed_at = timezone.now()
    license_.signature = crypto.sm2_sign(
        bytes.fromhex(seal.private_key), signed_payload(license_), public_key=bytes.fromhex(seal.public_key)
    ).hex()
    license_.save()
    return license_


def _event(
    license_: License, operation: str, *, by: Actor | None, from_status: str, reason: str = ""
) -> None:
    context = by.audit_context() if by is not None else None
    LicenseEvent.objects.create(
        license=license_,
        operation=operation,
        from_status=from_status,
        to_status=license_.status,
        actor=by.user if by is not None else None,
        actor_label=context.actor_label if context else SYSTEM_LABEL,
        reason=reason,
        at=timezone.now(),
    )
    if context is not None:
        audit_record(
            action=f"license.{operation}",
            context=context,
            obj=AuditObject.of(license_, license_.identifier),
            detail={"from": from_status, "to": license_.status, "reason": reason},
        )


def license_issue(
    *,
    issuer: Organization,
    data: Issue,
    by: Actor,
    previous: License | None = None,
    decided_in_case: bool = False,
) -> License:
    """新发 (or, with `previous`, its next version — 变更): identifier, signature by the issuer's seal, event.
    `decided_in_case`: the result of a case the actor has just approved for the issuer (the cases engine
    checked that authority), so the issuer's reviewer role is not asked for again."""
    operation = LicenseOperation.ISSUE if previous is None else LicenseOperation.CHANGE
    return _issue(issuer, data, by, previous, operation, decided_in_case)


def _issue(
    issuer: Organization,
    data: Issue,
    by: Actor,
    previous: License | None,
    operation: LicenseOperation,
    decided_in_case: bool,
) -> License:
    if not decided_in_case:
        access.require(by, "license.issue", issuer)
    number = (data.number or "").strip()
    if not number or len(number) > 100:
        raise ValidationFailed.on("number", "请填写证照编号（不超过100个字符）。")
    if data.valid_until is not None and data.valid_until < data.valid_from:
        raise ValidationFailed.on("valid_until", "有效期截止日期不能早于起始日期。")
    if data.level not in LicenseLevel.values:
        raise ValidationFailed.on("level", "请选择证照级别。")
    face = face_data_clean(data.license_type, data.face_data)
    kind, name, code_type, code = _holder(data.holder)
    if kind != data.license_type.holder_kind:
        raise ValidationFailed.on(
            "holder",
            f"{data.license_type.name}的持证主体应为{HolderKind(data.license_type.holder_kind).label}。",
        )
    with transaction.atomic():
        Organization.objects.select_for_update().get(pk=issuer.pk)  # serials of one issuer, one at a time
        seal = seal_for(issuer)
        serial = previous.serial if previous else _next_serial(data.license_type, issuer)
        version = previous.version + 1 if previous else 1
        license_ = License(
            identifier=license_identifier_make(
                type_code=data.license_type.code, issuer_uscc=issuer.uscc, serial=serial, version=version
            ),
            license_type=data.license_type,
            serial=serial,
            version=version,
            number=number,
            issuer=issuer,
            holder=data.holder,
            holder_kind=kind,
            holder_name=name,
            holder_code_type=code_type,
            holder_code=code,
            issued_on=data.issued_on,
            valid_from=data.valid_from,
            valid_until=data.valid_until,
            jurisdiction=data.jurisdiction or issuer.region,
            face_data=face,
            level=data.level,
            previous=previous,
            status=LicenseStatus.VALID,
            status_changed_at=timezone.now(),
        )
        _sign_and_save(license_, seal)
        _event(license_, operation, by=by, from_status="")
    return license_


# --- Status operations ------------------------------------------------------------------------------

# operation → (statuses it applies to, status after)
OPERATIONS: dict[str, tuple[frozenset[str], str]] = {
    LicenseOperation.SUSPEND: (frozenset({LicenseStatus.VALID}), LicenseStatus.SUSPENDED),
    LicenseOperation.RETURN: (frozenset({LicenseStatus.SUSPENDED}), LicenseStatus.VALID),
    LicenseOperation.CANCEL: (
        frozenset({LicenseStatus.VALID, LicenseStatus.SUSPENDED}),
        LicenseStatus.CANCELLED,
    ),
    LicenseOperation.REVOKE: (
        frozenset({LicenseStatus.VALID, LicenseStatus.SUSPENDED}),
        LicenseStatus.REVOKED,
    ),
    LicenseOperation.WITHDRAW: (
        frozenset({LicenseStatus.VALID, LicenseStatus.SUSPENDED}),
        LicenseStatus.WITHDRAWN,
    ),
    LicenseOperation.EXPIRE: (frozenset({LicenseStatus.VALID}), LicenseStatus.EXPIRED),
}
NEEDS_REASON = frozenset(
    {LicenseOperation.SUSPEND, LicenseOperation.CANCEL, LicenseOperation.REVOKE, LicenseOperation.WITHDRAW}
)


def license_operate(*, license_: License, operation: str, by: Actor, reason: str = "") -> License:
    """暂扣, 发还, 注销, 撤销, 吊销 by the issuer's staff; a refused operation changes nothing (409)."""
    if operation not in OPERATIONS or operation == LicenseOperation.EXPIRE:
        raise ValidationFailed.on("operation", "请选择证照操作。")
    reason = (reason or "").strip()
    if operation in NEEDS_REASON and not reason:
        raise ValidationFailed.on("reason", f"{LicenseOperation(operation).label}须说明理由。")
    with transaction.atomic():
        locked = License.objects.select_for_update().get(pk=license_.pk)
        access.require(by, "license.operate", locked)
        return _apply(locked, operation, by=by, reason=reason)


def _apply(locked: License, operation: str, *, by: Actor | None, reason: str) -> License:
    allowed, to = OPERATIONS[operation]
    if locked.status not in allowed:
        raise Conflict(
            f"证照当前状态为「{LicenseStatus(locked.status).label}」，不能{LicenseOperation(operation).label}。"
        )
    before = locked.status
    locked.status, locked.status_changed_at = to, timezone.now()
    locked.save(update_fields=["status", "status_changed_at"])
    _event(locked, operation, by=by, from_status=before, reason=reason)
    return locked


def license_new_version(
    *, license_: License, data: Issue, by: Actor, renew: bool = False, decided_in_case: bool = False
) -> License:
    """变更 or 延续: a new version with the same serial, signed anew; the old version 失效.
    `decided_in_case` as for license_issue: the result of a case the actor has just approved."""
    with transaction.atomic():
        locked = License.objects.select_for_update().get(pk=license_.pk)
        if not decided_in_case:
            access.require(by, "license.operate", locked)
        if locked.status not in (LicenseStatus.VALID, LicenseStatus.EXPIRED) or locked.next_versions.exists():
            raise Conflict("只有最新版本的有效或到期证照可以变更或延续。")
        operation = LicenseOperation.RENEW if renew else LicenseOperation.CHANGE
        new = _issue(locked.issuer, data, by, locked, operation, decided_in_case)
        if locked.status == LicenseStatus.VALID:
            _apply(locked, LicenseOperation.EXPIRE, by=by, reason=f"已由第{new.version}版替代")
    return new


def licenses_expire(*, today: dt.date | None = None) -> int:
    """The platform marks licenses past their validity 失效 (a sweep; idempotent)."""
    today = today or timezone.localdate()
    done = 0
    for pk in License.objects.filter(status=LicenseStatus.VALID, valid_until__lt=today).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            locked = License.objects.select_for_update().get(pk=pk)
            if locked.status == LicenseStatus.VALID:
                _apply(locked, LicenseOperation.EXPIRE, by=None, reason="有效期届满")
                done += 1
    return done
