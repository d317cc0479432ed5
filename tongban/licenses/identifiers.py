"""License identifiers (电子证照标识) per GB/T 36904:

    1.2.156.3005.2.<type code>.<issuer USCC>.<serial>.<version>.<check>

`1.2.156.3005.2` is the national e-license arc; the type code is the license type's code in the national
catalog; the issuer is the issuing organization's 统一社会信用代码; the serial is unique within the issuer
and the type; the version counts the license's versions (a change or renewal makes a new version). The
check character is ISO 7064 MOD 37,36 over the four middle parts written one after the other, computed by
python-stdnum. Letters are upper case; people may type them in lower case or with full-width characters.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError as DjangoValidationError
from stdnum.exceptions import ValidationError
from stdnum.iso7064 import mod_37_36

from tongban.core.errors import ValidationFailed
from tongban.core.identifiers import validate_uscc

PREFIX = "1.2.156.3005.2"
FIELD = "identifier"
_TYPE_CODE = re.compile(r"[0-9A-Z]{1,30}")
_SERIAL = re.compile(r"[0-9A-Z]{1,40}")
_VERSION = re.compile(r"[0-9]{1,4}")


@dataclass(frozen=True)
class LicenseIdentifier:
    type_code: str
    issuer_uscc: str
    serial: str
    version: int

    def __str__(self) -> str:
        return license_identifier_make(
            type_code=self.type_code, issuer_uscc=self.issuer_uscc, serial=self.serial, version=self.version
        )


def _body(type_code: str, issuer_uscc: str, serial: str, version: int) -> str:
    return f"{type_code}{issuer_uscc}{serial}{version:03d}"


def license_identifier_make(*, type_code: str, issuer_uscc: str, serial: str, version: int) -> str:
    """The identifier of a license; raises ValueError on parts that cannot make one (a programming error:
    the parts come from the platform's own rows)."""
    if not _TYPE_CODE.fullmatch(type_code) or not _SERIAL.fullmatch(serial) or not 1 <= version <= 999:
        raise ValueError(f"invalid license identifier parts: {type_code!r} {serial!r} {version!r}")
    body = _body(type_code, issuer_uscc, serial, version)
    check = mod_37_36.calc_check_digit(body)
    return f"{PREFIX}.{type_code}.{issuer_uscc}.{serial}.{version:03d}.{check}"


def license_identifier_normalize(value: str) -> str:
    """As typed or scanned: full-width characters folded, spaces dropped, upper case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value or "")).upper()


def license_identifier_parse(value: str) -> LicenseIdentifier:
    """The parts of an identifier, or ValidationFailed saying in Chinese what is wrong with it."""
    text = license_identifier_normalize(value)
    if not text:
        raise ValidationFailed.on(FIELD, "请填写电子证照标识。")
    if not text.startswith(PREFIX + "."):
        raise ValidationFailed.on(FIELD, f"电子证照标识应以 {PREFIX} 开头。")
    parts = text[len(PREFIX) + 1 :].split(".")
    if len(parts) != 5:
        raise ValidationFailed.on(
            FIELD, "电子证照标识应由证照类型代码、颁发机构代码、流水号、版本号和校验位五段组成。"
        )
    type_code, uscc, serial, version, check = parts
    if not _TYPE_CODE.fullmatch(type_code):
        raise ValidationFailed.on(FIELD, "电子证照标识中的证照类型代码不正确。")
    try:
        validate_uscc(uscc)
    except DjangoValidationError as exc:
        raise ValidationFailed.on(FIELD, "电子证照标识中的颁发机构统一社会信用代码不正确。") from exc
    if not _SERIAL.fullmatch(serial):
        raise ValidationFailed.on(FIELD, "电子证照标识中的流水号不正确。")
    if not _VERSION.fullmatch(version) or int(version) == 0:
        raise ValidationFailed.on(FIELD, "电子证照标识中的版本号不正确。")
    try:
        valid = mod_37_36.calc_check_digit(_body(type_code, uscc, serial, int(version))) == check
    except ValidationError:
        valid = False
    if not valid:
        raise ValidationFailed.on(FIELD, "电子证照标识校验位不正确，请核对后重新输入。")
    return LicenseIdentifier(type_code=type_code, issuer_uscc=uscc, serial=serial, version=int(version))
