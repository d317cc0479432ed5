"""The periodic sweep (run by tasks.cases_sweep, which the worker enqueues every few minutes).

Its parts, each idempotent and each in its own transaction(s), timed and logged with its counts:
- lights: the cases and steps whose stored yellow_on/red_on day has come (selected by date on the
  indexed columns, never all cases) get their light computed again; a case turning yellow or red tells
  its owner (首问负责人), and a red one is escalated to the supervisors of the receiving and handling
  regions and to the item's chief service officer. A notification is made once per case, light and day.
- deemed: submitted cases past the five working days of §32(四) count as accepted.
- deliveries: notification deliveries whose retry is due, or whose task was lost.
- identity codes: issued 身份码 that expired unused more than two days ago are deleted (they prove
  nothing any more; used ones stay, they record a verification).
Apps above cases add their own parts at start-up (`sweep_part_add`; consult: the question board's answer
deadlines), so that one periodic sweep runs them all without cases importing them.
A part that fails is logged and the others still run.
"""

import datetime as dt
import time
from collections.abc import Callable, Iterable

import structlog
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tongban.identity.choices import Role
from tongban.identity.models import IdentityCode, StaffRole, User
from tongban.notifications.services import deliveries_retry_due, notify

from .models import Case, CaseStep, Light
from .services import case_clock, cases_deem_accepted, deadline_refresh, step_clock

log = structlog.get_logger("tongban.cases.sweep")

IDENTITY_CODES_KEPT = dt.timedelta(days=2)
DEADLINE_FIELDS = ["due_on", "due_provisional", "light", "yellow_on", "red_on"]


def workbench_link(case: Case) -> str:
    return f"/workbench/cases/{case.number}/"


# --- Lights --------------------------------------------------------------------------------------------


def _changing(model, today: dt.date):
    """Rows whose light is due to change by today: a running clock past its yellow or red day whose
    stored light is not that colour yet."""
    turning_yellow = Q(yellow_on__lte=today, light=Light.GREEN)
    turning_red = Q(red_on__lte=today) & ~Q(light=Light.RED)
    return model.objects.filter(turning_yellow | turning_red, paused_since=None).order_by("pk")


def lights_refresh(*, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    counts = {"cases": 0, "yellow": 0, "red": 0, "steps": 0}
    for case_id in list(_changing(Case, today).filter(clock_stopped_on=None).values_list("pk", flat=True)):
        colour = _case_light_refresh(case_id, today)
        counts["cases"] += 1
        if colour in (Light.YELLOW, Light.RED):
            counts[colour] += 1
    for step_id in list(_changing(CaseStep, today).filter(finished_at=None).values_list("pk", flat=True)):
        with transaction.atomic():
            step = CaseStep.objects.select_for_update().get(pk=step_id)
            deadline_refresh(step, step_clock(step), today)
            step.save(update_fields=DEADLINE_FIELDS)
        counts["steps"] += 1
    return counts


def _case_light_refresh(case_id: int, today: dt.date) -> str | None:
    """The case's light as of today; the new colour when it changed to yellow or red, else None. The row
    is locked so that an act at the same moment is not overwritten (the version is left alone: a light
    is no change a page must be reloaded for)."""
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("service_item", "receiving_org__region", "handling_org__region")
            .get(pk=case_id)
        )
        before = case.light
        deadline_refresh(case, case_clock(case), today)
        Case.objects.filter(pk=case.pk).update(**{name: getattr(case, name) for name in DEADLINE_FIELDS})
        if case.light == before or case.light not in (Light.YELLOW, Light.RED):
            return None
        _light_notify(case, today)
    return case.light


def _light_notify(case: Case, today: dt.date) -> None:
    colour = Light(case.light)
    due = f"{case.due_on:%Y年%m月%d日}" if case.due_on else ""
    title = f"办件{case.number_display}「{case.service_item.name}」亮{colour.label[:2]}"[:200]
    body = f"办结期限：{due}。" + (
        "已超过办结时限，请尽快办理。" if colour == Light.RED else "即将到期，请抓紧办理。"
    )
    for recipient in _light_recipients(case, colour):
        notify(
            recipient=recipient,
            kind=f"case.light_{colour}",
            title=title,
            body=body,
            link=workbench_link(case),
            dedupe_key=f"case:{case.pk}:light:{colour}:{today.isoformat()}",
        )


