"""The working-day calendar: which days count, and deadlines counted in working days.

行政许可法 §82: 行政机关实施行政许可的期限以工作日计算，不含法定节假日. A working day is a Monday to Friday
that is not a statutory holiday, or a weekend day worked in lieu of one (调休上班). The holidays and make-up
workdays are rows of CalendarYear/CalendarDay: seeded from the chinese-calendar package (2004–2026) and
entered by administrators for later years. A year is *known* once its row is marked complete. Any other
year (not entered yet, half entered, 1999, 2100) is counted on weekends alone and never raises; a deadline
that passes over it is *provisional*, and is recomputed when the year is entered (`on_year_entered`).

Counting convention, the same in every function: a period of n working days that starts on day S is made
of the first n working days *after* S. S itself is never counted, whatever the time of day (民法典 §201:
按照年、月、日计算期间的，开始的当日不计入，自下一日开始计算); the deadline is the n-th of those days, all of
which is within the limit. So `add_working_days(S, n).date == E` exactly when `working_days_between(S, E)
== n` and E is a working day. Example (the 2026 schedule): a case accepted on 2026-09-25, a 中秋节 holiday,
with a limit of 20 working days is due on 2026-10-29 (the Saturday 10-10 is worked and counts).

Reads go through a per-process snapshot of the tables. Writing a calendar row drops it at once (the
models' save/delete signals call `calendar_changed`; cache invalidation only, no domain logic); other
processes notice a change within STAMP_CHECK_SECONDS by comparing row counts and latest change times.
While a change is uncommitted, reads in a transaction load afresh and keep nothing, so a rolled-back change
is never remembered.
"""

import datetime as dt
import time
from bisect import bisect_right
from collections.abc import Callable, Iterable
from functools import cache
from typing import NamedTuple

import structlog
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from ..models import CalendarDay, CalendarYear, DayKind

log = structlog.get_logger("tongban.calendar")

ONE_DAY = dt.timedelta(days=1)
STAMP_CHECK_SECONDS = 10.0
_clock = time.monotonic


class Due(NamedTuple):
    """A deadline: the last day within the limit, and whether it rests on a year not yet entered."""

    date: dt.date
    provisional: bool


