"""The issuing organization's workbench for e-licenses (staff only): the licenses its organizations issued
(/workbench/licenses/issued/, searchable), each license's page with its face, history and the operations
its status allows (暂扣, 发还, 注销, 撤销, 吊销; 变更 and 延续 as a new version), and 新发
(/workbench/licenses/issue/: the type first, then the holder, number, validity and the type's face fields).

Views are thin: the services decide and audit, and their Chinese messages are shown beside the field they
name. A double submit of 新发 issues once (services_issuing); a repeated operation or new version is
refused by the status it finds (409), so a second clerk acting on the same license is told.
"""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tongban.core.dates import years_after
from tongban.core.errors import DomainError
from tongban.identity.access import AccessDenied, ActionRefused, Actor
from tongban.identity.views.workbench import staff_only

from .choices import LicenseLevel, LicenseOperation, LicenseStatus
from .forms_issuing import FACE_PREFIX, IssuedSearchForm, IssueForm, NewVersionForm, service_errors
from .models import License, LicenseType
from .selectors import license_events, license_face_rows, license_type_by_code, license_types, license_verify
from .selectors_issuing import (
    holder_by_code,
    holder_code_shown,
    issuing_organizations_required,
    license_issued_get,
    license_next_version,
    licenses_issued,
    new_version_allowed,
    operations_allowed,
)
from .services import Issue, license_new_version, license_operate
from .services_issuing import license_issue_once, version_data

PAGE_SIZE = 20
FLASH = "licenses.wb_flash"
UNKNOWN_TYPE = "证照类型：没有该证照类型，请重新选择。"


# --- The list ---------------------------------------------------------------------------------------


@require_GET
@staff_only
def wb_issued(request: HttpRequest, actor: Actor) -> HttpResponse:
    organizations = issuing_organizations_required(actor)
    form = IssuedSearchForm(request.GET)
    q, status = (form.cleaned_data["q"], form.cleaned_data["status"]) if form.is_valid() else ("", "")
    page = Paginator(licenses_issued(actor, q=q, status=status), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "licenses/workbench/issued.html",
        {
            "organizations": organizations,
            "q": q,
            "status": status,
            "statuses": LicenseStatus.choices,
            "page": page,
            "rows": [(license_, holder_code_shown(license_)) for license_ in page.object_list],
        },
    )


# --- One license ------------------------------------------------------------------------------------


def _version_initial(license_: License) -> dict:
    """变更 keeps the validity; an expired license is most likely renewed (延续) from today."""
    initial = {
        "kind": LicenseOperation.CHANGE,
        "number": license_.number,
        "valid_from": license_.valid_from,
        "valid_until": license_.valid_until,
        "level": license_.level,
        **{FACE_PREFIX + key: value for key, value in license_.face_data.items()},
    }
    if license_.status == LicenseStatus.EXPIRED:
        today, years = timezone.localdate(), license_.license_type.validity_years
        initial |= {
            "kind": LicenseOperation.RENEW,
            "valid_from": today,
            "valid_until": years_after(today, years) if years else None,
        }
    return initial


def _render_license(
    request: HttpRequest,
    license_: License,
    *,
    status: int = 200,
    version_form: NewVersionForm | None = None,
    **extra,
) -> HttpResponse:
    if version_form is None and new_version_allowed(license_):
        version_form = NewVersionForm(initial=_version_initial(license_), license_type=license_.license_type)
    context = {
        "license": license_,
        "holder_code": holder_code_shown(license_),
        "face": license_face_rows(license_),
        "result": license_verify(license_),
        "events": list(license_events(license_)),
        "operations": operations_allowed(license_),
        "next_version": license_next_version(license_),
        "version_form": version_form,
        "errors": {},
        "posted": {},
        **extra,
    }
    return render(request, "licenses/workbench/license.html", context, status=status)


@require_GET
@staff_only
def wb_license(request: HttpRequest, actor: Actor, identifier: str) -> HttpResponse:
    license_ = license_issued_get(actor, identifier)
    return _render_license(request, license_, flash=request.session.pop(FLASH, ""))


@require_POST
@staff_only
def wb_operate(request: HttpRequest, actor: Actor, identifier: str) -> HttpResponse:
    """暂扣, 发还, 注销, 撤销 or 吊销 (the operation and the reason from the form)."""
    license_ = license_issued_get(actor, identifier)
    operation = request.POST.get("operation", "")
    try:
        license_operate(
            license_=license_, operation=operation, by=actor, reason=request.POST.get("reason", "")
        )
    except (AccessDenied, ActionRefused):
        raise
    except DomainError as exc:
        license_.refresh_from_db()
        return _render_license(
            request,
            license_,
            status=exc.status,
            problem=exc.message,
            errors={e.field: e.message for e in exc.errors},
            open_operation=operation,
            posted=request.POST,
        )
    request.session[FLASH] = f"已{LicenseOperation(operation).label}。"
    return redirect("licenses:wb_license", identifier=license_.identifier)


