"""Time limits of cases and steps, and their lights (红黄牌): pure arithmetic on the working-day calendar.

A `Clock` is what a case (or one step of it) knows about its limit: the day it started, the limit in
working days, and its pauses. Everything else — the due date, the working days left, the light and the
sentence the applicant reads — is computed from it here; the models only store the facts.

Counting, the same as core.calendar (行政许可法 §82 working days; 民法典 §201 the first day is not counted):
- A limit of n working days started on S is due on the n-th working day after S (`add_working_days`).
- A pause (行政许可法 §45: 听证、招标、拍卖、检验、检测、检疫、鉴定和专家评审 …所需时间不计算在本节规定的
  期限内; DESIGN.md: 挂起 likewise) that began on P and ended on E takes the working days of (P, E]
  (`working_days_between`): the day it began is still a day of handling, the day it ended is not. A pause
  begun and ended on the same day takes nothing; one from a Monday to the Wednesday takes two days. The
  due date moves by exactly that many working days. A pause that begins on or after the due date moves
  nothing: the limit had already run out, and standing still does not give it back.
- While a pause is open, the clock stands where it stood on P: the working days left, and so the colour,
  do not change until it ends. The due date shown meanwhile assumes the pause takes the time the applicant
  was told (`expected_days`, §45 书面告知), or the time it has already taken if that is longer.
- Ended pauses may be listed or kept as a total (`Clock.paused_days`, added up from `pause_days` as each
  ends); a stopped clock (decision, withdrawal) is read as of the day it stopped.
- 即办件 (catalog CaseType.IMMEDIATE) are due the day they are accepted when that is a working day and
  before settings.SAME_DAY_CUTOFF, else the next working day (`same_day_due`); as a Clock that is a limit
  of 0 or 1 working day from the day of acceptance.
- Deemed acceptance (行政许可法 §32(四)): the notice period is ACCEPTANCE_NOTICE_DAYS working days from
  the last receipt, counted the same way; it is over once its last day has ended, and the clock then starts
  on the day of that receipt.

Any day counted in a year whose holidays are not entered yet is counted on weekends alone; the result
says so (`Due.provisional`, `Light.provisional`) and the sentence adds PROVISIONAL_NOTE.
"""

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.db import models
from django.utils import timezone

from tongban.catalog.choices import CaseType
from tongban.core.calendar import ONE_DAY, Due, WorkingDays, calendar_snapshot, same_day_due

from .workflow import ACCEPTANCE_NOTICE_DAYS

PROVISIONAL_NOTE = "（暂按周末计算，待节假日公布后重算）"


@dataclass(frozen=True)
class Pause:
    """A time the clock stood still: a special procedure (特别程序) or 挂起. `what` names it for the
    applicant; `expected_days` is the time they were told it takes (working days), if any."""

    started_on: dt.date
    ended_on: dt.date | None = None
    expected_days: int | None = None
    what: str = "特别程序"

    def __post_init__(self):
        if self.ended_on is not None and self.ended_on < self.started_on:
            raise ValueError(f"a pause cannot end ({self.ended_on}) before it starts ({self.started_on})")
        if self.expected_days is not None and self.expected_days < 0:
            raise ValueError(f"a pause cannot be expected to take {self.expected_days} days")

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


@dataclass(frozen=True)
class Clock:
    """A limit of `limit_days` working days from `started_on` (None: not started yet), with its pauses in
    the order they happened; only the last may be open. A case has one, each step of it another.

    Pauses that have ended may also be given as a total, `paused_days` (working days, as `pause_days`
    returned when each ended), for a store that keeps only the total and the open pause. `stopped_on`:
    the day the clock stopped (a decision, a withdrawal); it is read as of that day from then on."""

    started_on: dt.date | None
    limit_days: int
    pauses: tuple[Pause, ...] = ()
    paused_days: int = 0
    stopped_on: dt.date | None = None

    def __post_init__(self):
        object.__setattr__(self, "pauses", tuple(self.pauses))
        if self.limit_days < 0 or self.paused_days < 0:
            raise ValueError(f"a time limit cannot be negative: {self.limit_days}, {self.paused_days}")
        if self.pauses and self.started_on is None:
            raise ValueError("a clock that has not started cannot have paused")
        previous_end = self.started_on
        for pause in self.pauses:
            if previous_end is None or pause.started_on < previous_end:
                raise ValueError(f"pause from {pause.started_on} overlaps or precedes {previous_end}")
            previous_end = pause.ended_on
        if self.stopped_on is not None and (previous_end is None or self.stopped_on < previous_end):
            raise ValueError(f"a clock cannot stop on {self.stopped_on}: end its pause first, and after it")

    @property
    def open_pause(self) -> Pause | None:
        last = self.pauses[-1] if self.pauses else None
        return last if last is not None and last.is_open else None

    @property
    def is_paused(self) -> bool:
        return self.open_pause is not None


