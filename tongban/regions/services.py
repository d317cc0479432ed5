"""Writes for regions and organizations."""

import csv
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from tongban.core.errors import from_django_validation

from .models import Organization, Region

REFERENCE_CSV = Path(__file__).parent / "data" / "regions.csv"


@transaction.atomic
def regions_load_reference(*, path: Path = REFERENCE_CSV) -> int:
    """Create or update the circle's regions from the reference list (idempotent); returns the count."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_code: dict[str, Region] = {}
    for order, row in enumerate(rows, start=1):
        parent = by_code.get(row["parent_code"]) if row["parent_code"] else None
        region, _ = Region.objects.update_or_create(
            key=row["key"],
            defaults={
                "code": row["code"] or None,
                "name": row["name"],
                "short_name": row["short_name"],
                "kind": row["kind"],
                "parent": parent,
                "note": row["note"],
                "sort_order": order,
            },
        )
        if row["code"]:
            by_code[row["code"]] = region
    return len(rows)


def organization_create(
    *,
    name: str,
    uscc: str,
    kind: str,
    region: Region,
    short_name: str = "",
    phone: str = "",
    address: str = "",
) -> Organization:
    organization = Organization(
        name=name, short_name=short_name, uscc=uscc, kind=kind, region=region, phone=phone, address=address
    )
    try:
        organization.full_clean()
    except ValidationError as exc:
        raise from_django_validation(exc, Organization) from exc
    organization.save()
    return organization
