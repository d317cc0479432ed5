"""The staff workbench for cases (/workbench/cases/…): inboxes by role, the case page with only the
actions the workflow table allows, materials through an access-checked view, shipments, and 异地代收
at a cross-city window (identify → receive → receipt → scans → forward).

Views are thin: they read the request, call a selector or a service, and show its Chinese message beside
the field it names. Every act carries the version the page showed (`expected_version`); a stale page gets
409 and changes nothing. Personal data is masked; a reveal goes through identity's reveal service.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from tongban.catalog.choices import Necessity
from tongban.catalog.formdef import build_form_class, parse_definition
from tongban.catalog.selectors import version_with_guide
from tongban.core.errors import Conflict, DomainError, ValidationFailed
from tongban.identity import access
from tongban.identity.access import AccessDenied, ActionRefused, Actor
from tongban.identity.models import Person, User
from tongban.identity.selectors.codes import account_identity, mask_name
from tongban.identity.services.reveal import FIELD_LABELS, person_reveal
from tongban.identity.views.errors import rate_limited
from tongban.identity.views.workbench import REVEAL_RATE, staff_only
from tongban.regions.models import Window

from .. import deadlines, services
from ..choices import Action, CaseStatus, DeliveryMethod, Party, StepStatus
from ..forms_workbench import (
    REMEDIES_DEFAULT,
    IdentifyForm,
    InboxSearchForm,
    ShipmentCreateForm,
    ShipmentUpdateForm,
    UploadForm,
)
from ..models import (
    Case,
    CaseMaterial,
    CaseStep,
    ProcedureKind,
    Shipment,
    ShipmentPurpose,
)
from ..rules import HANDLER_ROLES, RECEIVING_ROLES, parties_of
from ..selectors import (
    case_actions,
    case_get,
    case_receipt,
    case_steps,
    case_timeline,
    cases_search,
    implementations_receivable_at,
    inbox_cases,
)
from ..workflow import TransitionRefused

STALE = "该办件已被他人处理，请刷新后再试。"
PAGE_SIZE = 20
REVEAL_REASON = "办件办理"
RECEIVE_SESSION_KEY = "cases.wb_receive.applicant"
RECEIVE_TTL = dt.timedelta(minutes=30)


# --- Who comes in ------------------------------------------------------------------------------------


# --- Inboxes -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    hint: str


TABS = (
    Tab("receive", "待转送", "本单位窗口已收件、尚未转送办理地的办件"),
    Tab("accept", "待受理", "已提交、等待本单位预审受理的办件"),
    Tab("corrections", "待补正", "已一次性告知补正、等待申请人补正的办件"),
    Tab("review", "审查中", "已受理、正在审查或有本单位环节在办的办件"),
    Tab("paused", "暂停计时", "特别程序中或挂起的办件"),
    Tab("lights", "红黄牌", "临近或已超过办结时限的办件"),
    Tab("shipments", "寄递中", "有尚未签收的寄递的办件"),
    Tab("all", "全部", "我可以查看的全部办件"),
)


def _tabs_for(actor: Actor) -> list[Tab]:
    """The tabs that concern the actor's roles (supervisors see the lights and pauses, not the queues)."""
    keys = {"corrections", "paused", "lights", "shipments", "all"}
    if actor.organization_ids(*RECEIVING_ROLES):
        keys.add("receive")
    if actor.organization_ids(*HANDLER_ROLES):
        keys |= {"accept", "review"}
    return [tab for tab in TABS if tab.key in keys]


