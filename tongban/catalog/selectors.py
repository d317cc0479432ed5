"""Reads of the catalog: reach (where and how an implementation can be received), the 通办 list and its
history, statistics, agreements with coverage, and the best-standard comparison."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from tongban.core.errors import NotFound
from tongban.regions.models import Kiosk, Region, Window
from tongban.regions.selectors import cities

from .choices import Mode, Necessity, VersionStatus
from .models import (
    Agreement,
    AgreementItem,
    AgreementParty,
    Availability,
    Implementation,
    ImplementationVersion,
    SearchEntry,
    ServiceItem,
    TongbanBatch,
)

# --- Implementations and items --------------------------------------------------------------------


def implementations_in_force() -> QuerySet[Implementation]:
    """Implementations with a published version, with what a list or a page shows of them."""
    return Implementation.objects.filter(current__isnull=False).select_related(
        "service_item", "organization", "organization__region", "organization__region__city", "current"
    )


def implementation_get(*, code: str) -> Implementation:
    try:
        return implementations_in_force().get(code=code)
    except Implementation.DoesNotExist:
        raise NotFound("未找到该事项的办事指南。") from None


def version_with_guide(version_id: int) -> ImplementationVersion:
    """A version with every row of its guide loaded (materials, steps, fees, locations, FAQ)."""
    return (
        ImplementationVersion.objects.select_related(
            "implementation__service_item", "implementation__organization__region__city"
        )
        .prefetch_related("materials", "steps__organization", "fees", "locations__hall", "faqs")
        .get(pk=version_id)
    )


def service_item_get(*, basic_code: str) -> ServiceItem:
    try:
        return ServiceItem.objects.get(basic_code=basic_code)
    except ServiceItem.DoesNotExist:
        raise NotFound("未找到该事项。") from None


# --- Reach: explicit availability plus agreements ---------------------------------------------------


def agreements_in_force(*, on: date | None = None) -> QuerySet[Agreement]:
    on = on or timezone.localdate()
    return Agreement.objects.filter(effective_from__lte=on).filter(
        Q(effective_until__isnull=True) | Q(effective_until__gte=on)
    )


def tongban_implementations(*, on: date | None = None) -> QuerySet[Implementation]:
    """The circle's 通办 list: implementations in force that can be received outside their own city,
    by an explicit entry (the whole circle, or a place in another city) or through an agreement in force
    with a party in another city."""
    own_city = OuterRef("organization__region__city")
    explicit = Availability.objects.filter(implementation=OuterRef("pk")).filter(
        Q(scope_city__isnull=True) | ~Q(scope_city=own_city)
    )
    through_agreement = AgreementParty.objects.filter(
        agreement__in=agreements_in_force(on=on), agreement__item_rows__implementation=OuterRef("pk")
    ).exclude(region__city=own_city)
    return implementations_in_force().filter(Exists(explicit) | Exists(through_agreement))


@dataclass(frozen=True)
class ReachEntry:
    """One way to get an implementation received: a mode at a place (None = anywhere in the circle)."""

    mode: str
    city: Region | None
    region: Region | None = None
    window: Window | None = None
    kiosk: Kiosk | None = None
    agreement: Agreement | None = None

    @property
    def mode_label(self) -> str:
        return Mode(self.mode).label


def reach_for(
    implementations: list[Implementation], *, on: date | None = None
) -> dict[int, list[ReachEntry]]:
    """Every way each implementation can be received, explicit entries first, then agreements
    (an agreement lets the other parties' cross-city windows receive, 异地代收代办)."""
    ids = [i.pk for i in implementations]
    reach: dict[int, list[ReachEntry]] = defaultdict(list)
    rows = Availability.objects.filter(implementation_id__in=ids).select_related(
        "region__city", "window__hall__region__city", "kiosk__region__city", "scope_city"
    )
    for row in rows:
        reach[row.implementation_id].append(
            ReachEntry(row.mode, row.scope_city, row.region, row.window, row.kiosk)
        )
    own_region = {i.pk: i.organization.region for i in implementations}
    agreement_rows = AgreementItem.objects.filter(
        implementation_id__in=ids, agreement__in=agreements_in_force(on=on)
    ).select_related("agreement")
    by_agreement: dict[int, list[int]] = defaultdict(list)
    agreements = {}
    for row in agreement_rows:
        by_agreement[row.agreement_id].append(row.implementation_id)
        agreements[row.agreement_id] = row.agreement
    parties = AgreementParty.objects.filter(agreement_id__in=by_agreement).select_related("region__city")
    windows_by_region = _cross_city_windows_by_region()
    for party in parties:
        for impl_id in by_agreement[party.agreement_id]:
            if _within(own_region[impl_id], party.region):
                continue
            agreement = agreements[party.agreement_id]
            reach[impl_id].append(
                ReachEntry(Mode.PROXY, party.region.city, party.region, agreement=agreement)
            )
            for window in windows_by_region.get(party.region_id, []):
                reach[impl_id].append(
                    ReachEntry(
                        Mode.PROXY, party.region.city, party.region, window=window, agreement=agreement
                    )
                )
    return dict(reach)


def _within(region: Region, party: Region) -> bool:
    return region.pk == party.pk or region.parent_id == party.pk


def _cross_city_windows_by_region() -> dict[int, list[Window]]:
    """Cross-city windows by the region of their hall and by that region's city."""
    found: dict[int, list[Window]] = defaultdict(list)
    for window in Window.objects.filter(is_cross_city=True).select_related("hall__region__city"):
        found[window.hall.region_id].append(window)
        if window.hall.region.parent_id:
            found[window.hall.region.parent_id].append(window)
    return found


def reach_summary(reach: list[ReachEntry], *, all_city_ids: list[int]) -> tuple[set[str], set[int]]:
    """The modes offered and the ids of the cities where an implementation can be received."""
    modes = {entry.mode for entry in reach}
    city_ids: set[int] = set()
    for entry in reach:
        if entry.city is None:
            city_ids.update(all_city_ids)
        else:
            city_ids.add(entry.city.pk)
    return modes, city_ids


@dataclass
class WhereCell:
    city: Region
    modes: dict[str, list[ReachEntry]] = field(default_factory=dict)


def item_where(item: ServiceItem) -> list[WhereCell]:
    """For one item, per city of the circle: by which modes, at which windows and kiosks, it can be
    received there (for any of its implementations)."""
    implementations = list(implementations_in_force().filter(service_item=item))
    reach = reach_for(implementations)
    cells = {city.pk: WhereCell(city) for city in cities()}
    for impl in implementations:
        own_city = impl.organization.region.city
        cells[own_city.pk].modes.setdefault("local", []).append(
            ReachEntry("local", own_city, impl.organization.region)
        )
        for entry in reach.get(impl.pk, []):
            targets = cells.values() if entry.city is None else [cells[entry.city.pk]]
            for cell in targets:
                cell.modes.setdefault(entry.mode, []).append(entry)
    return list(cells.values())


# --- Statistics and the list's history -------------------------------------------------------------


@dataclass(frozen=True)
class BatchStep:
    batch: TongbanBatch
    added: int
    cumulative: int


def batch_history() -> list[BatchStep]:
    steps, total = [], 0
    for batch in TongbanBatch.objects.annotate(added=Count("entries")).order_by("published_on", "id"):
        total += batch.added
        steps.append(BatchStep(batch, batch.added, total))
    return steps


@dataclass(frozen=True)
class CatalogStats:
    service_items: int
    implementations: int
    tongban_items: int
    by_mode: dict[str, int]
    by_city: list[tuple[Region, int, int]]
    by_theme: dict[str, int]
    history: list[BatchStep]
    agreements: int
    cross_city_windows: int
    kiosks: int


def catalog_stats() -> CatalogStats:
    tongban = tongban_implementations()
    tongban_ids = list(tongban.values_list("pk", flat=True))
    tongban_set = set(tongban_ids)
    by_mode = {}
    for mode in Mode.values:
        ids = set(Availability.objects.filter(mode=mode).values_list("implementation_id", flat=True))
        if mode == Mode.PROXY:
            in_agreement = AgreementItem.objects.filter(agreement__in=agreements_in_force())
            ids |= set(in_agreement.values_list("implementation_id", flat=True))
        by_mode[mode] = len(ids & tongban_set)
    per_city_total = dict(
        implementations_in_force().values_list("organization__region__city").annotate(n=Count("pk"))
    )
    per_city_tongban = dict(
        Implementation.objects.filter(pk__in=tongban_ids)
        .values_list("organization__region__city")
        .annotate(n=Count("pk"))
    )
    by_theme = dict(
        Implementation.objects.filter(pk__in=tongban_ids)
        .values_list("service_item__theme")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return CatalogStats(
        service_items=ServiceItem.objects.count(),
        implementations=implementations_in_force().count(),
        tongban_items=len(tongban_ids),
        by_mode=by_mode,
        by_city=[(c, per_city_total.get(c.pk, 0), per_city_tongban.get(c.pk, 0)) for c in cities()],
        by_theme=by_theme,
        history=batch_history(),
        agreements=agreements_in_force().count(),
        cross_city_windows=Window.objects.filter(is_cross_city=True).count(),
        kiosks=Kiosk.objects.count(),
    )


# --- Agreements and their coverage ------------------------------------------------------------------


@dataclass(frozen=True)
class PartyCoverage:
    region: Region
    contributed: int
    cross_city_windows: int


@dataclass(frozen=True)
class AgreementCoverage:
    agreement: Agreement
    in_force: bool
    items: int
    receivable: int
    parties: list[PartyCoverage]
    by_theme: dict[str, int]
    not_in_force_items: list[Implementation]
    parties_without_window: list[Region]

    @property
    def ratio(self) -> float:
        return self.receivable / self.items if self.items else 0.0


def agreements_with_parties() -> QuerySet[Agreement]:
    return Agreement.objects.prefetch_related(
        Prefetch("party_rows", queryset=AgreementParty.objects.select_related("region__city", "signatory"))
    ).annotate(item_count=Count("item_rows"))


def agreement_get(*, pk: int) -> Agreement:
    try:
        return agreements_with_parties().get(pk=pk)
    except Agreement.DoesNotExist:
        raise NotFound("未找到该合作协议。") from None


def agreement_coverage(agreement: Agreement) -> AgreementCoverage:
    """What the agreement promises against what the catalog delivers: an item counts as receivable
    when it has a version in force and every other party has a cross-city window to receive it."""
    rows = list(
        AgreementItem.objects.filter(agreement=agreement).select_related(
            "implementation__organization__region", "implementation__service_item"
        )
    )
    party_regions = [p.region for p in agreement.party_rows.all()]
    windows = _cross_city_windows_by_region()
    without_window = [r for r in party_regions if not windows.get(r.pk)]
    contributed: dict[int, int] = defaultdict(int)
    by_theme: dict[str, int] = defaultdict(int)
    not_in_force, receivable = [], 0
    for row in rows:
        impl = row.implementation
        home = next((r for r in party_regions if _within(impl.organization.region, r)), None)
        if home is not None:
            contributed[home.pk] += 1
        by_theme[impl.service_item.theme] += 1
        if impl.current_id is None:
            not_in_force.append(impl)
        elif not any(r is not home for r in without_window):
            receivable += 1
    today = timezone.localdate()
    return AgreementCoverage(
        agreement=agreement,
        in_force=agreement.effective_from <= today
        and (agreement.effective_until is None or agreement.effective_until >= today),
        items=len(rows),
        receivable=receivable,
        parties=[PartyCoverage(r, contributed[r.pk], len(windows.get(r.pk, []))) for r in party_regions],
        by_theme=dict(by_theme),
        not_in_force_items=not_in_force,
        parties_without_window=without_window,
    )


def agreement_items(agreement: Agreement) -> QuerySet[Implementation]:
    return (
        Implementation.objects.filter(agreement_rows__agreement=agreement)
        .select_related("service_item", "organization__region__city", "current")
        .order_by("service_item__theme", "service_item__basic_code", "code")
    )


# --- Best standard (对标最优) ------------------------------------------------------------------------

METRICS = {
    "promised_days": "承诺时限（工作日）",
    "materials": "申请材料（件）",
    "visits": "跑动次数",
    "steps": "办理环节",
}


@dataclass
class StandardRow:
    implementation: Implementation
    values: dict[str, int]
    divergence: dict[str, int] = field(default_factory=dict)

    @property
    def best_count(self) -> int:
        return sum(1 for delta in self.divergence.values() if delta == 0)

    @property
    def is_best_everywhere(self) -> bool:
        return self.best_count == len(METRICS)


@dataclass
class BestStandard:
    item: ServiceItem
    rows: list[StandardRow]
    best: dict[str, int]


def best_standard(item: ServiceItem) -> BestStandard:
    """Compare every implementation of one item across the circle: the best value of each measure and
    each implementation's distance from it (materials counted are those an applicant must bring:
    required or deferrable, not optional ones)."""
    implementations = (
        implementations_in_force()
        .filter(service_item=item)
        .annotate(
            material_count=Count(
                "current__materials",
                filter=~Q(current__materials__necessity=Necessity.OPTIONAL),
                distinct=True,
            ),
            step_count=Count("current__steps", distinct=True),
        )
        .order_by("organization__region__sort_order", "code")
    )
    rows = [
        StandardRow(
            impl,
            {
                "promised_days": impl.current.promised_days,
                "materials": impl.material_count,
                "visits": impl.current.visits,
                "steps": impl.step_count,
            },
        )
        for impl in implementations
    ]
    best = {metric: min((r.values[metric] for r in rows), default=0) for metric in METRICS}
    for row in rows:
        row.divergence = {metric: row.values[metric] - best[metric] for metric in METRICS}
    return BestStandard(item=item, rows=rows, best=best)


# --- Reads added for the public portal ------------------------------------------------------------


def version_get(*, code: str, number: int) -> ImplementationVersion:
    """One published or superseded version of an implementation, with its whole guide: an applicant
    may hold a receipt naming an older version. Drafts are never public."""
    version_id = (
        ImplementationVersion.objects.filter(implementation__code=code, number=number)
        .exclude(status=VersionStatus.DRAFT)
        .values_list("pk", flat=True)
        .first()
    )
    if version_id is None:
        raise NotFound("未找到该版本的办事指南。")
    return version_with_guide(version_id)


# --- Reads added for the JSON API -----------------------------------------------------------------


def versions_public(*, implementation: Implementation) -> QuerySet[ImplementationVersion]:
    """The versions an applicant may have been told (published or superseded), newest first."""
    return implementation.versions.exclude(status=VersionStatus.DRAFT).order_by("-number")


def implementation_rows(
    *, item: ServiceItem | None = None, kiosk: Kiosk | None = None
) -> QuerySet[SearchEntry]:
    """Implementations in force as list rows (their index rows carry modes and the 通办 mark): those of
    one item, by city; or those a kiosk receives (its item list), by item."""
    rows = SearchEntry.objects.select_related(
        "implementation__current", "service_item", "organization", "city"
    )
    if item is not None:
        rows = rows.filter(service_item=item).order_by("city__sort_order", "implementation__code")
    if kiosk is not None:
        at_kiosk = Availability.objects.filter(implementation=OuterRef("implementation"), kiosk=kiosk)
        rows = rows.filter(Exists(at_kiosk)).order_by("service_item__basic_code", "implementation__code")
    return rows


@dataclass(frozen=True)
class ImplementationReach:
    implementation: Implementation
    entries: list[ReachEntry]
    modes: list[str]
    cities: list[Region]


def implementation_reach(implementation: Implementation) -> ImplementationReach:
    """Every way one implementation can be received, with the modes and the cities that gives
    (its own city always among them)."""
    entries = reach_for([implementation]).get(implementation.pk, [])
    city_list = list(cities())
    modes, city_ids = reach_summary(entries, all_city_ids=[c.pk for c in city_list])
    city_ids.add(implementation.organization.region.city_id)
    return ImplementationReach(
        implementation=implementation,
        entries=entries,
        modes=[m for m in Mode.values if m in modes],
        cities=[c for c in city_list if c.pk in city_ids],
    )


def implementation_applies_online(implementation: Implementation) -> bool:
    """Whether the implementation is received on the portal (全程网办, or 多地联办 started online)."""
    return implementation.availability.filter(mode__in=[Mode.ONLINE, Mode.JOINT]).exists()