def immediate_clock(accepted_at: dt.datetime) -> Clock:
    """即办件: the clock of a case due the same working day (or the next, after the cut-off or on a day
    off), as `same_day_due` says."""
    day = timezone.localtime(accepted_at, timezone.get_default_timezone()).date()
    return Clock(started_on=day, limit_days=0 if same_day_due(accepted_at) == day else 1)


@dataclass(frozen=True)
class CaseLimits:
    """Both limits of a case: the promised one (承诺办结时限), which the light follows, and the statutory one
    (法定办结时限), shown beside it. They share the start and the pauses."""

    promised: Clock
    statutory: Clock


def case_limits(
    *,
    case_type: CaseType,
    accepted_at: dt.datetime,
    promised_days: int,
    statutory_days: int,
    pauses: tuple[Pause, ...] = (),
) -> CaseLimits:
    """The clocks of a case accepted at `accepted_at` (for deemed acceptance: the last receipt)."""
    if case_type == CaseType.IMMEDIATE:
        promised = immediate_clock(accepted_at)
    else:
        day = timezone.localtime(accepted_at, timezone.get_default_timezone()).date()
        promised = Clock(started_on=day, limit_days=promised_days)
    return CaseLimits(
        promised=Clock(promised.started_on, promised.limit_days, pauses),
        statutory=Clock(promised.started_on, statutory_days, pauses),
    )


# --- The due date and the days left -------------------------------------------------------------------


def _days(calendar: WorkingDays | None) -> WorkingDays:
    return calendar if calendar is not None else calendar_snapshot()


def _pause_days(pause: Pause, today: dt.date | None, days: WorkingDays) -> int:
    if pause.ended_on is not None:
        return days.between(pause.started_on, pause.ended_on)
    taken = days.between(pause.started_on, today) if today is not None else 0
    return max(pause.expected_days or 0, taken)


def _due(clock: Clock, days: WorkingDays, *, today: dt.date | None, with_open: bool) -> dt.date:
    due = days.add(clock.started_on, clock.limit_days + clock.paused_days).date
    for pause in clock.pauses:
        if pause.is_open and not with_open:
            break
        if pause.started_on < due:  # a pause after the limit ran out gives nothing back
            due = days.add(due, _pause_days(pause, today, days)).date
    return due


def due_date(
    clock: Clock, *, today: dt.date | None = None, calendar: WorkingDays | None = None
) -> Due | None:
    """The last day within the limit, moved by the pauses (None before the clock starts). During an open
    pause, an estimate: the pause is assumed to take its expected days, or as long as it has lasted by
    `today` if that is longer. `calendar` lets a batch count with one snapshot."""
    if clock.started_on is None:
        return None
    days = _days(calendar)
    due = _due(clock, days, today=today, with_open=True)
    return Due(due, days.spans_unknown_year(clock.started_on, due))


def _left(due: dt.date, today: dt.date, days: WorkingDays) -> int:
    if today <= due:
        return days.between(today, due)
    # Over: the working days past the due date, and at least one once it has passed (0 is the due day).
    return -max(1, days.between(due, today))


def working_days_left(clock: Clock, today: dt.date, *, calendar: WorkingDays | None = None) -> int | None:
    """Working days after `today` up to the due date: 0 on the due day itself, negative once it has passed
    (-1 on the first day after it, even a Saturday). While paused, what was left when the pause began.
    None before the clock starts."""
    if clock.started_on is None:
        return None
    days = _days(calendar)
    today = min(today, clock.stopped_on or today)
    pause = clock.open_pause
    if pause is not None:
        return _left(_due(clock, days, today=None, with_open=False), pause.started_on, days)
    return _left(_due(clock, days, today=today, with_open=True), today, days)


def pause_days(clock: Clock, ended_on: dt.date, *, calendar: WorkingDays | None = None) -> int:
    """The working days the open pause takes when it ends on `ended_on`: those of (start, end], or none
    when it began on or after the due date. Add them to `Clock.paused_days` where only a total is kept."""
    pause = clock.open_pause
    if pause is None:
        raise ValueError("the clock has no open pause to end")
    if ended_on < pause.started_on:
        raise ValueError(f"a pause cannot end ({ended_on}) before it starts ({pause.started_on})")
    days = _days(calendar)
    if pause.started_on >= _due(clock, days, today=None, with_open=False):
        return 0
    return days.between(pause.started_on, ended_on)


# --- Lights ------------------------------------------------------------------------------------------


class LightColour(models.TextChoices):
    GREEN = "green", "绿牌（正常）"
    YELLOW = "yellow", "黄牌（临近时限）"
    RED = "red", "红牌（已超时限）"