class CappedPaginator(Paginator):
    """Counts at most `CAP` + 1 rows: a busy organization's "all cases" holds tens of thousands, and
    counting them all costs PostgreSQL about 0.1 s a page (bench/cases.py) for a number nobody pages
    through; past the cap the list says so and asks for a search."""

    CAP = 1000

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[: self.CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.CAP


def applicant_label(user: User) -> str:
    """The applicant as lists show them: a person's name masked, a company's name as registered."""
    person = getattr(user, "person", None)
    if person is not None:
        return mask_name(person.real_name)
    company = getattr(user, "company", None)
    if company is not None:
        return company.name
    return mask_name(str(user))


@require_GET
@staff_only
def inbox(request: HttpRequest, actor: Actor) -> HttpResponse:
    tabs = _tabs_for(actor)
    keys = [t.key for t in tabs]
    current = request.GET.get("tab") or keys[0]
    if current not in keys:
        current = keys[0]
    form = InboxSearchForm(request.GET)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    cases = cases_search(inbox_cases(actor, current), q).select_related(
        "applicant__person", "applicant__company"
    )
    page = CappedPaginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(case, applicant_label(case.applicant)) for case in page.object_list]
    counts = {tab.key: inbox_cases(actor, tab.key).count() for tab in tabs if tab.key != "all"}
    return render(
        request,
        "cases/workbench/inbox.html",
        {
            "tabs": [(tab, counts.get(tab.key)) for tab in tabs],
            "current": next(t for t in tabs if t.key == current),
            "q": q,
            "page": page,
            "rows": rows,
            "can_receive": bool(_cross_city_windows(actor)),
        },
    )


# --- The case page -----------------------------------------------------------------------------------


def _light(case: Case):
    return deadlines.light(services.case_clock(case), timezone.localdate())


def _staff_choices(case: Case) -> list[User]:
    """Colleagues who may take the case over (首问负责 hand-over)."""
    holding = case.receiving_org_id if case.status == CaseStatus.RECEIVED else case.handling_org_id
    roles = RECEIVING_ROLES if case.status == CaseStatus.RECEIVED else HANDLER_ROLES
    users = (
        User.objects.filter(
            staff_roles__organization_id=holding, staff_roles__role__in=roles, staff_roles__revoked_at=None
        )
        .exclude(pk=case.owner_id or 0)
        .distinct()
        .order_by("pk")
    )
    return list(users)


def _result_fields(case: Case, posted=None, errors=None):
    """(type, [(key, label, value, error)], the license it replaces or None) when approving issues an
    e-license: its face fields, prefilled from the application form, else from the applicant's current
    license of the type (whose next version it then is), or from what the reviewer just posted."""
    license_type = services.result_license_type(case)
    if license_type is None:
        return None
    current = services.result_license_current(case)
    known = {**(current.face_data if current else {}), **(case.form_data or {})}
    errors = errors or {}
    rows = []
    for spec in license_type.face_fields:
        key = spec["key"]
        value = posted.get(f"face_{key}", "") if posted is not None else known.get(key, "")
        rows.append((key, spec["label"], value, errors.get(f"license_face.{key}", "")))
    return license_type, rows, current


