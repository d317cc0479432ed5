"""Entering a year in the back office: a platform administrator enters 2027's holidays and make-up workdays
and marks the year complete; deadlines into 2027 stop being provisional, the registered callbacks run after
commit, and the audit log says who did it. Bad entries are refused in Chinese and change nothing; other
staff do not reach the calendar."""

import datetime as dt

import pytest
from django.urls import reverse

from tongban.core import calendar
from tongban.core.calendar import Due, add_working_days, is_known_year
from tongban.core.models import AuditEntry, CalendarDay, CalendarSource, CalendarYear, DayKind
from tongban.identity.choices import Role
from tongban.identity.services.staff import staff_access_sync
from tongban.identity.tests.factories import StaffRoleFactory

pytestmark = pytest.mark.django_db

D = dt.date
ADD = reverse("admin:core_calendaryear_add")
# A made-up schedule for 2027 (the State Council has not published one): 元旦 on Friday to Sunday, and a
# 春节 from Friday 02-05 to Saturday 02-13 with Sunday 01-31 and Saturday 02-20 worked.
SCHEDULE_2027 = [
    ("2027-01-01", "holiday", "元旦"),
    ("2027-01-02", "holiday", "元旦"),
    ("2027-01-03", "holiday", "元旦"),
    ("2027-01-31", "workday", "春节"),
    *[(f"2027-02-{day:02}", "holiday", "春节") for day in range(5, 14)],
    ("2027-02-20", "workday", "春节"),
]


@pytest.fixture(autouse=True)
def fresh_calendar(monkeypatch):
    calendar.calendar_cache_clear()
    monkeypatch.setattr(calendar, "_year_callbacks", [])
    yield
    calendar.calendar_cache_clear()


@pytest.fixture
def entered_years() -> list[int]:
    years: list[int] = []
    calendar.on_year_entered(years.append)
    return years


def login(client, role: str = Role.PLATFORM_ADMIN):
    staff_role = StaffRoleFactory(role=role, user__display_name="管理员张三")
    staff_access_sync(staff_role.user)
    client.force_login(staff_role.user)
    return staff_role.user


@pytest.fixture
def admin_client(client):
    login(client)
    return client


def year_form(year: int | str, days, *, complete: bool, notice: str = "", existing=()) -> dict:
    """The year page's POST: the year, then its days inline (existing rows first, with their ids)."""
    data = {"year": year, "notice": notice, "days-INITIAL_FORMS": len(existing), "days-MIN_NUM_FORMS": 0}
    if complete:
        data["complete"] = "on"
    rows = [(day.pk, f"{day.date:%Y-%m-%d}", day.kind, day.name) for day in existing]
    rows += [("", *day) for day in days]
    for index, (pk, date, kind, name) in enumerate(rows):
        data |= {f"days-{index}-id": pk or "", f"days-{index}-date": date, f"days-{index}-kind": kind}
        data[f"days-{index}-name"] = name
    data["days-TOTAL_FORMS"] = len(rows)
    return data


def calendar_state() -> list[tuple]:
    years = list(CalendarYear.objects.order_by("year").values_list("year", "complete", "changed_at"))
    days = list(CalendarDay.objects.order_by("date").values_list("date", "kind", "name", "changed_at"))
    return years + days


