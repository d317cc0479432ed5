"""Every change of a case goes through one engine, `case_act`, which applies workflow.TABLE.

`case_act` locks the case row, gathers the facts the guards need, looks the move up with
`workflow.transition()` (a refusal raises and changes nothing), then applies the row: the new status,
the decision, the owner rule (首问负责), the clock effect, one timeline event, the moves of the open
steps, an audit entry for sensitive acts, and a notification of the applicant — in one transaction.

The services below it are short wrappers for acts whose row needs more than a status (a notice with its
defects, the deficiency promises, a special procedure, the recipient of a hand-over); they create those
rows inside the same transaction, after the table allowed the move (`_act(..., then=...)`).

Two acts on one case at once: the second waits for the first's row lock, then reads the new status and
is refused by the table (409). A client that sends `expected_version` (the version it showed) is told
of a conflict when the case changed in between, even if the act would still be allowed.

Deadlines: the clock facts (start day, pauses, stop day) are stored on the case and its steps; the due
date, the light and the days it turns yellow and red are computed by deadlines.py at every change
(`deadline_refresh`), and again by the sweep as days pass.
"""

import datetime as dt
import hashlib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from tongban.catalog.choices import Mode, Necessity, VersionStatus
from tongban.catalog.formdef import build_form_class, parse_definition
from tongban.catalog.models import GuideMaterial, ImplementationVersion
from tongban.catalog.selectors import reach_for
from tongban.core.audit import AuditObject, audit_record
from tongban.core.choices import Channel
from tongban.core.dates import years_after
from tongban.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from tongban.identity import access
from tongban.identity.access import Actor
from tongban.identity.choices import TokenScope
from tongban.identity.models import StaffRole, User
from tongban.identity.rules import operates_company
from tongban.identity.selectors.accounts import person_matching
from tongban.identity.selectors.mandates import mandate_covering
from tongban.identity.services.identity_codes import identity_code_verify
from tongban.licenses.choices import LicenseStatus
from tongban.licenses.models import License
from tongban.licenses.selectors import license_type_by_code, licenses_usable, wallet_holder_ids
from tongban.licenses.services import Issue, license_issue, license_new_version
from tongban.notifications.choices import DeliveryChannel
from tongban.notifications.services import notify
from tongban.regions.models import Window

from . import deadlines
from .choices import Action, CaseStatus, ClockEffect, DeliveryMethod, Party, Record, StepAction, StepStatus
from .models import (
    Case,
    CaseEvent,
    CaseMaterial,
    CaseNumberCounter,
    CaseStep,
    CorrectionNotice,
    MaterialKind,
    ProcedureKind,
    Shipment,
    ShipmentPurpose,
    ShipmentStatus,
    SpecialProcedure,
)
from .numbers import case_number_make
from .rules import HANDLER_ROLES, RECEIVING_ROLES, parties_of, party_of
from .step_workflow import step_moves, step_transition, steps_to_activate
from .workflow import (
    TERMINAL_STATUSES,
    CaseFacts,
    Need,
    Owner,
    StepFact,
    Transition,
    TransitionRefused,
    is_second_notice,
    transition,
)

# Acts worth a line in the tamper-evident audit log besides the case's own timeline.
AUDITED = frozenset(
    {
        Action.REFUSE_ACCEPTANCE,
        Action.ISSUE_CORRECTION_NOTICE,
        Action.ACCEPT_WITH_DEFICIENCY,
        Action.DEEM_ACCEPTED,
        Action.APPROVE,
        Action.DENY,
        Action.WITHDRAW,
        Action.HAND_OVER,
    }
)
STAFF_PARTIES = frozenset({Party.HANDLER, Party.RECEIVING_CLERK, Party.SUPERVISOR})
QUIET = frozenset({Action.START_APPLICATION, Action.START_REVIEW, Action.HAND_OVER})  # inbox only
NOT_NOTIFIED = frozenset({Action.START_APPLICATION})  # the applicant is looking at the draft


def case_link(case: Case) -> str:
    return f"/cases/{case.number}/"


# --- The engine ------------------------------------------------------------------------------------


@dataclass
class Act:
    """What `then` callbacks get: the locked case (already moved), the row, the facts before the move,
    and the event written."""

    case: Case
    row: Transition
    facts: CaseFacts
    event: CaseEvent
    party: Party


def case_act(
    *,
    case: Case,
    action: Action | str,
    by: Actor,
    reason: str = "",
    detail: dict[str, Any] | None = None,
    expected_version: int | None = None,
    recipient: User | None = None,
) -> Case:
    """Take `action` on the case as `by`; the case as it is afterwards. TransitionRefused (409/403) when
    the table does not allow it, AccessDenied (404) when `by` may not see the case, ActionRefused (403)
    when they see it but take no part in it, ValidationFailed for a missing reason or need, Conflict
    when `expected_version` is stale. Nothing changes unless everything succeeds."""
    return _act(
        case=case,
        action=Action(action),
        by=by,
        reason=reason,
        detail=detail,
        expected_version=expected_version,
        recipient=recipient,
    ).case


def _act(
    *,
    case: Case,
    action: Action,
    by: Actor,
    reason: str = "",
    detail: dict[str, Any] | None = None,
    expected_version: int | None = None,
    recipient: User | None = None,
    then: Callable[[Act], None] | None = None,
) -> Act:
    detail = dict(detail or {})
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if expected_version is not None and locked.version != expected_version:
            raise Conflict("该办件已被他人处理，页面内容已过期，请刷新后再操作。")
        access.require(by, "case.act", locked)
        party = party_of(by, locked, action)
        facts = case_facts(locked)
        row = transition(locked.status, action, party=party, mode=locked.mode, facts=facts, reason=reason)
        _require_needs(row, detail, recipient)
        if row.receipt:  # materials reach the government: with a complete, valid application form
            locked.form_data = form_data_clean(locked.implementation_version, locked.form_data)
        now = timezone.now()
        from_status = locked.status
        expected_days = detail.get("expected_days") if row.clock == ClockEffect.PAUSE else None
        _apply(locked, row, by=by, party=party, now=now, recipient=recipient, expected_days=expected_days)
        event = _event(
            locked, row, from_status=from_status, by=by, party=party, reason=reason, detail=detail, at=now
        )
        _move_steps(locked, row, now=now)
        act = Act(case=locked, row=row, facts=facts, event=event, party=party)
        if then is not None:
            then(act)
        if action in AUDITED:
            audit_record(
                action=f"case.{action}",
                context=by.audit_context(),
                obj=AuditObject.of(locked),
                detail={"from": from_status, "to": row.to, "reason": reason, "party": party},
            )
        _notify_applicant(locked, row, event)
    case.refresh_from_db()
    act.case = case
    return act