def _case_context(request: HttpRequest, actor: Actor, case: Case, **extra) -> dict:
    actions = case_actions(actor, case)
    steps = list(case_steps(case))
    materials = list(case.materials.select_related("guide_material").order_by("id"))
    person = getattr(case.applicant, "person", None)
    version = case.implementation_version
    guide_materials = list(version.materials.all())
    parties = set(parties_of(actor, case))
    window_scans = Party.RECEIVING_CLERK in parties and case.status in (
        CaseStatus.RECEIVED,
        CaseStatus.CORRECTION_REQUIRED,
    )
    return {
        "case": case,
        "version": version,
        "applicant": account_identity(user=case.applicant) if _identifiable(case.applicant) else None,
        "applicant_label": applicant_label(case.applicant),
        "can_reveal": person is not None and access.check(actor, "person.reveal", person),
        "field_labels": FIELD_LABELS,
        "light": _light(case),
        "steps": steps,
        "my_step_ids": {
            step.pk
            for step in steps
            if step.status == StepStatus.ACTIVE
            and step.organization_id in actor.organization_ids(*HANDLER_ROLES)
        },
        "timeline": list(case_timeline(case).select_related("organization", "owner_after")),
        "materials": materials,
        "notices": list(case.correction_notices.select_related("issued_by").order_by("number")),
        "procedures": list(case.special_procedures.order_by("started_at")),
        "shipments": list(case.shipments.order_by("created_at")),
        "actions": [(row.action, Action(row.action).label) for row in actions],
        "deferrable": [m for m in guide_materials if m.necessity != Necessity.REQUIRED],
        "procedure_kinds": ProcedureKind.choices,
        "delivery_methods": [
            (value, label)
            for value, label in DeliveryMethod.choices
            if value != DeliveryMethod.WINDOW or case.receiving_window_id
        ],
        "recipients": _staff_choices(case) if Action.HAND_OVER in {r.action for r in actions} else [],
        "result_license": _result_fields(
            case,
            extra.get("posted") if extra.get("open_action") == Action.APPROVE else None,
            extra.get("errors"),
        )
        if Action.APPROVE in {r.action for r in actions}
        else None,
        "remedies_default": REMEDIES_DEFAULT,
        "notices_issued": case.correction_notices.count(),
        "upload_form": UploadForm(materials=guide_materials) if window_scans else None,
        "shipment_form": ShipmentCreateForm() if parties & {Party.HANDLER, Party.RECEIVING_CLERK} else None,
        "shipment_purposes": [
            (p.value, p.label) for p in ShipmentPurpose if services.SHIPMENT_SENDERS[p] in parties
        ],
        "shipment_statuses": ShipmentUpdateForm.base_fields["status"].choices,
        "can_ship": bool(parties & {Party.HANDLER, Party.RECEIVING_CLERK}),
        "errors": {},
        "posted": {},
        **extra,
    }


def _identifiable(user: User) -> bool:
    return hasattr(user, "person") or hasattr(user, "company")


def _render_case(request, actor, case, *, status: int = 200, **extra) -> HttpResponse:
    return render(
        request, "cases/workbench/case.html", _case_context(request, actor, case, **extra), status=status
    )


@require_GET
@staff_only
def case_page(request: HttpRequest, actor: Actor, number: str) -> HttpResponse:
    case = _case_or_404(actor, number)
    return _render_case(request, actor, case, flash=request.session.pop("cases.wb_flash", ""))


def _case_or_404(actor: Actor, number: str) -> Case:
    try:
        return case_get(actor, number)
    except ValidationFailed:
        raise AccessDenied("case.view") from None


# --- Acting on a case --------------------------------------------------------------------------------


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _int(value: str, field: str, message: str) -> int:
    try:
        return int((value or "").strip())
    except ValueError:
        raise ValidationFailed.on(field, message) from None


def _deficiencies(request: HttpRequest, case: Case) -> list[services.Deficiency]:
    found = []
    for material in case.implementation_version.materials.exclude(necessity=Necessity.REQUIRED):
        raw = request.POST.get(f"promise_{material.pk}", "").strip()
        if not raw:
            continue
        try:
            day = dt.date.fromisoformat(raw)
        except ValueError:
            raise ValidationFailed.on(
                "with_deficiency", f"「{material.name}」的承诺补交日期格式有误。"
            ) from None
        found.append(services.Deficiency(guide_material_id=material.pk, promised_on=day))
    if not found:
        raise ValidationFailed.on("with_deficiency", "容缺受理须列明容缺材料及申请人承诺补交的日期。")
    return found


