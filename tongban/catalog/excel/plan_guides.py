"""Checks and decisions for items, implementations with their guides, and explicit availability."""

from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError

from tongban.catalog.choices import VersionStatus
from tongban.catalog.models import (
    Availability,
    GuideStep,
    Implementation,
    ImplementationVersion,
    ServiceItem,
)
from tongban.catalog.services import VERSION_CONTENT_FIELDS, guide_problems
from tongban.core.errors import FieldError

from .plan import AvailabilityChange, GuideChange, ItemChange, Planning
from .snapshot import PART_MODELS, Guide, guides_of, part_fields
from .spec import AVAILABILITY, GUIDE_SHEETS, IMPLEMENTATIONS, ITEMS
from .workbook import Row

NOT_IN_FILE = "不在“实施清单”表中：导入指南内容和通办范围时，须在“实施清单”表中同时列出该实施清单。"


def plan_items(p: Planning) -> None:
    for row in p.book.rows(ITEMS):
        if row.broken:
            continue
        try:
            ServiceItem(**row.values).clean_fields()
        except ValidationError as exc:
            p.problems.add_validation(ITEMS, row.number, exc)
            continue
        item = p.lookups.items.get(row.values["basic_code"])
        counts = p.plan.summary.counts(ITEMS.name)
        if item is None:
            counts.created += 1
        elif any(getattr(item, name) != value for name, value in row.values.items()):
            counts.updated += 1
        else:
            counts.unchanged += 1
            continue
        p.plan.items.append(ItemChange(row, item, row.values))


def plan_implementations(p: Planning) -> None:
    children, incomplete = _guide_rows_by_code(p)
    existing = [p.lookups.implementations[c] for c in p.codes_in_file if c in p.lookups.implementations]
    current = _current_guides(existing)
    drafts = dict(
        ImplementationVersion.objects.filter(status=VersionStatus.DRAFT).values_list(
            "implementation_id", "number"
        )
    )
    pairs = {
        (i.service_item.basic_code, i.organization.uscc): i.code for i in p.lookups.implementations.values()
    }
    for row in p.book.rows(IMPLEMENTATIONS):
        if row.broken or not _identity_ok(p, row, pairs):
            continue
        impl = p.lookups.implementations.get(row.values["code"])
        old = current.get(impl.current_id) if impl else None
        guide = _file_guide(p, row, children, old)
        _count(p, impl, guide, old)
        if guide.differs_from(old) and _may_change(p, row, impl, drafts):
            _plan_guide(p, row, impl, guide, children, complete=row.values["code"] not in incomplete)


def _guide_rows_by_code(p: Planning) -> tuple[dict[str, dict[str, list[Row]]], set[str]]:
    """The readable guide rows of each sheet by implementation code, and the codes that have an
    unreadable row somewhere (their guide is known only in part)."""
    children: dict[str, dict[str, list[Row]]] = {}
    incomplete: set[str] = set()
    for sheet in GUIDE_SHEETS:
        if not p.book.has(sheet):
            continue
        by_code: dict[str, list[Row]] = defaultdict(list)
        for row in p.book.rows(sheet):
            code = row.values.get("implementation")
            if code is not None and code not in p.codes_in_file:
                p.problems.add(sheet, row.number, "implementation", NOT_IN_FILE)
            elif row.broken:
                incomplete.add(code)
            else:
                by_code[code].append(row)
        for rows in by_code.values():
            rows.sort(key=lambda r: r.values["position"])
        children[sheet.name] = by_code
    return children, incomplete


def _current_guides(impls: list[Implementation]) -> dict[int, Guide]:
    ids = [impl.current_id for impl in impls if impl.current_id]
    guides: dict[int, Guide] = {}
    for start in range(0, len(ids), 500):  # keeps the IN lists short on every database
        guides |= guides_of(ImplementationVersion.objects.filter(pk__in=ids[start : start + 500]))
    return guides


