"""Items of the basic catalog (the circle's: platform administrators change them) and implementations
(a city's: identity, versions list, "创建新草稿"), scoped as scope.py says."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from tongban.catalog.excel import views as excel_views
from tongban.catalog.excel.cells import ALIAS_SEPARATOR, split_aliases
from tongban.catalog.models import Implementation, ImplementationVersion, ServiceItem
from tongban.catalog.search import search_entries_refresh
from tongban.catalog.services import GuideRows, implementation_create, version_draft_start
from tongban.core.errors import DomainError

from .scope import CircleWide, ImplementationCityScoped, admin_actor, organizations_for


def _version_label(version: ImplementationVersion | None) -> str:
    return f"第{version.number}版" if version else "（尚未发布）"


class ServiceItemForm(forms.ModelForm):
    """Aliases as one line separated by “、” instead of raw JSON."""

    aliases = forms.CharField(
        label="别名",
        required=False,
        help_text="其他常用叫法，多个以“、”分隔，如：社保卡、市民卡（括号内的“、”不算分隔）",
    )

    class Meta:
        model = ServiceItem
        fields = ["basic_code", "name", "item_type", "theme", "audience", "legal_basis", "aliases"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["aliases"] = ALIAS_SEPARATOR.join(self.instance.aliases or [])

    def clean_aliases(self) -> list[str]:
        return split_aliases(self.cleaned_data["aliases"])


class ImplementationLinkInline(admin.TabularInline):
    model = Implementation
    fields = ["code", "organization", "version_in_force"]
    readonly_fields = fields
    show_change_link = True
    extra = 0
    can_delete = False
    verbose_name_plural = "实施清单（各部门）"

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="现行版本")
    def version_in_force(self, obj: Implementation) -> str:
        return _version_label(obj.current)


@admin.register(ServiceItem)
class ServiceItemAdmin(CircleWide, admin.ModelAdmin):
    change_action = "catalog.item.change"
    form = ServiceItemForm
    list_display = ["name", "basic_code", "item_type", "theme", "audience", "implementation_count"]
    list_filter = ["theme", "item_type", "audience"]
    search_fields = ["name", "basic_code"]
    inlines = [ImplementationLinkInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(implementation_count=Count("implementations"))

    @admin.display(description="实施清单数", ordering="implementation_count")
    def implementation_count(self, obj) -> int:
        return obj.implementation_count

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Names, aliases, theme and audience are searched: keep the index in step.
        search_entries_refresh(implementation_ids=list(obj.implementations.values_list("pk", flat=True)))

    def get_urls(self):
        return [
            path("excel/", self.admin_site.admin_view(excel_views.excel_page), name="catalog_excel"),
            path(
                "excel/export/",
                self.admin_site.admin_view(excel_views.excel_export),
                name="catalog_excel_export",
            ),
            *super().get_urls(),
        ]


FIRST_GUIDE_FIELDS = [
    "name",
    "conditions",
    "case_type",
    "statutory_days",
    "promised_days",
    "consultation_phone",
    "complaint_phone",
]


class _ImplementationCreateBase(forms.ModelForm):
    class Meta:
        model = Implementation
        fields = ["code", "service_item", "organization"]

    def clean(self):
        cleaned = super().clean()
        version = ImplementationVersion(number=1, **{name: cleaned.get(name) for name in FIRST_GUIDE_FIELDS})
        try:
            version.clean()
        except ValidationError as exc:
            self.add_error(None, exc)
        return cleaned


# A new implementation with the essentials of its first guide (fields as the version model declares
# them); the rest is filled in on its draft's page.
ImplementationCreateForm = type(
    "ImplementationCreateForm",
    (_ImplementationCreateBase,),
    dict(forms.fields_for_model(ImplementationVersion, fields=FIRST_GUIDE_FIELDS)),
)


class VersionLinkInline(admin.TabularInline):
    model = ImplementationVersion
    fields = ["number", "status", "name", "published_at", "change_note"]
    readonly_fields = fields
    show_change_link = True
    extra = 0
    can_delete = False
    verbose_name_plural = "办事指南版本"

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Implementation)
class ImplementationAdmin(ImplementationCityScoped, admin.ModelAdmin):
    change_action = "catalog.implementation.change"
    implementation_path = ""
    list_display = ["code", "guide_name", "organization", "version_in_force"]
    list_filter = ["service_item__theme", ("organization__region__city", admin.RelatedOnlyFieldListFilter)]
    search_fields = [
        "code",
        "current__name",
        "service_item__name",
        "organization__name",
        "organization__uscc",
    ]
    list_select_related = ["service_item", "organization", "current"]
    autocomplete_fields = ["service_item", "organization"]
    inlines = [VersionLinkInline]
    actions = ["start_drafts"]

    @admin.display(description="事项名称", ordering="current__name")
    def guide_name(self, obj: Implementation) -> str:
        return obj.current.name if obj.current_id else obj.service_item.name

    @admin.display(description="现行版本", ordering="current__number")
    def version_in_force(self, obj: Implementation) -> str:
        return _version_label(obj.current)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ImplementationCreateForm
        return super().get_form(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organization":  # a catalog administrator implements for their own cities
            kwargs["queryset"] = organizations_for(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # The identity never changes: agreements and the 通办 list refer to it.
        return ["code", "service_item", "organization", "current"] if obj else []

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # nothing in the catalog is deleted silently; a guide is replaced by a new version

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id:  # everything on the page is read-only; drafts are edited on the version's page
            extra_context = {"show_save": False, "show_save_and_continue": False, **(extra_context or {})}
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if change:
            return
        draft = implementation_create(
            service_item=obj.service_item,
            organization=obj.organization,
            code=obj.code,
            guide={name: form.cleaned_data[name] for name in FIRST_GUIDE_FIELDS},
            rows=GuideRows(),
            by=admin_actor(request),
        )
        obj.pk = draft.implementation_id
        obj._state.adding = False

    def response_add(self, request, obj, post_url_continue=None):
        draft = obj.versions.get()
        messages.success(request, "已创建实施清单和第1版草稿：请补充申请材料、办理环节等内容后发布。")
        return HttpResponseRedirect(reverse("admin:catalog_implementationversion_change", args=[draft.pk]))

    def get_urls(self):
        view = self.admin_site.admin_view(require_POST(self.start_draft_view))
        return [
            path("<path:object_id>/draft/", view, name="catalog_implementation_draft"),
            *super().get_urls(),
        ]

    def start_draft_view(self, request, object_id):
        implementation = self.get_object(request, unquote(object_id))
        if implementation is None:
            raise Http404
        if not request.user.has_perm("catalog.change_implementationversion"):
            raise PermissionDenied
        draft = self._start_draft(request, implementation)
        target = implementation if draft is None else draft
        return HttpResponseRedirect(
            reverse(f"admin:catalog_{target._meta.model_name}_change", args=[target.pk])
        )

    @admin.action(description="为所选实施清单创建新草稿", permissions=["change"])
    def start_drafts(self, request, queryset):
        for implementation in queryset:
            self._start_draft(request, implementation)

    def _start_draft(self, request, implementation: Implementation) -> ImplementationVersion | None:
        try:
            draft = version_draft_start(implementation=implementation, by=admin_actor(request))
        except DomainError as exc:
            messages.error(request, f"{implementation.code}：{exc.message}")
            return None
        messages.success(request, f"{implementation.code}：第{draft.number}版草稿可以编辑了。")
        return draft
