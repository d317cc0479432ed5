"""Case numbers, without a database: layout, round trip, what a person may type, and how many typing
errors the check digits catch (measured over 2,000 numbers)."""

import random
from datetime import date, timedelta

import pytest
from stdnum.iso7064 import mod_97_10

from tongban.cases.numbers import (
    CaseNumber,
    case_number_format,
    case_number_make,
    case_number_normalize,
    case_number_parse,
    case_number_valid,
    city_number,
)
from tongban.core.errors import ValidationFailed

NINE_CITIES = {
    "420100": "01",  # 武汉
    "420200": "02",  # 黄石
    "420700": "07",  # 鄂州
    "420900": "09",  # 孝感
    "421100": "11",  # 黄冈
    "421200": "12",  # 咸宁
    "429004": "94",  # 仙桃
    "429005": "95",  # 潜江
    "429006": "96",  # 天门
}
DIGITS = "0123456789"


def _sample(count: int = 2000) -> list[str]:
    rng = random.Random(20260925)
    return [
        case_number_make(
            city_code=rng.choice(sorted(NINE_CITIES)),
            day=date(2024, 1, 1) + timedelta(days=rng.randrange(3 * 365)),
            serial=rng.randrange(1, 1_000_000),
        )
        for _ in range(count)
    ]


def _refusal(text: str) -> str:
    with pytest.raises(ValidationFailed) as refused:
        case_number_normalize(text)
    assert refused.value.errors[0].field == "case_number"
    return refused.value.message


# --- Layout and round trip -------------------------------------------------------------------------------


def test_a_number_is_city_day_serial_and_two_check_digits_in_four_groups():
    number = case_number_make(city_code="420100", day=date(2026, 9, 25), serial=123)

    assert number == "0126092500012381"
    assert case_number_format(number) == "0126 0925 0001 2381"
    assert mod_97_10.is_valid(number)


def test_each_city_of_the_circle_has_its_own_two_digits():
    assert {code: city_number(code) for code in NINE_CITIES} == NINE_CITIES
    assert len(set(NINE_CITIES.values())) == 9


@pytest.mark.parametrize("code", ["420000", "110100", "420102", "429099", "425500", "4201", ""])
def test_a_code_that_is_not_a_city_of_hubei_has_no_number(code):
    with pytest.raises(ValueError, match="is not the GB/T 2260 code of a city of Hubei"):
        city_number(code)


@pytest.mark.parametrize("serial", [0, -1, 1_000_000])
def test_a_serial_outside_one_to_999999_is_a_programming_error(serial):
    with pytest.raises(ValueError, match=r"outside 1\.\.999999"):
        case_number_make(city_code="420100", day=date(2026, 9, 25), serial=serial)


@pytest.mark.parametrize("day", [date(1999, 12, 31), date(2100, 1, 1)])
def test_a_day_outside_the_two_digit_years_is_a_programming_error(day):
    with pytest.raises(ValueError, match=r"outside the two-digit years 2000\.\.2099"):
        case_number_make(city_code="420100", day=day, serial=1)


def test_every_number_made_parses_back_to_its_city_day_and_serial():
    rng = random.Random(7)
    for _ in range(500):
        city = rng.choice(sorted(NINE_CITIES))
        day = date(2000, 1, 1) + timedelta(days=rng.randrange(100 * 365))
        serial = rng.randrange(1, 1_000_000)
        number = case_number_make(city_code=city, day=day, serial=serial)

        assert case_number_parse(case_number_format(number)) == CaseNumber(
            city_code=city, day=day, serial=serial
        )
        assert case_number_normalize(number) == number


def test_numbers_of_different_cities_days_or_serials_differ():
    numbers = {
        case_number_make(city_code=city, day=day, serial=serial)
        for city in NINE_CITIES
        for day in (date(2026, 9, 25), date(2026, 9, 26), date(2027, 9, 25))
        for serial in (1, 2, 999_999)
    }

    assert len(numbers) == 9 * 3 * 3


