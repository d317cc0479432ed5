"""What the import checks against: the natural keys of everything a workbook may refer to, loaded once,
and the list of problems found so far."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from tongban.catalog.models import Agreement, Implementation, ServiceItem, TongbanBatch
from tongban.regions.models import Hall, Kiosk, Organization, Region, Window
from tongban.regions.selectors import cities_with_children, halls, kiosks, organizations, windows

from .spec import Sheet
from .summary import RowError


@dataclass
class Lookups:
    organizations: dict[str, Organization]
    regions: dict[str, Region]
    halls: dict[str, list[Hall]]
    windows: dict[tuple[int, str], Window]
    kiosks: dict[str, Kiosk]
    items: dict[str, ServiceItem]
    implementations: dict[str, Implementation]
    agreements: dict[str, Agreement]
    batches: dict[str, list[TongbanBatch]]

    @classmethod
    def load(cls) -> "Lookups":
        regions: dict[str, Region] = {}
        for city in cities_with_children():
            regions[city.key] = city
            regions.update({child.key: child for child in city.children.all()})
        halls_by_name: dict[str, list[Hall]] = defaultdict(list)
        for hall in halls():
            halls_by_name[hall.name].append(hall)
        batches: dict[str, list[TongbanBatch]] = defaultdict(list)
        for batch in TongbanBatch.objects.all():
            batches[batch.name].append(batch)
        return cls(
            organizations={org.uscc: org for org in organizations()},
            regions=regions,
            halls=dict(halls_by_name),
            windows={(w.hall_id, w.number): w for w in windows()},
            kiosks={kiosk.serial: kiosk for kiosk in kiosks()},
            items={item.basic_code: item for item in ServiceItem.objects.all()},
            implementations={
                impl.code: impl
                for impl in Implementation.objects.select_related("service_item", "organization", "current")
            },
            agreements={a.document_number: a for a in Agreement.objects.all()},
            batches=dict(batches),
        )


@dataclass
class Problems:
    """Collects RowErrors; `at(sheet, row)` gives a reporter that names the column by field."""

    errors: list[RowError] = field(default_factory=list)

    def add(self, sheet: Sheet, row: int | None, field_name: str, message: str) -> None:
        self.errors.append(RowError(sheet.name, row, sheet.header_of(field_name) or field_name, message))

    def add_validation(
        self, sheet: Sheet, row: int, exc: ValidationError, fields: dict[str, str] | None = None
    ) -> None:
        """A model's ValidationError, each message under the column of its field (`fields` renames a
        model field to the sheet's field where they differ)."""
        fields = fields or {}
        for name, messages in exc.message_dict.items():
            target = "" if name == NON_FIELD_ERRORS else fields.get(name, name)
            for message in messages:
                self.add(sheet, row, target, message)

    def __bool__(self) -> bool:
        return bool(self.errors)
