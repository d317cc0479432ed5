"""Seed the working-day calendar from the chinese-calendar package (2004–2026 in version 1.11).

Only the years the installed package has data for are written, each complete, with its holidays and
make-up workdays and their names; a year already in the table is left as it is (run again, it adds
nothing). Without the package, or for years it lacks, nothing is written and nothing fails: those years
are counted on weekends alone until an administrator enters them. Self-contained on purpose (a migration
is history); `tongban calendar import` does the same for a newer package later.
"""

from collections import defaultdict

from django.db import migrations
from django.utils import timezone

# The package's short Chinese names, as the State Council's notices spell them.
OFFICIAL_NAMES = {"清明": "清明节", "端午": "端午节", "中秋": "中秋节"}


def holiday_name(value: str) -> str:
    from chinese_calendar import Holiday

    try:
        chinese = Holiday(value).chinese
    except ValueError:  # a name a later version adds without its Chinese form
        return value[:60]
    return OFFICIAL_NAMES.get(chinese, chinese)


def seed(apps, schema_editor):
    try:
        import chinese_calendar
        from chinese_calendar import constants
    except ImportError:
        return
    CalendarYear = apps.get_model("core", "CalendarYear")
    CalendarDay = apps.get_model("core", "CalendarDay")
    by_year = defaultdict(list)
    for kind, table in (("holiday", constants.holidays), ("workday", constants.workdays)):
        for day, value in table.items():
            by_year[day.year].append((day, kind, holiday_name(value)))
    existing = set(CalendarYear.objects.values_list("year", flat=True))
    label = f"chinese-calendar {chinese_calendar.__version__}"
    for year in sorted(set(by_year) - existing):
        if not any(kind == "holiday" for _, kind, _ in by_year[year]):
            continue  # make-up days alone are not a year's schedule
        row = CalendarYear.objects.create(
            year=year, complete=True, source="chinese-calendar", entered_at=timezone.now(), entered_by_label=label
        )
        CalendarDay.objects.bulk_create(
            CalendarDay(year=row, date=day, kind=kind, name=name) for day, kind, name in sorted(by_year[year])
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0003_calendar")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