def _perform(request: HttpRequest, actor: Actor, case: Case, action: str, version: int) -> str:
    """Call the service for `action`; the message shown afterwards."""
    post = request.POST
    reason = post.get("reason", "").strip()
    common = {"case": case, "by": actor, "expected_version": version}
    if action == Action.FORWARD:
        services.case_forward(**common)
        return "已转送办理地。"
    if action == Action.ACCEPT:
        services.case_accept(**common)
        return "已受理。"
    if action == Action.ACCEPT_WITH_DEFICIENCY:
        services.case_accept(**common, with_deficiency=_deficiencies(request, case))
        return "已容缺受理。"
    if action == Action.ISSUE_CORRECTION_NOTICE:
        services.correction_notice_issue(**common, items=_lines(post.get("items", "")), reason=reason)
        return "已出具一次性告知书。"
    if action == Action.REFUSE_ACCEPTANCE:
        services.case_refuse(**common, reason=reason, remedies=post.get("remedies", ""))
        return "已作出不予受理决定。"
    if action == Action.RESUBMIT:
        services.case_resubmit(**common)
        return "已代收补正材料并重新提交。"
    if action == Action.START_REVIEW:
        services.case_start_review(**common)
        return "已开始审查。"
    if action == Action.START_SPECIAL_PROCEDURE:
        days = _int(post.get("expected_days", ""), "expected_days", "所需时间应为1至365个工作日。")
        services.special_procedure_start(
            **common, kind=post.get("kind", ""), expected_days=days, description=post.get("description", "")
        )
        return "已启动特别程序，办理时限暂停。"
    if action == Action.END_SPECIAL_PROCEDURE:
        services.special_procedure_end(**common)
        return "特别程序已结束，恢复计时。"
    if action == Action.SUSPEND:
        services.case_suspend(**common, reason=reason)
        return "已挂起，办理时限暂停。"
    if action == Action.RESUME:
        services.case_resume(**common)
        return "已恢复办理。"
    if action == Action.APPROVE:
        face = {key.removeprefix("face_"): value for key, value in post.items() if key.startswith("face_")}
        services.case_decide(**common, approve=True, reason=reason, license_face=face)
        return "已作出准予办理决定。"
    if action == Action.DENY:
        services.case_decide(**common, approve=False, reason=reason, remedies=post.get("remedies", ""))
        return "已作出不予办理决定。"
    if action == Action.DELIVER:
        services.case_deliver(**common, method=post.get("method", ""), note=post.get("note", ""))
        return "已送达结果。"
    if action == Action.COMPLETE:
        services.case_complete(**common)
        return "已办结。"
    if action == Action.HAND_OVER:
        recipient = User.objects.filter(
            pk=_int(post.get("recipient", "") or "0", "recipient", "请选择接手的工作人员。")
        ).first()
        services.case_hand_over(**common, to=recipient, reason=reason)
        return "已移交。"
    services.case_act(case=case, action=action, by=actor, reason=reason, expected_version=version)
    return "操作已完成。"


@require_POST
@staff_only
def case_act_view(request: HttpRequest, actor: Actor, number: str, action: str) -> HttpResponse:
    case = _case_or_404(actor, number)
    try:
        version = int(request.POST.get("expected_version", ""))
    except ValueError:
        version = -1
    if version != case.version:
        return _render_case(request, actor, case, status=409, problem=STALE)
    if action not in {row.action for row in case_actions(actor, case)}:
        return _render_case(request, actor, case, status=403, problem="您现在不能对该办件执行此操作。")
    try:
        message = _perform(request, actor, case, action, version)
    except (AccessDenied, ActionRefused):
        raise
    except Conflict:
        case.refresh_from_db()
        return _render_case(request, actor, case, status=409, problem=STALE)
    except TransitionRefused as exc:
        case.refresh_from_db()
        return _render_case(request, actor, case, status=exc.status, problem=exc.message)
    except DomainError as exc:
        errors = {e.field: e.message for e in exc.errors}
        return _render_case(
            request,
            actor,
            case,
            status=400,
            problem=exc.message,
            errors=errors,
            open_action=action,
            posted=request.POST,
        )
    request.session["cases.wb_flash"] = message
    return redirect("cases:wb_case", number=case.number)


