"""Reach: how and where an implementation can be received, and an item's cities × modes."""

from typing import Any

from ninja import Field, Schema

from tongban.catalog.choices import AvailabilitySource, Mode
from tongban.regions.schemas import Choice, KioskRef, RegionRef, WindowRef, choice_of

from .items import ImplementationRef, ItemRef


class AgreementRef(Schema):
    id: int
    name: str
    document_number: str


class ReachOut(Schema):
    """One way to get an implementation received. No city: anywhere in the circle (全程网办)."""

    mode: choice_of(Mode)
    city: RegionRef | None
    region: RegionRef | None
    window: WindowRef | None
    kiosk: KioskRef | None
    source: choice_of(AvailabilitySource)
    agreement: AgreementRef | None

    @staticmethod
    def resolve_source(obj) -> str:
        return AvailabilitySource.AGREEMENT if obj.agreement else AvailabilitySource.EXPLICIT


class AvailabilityOut(Schema):
    implementation: ImplementationRef
    city: RegionRef = Field(..., description="实施主体所在的市")
    modes: list[choice_of(Mode)]
    cities: list[RegionRef] = Field(..., description="可受理的市（含本市）")
    entries: list[ReachOut]

    @staticmethod
    def resolve_city(obj):
        return obj.implementation.organization.region.city


# "Where can I do this": the modes of DESIGN.md plus the owning city's own counters.
WHERE_MODES = {"local": "本地办理", **dict(Mode.choices)}


class WhereModeOut(Schema):
    mode: Choice
    anywhere: bool = Field(..., description="都市圈内任何地方均可办理（全程网办）")
    regions: list[RegionRef]
    windows: list[WindowRef]
    kiosks: list[KioskRef]


class WhereCityOut(Schema):
    city: RegionRef
    modes: list[WhereModeOut] = Field(..., description="为空表示该市不能办理")

    @staticmethod
    def resolve_modes(obj) -> list[dict[str, Any]]:
        return [_where_mode(m, obj.modes[m]) for m in WHERE_MODES if m in obj.modes]


def _distinct(things) -> list:
    return list({thing.pk: thing for thing in things if thing is not None}.values())


def _where_mode(mode: str, entries) -> dict[str, Any]:
    return {
        "mode": {"value": mode, "label": WHERE_MODES[mode]},
        "anywhere": any(e.city is None for e in entries),
        "regions": _distinct(e.region for e in entries),
        "windows": _distinct(e.window for e in entries),
        "kiosks": _distinct(e.kiosk for e in entries),
    }


class WhereOut(Schema):
    item: ItemRef
    cities: list[WhereCityOut]
