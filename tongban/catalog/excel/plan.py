"""The import's first half: check every row of the workbook against the catalog and decide what to
write, without writing anything. The result is a Plan (or a list of problems)."""

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from tongban.catalog.models import Agreement, ServiceItem, TongbanBatch
from tongban.regions.models import Hall, Organization

from .context import Lookups, Problems
from .spec import IMPLEMENTATIONS, Sheet
from .summary import ImportSummary
from .workbook import ParsedWorkbook, Row


@dataclass
class ItemChange:
    row: Row
    item: ServiceItem | None  # None: a new item
    values: dict[str, Any]


@dataclass
class GuideChange:
    """A new implementation, or a new version of an existing one (whose guide differs)."""

    row: Row
    code: str
    basic_code: str
    organization: Organization
    number: int | None
    fields: dict[str, Any]
    parts: dict[str, list[dict[str, Any]]]  # by GuideRows attribute, natural keys resolved to objects
    is_new: bool


@dataclass
class AvailabilityChange:
    code: str
    remove: list[int] = field(default_factory=list)  # Availability ids
    notes: dict[int, str] = field(default_factory=dict)  # Availability id → new note
    add: list[dict[str, Any]] = field(default_factory=list)  # mode, region, window, kiosk, note


@dataclass
class AgreementChange:
    row: Row
    agreement: Agreement | None
    values: dict[str, Any]
    parties: list[dict[str, Any]] | None = None  # the complete new list, when it differs
    add_codes: list[str] = field(default_factory=list)
    remove_item_ids: list[int] = field(default_factory=list)  # AgreementItem ids


@dataclass
class BatchChange:
    row: Row
    batch: TongbanBatch | None
    values: dict[str, Any]


@dataclass
class EntryChange:
    code: str
    batch_name: str
    entry_id: int | None  # an existing entry to move, or None to create one


@dataclass
class Plan:
    items: list[ItemChange] = field(default_factory=list)
    guides: list[GuideChange] = field(default_factory=list)
    availability: list[AvailabilityChange] = field(default_factory=list)
    agreements: list[AgreementChange] = field(default_factory=list)
    batches: list[BatchChange] = field(default_factory=list)
    entries: list[EntryChange] = field(default_factory=list)
    removed_entry_ids: list[int] = field(default_factory=list)
    summary: ImportSummary = field(default_factory=ImportSummary)


@dataclass
class Planning:
    """Everything the checks share: the parsed workbook, the catalog's natural keys, the problems
    found and the plan being built."""

    book: ParsedWorkbook
    lookups: Lookups
    problems: Problems
    plan: Plan = field(default_factory=Plan)

    @cached_property
    def codes_in_file(self) -> set[str]:
        return {row.values["code"] for row in self.book.rows(IMPLEMENTATIONS) if "code" in row.values}

    def implementation_known(self, code: str) -> bool:
        return code in self.lookups.implementations or code in self.codes_in_file

    def unique_hall(self, sheet: Sheet, row: int | None, field_name: str, name: str) -> Hall | None:
        found = self.lookups.halls.get(name, [])
        if len(found) == 1:
            return found[0]
        message = (
            f"未找到名为“{name}”的政务服务大厅。"
            if not found
            else f"有多个名为“{name}”的大厅，无法确定是哪一个。"
        )
        self.problems.add(sheet, row, field_name, message)
        return None
