"""Items of the basic catalog, and implementations as list rows."""

from typing import Any

from ninja import Field, Schema

from tongban.catalog.choices import Audience, ItemType, Mode, Theme
from tongban.regions.schemas import OrganizationRef, RegionRef, choice_of


class ItemRef(Schema):
    basic_code: str
    name: str


class ItemOut(Schema):
    basic_code: str
    name: str
    item_type: choice_of(ItemType)
    theme: choice_of(Theme)
    audience: choice_of(Audience)
    aliases: list[str]


class ItemDetailOut(ItemOut):
    legal_basis: str


class ImplementationRow(Schema):
    """An implementation in a list, read from its search index row (tongban.catalog.models.SearchEntry)."""

    code: str
    name: str
    item: str = Field(..., description="事项基本编码")
    organization: OrganizationRef
    city: RegionRef
    modes: list[choice_of(Mode)]
    promised_days: int
    is_tongban: bool = Field(..., description="可在本市以外受理（圈内通办清单事项）")

    @staticmethod
    def resolve_code(obj) -> str:
        return obj.implementation.code

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.implementation.current.name

    @staticmethod
    def resolve_item(obj) -> str:
        return obj.service_item.basic_code

    @staticmethod
    def resolve_modes(obj) -> list[str]:
        offered = obj.modes.strip(",").split(",")
        return [m for m in Mode.values if m in offered]


class ImplementationRef(Schema):
    code: str
    name: str

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.current.name


class ItemWithImplementationsOut(Schema):
    item: ItemDetailOut
    implementations: list[ImplementationRow]


class ThemeCount(Schema):
    theme: choice_of(Theme)
    count: int


def theme_counts(by_theme: dict[str, int]) -> list[dict[str, Any]]:
    """Counts by theme in the catalog's theme order, themes without any left out."""
    return [{"theme": t, "count": by_theme[t]} for t in Theme.values if by_theme.get(t)]
