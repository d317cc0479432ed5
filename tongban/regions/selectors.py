"""Reads for regions, organizations, halls, windows and kiosks."""

from django.db.models import Prefetch, Q, QuerySet

from tongban.core.errors import NotFound, ValidationFailed

from .choices import RegionKind
from .models import Hall, Kiosk, Organization, Region, Window


def cities() -> QuerySet[Region]:
    return Region.objects.filter(kind=RegionKind.CITY).order_by("sort_order")


def cities_with_children() -> QuerySet[Region]:
    return cities().prefetch_related(Prefetch("children", queryset=Region.objects.order_by("sort_order")))


def region_get(*, key: str) -> Region:
    try:
        return Region.objects.select_related("parent", "city").get(key=key)
    except Region.DoesNotExist:
        raise NotFound("未找到该行政区划。") from None


def region_and_descendants(region: Region) -> QuerySet[Region]:
    """A region and, for a city, everything inside it (the circle's lists have two levels)."""
    if region.kind == RegionKind.CITY:
        return Region.objects.filter(city=region)
    return Region.objects.filter(pk=region.pk)


def organizations(*, region: Region | None = None, kind: str | None = None) -> QuerySet[Organization]:
    qs = Organization.objects.select_related("region", "region__city")
    if region is not None:
        qs = qs.filter(region__in=region_and_descendants(region))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("region__sort_order", "id")


def halls(*, region: Region | None = None) -> QuerySet[Hall]:
    qs = Hall.objects.select_related("region", "region__city", "organization")
    if region is not None:
        qs = qs.filter(region__in=region_and_descendants(region))
    return qs


def windows(*, region: Region | None = None, cross_city: bool | None = None) -> QuerySet[Window]:
    qs = Window.objects.select_related("hall", "hall__region", "hall__region__city")
    if region is not None:
        qs = qs.filter(hall__region__in=region_and_descendants(region))
    if cross_city is not None:
        qs = qs.filter(is_cross_city=cross_city)
    return qs.order_by("hall__region__sort_order", "hall_id", "number")


def kiosks(*, region: Region | None = None) -> QuerySet[Kiosk]:
    qs = Kiosk.objects.select_related("region", "region__city", "hall")
    if region is not None:
        qs = qs.filter(region__in=region_and_descendants(region))
    return qs


# --- Reads added for the JSON API ------------------------------------------------------------------


def regions(*, kind: str | None = None, parent: Region | None = None) -> QuerySet[Region]:
    """Regions in reference order, optionally of one kind or inside one parent, with their children."""
    children = Prefetch("children", queryset=Region.objects.order_by("sort_order", "id"))
    qs = Region.objects.select_related("parent").prefetch_related(children).order_by("sort_order", "id")
    if kind:
        qs = qs.filter(kind=kind)
    if parent is not None:
        qs = qs.filter(parent=parent)
    return qs


def region_for_param(*, param: str, key: str, cities_only: bool = False) -> Region:
    """The region a query parameter names. An unknown key there is a bad request (400) naming the
    parameter, not a missing page (404)."""
    region = Region.objects.filter(key=key).first()
    if region is None:
        raise ValidationFailed.on(param, f"参数 {param}：未知的行政区划“{key}”。")
    if cities_only and region.kind != RegionKind.CITY:
        raise ValidationFailed.on(param, f"参数 {param}：“{region.display_name}”不是市，请填写市的标识。")
    return region


def organization_get(*, uscc: str) -> Organization:
    try:
        return Organization.objects.select_related("region", "region__city").get(uscc=uscc)
    except Organization.DoesNotExist:
        raise NotFound("未找到该部门或机构。") from None


def organizations_matching(
    *, query: str = "", region: Region | None = None, kind: str | None = None
) -> QuerySet[Organization]:
    """Organizations whose name or short name contains the query."""
    qs = organizations(region=region, kind=kind)
    if query := query.strip():
        qs = qs.filter(Q(name__icontains=query) | Q(short_name__icontains=query))
    return qs


def kiosk_get(*, serial: str) -> Kiosk:
    try:
        return Kiosk.objects.select_related("region", "region__city", "hall").get(serial=serial)
    except Kiosk.DoesNotExist:
        raise NotFound("未找到该自助终端。") from None