@require_POST
# The same budget as the workbench's own reveal (one group): reveals are counted per person, wherever made.
@ratelimit(key="user_or_ip", rate=REVEAL_RATE, group="person.reveal", block=False)
@staff_only
def case_reveal(request: HttpRequest, actor: Actor, number: str) -> HttpResponse:
    """The applicant's clear ID or phone number on this response only, through identity's reveal service."""
    if getattr(request, "limited", False):
        return rate_limited(request)
    case = _case_or_404(actor, number)
    person = Person.objects.filter(user_id=case.applicant_id).first()
    if person is None:
        raise AccessDenied("person.reveal")
    field = request.POST.get("field", "")
    try:
        value = person_reveal(person=person, field=field, by=actor, reason=REVEAL_REASON)
    except (AccessDenied, ActionRefused):
        raise
    except DomainError as exc:
        return _render_case(request, actor, case, status=400, problem=exc.message)
    revealed = {"label": FIELD_LABELS[field], "value": value, "reason": REVEAL_REASON}
    return _render_case(request, actor, case, revealed=revealed)


@require_POST
@staff_only
def step_finish(request: HttpRequest, actor: Actor, number: str, step_id: int) -> HttpResponse:
    """多地联办: staff of a step's organization finish their own step, agreeing or objecting (with reason)."""
    case = _case_or_404(actor, number)
    step = CaseStep.objects.filter(case=case, pk=step_id).first()
    if step is None:
        raise AccessDenied("case.view")
    try:
        version = int(request.POST.get("expected_version", ""))
    except ValueError:
        version = -1
    if version != case.version:
        return _render_case(request, actor, case, status=409, problem=STALE)
    agree = request.POST.get("agree") == "yes"
    try:
        services.case_step_finish(
            step=step,
            by=actor,
            agree=agree,
            opinion=request.POST.get("opinion", ""),
            expected_version=version,
        )
    except (AccessDenied, ActionRefused):
        raise
    except Conflict:
        case.refresh_from_db()
        return _render_case(request, actor, case, status=409, problem=STALE)
    except DomainError as exc:
        case.refresh_from_db()
        errors = {f"step_{e.field}": e.message for e in exc.errors}
        return _render_case(request, actor, case, status=exc.status, problem=exc.message, errors=errors)
    request.session["cases.wb_flash"] = f"「{step.name}」已办结。"
    return redirect("cases:wb_case", number=case.number)


# --- Materials -----------------------------------------------------------------------------------------