def test_a_platform_admin_enters_2027_and_deadlines_into_it_are_no_longer_provisional(
    admin_client, entered_years, django_capture_on_commit_callbacks
):
    assert add_working_days(D(2026, 12, 30), 3) == Due(D(2027, 1, 4), provisional=True)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            ADD,
            year_form(
                2027, SCHEDULE_2027, complete=True, notice="国务院办公厅关于2027年部分节假日安排的通知"
            ),
        )

    assert response.status_code == 302
    year = CalendarYear.objects.get(year=2027)
    assert (year.complete, year.source, year.entered_by_label) == (True, CalendarSource.ADMIN, "管理员张三")
    assert year.days.filter(kind=DayKind.HOLIDAY).count() == 12
    assert list(year.days.filter(kind=DayKind.WORKDAY).values_list("date", flat=True)) == [
        D(2027, 1, 31),
        D(2027, 2, 20),
    ]
    # 12-31, then 01-01..01-03 off, 01-04, 01-05.
    assert add_working_days(D(2026, 12, 30), 3) == Due(D(2027, 1, 5), provisional=False)
    assert add_working_days(D(2027, 2, 4), 1) == Due(D(2027, 2, 15), provisional=False)
    assert is_known_year(2027)
    assert entered_years == [2027]
    entry = AuditEntry.objects.get(action="calendar.year_entered")
    assert (entry.actor_label, entry.channel, entry.object_id) == ("管理员张三", "admin", str(year.pk))
    assert entry.detail["year"] == 2027
    assert (entry.detail["holidays"], entry.detail["workdays"]) == (12, 2)
    assert entry.detail["added"][0] == "2027-01-01 法定节假日 元旦"


def test_the_year_pages_open_empty_for_a_new_year_and_with_every_day_for_a_known_one(admin_client):
    year = CalendarYear.objects.get(year=2026)

    new = admin_client.get(ADD)
    known = admin_client.get(reverse("admin:core_calendaryear_change", args=[year.pk]))

    assert (new.status_code, known.status_code) == (200, 200)
    assert new.context["inline_admin_formsets"][0].formset.total_form_count() == 12
    assert known.context["inline_admin_formsets"][0].formset.total_form_count() == 39
    assert "2026-10-10" in known.content.decode()