def case_facts(case: Case) -> CaseFacts:
    """What the guards need beyond the status."""
    steps = tuple(StepFact(s.name, s.stage, StepStatus(s.status)) for s in case.steps.order_by("position"))
    return CaseFacts(
        notices_issued=case.correction_notices.count(),
        notice_period_over=notice_period_over(case),
        steps=steps,
    )


def notice_period_over(case: Case, today: dt.date | None = None) -> bool:
    """行政许可法 §32(四): the fifth working day after the last receipt of materials has ended."""
    if case.received_at is None:
        return False
    received = timezone.localtime(case.received_at).date()
    return deadlines.notice_period_over(received, today or timezone.localdate())


# --- Deadlines (computed by deadlines.py from the facts stored here) -----------------------------------


def case_clock(case: Case) -> deadlines.Clock:
    pauses = ()
    if case.paused_since is not None:
        pauses = (deadlines.Pause(case.paused_since, expected_days=case.pause_expected_days),)
    return deadlines.Clock(
        started_on=case.clock_started_on,
        limit_days=case.promised_days,
        pauses=pauses,
        paused_days=case.paused_days,
        stopped_on=case.clock_stopped_on,
    )


def step_clock(step: CaseStep) -> deadlines.Clock:
    pauses = (deadlines.Pause(step.paused_since),) if step.paused_since is not None else ()
    stopped = timezone.localdate(step.finished_at) if step.finished_at is not None else None
    return deadlines.Clock(
        started_on=step.started_on,
        limit_days=step.time_limit_days,
        pauses=pauses,
        paused_days=step.paused_days,
        stopped_on=stopped,
    )


def deadline_refresh(obj: Case | CaseStep, clock: deadlines.Clock, today: dt.date) -> None:
    """Store what the clock gives today (the caller saves): due date, light, yellow and red days."""
    light = deadlines.light(clock, today)
    dates = deadlines.light_dates(clock) if clock.stopped_on is None else None
    obj.due_on = light.due.date if light else None
    obj.due_provisional = light.provisional if light else False
    ended_without_result = obj.status in (CaseStatus.WITHDRAWN, StepStatus.CANCELLED)
    obj.light = light.colour if light is not None and not ended_without_result else ""
    obj.yellow_on = dates.yellow_on if dates else None
    obj.red_on = dates.red_on if dates else None


def _end_pause(obj, clock: deadlines.Clock, today: dt.date) -> None:
    if obj.paused_since is not None:
        obj.paused_days += deadlines.pause_days(clock, today)
        obj.paused_since = None
        if isinstance(obj, Case):
            obj.pause_expected_days = None


def _require_needs(row: Transition, detail: dict[str, Any], recipient: User | None) -> None:
    if Need.REMEDIES in row.needs and not str(detail.get("remedies", "")).strip():
        raise ValidationFailed.on("remedies", "请告知申请人依法申请行政复议或者提起行政诉讼的权利。")
    if Need.DEFECTS in row.needs and not detail.get("defects"):
        raise ValidationFailed.on("items", "请逐项列明需要补正的全部内容。")
    if Need.PROMISE in row.needs and not detail.get("promises"):
        raise ValidationFailed.on("with_deficiency", "容缺受理须列明容缺材料及申请人承诺补交的日期。")
    if Need.PROCEDURE in row.needs and not detail.get("procedure"):
        raise ValidationFailed.on("kind", "请选择特别程序的种类并填写所需时间。")
    if Need.RECIPIENT in row.needs and recipient is None:
        raise ValidationFailed.on("recipient", "请选择接手的工作人员。")


def _apply(
    case: Case,
    row: Transition,
    *,
    by: Actor,
    party: Party,
    now,
    recipient: User | None,
    expected_days: int | None = None,
) -> None:
    today = timezone.localdate(now)
    case.status = row.to
    if row.decision is not None:
        case.decision = row.decision
        case.decided_at = now
    if row.owner == Owner.RECIPIENT:
        case.owner = recipient
    elif row.owner == Owner.HANDLING_ORG:
        case.owner = None  # the handling organization's first staff member to act takes it
    elif case.owner_id is None and party in STAFF_PARTIES and by.user is not None:
        case.owner = by.user
    if row.receipt:
        case.received_at = now
    if row.clock == ClockEffect.START:
        start = case.received_at if row.clock_from_receipt else now
        limits = deadlines.case_limits(
            case_type=case.case_type,
            accepted_at=start,
            promised_days=case.promised_days,
            statutory_days=case.statutory_days,
        )
        case.clock_started_on, case.accepted_at = limits.promised.started_on, now
        case.promised_days = limits.promised.limit_days  # 即办件: 0 or 1 (the cut-off)
    elif row.clock == ClockEffect.PAUSE:
        case.paused_since, case.pause_expected_days = today, expected_days
    elif row.clock == ClockEffect.RESUME:
        _end_pause(case, case_clock(case), today)
    elif row.clock == ClockEffect.STOP:
        _end_pause(case, case_clock(case), today)
        case.clock_stopped_on = today
    if row.clock != ClockEffect.NONE:
        deadline_refresh(case, case_clock(case), today)
    if row.to in TERMINAL_STATUSES:
        case.closed_at = now
    case.version = F("version") + 1
    case.save()
    case.refresh_from_db(fields=["version"])


def _event(case, row, *, from_status, by: Actor, party: Party, reason: str, detail, at) -> CaseEvent:
    return _timeline_add(
        case,
        row.action,
        from_status=from_status or "",
        to_status=row.to,
        by=by,
        party=party,
        reason=reason,
        detail=detail,
        at=at,
    )


def _record(
    case: Case,
    kind: Record,
    *,
    by: Actor,
    party: Party,
    reason: str = "",
    detail=None,
    organization_id: int | None = None,
) -> CaseEvent:
    """A timeline line that moves no status (a step finished, a material added, a parcel's news). The
    caller holds the case row's lock, which keeps the timeline's sequence numbers unique."""
    return _timeline_add(
        case,
        kind,
        from_status=case.status,
        to_status=case.status,
        by=by,
        party=party,
        reason=reason,
        detail=detail or {},
        at=timezone.now(),
        organization_id=organization_id,
    )


def _timeline_add(
    case, kind, *, from_status, to_status, by: Actor, party: Party, reason, detail, at, organization_id=None
) -> CaseEvent:
    context = by.audit_context()
    last = case.events.aggregate(last=Max("seq"))["last"] or 0
    return CaseEvent.objects.create(
        case=case,
        seq=last + 1,
        action=kind,
        from_status=from_status,
        to_status=to_status,
        actor=by.user,
        actor_label=context.actor_label,
        on_behalf_of=by.on_behalf_of,
        on_behalf_of_label=context.on_behalf_of_label,
        organization_id=organization_id or _acting_org(case, by, party),
        party=party,
        channel=by.channel,
        ip=by.ip,
        owner_after=case.owner,
        reason=reason,
        detail=detail,
        at=at,
    )