def _weekdays_through(ordinal: int) -> int:
    """Mondays to Fridays among days 1..ordinal (day 1, 0001-01-01, was a Monday)."""
    return 5 * (ordinal // 7) + min(ordinal % 7, 5)


class WorkingDays:
    """One reading of the calendar: the known years with their holidays and make-up workdays. Pure, so the
    rules are testable without a database; a batch (a deadline sweep) may take one and count with it."""

    def __init__(self, known_years: Iterable[int] = (), days: Iterable[tuple[dt.date, str]] = ()):
        self.known_years = frozenset(known_years)
        known = [(day, kind) for day, kind in days if day.year in self.known_years]
        self.holidays = frozenset(day for day, kind in known if kind == DayKind.HOLIDAY)
        self.workdays = frozenset(day for day, kind in known if kind == DayKind.WORKDAY)
        # What departs from "Monday to Friday", as sorted ordinals, so a span is counted by two bisections.
        self._off = sorted(day.toordinal() for day in self.holidays if day.weekday() < 5)
        self._on = sorted(day.toordinal() for day in self.workdays if day.weekday() >= 5)

    def is_known_year(self, year: int) -> bool:
        return year in self.known_years

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.between(end, start)
        a, b = start.toordinal(), end.toordinal()
        off = bisect_right(self._off, b) - bisect_right(self._off, a)
        on = bisect_right(self._on, b) - bisect_right(self._on, a)
        return _weekdays_through(b) - _weekdays_through(a) - off + on

    def add(self, start: dt.date, days: int) -> Due:
        """The `days`-th working day after start (start itself for 0)."""
        if days < 0:
            raise ValueError(f"a period of working days cannot be negative: {days}")
        day = start
        for _ in range(days):
            day += ONE_DAY
            while not self.is_working_day(day):
                day += ONE_DAY
        return Due(day, self.spans_unknown_year(start, day))

    def spans_unknown_year(self, start: dt.date, end: dt.date) -> bool:
        """Whether a day in (start, end] lies in a year that is not known."""
        first, last = (start + ONE_DAY).year, end.year
        return any(year not in self.known_years for year in range(first, last + 1))


# --- The per-process snapshot ------------------------------------------------------------------------


class _Cached(NamedTuple):
    days: WorkingDays
    stamp: tuple
    checked_at: float


_cached: _Cached | None = None
_uncommitted = False  # a calendar row was written in a transaction that may not have ended yet


def _read_stamp() -> tuple:
    years = CalendarYear.objects.aggregate(n=Count("pk"), at=Max("changed_at"))
    days = CalendarDay.objects.aggregate(n=Count("pk"), at=Max("changed_at"))
    return (years["n"], years["at"], days["n"], days["at"])


def _load() -> tuple[WorkingDays, tuple]:
    years = list(CalendarYear.objects.values_list("year", "complete", "changed_at"))
    days = list(CalendarDay.objects.values_list("date", "kind", "changed_at"))
    stamp = (
        len(years),
        max((at for *_, at in years), default=None),
        len(days),
        max((at for *_, at in days), default=None),
    )
    known = [year for year, complete, _ in years if complete]
    return WorkingDays(known, [(day, kind) for day, kind, _ in days]), stamp


def calendar_snapshot() -> WorkingDays:
    """The calendar as the tables hold it now (another process's change shows within STAMP_CHECK_SECONDS)."""
    global _cached, _uncommitted
    if _uncommitted:
        if transaction.get_connection().in_atomic_block:
            return _load()[0]
        _uncommitted, _cached = False, None  # that transaction has ended, committed or rolled back
    cached, now = _cached, _clock()
    if cached is not None and now - cached.checked_at < STAMP_CHECK_SECONDS:
        return cached.days
    if cached is not None and _read_stamp() == cached.stamp:
        _cached = cached._replace(checked_at=now)
        return cached.days
    days, stamp = _load()
    _cached = _Cached(days, stamp, now)
    return days


def calendar_changed(*, using: str = "default") -> None:
    """A calendar row was written (called by the models' signals): forget the snapshot."""
    global _cached, _uncommitted
    _cached = None
    if transaction.get_connection(using).in_atomic_block:
        _uncommitted = True


def calendar_cache_clear() -> None:
    """Forget the snapshot and any pending change (tests; a fresh start)."""
    global _cached, _uncommitted
    _cached, _uncommitted = None, False


# --- The rules ---------------------------------------------------------------------------------------


def _date(day: dt.date) -> dt.date:
    if isinstance(day, dt.datetime):
        raise TypeError("pass a date: a datetime's day depends on its time zone (use timezone.localdate)")
    return day


def is_known_year(year: int) -> bool:
    """Whether the year's holidays have been entered completely (otherwise: weekends only, provisional)."""
    return calendar_snapshot().is_known_year(year)


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday except holidays, plus make-up workdays; in an unknown year, Monday to Friday."""
    return calendar_snapshot().is_working_day(_date(day))


def add_working_days(start: dt.date, days: int) -> Due:
    """The deadline of a period of `days` working days starting on `start` (not counted; see above).
    Provisional when a day counted or passed over lies in a year that is not known."""
    return calendar_snapshot().add(_date(start), days)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]: how far the clock ran from start to end (for a pause, how long it
    stood still). 0 for the same day, negative when end is before start; the inverse of add_working_days."""
    return calendar_snapshot().between(_date(start), _date(end))


@cache
def _cutoff(text: str) -> dt.time:
    try:
        return dt.time.fromisoformat(text)
    except ValueError:
        raise ImproperlyConfigured(
            f"TONGBAN_SAME_DAY_CUTOFF 应为 HH:MM 格式的时间（如 16:00），现为 {text!r}。"
        ) from None


def same_day_due(received_at: dt.datetime) -> dt.date:
    """即办件: due the day it is received when that is a working day and it arrives before
    settings.SAME_DAY_CUTOFF in local time (settings.TIME_ZONE, Asia/Shanghai); otherwise — at or after the
    cut-off, or on a day off — the next working day. Provisional when not is_known_year(result.year)."""
    if timezone.is_naive(received_at):
        raise ValueError("received_at must be timezone-aware")
    local = timezone.localtime(received_at, timezone.get_default_timezone())
    days = calendar_snapshot()
    if local.time() < _cutoff(settings.SAME_DAY_CUTOFF) and days.is_working_day(local.date()):
        return local.date()
    return days.add(local.date(), 1).date


# --- When a year is entered --------------------------------------------------------------------------

YearCallback = Callable[[int], None]
_year_callbacks: list[YearCallback] = []


def on_year_entered(callback: YearCallback) -> YearCallback:
    """Have `callback(year)` called after commit whenever a year's holidays become known (an administrator
    marks it complete, or `tongban calendar import` adds it) or a known year's days are corrected: the
    moment to recompute the provisional deadlines that ran into it. A plain registry, no Django signals:
    register once, from an AppConfig.ready(); registering the same callable again does nothing.

    Callbacks run in the order registered, in the process that made the change, after the snapshot has
    been dropped; they should be quick (enqueue a task). One that raises is logged and the others still
    run. Usable as a decorator."""
    if callback not in _year_callbacks:
        _year_callbacks.append(callback)
    return callback


def year_entered(year: int) -> None:
    """Run the callbacks for a year (the calendar's services call this after commit)."""
    global _cached
    _cached = None
    for callback in list(_year_callbacks):
        try:
            callback(year)
        except Exception:
            log.exception(
                "calendar_year_callback_failed", year=year, callback=getattr(callback, "__qualname__", "")
            )
