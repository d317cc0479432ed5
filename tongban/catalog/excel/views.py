"""The admin page for the workbook: upload one to import (every row error, or the summary) and download
an export. Thin: the work is catalog_import / catalog_export."""

from io import BytesIO

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.validators import FileExtensionValidator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from tongban.core.choices import Channel
from tongban.core.errors import DomainError
from tongban.identity.access import actor_from_request
from tongban.regions.selectors import cities

from . import ImportFailed, catalog_export, catalog_import

# Importing writes items, guides (new versions), availability, agreements and batches.
IMPORT_PERMISSIONS = (
    "catalog.add_serviceitem",
    "catalog.change_serviceitem",
    "catalog.add_implementation",
    "catalog.change_implementationversion",
    "catalog.change_availability",
    "catalog.change_agreement",
    "catalog.change_tongbanbatch",
)
EXPORT_PERMISSION = "catalog.view_implementation"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Excel 工作簿",
        validators=[FileExtensionValidator(["xlsx"], message="请上传 .xlsx 格式的工作簿。")],
    )
    dry_run = forms.BooleanField(label="只检查，不导入", required=False)


class ExportForm(forms.Form):
    city = forms.ChoiceField(label="地区", required=False)
    organization = forms.CharField(
        label="部门统一社会信用代码", required=False, max_length=18, help_text="留空则导出全部部门"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].choices = [("", "全部地区")] + [(c.key, c.name) for c in cities()]


def excel_page(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(EXPORT_PERMISSION):
        raise PermissionDenied
    may_import = request.user.has_perms(IMPORT_PERMISSIONS)
    context = {
        **admin.site.each_context(request),
        "title": "事项目录 Excel 导入导出",
        "may_import": may_import,
    }
    form = ImportForm()
    if request.method == "POST":
        if not may_import:
            raise PermissionDenied
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            context |= _run_import(request, form)
    context |= {"form": form, "export_form": ExportForm()}
    return TemplateResponse(request, "admin/catalog/excel.html", context)


def _run_import(request: HttpRequest, form: ImportForm) -> dict:
    try:
        summary = catalog_import(
            form.cleaned_data["file"],
            dry_run=form.cleaned_data["dry_run"],
            by=actor_from_request(request, channel=Channel.ADMIN),
        )
    except ImportFailed as failure:
        messages.error(request, f"导入失败：发现 {len(failure.errors)} 处错误，数据库未做任何修改。")
        return {"errors": failure.errors}
    messages.success(request, "检查通过，未写入数据库。" if summary.dry_run else "导入完成。")
    return {"summary": summary}


def excel_export(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(EXPORT_PERMISSION):
        raise PermissionDenied
    form = ExportForm(request.GET)
    if not form.is_valid():
        messages.error(request, "导出条件不正确。")
        return redirect("admin:catalog_excel")
    organization, city = form.cleaned_data["organization"].strip(), form.cleaned_data["city"]
    out = BytesIO()
    try:
        catalog_export(out, organization=organization or None, city=city or None)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("admin:catalog_excel")
    out.seek(0)
    suffix = "".join(f"-{part}" for part in (city, organization) if part)
    return FileResponse(out, as_attachment=True, filename=f"通办事项目录{suffix}.xlsx", content_type=XLSX)
