"""Deadlines and lights against the official 2026 schedule (seeded from chinese-calendar): the counting
convention, pauses (行政许可法 §45) over holidays and still open, 即办件 and the cut-off, deemed acceptance
(§32(四)), the yellow and red thresholds exactly at their edges, and limits running into 2027."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tongban.cases.deadlines import (
    PROVISIONAL_NOTE,
    CaseLimits,
    Clock,
    LightColour,
    LightDates,
    Pause,
    Thresholds,
    case_limits,
    due_date,
    immediate_clock,
    light,
    light_dates,
    notice_period_end,
    notice_period_over,
    pause_days,
    working_days_left,
)
from tongban.catalog.choices import CaseType
from tongban.core.calendar import Due, WorkingDays

pytestmark = pytest.mark.django_db

D = dt.date
SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULT = Thresholds()


def at(text: str) -> dt.datetime:
    """A moment in Beijing time, e.g. "2026-11-27 15:59:59"."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


# A limit of 20 working days accepted on 中秋节 2026 (Friday 09-25): due Thursday 10-29.
MID_AUTUMN_20 = Clock(started_on=D(2026, 9, 25), limit_days=20)


# --- Due dates ---------------------------------------------------------------------------------------


def test_twenty_working_days_from_mid_autumn_2026_end_on_october_29():
    assert due_date(MID_AUTUMN_20) == Due(D(2026, 10, 29), False)


def test_a_make_up_saturday_counts_as_a_working_day():
    # Friday 2026-10-09 + 1: Saturday 10-10 is worked in lieu of 国庆节.
    assert due_date(Clock(D(2026, 10, 9), 1)) == Due(D(2026, 10, 10), False)


def test_the_spring_festival_2026_does_not_count_but_its_make_up_saturday_does():
    # Friday 02-13 + 3: Saturday 02-14 (worked), 02-15..02-23 off, Tuesday 02-24, Wednesday 02-25.
    assert due_date(Clock(D(2026, 2, 13), 3)) == Due(D(2026, 2, 25), False)


def test_a_clock_not_started_has_no_due_date_days_left_or_light():
    clock = Clock(started_on=None, limit_days=20)

    assert due_date(clock) is None
    assert working_days_left(clock, D(2026, 10, 1)) is None
    assert light(clock, D(2026, 10, 1), DEFAULT) is None


# --- Pauses ------------------------------------------------------------------------------------------

# Accepted Monday 2026-09-21 with 10 working days: due Monday 10-12 without pauses.
SEPT_21_10 = Clock(D(2026, 9, 21), 10)


def test_a_pause_over_the_national_day_holidays_moves_the_due_date_by_its_working_days_only():
    # Paused Thursday 09-24, resumed Friday 10-09: (09-24, 10-09] holds 09-28, 09-29, 09-30, 10-08, 10-09.
    clock = Clock(D(2026, 9, 21), 10, (Pause(D(2026, 9, 24), D(2026, 10, 9)),))

    assert due_date(SEPT_21_10) == Due(D(2026, 10, 12), False)
    assert due_date(clock) == Due(D(2026, 10, 19), False)


def test_a_pause_begun_and_ended_the_same_day_takes_nothing():
    clock = Clock(D(2026, 9, 21), 10, (Pause(D(2026, 9, 22), D(2026, 9, 22)),))

    assert due_date(clock) == Due(D(2026, 10, 12), False)


def test_two_pauses_back_to_back_take_the_working_days_of_both():
    # (09-21, 09-23] = 2 days, (09-23, 09-28] = 09-24 and 09-28 = 2 days: 4 days after 10-12.
    pauses = (Pause(D(2026, 9, 21), D(2026, 9, 23)), Pause(D(2026, 9, 23), D(2026, 9, 28), what="挂起"))

    assert due_date(Clock(D(2026, 9, 21), 10, pauses)) == Due(D(2026, 10, 16), False)


def test_a_pause_begun_on_or_after_the_due_date_gives_no_time_back():
    late = Clock(D(2026, 9, 21), 10, (Pause(D(2026, 10, 12), D(2026, 10, 20)),))

    assert due_date(late) == Due(D(2026, 10, 12), False)
    assert working_days_left(late, D(2026, 10, 21)) == -7


