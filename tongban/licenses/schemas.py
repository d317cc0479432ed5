"""Schemas of the licenses API. Holder codes are masked; the public verification shows what a verifier of a
paper certificate would read (type, number, issuer, masked holder, validity, status) and nothing more."""

from datetime import date, datetime

from ninja import Field, Schema

from tongban.core.masking import mask_id_number
from tongban.identity.selectors.codes import mask_name
from tongban.regions.schemas import choice_of

from .choices import HolderCodeType, LicenseLevel, LicenseOperation, LicenseStatus
from .models import License


class LicenseSummaryOut(Schema):
    identifier: str = Field(description="电子证照标识（GB/T 36904）")
    type_name: str = Field(description="证照类型")
    number: str = Field(description="证照编号")
    issuer: str = Field(description="颁发机构")
    issued_on: date
    valid_until: date | None = Field(description="有效期截止（空为长期）")
    status: choice_of(LicenseStatus)

    @staticmethod
    def resolve_type_name(obj: License) -> str:
        return obj.license_type.name

    @staticmethod
    def resolve_issuer(obj: License) -> str:
        return obj.issuer.name


class LicenseOut(LicenseSummaryOut):
    holder_name: str
    holder_code: str = Field(description="持证主体代码（公民身份号码已脱敏）")
    valid_from: date
    jurisdiction: str
    level: choice_of(LicenseLevel)
    face_data: dict
    previous: str | None = Field(description="上一版本的证照标识")
    signature_valid: bool = Field(description="签名验证是否通过")

    @staticmethod
    def resolve_holder_code(obj: License) -> str:
        return (
            mask_id_number(obj.holder_code)
            if obj.holder_code_type == HolderCodeType.ID_NUMBER
            else obj.holder_code
        )

    @staticmethod
    def resolve_jurisdiction(obj: License) -> str:
        return obj.jurisdiction.name

    @staticmethod
    def resolve_previous(obj: License) -> str | None:
        return obj.previous.identifier if obj.previous_id else None

    @staticmethod
    def resolve_signature_valid(obj: License) -> bool:
        from .selectors import license_verify

        return license_verify(obj).verdict != "tampered"


class EventOut(Schema):
    operation: choice_of(LicenseOperation)
    from_status: str
    to_status: choice_of(LicenseStatus)
    actor_label: str
    reason: str
    at: datetime


class VerificationOut(Schema):
    identifier: str
    verdict: str = Field(description="valid、tampered、unknown_issuer、not_valid")
    message: str = Field(description="验证结论")
    type_name: str
    number: str
    issuer: str
    holder_name: str = Field(description="持证主体（个人姓名已脱敏）")
    valid_until: date | None
    status: choice_of(LicenseStatus)


def verification_out(license_: License, result) -> dict:
    holder = (
        mask_name(license_.holder_name)
        if license_.holder_code_type == HolderCodeType.ID_NUMBER
        else license_.holder_name
    )
    return {
        "identifier": license_.identifier,
        "verdict": result.verdict.value,
        "message": result.message,
        "type_name": license_.license_type.name,
        "number": license_.number,
        "issuer": license_.issuer.name,
        "holder_name": holder,
        "valid_until": license_.valid_until,
        "status": license_.status,
    }
