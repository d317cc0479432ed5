"""The public portal: home, search, guides, where-to-apply, agreements, best standard, the 通办 list and
kiosks. Every page reads through the catalog's selectors and works without JavaScript; htmx only
swaps the search results in place."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from tongban.catalog import selectors
from tongban.catalog.choices import Theme
from tongban.catalog.models import ImplementationVersion
from tongban.catalog.search import implementations_search, items_search
from tongban.core.errors import NotFound
from tongban.regions import selectors as region_selectors

from .forms import SearchForm
from .shaping import MODE_COLUMNS, best_rows, group_by_item, where_rows

RESULTS_PER_PAGE = 20
AGREEMENT_ITEMS_PER_PAGE = 50
THEME_ORDER = {value: position for position, value in enumerate(Theme.values)}


def _found(selector, **kwargs):
    """Call a selector; its NotFound becomes the Chinese 404 page with the selector's message."""
    try:
        return selector(**kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _wants_fragment(request: HttpRequest) -> bool:
    """An htmx request swaps a fragment in; a history restore (cache miss) needs the whole page."""
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def home(request: HttpRequest) -> HttpResponse:
    stats = selectors.catalog_stats()
    themes = [(value, label, stats.by_theme.get(value, 0)) for value, label in Theme.choices]
    return render(request, "catalog/home.html", {"stats": stats, "themes": themes})


def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET, cities=list(region_selectors.cities()))
    form.is_valid()  # invalid fields are shown as errors and left out of the filters
    query, filters = form.search_args()
    page = Paginator(items_search(query=query, filters=filters), RESULTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    items = list(page.object_list)
    entries = implementations_search(query=query, filters=filters).filter(service_item__in=items)
    context = {"form": form, "query": query, "page": page, "groups": group_by_item(items, list(entries))}
    template = "catalog/search.html#fragment" if _wants_fragment(request) else "catalog/search.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def guide(request: HttpRequest, code: str) -> HttpResponse:
    implementation = _found(selectors.implementation_get, code=code)
    return _render_guide(request, selectors.version_with_guide(implementation.current_id))


def guide_version(request: HttpRequest, code: str, number: int) -> HttpResponse:
    return _render_guide(request, _found(selectors.version_get, code=code, number=number))


def _render_guide(request: HttpRequest, version: ImplementationVersion) -> HttpResponse:
    implementation = version.implementation
    context = {
        "version": version,
        "implementation": implementation,
        "item": implementation.service_item,
        "organization": implementation.organization,
        "is_current": version.pk == implementation.current_id,
        "applies_online": selectors.implementation_applies_online(implementation),
    }
    return render(request, "catalog/guide.html", context)


def item_where(request: HttpRequest, basic_code: str) -> HttpResponse:
    item = _found(selectors.service_item_get, basic_code=basic_code)
    guides = list(selectors.implementation_rows(item=item))
    context = {
        "item": item,
        "columns": [label for _, label in MODE_COLUMNS],
        "rows": where_rows(selectors.item_where(item), guides),
        "guides": guides,
    }
    return render(request, "catalog/where.html", context)


def item_best(request: HttpRequest, basic_code: str) -> HttpResponse:
    item = _found(selectors.service_item_get, basic_code=basic_code)
    standard = selectors.best_standard(item)
    context = {
        "item": item,
        "standard": standard,
        "measures": list(selectors.METRICS.values()),
        "best_values": [standard.best[metric] for metric in selectors.METRICS],
        "rows": best_rows(standard),
    }
    return render(request, "catalog/best.html", context)


def agreements(request: HttpRequest) -> HttpResponse:
    coverages = [selectors.agreement_coverage(a) for a in selectors.agreements_with_parties()]
    return render(request, "catalog/agreements.html", {"coverages": coverages})


def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _found(selectors.agreement_get, pk=pk)
    coverage = selectors.agreement_coverage(agreement)
    page = Paginator(selectors.agreement_items(agreement), AGREEMENT_ITEMS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    themes = sorted(coverage.by_theme.items(), key=lambda pair: -pair[1])
    context = {
        "agreement": agreement,
        "coverage": coverage,
        "themes": [(Theme(key).label, count) for key, count in themes],
        "page": page,
    }
    return render(request, "catalog/agreement_detail.html", context)


def tongban_list(request: HttpRequest) -> HttpResponse:
    stats = selectors.catalog_stats()
    themes = sorted(stats.by_theme.items(), key=lambda pair: -pair[1])
    context = {
        "stats": stats,
        "themes": [(key, Theme(key).label, count) for key, count in themes],
        "kiosks": region_selectors.kiosks(),
    }
    return render(request, "catalog/tongban_list.html", context)


def kiosk(request: HttpRequest, serial: str) -> HttpResponse:
    found = _found(region_selectors.kiosk_get, serial=serial)
    # Grouped by theme in the catalog's theme order; sorted() is stable, so items keep theirs.
    rows = sorted(selectors.implementation_rows(kiosk=found), key=lambda row: THEME_ORDER[row.theme])
    return render(request, "catalog/kiosk.html", {"kiosk": found, "rows": rows})
