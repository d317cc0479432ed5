"""Personal data in what people type on the question board, found and masked for public view.

People put their phone number in the name field, their ID number in the question, their flat's number in a
complaint about the neighbours. Each kind is found by a pattern and, where a number carries its own check,
confirmed by it, because a false alarm masks what the public needs to read (a case number, a date, an
amount, "12345热线", a 文号 like "〔2024〕12号"):

- mobile: 1[3-9]x and eight more digits, also written 138 1234 5678, 138-1234-5678, +86 138…;
- landline: with an area code (027-87654321, (0711)3214567, 071-…), or bare 7–8 digits only right after a
  word that says it is a phone number (电话、座机、拨打…), since a bare 8-digit number is as often a date;
- id_number: 18 characters with a valid birth date and GB 11643 check digit (python-stdnum), or 15 digits
  of the old numbers (born 1920–1999); a number with a wrong check digit still counts right after 身份证;
- email;
- bank_card: 16–19 digits (optionally in groups of four) passing the Luhn check and starting like a card
  (UnionPay 62…, Visa 4, Mastercard 5/2221–2720, JCB 3, the old 955… cards). A case number (办件编号) is
  16 digits in groups of four too, but starts with 01–12 or 9x (tongban.cases.numbers) — never like a card;
- house_number: the numbers of a building, unit and room (12栋3单元501室, 5号楼2单元302, 301室) and the
  number after a road (中山路88号 → 中山路**号): the road stays, the number goes.

Full-width digits and letters from a Chinese input method are read as ASCII (one character for one, so
what is found can be cut out of the original text at the same place).
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from stdnum import luhn
from stdnum.cn import ric

from tongban.core.masking import mask_id_number, mask_phone

KINDS = {
    "mobile": "手机号码",
    "landline": "固定电话号码",
    "id_number": "身份证号码",
    "email": "电子邮箱",
    "bank_card": "银行卡号",
    "house_number": "门牌号",
}

# Full-width ASCII (！ to ～) and the ideographic space, one for one.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_DASHES = str.maketrans({"—": "-", "–": "-", "－": "-"})
_NOT_AFTER = r"(?<![0-9A-Za-z])"  # not the tail of a longer number or word
_NOT_BEFORE = r"(?![0-9A-Za-z])"


@dataclass(frozen=True)
class Found:
    kind: str
    start: int
    end: int
    masked: str


def _readable(text: str) -> str:
    return text.translate(_HALF_WIDTH).translate(_DASHES)


# --- e-mail --------------------------------------------------------------------------------------------

EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9][A-Za-z0-9._%+-]{0,63})@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})"
)


def _email(m: re.Match) -> str | None:
    return f"{m.group(1)[0]}***@{m.group(2)}"


# --- resident ID numbers -------------------------------------------------------------------------------

ID_18 = re.compile(_NOT_AFTER + r"(\d{6}) ?(\d{8}) ?(\d{3}[0-9Xx])" + _NOT_BEFORE)
ID_15 = re.compile(_NOT_AFTER + r"(\d{6})(\d{6})(\d{3})" + _NOT_BEFORE)
ID_SAID = re.compile(r"(身份证|证件|身份号|公民身份)[^\n]{0,8}$")


def _birth_date_valid(year: int, month: int, day: int) -> bool:
    try:
        born = dt.date(year, month, day)
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= timezone.localdate()


def _province_code(number: str) -> bool:
    return 11 <= int(number[:2]) <= 82  # GB/T 2260 provinces: 11 北京 … 82 澳门


def _id_18(m: re.Match, before: str) -> str | None:
    number = "".join(m.groups()).upper()
    if not _province_code(number) or not _birth_date_valid(
        int(number[6:10]), int(number[10:12]), int(number[12:14])
    ):
        return None
    # A wrong check digit is a typo, unless nothing says it is an ID number (then it may be anything).
    if ric.calc_check_digit(number) != number[17] and not ID_SAID.search(before):
        return None
    return mask_id_number(number)


def _id_15(m: re.Match, before: str) -> str | None:
    number = "".join(m.groups())
    # The old numbers were replaced by 2004: their holders were born in the 1900s. Born before 1920 is
    # improbable and would match the old 15-digit business registration numbers (…000123…).
    born_ok = _birth_date_valid(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
    if not _province_code(number) or not born_ok:
        return None
    if int(number[6:8]) < 20 and not ID_SAID.search(before):
        return None
    return mask_id_number(number)


# --- bank cards ----------------------------------------------------------------------------------------

CARD_PLAIN = re.compile(_NOT_AFTER + r"\d{16,19}" + _NOT_BEFORE)
CARD_GROUPED = re.compile(_NOT_AFTER + r"\d{4}(?:[ -]\d{4}){3}(?:[ -]\d{1,3})?" + _NOT_BEFORE)


def _card_prefix(digits: str) -> bool:
    if digits[0] in "3456":
        return True
    if 2221 <= int(digits[:4]) <= 2720:  # Mastercard's 2-series
        return True
    return digits.startswith("955") and len(digits) == 19  # the big four's old domestic cards


def _card(m: re.Match, before: str) -> str | None:
    digits = re.sub(r"\D", "", m.group(0))
    if not 16 <= len(digits) <= 19 or not _card_prefix(digits) or not luhn.is_valid(digits):
        return None
    return "****" + digits[-4:]


# --- phones --------------------------------------------------------------------------------------------

# Not an amount (15000000000元 is no phone number).
MOBILE = re.compile(_NOT_AFTER + r"(?:(?:\+|00)?86[ -]?)?(1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})(?![\d元万亿块])")
LANDLINE = re.compile(
    _NOT_AFTER + r"(?:\((0\d{2,3})\)|(0\d{2,3}))[ -]?([2-9]\d{6,7})(?:(?:-|转)\d{1,5})?(?!\d)"
)
# Without an area code only right after a word that says "phone": a bare 8-digit number is often a date.
LANDLINE_SAID = re.compile(
    r"(?:电话|座机|固话|致电|拨打|tel|Tel|TEL)[\s:：号码是为]{0,4}([2-9]\d{2,3}[ -]?\d{4})(?!\d)"
)


def _mobile(m: re.Match, before: str) -> str | None:
    return mask_phone("".join(m.groups()))


def _landline(m: re.Match, before: str) -> str | None:
    area, local = m.group(1) or m.group(2), m.group(3)
    return f"{area}-{'*' * (len(local) - 2)}{local[-2:]}"


def _landline_said(m: re.Match, before: str) -> str | None:
    local = re.sub(r"\D", "", m.group(1))
    if not 7 <= len(local) <= 8:
        return None
    return "*" * (len(local) - 2) + local[-2:]


# --- house numbers -------------------------------------------------------------------------------------

BUILDING = re.compile(r"(?<!\d)(\d{1,3})(?=栋|幢|号楼)")
UNIT = re.compile(r"(?<!\d)(\d{1,2})(?=单元)")
# A room: 3–5 digits before 室 or 房 (房间 too, but not 房产/房租/房屋…); "1室1厅" is a flat's layout.
ROOM = re.compile(r"(?<!\d)(\d{3,5})(?=室|房(?![产屋子租价贷改管源型款本证]))")
ROOM_AFTER_UNIT = re.compile(r"(?<=单元)(\d{2,5})(?!\d)")
# The number on a road, street, lane or village (中山路88号, 光谷大道77号, 88-1号); after nothing else, so
# a 文号 (〔2024〕12号) or a window (5号窗口) stays.
ROAD_NUMBER = re.compile(r"(?:(?<=[路街巷弄村])|(?<=大道))(\d{1,5}(?:[-之]\d{1,4})?)(?=号)")


def _house(stars: str) -> Callable[[re.Match, str], str | None]:
    return lambda m, before: stars


# In order of precedence: a span found by an earlier pattern is not looked at again (an ID number is no
# bank card; a phone number inside an e-mail address goes with the address).
PATTERNS: tuple[tuple[str, re.Pattern, Callable[[re.Match, str], str | None], int], ...] = (
    ("email", EMAIL, lambda m, before: _email(m), 0),
    ("id_number", ID_18, _id_18, 0),
    ("id_number", ID_15, _id_15, 0),
    ("bank_card", CARD_GROUPED, _card, 0),
    ("bank_card", CARD_PLAIN, _card, 0),
    ("mobile", MOBILE, _mobile, 0),
    ("landline", LANDLINE, _landline, 0),
    ("landline", LANDLINE_SAID, _landline_said, 1),
    ("house_number", ROOM_AFTER_UNIT, _house("***"), 1),
    ("house_number", ROOM, _house("***"), 1),
    ("house_number", BUILDING, _house("**"), 1),
    ("house_number", UNIT, _house("*"), 1),
    ("house_number", ROAD_NUMBER, _house("**"), 1),
)


def personal_data_spans(text: str) -> list[Found]:
    """Every piece of personal data in the text, left to right, none overlapping another."""
    readable = _readable(text or "")
    found: list[Found] = []
    for kind, pattern, masked_of, group in PATTERNS:
        for m in pattern.finditer(readable):
            start, end = m.span(group)
            if any(start < f.end and f.start < end for f in found):
                continue
            masked = masked_of(m, readable[max(0, m.start() - 12) : m.start()])
            if masked is not None:
                found.append(Found(kind, start, end, masked))
    return sorted(found, key=lambda f: f.start)


def personal_data_find(text: str) -> list[str]:
    """The kinds of personal data in the text (mobile, landline, id_number, email, bank_card,
    house_number), each once, in that order."""
    kinds = {f.kind for f in personal_data_spans(text)}
    return [kind for kind in KINDS if kind in kinds]


def personal_data_mask(text: str) -> str:
    """The text with each piece of personal data replaced by its masked form (138****5678,
    4201**********1234, a***@qq.com, ****1234, 中山路**号, ***室); everything else as typed."""
    text = text or ""
    parts, at = [], 0
    for f in personal_data_spans(text):
        parts += [text[at : f.start], f.masked]
        at = f.end
    return "".join([*parts, text[at:]])


def kinds_label(kinds: list[str]) -> str:
    """手机号码、身份证号码"""
    return "、".join(KINDS[kind] for kind in kinds)
