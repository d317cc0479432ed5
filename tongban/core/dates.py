"""Calendar arithmetic the standard library leaves out."""

from datetime import date


def years_after(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February in a year without it (a validity of
    one year from 2024-02-29 ends on 2025-02-28, never a crash)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