def test_an_open_pause_is_assumed_to_take_its_expected_days_or_as_long_as_it_has_lasted():
    clock = Clock(D(2026, 9, 21), 10, (Pause(D(2026, 9, 24), None, expected_days=5),))

    assert clock.is_paused
    assert due_date(clock) == Due(D(2026, 10, 19), False)
    assert due_date(clock, today=D(2026, 9, 25)) == Due(D(2026, 10, 19), False)
    # By 10-20 it has taken 13 working days, more than the 5 expected.
    assert due_date(clock, today=D(2026, 10, 20)) == Due(D(2026, 10, 29), False)


def test_while_paused_the_days_left_and_the_light_stand_where_they_stood_when_the_pause_began():
    clock = Clock(D(2026, 9, 21), 10, (Pause(D(2026, 9, 24), None, expected_days=5),))

    for today in (D(2026, 9, 24), D(2026, 10, 12), D(2026, 11, 30)):
        assert working_days_left(clock, today) == 7
        shown = light(clock, today, DEFAULT)
        assert (shown.colour, shown.days_left, shown.paused) == (LightColour.GREEN, 7, True)
    assert shown.sentence == "特别程序中，时限暂停，预计需5个工作日（恢复后剩余7个工作日）"


def test_a_case_paused_when_already_over_stays_red():
    clock = Clock(D(2026, 9, 21), 10, (Pause(D(2026, 10, 13), None, what="挂起"),))

    shown = light(clock, D(2026, 10, 30), DEFAULT)

    assert (shown.colour, shown.days_left) == (LightColour.RED, -1)
    assert shown.sentence == "挂起中，时限暂停（暂停前已超期1个工作日）"


def test_ended_pauses_kept_as_a_total_count_as_the_pauses_themselves():
    listed = Clock(D(2026, 9, 21), 10, (Pause(D(2026, 9, 24), D(2026, 10, 9)), Pause(D(2026, 10, 14))))
    open_ = Clock(D(2026, 9, 21), 10, (Pause(D(2026, 9, 24)),))
    first = pause_days(open_, D(2026, 10, 9))
    totalled = Clock(D(2026, 9, 21), 10, (Pause(D(2026, 10, 14)),), paused_days=first)

    assert first == 5
    assert due_date(totalled) == due_date(listed) == Due(D(2026, 10, 19), False)
    assert working_days_left(totalled, D(2026, 10, 20)) == working_days_left(listed, D(2026, 10, 20)) == 3
    assert pause_days(totalled, D(2026, 10, 16)) == 2


def test_a_pause_ended_after_the_limit_ran_out_adds_nothing_to_the_total():
    late = Clock(D(2026, 9, 21), 10, (Pause(D(2026, 10, 12)),))

    assert pause_days(late, D(2026, 10, 20)) == 0
    with pytest.raises(ValueError):
        pause_days(SEPT_21_10, D(2026, 10, 20))  # no open pause
    with pytest.raises(ValueError):
        pause_days(late, D(2026, 10, 9))  # before it began


def test_a_stopped_clock_is_read_as_of_the_day_it_stopped():
    in_time = light(Clock(D(2026, 9, 25), 20, stopped_on=D(2026, 10, 28)), D(2026, 12, 1), DEFAULT)
    late = Clock(D(2026, 9, 25), 20, stopped_on=D(2026, 11, 3))
    shown_late = light(late, D(2026, 12, 1), DEFAULT)

    assert (in_time.colour, in_time.days_left, in_time.stopped) == (LightColour.YELLOW, 1, True)
    assert in_time.sentence == "在时限内办结"
    assert (shown_late.colour, shown_late.days_left) == (LightColour.RED, -3)
    assert shown_late.sentence == "超过时限3个工作日办结"
    assert working_days_left(late, D(2026, 10, 30)) == -1  # before it stopped: as on that day
    assert light_dates(late, DEFAULT) is None


