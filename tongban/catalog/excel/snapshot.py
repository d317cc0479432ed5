"""A guide as plain data with natural keys: what the workbook shows and what the import compares.

The export writes snapshots; the import reads the file into snapshots and compares them with the
snapshot of the version in force, so "unchanged" means exactly "the export would write the same cells".
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from tongban.catalog.models import (
    GuideFAQ,
    GuideFee,
    GuideLocation,
    GuideMaterial,
    GuideStep,
    ImplementationVersion,
)
from tongban.catalog.services import VERSION_CONTENT_FIELDS

from .spec import FAQS, FEES, LOCATIONS, MATERIALS, STEPS, Sheet

# Each guide sheet, the model of its rows and the GuideRows attribute the services take.
PART_MODELS: dict[str, tuple[Sheet, type, str]] = {
    MATERIALS.name: (MATERIALS, GuideMaterial, "materials"),
    STEPS.name: (STEPS, GuideStep, "steps"),
    FEES.name: (FEES, GuideFee, "fees"),
    LOCATIONS.name: (LOCATIONS, GuideLocation, "locations"),
    FAQS.name: (FAQS, GuideFAQ, "faqs"),
}
# Foreign keys of guide rows and the natural key that stands for them in the workbook.
NATURAL_KEYS = {"organization": "organization__uscc", "hall": "hall__name"}


def part_fields(sheet: Sheet) -> list[str]:
    """The content fields of a guide sheet's rows (not the implementation code and 序号)."""
    return [c.field for c in sheet.columns if c.field not in {"implementation", "position"}]


@dataclass
class Guide:
    fields: dict[str, Any]
    parts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def differs_from(self, other: "Guide | None") -> bool:
        return other is None or self.fields != other.fields or self.parts != other.parts


def guides_of(versions: QuerySet[ImplementationVersion]) -> dict[int, Guide]:
    """The snapshot of each version in the queryset, by version id (six queries in all)."""
    guides = {
        row.pop("pk"): Guide(fields=row, parts={name: [] for name in PART_MODELS})
        for row in versions.values("pk", *VERSION_CONTENT_FIELDS)
    }
    for name, (sheet, model, _attr) in PART_MODELS.items():
        fields = part_fields(sheet)
        lookups = [NATURAL_KEYS.get(f, f) for f in fields]
        rows = model.objects.filter(version__in=versions).order_by("version_id", "position", "id")
        for values in rows.values("version_id", *lookups):
            part = {f: values[lookup] for f, lookup in zip(fields, lookups, strict=True)}
            for key in NATURAL_KEYS:
                if key in part and part[key] is None:
                    part[key] = ""
            guides[values["version_id"]].parts[name].append(part)
    return guides
