"""National identifiers: 统一社会信用代码 (USCC, GB 32100) and the region codes inside them.

python-stdnum checks the USCC's length, alphabet and check character. It does not check the embedded
登记管理机关行政区划码, and its region table (numdb cn/loc) answers an unknown county code with an
entry that has no "county" key, which stdnum's own ric.get_birth_place turns into a KeyError. We look the
code up ourselves and treat a missing entry as an ordinary validation error.
"""

from django.core.exceptions import ValidationError
from stdnum import numdb
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError

# GB 11714 organization code: 8 body characters, weighted, check character at position 9.
_ORG_CODE_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def region_code_name(code: str) -> str | None:
    """The name of a GB/T 2260 code at any level (province, city or county), or None if unknown."""
    if len(code) != 6 or not code.isdigit():
        return None
    info: dict[str, str] = {}
    for _part, props in numdb.get("cn/loc").info(code):
        info.update(props)
    name = info.get("county") if code[2:] != "0000" else info.get("province")
    if not name:
        return None
    # Entries look like "[1987-]鄂城区" or "[1983-1987]旧名,[1987-]新名"; the last one is current.
    return name.split(",")[-1].split("]")[-1]


def validate_uscc(value: str) -> str:
    """Return the compact USCC or raise ValidationError with a Chinese message."""
    number = uscc.compact(value or "")
    try:
        uscc.validate(number)
    except InvalidLength:
        raise ValidationError("统一社会信用代码应为18位。", code="uscc_length") from None
    except InvalidFormat:
        raise ValidationError(
            "统一社会信用代码格式不正确：第3—8位应为数字，其余只能是数字和大写字母（不含I、O、Z、S、V）。",
            code="uscc_format",
        ) from None
    except InvalidChecksum:
        raise ValidationError(
            "统一社会信用代码校验位不正确，请核对是否输错。", code="uscc_checksum"
        ) from None
    except StdnumError:
        raise ValidationError("统一社会信用代码无效。", code="uscc_invalid") from None
    region = number[2:8]
    if region_code_name(region) is None:
        raise ValidationError(
            f"统一社会信用代码中的登记管理机关行政区划码 {region} 不存在。", code="uscc_region"
        )
    return number


def org_code_check_char(body: str) -> str:
    """GB 11714 check character for an 8-character organization code body."""
    total = sum(_ORG_CODE_ALPHABET.index(c) * w for c, w in zip(body, _ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def make_uscc(*, registry: str, region_code: str, org_body: str) -> str:
    """Compose a well-formed USCC: registry/kind (2), region (6), org code (8 + check), check character."""
    partial = registry + region_code + org_body + org_code_check_char(org_body)
    return partial + uscc.calc_check_digit(partial + "0")
