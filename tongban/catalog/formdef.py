"""The application form definition each implementation version carries (申请表单).

A definition is JSON with a format version ("schema": 1) and a list of fields. It is validated when a
version is published, turned into a Django form for the portal and the window, and used to validate
submitted data with Chinese messages naming the field. Kept as data so a department can change its form
without a release, and versioned with the guide so a case keeps the form it was filled in with.
"""

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from django import forms
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from stdnum.cn import ric

from tongban.core.identifiers import validate_uscc
from tongban.core.validation_messages import pydantic_message

FORMAT_VERSION = 1
FieldType = Literal[
    "text",
    "textarea",
    "integer",
    "decimal",
    "date",
    "choice",
    "multichoice",
    "boolean",
    "id_number",
    "uscc",
    "phone",
    "email",
]
TYPE_LABELS = {
    "text": "单行文本",
    "textarea": "多行文本",
    "integer": "整数",
    "decimal": "数值",
    "date": "日期",
    "choice": "单选",
    "multichoice": "多选",
    "boolean": "是/否",
    "id_number": "身份证号码",
    "uscc": "统一社会信用代码",
    "phone": "手机号码",
    "email": "电子邮箱",
}
MOBILE = re.compile(r"^1[3-9]\d{9}$")
KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class Option(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: Annotated[str, Field(min_length=1, max_length=60)]
    label: Annotated[str, Field(min_length=1, max_length=100)]


class FormField(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: str
    label: Annotated[str, Field(min_length=1, max_length=60)]
    type: FieldType
    required: bool = True
    help_text: str = ""
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    pattern_message: str = ""
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    options: list[Option] = []

    @field_validator("key")
    @classmethod
    def _key_is_an_identifier(cls, value: str) -> str:
        if not KEY.match(value):
            raise ValueError(f"字段标识“{value}”只能由小写字母、数字和下划线组成，以字母开头，最长40个字符")
        return value

    @field_validator("pattern")
    @classmethod
    def _pattern_compiles(cls, value: str | None) -> str | None:
        if value is not None:
            re.compile(value)
        return value

    @model_validator(mode="after")
    def _options_for_choices(self) -> "FormField":
        if self.type in ("choice", "multichoice") and not self.options:
            raise ValueError(f"字段“{self.label}”为选择类型，必须提供选项")
        return self


class FormDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid")
    schema_: Annotated[Literal[1], Field(alias="schema")] = FORMAT_VERSION
    fields: list[FormField] = []

    @model_validator(mode="after")
    def _unique_keys(self) -> "FormDefinition":
        keys = [f.key for f in self.fields]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise ValueError(f"字段标识重复：{'、'.join(duplicates)}")
        return self


class FormDefinitionError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def parse_definition(raw: dict[str, Any] | None) -> FormDefinition:
    """Validate a stored definition; an empty dict means a form with no fields."""
    try:
        return FormDefinition.model_validate(raw or {"schema": FORMAT_VERSION, "fields": []})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        place = f"（{where}）" if where else ""
        raise FormDefinitionError(f"申请表单定义有误{place}：{pydantic_message(first)}。") from None


def _id_number(value: str) -> None:
    try:
        ric.validate(value)
    except Exception:  # stdnum raises several error classes (and KeyError on unknown counties)
        raise forms.ValidationError("身份证号码不正确，请核对。") from None


def _mobile(value: str) -> None:
    if not MOBILE.match(value):
        raise forms.ValidationError("手机号码应为11位数字，以1开头。")


def _form_field(spec: FormField) -> forms.Field:
    common: dict[str, Any] = {"label": spec.label, "required": spec.required, "help_text": spec.help_text}
    text_limits = {"min_length": spec.min_length, "max_length": spec.max_length}
    match spec.type:
        case "text" | "textarea":
            field = forms.CharField(
                widget=forms.Textarea if spec.type == "textarea" else None, **text_limits, **common
            )
        case "integer":
            field = forms.IntegerField(min_value=spec.min_value, max_value=spec.max_value, **common)
        case "decimal":
            field = forms.DecimalField(min_value=spec.min_value, max_value=spec.max_value, **common)
        case "date":
            field = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
        case "choice":
            field = forms.ChoiceField(choices=[(o.value, o.label) for o in spec.options], **common)
        case "multichoice":
            field = forms.MultipleChoiceField(
                choices=[(o.value, o.label) for o in spec.options],
                widget=forms.CheckboxSelectMultiple,
                **common,
            )
        case "boolean":
            field = forms.BooleanField(**common)
        case "id_number":
            field = forms.CharField(max_length=18, validators=[_id_number], **common)
        case "uscc":
            field = forms.CharField(max_length=18, validators=[validate_uscc], **common)
        case "phone":
            field = forms.CharField(max_length=11, validators=[_mobile], **common)
        case "email":
            field = forms.EmailField(**common)
    if spec.pattern:
        message = spec.pattern_message or f"{spec.label}格式不正确。"
        field.validators.append(_pattern_validator(spec.pattern, message))
    return field


def _pattern_validator(pattern: str, message: str):
    compiled = re.compile(pattern)

    def check(value: Any) -> None:
        if value not in (None, "") and not compiled.fullmatch(str(value)):
            raise forms.ValidationError(message)

    return check


def build_form_class(definition: FormDefinition) -> type[forms.Form]:
    """A Django form for the definition; Django's own messages are Chinese under zh-hans."""
    attrs = {spec.key: _form_field(spec) for spec in definition.fields}
    return type("ApplicationForm", (forms.Form,), attrs)


def validate_submission(
    definition: FormDefinition, data: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """(cleaned data as JSON-ready values, {field label: first message}) for submitted data."""
    form = build_form_class(definition)(data=data)
    if form.is_valid():
        return {k: _jsonable(v) for k, v in form.cleaned_data.items()}, {}
    labels = {spec.key: spec.label for spec in definition.fields}
    return {}, {labels.get(key, key): errors[0] for key, errors in form.errors.items()}


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
