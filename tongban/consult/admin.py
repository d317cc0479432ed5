"""The question board in the back office, for platform administrators: the triage lists and thresholds are
edited here as in the workbench; questions, askings, answers and their events are read-only (they change
through the services) and the contact is never shown — moderators see it in the workbench, where reading it
is part of their work."""

from django.contrib import admin

from tongban.core.choices import Channel
from tongban.identity.access import actor_from_request

from .models import Answer, Question, QuestionEvent, TriageThresholds, TriageWord


def _platform_admin(request) -> bool:
    return actor_from_request(request, channel=Channel.ADMIN).is_platform_admin


class PlatformAdminOnly:
    def has_module_permission(self, request) -> bool:
        return _platform_admin(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return _platform_admin(request)

    def has_add_permission(self, request, obj=None) -> bool:
        return _platform_admin(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return _platform_admin(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a word is switched off, not deleted: past decisions name it


class ReadOnly(PlatformAdminOnly):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TriageWord)
class TriageWordAdmin(PlatformAdminOnly, admin.ModelAdmin):
    list_display = ["phrase", "kind", "whole", "active", "note"]
    list_filter = ["kind", "active"]
    search_fields = ["phrase"]


@admin.register(TriageThresholds)
class TriageThresholdsAdmin(PlatformAdminOnly, admin.ModelAdmin):
    list_display = ["__str__", "near_duplicate_percent", "duplicate_days", "min_chars"]

    def has_add_permission(self, request, obj=None) -> bool:
        return _platform_admin(request) and not TriageThresholds.objects.exists()


class AnswerInline(admin.TabularInline):
    model = Answer
    fields = ["revision", "text", "organization", "author", "reason", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class EventInline(admin.TabularInline):
    model = QuestionEvent
    fields = ["at", "kind", "actor_label", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Question)
class QuestionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["public_id", "status", "held", "asks", "department", "light", "created_at", "answered_at"]
    list_filter = ["status", "held", "light"]
    search_fields = ["public_id"]
    fields = [
        "public_id",
        "status",
        "text",
        "public_text",
        "anonymous",
        "topic",
        "asks",
        "flags",
        "held",
        "merged_into",
        "department",
        "routed_on",
        "limit_days",
        "due_on",
        "light",
        "escalated_at",
        "published_at",
        "rejected_reason",
        "answered_at",
        "created_at",
    ]
    readonly_fields = fields
    inlines = [AnswerInline, EventInline]