def test_a_clock_cannot_stop_during_a_pause_or_before_it_ended():
    with pytest.raises(ValueError):
        Clock(D(2026, 9, 21), 10, (Pause(D(2026, 9, 24)),), stopped_on=D(2026, 9, 30))
    with pytest.raises(ValueError):
        Clock(D(2026, 9, 21), 10, (Pause(D(2026, 9, 24), D(2026, 9, 30)),), stopped_on=D(2026, 9, 29))
    with pytest.raises(ValueError):
        Clock(D(2026, 9, 21), 10, stopped_on=D(2026, 9, 20))


@pytest.mark.parametrize(
    "pauses",
    [
        (Pause(D(2026, 9, 20), D(2026, 9, 22)),),  # before the clock started
        (Pause(D(2026, 9, 22), D(2026, 9, 25)), Pause(D(2026, 9, 24), None)),  # overlapping
        (Pause(D(2026, 9, 22), None), Pause(D(2026, 9, 24), D(2026, 9, 25))),  # an open pause not last
    ],
)
def test_pauses_out_of_order_are_refused(pauses):
    with pytest.raises(ValueError):
        Clock(D(2026, 9, 21), 10, pauses)


def test_impossible_values_are_refused():
    with pytest.raises(ValueError):
        Clock(D(2026, 9, 21), -1)
    with pytest.raises(ValueError):
        Pause(D(2026, 9, 22), D(2026, 9, 21))
    with pytest.raises(ValueError):
        Pause(D(2026, 9, 22), expected_days=-1)
    with pytest.raises(ValueError):
        Thresholds(percent=101)


# --- Lights at their edges ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "today, colour, left, sentence",
    [
        (D(2026, 10, 22), LightColour.GREEN, 5, "剩余5个工作日（2026年10月29日到期）"),
        (D(2026, 10, 23), LightColour.YELLOW, 4, "剩余4个工作日（2026年10月29日到期）"),  # 4 = 20 % of 20
        (D(2026, 10, 28), LightColour.YELLOW, 1, "剩余1个工作日（2026年10月29日到期）"),
        (D(2026, 10, 29), LightColour.YELLOW, 0, "今日到期（2026年10月29日）"),
        (D(2026, 10, 30), LightColour.RED, -1, "已超期1个工作日（应于2026年10月29日办结）"),
        (D(2026, 10, 31), LightColour.RED, -1, "已超期1个工作日（应于2026年10月29日办结）"),  # Saturday
        (D(2026, 11, 2), LightColour.RED, -2, "已超期2个工作日（应于2026年10月29日办结）"),
    ],
)
def test_the_light_of_a_twenty_day_limit(today, colour, left, sentence):
    shown = light(MID_AUTUMN_20, today, DEFAULT)

    assert (shown.colour, shown.days_left, shown.sentence) == (colour, left, sentence)
    assert (shown.due, shown.paused, shown.provisional) == (Due(D(2026, 10, 29), False), False, False)


def test_a_short_limit_turns_yellow_with_one_day_left_although_that_is_more_than_20_percent():
    clock = Clock(D(2026, 11, 2), 3)  # due Thursday 11-05

    assert light(clock, D(2026, 11, 3), DEFAULT).colour == LightColour.GREEN  # 2 left
    assert light(clock, D(2026, 11, 4), DEFAULT).colour == LightColour.YELLOW  # 1 left
    assert light(clock, D(2026, 11, 4), Thresholds(percent=20, days=0)).colour == LightColour.GREEN


def test_the_thresholds_come_from_the_settings(settings):
    settings.DEADLINE_YELLOW_PERCENT = 50
    settings.DEADLINE_YELLOW_DAYS = 0

    assert Thresholds.from_settings() == Thresholds(percent=50, days=0)
    assert light(MID_AUTUMN_20, D(2026, 10, 15), None).colour == LightColour.YELLOW  # 10 of 20 left
    assert light(MID_AUTUMN_20, D(2026, 10, 14), None).colour == LightColour.GREEN  # 11 left


def test_the_label_names_the_card():
    assert light(MID_AUTUMN_20, D(2026, 10, 30), DEFAULT).label == "红牌（已超时限）"


# --- Unknown years -----------------------------------------------------------------------------------