def _acting_org(case: Case, by: Actor, party: Party) -> int | None:
    orgs = by.organization_ids()
    if party == Party.HANDLER and case.handling_org_id in orgs:
        return case.handling_org_id
    if party == Party.RECEIVING_CLERK:
        return case.receiving_org_id
    return min(orgs) if orgs else None


def _move_steps(case: Case, row: Transition, *, now) -> None:
    if row.step_effect is None:
        return
    steps = list(case.steps.order_by("position"))
    facts = [StepFact(s.name, s.stage, StepStatus(s.status)) for s in steps]
    for index, step_row in step_moves(row, facts):
        _step_apply(steps[index], step_row.action, step_row.to, now=now)


def _step_apply(step: CaseStep, action: StepAction, to: StepStatus, *, now, by: User | None = None) -> None:
    today = timezone.localdate(now)
    step.status = to
    if action == StepAction.ACTIVATE:
        step.started_at, step.started_on = now, today
    elif action == StepAction.PAUSE:
        step.paused_since = today
    elif action == StepAction.RESUME:
        _end_pause(step, step_clock(step), today)
    else:  # agree, object, cancel
        if step.started_on is not None:
            _end_pause(step, step_clock(step), today)
        step.finished_at, step.finished_by = now, by
    if step.started_on is not None:
        deadline_refresh(step, step_clock(step), today)
    step.save()


def _notify_applicant(case: Case, row: Transition, event: CaseEvent) -> None:
    if row.action in NOT_NOTIFIED:
        return
    label = CaseStatus(row.to).label
    body = f"办件编号：{case.number_display}。{Action(row.action).label}：{label}。"
    if event.reason:
        body += f"\n说明：{event.reason}"
    channels = (DeliveryChannel.INBOX,) if row.action in QUIET else None
    kwargs = {"channels": channels} if channels else {}
    notify(
        recipient=case.applicant,
        kind=f"case.{row.action}",
        title=f"您的办件「{case.service_item.name}」{label}"[:200],
        body=body,
        link=case_link(case),
        dedupe_key=f"case:{case.pk}:event:{event.pk}",
        **kwargs,
    )


# --- Creating a case -------------------------------------------------------------------------------


def _next_number(city, day: dt.date) -> str:
    """The next number of a city's day, from its counter row (locked by the UPDATE until commit)."""
    counter, _ = CaseNumberCounter.objects.get_or_create(city=city, day=day)
    CaseNumberCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    if city.code is None:
        raise ValueError(f"city {city} has no GB/T 2260 code: its cases cannot be numbered")
    return case_number_make(city_code=city.code, day=day, serial=counter.last)


def _published(version: ImplementationVersion) -> None:
    if version.status != VersionStatus.PUBLISHED:
        raise ValidationFailed.on("implementation_version", "该事项的办事指南已更新，请按现行版本重新申请。")


def _create(
    *,
    action: Action,
    by: Actor,
    party: Party,
    version: ImplementationVersion,
    mode: Mode,
    applicant: User,
    channel: str,
    receiving_org,
    number_city,
    now,
    **fields: Any,
) -> Case:
    row = transition(None, action, party=party, mode=mode)
    implementation = version.implementation
    case = Case.objects.create(
        number=_next_number(number_city, timezone.localdate(now)),
        implementation_version=version,
        service_item_id=implementation.service_item_id,
        mode=mode,
        status=row.to,
        applicant=applicant,
        channel=channel,
        receiving_org=receiving_org,
        handling_org_id=implementation.organization_id,
        case_type=version.case_type,
        promised_days=version.promised_days,
        statutory_days=version.statutory_days,
        received_at=now if row.receipt else None,
        owner=by.user if party in STAFF_PARTIES else None,
        **fields,
    )
    _event(case, row, from_status="", by=by, party=party, reason="", detail={}, at=now)
    return case


def _applicant_for(by: Actor, item_code: str) -> tuple[User, User | None, Any]:
    """(applicant, agent, mandate) of a portal application: the actor's own account, the company they
    operate, or a principal whose mandate covers the item."""
    behalf = by.on_behalf_of
    if behalf is None or behalf.pk == by.user_id:
        return by.user, None, None
    company = getattr(behalf, "company", None)
    if company is not None and operates_company(by, company):
        return behalf, None, None
    mandate = mandate_covering(agent_user=by.user, principal_user=behalf, item_code=item_code)
    if mandate is None:
        raise ValidationFailed.on("applicant", "您没有该申请人就本事项的有效委托，不能代为申请。")
    return behalf, by.user, mandate


def case_start_online(
    *,
    by: Actor,
    implementation_version: ImplementationVersion,
    form_data: dict | None = None,
    idempotency_key: str = "",
    mode: Mode = Mode.ONLINE,
) -> Case:
    """A draft application on the portal. The same Idempotency-Key from the same applicant returns the
    case the first request made and creates nothing more."""
    access.require(by, "case.start")
    version = implementation_version
    _published(version)
    key = (idempotency_key or "").strip()
    if len(key) > 100:
        raise ValidationFailed.on("idempotency_key", "幂等键不能超过100个字符。")
    applicant, agent, mandate = _applicant_for(by, version.implementation.service_item.basic_code)
    if key and (existing := Case.objects.filter(applicant=applicant, idempotency_key=key).first()):
        return existing
    handling = version.implementation.organization
    try:
        with transaction.atomic():
            return _create(
                action=Action.START_APPLICATION,
                by=by,
                party=Party.APPLICANT,
                version=version,
                mode=Mode(mode),
                applicant=applicant,
                channel=by.channel if by.channel in Channel.values else Channel.WEB,
                receiving_org=handling,
                number_city=handling.region.city,
                now=timezone.now(),
                agent=agent,
                mandate=mandate,
                form_data=form_data or {},
                idempotency_key=key,
            )
    except IntegrityError:
        existing = Case.objects.filter(applicant=applicant, idempotency_key=key).first() if key else None
        if existing is None:
            raise
        return existing  # a concurrent retry created it first


def reach_includes_window(entry, window: Window, mode: Mode) -> bool:
    """One reach entry of an implementation (catalog.selectors.reach_for) covers this window for the mode:
    the window itself, its region or the region's city, or the whole circle."""
    if entry.mode != mode or entry.kiosk is not None:
        return False
    if entry.window is not None:
        return entry.window.pk == window.pk
    region = window.hall.region
    return (entry.region is None and entry.city is None) or (
        entry.region is not None and entry.region.pk in (region.pk, region.parent_id)
    )


