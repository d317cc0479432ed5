"""Who sees what in the catalog's back office (the rules are in catalog/rules.py).

Implementations, their versions and availability, and agreements belong to cities: a catalog
administrator sees and changes only their own cities' (`CityScoped`), a platform administrator all.
Another city's object answers 404 exactly like one that does not exist, and the attempt is recorded
(AccessDenied, see identity/denials.py). Items of the basic catalog and the 通办 list's batches belong to
the whole circle (`CircleWide`): everyone in the back office reads them, platform administrators change
them. Django's model permissions (the 目录管理员 group, or a platform administrator's superuser flag)
still decide which pages exist at all; these mixins narrow them to objects.
"""

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import Http404

from tongban.catalog.models import Implementation
from tongban.catalog.rules import catalog_cities
from tongban.core.choices import Channel
from tongban.identity import access
from tongban.identity.access import AccessDenied, Actor, actor_from_request
from tongban.regions.models import Organization


def admin_actor(request) -> Actor:
    return actor_from_request(request, channel=Channel.ADMIN)


class CityScoped:
    """A ModelAdmin whose objects belong to a city. `change_action` is the rule that lets an actor
    change one; `city_filter` narrows a queryset to the given cities."""

    change_action: str

    def city_filter(self, cities: set[int]) -> Q:
        raise NotImplementedError

    def scoped(self, request, queryset: QuerySet) -> QuerySet:
        cities = catalog_cities(admin_actor(request))
        return queryset if cities is None else queryset.filter(self.city_filter(cities))

    def get_queryset(self, request):
        return self.scoped(request, super().get_queryset(request))

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            return obj
        try:
            hidden = self.model._default_manager.get(pk=object_id)
        except (self.model.DoesNotExist, ValidationError, ValueError):
            raise Http404 from None
        raise AccessDenied(self.change_action, hidden)  # another city's: the same 404, and recorded

    def _may_change(self, request, obj=None) -> bool:
        return access.check(admin_actor(request), self.change_action, obj)

    def has_add_permission(self, request, *args) -> bool:
        return super().has_add_permission(request, *args) and self._may_change(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and self._may_change(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and self._may_change(request, obj)


class ImplementationCityScoped(CityScoped):
    """Objects that hang on an implementation (or are one): the implementing organization's city."""

    implementation_path = "implementation__"

    def city_filter(self, cities: set[int]) -> Q:
        return Q(**{f"{self.implementation_path}organization__region__city_id__in": cities})


class CircleWide:
    """Objects of the whole circle: read by everyone in the back office, changed by platform admins."""

    change_action: str

    def _may_change(self, request) -> bool:
        return access.check(admin_actor(request), self.change_action)

    def has_add_permission(self, request, *args) -> bool:
        return super().has_add_permission(request, *args) and self._may_change(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and self._may_change(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and self._may_change(request)


def organizations_for(request) -> QuerySet[Organization]:
    """The organizations an actor may create implementations for."""
    cities = catalog_cities(admin_actor(request))
    organizations = Organization.objects.all()
    return organizations if cities is None else organizations.filter(region__city_id__in=cities)


def implementations_for(request) -> QuerySet[Implementation]:
    """The implementations an actor may give availability to."""
    cities = catalog_cities(admin_actor(request))
    implementations = Implementation.objects.all()
    return (
        implementations
        if cities is None
        else implementations.filter(organization__region__city_id__in=cities)
    )


class OwnCityPartyFormSet(BaseInlineFormSet):
    """An agreement kept by a catalog administrator keeps one of their cities among its parties (else
    they could hand it to others, or sign for cities they do not speak for alone)."""

    cities: set[int] | None = None  # set per request; None = a platform administrator

    def clean(self):
        super().clean()
        if self.cities is None:
            return
        regions = [
            form.cleaned_data["region"]
            for form in self.forms
            if form.cleaned_data.get("region") and not form.cleaned_data.get("DELETE")
        ]
        if not any(region.city_id in self.cities for region in regions):
            raise ValidationError("签约地区中至少要有一个属于您负责的市。")