# --- What a person types -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "0126092500012381",
        "0126 0925 0001 2381",
        "0126-0925-0001-2381",
        " 0126 - 0925 - 0001 - 2381 ",
        "０１２６　０９２５　０００１　２３８１",  # full-width digits and space from a Chinese input method
        "０１２６－０９２５－０００１－２３８１",
        "0126—0925—0001—2381",
        "O126 O925 OOO1 238l",  # letters O and l read as 0 and 1
        "o126 0925 000i 2381",
    ],
)
def test_numbers_are_accepted_as_people_type_them(typed):
    assert case_number_normalize(typed) == "0126092500012381"
    assert case_number_valid(typed) is True


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "请填写办件编号。"),
        (None, "请填写办件编号。"),
        ("  -  ", "请填写办件编号。"),
        ("0126 0925 0001 238X", "办件编号只由数字组成，请核对。"),
        ("０１２６０９２５０００１２３８Ａ", "办件编号只由数字组成，请核对。"),
        ("٠١٢٦٠٩٢٥٠٠٠١٢٣٨١", "办件编号只由数字组成，请核对。"),  # Arabic-Indic digits
        ("0126 0925 0001 238", "办件编号应为16位数字，您输入了15位，请核对。"),
        ("0126 0925 0001 23811", "办件编号应为16位数字，您输入了17位，请核对。"),
        ("0126 0925 0001 2382", "办件编号校验位不符，请核对。"),
        ("0126 0925 0001 3281", "办件编号校验位不符，请核对。"),
        ("1026 0925 0001 2381", "办件编号校验位不符，请核对。"),
    ],
)
def test_a_mistyped_number_is_refused_in_chinese_naming_the_field(typed, message):
    assert _refusal(typed) == message
    assert case_number_valid(typed) is False


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("55260925000123", "办件编号中的城市代码不存在，请核对。"),
        ("99260925000123", "办件编号中的城市代码不存在，请核对。"),
        ("00260925000123", "办件编号中的城市代码不存在，请核对。"),
        ("01261325000123", "办件编号中的日期不存在，请核对。"),
        ("01260230000123", "办件编号中的日期不存在，请核对。"),
        ("01260925000000", "办件编号中的流水号不存在，请核对。"),
    ],
)
def test_a_number_with_valid_check_digits_that_was_never_issued_is_refused(body, message):
    made_up = body + mod_97_10.calc_check_digits(body)

    assert _refusal(made_up) == message


# --- How many typing errors are caught ---------------------------------------------------------------------


def _substitutions(number: str):
    for i, right in enumerate(number):
        for wrong in DIGITS.replace(right, ""):
            yield number[:i] + wrong + number[i + 1 :]


def _swaps(number: str, gap: int):
    for i in range(len(number) - gap):
        j = i + gap
        if number[i] != number[j]:
            yield number[:i] + number[j] + number[i + 1 : j] + number[i] + number[j + 1 :]


def _twins(number: str):
    for i in range(len(number) - 1):
        if number[i] == number[i + 1]:
            for other in DIGITS.replace(number[i], ""):
                yield number[:i] + other * 2 + number[i + 2 :]


def _double_substitutions(number: str, rng: random.Random, count: int = 100):
    for _ in range(count):
        i, j = sorted(rng.sample(range(len(number)), 2))
        a, b = rng.choice(DIGITS.replace(number[i], "")), rng.choice(DIGITS.replace(number[j], ""))
        yield number[:i] + a + number[i + 1 : j] + b + number[j + 1 :]


def _caught(mistakes) -> tuple[int, int]:
    mistakes = list(mistakes)
    return sum(not mod_97_10.is_valid(m) for m in mistakes), len(mistakes)


def test_every_single_wrong_digit_is_caught():
    caught, total = _caught(m for n in _sample() for m in _substitutions(n))

    assert (caught, total) == (288_000, 288_000)  # 2,000 numbers × 16 positions × 9 wrong digits: 100 %


def test_every_swap_of_neighbouring_digits_is_caught():
    caught, total = _caught(m for n in _sample() for m in _swaps(n, 1))

    assert (caught, total) == (
        27_214,
        27_214,
    )  # 100 % of the 2,000 numbers' swaps of two different neighbours


def test_every_swap_across_one_digit_and_every_twin_error_is_caught():
    jumps = _caught(m for n in _sample() for m in _swaps(n, 2))
    twins = _caught(m for n in _sample() for m in _twins(n))

    assert jumps == (25_216, 25_216)  # 100 %
    assert twins == (25_074, 25_074)  # 100 %


def test_two_wrong_digits_are_caught_about_99_times_in_100():
    rng = random.Random(97)
    mistakes = [m for n in _sample() for m in _double_substitutions(n, rng)]
    caught, total = _caught(mistakes)

    # MOD 97-10 lets about 1 in 97 random errors through; the date, city and serial catch a few more.
    assert (caught, total) == (198_163, 200_000)  # 99.08 %
    assert sum(not case_number_valid(m) for m in mistakes) == 198_855  # 99.43 %