def window_receives(window: Window, version: ImplementationVersion, mode: Mode) -> bool:
    """The implementation's availability includes this window for the mode (explicitly, by its region or
    city, or through an agreement)."""
    entries = reach_for([version.implementation]).get(version.implementation_id, [])
    return any(reach_includes_window(entry, window, mode) for entry in entries)


def applicant_identify(
    *, by: Actor, identity_code: str = "", real_name: str = "", id_number: str = ""
) -> User:
    """The applicant standing at the window: by the 身份码 they show (verified once, audited by identity),
    or by ID number and name of a registered person (the same answer for "unknown" and "name differs")."""
    if identity_code:
        identified = identity_code_verify(token=identity_code, by=by, place="圈内通办专窗收件")
        return User.objects.get(pk=identified.account_id)
    if not (real_name or "").strip() or not (id_number or "").strip():
        raise ValidationFailed.on("id_number", "请出示身份码，或填写申请人的姓名和公民身份号码。")
    person = person_matching(real_name=real_name, id_number=id_number)
    if person is None:
        raise ValidationFailed.on("id_number", "公民身份号码与姓名不匹配，或该申请人尚未注册，请核对。")
    return person.user


def window_receipt_retried(*, window: Window, idempotency_key: str) -> Case | None:
    """The case an earlier try of the same window receipt created (same window, same key), if any: looked
    up before the applicant is identified again, because a 身份码 works only once."""
    key = (idempotency_key or "").strip()
    if not key:
        return None
    return Case.objects.filter(receiving_window=window, channel=Channel.WINDOW, idempotency_key=key).first()


def case_receive_at_window(
    *,
    by: Actor,
    window: Window,
    implementation_version: ImplementationVersion,
    applicant: User,
    consent: bool,
    form_data: dict | None = None,
    mode: Mode = Mode.PROXY,
    idempotency_key: str = "",
) -> Case:
    """异地代收: a clerk of a cross-city window receives another city's item against that city's guide
    version; the clerk becomes the case's owner until it is forwarded. A retry with the same
    Idempotency-Key at the same window returns the first case."""
    access.require(by, "case.receive", window)
    key = (idempotency_key or "").strip()
    if len(key) > 100:
        raise ValidationFailed.on("idempotency_key", "幂等键不能超过100个字符。")
    if existing := window_receipt_retried(window=window, idempotency_key=key):
        return existing
    version = implementation_version
    _published(version)
    if not window.is_cross_city:
        raise ValidationFailed.on("window", "该窗口不是圈内通办专窗，不能代收其他城市的事项。")
    if not window_receives(window, version, Mode(mode)):
        raise ValidationFailed.on("implementation_version", "该事项未开通在本窗口异地代收。")
    if not consent:
        raise ValidationFailed.on("consent", "请先由申请人签署服务同意书。")
    if applicant.kind not in ("person", "company"):
        raise ValidationFailed.on("applicant", "申请人应为个人或法人账号。")
    form_data = form_data_clean(version, form_data or {})
    now = timezone.now()
    try:
        with transaction.atomic():
            return _receive(by, window, version, Mode(mode), applicant, form_data, now, key)
    except IntegrityError:
        existing = window_receipt_retried(window=window, idempotency_key=key)
        if existing is None:
            raise
        return existing  # a concurrent retry created it first


def _receive(by, window, version, mode, applicant, form_data, now, key) -> Case:
    return _create(
        action=Action.RECEIVE_AT_WINDOW,
        by=by,
        party=Party.RECEIVING_CLERK,
        version=version,
        mode=mode,
        applicant=applicant,
        channel=Channel.WINDOW,
        receiving_org=window.hall.organization,
        number_city=window.hall.region.city,
        now=now,
        receiving_window=window,
        form_data=form_data or {},
        consent_at=now,
        idempotency_key=key,
    )


# --- The acts --------------------------------------------------------------------------------------


def form_data_clean(version: ImplementationVersion, data: dict[str, Any]) -> dict[str, Any]:
    """The application form's data as the version's form definition cleans it, or ValidationFailed
    naming each wrong field as `form_data.<key>` with the form's Chinese message."""
    form = build_form_class(parse_definition(version.form_schema))(data=data or {})
    if form.is_valid():
        return {key: _jsonable(value) for key, value in form.cleaned_data.items()}
    errors = [FieldError(f"form_data.{key}", messages[0]) for key, messages in form.errors.items()]
    raise ValidationFailed(message=f"申请表填写有误：{errors[0].message}", errors=errors)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def case_form_save(*, case: Case, by: Actor, form_data: dict[str, Any]) -> Case:
    """Keep the form as filled so far (a draft may be incomplete; submitting checks it)."""
    if not isinstance(form_data, dict):
        raise ValidationFailed.on("form_data", "申请表内容格式有误。")
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        access.require(by, "case.act", locked)
        party = next((p for p in _MATERIAL_WINDOWS if p in parties_of(by, locked)), None)
        if party is None or locked.status not in _MATERIAL_WINDOWS[party]:
            raise TransitionRefused(f"办件当前状态为「{CaseStatus(locked.status).label}」，不能修改申请表。")
        locked.form_data = form_data
        locked.version = F("version") + 1
        locked.save(update_fields=["form_data", "version", "updated_at"])
    case.refresh_from_db()
    return case


def case_submit(*, case: Case, by: Actor, expected_version: int | None = None) -> Case:
    """提交: the form must be complete and valid by the guide version's form definition (case_act
    checks it on every receipt of materials)."""
    return case_act(case=case, action=Action.SUBMIT, by=by, expected_version=expected_version)


def case_forward(*, case: Case, by: Actor, expected_version: int | None = None) -> Case:
    return case_act(case=case, action=Action.FORWARD, by=by, expected_version=expected_version)


def _clean_items(items: Sequence[str]) -> list[str]:
    cleaned = [str(item).strip() for item in items or [] if str(item).strip()]
    if not cleaned:
        raise ValidationFailed.on("items", "请逐项列明需要补正的全部内容。")
    return cleaned


def correction_notice_issue(
    *, case: Case, by: Actor, items: Sequence[str], reason: str = "", expected_version: int | None = None
) -> CorrectionNotice:
    """一次告知: every defect at once. A further notice must say why it could not be in the first one
    (`reason`), and is recorded as such."""
    defects = _clean_items(items)
    made: list[CorrectionNotice] = []

    def record(act: Act) -> None:
        made.append(
            CorrectionNotice.objects.create(
                case=act.case,
                number=act.facts.notices_issued + 1,
                items=defects,
                is_second=is_second_notice(act.row, act.facts),
                why_not_first=act.event.reason if is_second_notice(act.row, act.facts) else "",
                issued_by=by.user,
                issued_at=act.event.at,
            )
        )

    _act(
        case=case,
        action=Action.ISSUE_CORRECTION_NOTICE,
        by=by,
        reason=reason,
        detail={"defects": defects},
        expected_version=expected_version,
        then=record,
    )
    return made[0]


