"""Forms of the applicant's pages: they only parse what was typed; the services decide, and their
Chinese messages are put next to the fields they name."""

from django import forms

from tongban.core.errors import DomainError, ValidationFailed

from .numbers import case_number_normalize


class Described(forms.Form):
    """Ties each field's error to the field for screen readers, and maps a service's field errors."""

    def _post_clean(self):
        super()._post_clean()
        self.describe_errors()

    def add_domain_error(self, error: DomainError, *, prefix: str = "") -> None:
        if not error.errors:
            self.add_error(None, error.message)
        for field_error in error.errors:
            name = field_error.field.removeprefix(prefix)
            self.add_error(name if name in self.fields else None, field_error.message)
        self.describe_errors()

    def describe_errors(self) -> None:
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}-error"
                widget.attrs["aria-invalid"] = "true"


class MaterialUploadForm(Described):
    guide_material = forms.TypedChoiceField(
        label="材料",
        coerce=int,
        error_messages={"required": "请选择材料。", "invalid_choice": "请选择材料。"},
    )
    file = forms.FileField(
        label="文件",
        help_text="PDF、JPG或PNG格式，不超过20MB。",
        error_messages={"required": "请选择要上传的文件。", "empty": "上传的文件是空的。"},
    )

    def __init__(self, *args, materials=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guide_material"].choices = [(m.pk, m.name) for m in materials]


class LookupForm(Described):
    number = forms.CharField(
        label="办件编号",
        max_length=40,
        help_text="16位数字，见收件告知单。",
        error_messages={"required": "请填写办件编号。"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}),
    )
    phone = forms.RegexField(
        label="申请人手机号码",
        regex=r"^1[3-9]\d{9}$",
        error_messages={"required": "请填写申请人手机号码。", "invalid": "请填写11位手机号码。"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def clean_number(self) -> str:
        try:
            return case_number_normalize(self.cleaned_data["number"])
        except ValidationFailed as error:
            raise forms.ValidationError(error.errors[0].message if error.errors else error.message) from None
