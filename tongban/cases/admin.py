"""Cases in the back office: read-only, for platform administrators. Cases change only through the
services (the workflow table); the admin is for looking, not for editing.

No personal data beyond what the case page shows: the applicant is named by account label, masked."""

from django.contrib import admin

from tongban.core.choices import Channel
from tongban.core.masking import mask_text
from tongban.identity.access import actor_from_request

from .models import Case, CaseEvent


class ReadOnly:
    def _may(self, request) -> bool:
        return actor_from_request(request, channel=Channel.ADMIN).is_platform_admin

    def has_module_permission(self, request) -> bool:
        return self._may(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._may(request)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class CaseEventInline(ReadOnly, admin.TabularInline):
    model = CaseEvent
    fields = [
        "seq",
        "at",
        "action",
        "from_status",
        "to_status",
        "actor_label",
        "on_behalf_of_label",
        "party",
        "channel",
        "reason",
    ]
    readonly_fields = fields
    ordering = ["seq"]
    extra = 0
    can_delete = False


@admin.register(Case)
class CaseAdmin(ReadOnly, admin.ModelAdmin):
    list_display = [
        "number",
        "service_item",
        "mode",
        "status",
        "handling_org",
        "receiving_org",
        "due_on",
        "light",
        "created_at",
    ]
    list_filter = ["status", "mode", "light", "channel"]
    search_fields = ["=number"]
    search_help_text = "按办件编号（16位数字）查找"
    list_select_related = ["service_item", "handling_org", "receiving_org"]
    show_full_result_count = False
    ordering = ["-id"]
    list_per_page = 50
    fields = [
        "number",
        "service_item",
        "implementation_version",
        "mode",
        "status",
        "decision",
        "applicant_label",
        "channel",
        "receiving_org",
        "receiving_window",
        "handling_org",
        "owner",
        "received_at",
        "accepted_at",
        "decided_at",
        "closed_at",
        "case_type",
        "promised_days",
        "statutory_days",
        "clock_started_on",
        "paused_since",
        "paused_days",
        "clock_stopped_on",
        "due_on",
        "due_provisional",
        "light",
        "version",
    ]
    readonly_fields = fields
    inlines = [CaseEventInline]

    @admin.display(description="申请人")
    def applicant_label(self, obj: Case) -> str:
        return mask_text(str(obj.applicant))
