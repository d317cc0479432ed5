"""Tongban's own catalog wins over the apps': a required field reads as Django says it in Chinese, not as
django-simple-captcha's catalog would have it; and the committed .mo says what the .po says."""

import gettext
from pathlib import Path

from django.conf import settings
from django.utils import translation

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _po_entries() -> dict[str, str]:
    entries, msgid = {}, None
    for line in PO.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgid "):
            msgid = line[len("msgid ") :].strip('"')
        elif line.startswith("msgstr ") and msgid:
            entries[msgid] = line[len("msgstr ") :].strip('"')
    return entries


def test_a_required_field_reads_as_djangos_chinese():
    with translation.override("zh-hans"):
        assert translation.gettext("This field is required.") == "这个字段是必填项。"
        assert translation.gettext("Invalid CAPTCHA") == "验证码错误，请重新输入。"


def test_the_compiled_catalog_matches_its_source():
    with PO.with_suffix(".mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)
    entries = _po_entries()
    assert entries and all(catalog.gettext(msgid) == msgstr for msgid, msgstr in entries.items())
