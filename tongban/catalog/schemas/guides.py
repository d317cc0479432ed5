"""The guide (办事指南): one frozen version of an implementation with every part of it."""

from datetime import datetime
from typing import Annotated, Any

from django.utils import timezone
from ninja import Field, Schema
from pydantic import AfterValidator

from tongban.catalog.choices import (
    CaseType,
    MaterialForm,
    MaterialSource,
    Necessity,
    ResultType,
    VersionStatus,
)
from tongban.catalog.formdef import FormDefinition, parse_definition
from tongban.regions.schemas import HallRef, OrganizationRef, RegionRef, choice_of

from .items import ItemRef


class LicenseTypeOut(Schema):
    code: str
    name: str


class MaterialOut(Schema):
    position: int
    name: str
    necessity: choice_of(Necessity)
    form: choice_of(MaterialForm)
    copies: int
    source: choice_of(MaterialSource)
    replacing_license: LicenseTypeOut | None = Field(..., description="可替代该材料的电子证照类型")
    blank_form: str
    sample: str
    acceptance_standard: str
    note: str

    @staticmethod
    def resolve_replacing_license(obj) -> dict[str, str] | None:
        if not obj.license_type_code:
            return None
        return {"code": obj.license_type_code, "name": obj.license_type_name}


class StepOut(Schema):
    position: int
    name: str
    stage: int = Field(..., description="阶段；同一阶段的环节并行办理")
    organization: OrganizationRef | None = Field(..., description="办理单位；为空表示实施主体本身")
    actor: str
    time_limit_days: int
    counts_in_limit: bool
    is_special: bool
    description: str


class FeeOut(Schema):
    position: int
    name: str
    standard: str
    basis: str


class LocationOut(Schema):
    position: int
    name: str
    hall: HallRef | None
    address: str
    hours: str
    phone: str


class FAQOut(Schema):
    position: int
    question: str
    answer: str


class ResultOut(Schema):
    name: str
    type: choice_of(ResultType)
    license_type_code: str


# Times go out in the circle's time zone (Asia/Shanghai, +08:00), as people there read them.
LocalTime = Annotated[datetime, AfterValidator(timezone.localtime)]


class VersionOut(Schema):
    """A frozen version of an implementation's guide (办事指南)."""

    code: str
    item: ItemRef
    organization: OrganizationRef
    city: RegionRef
    version: int
    status: choice_of(VersionStatus)
    published_at: LocalTime | None
    change_note: str
    name: str
    conditions: str
    case_type: choice_of(CaseType)
    statutory_days: int
    promised_days: int
    visits: int
    handling_process: str
    consultation_phone: str
    complaint_phone: str
    postal_materials: bool
    postal_results: bool
    result: ResultOut
    form: FormDefinition
    materials: list[MaterialOut]
    steps: list[StepOut]
    fees: list[FeeOut]
    locations: list[LocationOut]
    faqs: list[FAQOut]

    @staticmethod
    def resolve_code(obj) -> str:
        return obj.implementation.code

    @staticmethod
    def resolve_item(obj):
        return obj.implementation.service_item

    @staticmethod
    def resolve_organization(obj):
        return obj.implementation.organization

    @staticmethod
    def resolve_city(obj):
        return obj.implementation.organization.region.city

    @staticmethod
    def resolve_version(obj) -> int:
        return obj.number

    @staticmethod
    def resolve_result(obj) -> dict[str, Any]:
        return {
            "name": obj.result_name,
            "type": obj.result_type,
            "license_type_code": obj.result_license_type_code,
        }

    @staticmethod
    def resolve_form(obj) -> FormDefinition:
        return parse_definition(obj.form_schema)


class VersionSummaryOut(Schema):
    version: int
    status: choice_of(VersionStatus)
    name: str
    published_at: LocalTime | None
    change_note: str

    @staticmethod
    def resolve_version(obj) -> int:
        return obj.number
