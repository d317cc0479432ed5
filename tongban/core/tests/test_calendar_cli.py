"""`tongban calendar status` and `tongban calendar import`: what the table holds, and the years a newer
chinese-calendar package brings, added complete, audited, with the callbacks run after commit."""

import datetime as dt

import pytest
from chinese_calendar import constants

from tongban.cli import main
from tongban.core import calendar
from tongban.core.calendar import Due, add_working_days
from tongban.core.calendar.services import package_calendar
from tongban.core.models import AuditEntry, CalendarDay, CalendarSource, CalendarYear, DayKind

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture(autouse=True)
def fresh_calendar(monkeypatch):
    calendar.calendar_cache_clear()
    monkeypatch.setattr(calendar, "_year_callbacks", [])
    yield
    calendar.calendar_cache_clear()


def test_status_lists_every_year_and_says_where_the_calendar_ends(capsys):
    assert main(["calendar", "status"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "2026年  已完整录入  法定节假日 33 天  调休上班 6 天  chinese-calendar 软件包"
    assert len(lines) == 24
    assert lines[-1] == "2027 年起尚未录入：期限按周末计算，并标为暂定。"


def test_import_with_the_installed_package_finds_nothing_new(capsys):
    before = CalendarDay.objects.count()

    assert main(["calendar", "import"]) == 0

    version = package_calendar()[0]
    assert (
        capsys.readouterr().out
        == f"没有新的年份：chinese-calendar {version} 覆盖 2004–2026 年，均已在工作日历中。\n"
    )
    assert CalendarDay.objects.count() == before


def test_import_adds_the_years_a_newer_package_brings(
    capsys, monkeypatch, django_capture_on_commit_callbacks
):
    # A newer package with 2027 (made up: 元旦 on Friday to Sunday, Sunday 01-31 worked).
    new_year = {D(2027, 1, day): "New Year's Day" for day in (1, 2, 3)}
    monkeypatch.setattr(constants, "holidays", {**constants.holidays, **new_year})
    monkeypatch.setattr(constants, "workdays", {**constants.workdays, D(2027, 1, 31): "Spring Festival"})
    entered: list[int] = []
    calendar.on_year_entered(entered.append)
    assert add_working_days(D(2026, 12, 31), 1) == Due(D(2027, 1, 1), provisional=True)

    with django_capture_on_commit_callbacks(execute=True):
        assert main(["calendar", "import"]) == 0

    assert capsys.readouterr().out == "已导入 2027 年（法定节假日 3 天，调休上班 1 天）。\n"
    year = CalendarYear.objects.get(year=2027)
    assert (year.complete, year.source) == (True, CalendarSource.PACKAGE)
    assert list(year.days.values_list("date", "kind", "name")) == [
        (D(2027, 1, 1), DayKind.HOLIDAY, "元旦"),
        (D(2027, 1, 2), DayKind.HOLIDAY, "元旦"),
        (D(2027, 1, 3), DayKind.HOLIDAY, "元旦"),
        (D(2027, 1, 31), DayKind.WORKDAY, "春节"),
    ]
    assert add_working_days(D(2026, 12, 31), 1) == Due(D(2027, 1, 4), provisional=False)
    assert entered == [2027]
    entry = AuditEntry.objects.get(action="calendar.year_entered")
    assert (entry.channel, entry.object_label, entry.detail["holidays"]) == ("cli", "2027年", 3)
    assert entry.actor_label.startswith("命令行（")


def test_import_leaves_a_year_an_administrator_is_entering_alone(capsys, monkeypatch):
    monkeypatch.setattr(constants, "holidays", {**constants.holidays, D(2027, 1, 1): "New Year's Day"})
    CalendarYear.objects.create(year=2027)

    assert main(["calendar", "import"]) == 0

    assert capsys.readouterr().out == "2027 年正由管理员录入，未改动：请在管理后台核对后勾选“已完整录入”。\n"
    assert not CalendarYear.objects.get(year=2027).complete
    assert not CalendarDay.objects.filter(year__year=2027).exists()
