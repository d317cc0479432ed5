"""How personal data is shown when it is not revealed: 4201**********1232, 151****6702.

The same patterns mask ID and mobile numbers inside free text (log lines, a question typed by a
citizen), so that a value a person typed in the wrong place is not shown in clear either.
"""

import re

# Resident ID numbers (18 digits, the last may be X; 15-digit legacy numbers) and mainland mobile
# numbers, not inside longer runs of digits.
# Not an arc of a dotted identifier (an e-license's "….2.111000000000000005.…" holds an 18-digit type code).
ID_NUMBER_IN_TEXT = re.compile(
    r"(?<![0-9A-Za-z])(?<!\d\.)(\d{6})(\d{8}|\d{6})(\d{3}[0-9Xx]|\d{1})(?![0-9A-Za-z])(?!\.\d)"
)
MOBILE_IN_TEXT = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


def mask_id_number(value: str) -> str:
    """Keep the first four and last four characters: 4201**********1232."""
    value = (value or "").strip()
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """Keep the first three and last four digits of a mobile number: 151****6702."""
    value = (value or "").strip()
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_text(text: str) -> str:
    """Mask every ID number and mobile number found in a text."""
    text = ID_NUMBER_IN_TEXT.sub(lambda m: mask_id_number(m.group(0)), text)
    return MOBILE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)), text)
