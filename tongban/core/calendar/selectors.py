"""Reading the calendar's years for people (the admin list, `tongban calendar status`)."""

from django.db.models import Count, Q, QuerySet

from ..models import CalendarYear, DayKind


def calendar_years() -> QuerySet[CalendarYear]:
    """Every year, newest first, with `holiday_count` and `workday_count` (make-up workdays)."""
    return CalendarYear.objects.annotate(
        holiday_count=Count("days", filter=Q(days__kind=DayKind.HOLIDAY)),
        workday_count=Count("days", filter=Q(days__kind=DayKind.WORKDAY)),
    ).order_by("-year")
