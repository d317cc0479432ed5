"""The applicant's pages: my cases, one case (progress, timeline, notices, materials, shipments and the
actions open to the applicant now), applying online, and the public lookup of a window case.

Thin: selectors find (another person's case answers 404 through AccessDenied and DenialMiddleware),
services decide; their Chinese messages are shown beside the fields they name. Staff appear by their
organization and a masked name; no page shows an ID or phone number in clear.
"""

import uuid
from dataclasses import dataclass, replace

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from tongban.catalog.choices import Mode, VersionStatus
from tongban.catalog.formdef import build_form_class, parse_definition
from tongban.catalog.models import Implementation
from tongban.core.choices import Channel
from tongban.core.errors import DomainError, FieldError, ValidationFailed
from tongban.core.masking import mask_text
from tongban.identity.access import actor_for, actor_from_request, client_ip
from tongban.identity.models import User, phone_index
from tongban.identity.selectors.mandates import principals_for
from tongban.identity.views.errors import rate_limited
from tongban.licenses.selectors import licenses_usable, wallet_holder_ids

from .. import deadlines
from ..choices import Action, CaseStatus, Party, Record
from ..forms import LookupForm, MaterialsForm, MaterialUploadForm
from ..models import Case, CaseEvent, CaseMaterial
from ..rules import parties_of
from ..selectors import case_actions, case_get, case_steps, cases_visible
from ..services import (
    StoredUpload,
    case_clock,
    case_material_from_wallet,
    case_material_license,
    case_material_upload,
    case_resubmit,
    case_start_online,
    case_submit,
    case_withdraw,
    form_data_clean,
    material_file_store,
    step_clock,
)

PAGE_SIZE = 20
APPLICANT_ACTIONS = (Action.SUBMIT, Action.RESUBMIT, Action.WITHDRAW)
UPLOAD_STATUSES = (CaseStatus.DRAFT, CaseStatus.CORRECTION_REQUIRED)
STAFF_PARTIES = (Party.HANDLER, Party.RECEIVING_CLERK, Party.SUPERVISOR)
ONLINE_MODES = (Mode.ONLINE, Mode.JOINT)
LOOKUP_RATE = "10/m"
APPLY_RATE = "20/h"


def mask_name(name: str) -> str:
    """张三丰 → 张**: enough for an applicant to tell colleagues apart, not to find them."""
    name = (name or "").strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


@dataclass(frozen=True)
class TimelineRow:
    at: object
    what: str
    status: str
    who: str
    reason: str


def _who(event: CaseEvent, *, public: bool) -> str:
    if event.party == Party.SYSTEM:
        return "寄递企业" if event.action == Record.SHIPMENT_UPDATED else "系统"
    if event.party in STAFF_PARTIES:
        org = event.organization.name if event.organization else "政务服务机构"
        return org if public else f"{org} 工作人员{mask_name(event.actor_label)}"
    if public:
        return "申请人"
    if event.organization is not None:  # a staff helper (帮办代办) acting at the applicant's request
        return f"{event.organization.name} 帮办代办员{mask_name(event.actor_label)}（代申请人办理）"
    who = mask_text(event.actor_label)
    if event.on_behalf_of_label and event.on_behalf_of_label != event.actor_label:
        who += f"（代{mask_text(event.on_behalf_of_label)}办理）"
    return who


def timeline(case: Case, *, public: bool = False) -> list[TimelineRow]:
    events = CaseEvent.objects.filter(case=case).select_related("organization").order_by("seq")
    return [
        TimelineRow(
            at=e.at,
            what=e.get_action_display(),
            status=e.get_to_status_display(),
            who=_who(e, public=public),
            reason="" if public else mask_text(e.reason),
        )
        for e in events
    ]


def case_light(case: Case) -> deadlines.Light | None:
    if case.clock_started_on is None or case.status == CaseStatus.WITHDRAWN:
        return None
    clock = case_clock(case)
    if case.status == CaseStatus.SUSPENDED:  # the pause is 挂起, not a special procedure
        clock = replace(clock, pauses=tuple(replace(p, what="暂停办理") for p in clock.pauses))
    return deadlines.light(clock, timezone.localdate())


def _steps(case: Case) -> list[tuple]:
    today = timezone.localdate()
    return [(s, deadlines.light(step_clock(s), today) if s.started_on else None) for s in case_steps(case)]


def form_rows(case: Case) -> list[tuple[str, str]]:
    """The application form as filled, labelled by the version's definition; ID and phone numbers in it
    are masked like everywhere else on the portal."""
    definition = parse_definition(case.implementation_version.form_schema)
    rows = []
    for spec in definition.fields:
        value = case.form_data.get(spec.key)
        if value in (None, "", []):
            continue
        if isinstance(value, bool):
            text = "是" if value else "否"
        elif isinstance(value, list):
            labels = {o.value: o.label for o in spec.options}
            text = "、".join(labels.get(v, str(v)) for v in value)
        else:
            labels = {o.value: o.label for o in spec.options}
            text = labels.get(value, str(value))
        rows.append((spec.label, mask_text(text)))
    return rows


