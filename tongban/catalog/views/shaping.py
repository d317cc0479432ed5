"""Shapes selector results into rows a template can print without logic: search results grouped by
item, the where-table of one item, the best-standard table with each city's one-line summary."""

from dataclasses import dataclass, field

from tongban.catalog.choices import Mode
from tongban.catalog.models import SearchEntry, ServiceItem
from tongban.catalog.selectors import METRICS, BestStandard, StandardRow, WhereCell
from tongban.regions.models import Kiosk, Region, Window

LOCAL = "local"
MODE_COLUMNS = [(LOCAL, "本地办理"), *Mode.choices]


def mode_labels(modes: str) -> list[str]:
    """Labels of a search row's cross-city modes (stored as ",online,proxy,")."""
    present = set(modes.strip(",").split(","))
    return [label for value, label in Mode.choices if value in present]


@dataclass
class ResultGroup:
    item: ServiceItem
    entries: list[SearchEntry] = field(default_factory=list)


def group_by_item(items: list[ServiceItem], entries: list[SearchEntry]) -> list[ResultGroup]:
    groups = {item.pk: ResultGroup(item) for item in items}
    for entry in entries:
        entry.mode_labels = mode_labels(entry.modes)
        groups[entry.service_item_id].entries.append(entry)
    return list(groups.values())


@dataclass
class WhereRow:
    city: Region
    modes: list[tuple[str, bool]]
    guides: list[SearchEntry]  # the city's own implementations (本地办理)
    windows: list[Window]
    kiosks: list[Kiosk]
    regions: list[Region]  # receiving regions named without a window (agreement parties)

    @property
    def any(self) -> bool:
        return any(offered for _, offered in self.modes)


def _unique(objects) -> list:
    return list({obj.pk: obj for obj in objects if obj is not None}.values())


def where_rows(cells: list[WhereCell], guides: list[SearchEntry]) -> list[WhereRow]:
    """One row per city: the modes offered there and the places that receive the item."""
    rows = []
    for cell in cells:
        entries = [entry for mode, found in cell.modes.items() if mode != LOCAL for entry in found]
        rows.append(
            WhereRow(
                city=cell.city,
                modes=[(label, bool(cell.modes.get(value))) for value, label in MODE_COLUMNS],
                guides=[guide for guide in guides if guide.city_id == cell.city.pk],
                windows=_unique(entry.window for entry in entries),
                kiosks=_unique(entry.kiosk for entry in entries),
                regions=_unique(
                    entry.region for entry in entries if entry.window is None and entry.kiosk is None
                ),
            )
        )
    return rows


# Short names and units of the best-standard measures, for the one-line summaries.
MEASURE_WORDS = {
    "promised_days": ("承诺时限", "个工作日"),
    "materials": ("申请材料", "件"),
    "visits": ("跑动次数", "次"),
    "steps": ("办理环节", "个"),
}


@dataclass
class BestCell:
    value: int
    divergence: int

    @property
    def is_best(self) -> bool:
        return self.divergence == 0


@dataclass
class BestRow:
    row: StandardRow
    cells: list[BestCell]
    summary: str


def summary_of(row: StandardRow) -> str:
    if row.is_best_everywhere:
        return "各项指标均达到圈内最优。"
    gaps = [
        f"{MEASURE_WORDS[metric][0]}多{delta}{MEASURE_WORDS[metric][1]}"
        for metric, delta in row.divergence.items()
        if delta > 0
    ]
    return "与圈内最优相比：" + "，".join(gaps) + "。"


def best_rows(standard: BestStandard) -> list[BestRow]:
    return [
        BestRow(
            row=row,
            cells=[BestCell(row.values[metric], row.divergence[metric]) for metric in METRICS],
            summary=summary_of(row),
        )
        for row in standard.rows
    ]
