"""How a cell becomes a value and back, per kind of column, with Chinese messages for bad cells."""

import json
from datetime import date, datetime
from typing import Any

from django.db.models import TextChoices
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

ALIAS_SEPARATOR = "、"
OPENING, CLOSING = "（(【[《", "）)】]》"
REFERENCE_SUFFIX = "（参考）"  # columns the export adds for people; the import ignores them


class CellError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _integral(raw: Any) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
        return int(raw.strip())
    return None


class Text:
    """Free text, kept exactly as written (a number typed into a text cell becomes its digits)."""

    hint = "文本"
    labels: list[str] | None = None

    def parse(self, raw: Any) -> Any:
        number = _integral(raw)
        return str(number) if number is not None and not isinstance(raw, str) else str(raw)

    def to_cell(self, value: Any) -> Any:
        if value in ("", None):
            return None
        # Control characters cannot be stored in .xlsx at all; dropping them beats failing the export.
        return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


class Code(Text):
    """An identifier or a reference by natural key: surrounding spaces are dropped."""

    def __init__(self, hint: str = "编码"):
        self.hint = hint

    def parse(self, raw: Any) -> str:
        return super().parse(raw).strip()


class Integer(Text):
    hint = "不小于0的整数"

    def parse(self, raw: Any) -> int:
        number = _integral(raw)
        if number is None or number < 0:
            raise CellError(f"应为不小于0的整数，实际为“{raw}”。")
        return number

    def to_cell(self, value: Any) -> Any:
        return value


class Boolean(Text):
    hint = "是 或 否"
    labels = ["是", "否"]

    def parse(self, raw: Any) -> bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip()
        if text not in self.labels:
            raise CellError(f"应填写“是”或“否”，实际为“{raw}”。")
        return text == "是"

    def to_cell(self, value: Any) -> str:
        return "是" if value else "否"


class Choice(Text):
    """A value of a TextChoices enumeration, written as its Chinese label."""

    def __init__(self, choices: type[TextChoices]):
        self.by_label = {str(label): value for value, label in choices.choices}
        self.by_value = {value: str(label) for value, label in choices.choices}
        self.labels = list(self.by_label)
        self.hint = "可选：" + "、".join(self.labels)

    def parse(self, raw: Any) -> str:
        text = str(raw).strip()
        if text not in self.by_label:
            raise CellError(f"“{raw}”不是可选的值，应为：{'、'.join(self.labels)}。")
        return self.by_label[text]

    def to_cell(self, value: Any) -> str:
        return self.by_value[value]


class Date(Text):
    hint = "日期，如 2024-03-01"

    def parse(self, raw: Any) -> date:
        if isinstance(raw, datetime):
            return raw.date()
        if isinstance(raw, date):
            return raw
        try:
            return date.fromisoformat(str(raw).strip())
        except ValueError:
            raise CellError(f"应为日期（如 2024-03-01），实际为“{raw}”。") from None

    def to_cell(self, value: Any) -> Any:
        return value


class Json(Text):
    hint = "JSON 文本，留空表示没有申请表单字段"

    def parse(self, raw: Any) -> dict:
        try:
            value = json.loads(str(raw))
        except json.JSONDecodeError as exc:
            raise CellError(f"不是有效的 JSON：第{exc.lineno}行第{exc.colno}个字符附近有语法错误。") from None
        if not isinstance(value, dict):
            raise CellError("应为 JSON 对象（以“{”开头）。")
        return value

    def to_cell(self, value: Any) -> Any:
        return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else None


def split_aliases(text: str) -> list[str]:
    """Aliases separated by “、”; a “、” inside brackets belongs to the alias, as in
    “公积金提取（离休、退休）”, so real names survive the round trip."""
    aliases, current, depth = [], [], 0
    for char in text:
        depth += (char in OPENING) - (char in CLOSING)
        if char == ALIAS_SEPARATOR and depth <= 0:
            aliases.append("".join(current))
            current = []
        else:
            current.append(char)
    aliases.append("".join(current))
    return [alias.strip() for alias in aliases if alias.strip()]


class Aliases(Text):
    hint = f"多个别名以“{ALIAS_SEPARATOR}”分隔（括号内的“{ALIAS_SEPARATOR}”不算分隔）"

    def parse(self, raw: Any) -> list[str]:
        return split_aliases(str(raw))

    def to_cell(self, value: Any) -> Any:
        return ALIAS_SEPARATOR.join(value) or None


class Reference(Text):
    hint = "仅供阅读，导入时忽略"


TEXT = Text()  # kinds keep no state per cell, so one instance serves every plain text column