def _get_case(request: HttpRequest, number: str) -> Case:
    try:
        return case_get(actor_from_request(request), number)
    except ValidationFailed:
        raise Http404("no such case") from None


def _case_context(request: HttpRequest, case: Case, **extra) -> dict:
    actor = actor_from_request(request)
    # Staff see the page too, but act from the workbench: only an applicant gets the buttons.
    is_applicant = Party.APPLICANT in parties_of(actor, case)
    offered = {row.action for row in case_actions(actor, case)} if is_applicant else set()
    actions = offered & set(APPLICANT_ACTIONS)
    can_upload = is_applicant and case.status in UPLOAD_STATUSES
    materials = list(case.implementation_version.materials.all())
    context = {
        "case": case,
        "light": case_light(case),
        "steps": _steps(case),
        "timeline": timeline(case),
        "form_rows": form_rows(case),
        "notices": list(case.correction_notices.order_by("number")),
        "materials": list(case.materials.order_by("id")),
        "guide_materials": materials,
        "shipments": list(case.shipments.order_by("created_at")),
        "procedures": list(case.special_procedures.order_by("started_at")),
        "actions": actions,
        "can_upload": can_upload,
        "upload_form": MaterialUploadForm(materials=materials) if can_upload else None,
    }
    return context | extra


@login_required
def case_page(request: HttpRequest, number: str) -> HttpResponse:
    case = _get_case(request, number)
    return render(request, "cases/portal/case.html", _case_context(request, case))


@login_required
def notice_page(request: HttpRequest, number: str, notice: int) -> HttpResponse:
    """一次性告知书, printable."""
    case = _get_case(request, number)
    notice_row = get_object_or_404(case.correction_notices.select_related("issued_by"), number=notice)
    return render(request, "cases/portal/notice.html", {"case": case, "notice": notice_row})


@login_required
def my_cases(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    cases = cases_visible(actor).order_by("-created_at", "-id")
    if actor.user is not None and not (actor.is_person or actor.is_company):
        cases = cases.none()  # staff use the workbench
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(case, case_light(case)) for case in page.object_list]
    return render(request, "cases/portal/my_cases.html", {"page": page, "rows": rows})


@login_required
def material_file(request: HttpRequest, number: str, material_id: int) -> HttpResponse:
    """A material's file, for those who see the case (media has no public URL); always a download."""
    case = _get_case(request, number)
    material = CaseMaterial.objects.filter(case=case, pk=material_id).exclude(file="").first()
    if material is None:
        raise Http404("no such material")
    extension = material.file.name.rsplit(".", 1)[-1]
    response = FileResponse(
        material.file.open("rb"),
        content_type=material.content_type or "application/octet-stream",
        as_attachment=True,
        filename=f"{case.number}-{material.pk}.{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _act(request: HttpRequest, number: str, service, **kwargs) -> HttpResponse:
    case = _get_case(request, number)
    actor = actor_from_request(request)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        service(case=case, by=actor, expected_version=version, **kwargs)
    except DomainError as error:
        case.refresh_from_db()
        context = _case_context(request, case, error=error.message)
        return render(request, "cases/portal/case.html", context, status=error.status)
    return redirect("cases:case", number=case.number)


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, number: str) -> HttpResponse:
    """GET asks for confirmation; POST withdraws."""
    if request.method == "POST":
        reason = request.POST.get("reason", "").strip()[:500]
        return _act(request, number, case_withdraw, reason=reason)
    case = _get_case(request, number)
    return render(request, "cases/portal/withdraw.html", {"case": case})


@login_required
@require_POST
def submit(request: HttpRequest, number: str) -> HttpResponse:
    return _act(request, number, case_submit)


@login_required
@require_POST
def resubmit(request: HttpRequest, number: str) -> HttpResponse:
    return _act(request, number, case_resubmit)


