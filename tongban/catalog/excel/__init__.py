"""The catalog as an .xlsx workbook (how departments maintain it): export, and an import that checks
every row of every sheet first and changes nothing unless the whole file is right.

    catalog_export("目录.xlsx", city="420700")
    summary = catalog_import("目录.xlsx")          # raises ImportFailed(errors=[RowError, ...])
"""

from typing import IO

from django.db import transaction

from .apply import apply_plan
from .context import Lookups, Problems
from .export import catalog_rows
from .plan import Planning
from .plan_guides import plan_availability, plan_implementations, plan_items
from .plan_links import plan_agreements, plan_batches
from .spec import SHEETS
from .summary import ImportFailed, ImportSummary, RowError, SheetCounts
from .workbook import read_workbook, write_workbook

__all__ = ["ImportFailed", "ImportSummary", "RowError", "SheetCounts", "catalog_export", "catalog_import"]


def catalog_export(
    target: str | IO[bytes], *, organization: str | None = None, city: str | None = None
) -> dict[str, int]:
    """Write the catalog (or one organization's, given its USCC, or one region's, given its key) to an
    .xlsx file; returns the number of rows written per sheet."""
    tables = catalog_rows(organization=organization, city=city)
    write_workbook(target, tables)
    return {name: len(rows) for name, rows in tables.items()}


def catalog_import(source: str | IO[bytes], *, dry_run: bool = False, by=None) -> ImportSummary:
    """Import an .xlsx file in one transaction: check everything, then write. With dry_run the writes
    run and are rolled back, so the summary says exactly what an import would do."""
    book = read_workbook(source)
    with transaction.atomic():
        planning = Planning(book, Lookups.load(), Problems(list(book.errors)))
        for sheet in SHEETS:
            if book.has(sheet):
                planning.plan.summary.counts(sheet.name)
        for step in (plan_items, plan_implementations, plan_availability, plan_agreements, plan_batches):
            step(planning)
        if planning.problems:
            raise ImportFailed(sorted(planning.problems.errors, key=_reading_order))
        apply_plan(planning.plan, planning.lookups, by=by)
        planning.plan.summary.versions_published = len(planning.plan.guides)
        if dry_run:
            transaction.set_rollback(True)
    planning.plan.summary.dry_run = dry_run
    return planning.plan.summary


_SHEET_ORDER = {sheet.name: index for index, sheet in enumerate(SHEETS)}
_COLUMN_ORDER = {(sheet.name, c.header): index for sheet in SHEETS for index, c in enumerate(sheet.columns)}


def _reading_order(error: RowError) -> tuple:
    """Errors as a person reads the workbook: sheet by sheet, row by row, left to right."""
    return (
        _SHEET_ORDER.get(error.sheet, -1),
        error.row or 0,
        _COLUMN_ORDER.get((error.sheet, error.column), 99),
        error.message,
    )
