"""Writing the working-day calendar: checking what an administrator enters, recording a saved year (audit
entry, and after commit the `on_year_entered` callbacks), and importing new years from a newer
chinese-calendar package. Reads are in tongban.core.calendar.

Audit actions: calendar.year_entered when a year becomes complete (known), calendar.year_changed for any
other change of a year or its days; the detail lists the days added and removed.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from ..audit import AuditContext, AuditObject, audit_record
from ..errors import FieldError
from ..models import CalendarDay, CalendarSource, CalendarYear, DayKind
from . import year_entered

WEEKDAYS = "一二三四五六日"
# chinese-calendar's short names, as the State Council's notices spell them.
OFFICIAL_NAMES = {"清明": "清明节", "端午": "端午节", "中秋": "中秋节"}


@dataclass(frozen=True, order=True)
class DayEntry:
    date: dt.date
    kind: str
    name: str

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {DayKind(self.kind).label} {self.name}"


def calendar_days_problems(*, year: int, days: Sequence[DayEntry], complete: bool) -> list[FieldError]:
    """What is wrong with a year's days as entered; each error names the day (field days.<index>.date)."""
    errors, seen = [], set()
    for index, day in enumerate(days):
        field = f"days.{index}.date"
        if day.date.year != year:
            errors.append(FieldError(field, f"日期 {day.date:%Y-%m-%d} 不在 {year} 年内。"))
        if day.kind == DayKind.WORKDAY and day.date.weekday() < 5:
            errors.append(
                FieldError(
                    field,
                    f"日期 {day.date:%Y-%m-%d} 是星期{WEEKDAYS[day.date.weekday()]}，本来就上班："
                    "调休上班日应为周六或周日。",
                )
            )
        if day.date in seen:
            errors.append(FieldError(field, f"日期 {day.date:%Y-%m-%d} 重复录入。"))
        seen.add(day.date)
    if complete and not any(day.kind == DayKind.HOLIDAY for day in days):
        errors.append(FieldError("complete", "标记为已完整录入时，至少应录入一个法定节假日。"))
    return errors


class YearState(NamedTuple):
    """A year as it stood before a change, to tell what the change did."""

    complete: bool
    notice: str
    days: frozenset[DayEntry]


def calendar_year_state(year: CalendarYear | None) -> YearState:
    """The stored state of a year (an unsaved or missing year: empty)."""
    if year is None or year.pk is None:
        return YearState(False, "", frozenset())
    stored = CalendarYear.objects.get(pk=year.pk)
    return YearState(stored.complete, stored.notice, _days(stored))


def _days(year: CalendarYear) -> frozenset[DayEntry]:
    rows = CalendarDay.objects.filter(year=year).values_list("date", "kind", "name")
    return frozenset(DayEntry(*row) for row in rows)


def calendar_year_saved(*, year: CalendarYear, before: YearState, context: AuditContext) -> None:
    """Record a year whose rows were just written, inside the writer's transaction: who entered it, the
    audit entry, and — when it became known or a known year's days changed — the callbacks after commit."""
    days = _days(year)
    added, removed = sorted(days - before.days), sorted(before.days - days)
    entered = year.complete and not before.complete
    if not (entered or added or removed or year.notice != before.notice):
        return
    year.entered_at, year.entered_by_id, year.entered_by_label = (
        timezone.now(),
        context.actor_id,
        context.actor_label,
    )
    year.source = CalendarSource.ADMIN if context.actor_id is not None else year.source
    year.save(update_fields=["entered_at", "entered_by_id", "entered_by_label", "source", "changed_at"])
    audit_record(
        action="calendar.year_entered" if entered else "calendar.year_changed",
        context=context,
        obj=AuditObject.of(year),
        detail={
            "year": year.year,
            "complete": year.complete,
            "notice": year.notice,
            "holidays": sum(day.kind == DayKind.HOLIDAY for day in days),
            "workdays": sum(day.kind == DayKind.WORKDAY for day in days),
            "added": [str(day) for day in added],
            "removed": [str(day) for day in removed],
        },
    )
    if year.complete and (entered or added or removed):
        transaction.on_commit(partial(year_entered, year.year))


# --- The chinese-calendar package --------------------------------------------------------------------


def package_calendar() -> tuple[str, dict[int, list[DayEntry]]]:
    """The installed chinese-calendar's version and its days by year ("", {} when it is not installed).
    Read from its tables, so a year it lacks is simply absent (its functions raise for such years)."""
    try:
        import chinese_calendar
        from chinese_calendar import Holiday, constants
    except ImportError:
        return "", {}

    def name(value: str) -> str:
        try:
            chinese = Holiday(value).chinese
        except ValueError:
            return value[:60]
        return OFFICIAL_NAMES.get(chinese, chinese)

    by_year: dict[int, list[DayEntry]] = defaultdict(list)
    for kind, table in ((DayKind.HOLIDAY, constants.holidays), (DayKind.WORKDAY, constants.workdays)):
        for day, value in table.items():
            by_year[day.year].append(DayEntry(day, kind.value, name(value)))
    years = {
        year: sorted(days) for year, days in by_year.items() if any(d.kind == DayKind.HOLIDAY for d in days)
    }
    return chinese_calendar.__version__, years


def calendar_import_package(*, context: AuditContext) -> list[CalendarYear]:
    """Add, each complete, the years the installed package has and the table lacks; a year already in the
    table (even half entered by an administrator) is left alone. Returns the years added."""
    version, package = package_calendar()
    existing = set(CalendarYear.objects.values_list("year", flat=True))
    return [_import_year(year, package[year], version, context) for year in sorted(set(package) - existing)]


@transaction.atomic
def _import_year(year: int, days: list[DayEntry], version: str, context: AuditContext) -> CalendarYear:
    row = CalendarYear.objects.create(
        year=year, source=CalendarSource.PACKAGE, notice=f"chinese-calendar {version}"
    )
    CalendarDay.objects.bulk_create(
        CalendarDay(year=row, date=d.date, kind=d.kind, name=d.name) for d in days
    )
    row.complete = True
    row.save(update_fields=["complete", "changed_at"])
    calendar_year_saved(year=row, before=calendar_year_state(None), context=context)
    return row