def test_a_year_saved_in_progress_stays_unknown_and_calls_nobody(
    admin_client, entered_years, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(ADD, year_form(2027, SCHEDULE_2027[:3], complete=False))

    assert response.status_code == 302
    assert not is_known_year(2027)
    assert add_working_days(D(2026, 12, 30), 3) == Due(D(2027, 1, 4), provisional=True)
    assert entered_years == []
    assert AuditEntry.objects.filter(action="calendar.year_changed").count() == 1


def test_completing_a_year_entered_earlier_fires_the_callbacks(
    admin_client, entered_years, django_capture_on_commit_callbacks
):
    admin_client.post(ADD, year_form(2027, SCHEDULE_2027, complete=False))
    year = CalendarYear.objects.get(year=2027)
    change = reverse("admin:core_calendaryear_change", args=[year.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(change, year_form(2027, [], complete=True, existing=year.days.all()))

    assert response.status_code == 302
    assert is_known_year(2027)
    assert entered_years == [2027]
    assert [e.action for e in AuditEntry.objects.filter(action__startswith="calendar.")] == [
        "calendar.year_changed",
        "calendar.year_entered",
    ]


def test_correcting_a_known_year_is_audited_and_recomputes_its_deadlines(
    admin_client, entered_years, django_capture_on_commit_callbacks
):
    # As in 2020, when the State Council lengthened the Spring Festival: here, one more day off.
    year = CalendarYear.objects.get(year=2026)
    change = reverse("admin:core_calendaryear_change", args=[year.pk])
    extra = [("2026-02-24", "holiday", "春节")]

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(change, year_form(2026, extra, complete=True, existing=year.days.all()))

    assert response.status_code == 302
    assert add_working_days(D(2026, 2, 14), 1) == Due(D(2026, 2, 25), provisional=False)
    assert entered_years == [2026]
    entry = AuditEntry.objects.get(action="calendar.year_changed")
    assert (entry.detail["added"], entry.detail["removed"]) == (["2026-02-24 法定节假日 春节"], [])


def test_saving_a_year_unchanged_records_nothing(
    admin_client, entered_years, django_capture_on_commit_callbacks
):
    year = CalendarYear.objects.get(year=2026)
    change = reverse("admin:core_calendaryear_change", args=[year.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(change, year_form(2026, [], complete=True, existing=year.days.all()))

    assert response.status_code == 302
    assert entered_years == []
    assert not AuditEntry.objects.filter(action__startswith="calendar.").exists()
    assert CalendarYear.objects.get(year=2026).source == CalendarSource.PACKAGE


@pytest.mark.parametrize(
    ("days", "complete", "message"),
    [
        ([("2028-01-01", "holiday", "元旦")], False, "日期 2028-01-01 不在 2027 年内。"),
        (
            [("2027-01-01", "holiday", "元旦"), ("2027-01-04", "workday", "元旦")],
            False,
            "日期 2027-01-04 是星期一，本来就上班：调休上班日应为周六或周日。",
        ),
        (
            [("2027-01-01", "holiday", "元旦"), ("2027-01-01", "holiday", "元旦")],
            False,
            "日期 2027-01-01 重复录入。",
        ),
        ([("2027-01-31", "workday", "春节")], True, "标记为已完整录入时，至少应录入一个法定节假日。"),
    ],
    ids=["outside-the-year", "make-up-on-a-weekday", "duplicate", "complete-without-holidays"],
)
def test_a_wrong_entry_is_refused_in_chinese_and_changes_nothing(admin_client, days, complete, message):
    before = calendar_state()

    response = admin_client.post(ADD, year_form(2027, days, complete=complete))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert calendar_state() == before
    assert not AuditEntry.objects.filter(action__startswith="calendar.").exists()


def test_a_year_outside_the_range_and_a_year_entered_twice_are_refused(admin_client):
    before = calendar_state()

    too_early = admin_client.post(ADD, year_form(1999, [], complete=False))
    twice = admin_client.post(ADD, year_form(2026, [], complete=False))

    assert "年份应在 2000 年到 2999 年之间。" in too_early.content.decode()
    assert "年份" in twice.content.decode() and "已存在" in twice.content.decode()
    assert calendar_state() == before


def test_a_complete_year_cannot_be_marked_incomplete_again(admin_client, entered_years):
    year = CalendarYear.objects.get(year=2026)
    before = calendar_state()

    response = admin_client.post(
        reverse("admin:core_calendaryear_change", args=[year.pk]),
        year_form(2026, [], complete=False, existing=year.days.all()),
    )

    assert "已完整录入的年份不能改回未完成；如有错误，请直接更正日期。" in response.content.decode()
    assert calendar_state() == before
    assert entered_years == []


def test_no_year_is_deleted(admin_client):
    year = CalendarYear.objects.get(year=2026)

    response = admin_client.post(reverse("admin:core_calendaryear_delete", args=[year.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert CalendarYear.objects.filter(year=2026).exists()


@pytest.mark.parametrize("role", [Role.CATALOG_ADMIN, Role.SUPERVISOR, Role.WINDOW_CLERK])
def test_other_staff_do_not_reach_the_calendar_and_change_nothing(client, role):
    login(client, role)
    before = calendar_state()

    pages = [
        client.get(reverse("admin:core_calendaryear_changelist")),
        client.get(ADD),
        client.post(ADD, year_form(2027, SCHEDULE_2027, complete=True)),
    ]

    # Staff with back-office access are refused (403); others are sent to the admin's login page.
    assert {page.status_code for page in pages} <= {302, 403}
    assert all(page.status_code == 403 or "/admin/login/" in page["Location"] for page in pages)
    assert calendar_state() == before
    assert not AuditEntry.objects.filter(action__startswith="calendar.").exists()


def test_the_list_shows_each_year_and_warns_when_next_year_is_not_entered(admin_client, monkeypatch):
    monkeypatch.setattr("tongban.core.admin.timezone.localdate", lambda: D(2026, 11, 27))

    response = admin_client.get(reverse("admin:core_calendaryear_changelist"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "2027 年的放假安排尚未完整录入" in html
    row = response.context["cl"].result_list[0]
    assert (row.year, row.holiday_count, row.workday_count) == (2026, 33, 6)


def test_the_list_does_not_warn_when_next_year_is_known(admin_client, monkeypatch):
    monkeypatch.setattr("tongban.core.admin.timezone.localdate", lambda: D(2025, 11, 27))

    response = admin_client.get(reverse("admin:core_calendaryear_changelist"))

    assert "放假安排尚未完整录入" not in response.content.decode()
