"""Resident identity card numbers (公民身份号码, GB 11643): what a valid number is and what it tells.

python-stdnum checks the check digit and the birth date. Its ric.validate() also requires the region code
to have existed in the birth year; but a number is assigned when it is first issued (often at 16, or when
an old 15-digit number was upgraded), under the code valid then, so people born before their district was
created or renamed would be refused. We only require the code to be one GB/T 2260 has ever listed.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from stdnum.cn import ric

from tongban.core.identifiers import region_code_name

EARLIEST_BIRTH = datetime.date(1900, 1, 1)


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: datetime.date
    region_code: str


def resident_id_check(value: str, *, label: str = "公民身份号码") -> ResidentId:
    """The number with what it tells (birth date, region), or ValidationError with a Chinese message
    that starts with the field's label."""
    number = ric.compact(value or "")
    if not number:
        raise ValidationError(f"{label}：请填写{label}。")
    if len(number) == 15 and number.isdigit():
        raise ValidationError(f"{label}：15位旧号码已停止使用，请输入18位{label}。")
    if len(number) != 18:
        raise ValidationError(f"{label}：应为18位（最后一位可能是X），您输入了{len(number)}位。")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(f"{label}：前17位应为数字，最后一位为数字或X。")
    birth_date = _birth_date(number, label)
    if region_code_name(number[:6]) is None:
        raise ValidationError(f"{label}：前6位地址码 {number[:6]} 不是有效的行政区划代码，请核对。")
    if number[17] != ric.calc_check_digit(number):
        raise ValidationError(f"{label}：校验位（最后一位）不正确，请核对是否输错。")
    return ResidentId(number=number, birth_date=birth_date, region_code=number[:6])


def _birth_date(number: str, label: str) -> datetime.date:
    try:
        birth_date = ric.get_birth_date(number)
    except ric.InvalidComponent:
        raise ValidationError(f"{label}：第7—14位的出生日期 {number[6:14]} 不是有效日期，请核对。") from None
    if not EARLIEST_BIRTH <= birth_date <= timezone.localdate():
        raise ValidationError(f"{label}：第7—14位的出生日期 {number[6:14]} 不可能，请核对。")
    return birth_date
