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


class MaterialsForm(Described):
    """One file input per material of the guide version (and an electronic license number where the
    guide accepts one), and the Idempotency-Key made when the page was first shown."""

    idempotency_key = forms.CharField(
        label="申请页面",
        widget=forms.HiddenInput,
        max_length=100,
        error_messages={
            "required": "页面已过期，请刷新后重新填写。",
            "max_length": "页面已过期，请刷新后重新填写。",
        },
    )
    on_behalf = forms.ChoiceField(label="申请人", required=False)

    def __init__(self, *args, materials=(), principals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.materials = list(materials)
        if principals:
            self.fields["on_behalf"].choices = [("", "本人"), *principals]
        else:
            del self.fields["on_behalf"]
        for material in self.materials:
            hint = "PDF、JPG或PNG格式，不超过20MB。"
            self.fields[f"material_{material.pk}"] = forms.FileField(
                label=material.name,
                required=False,
                help_text=f"{material.get_necessity_display()}。{hint}",
                error_messages={"empty": "上传的文件是空的。"},
            )
            if material.license_type_code:
                self.fields[f"license_{material.pk}"] = forms.CharField(
                    label=f"或填写{material.license_type_name or '电子证照'}编号",
                    required=False,
                    max_length=100,
                    error_messages={"max_length": "电子证照编号不能超过100个字符。"},
                )

    def material_fields(self):
        for material in self.materials:
            license_field = self[f"license_{material.pk}"] if material.license_type_code else None
            yield material, self[f"material_{material.pk}"], license_field

    def clean(self):
        data = super().clean()
        for material in self.materials:
            given = data.get(f"material_{material.pk}") or data.get(f"license_{material.pk}", "").strip()
            if material.necessity == "required" and not given:
                how = "上传文件或填写电子证照编号" if material.license_type_code else "上传文件"
                self.add_error(f"material_{material.pk}", f"「{material.name}」是必要材料，请{how}。")
        return data
