"""API schemas of regions, organizations, halls, windows and kiosks, and the shapes every app's API
shares (an enumeration as value + Chinese label, the error body)."""

from typing import Annotated, Any

from django.db.models import TextChoices
from ninja import Schema
from pydantic import BeforeValidator

from .choices import KioskStatus, OrganizationKind, RegionKind
from .models import Region

# --- Shared shapes --------------------------------------------------------------------------------


class Choice(Schema):
    """An enumeration value with its Chinese label, e.g. {"value": "online", "label": "全程网办"}."""

    value: str
    label: str


def choice(enum: type[TextChoices], value: str) -> dict[str, str]:
    member = enum(value)
    return {"value": member.value, "label": member.label}


def choice_of(enum: type[TextChoices]) -> Any:
    """A field that reads a stored value of `enum` and sends it as a Choice."""
    return Annotated[Choice, BeforeValidator(lambda v: choice(enum, v) if isinstance(v, str) else v)]


class FieldErrorOut(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    """The body of every 400/404/409 answer (see tongban.core.errors)."""

    detail: str
    errors: list[FieldErrorOut]


# --- Regions --------------------------------------------------------------------------------------


class RegionRef(Schema):
    key: str
    name: str
    display_name: str


class RegionOut(Schema):
    key: str
    code: str | None
    name: str
    short_name: str
    display_name: str
    kind: choice_of(RegionKind)
    parent: str | None
    city: str

    @staticmethod
    def resolve_parent(obj: Region) -> str | None:
        return obj.parent.key if obj.parent_id else None

    @staticmethod
    def resolve_city(obj: Region) -> str:
        # Two levels (DESIGN.md): a region's city is itself or its parent, both already loaded.
        return obj.key if obj.is_city else obj.parent.key


class RegionTreeOut(RegionOut):
    """A region with the regions directly inside it (a city's districts, counties and zones)."""

    children: list[RegionOut]

    @staticmethod
    def resolve_children(obj: Region) -> list[Region]:
        return list(obj.children.all())


# --- Organizations and service points -------------------------------------------------------------


class OrganizationRef(Schema):
    uscc: str
    name: str


class OrganizationOut(Schema):
    uscc: str
    name: str
    short_name: str
    kind: choice_of(OrganizationKind)
    region: RegionRef
    city: RegionRef
    phone: str
    address: str

    @staticmethod
    def resolve_city(obj) -> Region:
        return obj.region.city


class HallRef(Schema):
    id: int
    name: str


class HallOut(Schema):
    id: int
    name: str
    region: RegionRef
    city: RegionRef
    organization: OrganizationRef
    address: str
    opening_hours: str
    phone: str

    @staticmethod
    def resolve_city(obj) -> Region:
        return obj.region.city


class WindowRef(Schema):
    id: int
    number: str
    name: str
    is_cross_city: bool
    hall: HallRef


class WindowOut(WindowRef):
    description: str
    region: RegionRef
    city: RegionRef

    @staticmethod
    def resolve_region(obj) -> Region:
        return obj.hall.region

    @staticmethod
    def resolve_city(obj) -> Region:
        return obj.hall.region.city


class KioskRef(Schema):
    serial: str
    name: str
    location: str


class KioskOut(KioskRef):
    region: RegionRef
    city: RegionRef
    hall: HallRef | None
    status: choice_of(KioskStatus)

    @staticmethod
    def resolve_city(obj) -> Region:
        return obj.region.city