def case_resubmit(*, case: Case, by: Actor, expected_version: int | None = None) -> Case:
    def answer(act: Act) -> None:
        act.case.correction_notices.filter(answered_at=None).update(answered_at=act.event.at)

    return _act(case=case, action=Action.RESUBMIT, by=by, expected_version=expected_version, then=answer).case


@dataclass(frozen=True)
class Deficiency:
    """容缺: a material the applicant promises to bring later."""

    guide_material_id: int
    promised_on: dt.date


def _create_steps(case: Case) -> None:
    """多地联办: one step per guide step, each at its organization (the handling one when none is named)."""
    if case.mode != Mode.JOINT or case.steps.exists():
        return
    guide_steps = case.implementation_version.steps.select_related("organization").order_by("position", "id")
    for position, step in enumerate(guide_steps, start=1):
        organization = step.organization or case.handling_org
        CaseStep.objects.create(
            case=case,
            position=position,
            organization=organization,
            name=f"{organization.short_name or organization.name}：{step.name}",
            stage=step.stage,
            time_limit_days=step.time_limit_days,
        )


def case_accept(
    *,
    case: Case,
    by: Actor,
    with_deficiency: Sequence[Deficiency] = (),
    expected_version: int | None = None,
) -> Case:
    """受理 (or 容缺受理 when materials are promised for later); a 多地联办 case gets its steps."""
    promises = _deficiencies(case, with_deficiency)

    def accepted(act: Act) -> None:
        for material, promised_on in promises:
            CaseMaterial.objects.create(
                case=act.case,
                guide_material=material,
                name=material.name,
                kind=MaterialKind.DEFICIENCY,
                promised_on=promised_on,
                uploaded_by=by.user,
            )
        _create_steps(act.case)

    action = Action.ACCEPT_WITH_DEFICIENCY if promises else Action.ACCEPT
    detail = {"promises": [{"material": m.name, "promised_on": d.isoformat()} for m, d in promises]}
    return _act(
        case=case,
        action=action,
        by=by,
        detail=detail if promises else {},
        expected_version=expected_version,
        then=accepted,
    ).case


def _deficiencies(case: Case, items: Sequence[Deficiency]) -> list[tuple[GuideMaterial, dt.date]]:
    found = []
    materials = {m.pk: m for m in case.implementation_version.materials.all()}
    today = timezone.localdate()
    for item in items:
        material = materials.get(item.guide_material_id)
        if material is None:
            raise ValidationFailed.on("with_deficiency", "容缺材料应为本事项办事指南所列材料。")
        if material.necessity == Necessity.REQUIRED:
            raise ValidationFailed.on("with_deficiency", f"「{material.name}」是必要材料，不能容缺受理。")
        if item.promised_on <= today:
            raise ValidationFailed.on("with_deficiency", f"「{material.name}」的承诺补交日期应晚于今天。")
        found.append((material, item.promised_on))
    return found


def case_refuse(
    *, case: Case, by: Actor, reason: str, remedies: str, expected_version: int | None = None
) -> Case:
    """不予受理, with the reasons and the applicant's remedies (行政许可法 §32 ¶2: in writing)."""
    return case_act(
        case=case,
        action=Action.REFUSE_ACCEPTANCE,
        by=by,
        reason=reason,
        detail={"remedies": (remedies or "").strip()},
        expected_version=expected_version,
    )


def case_deem_accepted(*, case: Case) -> Case:
    """No notice within five working days of receipt: accepted as of the day of receipt (the sweep)."""
    return case_act(case=case, action=Action.DEEM_ACCEPTED, by=Actor.system())


def cases_deem_accepted(*, today: dt.date | None = None) -> list[Case]:
    """The sweep's part for §32(四): deem accepted every submitted case whose notice period is over. Each
    case in its own transaction; one that moved meanwhile (a notice given at the last moment) is skipped."""
    from .selectors import cases_deemable

    done = []
    for case in cases_deemable(today):
        try:
            done.append(case_deem_accepted(case=case))
        except TransitionRefused:
            continue
    return done


def case_start_review(*, case: Case, by: Actor, expected_version: int | None = None) -> Case:
    return case_act(case=case, action=Action.START_REVIEW, by=by, expected_version=expected_version)


def special_procedure_start(
    *,
    case: Case,
    by: Actor,
    kind: str,
    expected_days: int,
    description: str = "",
    expected_version: int | None = None,
) -> SpecialProcedure:
    """行政许可法 §45: the clock pauses; the applicant is told which procedure and how long it takes."""
    if kind not in ProcedureKind.values:
        raise ValidationFailed.on("kind", "请选择特别程序的种类。")
    if not isinstance(expected_days, int) or not 1 <= expected_days <= 365:
        raise ValidationFailed.on("expected_days", "所需时间应为1至365个工作日。")
    made: list[SpecialProcedure] = []

    def started(act: Act) -> None:
        made.append(
            SpecialProcedure.objects.create(
                case=act.case,
                kind=kind,
                description=description.strip(),
                expected_days=expected_days,
                started_at=act.event.at,
                started_by=by.user,
            )
        )

    label = ProcedureKind(kind).label
    _act(
        case=case,
        action=Action.START_SPECIAL_PROCEDURE,
        by=by,
        reason=f"{label}，预计需要{expected_days}个工作日（不计入办理时限）。",
        detail={"procedure": kind, "expected_days": expected_days, "description": description.strip()},
        expected_version=expected_version,
        then=started,
    )
    return made[0]


def special_procedure_end(*, case: Case, by: Actor, expected_version: int | None = None) -> Case:
    def ended(act: Act) -> None:
        act.case.special_procedures.filter(ended_at=None).update(ended_at=act.event.at)

    return _act(
        case=case, action=Action.END_SPECIAL_PROCEDURE, by=by, expected_version=expected_version, then=ended
    ).case


def case_suspend(*, case: Case, by: Actor, reason: str, expected_version: int | None = None) -> Case:
    return case_act(case=case, action=Action.SUSPEND, by=by, reason=reason, expected_version=expected_version)


def case_resume(*, case: Case, by: Actor, expected_version: int | None = None) -> Case:
    return case_act(case=case, action=Action.RESUME, by=by, expected_version=expected_version)