def test_a_limit_running_into_2027_is_counted_on_weekends_and_says_it_is_provisional():
    # Monday 2026-12-21 + 20: 2027-01-01 counts as a Friday (not yet entered), due Monday 2027-01-18.
    clock = Clock(D(2026, 12, 21), 20)

    shown = light(clock, D(2026, 12, 22), DEFAULT)

    assert due_date(clock) == Due(D(2027, 1, 18), True)
    assert shown.provisional is True
    assert shown.sentence == f"剩余19个工作日（2027年1月18日到期）{PROVISIONAL_NOTE}"
    assert PROVISIONAL_NOTE == "（暂按周末计算，待节假日公布后重算）"


def test_days_over_counted_into_2027_are_provisional_too():
    clock = Clock(D(2026, 12, 1), 10)  # due 2026-12-15

    shown = light(clock, D(2027, 1, 4), DEFAULT)

    assert due_date(clock) == Due(D(2026, 12, 15), False)
    assert (shown.days_left, shown.provisional) == (-14, True)
    assert shown.sentence == f"已超期14个工作日（应于2026年12月15日办结）{PROVISIONAL_NOTE}"


def test_a_batch_may_count_with_one_calendar_of_its_own():
    weekends_only = WorkingDays()

    assert due_date(MID_AUTUMN_20, calendar=weekends_only) == Due(D(2026, 10, 23), True)
    assert working_days_left(MID_AUTUMN_20, D(2026, 10, 22), calendar=weekends_only) == 1


# --- 即办件 and 承诺件 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "accepted_at, clock, due",
    [
        ("2026-11-27 15:59:59", Clock(D(2026, 11, 27), 0), D(2026, 11, 27)),  # Friday before the cut-off
        ("2026-11-27 16:00:00", Clock(D(2026, 11, 27), 1), D(2026, 11, 30)),  # at the cut-off: Monday
        ("2026-11-28 10:00:00", Clock(D(2026, 11, 28), 1), D(2026, 11, 30)),  # Saturday: Monday
        ("2026-02-14 10:00:00", Clock(D(2026, 2, 14), 0), D(2026, 2, 14)),  # a make-up Saturday
        ("2026-09-30 17:00:00", Clock(D(2026, 9, 30), 1), D(2026, 10, 8)),  # after the cut-off, before 国庆
    ],
)
def test_an_immediate_case_is_due_the_same_working_day_before_the_cut_off(accepted_at, clock, due):
    assert immediate_clock(at(accepted_at)) == clock
    assert due_date(clock) == Due(due, False)


def test_an_immediate_case_is_yellow_on_its_day_and_red_the_next_working_day():
    clock = immediate_clock(at("2026-11-27 09:00"))

    assert light(clock, D(2026, 11, 27), DEFAULT).colour == LightColour.YELLOW
    assert light(clock, D(2026, 11, 30), DEFAULT).colour == LightColour.RED


def test_the_cut_off_comes_from_the_settings(settings):
    settings.SAME_DAY_CUTOFF = "12:00"

    assert immediate_clock(at("2026-11-27 12:30")) == Clock(D(2026, 11, 27), 1)


def test_a_promised_case_has_both_limits_and_the_same_pauses():
    pauses = (Pause(D(2026, 9, 28), D(2026, 9, 30)),)  # 09-29 and 09-30: 2 working days

    limits = case_limits(
        case_type=CaseType.PROMISED,
        accepted_at=at("2026-09-25 20:30"),
        promised_days=10,
        statutory_days=20,
        pauses=pauses,
    )

    assert limits == CaseLimits(
        promised=Clock(D(2026, 9, 25), 10, pauses), statutory=Clock(D(2026, 9, 25), 20, pauses)
    )
    assert due_date(limits.promised) == Due(D(2026, 10, 19), False)
    assert due_date(limits.statutory) == Due(D(2026, 11, 2), False)


def test_an_immediate_case_keeps_its_statutory_limit_beside_the_same_day():
    limits = case_limits(
        case_type=CaseType.IMMEDIATE,
        accepted_at=at("2026-11-27 16:30"),
        promised_days=0,
        statutory_days=20,
    )

    assert limits == CaseLimits(promised=Clock(D(2026, 11, 27), 1), statutory=Clock(D(2026, 11, 27), 20))


