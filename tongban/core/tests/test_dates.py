import datetime as dt

from tongban.core.dates import years_after


def test_years_after_keeps_the_day_and_moves_29_february_to_28():
    assert years_after(dt.date(2026, 3, 2), 5) == dt.date(2031, 3, 2)
    assert years_after(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)
    assert years_after(dt.date(2024, 2, 29), 4) == dt.date(2028, 2, 29)
