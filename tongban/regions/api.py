"""The regions API: the circle's regions, organizations, halls, windows and kiosks (read only)."""

from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from . import selectors
from .choices import OrganizationKind, RegionKind
from .models import Region
from .schemas import ErrorOut, HallOut, KioskOut, OrganizationOut, RegionTreeOut, WindowOut

router = Router(tags=["行政区划与机构"])

PAGE = {"page_size": 20, "max_page_size": 100}


def _region(param: str, key: str | None) -> Region | None:
    return selectors.region_for_param(param=param, key=key) if key else None


class RegionFilter(Schema):
    kind: RegionKind | None = Field(None, description="只列出该类型的行政区划")
    parent: str | None = Field(None, description="只列出该上级（市的标识）之下的行政区划")


@router.get(
    "/",
    response={200: list[RegionTreeOut], 400: ErrorOut},
    summary="行政区划",
    description="默认返回九个市，各带下辖区、县、开发区；给出 kind 或 parent 时返回符合条件的行政区划"
    "（同样各带其下辖区域）。",
)
def region_list(request, filters: Query[RegionFilter]):
    if filters.kind is None and not filters.parent:
        return list(selectors.cities_with_children())
    return selectors.regions(kind=filters.kind, parent=_region("parent", filters.parent))


class OrganizationFilter(Schema):
    region: str | None = Field(None, description="行政区划标识；市包括其下辖区域")
    kind: OrganizationKind | None = None
    q: str = Field("", description="名称或简称包含的文字")


@router.get("/organizations", response={200: list[OrganizationOut], 400: ErrorOut}, summary="部门/机构")
@paginate(PageNumberPagination, **PAGE)
def organization_list(request, filters: Query[OrganizationFilter]):
    return selectors.organizations_matching(
        query=filters.q, region=_region("region", filters.region), kind=filters.kind
    )


@router.get("/organizations/{uscc}", response={200: OrganizationOut, 404: ErrorOut}, summary="部门/机构详情")
def organization_detail(request, uscc: str):
    return selectors.organization_get(uscc=uscc)


class PlaceFilter(Schema):
    region: str | None = Field(None, description="行政区划标识；市包括其下辖区域")


@router.get("/halls", response={200: list[HallOut], 400: ErrorOut}, summary="政务服务大厅")
@paginate(PageNumberPagination, **PAGE)
def hall_list(request, filters: Query[PlaceFilter]):
    return selectors.halls(region=_region("region", filters.region))


class WindowFilter(PlaceFilter):
    cross_city: bool | None = Field(None, description="true 只列出圈内通办专窗")


@router.get("/windows", response={200: list[WindowOut], 400: ErrorOut}, summary="窗口")
@paginate(PageNumberPagination, **PAGE)
def window_list(request, filters: Query[WindowFilter]):
    return selectors.windows(region=_region("region", filters.region), cross_city=filters.cross_city)


@router.get("/kiosks", response={200: list[KioskOut], 400: ErrorOut}, summary="自助终端")
@paginate(PageNumberPagination, **PAGE)
def kiosk_list(request, filters: Query[PlaceFilter]):
    return selectors.kiosks(region=_region("region", filters.region))


# Declared last: "/{key}" would otherwise also match "/halls", "/windows" ...
@router.get("/{key}", response={200: RegionTreeOut, 404: ErrorOut}, summary="行政区划详情")
def region_detail(request, key: str):
    return selectors.region_get(key=key)
