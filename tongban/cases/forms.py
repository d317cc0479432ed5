"""Forms of the applicant's pages: they only parse what was typed; the services decide, and their
Chinese messages are put next to the fields they name."""

from dataclasses import dataclass

from django import forms

from tongban.core.errors import DomainError, ValidationFailed
from tongban.licenses.choices import HolderKind
from tongban.licenses.selectors import license_face_rows

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


@dataclass(frozen=True)
class MaterialRow:
    """One material of the apply page: its file input, its license-number input (where the guide accepts a
    license), the wallet choice (where the applicant holds one) and the licenses offered."""

    material: object
    file: object
    license: object
    wallet: object
    offers: list  # [(license, [(label, value)] of what would be shared)]


def _offer_label(license_) -> str:
    """A wallet license as offered: a company's says whose it is (the applicant must be its holder)."""
    issued = f"{license_.issuer.name}颁发"
    if license_.holder_kind == HolderKind.ORGANIZATION:
        issued = f"{license_.holder_name}持有，{issued}"
    return f"{license_.license_type.name} {license_.number}（{issued}）"


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

    def __init__(self, *args, materials=(), principals=(), offered=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.materials = list(materials)
        # 免证明: {material pk: [the applicant's usable licenses of the type the material names]}
        self.offered = {pk: licenses for pk, licenses in (offered or {}).items() if licenses}
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
            if offers := self.offered.get(material.pk):
                self.fields[f"wallet_{material.pk}"] = forms.ChoiceField(
                    label=f"用我的电子证照代替「{material.name}」",
                    required=False,
                    choices=[
                        *[(str(lic.pk), _offer_label(lic)) for lic in offers],
                        ("", "不使用，上传文件"),
                    ],
                    initial=str(offers[0].pk),
                    widget=forms.RadioSelect,
                )
        if self.offered:
            self.fields["share_consent"] = forms.BooleanField(
                label="我已阅读将要共享的证照信息，同意共享给办理单位，仅用于本次申请",
                required=False,
            )

    def material_fields(self):
        for material in self.materials:
            license_field = self[f"license_{material.pk}"] if material.license_type_code else None
            wallet = self[f"wallet_{material.pk}"] if material.pk in self.offered else None
            offers = [(lic, license_face_rows(lic)) for lic in self.offered.get(material.pk, [])]
            yield MaterialRow(material, self[f"material_{material.pk}"], license_field, wallet, offers)

    def wallet_choice(self, material) -> int | None:
        """The license (pk) chosen to stand in for the material, if any."""
        value = self.cleaned_data.get(f"wallet_{material.pk}") if material.pk in self.offered else ""
        return int(value) if value else None

    def clean(self):
        data = super().clean()
        chosen = False
        for material in self.materials:
            wallet = data.get(f"wallet_{material.pk}") if material.pk in self.offered else ""
            chosen = chosen or bool(wallet)
            given = (
                wallet
                or data.get(f"material_{material.pk}")
                or data.get(f"license_{material.pk}", "").strip()
            )
            if material.necessity == "required" and not given:
                how = "上传文件或填写电子证照编号" if material.license_type_code else "上传文件"
                self.add_error(f"material_{material.pk}", f"「{material.name}」是必要材料，请{how}。")
        if chosen and not data.get("share_consent"):
            self.add_error("share_consent", "请同意共享所选电子证照，或改为上传文件。")
        return data
