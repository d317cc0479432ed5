"""The audit log in the back office: read-only for everyone (no add, change or delete, whoever asks; the
database refuses changes anyway), listed newest first with filters by action, channel and date, searched
by object id (exact) or actor, and a page that verifies the whole hash chain (audit_verify) and says in
Chinese what it found, naming the first broken entry.

Who reads it is decided by Django's model permission view_auditentry: platform administrators are
superusers (identity's staff services keep that in step with their role) and no group is granted it.
core sits below identity, so it does not read roles itself.
"""

import json

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods

from .audit import audit_verify
from .models import AuditEntry


class ActionFilter(admin.SimpleListFilter):
    title = "操作"
    parameter_name = "action"

    def lookups(self, request, model_admin):
        actions = AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct()
        return [(action, action) for action in actions]

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = [
        "seq",
        "local_time",
        "action",
        "actor_label",
        "object_type",
        "object_id",
        "object_label",
        "channel",
    ]
    list_filter = [ActionFilter, "channel", "at"]
    search_fields = ["=object_id", "actor_label"]
    search_help_text = "按对象编号（完整）或操作人查找"
    ordering = ["-seq"]
    list_per_page = 50
    show_full_result_count = False  # counting a long log on every page is slow
    fields = [
        "seq",
        "local_time",
        "action",
        ("actor_id", "actor_label"),
        ("on_behalf_of_id", "on_behalf_of_label"),
        "organization_id",
        ("object_type", "object_id", "object_label"),
        ("channel", "ip"),
        "detail_text",
        "prev_hash",
        "hash",
    ]
    readonly_fields = [name for row in fields for name in (row if isinstance(row, tuple) else (row,))]
    change_list_template = "admin/core/auditentry/change_list.html"

    @admin.display(description="时间", ordering="at")
    def local_time(self, obj: AuditEntry) -> str:
        return f"{timezone.localtime(obj.at):%Y-%m-%d %H:%M:%S}"

    @admin.display(description="详情")
    def detail_text(self, obj: AuditEntry) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.detail, ensure_ascii=False, indent=2))

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        view = self.admin_site.admin_view(require_http_methods(["GET", "POST"])(self.verify_view))
        return [path("verify/", view, name="core_auditentry_verify"), *super().get_urls()]

    def verify_view(self, request):
        """GET: what the check does; POST: run it over the whole chain and show the outcome."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "校验审计日志哈希链",
            "opts": self.opts,
        }
        if request.method == "POST":
            context |= verification_outcome()
        return TemplateResponse(request, "admin/core/auditentry/verify.html", context)


def verification_outcome() -> dict:
    """audit_verify's report in the words `tongban audit verify` uses."""
    report = audit_verify()
    broken = AuditEntry.objects.filter(seq=report.broken_seq).first() if report.broken_seq else None
    lines = [f"已核对 {report.entries} 条审计记录。"]
    if report.ok:
        lines.append("审计日志完整：每一条记录的哈希和与上一条的链接都相符。")
    if broken is not None:
        lines.append(
            f"审计日志在第 {broken.seq} 条处断开（{timezone.localtime(broken.at):%Y-%m-%d %H:%M:%S}，"
            f"操作 {broken.action}）：{report.reason}"
        )
    lines += [f"审计日志不完整：{problem}" for problem in report.problems]
    return {"report": report, "broken": broken, "lines": lines}