def _identity_ok(p: Planning, row: Row, pairs: dict[tuple[str, str], str]) -> bool:
    """The item and organization exist, and an implementation's identity does not change (agreements
    and the 通办 list refer to it)."""
    values, problems, ok = row.values, p.problems, True
    code, basic_code, uscc = values["code"], values["basic_code"], values["organization"]
    if basic_code not in p.lookups.items and basic_code not in _item_codes(p):
        problems.add(IMPLEMENTATIONS, row.number, "basic_code", f"未找到基本编码为 {basic_code} 的事项。")
        ok = False
    if uscc not in p.lookups.organizations:
        problems.add(
            IMPLEMENTATIONS, row.number, "organization", f"未找到统一社会信用代码为 {uscc} 的部门/机构。"
        )
        ok = False
    impl = p.lookups.implementations.get(code)
    if impl is not None:
        if impl.service_item.basic_code != basic_code:
            message = f"该实施清单属于基本编码为 {impl.service_item.basic_code} 的事项，不能改为其他事项。"
            problems.add(IMPLEMENTATIONS, row.number, "basic_code", message)
            ok = False
        if impl.organization.uscc != uscc:
            message = f"该实施清单的实施主体是“{impl.organization.name}”，不能更改。"
            problems.add(IMPLEMENTATIONS, row.number, "organization", message)
            ok = False
        return ok
    other = pairs.setdefault((basic_code, uscc), code)
    if other != code:
        message = f"该部门已有此事项的实施清单（实施编码 {other}），同一部门同一事项只能有一个实施清单。"
        problems.add(IMPLEMENTATIONS, row.number, "code", message)
        ok = False
    try:
        Implementation(code=code).clean_fields(exclude=["service_item", "organization", "current"])
    except ValidationError as exc:
        problems.add_validation(IMPLEMENTATIONS, row.number, exc)
        ok = False
    return ok


def _item_codes(p: Planning) -> set[str]:
    return {row.values["basic_code"] for row in p.book.rows(ITEMS) if "basic_code" in row.values}


def _file_guide(p: Planning, row: Row, children, old: Guide | None) -> Guide:
    """The guide the file describes; a guide sheet missing from the file keeps the stored rows."""
    parts = {}
    for sheet in GUIDE_SHEETS:
        if sheet.name in children:
            rows = children[sheet.name].get(row.values["code"], [])
            parts[sheet.name] = [{f: r.values[f] for f in part_fields(sheet)} for r in rows]
        else:
            parts[sheet.name] = list(old.parts[sheet.name]) if old else []
    return Guide(fields={name: row.values[name] for name in VERSION_CONTENT_FIELDS}, parts=parts)


def _count(p: Planning, impl: Implementation | None, guide: Guide, old: Guide | None) -> None:
    counts = p.plan.summary.counts(IMPLEMENTATIONS.name)
    if impl is None:
        counts.created += 1
    elif guide.differs_from(old):
        counts.updated += 1
    else:
        counts.unchanged += 1
    for sheet in GUIDE_SHEETS:
        if p.book.has(sheet):
            _count_rows(
                p.plan.summary.counts(sheet.name),
                old.parts[sheet.name] if old else [],
                guide.parts[sheet.name],
            )


def _count_rows(counts, old: list, new: list) -> None:
    for index, part in enumerate(new):
        if index >= len(old):
            counts.created += 1
        elif old[index] == part:
            counts.unchanged += 1
        else:
            counts.updated += 1
    counts.removed += max(0, len(old) - len(new))


