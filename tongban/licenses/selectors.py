"""Reads of licenses: the holder's wallet, one license for those who may see it, public verification by
identifier, the published seals and status list, and exported license files."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from tongban.identity import access
from tongban.identity.access import AccessDenied, Actor
from tongban.identity.models import CompanyOperator

from .choices import LicenseStatus
from .identifiers import license_identifier_parse
from .models import License, LicenseEvent, LicenseType, Seal
from .services import payload_fields
from .verification import KEYS_FORMAT, LICENSE_FORMAT, Result, verify

_RELATED = ("license_type", "issuer", "seal", "jurisdiction")
# A verification never needs the seal's private key: it is not read (nor decrypted) with the license.
_NO_SECRET = ("seal__private_key",)


def wallet_holder_ids(actor: Actor) -> list[int]:
    """Whose licenses the actor holds and may share: their own account's and those of the companies they
    operate (a mandate's agent is not among them — only the holder consents to sharing a license)."""
    if actor.user_id is None:
        return []
    companies = CompanyOperator.objects.filter(person__user_id=actor.user_id, revoked_at=None)
    return [actor.user_id, *companies.values_list("company__user_id", flat=True)]


def licenses_held(actor: Actor) -> QuerySet[License]:
    """我的证照: the actor's own licenses and those of the companies they operate, newest first."""
    return (
        License.objects.filter(holder_id__in=wallet_holder_ids(actor))
        .select_related(*_RELATED)
        .defer(*_NO_SECRET)
    )


def license_get(actor: Actor, identifier_or_pk: str | int) -> License:
    """One license for its holder, its issuer's staff or a platform admin; others are told it is unknown."""
    key = {"pk": identifier_or_pk} if isinstance(identifier_or_pk, int) else {"identifier": identifier_or_pk}
    found = (
        License.objects.select_related(*_RELATED, "holder")
        .defer(*_NO_SECRET)
        .filter(**key)
        .order_by()
        .first()
    )
    if found is None:
        raise AccessDenied("license.view")
    access.require(actor, "license.view", found)
    return found


def license_events(license_: License) -> QuerySet[LicenseEvent]:
    return license_.events.order_by("at", "id")


def license_verify(license_: License) -> Result:
    """The platform's verdict on a stored license: its signature by its seal, and its current status."""
    return verify(payload_fields(license_), license_.signature, license_.seal.public_key, license_.status)


def license_by_identifier(identifier: str) -> License | None:
    """For the public verification: the license with this identifier (checked first, so a mistyped one
    is named as such), or None."""
    text = str(license_identifier_parse(identifier))
    return (
        License.objects.select_related(*_RELATED)
        .defer(*_NO_SECRET)
        .filter(identifier=text)
        .order_by()
        .first()
    )


def seals_published() -> list[dict]:
    return [
        {
            "fingerprint": seal.fingerprint,
            "public_key": seal.public_key,
            "organization_uscc": seal.organization.uscc,
            "organization": seal.organization.name,
            "created_at": seal.created_at.isoformat(),
            "retired_at": seal.retired_at.isoformat() if seal.retired_at else None,
        }
        for seal in Seal.objects.select_related("organization").order_by("organization__uscc", "created_at")
    ]


def keys_document() -> dict:
    """What the platform publishes for offline verification: every seal's public key, and the status of
    every license that is not 有效."""
    status = dict(
        License.objects.exclude(status=LicenseStatus.VALID)
        .order_by("identifier")
        .values_list("identifier", "status")
    )
    return {
        "format": KEYS_FORMAT,
        "published_at": timezone.now().isoformat(),
        "seals": seals_published(),
        "status": status,
    }


def license_export(license_: License) -> dict:
    """The holder's exported license file (see verification.py)."""
    return {
        "format": LICENSE_FORMAT,
        "payload": payload_fields(license_),
        "signature": license_.signature,
        "seal": license_.seal.fingerprint,
    }


def licenses_usable(holder_ids, type_codes, on=None) -> dict[str, list[License]]:
    """免证明: the holders' licenses of these types that may stand in for a material today — valid, within
    their validity, and verified (signature and seal) — by type code, newest first."""
    on = on or timezone.localdate()
    found: dict[str, list[License]] = {}
    candidates = (
        License.objects.filter(
            holder_id__in=list(holder_ids),
            license_type__code__in=list(type_codes),
            status=LicenseStatus.VALID,
            valid_from__lte=on,
        )
        .filter(Q(valid_until=None) | Q(valid_until__gte=on))
        .select_related(*_RELATED)
        .defer(*_NO_SECRET)
        .order_by("-issued_on", "-id")
    )
    for license_ in candidates:
        if license_verify(license_).ok:
            found.setdefault(license_.license_type.code, []).append(license_)
    return found


def license_face_rows(license_: License) -> list[tuple[str, str]]:
    """(label, value) of the face data in the type's order, empty ones left out."""
    return [
        (spec["label"], license_.face_data[spec["key"]])
        for spec in license_.license_type.face_fields
        if license_.face_data.get(spec["key"])
    ]


def license_type_by_code(code: str) -> LicenseType | None:
    return LicenseType.objects.filter(code=code).first()


def license_types() -> QuerySet[LicenseType]:
    return LicenseType.objects.order_by("code")