# --- Steps -------------------------------------------------------------------------------------------


def test_each_step_of_a_joint_case_runs_its_own_clock_beside_the_cases():
    # Accepted Monday 11-02 with 20 days; 武汉's step (5 days) from 11-02, then 鄂州's (3 days) from 11-06,
    # paused with the case from Monday 11-09 to Wednesday 11-11.
    pause = Pause(D(2026, 11, 9), D(2026, 11, 11))
    case = Clock(D(2026, 11, 2), 20, (pause,))
    first = Clock(D(2026, 11, 2), 5)
    second = Clock(D(2026, 11, 6), 3, (pause,))

    assert due_date(case) == Due(D(2026, 12, 2), False)
    assert due_date(first) == Due(D(2026, 11, 9), False)
    assert due_date(second) == Due(D(2026, 11, 13), False)
    assert light(second, D(2026, 11, 12), DEFAULT).days_left == 1


# --- Deemed acceptance -------------------------------------------------------------------------------


def test_the_notice_period_is_over_once_its_fifth_working_day_has_ended():
    # Received Monday 11-02: 11-03, 04, 05, 06 and Monday 11-09 are the five days.
    assert notice_period_end(D(2026, 11, 2)) == Due(D(2026, 11, 9), False)
    assert notice_period_over(D(2026, 11, 2), D(2026, 11, 7)) is False  # Saturday
    assert notice_period_over(D(2026, 11, 2), D(2026, 11, 9)) is False  # the 5th working day
    assert notice_period_over(D(2026, 11, 2), D(2026, 11, 10)) is True  # the 6th


def test_the_notice_period_over_national_day_counts_the_make_up_saturday():
    # Received Tuesday 09-29: 09-30, 10-08, 10-09, Saturday 10-10 and Monday 10-12.
    assert notice_period_end(D(2026, 9, 29)) == Due(D(2026, 10, 12), False)
    assert notice_period_over(D(2026, 9, 29), D(2026, 10, 12)) is False
    assert notice_period_over(D(2026, 9, 29), D(2026, 10, 13)) is True


def test_a_deemed_acceptance_starts_the_clock_on_the_day_of_receipt():
    limits = case_limits(
        case_type=CaseType.PROMISED,
        accepted_at=at("2026-09-29 11:00"),  # the last receipt, not the day it was deemed
        promised_days=5,
        statutory_days=20,
    )

    assert due_date(limits.promised) == Due(D(2026, 10, 12), False)
    assert light(limits.promised, D(2026, 10, 13), DEFAULT).days_left == -1


# --- When the light changes ----------------------------------------------------------------------------


def test_the_light_dates_of_a_twenty_day_limit():
    assert light_dates(MID_AUTUMN_20, DEFAULT) == LightDates(D(2026, 10, 23), D(2026, 10, 30), False)


def test_an_immediate_case_accepted_on_a_saturday_is_yellow_at_once_and_red_on_tuesday():
    clock = immediate_clock(at("2026-11-28 10:00"))

    assert light_dates(clock, DEFAULT) == LightDates(D(2026, 11, 28), D(2026, 12, 1), False)


@pytest.mark.parametrize(
    "clock",
    [
        MID_AUTUMN_20,
        Clock(D(2026, 11, 2), 3),
        Clock(D(2026, 9, 21), 10, (Pause(D(2026, 9, 24), D(2026, 10, 9)),)),
        Clock(D(2026, 2, 10), 7),
        Clock(D(2026, 12, 21), 20),
        Clock(D(2026, 11, 28), 1),
    ],
)
def test_the_light_dates_agree_with_the_light_on_every_day_after_the_last_pause(clock):
    dates = light_dates(clock, DEFAULT)
    first = clock.pauses[-1].ended_on if clock.pauses else clock.started_on
    days = [first + dt.timedelta(days=n) for n in range((dates.red_on - first).days + 10)]

    for today in days:
        expected = (
            LightColour.RED
            if today >= dates.red_on
            else LightColour.YELLOW
            if today >= dates.yellow_on
            else LightColour.GREEN
        )
        assert (today, light(clock, today, DEFAULT).colour) == (today, expected)