def case_decide(
    *,
    case: Case,
    by: Actor,
    approve: bool,
    reason: str = "",
    remedies: str = "",
    license_face: dict[str, Any] | None = None,
    expected_version: int | None = None,
) -> Case:
    """准予 or 不予 (the latter with reasons and remedies, 行政许可法 §38 ¶2). Approving a case whose guide's
    result is an electronic license issues it in the same transaction, signed by the handling
    organization's seal, into the applicant's wallet; its face data come from `license_face` over the
    application form's values of the same keys."""
    if not approve:
        return case_act(
            case=case,
            action=Action.DENY,
            by=by,
            reason=reason,
            detail={"remedies": (remedies or "").strip()},
            expected_version=expected_version,
        )

    def issue(act: Act) -> None:
        issued = _result_license(act.case, by, license_face or {})
        if issued is not None:
            Case.objects.filter(pk=act.case.pk).update(result_license=issued)
            act.event.detail = {**act.event.detail, "license": issued.identifier}
            CaseEvent.objects.filter(pk=act.event.pk).update(detail=act.event.detail)

    return _act(
        case=case, action=Action.APPROVE, by=by, reason=reason, expected_version=expected_version, then=issue
    ).case


def result_license_type(case: Case):
    """The license type the case's result is, when its guide names one the platform knows."""
    code = case.implementation_version.result_license_type_code
    return license_type_by_code(code) if code else None


def result_license_current(case: Case) -> License | None:
    """The valid license of the case's result type that the applicant already holds from the handling
    organization, if any: approving the case makes its next version (换发, 补发, 变更), not a second one."""
    license_type = result_license_type(case)
    if license_type is None:
        return None
    return (
        License.objects.filter(
            holder_id=case.applicant_id,
            license_type=license_type,
            issuer_id=case.handling_org_id,
            status=LicenseStatus.VALID,
            next_versions=None,
        )
        .order_by("-issued_on", "-id")
        .first()
    )


def _result_license(case: Case, by: Actor, face: dict[str, Any]):
    license_type = result_license_type(case)
    if license_type is None:
        return None
    today = timezone.localdate()
    form = case.form_data or {}
    current = result_license_current(case)
    values = {
        **(current.face_data if current else {}),
        **{
            f["key"]: form[f["key"]] for f in license_type.face_fields if form.get(f["key"]) not in (None, "")
        },
    }
    years = license_type.validity_years
    data = Issue(
        license_type=license_type,
        holder=case.applicant,
        number=current.number
        if current
        else f"{case.handling_org.short_name or case.handling_org.name}{today:%Y}第{case.number}号",
        face_data={**values, **{k: v for k, v in face.items() if v not in (None, "")}},
        issued_on=today,
        valid_from=today,
        valid_until=years_after(today, years) if years else None,
    )
    try:
        if current is not None:
            return license_new_version(license_=current, data=data, by=by, decided_in_case=True)
        return license_issue(issuer=case.handling_org, data=data, by=by, decided_in_case=True)
    except ValidationFailed as exc:  # the reviewer fills in what the form did not give
        errors = [FieldError(e.field.replace("face_data.", "license_face."), e.message) for e in exc.errors]
        raise ValidationFailed(message=f"颁发电子证照：{exc.message}", errors=errors) from exc


def case_deliver(
    *, case: Case, by: Actor, method: str, note: str = "", expected_version: int | None = None
) -> Case:
    """The result is on its way to the applicant; how is recorded on the timeline and told to the applicant
    (pick-up at the receiving window only for a case received at a window)."""
    if method not in DeliveryMethod.values:
        raise ValidationFailed.on("method", "请选择送达方式。")
    if method == DeliveryMethod.WINDOW and case.receiving_window_id is None:
        raise ValidationFailed.on("method", "该办件不是窗口收件，不能选择到收件窗口领取。")
    note = (note or "").strip()[:200]
    label = DeliveryMethod(method).label
    return case_act(
        case=case,
        action=Action.DELIVER,
        by=by,
        reason=f"{label}：{note}" if note else label,
        detail={"method": method},
        expected_version=expected_version,
    )


def case_complete(*, case: Case, by: Actor, expected_version: int | None = None) -> Case:
    return case_act(case=case, action=Action.COMPLETE, by=by, expected_version=expected_version)


def case_withdraw(*, case: Case, by: Actor, reason: str = "", expected_version: int | None = None) -> Case:
    return case_act(
        case=case, action=Action.WITHDRAW, by=by, reason=reason, expected_version=expected_version
    )


def case_hand_over(
    *, case: Case, by: Actor, to: User, reason: str, expected_version: int | None = None
) -> Case:
    """首问负责: responsibility passes to a named colleague of the organization that holds the case."""
    holding_org = case.receiving_org_id if case.status == CaseStatus.RECEIVED else case.handling_org_id
    roles = RECEIVING_ROLES if case.status == CaseStatus.RECEIVED else HANDLER_ROLES
    if (
        to is None
        or not StaffRole.objects.filter(
            user=to, organization_id=holding_org, role__in=roles, revoked_at=None
        ).exists()
    ):
        raise ValidationFailed.on("recipient", "接手人员应为本件所在单位的在岗工作人员。")
    if to.pk == case.owner_id:
        raise ValidationFailed.on("recipient", "接手人员已是本件的负责人。")
    return case_act(
        case=case,
        action=Action.HAND_OVER,
        by=by,
        reason=reason,
        detail={"recipient": str(to)},
        expected_version=expected_version,
        recipient=to,
    )


def case_step_finish(
    *, step: CaseStep, by: Actor, agree: bool, opinion: str = "", expected_version: int | None = None
) -> CaseStep:
    """One organization's step of a 多地联办 case is done (agreeing, or objecting with a reason); the next
    stage's steps start when every step of this one is done."""
    action = StepAction.AGREE if agree else StepAction.OBJECT
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=step.case_id)
        if expected_version is not None and case.version != expected_version:
            raise Conflict("该办件已被他人处理，页面内容已过期，请刷新后再操作。")
        access.require(by, "case.view", case)
        step = CaseStep.objects.get(pk=step.pk)
        if step.organization_id not in by.organization_ids(*HANDLER_ROLES):
            raise access.ActionRefused("case.act", case, "只有该环节的办理单位可以办结本环节。")
        row = step_transition(StepStatus(step.status), action, party=Party.HANDLER, reason=opinion)
        now = timezone.now()
        step.opinion = opinion.strip()
        _step_apply(step, row.action, row.to, now=now, by=by.user)
        steps = list(case.steps.order_by("position"))
        facts = [StepFact(s.name, s.stage, StepStatus(s.status)) for s in steps]
        for index in steps_to_activate(facts):
            _step_apply(steps[index], StepAction.ACTIVATE, StepStatus.ACTIVE, now=now)
        Case.objects.filter(pk=case.pk).update(version=F("version") + 1)
        verdict = "同意" if agree else "不同意"
        _record(
            case,
            Record.STEP_FINISHED,
            by=by,
            party=Party.HANDLER,
            reason=f"{step.name}（{verdict}）" + (f"：{step.opinion}" if step.opinion else ""),
            detail={"step": step.position, "agree": agree},
            organization_id=step.organization_id,
        )
        audit_record(
            action=f"case.step_{action}",
            context=by.audit_context(),
            obj=AuditObject.of(case),
            detail={"step": step.name, "opinion": step.opinion},
        )
    step.refresh_from_db()
    return step


