"""Where implementations are received: explicit availability, agreements, and the 通办 list's batches.
Each change rebuilds the search rows it touches (reach decides search filters and the 通办 list).
Availability and agreements are scoped to a catalog administrator's cities, batches are the circle's
(scope.py)."""

from django import forms
from django.contrib import admin
from django.db.models import Count, Q

from tongban.catalog.models import (
    Agreement,
    AgreementItem,
    AgreementParty,
    Availability,
    BatchEntry,
    TongbanBatch,
)
from tongban.catalog.rules import catalog_cities
from tongban.catalog.search import search_entries_refresh

from .scope import (
    CircleWide,
    CityScoped,
    ImplementationCityScoped,
    OwnCityPartyFormSet,
    admin_actor,
    implementations_for,
)


class AvailabilityForm(forms.ModelForm):
    class Meta:
        model = Availability
        fields = ["implementation", "mode", "region", "window", "kiosk", "note"]

    def validate_unique(self):
        # The unique key includes the derived scope, which the form does not show.
        super().validate_unique()
        entry = self.instance
        if entry.implementation_id is None or self.errors:
            return
        entry.derive_scope()
        clash = Availability.objects.filter(
            implementation=entry.implementation, mode=entry.mode, scope_key=entry.scope_key
        ).exclude(pk=entry.pk)
        if clash.exists():
            self.add_error(None, "该实施清单已有相同办理模式和受理范围的通办范围。")


class SearchRefreshMixin:
    """Reach decides search results and the 通办 list: rebuild the index rows a change touches."""

    def _touched(self, obj) -> set[int]:
        raise NotImplementedError

    def save_related(self, request, form, formsets, change):
        before = self._touched(form.instance) if change else set()
        super().save_related(request, form, formsets, change)
        search_entries_refresh(implementation_ids=before | self._touched(form.instance))

    def delete_model(self, request, obj):
        touched = self._touched(obj)
        super().delete_model(request, obj)
        search_entries_refresh(implementation_ids=touched)

    def delete_queryset(self, request, queryset):
        touched = set().union(*(self._touched(obj) for obj in queryset))
        super().delete_queryset(request, queryset)
        search_entries_refresh(implementation_ids=touched)


@admin.register(Availability)
class AvailabilityAdmin(ImplementationCityScoped, SearchRefreshMixin, admin.ModelAdmin):
    change_action = "catalog.availability.change"
    form = AvailabilityForm
    list_display = ["implementation", "mode", "scope", "note"]
    list_filter = ["mode", ("scope_city", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["implementation__code", "implementation__current__name"]
    list_select_related = ["implementation__service_item", "implementation__organization", "region"]
    autocomplete_fields = ["implementation", "region", "window", "kiosk"]

    @admin.display(description="受理范围")
    def scope(self, obj: Availability) -> str:
        return obj.scope_label

    def _touched(self, obj) -> set[int]:
        return {obj.implementation_id}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "implementation":
            kwargs["queryset"] = implementations_for(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class AgreementPartyInline(admin.TabularInline):
    model = AgreementParty
    formset = OwnCityPartyFormSet
    fields = ["position", "region", "signatory"]
    autocomplete_fields = ["region", "signatory"]
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.cities = catalog_cities(admin_actor(request))
        return formset


class AgreementItemInline(admin.TabularInline):
    model = AgreementItem
    autocomplete_fields = ["implementation"]
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(CityScoped, SearchRefreshMixin, admin.ModelAdmin):
    change_action = "catalog.agreement.change"
    list_display = ["name", "document_number", "signed_on", "effective_from", "effective_until", "item_count"]
    search_fields = ["name", "document_number"]
    inlines = [AgreementPartyInline, AgreementItemInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(item_count=Count("item_rows"))

    @admin.display(description="事项数", ordering="item_count")
    def item_count(self, obj) -> int:
        return obj.item_count

    def city_filter(self, cities: set[int]) -> Q:
        # A subquery, not a join: the item count must not be multiplied by the parties.
        return Q(pk__in=AgreementParty.objects.filter(region__city_id__in=cities).values("agreement_id"))

    def _touched(self, obj) -> set[int]:
        return set(obj.item_rows.values_list("implementation_id", flat=True))


class BatchEntryInline(admin.TabularInline):
    model = BatchEntry
    autocomplete_fields = ["implementation"]
    extra = 0


@admin.register(TongbanBatch)
class TongbanBatchAdmin(CircleWide, admin.ModelAdmin):
    change_action = "catalog.batch.change"
    list_display = ["name", "document_number", "published_on", "entry_count"]
    search_fields = ["name", "document_number"]
    inlines = [BatchEntryInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(entry_count=Count("entries"))

    @admin.display(description="事项数", ordering="entry_count")
    def entry_count(self, obj) -> int:
        return obj.entry_count