@login_required
@require_POST
def material_upload(request: HttpRequest, number: str) -> HttpResponse:
    case = _get_case(request, number)
    actor = actor_from_request(request)
    materials = list(case.implementation_version.materials.all())
    form = MaterialUploadForm(request.POST, request.FILES, materials=materials)
    if form.is_valid():
        try:
            case_material_upload(
                case=case,
                by=actor,
                file=form.cleaned_data["file"],
                guide_material_id=form.cleaned_data["guide_material"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            return redirect("cases:case", number=case.number)
    context = _case_context(request, case, upload_form=form)
    return render(request, "cases/portal/case.html", context, status=400)


# --- Applying online ---------------------------------------------------------------------------------

SECRET_TYPES = ("id_number", "phone")  # typed values not shown back on a page with errors


def _offered_mode(implementation: Implementation) -> Mode | None:
    """全程网办 when the implementation offers it, else 多地联办 when that is offered; None for neither."""
    modes = set(implementation.availability.values_list("mode", flat=True))
    return next((mode for mode in ONLINE_MODES if mode in modes), None)


def _principals(request: HttpRequest, item_code: str) -> list[tuple[str, str]]:
    """Those the signed-in person may apply for (identity's selector): companies they operate,
    principals whose mandate in force covers the item."""
    return [
        (str(user.pk), f"{name}（{how}）")
        for user, name, how in principals_for(actor_from_request(request), item_code)
    ]


def _apply_actor(request: HttpRequest, on_behalf: str):
    if not on_behalf:
        return actor_from_request(request)
    principal = User.objects.get(pk=int(on_behalf))
    return actor_for(request.user, channel=Channel.WEB, ip=client_ip(request), on_behalf_of=principal)


def _offered(request: HttpRequest, materials) -> dict[int, list]:
    """免证明: for each material a license can replace, the usable licenses of that type in the wallet —
    the account's own and its companies' (the service refuses one whose holder is not the applicant)."""
    codes = {m.license_type_code for m in materials if m.license_type_code}
    if not codes:
        return {}
    usable = licenses_usable(wallet_holder_ids(actor_from_request(request)), codes)
    return {m.pk: usable.get(m.license_type_code, []) for m in materials if m.license_type_code}


def _apply_forms(request: HttpRequest, version, principals, *, bound: bool):
    definition = parse_definition(version.form_schema)
    materials = list(version.materials.all())
    offered = _offered(request, materials)
    if bound:
        form = build_form_class(definition)(request.POST, prefix="f")
        files = MaterialsForm(
            request.POST, request.FILES, materials=materials, principals=principals, offered=offered
        )
    else:
        form = build_form_class(definition)(prefix="f")
        files = MaterialsForm(
            initial={"idempotency_key": uuid.uuid4().hex},
            materials=materials,
            principals=principals,
            offered=offered,
        )
    form.secret_keys = [spec.key for spec in definition.fields if spec.type in SECRET_TYPES]
    return form, files


def _map_errors(error: DomainError, form, files, material_field: str | None = None) -> None:
    for field_error in error.errors or [FieldError("", error.message)]:
        name = field_error.field
        if name.startswith("form_data.") and name.removeprefix("form_data.") in form.fields:
            form.add_error(name.removeprefix("form_data."), field_error.message)
        elif name in ("file", "license_reference", "guide_material") and material_field:
            files.add_error(material_field, field_error.message)
        else:
            files.add_error(None, field_error.message)
    files.describe_errors()


def _apply_submit(actor, version, mode, form, files) -> Case:
    """Start (idempotently), add the materials and submit, all or nothing. The files are checked and
    stored first, outside the transaction (which holds the city's case-number counter), and removed if it
    fails. A replayed request (the same key, after the first one committed) finds its case already past
    the draft and changes nothing."""
    stored: dict[str, StoredUpload] = {}
    try:
        for row in files.material_fields():
            file_field = row.file
            if files.wallet_choice(row.material):
                continue  # the wallet's license stands in; a file given as well is not kept
            if upload := files.cleaned_data.get(file_field.name):
                try:
                    stored[file_field.name] = material_file_store(upload)
                except DomainError as error:
                    error.material_field = file_field.name
                    raise
        with transaction.atomic():
            case = case_start_online(
                by=actor,
                implementation_version=version,
                form_data=form_data_clean(version, form.cleaned_data),
                idempotency_key=files.cleaned_data["idempotency_key"],
                mode=mode,
            )
            if case.status != CaseStatus.DRAFT:
                _discard(stored)  # a replay: the first request's files are the case's
                return case
            for row in files.material_fields():
                material, file_field, license_field = row.material, row.file, row.license
                upload = stored.get(file_field.name)
                reference = (
                    (files.cleaned_data.get(license_field.name) or "").strip() if license_field else ""
                )
                chosen = files.wallet_choice(material)
                try:
                    if chosen:
                        case_material_from_wallet(
                            case=case,
                            by=actor,
                            guide_material_id=material.pk,
                            license_=next(lic for lic, _ in row.offers if lic.pk == chosen),
                            consent=bool(files.cleaned_data.get("share_consent")),
                        )
                    elif upload:
                        case_material_upload(case=case, by=actor, file=upload, guide_material_id=material.pk)
                    elif reference:
                        case_material_license(
                            case=case, by=actor, guide_material_id=material.pk, license_reference=reference
                        )
                except DomainError as error:
                    error.material_field = file_field.name
                    raise
            return case_submit(case=case, by=actor, expected_version=None)
    except BaseException:
        _discard(stored)
        raise


def _discard(stored: dict[str, StoredUpload]) -> None:
    for upload in stored.values():
        upload.discard()
    stored.clear()


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit(group="cases.apply", key="user", rate=APPLY_RATE, method="POST", block=False)
def apply(request: HttpRequest, code: str) -> HttpResponse:
    """在线申请: what is needed, the item's application form, the materials, one submit."""
    implementation = get_object_or_404(
        Implementation.objects.select_related("service_item", "organization", "current"), code=code
    )
    version = implementation.current
    mode = _offered_mode(implementation)
    context = {"implementation": implementation, "version": version, "mode": mode}
    if version is None or version.status != VersionStatus.PUBLISHED or mode is None:
        return render(request, "cases/portal/apply_unavailable.html", context, status=404)
    if request.user.kind not in ("person", "company"):
        return render(request, "cases/portal/apply_unavailable.html", context | {"staff": True}, status=403)
    principals = _principals(request, implementation.service_item.basic_code)
    form, files = _apply_forms(request, version, principals, bound=request.method == "POST")
    if request.method == "POST":
        if getattr(request, "limited", False):
            return rate_limited(request)
        if form.is_valid() and files.is_valid():
            actor = _apply_actor(request, files.cleaned_data.get("on_behalf", ""))
            try:
                case = _apply_submit(actor, version, mode, form, files)
            except DomainError as error:
                _map_errors(error, form, files, getattr(error, "material_field", None))
            else:
                return redirect("cases:case", number=case.number)
        for name in form.errors:
            if name in form.fields:
                form.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"{form[name].auto_id}-error"}
                )
        form.data = form.data.copy()
        for key in form.secret_keys:
            form.data[form.add_prefix(key)] = ""
        return render(
            request, "cases/portal/apply.html", context | {"form": form, "files": files}, status=400
        )
    return render(request, "cases/portal/apply.html", context | {"form": form, "files": files})


