import pytest
from django.core.exceptions import ValidationError

from tongban.core.identifiers import make_uscc, org_code_check_char, region_code_name, validate_uscc

EZHOU_APPROVAL_BUREAU = make_uscc(registry="11", region_code="420700", org_body="MB1B2C3D")


def test_a_well_formed_uscc_validates_and_is_returned_compact():
    assert (
        validate_uscc(f" {EZHOU_APPROVAL_BUREAU[:6]}-{EZHOU_APPROVAL_BUREAU[6:]} ") == EZHOU_APPROVAL_BUREAU
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("12345", "统一社会信用代码应为18位。"),
        (
            "11ABCDEFMB1B2C3D1J",
            "统一社会信用代码格式不正确：第3—8位应为数字，其余只能是数字和大写字母（不含I、O、Z、S、V）。",
        ),
        (EZHOU_APPROVAL_BUREAU[:-1] + "0", "统一社会信用代码校验位不正确，请核对是否输错。"),
    ],
)
def test_bad_usccs_get_a_chinese_message(value, message):
    with pytest.raises(ValidationError) as caught:
        validate_uscc(value)

    assert caught.value.messages == [message]


def test_an_unknown_county_code_is_a_validation_error_not_a_key_error():
    # 420191 exists in stdnum's table as a prefix with no county entry: stdnum's own lookup raises KeyError.
    unknown_county = make_uscc(registry="11", region_code="420191", org_body="MB1B2C3D")

    with pytest.raises(ValidationError) as caught:
        validate_uscc(unknown_county)

    assert caught.value.messages == ["统一社会信用代码中的登记管理机关行政区划码 420191 不存在。"]


def test_region_code_names_at_every_level():
    assert region_code_name("420000") == "湖北省"
    assert region_code_name("420700") == "鄂州市"
    assert region_code_name("420704") == "鄂城区"
    assert region_code_name("429004") == "仙桃市"
    assert region_code_name("420191") is None
    assert region_code_name("4207") is None


def test_organization_code_check_character_follows_gb_11714():
    # By hand: D=13; weights 3,7,9,10,5,8,4,2 sum to 199; 11 − 199 mod 11 = 10, written X.
    assert org_code_check_char("D2143569") == "X"