def _light_recipients(case: Case, colour: Light) -> Iterable[User]:
    """The owner; for a red light also the supervisors of both regions and the chief service officer."""
    ids = {case.owner_id} if case.owner_id else set()
    if colour == Light.RED:
        ids |= set(red_escalation_ids(case))
    return User.objects.filter(pk__in=ids, is_active=True).order_by("pk")


def red_escalation_ids(case: Case) -> list[int]:
    """Supervisors whose scope reaches the receiving or handling organization's region (a city reaches
    its districts), and the chief service officers of the case's item."""
    regions = set()
    for org in (case.receiving_org, case.handling_org):
        regions |= {org.region_id, org.region.city_id}
    regions.discard(None)
    supervisors = Q(role=Role.SUPERVISOR) & (
        Q(region_id__in=regions) | Q(region=None, organization__region_id__in=regions)
    )
    chiefs = Q(role=Role.CHIEF_SERVICE_OFFICER, item_code=case.service_item.basic_code)
    roles = StaffRole.objects.filter(supervisors | chiefs, revoked_at=None)
    return sorted(set(roles.values_list("user_id", flat=True)))


# --- The other parts ----------------------------------------------------------------------------------


def deemed_accept(*, today: dt.date | None = None) -> dict[str, int]:
    return {"accepted": len(cases_deem_accepted(today=today))}


def identity_codes_prune(*, now: dt.datetime | None = None) -> dict[str, int]:
    cutoff = (now or timezone.now()) - IDENTITY_CODES_KEPT
    deleted, _ = IdentityCode.objects.filter(used_at=None, expires_at__lt=cutoff).delete()
    return {"deleted": deleted}


def provisional_deadlines_recompute(*, today: dt.date | None = None) -> dict[str, int]:
    """Deadlines computed on weekends only for a year not yet entered, computed again (the calendar's
    on_year_entered: the year is now known). Each case in its own transaction."""
    today = today or timezone.localdate()
    counts = {"cases": 0, "steps": 0}
    for case_id in list(Case.objects.filter(due_provisional=True).values_list("pk", flat=True)):
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=case_id)
            deadline_refresh(case, case_clock(case), today)
            Case.objects.filter(pk=case.pk).update(**{name: getattr(case, name) for name in DEADLINE_FIELDS})
        counts["cases"] += 1
    for step_id in list(CaseStep.objects.filter(due_provisional=True).values_list("pk", flat=True)):
        with transaction.atomic():
            step = CaseStep.objects.select_for_update().get(pk=step_id)
            deadline_refresh(step, step_clock(step), today)
            step.save(update_fields=DEADLINE_FIELDS)
        counts["steps"] += 1
    return counts


# --- The sweep ----------------------------------------------------------------------------------------

PARTS: list[tuple[str, Callable[[], dict[str, int]]]] = [
    ("lights", lights_refresh),
    ("deemed", deemed_accept),
    ("deliveries", deliveries_retry_due),
    ("identity_codes", identity_codes_prune),
]


def sweep_part_add(name: str, part: Callable[[], dict[str, int]]) -> None:
    """Add an app's part to the sweep (once; from its AppConfig.ready)."""
    if name not in {existing for existing, _ in PARTS}:
        PARTS.append((name, part))


def sweep_run() -> dict[str, dict]:
    """Every part once; what each did and how long it took (ms). A failing part is logged and reported as
    {"error": ...}; the others still run."""
    report: dict[str, dict] = {}
    for name, part in PARTS:
        started = time.perf_counter()
        try:
            counts = dict(part())
        except Exception as error:
            log.exception("sweep_part_failed", part=name)
            counts = {"error": type(error).__name__}
        counts["ms"] = round((time.perf_counter() - started) * 1000, 1)
        log.info("sweep_part", part=name, **counts)
        report[name] = counts
    return report