LOOKUP_FAILED = "没有找到与该办件编号和手机号码相符的窗口办件，请核对后重试。"


def _lookup_find(number: str, phone: str) -> Case | None:
    """A window case whose applicant's phone matches, compared through the blind index; None for no such
    case, a case not received at a window, and a wrong phone alike."""
    case = (
        Case.objects.select_related("service_item", "handling_org", "receiving_org", "applicant__person")
        .filter(number=number, receiving_window__isnull=False)
        .first()
    )
    person = getattr(case.applicant, "person", None) if case is not None else None
    if person is None or not person.phone_index or person.phone_index != phone_index(phone):
        return None
    return case


@require_http_methods(["GET", "POST"])
@ratelimit(group="cases.lookup", key="ip", rate=LOOKUP_RATE, method="POST", block=False)
def lookup(request: HttpRequest) -> HttpResponse:
    """办件查询: a window case's public progress by its number and the applicant's phone number. Shows
    no personal data, and answers "no such case" and "wrong phone" with the same words."""
    if request.method != "POST":
        return render(request, "cases/portal/lookup.html", {"form": LookupForm()})
    if getattr(request, "limited", False):
        return rate_limited(request)
    form = LookupForm(request.POST)
    context: dict = {"form": form}
    if form.is_valid():
        case = _lookup_find(form.cleaned_data["number"], form.cleaned_data["phone"])
        if case is None:
            form.add_error(None, LOOKUP_FAILED)
        else:
            context |= {
                "case": case,
                "light": case_light(case),
                "timeline": timeline(case, public=True),
                "form": LookupForm(),
            }
            return render(request, "cases/portal/lookup.html", context)
    form.data = form.data.copy()
    form.data["phone"] = ""  # a phone number is not shown back, even the one typed
    return render(request, "cases/portal/lookup.html", context, status=400)


urlpatterns = [
    path("cases/", my_cases, name="my_cases"),
    path("cases/lookup/", lookup, name="lookup"),
    path("cases/apply/<str:code>/", apply, name="apply"),
    path("cases/<str:number>/", case_page, name="case"),
    path("cases/<str:number>/notices/<int:notice>/", notice_page, name="notice"),
    path("cases/<str:number>/withdraw/", withdraw, name="withdraw"),
    path("cases/<str:number>/submit/", submit, name="submit"),
    path("cases/<str:number>/resubmit/", resubmit, name="resubmit"),
    path("cases/<str:number>/materials/", material_upload, name="material_upload"),
    path("cases/<str:number>/materials/<int:material_id>/", material_file, name="material"),
]