def _may_change(p: Planning, row: Row, impl: Implementation | None, drafts: dict[int, int]) -> bool:
    """A new version may be published: no draft in progress would be overwritten, and the file was
    exported from the version now in force (so it does not silently undo a later edit)."""
    number = row.values["version_number"]
    if impl is None:
        if number == 0:
            p.problems.add(IMPLEMENTATIONS, row.number, "version_number", "版本号应为正整数。")
        return number != 0
    if impl.pk in drafts:
        message = (
            f"该实施清单有尚未发布的草稿（第{drafts[impl.pk]}版），请先在管理后台发布或删除该草稿，再导入。"
        )
        p.problems.add(IMPLEMENTATIONS, row.number, "code", message)
        return False
    if impl.current_id is None:
        p.problems.add(IMPLEMENTATIONS, row.number, "code", "该实施清单尚无任何版本，请在管理后台处理。")
        return False
    if number is not None and number != impl.current.number:
        message = (
            f"系统中的现行版本已是第{impl.current.number}版，而文件基于第{number}版：请重新导出后再修改。"
        )
        p.problems.add(IMPLEMENTATIONS, row.number, "version_number", message)
        return False
    return True


def _plan_guide(
    p: Planning, row: Row, impl: Implementation | None, guide: Guide, children, *, complete: bool
) -> None:
    """Check a guide that will be published. When some of its rows are unreadable or refer to unknown
    things, the rules about steps as a whole are not checked: they would only echo those errors."""
    before = len(p.problems.errors)
    parts = {
        attr: _resolve_parts(p, sheet, guide.parts[name], children.get(name, {}).get(row.values["code"]))
        for name, (sheet, _model, attr) in PART_MODELS.items()
    }
    complete = complete and len(p.problems.errors) == before
    for problem in _probe(guide.fields, parts["steps"]):
        if complete or problem.field != "steps":
            _report_guide_problem(p, row, problem)
    if len(p.problems.errors) > before or not complete:
        return
    p.plan.guides.append(
        GuideChange(
            row=row,
            code=row.values["code"],
            basic_code=row.values["basic_code"],
            organization=p.lookups.organizations[row.values["organization"]],
            number=row.values["version_number"] if impl is None else None,
            fields=guide.fields,
            parts=parts,
            is_new=impl is None,
        )
    )


def _resolve_parts(p: Planning, sheet, parts: list[dict], rows: list[Row] | None) -> list[dict[str, Any]]:
    """The rows with natural keys turned into objects, each checked like the model would."""
    _sheet, model, _attr = PART_MODELS[sheet.name]
    resolved_rows = []
    for index, part in enumerate(parts):
        number = rows[index].number if rows else None
        resolved = dict(part)
        if part.get("organization"):
            resolved["organization"] = p.lookups.organizations.get(part["organization"])
            if resolved["organization"] is None:
                message = f"未找到统一社会信用代码为 {part['organization']} 的部门/机构。"
                p.problems.add(sheet, number, "organization", message)
        elif "organization" in part:
            resolved["organization"] = None
        if part.get("hall"):
            resolved["hall"] = p.unique_hall(sheet, number, "hall", part["hall"])
        elif "hall" in part:
            resolved["hall"] = None
        try:
            model(**resolved).clean_fields(exclude=["version", "organization", "hall"])
        except ValidationError as exc:
            p.problems.add_validation(sheet, number, exc)
        resolved_rows.append(resolved)
    return resolved_rows


def _probe(fields: dict[str, Any], steps: list[dict[str, Any]]) -> list[FieldError]:
    """guide_problems() on the file's guide before anything is written (nothing is saved)."""
    probe = ImplementationVersion(number=1, status=VersionStatus.DRAFT, **fields)
    return guide_problems(probe, steps=[GuideStep(**values) for values in steps])


def _report_guide_problem(p: Planning, row: Row, problem: FieldError) -> None:
    if problem.field in VERSION_CONTENT_FIELDS:
        label = str(ImplementationVersion._meta.get_field(problem.field).verbose_name)
        message = problem.message.removeprefix(f"{label}：")
        p.problems.add(IMPLEMENTATIONS, row.number, problem.field, message)
    elif problem.field == "steps":
        p.problems.add(IMPLEMENTATIONS, row.number, "办理环节", problem.message)
    else:
        p.problems.add(IMPLEMENTATIONS, row.number, "", problem.message)


# --- 通办范围 ----------------------------------------------------------------------------------------


