"""The catalog API: items and implementations (search, guides, versions, reach), agreements with their
coverage, statistics of the 通办 list, the best-standard comparison and kiosks' item lists (read only)."""

from enum import Enum

from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate
from pydantic import field_validator

from tongban.regions import selectors as regions
from tongban.regions.schemas import ErrorOut

from . import selectors
from .choices import Audience, Mode, Theme
from .schemas import (
    AgreementItemOut,
    AgreementOut,
    AvailabilityOut,
    BestStandardOut,
    ImplementationRow,
    ItemOut,
    ItemWithImplementationsOut,
    StatsOut,
    VersionOut,
    VersionSummaryOut,
    WhereOut,
    agreement_out,
)
from .search import SearchFilters, implementations_search, items_search

router = Router(tags=["事项目录"])

PAGE = {"page_size": 20, "max_page_size": 100}
NOT_FOUND = {404: ErrorOut}
PAGED_ERRORS = {400: ErrorOut, 404: ErrorOut}  # a bad page number, an unknown parent object


class CatalogFilter(Schema):
    q: str = Field("", description="搜索词：中文（含“社保”等两字词）、全拼或拼音首字母（sbk）、别名")
    theme: Theme | None = Field(None, description="主题")
    city: str | None = Field(None, description="实施主体所在的市（市的标识，如 420100）")
    mode: Mode | None = Field(None, description="办理模式")
    audience: Audience | None = Field(None, description="服务对象")
    receivable_in: str | None = Field(None, description="可以在该市受理（市的标识）")

    @field_validator("theme", "city", "mode", "audience", "receivable_in", mode="before")
    @classmethod
    def _blank_is_unset(cls, value):
        return value or None


def _value(member: Enum | None) -> str | None:
    return member.value if member else None


def _search_filters(filters: CatalogFilter) -> SearchFilters:
    for param in ("city", "receivable_in"):
        if key := getattr(filters, param):
            regions.region_for_param(param=param, key=key, cities_only=True)
    return SearchFilters(
        theme=_value(filters.theme),
        city=filters.city,
        mode=_value(filters.mode),
        audience=_value(filters.audience),
        receivable_in=filters.receivable_in,
    )


# --- Items ------------------------------------------------------------------------------------------


@router.get("/items", response={200: list[ItemOut], 400: ErrorOut}, summary="事项（搜索与筛选）")
@paginate(PageNumberPagination, **PAGE)
def item_list(request, filters: Query[CatalogFilter]):
    return items_search(query=filters.q, filters=_search_filters(filters))


@router.get(
    "/items/{basic_code}", response={200: ItemWithImplementationsOut, **NOT_FOUND}, summary="事项及其实施清单"
)
def item_detail(request, basic_code: str):
    item = selectors.service_item_get(basic_code=basic_code)
    return {"item": item, "implementations": selectors.implementation_rows(item=item)}


@router.get(
    "/items/{basic_code}/where",
    response={200: WhereOut, **NOT_FOUND},
    summary="在哪里可以办（各市 × 办理模式）",
)
def item_where(request, basic_code: str):
    item = selectors.service_item_get(basic_code=basic_code)
    return {"item": item, "cities": selectors.item_where(item)}


@router.get(
    "/items/{basic_code}/best-standard",
    response={200: BestStandardOut, **NOT_FOUND},
    summary="对标最优：各地实施清单的比较",
)
def item_best_standard(request, basic_code: str):
    return selectors.best_standard(selectors.service_item_get(basic_code=basic_code))


# --- Implementations ----------------------------------------------------------------------------------


@router.get(
    "/implementations",
    response={200: list[ImplementationRow], 400: ErrorOut},
    summary="实施清单（搜索与筛选）",
)
@paginate(PageNumberPagination, **PAGE)
def implementation_list(request, filters: Query[CatalogFilter]):
    return implementations_search(query=filters.q, filters=_search_filters(filters))


# by_alias: the form definition's format version goes out as "schema", its stored name.
@router.get(
    "/implementations/{code}",
    response={200: VersionOut, **NOT_FOUND},
    by_alias=True,
    summary="办事指南（现行版本）",
)
def implementation_detail(request, code: str):
    return selectors.version_with_guide(selectors.implementation_get(code=code).current_id)


@router.get(
    "/implementations/{code}/versions",
    response={200: list[VersionSummaryOut], **NOT_FOUND},
    summary="办事指南的历史版本",
)
def implementation_versions(request, code: str):
    return selectors.versions_public(implementation=selectors.implementation_get(code=code))


@router.get(
    "/implementations/{code}/versions/{number}",
    response={200: VersionOut, **NOT_FOUND},
    by_alias=True,
    summary="办事指南的某一版本",
)
def implementation_version(request, code: str, number: int):
    return selectors.version_get(code=code, number=number)


@router.get(
    "/implementations/{code}/availability",
    response={200: AvailabilityOut, **NOT_FOUND},
    summary="通办范围：在哪里、以何种模式受理",
)
def implementation_availability(request, code: str):
    return selectors.implementation_reach(selectors.implementation_get(code=code))


# --- Agreements -------------------------------------------------------------------------------------


@router.get("/agreements", response=list[AgreementOut], summary="合作协议及其覆盖情况")
def agreement_list(request):
    return [agreement_out(selectors.agreement_coverage(a)) for a in selectors.agreements_with_parties()]


@router.get("/agreements/{agreement_id}", response={200: AgreementOut, **NOT_FOUND}, summary="合作协议")
def agreement_detail(request, agreement_id: int):
    return agreement_out(selectors.agreement_coverage(selectors.agreement_get(pk=agreement_id)))


@router.get(
    "/agreements/{agreement_id}/items",
    response={200: list[AgreementItemOut], **PAGED_ERRORS},
    summary="合作协议的事项清单",
)
@paginate(PageNumberPagination, **PAGE)
def agreement_items(request, agreement_id: int):
    return selectors.agreement_items(selectors.agreement_get(pk=agreement_id))


# --- Statistics and kiosks ----------------------------------------------------------------------------


@router.get("/stats", response=StatsOut, summary="目录统计与通办清单的历史")
def stats(request):
    return selectors.catalog_stats()


@router.get(
    "/kiosks/{serial}/items",
    response={200: list[ImplementationRow], **PAGED_ERRORS},
    summary="自助终端可办事项",
)
@paginate(PageNumberPagination, **PAGE)
def kiosk_items(request, serial: str):
    return selectors.implementation_rows(kiosk=regions.kiosk_get(serial=serial))
