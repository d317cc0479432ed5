"""Agreements with their parties, computed coverage and item lists."""

from datetime import date
from typing import Any

from ninja import Field, Schema

from tongban.catalog.choices import Theme
from tongban.catalog.selectors import AgreementCoverage
from tongban.regions.schemas import OrganizationRef, RegionRef, choice_of

from .items import ThemeCount, theme_counts


class PartyOut(Schema):
    region: RegionRef
    signatory: OrganizationRef | None
    contributed: int = Field(..., description="该方实施的协议事项数")
    cross_city_windows: int


class CoverageOut(Schema):
    items: int
    receivable: int = Field(..., description="现行有效且其他各方均有圈内通办专窗可受理的事项数")
    ratio: float
    not_in_force: int = Field(..., description="没有现行版本的协议事项数")
    parties_without_window: list[RegionRef]
    by_theme: list[ThemeCount]


class AgreementOut(Schema):
    id: int
    name: str
    document_number: str
    summary: str
    signed_on: date
    effective_from: date
    effective_until: date | None
    in_force: bool
    item_count: int
    parties: list[PartyOut]
    coverage: CoverageOut


AGREEMENT_FIELDS = ("name", "document_number", "summary", "signed_on", "effective_from", "effective_until")


def agreement_out(coverage: AgreementCoverage) -> dict[str, Any]:
    """An agreement with its parties and computed coverage, in the shape of AgreementOut."""
    agreement = coverage.agreement
    signatories = {p.region_id: p.signatory for p in agreement.party_rows.all()}
    return {
        **{name: getattr(agreement, name) for name in AGREEMENT_FIELDS},
        "id": agreement.pk,
        "in_force": coverage.in_force,
        "item_count": coverage.items,
        "parties": [
            {
                "region": party.region,
                "signatory": signatories.get(party.region.pk),
                "contributed": party.contributed,
                "cross_city_windows": party.cross_city_windows,
            }
            for party in coverage.parties
        ],
        "coverage": {
            "items": coverage.items,
            "receivable": coverage.receivable,
            "ratio": round(coverage.ratio, 4),
            "not_in_force": len(coverage.not_in_force_items),
            "parties_without_window": coverage.parties_without_window,
            "by_theme": theme_counts(coverage.by_theme),
        },
    }


class AgreementItemOut(Schema):
    code: str
    name: str
    item: str = Field(..., description="事项基本编码")
    theme: choice_of(Theme)
    organization: OrganizationRef
    city: RegionRef
    in_force: bool
    promised_days: int | None

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.current.name if obj.current_id else obj.service_item.name

    @staticmethod
    def resolve_item(obj) -> str:
        return obj.service_item.basic_code

    @staticmethod
    def resolve_theme(obj) -> str:
        return obj.service_item.theme

    @staticmethod
    def resolve_city(obj):
        return obj.organization.region.city

    @staticmethod
    def resolve_in_force(obj) -> bool:
        return obj.current_id is not None

    @staticmethod
    def resolve_promised_days(obj) -> int | None:
        return obj.current.promised_days if obj.current_id else None
