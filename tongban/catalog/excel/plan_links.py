"""Checks and decisions for agreements (with their parties and items) and the 通办 list's batches."""

from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError

from tongban.catalog.models import Agreement, AgreementItem, AgreementParty, BatchEntry, TongbanBatch

from .plan import AgreementChange, BatchChange, EntryChange, Planning
from .spec import AGREEMENT_ITEMS, AGREEMENTS, BATCH_ENTRIES, BATCHES, PARTIES, Sheet
from .workbook import Row


def plan_agreements(p: Planning) -> None:
    parties = _rows_by_parent(p, PARTIES, "agreement", AGREEMENTS, "document_number", "合作协议")
    items = _rows_by_parent(p, AGREEMENT_ITEMS, "agreement", AGREEMENTS, "document_number", "合作协议")
    for row in p.book.rows(AGREEMENTS):
        number = row.values.get("document_number")
        if number is None:
            continue
        valid = not row.broken and _agreement_valid(p, row)
        change = AgreementChange(row, p.lookups.agreements.get(number), row.values)
        if p.book.has(PARTIES):
            _plan_parties(p, change, parties.get(number, []))
        if p.book.has(AGREEMENT_ITEMS):
            _plan_agreement_items(p, change, items.get(number, []))
        if valid:  # its parties and items are checked all the same, so every error is reported
            _count_parent(p, AGREEMENTS, change.agreement, row.values)
            p.plan.agreements.append(change)


def _rows_by_parent(p: Planning, sheet: Sheet, field: str, parent: Sheet, key: str, what: str):
    """Child rows by their parent's key; a child whose parent is not in the file is an error (the
    file lists a parent's children completely, so they travel together)."""
    in_file = {row.values[key] for row in p.book.rows(parent) if key in row.values}
    by_parent: dict[str, list[Row]] = defaultdict(list)
    for row in p.book.rows(sheet):
        value = row.values.get(field)
        if value is not None and value not in in_file:
            message = f"不在“{parent.name}”表中：{sheet.name}须与其{what}在同一文件中导入。"
            p.problems.add(sheet, row.number, field, message)
        elif not row.broken:
            by_parent[value].append(row)
    return by_parent


def _agreement_valid(p: Planning, row: Row) -> bool:
    values = row.values
    try:
        Agreement(**values).clean_fields()
    except ValidationError as exc:
        p.problems.add_validation(AGREEMENTS, row.number, exc)
        return False
    if values["effective_until"] and values["effective_until"] < values["effective_from"]:
        p.problems.add(AGREEMENTS, row.number, "effective_until", "终止日期不能早于生效日期。")
        return False
    return True


def _count_parent(p: Planning, sheet: Sheet, stored: Any, values: dict[str, Any]) -> None:
    counts = p.plan.summary.counts(sheet.name)
    if stored is None:
        counts.created += 1
    elif any(getattr(stored, name) != value for name, value in values.items()):
        counts.updated += 1
    else:
        counts.unchanged += 1


def _plan_parties(p: Planning, change: AgreementChange, rows: list[Row]) -> None:
    wanted = {}
    for row in rows:
        region = p.lookups.regions.get(row.values["region"])
        signatory = p.lookups.organizations.get(row.values["signatory"]) if row.values["signatory"] else None
        if region is None:
            p.problems.add(PARTIES, row.number, "region", f"未找到标识为 {row.values['region']} 的行政区划。")
        if row.values["signatory"] and signatory is None:
            message = f"未找到统一社会信用代码为 {row.values['signatory']} 的部门/机构。"
            p.problems.add(PARTIES, row.number, "signatory", message)
        if region is not None:
            wanted[region.key] = {
                "region": region,
                "signatory": signatory,
                "position": row.values["position"],
            }
    stored = {}
    if change.agreement is not None:
        for party in AgreementParty.objects.filter(agreement=change.agreement).select_related(
            "region", "signatory"
        ):
            stored[party.region.key] = {
                "region": party.region,
                "signatory": party.signatory,
                "position": party.position,
            }
    counts = p.plan.summary.counts(PARTIES.name)
    for key, party in wanted.items():
        if key not in stored:
            counts.created += 1
        elif stored[key] != party:
            counts.updated += 1
        else:
            counts.unchanged += 1
    counts.removed += len(stored.keys() - wanted.keys())
    if wanted != stored:
        change.parties = list(wanted.values())


