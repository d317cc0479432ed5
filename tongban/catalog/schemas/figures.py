"""Figures: the catalog's statistics with the 通办 list's history, and the best-standard comparison."""

from datetime import date
from typing import Any

from ninja import Field, Schema

from tongban.catalog.choices import Mode
from tongban.catalog.selectors import METRICS
from tongban.regions.schemas import OrganizationRef, RegionRef, choice_of

from .items import ImplementationRef, ItemRef, ThemeCount, theme_counts


class ModeCount(Schema):
    mode: choice_of(Mode)
    count: int


class CityCount(Schema):
    city: RegionRef
    implementations: int
    tongban_items: int


class BatchOut(Schema):
    batch: str
    document_number: str
    published_on: date
    added: int
    cumulative: int

    @staticmethod
    def resolve_batch(obj) -> str:
        return obj.batch.name

    @staticmethod
    def resolve_document_number(obj) -> str:
        return obj.batch.document_number

    @staticmethod
    def resolve_published_on(obj) -> date:
        return obj.batch.published_on


class StatsOut(Schema):
    tongban_items: int = Field(..., description="圈内通办事项数：可在本市以外受理的现行实施清单")
    history: list[BatchOut] = Field(..., description="通办清单的批次及累计事项数")
    service_items: int
    implementations: int = Field(..., description="有现行版本的实施清单数")
    agreements: int = Field(..., description="现行有效的合作协议数")
    cross_city_windows: int
    kiosks: int
    by_mode: list[ModeCount] = Field(..., description="各办理模式的通办事项数")
    by_city: list[CityCount]
    by_theme: list[ThemeCount] = Field(..., description="各主题的通办事项数")

    @staticmethod
    def resolve_by_mode(obj) -> list[dict[str, Any]]:
        return [{"mode": m, "count": obj.by_mode.get(m, 0)} for m in Mode.values]

    @staticmethod
    def resolve_by_city(obj) -> list[dict[str, Any]]:
        return [{"city": c, "implementations": n, "tongban_items": t} for c, n, t in obj.by_city]

    @staticmethod
    def resolve_by_theme(obj) -> list[dict[str, Any]]:
        return theme_counts(obj.by_theme)


# --- Best standard (对标最优) ------------------------------------------------------------------------


class Measures(Schema):
    promised_days: int
    materials: int
    visits: int
    steps: int


class MeasureOut(Schema):
    key: str
    label: str
    best: int


class StandardRowOut(Schema):
    implementation: ImplementationRef
    organization: OrganizationRef
    city: RegionRef
    values: Measures
    divergence: Measures = Field(..., description="与最优值之差，0 表示本项即最优")
    best_count: int
    is_best_everywhere: bool

    @staticmethod
    def resolve_organization(obj):
        return obj.implementation.organization

    @staticmethod
    def resolve_city(obj):
        return obj.implementation.organization.region.city


class BestStandardOut(Schema):
    item: ItemRef
    measures: list[MeasureOut]
    rows: list[StandardRowOut]

    @staticmethod
    def resolve_measures(obj) -> list[dict[str, Any]]:
        return [{"key": key, "label": label, "best": obj.best[key]} for key, label in METRICS.items()]
