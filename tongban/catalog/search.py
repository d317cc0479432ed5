"""Catalog search: the index rows (SearchEntry) and the queries over them.

Index: for every implementation in force, its names (version name, item name, aliases) normalized
(NFKC, lower case), their full pinyin and pinyin initials, and the filter columns (theme, audience, city,
modes, reach). Everything is plain text matched with LIKE, so SQLite and PostgreSQL return the same rows.
"""

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from pypinyin import Style, lazy_pinyin

from tongban.regions.selectors import cities

from .choices import Audience, Theme
from .models import Implementation, SearchEntry, ServiceItem
from .selectors import implementations_in_force, reach_for, reach_summary, tongban_implementations

SEPARATOR = "|"


def normalize(text: str) -> str:
    """NFKC (full-width → half-width), lower case, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def pinyin_full(text: str) -> str:
    return "".join(lazy_pinyin(text, errors="ignore"))


def pinyin_initials(text: str) -> str:
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore"))


def _names(impl: Implementation) -> list[str]:
    names = [impl.current.name, impl.service_item.name, *impl.service_item.aliases]
    return list(dict.fromkeys(normalize(n) for n in names if n.strip()))


def _entry(
    impl: Implementation, reach, all_city_ids: list[int], city_keys: dict[int, str], tongban: set[int]
):
    names = _names(impl)
    modes, city_ids = reach_summary(reach, all_city_ids=all_city_ids)
    own_city = impl.organization.region.city
    city_ids.add(own_city.pk)
    extra = [
        impl.organization.name,
        impl.organization.region.name,
        own_city.name,
        Theme(impl.service_item.theme).label,
    ]
    return SearchEntry(
        implementation=impl,
        service_item=impl.service_item,
        organization=impl.organization,
        city=own_city,
        theme=impl.service_item.theme,
        audience=impl.service_item.audience,
        modes="," + ",".join(sorted(modes)) + "," if modes else ",",
        reach="," + ",".join(sorted(city_keys[c] for c in city_ids)) + ",",
        is_tongban=impl.pk in tongban,
        name=normalize(impl.current.name),
        names=SEPARATOR.join(names),
        pinyin=SEPARATOR.join(pinyin_full(n) for n in names),
        initials=SEPARATOR.join(pinyin_initials(n) for n in names),
        extra=normalize(" ".join(extra)),
        promised_days=impl.current.promised_days,
    )


@transaction.atomic
def search_entries_refresh(*, implementation_ids: Iterable[int] | None = None) -> int:
    """Rebuild the index rows of the given implementations (all when None); returns rows written."""
    impls = implementations_in_force()
    stale = SearchEntry.objects.all()
    tongban = tongban_implementations()
    if implementation_ids is not None:
        ids = list(implementation_ids)
        impls, stale, tongban = impls.filter(pk__in=ids), stale.filter(pk__in=ids), tongban.filter(pk__in=ids)
    stale.delete()
    city_list = list(cities())
    all_city_ids, city_keys = [c.pk for c in city_list], {c.pk: c.key for c in city_list}
    tongban_ids = set(tongban.values_list("pk", flat=True))
    written = 0
    batch = list(impls.iterator(chunk_size=2000)) if implementation_ids is None else list(impls)
    for start in range(0, len(batch), 2000):
        chunk = batch[start : start + 2000]
        reach = reach_for(chunk)
        SearchEntry.objects.bulk_create(
            [_entry(i, reach.get(i.pk, []), all_city_ids, city_keys, tongban_ids) for i in chunk]
        )
        written += len(chunk)
    return written


# --- Queries (first version: substring over names; the search helper refines ranking and parsing) ----


@dataclass(frozen=True)
class SearchFilters:
    """Filters a citizen can set. `city` is the owning city's region key; `receivable_in` a city key
    where the implementation can be received (its own city included)."""

    theme: str | None = None
    city: str | None = None
    mode: str | None = None
    audience: str | None = None
    receivable_in: str | None = None


def _filtered(filters: SearchFilters) -> QuerySet[SearchEntry]:
    qs = SearchEntry.objects.all()
    if filters.theme:
        qs = qs.filter(theme=filters.theme)
    if filters.city:
        qs = qs.filter(city__key=filters.city)
    if filters.mode:
        qs = qs.filter(modes__contains=f",{filters.mode},")
    if filters.audience:
        qs = qs.filter(audience__in=[filters.audience, Audience.BOTH])
    if filters.receivable_in:
        qs = qs.filter(reach__contains=f",{filters.receivable_in},")
    return qs


def implementations_search(
    *, query: str = "", filters: SearchFilters = SearchFilters()
) -> QuerySet[SearchEntry]:
    """Index rows matching the query and filters, best first, with a stable order among equals."""
    qs = _filtered(filters)
    term = normalize(query)
    if term:
        qs = qs.filter(Q(names__contains=term) | Q(pinyin__contains=term) | Q(initials__contains=term))
    return qs.select_related("implementation__current", "service_item", "organization", "city").order_by(
        "service_item__basic_code", "implementation__code"
    )


def items_search(*, query: str = "", filters: SearchFilters = SearchFilters()) -> QuerySet[ServiceItem]:
    """Distinct items having at least one matching implementation, in the same order."""
    matching = implementations_search(query=query, filters=filters).values("service_item_id")
    return ServiceItem.objects.filter(pk__in=matching).order_by("basic_code")
