"""Reading and writing .xlsx files (openpyxl): layout and cells only; what the rows mean is elsewhere."""

from dataclasses import dataclass, field
from typing import IO, Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .cells import CellError
from .spec import README, SHEETS, Sheet
from .summary import RowError

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
WRAP = Alignment(wrap_text=True, vertical="top")
FILE = "文件"

GENERAL_NOTES = (
    "本工作簿是通办事项目录的导出文件，修改后可在管理后台或用命令 catalog_import 导入。",
    "第一行是列名，请勿修改；第二行起每行一条记录。标有“（参考）”的列只为方便阅读，导入时忽略。",
    "导入时先检查所有工作表的每一行，只要有一处错误，整个文件都不会导入，并列出每处错误所在的工作表、行和列。",
    "事项、实施清单、合作协议、清单批次按编码（名称）新增或更新；文件中没有的事项、实施清单、协议、批次保持不变，不会被删除。",
    "实施清单出现在文件中时，它的申请材料、办理环节、收费、办理地点、常见问题、通办范围以文件为准"
    "（文件中未包含的工作表则保持不变）；合作协议和清单批次出现在文件中时，它们的签约方和事项以文件为准。",
    "办事指南有改动的实施清单会发布一个新版本（变更说明“Excel导入”），没有改动的不产生新版本。",
    "部门、行政区划、大厅、窗口、自助终端须已在系统中存在，按统一社会信用代码、行政区划标识、大厅名称+窗口号、设备编号引用。",
    "尚无现行版本的实施清单（只有草稿）不导出。",
)


@dataclass
class Row:
    """A data row that parsed: its Excel row number and its values by field."""

    number: int
    values: dict[str, Any]
    broken: bool = False  # some cell could not be read; the row takes no part in further checks


@dataclass
class ParsedWorkbook:
    sheets: dict[str, list[Row]] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    def rows(self, sheet: Sheet) -> list[Row]:
        return self.sheets.get(sheet.name, [])

    def has(self, sheet: Sheet) -> bool:
        return sheet.name in self.sheets


# --- Writing -----------------------------------------------------------------------------------------


def write_workbook(target: str | IO[bytes], tables: dict[str, list[dict[str, Any]]]) -> None:
    workbook = Workbook(write_only=True)
    _write_readme(workbook.create_sheet(README))
    for sheet in SHEETS:
        worksheet = workbook.create_sheet(sheet.name)
        _layout(worksheet, sheet)
        worksheet.append([_header_cell(worksheet, c.header) for c in sheet.columns])
        for values in tables.get(sheet.name, []):
            worksheet.append(
                [_cell(worksheet, c.kind.to_cell(values.get(c.field, c.empty()))) for c in sheet.columns]
            )
    workbook.save(target)


