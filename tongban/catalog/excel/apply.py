"""The import's second half: carry out a checked Plan. Guides change only through the catalog services
(draft → fill → publish), so an imported version is exactly what a maintainer publishing it would make.

Items, availability rows, agreements and batches are written here directly: the catalog services have
no writes for them yet (see the report of the import's author), and their rules were checked in the
plan. The caller holds one transaction around plan and apply, so a failure here rolls everything back.
"""

from tongban.catalog.models import (
    Agreement,
    AgreementItem,
    AgreementParty,
    Availability,
    BatchEntry,
    ServiceItem,
    TongbanBatch,
)
from tongban.catalog.search import search_entries_refresh
from tongban.catalog.services import (
    GuideRows,
    implementation_create,
    version_draft_fill,
    version_draft_start,
    version_publish,
)
from tongban.core.errors import DomainError, FieldError

from .context import Lookups
from .plan import AgreementChange, GuideChange, Plan
from .spec import IMPLEMENTATIONS
from .summary import ImportFailed, RowError

CHANGE_NOTE = "Excel导入"


def apply_plan(plan: Plan, lookups: Lookups, *, by=None) -> None:
    touched: set[int] = set()  # implementations whose search entry must be rebuilt at the end
    _apply_items(plan, lookups, touched)
    errors: list[RowError] = []
    for change in plan.guides:
        _apply_guide(change, lookups, by, errors, touched)
    if errors:
        raise ImportFailed(errors)
    _apply_availability(plan, lookups, touched)
    for change in plan.agreements:
        _apply_agreement(change, lookups, touched)
    _apply_batches(plan, lookups)
    search_entries_refresh(implementation_ids=touched)


def _apply_items(plan: Plan, lookups: Lookups, touched: set[int]) -> None:
    for change in plan.items:
        if change.item is None:
            lookups.items[change.values["basic_code"]] = ServiceItem.objects.create(**change.values)
            continue
        for name, value in change.values.items():
            setattr(change.item, name, value)
        change.item.save()
        touched.update(change.item.implementations.values_list("pk", flat=True))


def _apply_guide(
    change: GuideChange, lookups: Lookups, by, errors: list[RowError], touched: set[int]
) -> None:
    rows = GuideRows(**change.parts)
    try:
        if change.is_new:
            draft = implementation_create(
                service_item=lookups.items[change.basic_code],
                organization=change.organization,
                code=change.code,
                guide=change.fields,
                rows=rows,
                number=change.number or 1,  # a catalog restored from its export reads the same
            )
        else:
            draft = version_draft_start(implementation=lookups.implementations[change.code], by=by)
            version_draft_fill(version=draft, guide=change.fields, rows=rows)
        version_publish(version=draft, by=by, change_note=CHANGE_NOTE, reindex=False)
    except DomainError as exc:  # a rule the plan could not see; reported like the others
        for error in exc.errors or [FieldError("", exc.message)]:
            column = IMPLEMENTATIONS.header_of(error.field)
            errors.append(RowError(IMPLEMENTATIONS.name, change.row.number, column, error.message))
        return
    lookups.implementations[change.code] = draft.implementation
    touched.add(draft.implementation_id)


def _apply_availability(plan: Plan, lookups: Lookups, touched: set[int]) -> None:
    for change in plan.availability:
        impl = lookups.implementations[change.code]
        Availability.objects.filter(pk__in=change.remove).delete()
        for pk, note in change.notes.items():
            Availability.objects.filter(pk=pk).update(note=note)
        entries = [Availability(implementation=impl, **values) for values in change.add]
        for entry in entries:
            entry.derive_scope()  # bulk_create skips save(), which derives the scope columns
        Availability.objects.bulk_create(entries)
        touched.add(impl.pk)


def _item_ids(agreement: Agreement) -> set[int]:
    return set(agreement.item_rows.values_list("implementation_id", flat=True))


def _apply_agreement(change: AgreementChange, lookups: Lookups, touched: set[int]) -> None:
    agreement = change.agreement
    if agreement is None:
        agreement = Agreement.objects.create(**change.values)
    elif any(getattr(agreement, name) != value for name, value in change.values.items()):
        for name, value in change.values.items():
            setattr(agreement, name, value)
        agreement.save()
    elif change.parties is None and not change.add_codes and not change.remove_item_ids:
        return
    before = _item_ids(agreement)
    if change.parties is not None:
        AgreementParty.objects.filter(agreement=agreement).delete()
        AgreementParty.objects.bulk_create(
            [AgreementParty(agreement=agreement, **party) for party in change.parties]
        )
    AgreementItem.objects.filter(pk__in=change.remove_item_ids).delete()
    AgreementItem.objects.bulk_create(
        [
            AgreementItem(agreement=agreement, implementation=lookups.implementations[c])
            for c in change.add_codes
        ]
    )
    touched.update(before | _item_ids(agreement))  # reach and the 通办 list follow agreements


def _apply_batches(plan: Plan, lookups: Lookups) -> None:
    batches: dict[str, TongbanBatch] = {}
    for change in plan.batches:
        batch = change.batch or TongbanBatch(**change.values)
        if batch.pk is None or any(getattr(batch, name) != value for name, value in change.values.items()):
            for name, value in change.values.items():
                setattr(batch, name, value)
            batch.save()
        batches[batch.name] = batch
    BatchEntry.objects.filter(pk__in=plan.removed_entry_ids).delete()
    new_entries = []
    for change in plan.entries:
        if change.entry_id is not None:
            BatchEntry.objects.filter(pk=change.entry_id).update(batch=batches[change.batch_name])
        else:
            impl = lookups.implementations[change.code]
            new_entries.append(BatchEntry(batch=batches[change.batch_name], implementation=impl))
    BatchEntry.objects.bulk_create(new_entries)