@require_POST
@staff_only
def wb_new_version(request: HttpRequest, actor: Actor, identifier: str) -> HttpResponse:
    """变更 or 延续: a new version with the posted face data and validity; the page of the new version."""
    license_ = license_issued_get(actor, identifier)
    form = NewVersionForm(request.POST, license_type=license_.license_type)
    status = 400
    if form.is_valid():
        data = version_data(
            license_,
            face_data=form.face_data(),
            valid_from=form.cleaned_data["valid_from"],
            valid_until=form.cleaned_data["valid_until"],
            number=form.cleaned_data["number"],
            level=form.cleaned_data["level"],
        )
        renew = form.cleaned_data["kind"] == LicenseOperation.RENEW
        try:
            new = license_new_version(license_=license_, data=data, by=actor, renew=renew)
        except (AccessDenied, ActionRefused):
            raise
        except DomainError as exc:
            service_errors(form, exc)
            status = exc.status
        else:
            request.session[FLASH] = (
                f"已{'延续' if renew else '变更'}：第{new.version}版已签发，原证照已失效。"
            )
            return redirect("licenses:wb_license", identifier=new.identifier)
    license_.refresh_from_db()
    return _render_license(request, license_, status=status, version_form=form, problem=_first_error(form))


def _first_error(form) -> str:
    for messages in form.errors.values():
        return messages[0]
    return ""


# --- 新发 -------------------------------------------------------------------------------------------


def _issue_initial(license_type: LicenseType) -> dict:
    today, years = timezone.localdate(), license_type.validity_years
    return {
        "valid_from": today,
        "valid_until": years_after(today, years) if years else None,
        "level": LicenseLevel.A,
    }


def _issue(form: IssueForm, license_type: LicenseType, actor: Actor) -> tuple[License, bool]:
    data = form.cleaned_data
    return license_issue_once(
        issuer=form.organizations[data["issuer"]],
        data=Issue(
            license_type=license_type,
            holder=holder_by_code(license_type, data["holder_code"]),
            number=data["number"],
            face_data=form.face_data(),
            issued_on=timezone.localdate(),
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
            level=data["level"],
        ),
        by=actor,
    )


@require_http_methods(["GET", "POST"])
@staff_only
def wb_issue(request: HttpRequest, actor: Actor) -> HttpResponse:
    organizations = issuing_organizations_required(actor)
    code = (request.POST if request.method == "POST" else request.GET).get("type", "").strip()
    license_type = license_type_by_code(code) if code else None
    context = {"types": list(license_types()), "chosen": license_type, "code": code}
    if license_type is None:
        problem = UNKNOWN_TYPE if code else ""
        return render(
            request,
            "licenses/workbench/issue.html",
            context | {"problem": problem},
            status=400 if code else 200,
        )
    kwargs = {"license_type": license_type, "organizations": organizations}
    if request.method == "GET":
        form = IssueForm(initial=_issue_initial(license_type), **kwargs)
        return render(request, "licenses/workbench/issue.html", context | {"form": form})
    form = IssueForm(request.POST, **kwargs)
    status = 400
    if form.is_valid():
        try:
            license_, issued = _issue(form, license_type, actor)
        except (AccessDenied, ActionRefused):
            raise
        except DomainError as exc:
            service_errors(form, exc)
            status = exc.status
        else:
            request.session[FLASH] = (
                f"已签发{license_type.name}（{license_.number}）。"
                if issued
                else f"该证照此前已签发（{license_.number}），未重复签发。"
            )
            return redirect("licenses:wb_license", identifier=license_.identifier)
    context |= {"form": form, "problem": _first_error(form)}
    return render(request, "licenses/workbench/issue.html", context, status=status)


urlpatterns = [
    path("workbench/licenses/issued/", wb_issued, name="wb_issued"),
    path("workbench/licenses/issue/", wb_issue, name="wb_issue"),
    path("workbench/licenses/issued/<str:identifier>/", wb_license, name="wb_license"),
    path("workbench/licenses/issued/<str:identifier>/operate/", wb_operate, name="wb_operate"),
    path("workbench/licenses/issued/<str:identifier>/version/", wb_new_version, name="wb_new_version"),
]