@dataclass(frozen=True)
class Thresholds:
    """When a light turns yellow: at most `percent` % of the limit left, or at most `days` working days
    left — whichever comes first, i.e. either is enough. The percentage warns early on long limits (4 of
    20 days); the days make sure a short limit (3 days, where 20 % is less than one) still gets a day's
    warning. settings.DEADLINE_YELLOW_PERCENT / DEADLINE_YELLOW_DAYS (TONGBAN_DEADLINE_YELLOW_*)."""

    percent: int = 20
    days: int = 1

    def __post_init__(self):
        if not 0 <= self.percent <= 100 or self.days < 0:
            raise ValueError(f"yellow thresholds out of range: {self.percent} %, {self.days} days")

    @classmethod
    def from_settings(cls) -> "Thresholds":
        return cls(
            percent=int(getattr(settings, "DEADLINE_YELLOW_PERCENT", 20)),
            days=int(getattr(settings, "DEADLINE_YELLOW_DAYS", 1)),
        )

    def yellow_days(self, limit_days: int) -> int:
        """The most working days left at which the light is yellow for this limit."""
        return max(self.days, limit_days * self.percent // 100)

    def colour(self, days_left: int, limit_days: int) -> LightColour:
        if days_left < 0:
            return LightColour.RED
        if days_left <= self.yellow_days(limit_days):
            return LightColour.YELLOW
        return LightColour.GREEN


@dataclass(frozen=True)
class Light:
    """A clock's light on a day, with the sentence the applicant reads (e.g. 剩余3个工作日（…到期）)."""

    colour: LightColour
    days_left: int
    due: Due
    paused: bool
    stopped: bool
    provisional: bool
    sentence: str

    @property
    def label(self) -> str:
        return self.colour.label


def light(
    clock: Clock, today: dt.date, thresholds: Thresholds | None = None, *, calendar: WorkingDays | None = None
) -> Light | None:
    """The light of `clock` on `today` (None before it starts). A paused clock keeps the colour it had
    when the pause began: no days run, so nothing can get later; a stopped one the colour it had when it
    stopped (the words then suit a decision: a withdrawn case shows no light)."""
    if clock.started_on is None:
        return None
    days = _days(calendar)
    today = min(today, clock.stopped_on or today)
    thresholds = thresholds or Thresholds.from_settings()
    due = due_date(clock, today=today, calendar=days)
    left = working_days_left(clock, today, calendar=days) if clock.is_paused else _left(due.date, today, days)
    provisional = due.provisional or (today > due.date and days.spans_unknown_year(due.date, today))
    sentence = _sentence(left, due.date, clock) + (PROVISIONAL_NOTE if provisional else "")
    colour = thresholds.colour(left, clock.limit_days)
    return Light(colour, left, due, clock.is_paused, clock.stopped_on is not None, provisional, sentence)


def _chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _sentence(left: int, due: dt.date, clock: Clock) -> str:
    if clock.stopped_on is not None:
        return f"超过时限{-left}个工作日办结" if left < 0 else "在时限内办结"
    if (pause := clock.open_pause) is not None:
        expected = f"，预计需{pause.expected_days}个工作日" if pause.expected_days else ""
        if left < 0:
            return f"{pause.what}中，时限暂停{expected}（暂停前已超期{-left}个工作日）"
        return f"{pause.what}中，时限暂停{expected}（恢复后剩余{left}个工作日）"
    if left < 0:
        return f"已超期{-left}个工作日（应于{_chinese_date(due)}办结）"
    if left == 0:
        return f"今日到期（{_chinese_date(due)}）"
    return f"剩余{left}个工作日（{_chinese_date(due)}到期）"


# --- Deemed acceptance (行政许可法 §32(四)) -------------------------------------------------------------


def notice_period_end(last_receipt_on: dt.date, *, calendar: WorkingDays | None = None) -> Due:
    """The last day on which a correction notice may still be given: the ACCEPTANCE_NOTICE_DAYS-th
    working day after the last receipt of materials."""
    return _days(calendar).add(last_receipt_on, ACCEPTANCE_NOTICE_DAYS)


def notice_period_over(
    last_receipt_on: dt.date, today: dt.date, *, calendar: WorkingDays | None = None
) -> bool:
    """Whether the notice period has ended (its last day is over): the case then counts as accepted on
    the day of that receipt, and its clock starts there (`Transition.clock_from_receipt`)."""
    return today > notice_period_end(last_receipt_on, calendar=calendar).date


# --- When the light will change (for a sweep that selects by date) ---------------------------------------


class LightDates(NamedTuple):
    """The first day a running clock is yellow and the first day it is red: stored beside the due date,
    they let a periodic sweep find the cases whose light changes today with a plain date comparison."""

    yellow_on: dt.date
    red_on: dt.date
    provisional: bool


def light_dates(
    clock: Clock, thresholds: Thresholds | None = None, *, calendar: WorkingDays | None = None
) -> LightDates | None:
    """When `clock`'s light turns yellow and red if it keeps running as now (None before it starts). An
    open pause is assumed to take its expected days; the dates are to be computed again when it ends.
    None also once the clock has stopped: its light changes no more."""
    if clock.started_on is None or clock.stopped_on is not None:
        return None
    days = _days(calendar)
    thresholds = thresholds or Thresholds.from_settings()
    due = due_date(clock, calendar=days)
    yellow = due.date
    for _ in range(thresholds.yellow_days(clock.limit_days)):
        yellow -= ONE_DAY
        while not days.is_working_day(yellow):
            yellow -= ONE_DAY
    return LightDates(max(yellow, clock.started_on), due.date + ONE_DAY, due.provisional)