def _cell(worksheet, value: Any) -> Any:
    """Text that starts with “=” stays text: openpyxl would store it as a formula, and a spreadsheet
    program would run it when the file is opened."""
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(worksheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def _header_cell(worksheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(worksheet, value=text)
    cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    return cell


def _layout(worksheet, sheet: Sheet) -> None:
    worksheet.freeze_panes = "A2"
    for index, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(index)
        worksheet.column_dimensions[letter].width = column.width
        if column.kind.labels:
            rule = DataValidation(
                type="list",
                formula1='"' + ",".join(column.kind.labels) + '"',
                allow_blank=not column.required,
                showErrorMessage=True,
                errorTitle="取值无效",
                error=f"「{column.header}」只能选择：{'、'.join(column.kind.labels)}",
            )
            rule.add(f"{letter}2:{letter}1048576")
            worksheet.data_validations.append(rule)


def _write_readme(worksheet) -> None:
    worksheet.column_dimensions["A"].width = 14
    worksheet.column_dimensions["B"].width = 26
    worksheet.column_dimensions["C"].width = 8
    worksheet.column_dimensions["D"].width = 80
    worksheet.append([_header_cell(worksheet, "通办事项目录 导入导出说明")])
    for note in GENERAL_NOTES:
        worksheet.append(["", "", "", note])
    worksheet.append([])
    worksheet.append([_header_cell(worksheet, text) for text in ("工作表", "列", "必填", "说明")])
    for sheet in SHEETS:
        worksheet.append([sheet.name, "", "", sheet.note])
        for column in sheet.columns:
            note = "；".join(part for part in (column.kind.hint, column.note) if part)
            worksheet.append(["", column.header, "是" if column.required else "", note])


# --- Reading -----------------------------------------------------------------------------------------


def read_workbook(source: str | IO[bytes]) -> ParsedWorkbook:
    """Every known sheet's rows, parsed cell by cell; every unreadable cell, unknown sheet or missing
    column becomes an error (the reading goes on, so all of them are reported at once)."""
    parsed = ParsedWorkbook()
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception:  # openpyxl raises zipfile, XML and KeyError exceptions for damaged files
        parsed.errors.append(
            RowError(FILE, None, "", "无法读取：请上传 Excel 2007 及以上版本保存的 .xlsx 工作簿。")
        )
        return parsed
    try:
        known = {sheet.name: sheet for sheet in SHEETS}
        for worksheet in workbook.worksheets:
            title = worksheet.title.strip()
            if title == README:
                continue
            if title not in known:
                names = "、".join(known)
                parsed.errors.append(
                    RowError(title, None, "", f"无法识别的工作表，可用的工作表为：{names}。")
                )
                continue
            parsed.sheets[title] = _read_sheet(worksheet, known[title], parsed.errors)
    finally:
        workbook.close()
    return parsed


def _read_sheet(worksheet, sheet: Sheet, errors: list[RowError]) -> list[Row]:
    lines = worksheet.iter_rows(values_only=True)
    header = next(lines, ())
    positions = _header_positions(header, sheet, errors)
    if positions is None:
        return []
    rows: list[Row] = []
    for number, cells in enumerate(lines, start=2):
        if all(_blank(value) for value in cells):
            continue
        rows.append(_read_row(number, cells, positions, sheet, errors))
    _check_duplicate_keys(rows, sheet, errors)
    return rows


def _header_positions(header: tuple, sheet: Sheet, errors: list[RowError]) -> dict[str, int] | None:
    found = {str(text).strip(): index for index, text in enumerate(header) if not _blank(text)}
    expected = {c.header for c in sheet.columns}
    problems = [RowError(sheet.name, 1, name, "无法识别的列。") for name in found if name not in expected]
    problems += [
        RowError(sheet.name, 1, c.header, "缺少此列。")
        for c in sheet.columns
        if c.header not in found and not c.ignored
    ]
    errors += problems
    return None if problems else {c.field: found[c.header] for c in sheet.columns if not c.ignored}


def _read_row(number: int, cells: tuple, positions: dict[str, int], sheet: Sheet, errors) -> Row:
    row = Row(number, {})
    for column in sheet.columns:
        if column.ignored:
            continue
        index = positions[column.field]
        raw = cells[index] if index < len(cells) else None
        if _blank(raw):
            if column.required:
                errors.append(RowError(sheet.name, number, column.header, "不能为空。"))
                row.broken = True
            row.values[column.field] = column.empty()
            continue
        try:
            row.values[column.field] = column.kind.parse(raw)
        except CellError as exc:
            errors.append(RowError(sheet.name, number, column.header, exc.message))
            row.broken = True
    return row


def _check_duplicate_keys(rows: list[Row], sheet: Sheet, errors: list[RowError]) -> None:
    seen: dict[tuple, int] = {}
    headers = "、".join(h for h in (sheet.header_of(f) for f in sheet.key) if h)
    for row in rows:
        if row.broken:
            continue
        key = tuple(row.values[f] for f in sheet.key)
        if key in seen:
            message = f"与第{seen[key]}行重复（{headers}相同），同一记录只能出现一次。"
            errors.append(RowError(sheet.name, row.number, sheet.header_of(sheet.key[0]), message))
            row.broken = True
        else:
            seen[key] = row.number


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
