"""GB/T 36904 license identifiers: made with an ISO 7064 MOD 37,36 check character, read back as typed, and
every wrong part named in Chinese."""

import pytest
from stdnum.iso7064 import mod_37_36

from tongban.core.errors import ValidationFailed
from tongban.core.identifiers import make_uscc

from ..identifiers import LicenseIdentifier, license_identifier_make, license_identifier_parse

USCC = make_uscc(registry="11", region_code="420100", org_body="MB000123")
TYPE = "111000000000000005"


def make(serial="WH2026000001", version=1) -> str:
    return license_identifier_make(type_code=TYPE, issuer_uscc=USCC, serial=serial, version=version)


def test_an_identifier_has_the_national_arc_five_parts_and_a_check_character():
    identifier = make()

    arc, parts = identifier[:14], identifier[15:].split(".")
    assert arc == "1.2.156.3005.2"
    assert parts[:4] == [TYPE, USCC, "WH2026000001", "001"]
    assert mod_37_36.is_valid(f"{TYPE}{USCC}WH2026000001001{parts[4]}")
    assert license_identifier_parse(identifier) == LicenseIdentifier(TYPE, USCC, "WH2026000001", 1)
    assert str(license_identifier_parse(identifier)) == identifier


def test_a_new_version_has_a_new_identifier():
    assert make(version=2) != make(version=1)
    assert license_identifier_parse(make(version=2)).version == 2


def test_an_identifier_is_read_as_typed_in_lower_case_full_width_and_with_spaces():
    identifier = make()
    typed = " " + identifier.lower().replace(".", "．") + " "

    assert str(license_identifier_parse(typed)) == identifier


def test_every_single_changed_character_is_caught():
    identifier = make()
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    start = len("1.2.156.3005.2.")
    missed = []
    for i in range(start, len(identifier)):
        if identifier[i] == ".":
            continue
        for c in alphabet:
            if c == identifier[i]:
                continue
            wrong = identifier[:i] + c + identifier[i + 1 :]
            try:
                license_identifier_parse(wrong)
            except ValidationFailed:
                continue
            missed.append(wrong)
    assert missed == []


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "请填写电子证照标识。"),
        ("1.2.156.3005.1.1.2.3.4.5", "电子证照标识应以 1.2.156.3005.2 开头。"),
        (
            "1.2.156.3005.2.1.2.3",
            "电子证照标识应由证照类型代码、颁发机构代码、流水号、版本号和校验位五段组成。",
        ),
        (f"1.2.156.3005.2.{TYPE}.123.S1.001.X", "电子证照标识中的颁发机构统一社会信用代码不正确。"),
        (f"1.2.156.3005.2.{TYPE}.{USCC}.S-1.001.X", "电子证照标识中的流水号不正确。"),
        (f"1.2.156.3005.2.{TYPE}.{USCC}.S1.000.X", "电子证照标识中的版本号不正确。"),
        (f"1.2.156.3005.2.类型.{USCC}.S1.001.X", "电子证照标识中的证照类型代码不正确。"),
    ],
)
def test_a_wrong_identifier_is_named(value, message):
    with pytest.raises(ValidationFailed) as refused:
        license_identifier_parse(value)

    assert refused.value.errors[0].field == "identifier"
    assert refused.value.errors[0].message == message


def test_a_wrong_check_character_is_named():
    identifier = make()
    wrong = identifier[:-1] + ("A" if identifier[-1] != "A" else "B")

    with pytest.raises(ValidationFailed) as refused:
        license_identifier_parse(wrong)

    assert refused.value.errors[0].message == "电子证照标识校验位不正确，请核对后重新输入。"