# --- Materials -------------------------------------------------------------------------------------

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# What a file is, from its first bytes (never from its name or the browser's word for it).
_SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)
# Who adds materials when: the applicant before submitting and while correcting; the window's clerk
# while the case is at the window (scans of what the applicant brought).
_MATERIAL_WINDOWS = {
    Party.APPLICANT: {CaseStatus.DRAFT, CaseStatus.CORRECTION_REQUIRED},
    Party.RECEIVING_CLERK: {CaseStatus.RECEIVED, CaseStatus.CORRECTION_REQUIRED},
}


def _sniff(head: bytes) -> tuple[str, str]:
    for signature, content_type, extension in _SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    raise ValidationFailed.on("file", "只能上传PDF、JPG或PNG格式的文件。")


def _material_target(
    case: Case, by: Actor, guide_material_id: int | None
) -> tuple[Case, GuideMaterial | None, Party]:
    locked = Case.objects.select_for_update().get(pk=case.pk)
    access.require(by, "case.act", locked)
    party = next((p for p in _MATERIAL_WINDOWS if p in parties_of(by, locked)), None)
    if party is None or locked.status not in _MATERIAL_WINDOWS[party]:
        raise TransitionRefused(f"办件当前状态为「{CaseStatus(locked.status).label}」，不能补充材料。")
    material = None
    if guide_material_id is not None:
        material = locked.implementation_version.materials.filter(pk=guide_material_id).first()
        if material is None:
            raise ValidationFailed.on("guide_material", "该材料不是本事项办事指南所列材料。")
    return locked, material, party


@dataclass(frozen=True)
class StoredUpload:
    """A checked material file, already in storage: written before the case's transaction so that no
    row lock (the case's, the city's number counter) is held while a file of up to 20 MB is written."""

    name: str
    content_type: str
    size: int
    sha256: str

    def discard(self) -> None:
        """Remove the file when the transaction that was to record it did not commit."""
        CaseMaterial._meta.get_field("file").storage.delete(self.name)


def material_file_store(file) -> StoredUpload:
    """A scanned or photographed material: PDF, JPG or PNG by its content, at most 20 MB, with its
    SHA-256 so that the handling city can tell it is what the applicant gave."""
    size = getattr(file, "size", 0) or 0
    if size <= 0:
        raise ValidationFailed.on("file", "请选择要上传的文件。")
    if size > MAX_UPLOAD_BYTES:
        raise ValidationFailed.on("file", f"文件不能超过{MAX_UPLOAD_BYTES // 1024 // 1024}MB。")
    file.seek(0)
    content_type, extension = _sniff(file.read(16))
    file.seek(0)
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    field = CaseMaterial._meta.get_field("file")
    name = field.storage.save(field.generate_filename(None, f"{uuid.uuid4().hex}.{extension}"), file)
    return StoredUpload(name=name, content_type=content_type, size=size, sha256=digest.hexdigest())


def case_material_upload(
    *, case: Case, by: Actor, file, guide_material_id: int | None = None, name: str = ""
) -> CaseMaterial:
    """A file added to the case (see material_file_store). `file` is an uploaded file, or a StoredUpload
    the caller stored first and discards itself if its own transaction fails."""
    stored = file if isinstance(file, StoredUpload) else material_file_store(file)
    try:
        with transaction.atomic():
            locked, material, party = _material_target(case, by, guide_material_id)
            title = (material.name if material else name).strip()
            if not title:
                raise ValidationFailed.on("name", "请填写材料名称。")
            row = CaseMaterial.objects.create(
                case=locked,
                guide_material=material,
                name=title[:200],
                kind=MaterialKind.UPLOAD,
                file=stored.name,
                content_type=stored.content_type,
                size=stored.size,
                sha256=stored.sha256,
                uploaded_by=by.user,
            )
            _material_audit(row, by, party)
    except BaseException:
        if stored is not file:
            stored.discard()
        raise
    return row


def case_material_license(
    *, case: Case, by: Actor, guide_material_id: int, license_reference: str
) -> CaseMaterial:
    """A material given by the number of an electronic license the guide accepts in its place."""
    reference = (license_reference or "").strip()
    if not reference or len(reference) > 100:
        raise ValidationFailed.on("license_reference", "请填写电子证照编号（不超过100个字符）。")
    with transaction.atomic():
        locked, material, party = _material_target(case, by, guide_material_id)
        if material is None or not material.license_type_code:
            raise ValidationFailed.on("guide_material", "该材料不能以电子证照代替。")
        row = CaseMaterial.objects.create(
            case=locked,
            guide_material=material,
            name=material.name,
            kind=MaterialKind.LICENSE,
            license_reference=reference,
            uploaded_by=by.user,
        )
        _material_audit(row, by, party)
    return row


def case_material_from_wallet(
    *, case: Case, by: Actor, guide_material_id: int, license_: License, consent: bool
) -> CaseMaterial:
    """免证明: a license of the applicant's wallet stands in for a material the guide lets it replace. It
    must be the applicant's, of the type the guide names, valid today and verified; the applicant consents
    to its face being shared with the handling organization for this case. The use is kept with the case
    (the material row: which license, for which material, consented when, by whom) and audited."""
    if not consent:
        raise ValidationFailed.on("consent", "请先阅读将要共享的证照信息并同意共享。")
    with transaction.atomic():
        locked, material, party = _material_target(case, by, guide_material_id)
        if material is None or not material.license_type_code:
            raise ValidationFailed.on("guide_material", "该材料不能以电子证照代替。")
        if license_.license_type.code != material.license_type_code:
            raise ValidationFailed.on("license", f"所选证照不是{material.license_type_name or '该材料'}。")
        if license_.holder_id not in wallet_holder_ids(by):
            raise ValidationFailed.on(
                "license", "只有持证人本人或其企业的经办人可以同意共享该电子证照，请上传材料。"
            )
        usable = licenses_usable([locked.applicant_id], [material.license_type_code])
        if license_.pk not in {u.pk for u in usable.get(material.license_type_code, [])}:
            raise ValidationFailed.on("license", "所选电子证照不属于申请人、已失效或未通过验证，不能使用。")
        if same := locked.materials.filter(guide_material=material, license=license_).first():
            return same  # a repeated request: the license already stands in for this material
        now = timezone.now()
        row = CaseMaterial.objects.create(
            case=locked,
            guide_material=material,
            name=material.name,
            kind=MaterialKind.LICENSE,
            license=license_,
            license_reference=license_.identifier,
            consented_at=now,
            uploaded_by=by.user,
        )
        _material_audit(row, by, party)
        audit_record(
            action="case.license_used",
            context=by.audit_context(),
            obj=AuditObject.of(locked),
            detail={"license": license_.identifier, "material": material.name, "purpose": "免证明"},
        )
    return row


