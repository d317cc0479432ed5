"""The working-day calendar's rules against the official 2026 schedule (国务院办公厅关于2026年部分节假日安排的
通知), seeded from chinese-calendar: holidays, make-up workdays on Saturdays and Sundays, the counting
convention (the start day is not counted), unknown years counted on weekends alone and provisional, and the
即办件 cut-off in local time."""

import datetime as dt
import importlib
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from tongban.core import calendar
from tongban.core.calendar import (
    Due,
    WorkingDays,
    add_working_days,
    is_known_year,
    is_working_day,
    same_day_due,
    working_days_between,
)
from tongban.core.models import CalendarDay, CalendarSource, CalendarYear, DayKind

pytestmark = pytest.mark.django_db

D = dt.date
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    calendar.calendar_cache_clear()
    yield
    calendar.calendar_cache_clear()


def at(text: str) -> dt.datetime:
    """A moment in Beijing time, e.g. "2026-03-10 15:59:59"."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


# --- The seeded years ----------------------------------------------------------------------------------


def test_the_years_2004_to_2026_are_seeded_complete_from_the_package():
    years = CalendarYear.objects.order_by("year")

    assert [y.year for y in years] == list(range(2004, 2027))
    assert {(y.complete, y.source) for y in years} == {(True, CalendarSource.PACKAGE)}
    assert [is_known_year(year) for year in (2003, 2004, 2026, 2027)] == [False, True, True, False]


def test_2026_is_seeded_as_the_state_council_published_it():
    days = CalendarDay.objects.filter(year__year=2026)
    holidays = days.filter(kind=DayKind.HOLIDAY)
    workdays = {day.date: day.name for day in days.filter(kind=DayKind.WORKDAY)}

    assert holidays.count() == 33  # 3 元旦 + 9 春节 + 3 清明 + 5 劳动 + 3 端午 + 3 中秋 + 7 国庆
    assert workdays == {
        D(2026, 1, 4): "元旦",
        D(2026, 2, 14): "春节",
        D(2026, 2, 28): "春节",
        D(2026, 5, 9): "劳动节",
        D(2026, 9, 20): "国庆节",
        D(2026, 10, 10): "国庆节",
    }
    assert holidays.get(date=D(2026, 4, 6)).name == "清明节"
    assert holidays.get(date=D(2026, 9, 25)).name == "中秋节"
    assert holidays.get(date=D(2026, 10, 7)).name == "国庆节"


def seed_migration():
    return importlib.import_module("tongban.core.migrations.0004_calendar_seed")


def test_seeding_again_adds_and_changes_nothing():
    before = list(CalendarDay.objects.order_by("date").values_list("date", "kind", "name", "changed_at"))

    seed_migration().seed(apps, None)

    assert (
        list(CalendarDay.objects.order_by("date").values_list("date", "kind", "name", "changed_at")) == before
    )
    assert CalendarYear.objects.count() == 23


def test_seeding_with_a_package_lacking_years_writes_nothing_for_them(monkeypatch):
    from chinese_calendar import constants

    CalendarYear.objects.all().delete()
    monkeypatch.setattr(
        constants, "holidays", {d: v for d, v in constants.holidays.items() if d.year == 2025}
    )
    monkeypatch.setattr(
        constants, "workdays", {d: v for d, v in constants.workdays.items() if d.year >= 2025}
    )

    seed_migration().seed(apps, None)

    # 2026's make-up days alone are no schedule: 2026 stays unknown rather than half known.
    assert list(CalendarYear.objects.values_list("year", flat=True)) == [2025]


# --- Counting against the 2026 schedule -----------------------------------------------------------------


def test_twenty_working_days_from_mid_autumn_2026_end_on_october_29():
    # 9-28..30 (3), 10-8, 10-9, Saturday 10-10 worked (6), 10-12..16 (11), 10-19..23 (16), 10-26..29 (20).
    assert add_working_days(D(2026, 9, 25), 20) == Due(D(2026, 10, 29), provisional=False)
    assert working_days_between(D(2026, 9, 25), D(2026, 10, 29)) == 20


def test_the_spring_festival_2026_stops_the_clock_for_nine_days_and_two_saturdays_run_it():
    assert add_working_days(D(2026, 2, 12), 1).date == D(2026, 2, 13)
    assert add_working_days(D(2026, 2, 13), 1).date == D(2026, 2, 14)  # Saturday, worked
    assert add_working_days(D(2026, 2, 14), 1).date == D(2026, 2, 24)  # 2-15 (Sunday) to 2-23 off
    assert add_working_days(D(2026, 2, 12), 5).date == D(2026, 2, 26)
    assert add_working_days(D(2026, 2, 26), 2).date == D(2026, 2, 28)  # Saturday, worked
    assert working_days_between(D(2026, 2, 13), D(2026, 3, 2)) == 7  # 2-14, 2-24..27, 2-28, 3-2


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 1, 1), False),  # 元旦, Thursday
        (D(2026, 1, 2), False),  # Friday off in lieu
        (D(2026, 1, 3), False),  # Saturday
        (D(2026, 1, 4), True),  # Sunday worked for 元旦
        (D(2026, 2, 14), True),  # Saturday worked for 春节
        (D(2026, 2, 23), False),  # Monday, last day of 春节
        (D(2026, 2, 28), True),  # Saturday worked for 春节
        (D(2026, 4, 6), False),  # Monday, 清明节
        (D(2026, 5, 5), False),  # Tuesday, 劳动节
        (D(2026, 5, 9), True),  # Saturday worked for 劳动节
        (D(2026, 6, 19), False),  # Friday, 端午节
        (D(2026, 9, 20), True),  # Sunday worked for 国庆节
        (D(2026, 9, 25), False),  # Friday, 中秋节
        (D(2026, 10, 7), False),  # Wednesday, 国庆节
        (D(2026, 10, 10), True),  # Saturday worked for 国庆节
        (D(2026, 10, 11), False),  # an ordinary Sunday
        (D(2026, 3, 7), False),  # an ordinary Saturday
        (D(2026, 3, 9), True),  # an ordinary Monday
    ],
)
def test_working_days_of_2026(day, working):
    assert is_working_day(day) is working


def test_the_make_up_sunday_before_national_day_counts():
    # Friday 9-18 + 1 → Sunday 9-20 (worked), not Monday 9-21.
    assert add_working_days(D(2026, 9, 18), 1).date == D(2026, 9, 20)
    assert add_working_days(D(2026, 9, 30), 1).date == D(2026, 10, 8)


def test_labour_day_2026():
    assert add_working_days(D(2026, 4, 30), 1).date == D(2026, 5, 6)
    assert add_working_days(D(2026, 5, 8), 1).date == D(2026, 5, 9)
    assert working_days_between(D(2026, 4, 30), D(2026, 5, 11)) == 5  # 5-6, 5-7, 5-8, 5-9, 5-11


def test_no_days_is_the_start_day_itself_and_a_negative_period_is_refused():
    assert add_working_days(D(2026, 10, 3), 0) == Due(D(2026, 10, 3), provisional=False)
    with pytest.raises(ValueError):
        add_working_days(D(2026, 10, 3), -1)


def test_working_days_between_is_signed_and_the_inverse_of_add_working_days():
    start = D(2025, 12, 1)
    for offset in range(0, 400, 3):
        day = start + dt.timedelta(days=offset)
        for days in (0, 1, 5, 20, 60):
            due = add_working_days(day, days).date
            assert working_days_between(day, due) == days, (day, days)
            assert working_days_between(due, day) == -days
    assert working_days_between(D(2026, 10, 1), D(2026, 10, 7)) == 0  # the clock stands still all week


def test_working_days_between_counts_what_a_walk_over_the_days_counts():
    snapshot = calendar.calendar_snapshot()
    for offset in range(0, 3 * 365, 7):
        start = D(2024, 12, 1) + dt.timedelta(days=offset)  # across 2025, 2026 and unknown 2027
        for length in (0, 1, 6, 13, 45):
            end = start + dt.timedelta(days=length)
            walked = sum(snapshot.is_working_day(start + dt.timedelta(days=n)) for n in range(1, length + 1))
            assert snapshot.between(start, end) == walked, (start, end)


def test_a_datetime_is_refused_where_a_day_is_meant():
    with pytest.raises(TypeError):
        is_working_day(dt.datetime(2026, 10, 8, 9, 0, tzinfo=SHANGHAI))


# --- Unknown years ---------------------------------------------------------------------------------------


def test_a_deadline_into_2027_is_counted_on_weekends_alone_and_provisional():
    # 12-31 (Thursday), then 2027-01-01 (a Friday: 元旦 in fact, but 2027 is not entered yet), 01-04.
    assert add_working_days(D(2026, 12, 30), 3) == Due(D(2027, 1, 4), provisional=True)
    assert add_working_days(D(2026, 12, 30), 1) == Due(D(2026, 12, 31), provisional=False)
    assert is_working_day(D(2027, 1, 1)) is True


@pytest.mark.parametrize("year", [1999, 2027, 2100])
def test_unknown_years_never_raise(year):
    start = D(year, 9, 30)

    due = add_working_days(start, 20)

    assert due.provisional is True
    assert working_days_between(start, due.date) == 20
    assert is_working_day(D(year, 10, 1)) is (D(year, 10, 1).weekday() < 5)
    next_weekday = next(D(year, 10, n) for n in range(1, 4) if D(year, 10, n).weekday() < 5)
    assert same_day_due(at(f"{year}-10-01 10:00")) == next_weekday


def test_a_year_being_entered_counts_as_unknown_until_it_is_complete():
    year = CalendarYear.objects.create(year=2027)
    CalendarDay.objects.create(year=year, date=D(2027, 1, 1), kind=DayKind.HOLIDAY, name="元旦")

    assert is_working_day(D(2027, 1, 1)) is True
    assert add_working_days(D(2026, 12, 31), 1) == Due(D(2027, 1, 1), provisional=True)

    year.complete = True
    year.save()

    assert is_working_day(D(2027, 1, 1)) is False
    assert add_working_days(D(2026, 12, 31), 1) == Due(D(2027, 1, 4), provisional=False)


def test_a_snapshot_counts_without_a_database():
    days = WorkingDays(
        known_years=[2030],
        days=[
            (D(2030, 1, 1), DayKind.HOLIDAY),
            (D(2030, 1, 5), DayKind.WORKDAY),
            (D(2031, 1, 1), DayKind.HOLIDAY),
        ],
    )

    assert days.add(D(2029, 12, 31), 1) == Due(D(2030, 1, 2), provisional=False)
    assert days.add(D(2030, 1, 4), 1) == Due(D(2030, 1, 5), provisional=False)  # Saturday worked
    assert days.is_working_day(D(2031, 1, 1)) is True  # 2031 is not known: its holiday is not used
    assert days.add(D(2030, 12, 31), 1) == Due(D(2031, 1, 1), provisional=True)


# --- 即办件: the same working day, or the next one after the cut-off ---------------------------------------


@pytest.mark.parametrize(
    ("received", "due"),
    [
        ("2026-03-10 09:00", D(2026, 3, 10)),  # Tuesday morning
        ("2026-03-10 15:59:59", D(2026, 3, 10)),
        ("2026-03-10 16:00", D(2026, 3, 11)),  # at the cut-off: next working day
        ("2026-03-10 23:59", D(2026, 3, 11)),
        ("2026-03-13 16:30", D(2026, 3, 16)),  # Friday after the cut-off: Monday
        ("2026-03-14 10:00", D(2026, 3, 16)),  # an ordinary Saturday
        ("2026-10-10 10:00", D(2026, 10, 10)),  # the make-up Saturday is a working day
        ("2026-10-10 16:05", D(2026, 10, 12)),
        ("2026-09-30 16:30", D(2026, 10, 8)),  # before 国庆节
        ("2026-10-03 10:00", D(2026, 10, 8)),  # during it
        ("2026-12-31 17:00", D(2027, 1, 1)),  # into 2027, not entered: provisional
    ],
)
def test_same_day_due(received, due):
    assert same_day_due(at(received)) == due


def test_the_cut_off_is_read_in_beijing_time_whatever_the_time_zone_given():
    utc = dt.UTC

    assert same_day_due(dt.datetime(2026, 3, 10, 7, 59, tzinfo=utc)) == D(2026, 3, 10)  # 15:59 in Beijing
    assert same_day_due(dt.datetime(2026, 3, 10, 8, 0, tzinfo=utc)) == D(2026, 3, 11)  # 16:00
    assert same_day_due(dt.datetime(2026, 3, 9, 17, 0, tzinfo=utc)) == D(2026, 3, 10)  # 01:00 the next day


def test_the_cut_off_comes_from_the_settings(settings):
    settings.SAME_DAY_CUTOFF = "17:30"

    assert same_day_due(at("2026-03-10 17:29")) == D(2026, 3, 10)
    assert same_day_due(at("2026-03-10 17:30")) == D(2026, 3, 11)


def test_a_malformed_cut_off_and_a_naive_time_are_refused(settings):
    settings.SAME_DAY_CUTOFF = "4pm"
    with pytest.raises(ImproperlyConfigured, match="TONGBAN_SAME_DAY_CUTOFF"):
        same_day_due(at("2026-03-10 09:00"))

    settings.SAME_DAY_CUTOFF = "16:00"
    with pytest.raises(ValueError):
        same_day_due(dt.datetime(2026, 3, 10, 9, 0))


# --- The per-process snapshot ---------------------------------------------------------------------------


def test_the_snapshot_is_read_once_then_counting_asks_the_database_nothing(django_assert_num_queries):
    with django_assert_num_queries(2):
        is_working_day(D(2026, 10, 8))
    with django_assert_num_queries(0):
        add_working_days(D(2026, 9, 25), 20)
        working_days_between(D(2026, 1, 1), D(2026, 12, 31))
        same_day_due(at("2026-10-10 10:00"))


def test_a_day_written_in_this_process_counts_at_once():
    assert is_working_day(D(2026, 3, 10)) is True
    year = CalendarYear.objects.get(year=2026)

    day = CalendarDay.objects.create(year=year, date=D(2026, 3, 10), kind=DayKind.HOLIDAY, name="测试假日")
    assert is_working_day(D(2026, 3, 10)) is False

    day.delete()
    assert is_working_day(D(2026, 3, 10)) is True


def test_a_change_made_by_another_process_shows_after_the_stamp_check(monkeypatch, django_assert_num_queries):
    clock = [1000.0]
    monkeypatch.setattr(calendar, "_clock", lambda: clock[0])
    calendar.calendar_cache_clear()
    assert is_working_day(D(2026, 3, 10)) is True
    # Another process writes; bulk_create sends no signal, as if it happened elsewhere.
    year = CalendarYear.objects.get(year=2026)
    CalendarDay.objects.bulk_create(
        [CalendarDay(year=year, date=D(2026, 3, 10), kind=DayKind.HOLIDAY, name="假")]
    )

    assert is_working_day(D(2026, 3, 10)) is True  # still the snapshot
    clock[0] += calendar.STAMP_CHECK_SECONDS
    assert is_working_day(D(2026, 3, 10)) is False
    clock[0] += calendar.STAMP_CHECK_SECONDS
    with django_assert_num_queries(2):  # the stamp only: nothing changed, nothing reloaded
        assert is_working_day(D(2026, 3, 10)) is False


def test_a_rolled_back_change_is_not_remembered():
    from django.db import transaction

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        CalendarYear.objects.create(year=2027, complete=True)
        CalendarDay.objects.create(
            year=CalendarYear.objects.get(year=2027), date=D(2027, 1, 1), kind=DayKind.HOLIDAY, name="元旦"
        )
        assert is_working_day(D(2027, 1, 1)) is False
        raise Abort

    assert is_working_day(D(2027, 1, 1)) is True
    assert is_known_year(2027) is False


# --- The registry of callbacks --------------------------------------------------------------------------


def test_callbacks_run_in_order_once_each_and_one_failing_does_not_stop_the_others(monkeypatch):
    monkeypatch.setattr(calendar, "_year_callbacks", [])
    calls = []

    def failing(year):
        calls.append(("failing", year))
        raise RuntimeError("boom")

    def recompute(year):
        calls.append(("recompute", year))

    calendar.on_year_entered(failing)
    calendar.on_year_entered(recompute)
    calendar.on_year_entered(recompute)

    calendar.year_entered(2027)

    assert calls == [("failing", 2027), ("recompute", 2027)]