@require_GET
@staff_only
def material_file(request: HttpRequest, actor: Actor, number: str, material_id: int) -> HttpResponse:
    """A material's file, streamed from storage to staff who see the case (media has no public URL)."""
    case = _case_or_404(actor, number)
    material = CaseMaterial.objects.filter(case=case, pk=material_id).exclude(file="").first()
    if material is None:
        raise AccessDenied("case.view")
    inline = request.GET.get("download") is None
    extension = material.file.name.rsplit(".", 1)[-1]
    response = FileResponse(
        material.file.open("rb"),
        content_type=material.content_type or "application/octet-stream",
        as_attachment=not inline,
        filename=f"{case.number}-{material.pk}.{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@staff_only
def material_upload(request: HttpRequest, actor: Actor, number: str) -> HttpResponse:
    """A scan of what the applicant brought to the window (收件地扫描)."""
    case = _case_or_404(actor, number)
    form = UploadForm(
        request.POST, request.FILES, materials=list(case.implementation_version.materials.all())
    )
    if not form.is_valid():
        errors = {name: messages[0] for name, messages in form.errors.items()}
        return _render_case(
            request, actor, case, status=400, problem=next(iter(errors.values())), errors=errors
        )
    try:
        services.case_material_upload(
            case=case,
            by=actor,
            file=form.cleaned_data["file"],
            guide_material_id=form.cleaned_data["guide_material"],
            name=form.cleaned_data["name"],
        )
    except (AccessDenied, ActionRefused):
        raise
    except DomainError as exc:
        errors = {e.field: e.message for e in exc.errors}
        return _render_case(request, actor, case, status=exc.status, problem=exc.message, errors=errors)
    request.session["cases.wb_flash"] = "材料已上传。"
    return redirect(reverse("cases:wb_case", kwargs={"number": case.number}) + "#materials")


# --- Shipments -----------------------------------------------------------------------------------------


def _shipment_error(request, actor, case, exc: DomainError) -> HttpResponse:
    errors = {e.field: e.message for e in exc.errors}
    return _render_case(request, actor, case, status=exc.status, problem=exc.message, errors=errors)


@require_POST
@staff_only
def shipment_create(request: HttpRequest, actor: Actor, number: str) -> HttpResponse:
    case = _case_or_404(actor, number)
    form = ShipmentCreateForm(request.POST)
    if not form.is_valid():
        errors = {name: messages[0] for name, messages in form.errors.items()}
        return _render_case(
            request,
            actor,
            case,
            status=400,
            problem=next(iter(errors.values())),
            errors=errors,
            posted=request.POST,
        )
    try:
        services.shipment_create(case=case, by=actor, **form.cleaned_data)
    except (AccessDenied, ActionRefused):
        raise
    except DomainError as exc:
        return _shipment_error(request, actor, case, exc)
    request.session["cases.wb_flash"] = "寄递已登记。"
    return redirect(reverse("cases:wb_case", kwargs={"number": case.number}) + "#shipments")


@require_POST
@staff_only
def shipment_update(request: HttpRequest, actor: Actor, number: str, shipment_id: int) -> HttpResponse:
    case = _case_or_404(actor, number)
    shipment = Shipment.objects.filter(case=case, pk=shipment_id).first()
    if shipment is None:
        raise AccessDenied("case.view")
    form = ShipmentUpdateForm(request.POST)
    if not form.is_valid():
        errors = {name: messages[0] for name, messages in form.errors.items()}
        return _render_case(
            request, actor, case, status=400, problem=next(iter(errors.values())), errors=errors
        )
    try:
        services.shipment_update(shipment=shipment, by=actor, **form.cleaned_data)
    except (AccessDenied, ActionRefused):
        raise
    except DomainError as exc:
        return _shipment_error(request, actor, case, exc)
    request.session["cases.wb_flash"] = "寄递状态已更新。"
    return redirect(reverse("cases:wb_case", kwargs={"number": case.number}) + "#shipments")


# --- 异地代收代办 at a cross-city window --------------------------------------------------------------


def _cross_city_windows(actor: Actor) -> list[Window]:
    orgs = actor.organization_ids(*RECEIVING_ROLES)
    if not orgs:
        return []
    return list(
        Window.objects.filter(is_cross_city=True, hall__organization_id__in=orgs)
        .select_related("hall__region__city", "hall__organization")
        .order_by("hall__name", "number")
    )


def _receiving_applicant(request: HttpRequest) -> User | None:
    """The applicant this clerk identified for the receipt under way (kept in the session, 30 minutes)."""
    held = request.session.get(RECEIVE_SESSION_KEY)
    if not held:
        return None
    if timezone.now().timestamp() - held.get("at", 0) > RECEIVE_TTL.total_seconds():
        request.session.pop(RECEIVE_SESSION_KEY, None)
        return None
    return User.objects.select_related("person", "company").filter(pk=held["user"]).first()


def _identify(actor: Actor, data: dict) -> User:
    return services.applicant_identify(
        by=actor,
        identity_code=data.get("token") or "",
        real_name=data.get("real_name") or "",
        id_number=data.get("id_number") or "",
    )


@require_http_methods(["GET", "POST"])
@staff_only
def receive(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Step 1 identify the applicant; step 2 pick the window and item, check the handling org's checklist,
    fill its form, record consent, receive."""
    windows = _cross_city_windows(actor)
    if not windows:
        raise ActionRefused("case.receive", message="您所在单位没有圈内通办专窗，不能异地代收。")
    context: dict = {"windows": windows, "errors": {}}
    if request.method == "POST" and request.POST.get("step") == "identify":
        form = IdentifyForm(request.POST)
        if form.is_valid():
            try:
                user = _identify(actor, form.cleaned_data)
            except (AccessDenied, ActionRefused):
                raise
            except DomainError as exc:
                context["problem"] = exc.message
                context["errors"] = {e.field: e.message for e in exc.errors} or {"token": exc.message}
            else:
                request.session[RECEIVE_SESSION_KEY] = {"user": user.pk, "at": timezone.now().timestamp()}
                return redirect("cases:wb_receive")
        else:
            context["errors"] = {name: messages[0] for name, messages in form.errors.items()}
            context["problem"] = next(iter(context["errors"].values()))
        context["identify_form"] = form
        return render(request, "cases/workbench/receive.html", context, status=400)
    if request.method == "POST" and request.POST.get("step") == "forget":
        request.session.pop(RECEIVE_SESSION_KEY, None)
        return redirect("cases:wb_receive")

    applicant = _receiving_applicant(request)
    context["identify_form"] = IdentifyForm()
    if applicant is None:
        return render(request, "cases/workbench/receive.html", context)
    context["applicant"] = account_identity(user=applicant)
    source = request.POST if request.method == "POST" else request.GET
    window = next((w for w in windows if str(w.pk) == source.get("window")), windows[0])
    items = implementations_receivable_at(window)
    context.update(window=window, items=items)
    chosen = next((i for i in items if i.code == source.get("implementation")), None)
    if chosen is None:
        return render(request, "cases/workbench/receive.html", context)
    version = version_with_guide(chosen.current_id)
    form_class = build_form_class(parse_definition(version.form_schema))
    application = form_class(data=request.POST) if request.method == "POST" else form_class()
    context.update(chosen=chosen, version=version, application=application)
    if request.method != "POST":
        return render(request, "cases/workbench/receive.html", context)
    try:
        case = services.case_receive_at_window(
            by=actor,
            window=window,
            implementation_version=version,
            applicant=applicant,
            consent=request.POST.get("consent") == "yes",
            form_data={k: v for k, v in request.POST.items() if k in form_class.base_fields},
        )
    except (AccessDenied, ActionRefused):
        raise
    except DomainError as exc:
        context["problem"] = exc.message
        context["errors"] = {e.field.removeprefix("form_data."): e.message for e in exc.errors}
        return render(request, "cases/workbench/receive.html", context, status=400)
    request.session.pop(RECEIVE_SESSION_KEY, None)
    return redirect("cases:wb_receipt", number=case.number)


@require_GET
@staff_only
def receipt(request: HttpRequest, actor: Actor, number: str) -> HttpResponse:
    """收件告知单: what the window received, for which organization, how long it takes, how the result comes
    back. Printable (the print stylesheet drops everything but the notice)."""
    case = _case_or_404(actor, number)
    receipt = case_receipt(case)
    return render(
        request,
        "cases/workbench/receipt.html",
        {
            "case": case,
            "version": receipt.version,
            "applicant_label": applicant_label(case.applicant),
            "applicant": account_identity(user=case.applicant) if _identifiable(case.applicant) else None,
            "materials": receipt.materials,
            "checklist": receipt.checklist,
            "delivery": receipt.delivery,
        },
    )


urlpatterns = [
    path("workbench/cases/", inbox, name="wb_inbox"),
    path("workbench/cases/receive/", receive, name="wb_receive"),
    path("workbench/cases/<str:number>/", case_page, name="wb_case"),
    path("workbench/cases/<str:number>/act/<str:action>/", case_act_view, name="wb_act"),
    path("workbench/cases/<str:number>/steps/<int:step_id>/", step_finish, name="wb_step_finish"),
    path("workbench/cases/<str:number>/reveal/", case_reveal, name="wb_reveal"),
    path("workbench/cases/<str:number>/receipt/", receipt, name="wb_receipt"),
    path("workbench/cases/<str:number>/materials/", material_upload, name="wb_material_upload"),
    path("workbench/cases/<str:number>/materials/<int:material_id>/", material_file, name="wb_material"),
    path("workbench/cases/<str:number>/shipments/", shipment_create, name="wb_shipment_create"),
    path(
        "workbench/cases/<str:number>/shipments/<int:shipment_id>/",
        shipment_update,
        name="wb_shipment_update",
    ),
]
