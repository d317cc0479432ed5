"""Writes of the issuing workbench and API, on top of services.py (never beside it).

A double click or a retried request must not issue a license twice. A license number (证照编号) is issued
once by one organization for one type, so the number is the natural key: under the issuer's row lock (the
one license_issue takes for its serials), a 新发 whose number that issuer already used for that type
returns the license issued first when it is the same license (same holder, face data, validity and
level), and is refused on `number` otherwise. The license table has no column for an Idempotency-Key, and
the number makes one unnecessary.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from tongban.core.errors import ValidationFailed
from tongban.identity import access
from tongban.identity.access import Actor
from tongban.regions.models import Organization

from .models import License
from .services import Issue, face_data_clean, license_issue


def _same_license(existing: License, data: Issue) -> bool:
    try:
        face = face_data_clean(data.license_type, data.face_data)
    except ValidationFailed:
        return False
    return (
        existing.holder_id == data.holder.pk
        and existing.face_data == face
        and existing.valid_from == data.valid_from
        and existing.valid_until == data.valid_until
        and existing.level == data.level
    )


def license_issue_once(*, issuer: Organization, data: Issue, by: Actor) -> tuple[License, bool]:
    """新发 through license_issue, at most once per (issuer, type, number): (license, issued now?)."""
    access.require(by, "license.issue", issuer)  # before anything tells whether a number was used
    number = (data.number or "").strip()
    with transaction.atomic():
        Organization.objects.select_for_update().get(pk=issuer.pk)
        existing = (
            License.objects.filter(issuer=issuer, license_type=data.license_type, number=number)
            .order_by("version", "id")
            .first()
        )
        if existing is not None:
            if existing.version == 1 and _same_license(existing, data):
                return existing, False
            raise ValidationFailed.on(
                "number",
                f"本机构已签发过编号为「{number}」的{data.license_type.name}，证照编号不能重复。"
                "如需修改已签发的证照，请在该证照页面办理变更。",
            )
        return license_issue(issuer=issuer, data=data, by=by), True


def version_data(
    license_: License,
    *,
    face_data: dict[str, Any],
    valid_from: dt.date,
    valid_until: dt.date | None,
    number: str | None = None,
    level: str | None = None,
) -> Issue:
    """What a new version (变更, 延续) of the license carries: the same type, holder and jurisdiction,
    issued today, with the new face data and validity (number and level kept unless given)."""
    return Issue(
        license_type=license_.license_type,
        holder=license_.holder,
        number=license_.number if number is None else number,
        face_data=face_data,
        issued_on=timezone.localdate(),
        valid_from=valid_from,
        valid_until=valid_until,
        jurisdiction=license_.jurisdiction,
        level=license_.level if level is None else level,
    )
