"""Create the demo's organizations, halls, windows and kiosks (regions come from the reference list)."""

from dataclasses import dataclass, field

from tongban.catalog.choices import ItemType
from tongban.core.identifiers import make_uscc
from tongban.regions.models import Hall, Kiosk, Organization, Region, Window
from tongban.regions.services import regions_load_reference

from .places_data import APPROVAL_TAKES, PLACES, REGISTRY, PlaceSpec

CROSS_CITY_WINDOW = "圈内通办专窗"


@dataclass
class Places:
    """What the catalog and the reach plan need to know about the places they were created in."""

    regions: dict[str, Region]
    specs: dict[str, PlaceSpec]
    orgs: dict[str, dict[str, Organization]] = field(default_factory=dict)  # region key → role → org
    halls: dict[str, Hall] = field(default_factory=dict)
    cross_city_windows: dict[str, Window] = field(default_factory=dict)
    kiosks: dict[str, list[Kiosk]] = field(default_factory=dict)

    def implementing_org(self, key: str, role: str, item_type: str) -> Organization | None:
        """Who implements an item of `role` in region `key`: the department of that role, or the
        region's approval body for licenses where it has one (相对集中行政许可权)."""
        by_role = self.orgs[key]
        if item_type == ItemType.LICENSE and role in APPROVAL_TAKES and "approval" in by_role:
            return by_role["approval"]
        return by_role.get(role)


def places_create() -> Places:
    regions_load_reference()
    places = Places(
        regions={r.key: r for r in Region.objects.select_related("city")},
        specs={spec.key: spec for spec in PLACES},
    )
    _organizations_create(places)
    _halls_create(places)
    return places


def uscc_for(spec_index: int, org_index: int, kind: str, region: Region) -> str:
    """A valid, stable USCC: the registry of the body's kind, its region's code (the city's for zones
    without one), and an organization code made from the body's position in the demo."""
    registry = REGISTRY[kind]
    prefix = {"11": "0", "12": "MB", "91": "7"}[registry]
    body = f"{prefix}{spec_index:03d}{org_index:0{8 - len(prefix) - 3}d}"
    return make_uscc(registry=registry, region_code=region.code or region.city.code, org_body=body)


def _organizations_create(places: Places) -> None:
    rows = []
    for spec_index, spec in enumerate(PLACES, start=1):
        region = places.regions[spec.key]
        for org_index, org in enumerate(spec.orgs, start=1):
            rows.append(
                Organization(
                    name=org.name,
                    short_name=org.short_name,
                    uscc=uscc_for(spec_index, org_index, org.kind, region),
                    kind=org.kind,
                    region=region,
                    phone=f"{spec.area_code}-12345",
                    address=spec.hall.address,
                )
            )
    created = {o.name: o for o in Organization.objects.bulk_create(rows)}
    for spec in PLACES:
        places.orgs[spec.key] = {role: created[org.name] for org in spec.orgs for role in org.roles}


def _halls_create(places: Places) -> None:
    halls = Hall.objects.bulk_create(
        Hall(
            name=spec.hall.name,
            region=places.regions[spec.key],
            organization=places.orgs[spec.key]["gov"],
            address=spec.hall.address,
            opening_hours=spec.hall.hours,
            phone=f"{spec.area_code}-12345",
        )
        for spec in PLACES
    )
    places.halls = {hall.region.key: hall for hall in halls}
    windows = []
    for spec in PLACES:
        hall = places.halls[spec.key]
        for number, name in enumerate(spec.hall.windows, start=1):
            windows.append(Window(hall=hall, number=f"{number}号", name=name))
        windows.append(
            Window(
                hall=hall,
                number=f"{len(spec.hall.windows) + 1}号",
                name=CROSS_CITY_WINDOW,
                is_cross_city=True,
                description="受理武汉都市圈其他城市的“圈内通办”事项：代收材料、核验身份、寄递原件。",
            )
        )
    for window in Window.objects.bulk_create(windows):
        if window.is_cross_city:
            places.cross_city_windows[window.hall.region.key] = window
    _kiosks_create(places)


def _kiosks_create(places: Places) -> None:
    rows = []
    for spec in PLACES:
        region, hall = places.regions[spec.key], places.halls[spec.key]
        for n, kiosk in enumerate(spec.kiosks, start=1):
            rows.append(
                Kiosk(
                    serial=f"ZZJ-{spec.key.upper()}-{n:02d}",
                    name=kiosk.name,
                    region=region,
                    hall=hall if kiosk.in_hall else None,
                    location=kiosk.location,
                )
            )
    for kiosk in Kiosk.objects.bulk_create(rows):
        places.kiosks.setdefault(kiosk.region.key, []).append(kiosk)