def _plan_agreement_items(p: Planning, change: AgreementChange, rows: list[Row]) -> None:
    wanted = set()
    for row in rows:
        code = row.values["implementation"]
        if p.implementation_known(code):
            wanted.add(code)
        else:
            p.problems.add(
                AGREEMENT_ITEMS, row.number, "implementation", f"未找到实施编码为 {code} 的实施清单。"
            )
    stored: dict[str, tuple[int, bool]] = {}
    if change.agreement is not None:
        rows_stored = AgreementItem.objects.filter(agreement=change.agreement).values_list(
            "pk", "implementation__code", "implementation__current"
        )
        stored = {code: (pk, current is not None) for pk, code, current in rows_stored}
    counts = p.plan.summary.counts(AGREEMENT_ITEMS.name)
    change.add_codes = sorted(wanted - stored.keys())
    # Implementations without a version in force are not exported, so their rows are kept.
    change.remove_item_ids = [
        pk for code, (pk, in_force) in stored.items() if code not in wanted and in_force
    ]
    counts.created += len(change.add_codes)
    counts.unchanged += len(wanted & stored.keys())
    counts.removed += len(change.remove_item_ids)


def plan_batches(p: Planning) -> None:
    entries = _rows_by_parent(p, BATCH_ENTRIES, "batch", BATCHES, "name", "清单批次")
    for row in p.book.rows(BATCHES):
        if row.broken:
            continue
        stored = p.lookups.batches.get(row.values["name"], [])
        if len(stored) > 1:
            p.problems.add(
                BATCHES, row.number, "name", "系统中有多个同名批次，无法按名称对应，请先在管理后台改名。"
            )
            continue
        try:
            TongbanBatch(**row.values).clean_fields()
        except ValidationError as exc:
            p.problems.add_validation(BATCHES, row.number, exc)
            continue
        batch = stored[0] if stored else None
        _count_parent(p, BATCHES, batch, row.values)
        p.plan.batches.append(BatchChange(row, batch, row.values))
    if p.book.has(BATCH_ENTRIES):
        _plan_entries(p, entries)


def _plan_entries(p: Planning, entries: dict[str, list[Row]]) -> None:
    stored = {
        code: (pk, batch_name, in_force)
        for pk, code, batch_name, in_force in BatchEntry.objects.values_list(
            "pk", "implementation__code", "batch__name", "implementation__current"
        )
    }
    counts = p.plan.summary.counts(BATCH_ENTRIES.name)
    listed = set()
    for batch_name, rows in entries.items():
        for row in rows:
            code = row.values["implementation"]
            if not p.implementation_known(code):
                message = f"未找到实施编码为 {code} 的实施清单。"
                p.problems.add(BATCH_ENTRIES, row.number, "implementation", message)
                continue
            listed.add(code)
            if code in stored and stored[code][1] == batch_name:
                counts.unchanged += 1
                continue
            p.plan.entries.append(EntryChange(code, batch_name, stored[code][0] if code in stored else None))
            if code in stored:
                counts.updated += 1
            else:
                counts.created += 1
    names = {row.values["name"] for row in p.book.rows(BATCHES) if "name" in row.values}
    removed = [
        pk
        for code, (pk, batch_name, in_force) in stored.items()
        if batch_name in names and code not in listed and in_force is not None
    ]
    p.plan.removed_entry_ids = removed
    counts.removed += len(removed)
