"""Case numbers (办件编号): unique across the circle, readable over the phone, with check digits.

Sixteen digits, shown in four groups of four like a bank card: `CCYY MMDD NNNN NNKK`.

- `CC`: the receiving city (where the case was received or, online, the handling city), from its
  GB/T 2260 code: the prefecture digits of 42XX00 (武汉 01, 黄石 02, 鄂州 07, 孝感 09, 黄冈 11,
  咸宁 12) and 9 + the last digit for the province-administered cities 4290XX (仙桃 94, 潜江 95,
  天门 96; 神农架 91). Each city numbers its own cases, so numbers are unique across the circle (and
  the province) without a central counter.
- `YYMMDD`: the day of receipt, which staff and applicants recognise.
- `NNNNNN`: that city's serial of the day, 1–999999.
- `KK`: ISO 7064 MOD 97-10 check digits (the IBAN scheme), as python-stdnum computes them.

Digits only, because they are read aloud in Chinese without ambiguity (no O/0, I/1, B/8, M/N) and
typed on a phone's or a kiosk's numeric keypad. Two check digits catch every single wrong digit, every
swap of two neighbouring digits and of two digits one apart, and every twin error (11→22); of two
random wrong digits they catch 99.1 %, and 99.4 % with the date and city checks (measured over 2,000
numbers in test_numbers.py).

People type numbers as they see or hear them: spaces, hyphens, full-width digits from a Chinese input
method, and the letters O and I/L for 0 and 1 are all accepted.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from stdnum.iso7064 import mod_97_10

from tongban.core.errors import ValidationFailed
from tongban.core.identifiers import region_code_name

LENGTH = 16
MAX_SERIAL = 999_999
FIELD = "case_number"

# Province-administered county-level cities (省直辖县级行政单位) have no prefecture digits of their own.
_DIRECT_CITIES = {"429004": "94", "429005": "95", "429006": "96", "429021": "91"}
_PREFECTURE = re.compile(r"42(0[1-9]|[1-8][0-9])00")  # 地级市/州 of Hubei (42)
_SEPARATORS = str.maketrans("", "", " -_.·—–")
_LOOKALIKES = str.maketrans("OoIiLl", "001111")


@dataclass(frozen=True)
class CaseNumber:
    """A case number taken apart."""

    city_code: str  # GB/T 2260, e.g. "420100"
    day: date
    serial: int


def city_number(city_code: str) -> str:
    """The two digits a city's case numbers begin with; ValueError for a code outside Hubei's cities."""
    if city_code in _DIRECT_CITIES:
        return _DIRECT_CITIES[city_code]
    if _PREFECTURE.fullmatch(city_code) and region_code_name(city_code) is not None:
        return city_code[2:4]
    raise ValueError(f"{city_code!r} is not the GB/T 2260 code of a city of Hubei")


def _city_code(digits: str) -> str | None:
    """The GB/T 2260 code of the city whose numbers begin with `digits`, or None."""
    code = next((c for c, d in _DIRECT_CITIES.items() if d == digits), f"42{digits}00")
    try:
        city_number(code)
    except ValueError:
        return None
    return code


def case_number_make(*, city_code: str, day: date, serial: int) -> str:
    """The compact number (16 digits) of the `serial`-th case a city received on `day`."""
    if not 1 <= serial <= MAX_SERIAL:
        raise ValueError(f"serial {serial} is outside 1..{MAX_SERIAL}")
    if not 2000 <= day.year <= 2099:
        raise ValueError(f"{day} is outside the two-digit years 2000..2099")
    body = f"{city_number(city_code)}{day:%y%m%d}{serial:06d}"
    return body + mod_97_10.calc_check_digits(body)


def case_number_format(number: str) -> str:
    """How a number is printed and read out: four groups of four digits."""
    compact = case_number_normalize(number)
    return " ".join(compact[i : i + 4] for i in range(0, LENGTH, 4))


def case_number_normalize(text: str) -> str:
    """The compact number from what a person typed, or ValidationFailed on "case_number" in Chinese."""
    compact = unicodedata.normalize("NFKC", text or "").translate(_SEPARATORS).translate(_LOOKALIKES)
    if not compact:
        raise ValidationFailed.on(FIELD, "请填写办件编号。")
    if not compact.isascii() or not compact.isdigit():
        raise ValidationFailed.on(FIELD, "办件编号只由数字组成，请核对。")
    if len(compact) != LENGTH:
        raise ValidationFailed.on(FIELD, f"办件编号应为{LENGTH}位数字，您输入了{len(compact)}位，请核对。")
    if not mod_97_10.is_valid(compact):
        raise ValidationFailed.on(FIELD, "办件编号校验位不符，请核对。")
    _parts(compact)
    return compact


def case_number_valid(text: str) -> bool:
    try:
        case_number_normalize(text)
    except ValidationFailed:
        return False
    return True


def case_number_parse(text: str) -> CaseNumber:
    """The city, day and serial of a number (normalized first)."""
    return _parts(case_number_normalize(text))


def _parts(compact: str) -> CaseNumber:
    """Numbers that pass the check digits but were never issued (a city outside the scheme, a day
    that does not exist) can only be made up; they are refused all the same."""
    city_code = _city_code(compact[:2])
    if city_code is None:
        raise ValidationFailed.on(FIELD, "办件编号中的城市代码不存在，请核对。")
    try:
        day = date(2000 + int(compact[2:4]), int(compact[4:6]), int(compact[6:8]))
    except ValueError:
        raise ValidationFailed.on(FIELD, "办件编号中的日期不存在，请核对。") from None
    serial = int(compact[8:14])
    if serial == 0:
        raise ValidationFailed.on(FIELD, "办件编号中的流水号不存在，请核对。")
    return CaseNumber(city_code=city_code, day=day, serial=serial)
