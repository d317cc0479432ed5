"""The audit log in the back office: read-only for everyone (no add, change or delete, whoever asks; the
database refuses changes anyway), listed newest first with filters by action, channel and date, searched
by object id (exact) or actor, and a page that verifies the whole hash chain (audit_verify) and says in
Chinese what it found, naming the first broken entry.

Who reads it is decided by Django's model permission view_auditentry: platform administrators are
superusers (identity's staff services keep that in step with their role) and no group is granted it.
core sits below identity, so it does not read roles itself.
"""

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods

from .audit import AuditContext, audit_verify
from .calendar import is_known_year
from .calendar.selectors import calendar_years
from .calendar.services import DayEntry, calendar_days_problems, calendar_year_saved, calendar_year_state
from .choices import Channel
from .models import AuditEntry, CalendarDay, CalendarYear


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


# --- Working-day calendar ------------------------------------------------------------------------------
# A platform administrator enters a new year's holidays and make-up workdays (days inline under the year)
# when the State Council publishes them, and marks the year complete; from then on its deadlines count those
# days, and the calendar's on_year_entered callbacks recompute the provisional ones (after commit). Gated
# like the audit log, by Django's model permissions: platform administrators are superusers and no group is
# granted them. A year is never deleted nor marked incomplete again; its days may be corrected. Every
# change is audited (calendar.year_entered, calendar.year_changed).


def admin_audit_context(request) -> AuditContext:
    return AuditContext(
        actor_id=request.user.pk,
        actor_label=str(request.user),
        channel=Channel.ADMIN,
        ip=request.META.get("REMOTE_ADDR") or None,
    )


class CalendarYearForm(forms.ModelForm):
    class Meta:
        model = CalendarYear
        fields = ["year", "notice", "complete"]

    def clean_complete(self) -> bool:
        complete = self.cleaned_data["complete"]
        if self.instance.pk and self.instance.complete and not complete:
            raise ValidationError("已完整录入的年份不能改回未完成；如有错误，请直接更正日期。")
        return complete


class CalendarDayFormSet(BaseInlineFormSet):
    def validate_unique(self) -> None:
        """Repeated dates are reported by clean(), in words that name the date."""

    def clean(self) -> None:
        super().clean()
        year = self.instance
        forms_with_days = [
            form
            for form in self.forms
            if form.cleaned_data.get("date")
            and form.cleaned_data.get("kind")
            and not self._should_delete_form(form)
        ]
        if year.year is None:
            return  # the year itself is wrong; its form says so
        days = [
            DayEntry(f.cleaned_data["date"], f.cleaned_data["kind"], f.cleaned_data.get("name", ""))
            for f in forms_with_days
        ]
        problems = calendar_days_problems(year=year.year, days=days, complete=year.complete)
        for problem in problems:
            if problem.field == "complete":
                raise ValidationError(problem.message)
            forms_with_days[int(problem.field.split(".")[1])].add_error("date", problem.message)


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    formset = CalendarDayFormSet
    fields = ["date", "kind", "name"]
    verbose_name = "日期"
    verbose_name_plural = "法定节假日与调休上班日（假期中的周末录入与否，不影响期限）"

    def get_extra(self, request, obj=None, **kwargs) -> int:
        return 0 if obj is not None else 12


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    form = CalendarYearForm
    inlines = [CalendarDayInline]
    list_display = ["year", "status", "holiday_count", "workday_count", "source", "notice", "entered"]
    list_display_links = ["year"]
    ordering = ["-year"]

    def get_queryset(self, request):
        return calendar_years()

    def get_fields(self, request, obj=None) -> list[str]:
        return ["year", "notice", "complete", "source", "entered"]

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        return ["source", "entered"] if obj is None else ["year", "source", "entered"]

    @admin.display(description="状态", ordering="complete")
    def status(self, obj: CalendarYear) -> str:
        return "已完整录入" if obj.complete else "录入中（按周末计算，期限为暂定）"

    @admin.display(description="法定节假日（天）")
    def holiday_count(self, obj: CalendarYear) -> int:
        return obj.holiday_count

    @admin.display(description="调休上班（天）")
    def workday_count(self, obj: CalendarYear) -> int:
        return obj.workday_count

    @admin.display(description="录入")
    def entered(self, obj: CalendarYear) -> str:
        if obj.entered_at is None:
            return "—"
        return f"{timezone.localtime(obj.entered_at):%Y-%m-%d %H:%M} {obj.entered_by_label}".strip()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        next_year = timezone.localdate().year + 1
        if self.has_change_permission(request) and not is_known_year(next_year):
            messages.warning(
                request,
                f"{next_year} 年的放假安排尚未完整录入：跨入该年的期限暂按周末计算，并标为暂定。"
                "国务院办公厅公布后请在此录入，并勾选“已完整录入”。",
            )
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj: CalendarYear, form, change: bool) -> None:
        obj._state_before = calendar_year_state(obj if change else None)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        year = form.instance
        calendar_year_saved(year=year, before=year._state_before, context=admin_audit_context(request))
