"""Guide versions: a draft is edited with its rows inline and published with "发布此版本" (recorded in the
audit log by version_publish); a published or superseded version is read-only (no add, change or delete
of it or its rows). A catalog administrator reaches only their cities' versions (scope.py)."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from tongban.catalog.models import (
    GuideFAQ,
    GuideFee,
    GuideLocation,
    GuideMaterial,
    GuideStep,
    ImplementationVersion,
)
from tongban.catalog.services import version_publish
from tongban.core.errors import DomainError

from .scope import ImplementationCityScoped, admin_actor


class GuidePartInline:
    """Rows of a guide: editable while the version is a draft, read-only once it is published."""

    extra = 0

    def _editable(self, request, obj) -> bool:
        return (
            obj is not None and obj.is_draft and request.user.has_perm("catalog.change_implementationversion")
        )

    def has_add_permission(self, request, obj=None) -> bool:
        return self._editable(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._editable(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._editable(request, obj)

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("catalog.view_implementationversion") or self._editable(request, obj)


class MaterialInline(GuidePartInline, admin.StackedInline):
    model = GuideMaterial
    fields = [
        ("position", "name"),
        ("necessity", "form", "copies", "source"),
        ("license_type_code", "license_type_name"),
        ("blank_form", "sample"),
        "acceptance_standard",
        "note",
    ]


class StepInline(GuidePartInline, admin.StackedInline):
    model = GuideStep
    fields = [
        ("position", "name", "stage"),
        ("organization", "actor"),
        ("time_limit_days", "counts_in_limit", "is_special"),
        "description",
    ]
    autocomplete_fields = ["organization"]


class FeeInline(GuidePartInline, admin.TabularInline):
    model = GuideFee
    fields = ["position", "name", "standard", "basis"]


class LocationInline(GuidePartInline, admin.TabularInline):
    model = GuideLocation
    fields = ["position", "name", "hall", "address", "hours", "phone"]
    autocomplete_fields = ["hall"]


class FAQInline(GuidePartInline, admin.StackedInline):
    model = GuideFAQ
    fields = ["position", "question", "answer"]


@admin.register(ImplementationVersion)
class ImplementationVersionAdmin(ImplementationCityScoped, admin.ModelAdmin):
    change_action = "catalog.implementation.change"
    list_display = ["name", "implementation_code", "number", "status", "published_at"]
    list_filter = ["status", "implementation__service_item__theme"]
    search_fields = ["name", "implementation__code", "implementation__organization__name"]
    list_select_related = ["implementation"]
    readonly_fields = ["implementation", "number", "status", "published_at", "published_by"]
    fieldsets = [
        (
            "版本",
            {"fields": ["implementation", "number", "status", "published_at", "published_by", "change_note"]},
        ),
        (
            "办事指南",
            {
                "fields": [
                    "name",
                    "conditions",
                    ("case_type", "statutory_days", "promised_days", "visits"),
                    "handling_process",
                    ("consultation_phone", "complaint_phone"),
                    ("postal_materials", "postal_results"),
                    ("result_name", "result_type", "result_license_type_code"),
                    "form_schema",
                ]
            },
        ),
    ]
    inlines = [MaterialInline, StepInline, FeeInline, LocationInline, FAQInline]
    actions = ["publish_selected"]

    @admin.display(description="实施编码", ordering="implementation__code")
    def implementation_code(self, obj: ImplementationVersion) -> str:
        return obj.implementation.code

    def has_add_permission(self, request) -> bool:
        return False  # versions come from "创建新草稿" on the implementation, or from an import

    def has_change_permission(self, request, obj=None) -> bool:
        return (obj is None or obj.is_draft) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return (obj is None or obj.is_draft) and super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        # A published version is never deleted, whatever is selected (bulk delete included).
        if any(not version.is_draft for version in objs):
            raise PermissionDenied
        return super().get_deleted_objects(objs, request)

    def get_urls(self):
        view = self.admin_site.admin_view(require_POST(self.publish_view))
        return [
            path("<path:object_id>/publish/", view, name="catalog_implementationversion_publish"),
            *super().get_urls(),
        ]

    def publish_view(self, request, object_id):
        version = self.get_object(request, unquote(object_id))
        if version is None:
            raise Http404
        if not self.has_change_permission(request, version):
            raise PermissionDenied
        self._publish(request, version)
        return HttpResponseRedirect(reverse("admin:catalog_implementationversion_change", args=[version.pk]))

    @admin.action(description="发布所选草稿", permissions=["change"])
    def publish_selected(self, request, queryset):
        for version in queryset.select_related("implementation"):
            if version.is_draft:
                self._publish(request, version)
            else:
                messages.warning(request, f"{version}：不是草稿，未发布。")

    def _publish(self, request, version: ImplementationVersion) -> None:
        try:
            version_publish(version=version, by=admin_actor(request))
        except DomainError as exc:
            for error in exc.errors or [exc]:
                messages.error(request, f"{version.name} 第{version.number}版未发布：{error.message}")
            return
        self.log_change(request, version, "发布")
        messages.success(request, f"{version.name} 第{version.number}版已发布，现为现行版本。")
