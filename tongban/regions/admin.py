"""Back office for the circle's regions, organizations, halls with their windows, and kiosks."""

from django.contrib import admin

from .models import Hall, Kiosk, Organization, Region, Window


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "key", "code", "city"]
    list_filter = ["kind", ("city", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "short_name", "key", "code"]
    ordering = ["sort_order", "id"]
    readonly_fields = ["city"]  # derived from the parent when saved
    autocomplete_fields = ["parent"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    """The USCC is checked by the model field's validator (GB 32100 and the embedded region code)."""

    list_display = ["name", "uscc", "kind", "region"]
    list_filter = ["kind", ("region__city", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "short_name", "uscc"]
    autocomplete_fields = ["region"]
    list_select_related = ["region"]


class WindowInline(admin.TabularInline):
    model = Window
    extra = 0
    fields = ["number", "name", "is_cross_city", "description"]


@admin.register(Hall)
class HallAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "organization", "opening_hours"]
    list_filter = [("region__city", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "address"]
    autocomplete_fields = ["region", "organization"]
    list_select_related = ["region", "organization"]
    inlines = [WindowInline]


@admin.register(Window)
class WindowAdmin(admin.ModelAdmin):
    """Windows are edited inside their hall; this list serves search (autocomplete) and an overview of
    the cross-city windows."""

    list_display = ["hall", "number", "name", "is_cross_city"]
    list_filter = ["is_cross_city", ("hall__region__city", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["hall__name", "number", "name"]
    autocomplete_fields = ["hall"]
    list_select_related = ["hall"]


@admin.register(Kiosk)
class KioskAdmin(admin.ModelAdmin):
    list_display = ["serial", "name", "region", "hall", "location", "status"]
    list_filter = ["status", ("region__city", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["serial", "name", "location"]
    autocomplete_fields = ["region", "hall"]
    list_select_related = ["region", "hall"]