def plan_availability(p: Planning) -> None:
    if not p.book.has(AVAILABILITY):
        return
    wanted: dict[str, dict[tuple, tuple[Row, dict[str, Any]]]] = {code: {} for code in p.codes_in_file}
    for row in p.book.rows(AVAILABILITY):
        code = row.values.get("implementation")
        if code is not None and code not in p.codes_in_file:
            p.problems.add(AVAILABILITY, row.number, "implementation", NOT_IN_FILE)
        elif not row.broken and (entry := _resolve_scope(p, row)) is not None:
            wanted[code][tuple(row.values[f] for f in AVAILABILITY.key[1:])] = (row, entry)
    stored = _stored_availability(
        [p.lookups.implementations[c] for c in wanted if c in p.lookups.implementations]
    )
    counts = p.plan.summary.counts(AVAILABILITY.name)
    for code, entries in wanted.items():
        change = AvailabilityChange(code)
        have = stored.get(code, {})
        for key, (_row, entry) in entries.items():
            if key not in have:
                change.add.append(entry)
                counts.created += 1
            elif have[key].note != entry["note"]:
                change.notes[have[key].pk] = entry["note"]
                counts.updated += 1
            else:
                counts.unchanged += 1
        change.remove = [row.pk for key, row in have.items() if key not in entries]
        counts.removed += len(change.remove)
        if change.add or change.notes or change.remove:
            p.plan.availability.append(change)


def _resolve_scope(p: Planning, row: Row) -> dict[str, Any] | None:
    values, before = row.values, len(p.problems.errors)
    entry = {"mode": values["mode"], "note": values["note"], "region": None, "window": None, "kiosk": None}
    if values["region"]:
        entry["region"] = p.lookups.regions.get(values["region"])
        if entry["region"] is None:
            p.problems.add(
                AVAILABILITY, row.number, "region", f"未找到标识为 {values['region']} 的行政区划。"
            )
    if values["hall"] or values["window"]:
        entry["window"] = _resolve_window(p, row)
    if values["kiosk"]:
        entry["kiosk"] = p.lookups.kiosks.get(values["kiosk"])
        if entry["kiosk"] is None:
            p.problems.add(
                AVAILABILITY, row.number, "kiosk", f"未找到设备编号为 {values['kiosk']} 的自助终端。"
            )
    if len(p.problems.errors) > before:
        return None
    try:
        Availability(**entry).clean()
    except ValidationError as exc:
        p.problems.add_validation(AVAILABILITY, row.number, exc)
        return None
    return entry


def _resolve_window(p: Planning, row: Row):
    hall_name, number = row.values["hall"], row.values["window"]
    if not (hall_name and number):
        field_name = "window" if hall_name else "hall"
        p.problems.add(AVAILABILITY, row.number, field_name, "指定受理窗口时须同时填写大厅名称和窗口号。")
        return None
    hall = p.unique_hall(AVAILABILITY, row.number, "hall", hall_name)
    if hall is None:
        return None
    window = p.lookups.windows.get((hall.pk, number))
    if window is None:
        p.problems.add(AVAILABILITY, row.number, "window", f"“{hall_name}”没有窗口号为 {number} 的窗口。")
    return window


def _stored_availability(impls: list[Implementation]) -> dict[str, dict[tuple, Availability]]:
    codes = {impl.pk: impl.code for impl in impls}
    stored: dict[str, dict[tuple, Availability]] = defaultdict(dict)
    ids = list(codes)
    for start in range(0, len(ids), 500):
        rows = Availability.objects.filter(implementation_id__in=ids[start : start + 500]).select_related(
            "region", "window__hall", "kiosk"
        )
        for entry in rows:
            key = (
                entry.mode,
                entry.region.key if entry.region_id else "",
                entry.window.hall.name if entry.window_id else "",
                entry.window.number if entry.window_id else "",
                entry.kiosk.serial if entry.kiosk_id else "",
            )
            stored[codes[entry.implementation_id]][key] = entry
    return stored
