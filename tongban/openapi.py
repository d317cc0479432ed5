"""The OpenAPI document as committed text (docs/openapi.json), and the check that it matches the API.

The committed file lets a reviewer see an API change in a diff; the test suite and CI fail when the
served document and the committed one differ, so the file cannot silently fall behind.
"""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

DOCUMENT_PATH = Path(__file__).resolve().parent.parent / "docs" / "openapi.json"
REGENERATE = "请运行 tongban openapi --write 重新生成。"


def render(document: dict[str, Any]) -> str:
    """Stable, readable text: ninja's key order, two-space indent, Chinese as Chinese, final newline."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def openapi_document() -> str:
    """The document the API serves at /api/v1/openapi.json, as text."""
    from tongban.api import api

    return render(api.get_openapi_schema())


def openapi_write(path: Path = DOCUMENT_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(openapi_document(), encoding="utf-8")
    return path


def openapi_check(path: Path = DOCUMENT_PATH) -> list[str]:
    """Where the committed document differs from the API's (JSON pointers); empty when they are equal."""
    current = openapi_document()
    if not path.exists():
        return [f"{path} 不存在，{REGENERATE}"]
    committed_text = path.read_text(encoding="utf-8")
    if committed_text == current:
        return []
    try:
        committed = json.loads(committed_text)
    except json.JSONDecodeError as exc:
        return [f"{path} 不是有效的 JSON（{exc}），{REGENERATE}"]
    differences = list(_differences(committed, json.loads(current), ""))
    return differences or [f"{path} 内容一致但格式不同，{REGENERATE}"]


def _differences(committed: Any, current: Any, pointer: str) -> Iterator[str]:
    if isinstance(committed, dict) and isinstance(current, dict):
        for key in [*current, *(k for k in committed if k not in current)]:
            child = f"{pointer}/{key.replace('~', '~0').replace('/', '~1')}"
            if key not in current:
                yield f"{child}：已提交的文档中有，接口中已没有"
            elif key not in committed:
                yield f"{child}：接口中有，已提交的文档中没有"
            else:
                yield from _differences(committed[key], current[key], child)
    elif isinstance(committed, list) and isinstance(current, list) and len(committed) == len(current):
        for index, (old, new) in enumerate(zip(committed, current, strict=True)):
            yield from _differences(old, new, f"{pointer}/{index}")
    elif committed != current:
        yield f"{pointer or '/'}：已提交 {_brief(committed)}，接口为 {_brief(current)}"


def _brief(value: Any, limit: int = 80) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"
