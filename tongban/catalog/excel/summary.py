"""What an import reports: every error by sheet, row and column, or the counts of what it changed."""

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class RowError:
    """One problem in the workbook. `row` is the Excel row number (1 = the header); None for a whole sheet
    or the file itself."""

    sheet: str
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = self.sheet
        if self.row is not None:
            where += f" 第{self.row}行"
        if self.column:
            where += f"「{self.column}」"
        return f"{where}：{self.message}"


class ImportFailed(Exception):
    """The workbook was rejected as a whole; nothing in the database was changed."""

    def __init__(self, errors: list[RowError]):
        super().__init__(errors)
        self.errors = errors

    def __str__(self) -> str:
        lines = [f"导入失败：发现 {len(self.errors)} 处错误，数据库未做任何修改。"]
        return "\n".join(lines + [str(error) for error in self.errors])


@dataclass
class SheetCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    def __str__(self) -> str:
        text = f"新增 {self.created}，更新 {self.updated}，未变 {self.unchanged}"
        return text + (f"，删除 {self.removed}" if self.removed else "")


@dataclass
class ImportSummary:
    """Per sheet, how many rows were created, updated, left unchanged or removed (child rows that the
    file no longer lists), and how many guide versions were published."""

    sheets: dict[str, SheetCounts] = field(default_factory=dict)
    versions_published: int = 0
    dry_run: bool = False

    def counts(self, sheet: str) -> SheetCounts:
        return self.sheets.setdefault(sheet, SheetCounts())

    @property
    def changed(self) -> bool:
        return self.versions_published > 0 or any(
            c.created or c.updated or c.removed for c in self.sheets.values()
        )

    def __str__(self) -> str:
        head = "检查通过（试运行，未写入数据库）：" if self.dry_run else "导入完成："
        lines = [head] + [f"{name}：{counts}" for name, counts in self.sheets.items()]
        lines.append(f"发布新版本办事指南 {self.versions_published} 个。")
        return "\n".join(lines)