def _material_audit(material: CaseMaterial, by: Actor, party: Party) -> None:
    """A material added to a case is on its timeline and in the audit log (its name, kind and digest,
    never its content)."""
    _record(
        material.case,
        Record.MATERIAL_ADDED,
        by=by,
        party=party,
        reason=f"{material.name}（{MaterialKind(material.kind).label}）",
        detail={"material": material.pk},
    )
    audit_record(
        action="case.material_added",
        context=by.audit_context(),
        obj=AuditObject.of(material.case),
        detail={"material": material.name, "kind": material.kind, "sha256": material.sha256},
    )


# --- Shipments (寄递) ---------------------------------------------------------------------------------

# Who sends what: the window sends materials and originals on; the handling organization sends results.
SHIPMENT_SENDERS = {
    ShipmentPurpose.MATERIALS_TO_HANDLER: Party.RECEIVING_CLERK,
    ShipmentPurpose.ORIGINALS_TO_ARCHIVE: Party.RECEIVING_CLERK,
    ShipmentPurpose.RESULT_TO_APPLICANT: Party.HANDLER,
    ShipmentPurpose.RESULT_TO_WINDOW: Party.HANDLER,
}
_SHIPMENT_MOVES = {
    ShipmentStatus.CREATED: {ShipmentStatus.IN_TRANSIT, ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED},
    ShipmentStatus.IN_TRANSIT: {ShipmentStatus.IN_TRANSIT, ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED},
}


def shipment_create(*, case: Case, by: Actor, purpose: str, carrier: str, tracking_number: str) -> Shipment:
    """A parcel of the case, registered by the side that sends it."""
    if purpose not in ShipmentPurpose.values:
        raise ValidationFailed.on("purpose", "请选择寄递用途。")
    carrier, tracking_number = (carrier or "").strip(), (tracking_number or "").strip()
    if not carrier or len(carrier) > 60:
        raise ValidationFailed.on("carrier", "请填写寄递企业（不超过60个字）。")
    if not tracking_number or len(tracking_number) > 60:
        raise ValidationFailed.on("tracking_number", "请填写运单号（不超过60个字符）。")
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        access.require(by, "case.act", locked)
        if SHIPMENT_SENDERS[purpose] not in parties_of(by, locked):
            raise access.ActionRefused("case.act", locked, "该寄递应由寄出方登记。")
        if Shipment.objects.filter(carrier=carrier, tracking_number=tracking_number).exists():
            raise ValidationFailed.on("tracking_number", "该运单号已登记。")
        now = timezone.now()
        shipment = Shipment.objects.create(
            case=locked,
            purpose=purpose,
            carrier=carrier,
            tracking_number=tracking_number,
            events=[{"at": now.isoformat(), "status": ShipmentStatus.CREATED, "text": "已登记"}],
            created_by=by.user,
        )
        _record(
            locked,
            Record.SHIPMENT_REGISTERED,
            by=by,
            party=SHIPMENT_SENDERS[purpose],
            reason=f"{ShipmentPurpose(purpose).label}：{carrier} {tracking_number}",
            detail={"shipment": shipment.pk},
        )
        audit_record(
            action="case.shipment_create",
            context=by.audit_context(),
            obj=AuditObject.of(locked),
            detail={"purpose": purpose, "carrier": carrier, "tracking_number": tracking_number},
        )
    return shipment


def shipment_update(*, shipment: Shipment, by: Actor, status: str, text: str = "") -> Shipment:
    """A step of the parcel's journey, reported by staff of either side of the case, or by a carrier's
    system through an API token with the scope `shipments:update` (it names the parcel by carrier and
    tracking number and learns nothing about the case)."""
    if status not in ShipmentStatus.values:
        raise ValidationFailed.on("status", "请选择寄递状态。")
    with transaction.atomic():
        # The case first, as every writer of its timeline does, then the parcel.
        case = Case.objects.select_for_update().get(pk=shipment.case_id)
        locked = Shipment.objects.select_for_update().get(pk=shipment.pk)
        if by.has_scope(TokenScope.SHIPMENTS_UPDATE):
            party = Party.SYSTEM
        else:
            access.require(by, "case.act", case)
            sides = [p for p in parties_of(by, case) if p in (Party.HANDLER, Party.RECEIVING_CLERK)]
            if not sides:
                raise access.ActionRefused("case.act", case, "只有收件地或办理地工作人员可以更新寄递状态。")
            party = sides[0]
        if status not in _SHIPMENT_MOVES.get(locked.status, set()):
            raise TransitionRefused(
                f"寄递当前状态为「{ShipmentStatus(locked.status).label}」，不能改为「{ShipmentStatus(status).label}」。"
            )
        note = (text or "").strip()[:200]
        locked.status = status
        locked.events = [*locked.events, {"at": timezone.now().isoformat(), "status": status, "text": note}]
        locked.save(update_fields=["status", "events", "updated_at"])
        label = ShipmentStatus(status).label
        _record(
            case,
            Record.SHIPMENT_UPDATED,
            by=by,
            party=party,
            reason=f"{locked.carrier} {locked.tracking_number}：{label}" + (f"（{note}）" if note else ""),
            detail={"shipment": locked.pk, "status": status},
        )
        audit_record(
            action="case.shipment_update",
            context=by.audit_context(),
            obj=AuditObject.of(case),
            detail={"shipment": locked.pk, "tracking_number": locked.tracking_number, "status": status},
        )
    return locked


def shipment_by_tracking(*, carrier: str, tracking_number: str) -> Shipment:
    """The parcel a carrier's system reports on; 404 when no case has it."""
    shipment = Shipment.objects.filter(
        carrier=(carrier or "").strip(), tracking_number=(tracking_number or "").strip()
    ).first()
    if shipment is None:
        raise NotFound("未找到该寄递企业的这个运单号。")
    return shipment
