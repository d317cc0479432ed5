"""The catalog as the workbook's rows, ordered by natural keys only (never by database ids), so the same
catalog always gives the same workbook, whatever order it was loaded in."""

from typing import Any

from django.db.models import QuerySet

from tongban.catalog.models import (
    Agreement,
    AgreementItem,
    AgreementParty,
    Availability,
    BatchEntry,
    Implementation,
    ImplementationVersion,
    ServiceItem,
    TongbanBatch,
)
from tongban.catalog.selectors import implementations_in_force
from tongban.core.errors import NotFound
from tongban.regions.selectors import organizations, region_and_descendants, region_get

from .snapshot import PART_MODELS, guides_of
from .spec import (
    AGREEMENT_ITEMS,
    AGREEMENTS,
    AVAILABILITY,
    BATCH_ENTRIES,
    BATCHES,
    IMPLEMENTATIONS,
    ITEMS,
    PARTIES,
)

Rows = list[dict[str, Any]]


def implementations_for_export(*, organization: str | None, city: str | None) -> QuerySet[Implementation]:
    """Implementations in force, narrowed to one organization (USCC) and/or one region (key)."""
    impls = implementations_in_force()
    if organization:
        if not organizations().filter(uscc=organization).exists():
            raise NotFound(f"未找到统一社会信用代码为 {organization} 的部门/机构。")
        impls = impls.filter(organization__uscc=organization)
    if city:
        impls = impls.filter(organization__region__in=region_and_descendants(region_get(key=city)))
    return impls.order_by("code")


def catalog_rows(*, organization: str | None = None, city: str | None = None) -> dict[str, Rows]:
    """Every sheet's rows. A filtered export carries the items of its implementations and, whole, the
    agreements and batches that include any of them."""
    selected = implementations_for_export(organization=organization, city=city)
    impls = list(selected)
    ids = selected.values("pk")
    whole = not (organization or city)
    items = ServiceItem.objects.all() if whole else ServiceItem.objects.filter(implementations__in=ids)
    tables = {ITEMS.name: [_item_row(item) for item in items.distinct().order_by("basic_code")]}
    tables |= _implementation_tables(impls, ids)
    tables[AVAILABILITY.name] = _availability_rows(impls, ids)
    agreements = (
        Agreement.objects.all() if whole else Agreement.objects.filter(item_rows__implementation__in=ids)
    )
    tables |= _agreement_tables(agreements.distinct().order_by("document_number"))
    batches = (
        TongbanBatch.objects.all() if whole else TongbanBatch.objects.filter(entries__implementation__in=ids)
    )
    tables |= _batch_tables(batches.distinct().order_by("published_on", "name"))
    return tables


def _item_row(item: ServiceItem) -> dict[str, Any]:
    return {c.field: getattr(item, c.field) for c in ITEMS.columns}


def _implementation_tables(impls: list[Implementation], ids: QuerySet) -> dict[str, Rows]:
    guides = guides_of(ImplementationVersion.objects.filter(pk__in=ids.values("current")))
    tables: dict[str, Rows] = {IMPLEMENTATIONS.name: []} | {name: [] for name in PART_MODELS}
    for impl in impls:
        guide = guides[impl.current_id]
        tables[IMPLEMENTATIONS.name].append(
            {
                "code": impl.code,
                "basic_code": impl.service_item.basic_code,
                "organization": impl.organization.uscc,
                "organization_name_ref": impl.organization.name,
                "version_number": impl.current.number,
                **guide.fields,
            }
        )
        for name, parts in guide.parts.items():
            for position, part in enumerate(parts, start=1):
                tables[name].append({"implementation": impl.code, "position": position, **part})
    return tables


def _availability_rows(impls: list[Implementation], ids: QuerySet) -> Rows:
    names = {impl.pk: (impl.code, impl.current.name) for impl in impls}
    entries = Availability.objects.filter(implementation__in=ids).select_related(
        "region", "window__hall", "kiosk"
    )
    rows = [
        {
            "implementation": names[entry.implementation_id][0],
            "item_name_ref": names[entry.implementation_id][1],
            "mode": entry.mode,
            "region": entry.region.key if entry.region_id else "",
            "hall": entry.window.hall.name if entry.window_id else "",
            "window": entry.window.number if entry.window_id else "",
            "kiosk": entry.kiosk.serial if entry.kiosk_id else "",
            "note": entry.note,
        }
        for entry in entries
    ]
    return sorted(rows, key=lambda r: tuple(r[f] for f in AVAILABILITY.key))


def _agreement_tables(agreements: QuerySet[Agreement]) -> dict[str, Rows]:
    parties = AgreementParty.objects.filter(agreement__in=agreements).select_related(
        "agreement", "region", "signatory"
    )
    party_rows = [
        {
            "agreement": p.agreement.document_number,
            "position": p.position,
            "region": p.region.key,
            "signatory": p.signatory.uscc if p.signatory_id else "",
        }
        for p in parties
    ]
    items = AgreementItem.objects.filter(
        agreement__in=agreements, implementation__current__isnull=False
    ).select_related("agreement", "implementation__current")
    item_rows = [
        {
            "agreement": row.agreement.document_number,
            "implementation": row.implementation.code,
            "item_name_ref": row.implementation.current.name,
        }
        for row in items
    ]
    return {
        AGREEMENTS.name: [{c.field: getattr(a, c.field) for c in AGREEMENTS.columns} for a in agreements],
        PARTIES.name: sorted(party_rows, key=lambda r: (r["agreement"], r["position"], r["region"])),
        AGREEMENT_ITEMS.name: sorted(item_rows, key=lambda r: (r["agreement"], r["implementation"])),
    }


def _batch_tables(batches: QuerySet[TongbanBatch]) -> dict[str, Rows]:
    batch_list = list(batches)
    order = {batch.pk: index for index, batch in enumerate(batch_list)}
    entries = BatchEntry.objects.filter(batch__in=batch_list, implementation__current__isnull=False)
    entries = sorted(
        entries.select_related("batch", "implementation__current"),
        key=lambda e: (order[e.batch_id], e.implementation.code),
    )
    return {
        BATCHES.name: [{c.field: getattr(b, c.field) for c in BATCHES.columns} for b in batch_list],
        BATCH_ENTRIES.name: [
            {
                "batch": e.batch.name,
                "implementation": e.implementation.code,
                "item_name_ref": e.implementation.current.name,
            }
            for e in entries
        ],
    }
