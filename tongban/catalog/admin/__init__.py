"""Back office for catalog maintainers (Django admin, in Chinese).

Guides change only through the catalog services: "创建新草稿" calls version_draft_start, "发布此版本"
calls version_publish (its problems become error messages and nothing changes). A published or superseded
version is read-only here everywhere, on top of the model's own guard. The Excel page (import with every
row error shown, export download) hangs under the items' admin.
"""

from . import items, reach, versions

__all__ = ["items", "reach", "versions"]
