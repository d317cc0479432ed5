"""Forms of the issuing workbench. They check the shape of what was typed (a date is a date, a choice one
of those offered); license_issue and its neighbours decide the rest and name the field, and
`service_errors` puts their messages beside the fields of these forms.

A license type's face fields (LicenseType.face_fields) become fields named `face_<key>`; a face field's
absence is the service's to report (with the label the type gives it), so the form itself requires none.
"""

from django import forms

from tongban.core.errors import DomainError

from .choices import FaceFieldType, HolderKind, LicenseLevel, LicenseOperation, LicenseStatus
from .models import LicenseType

FACE_PREFIX = "face_"
DATE_HINT = "请输入日期，如 2026-01-31。"
# Field names of the services and the API → the form's.
SERVICE_FIELDS = {"holder": "holder_code", "issuer_id": "issuer", "type_code": "license_type"}


def _date_field(label: str, *, required: bool, help_text: str = "") -> forms.DateField:
    messages = {"invalid": f"{label}：{DATE_HINT}", "required": f"请填写{label}。"}
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        error_messages=messages,
        widget=forms.DateInput(attrs={"type": "date", "class": "wb-date"}, format="%Y-%m-%d"),
    )


def _face_field(spec: dict) -> forms.Field:
    label = spec["label"] if spec.get("required", True) else f"{spec['label']}（选填）"
    attrs: dict = {"maxlength": 500}
    if spec.get("type") == FaceFieldType.DATE:
        attrs = {"type": "date", "class": "wb-date"}
    elif spec.get("type") == FaceFieldType.NUMBER:
        attrs |= {"inputmode": "decimal", "class": "wb-short"}
    return forms.CharField(label=label, required=False, widget=forms.TextInput(attrs=attrs))


class LicenseContentForm(forms.Form):
    """What a license carries besides its type and holder: number, validity, level and face data."""

    number = forms.CharField(label="证照编号", max_length=100, required=False)
    valid_from = _date_field("有效期起始日期", required=True)
    valid_until = _date_field("有效期截止日期", required=False, help_text="长期有效的证照留空。")
    level = forms.ChoiceField(
        label="证照级别",
        choices=LicenseLevel.choices,
        initial=LicenseLevel.A,
        error_messages={"required": "请选择证照级别。", "invalid_choice": "请选择证照级别。"},
    )

    def __init__(self, *args, license_type: LicenseType, **kwargs):
        super().__init__(*args, **kwargs)
        self.license_type = license_type
        for spec in license_type.face_fields:
            self.fields[FACE_PREFIX + spec["key"]] = _face_field(spec)

    def face_bound_fields(self) -> list:
        return [self[name] for name in self.fields if name.startswith(FACE_PREFIX)]

    def face_data(self) -> dict[str, str]:
        return {
            name.removeprefix(FACE_PREFIX): value
            for name, value in self.cleaned_data.items()
            if name.startswith(FACE_PREFIX) and value
        }


class IssueForm(LicenseContentForm):
    """新发: the issuing organization (one of the staff member's), the type and the holder's code."""

    issuer = forms.TypedChoiceField(
        label="颁发机构",
        coerce=int,
        error_messages={"required": "请选择颁发机构。", "invalid_choice": "请选择您所在的颁发机构。"},
    )
    holder_code = forms.CharField(label="持证主体代码", max_length=30, required=False)

    field_order = ["issuer", "holder_code", "number", "valid_from", "valid_until", "level"]

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].choices = [(org.pk, org.name) for org in organizations]
        self.organizations = {org.pk: org for org in organizations}
        self.fields["holder_code"].help_text = (
            "自然人填写公民身份号码"
            if self.license_type.holder_kind == HolderKind.PERSON
            else "填写统一社会信用代码"
        ) + "；持证人须已在平台注册。"


class NewVersionForm(LicenseContentForm):
    """变更 (the face data or number changes) or 延续 (a new validity): a new version, signed anew."""

    kind = forms.ChoiceField(
        label="办理类型",
        choices=[(LicenseOperation.CHANGE, "变更"), (LicenseOperation.RENEW, "延续")],
        widget=forms.RadioSelect,
        error_messages={"required": "请选择变更或延续。", "invalid_choice": "请选择变更或延续。"},
    )

    field_order = ["kind", "number", "valid_from", "valid_until", "level"]


class IssuedSearchForm(forms.Form):
    q = forms.CharField(label="搜索", max_length=100, required=False, strip=True)
    status = forms.ChoiceField(
        label="状态", choices=[("", "全部状态"), *LicenseStatus.choices], required=False
    )


def service_errors(form: forms.Form, exc: DomainError) -> None:
    """The service's field errors beside the form's fields (face_data.<key> → face_<key>); the rest
    above the form."""
    for error in exc.errors or []:
        name = SERVICE_FIELDS.get(error.field, error.field)
        if name.startswith("face_data."):
            name = FACE_PREFIX + name.removeprefix("face_data.")
        form.add_error(name if name in form.fields else None, error.message)
    if not exc.errors:
        form.add_error(None, exc.message)
