"""Forms of the staff workbench for cases. They only check the shape of what was typed (a number is a
number, a date a date); the services decide what is allowed and answer in Chinese naming the field."""

from django import forms

from tongban.catalog.models import GuideMaterial

from .models import ProcedureKind, ShipmentPurpose, ShipmentStatus

REMEDIES_DEFAULT = (
    "如对本决定不服，可以自收到本决定之日起六十日内依法申请行政复议，"
    "或者在六个月内依法向人民法院提起行政诉讼。"
)


class InboxSearchForm(forms.Form):
    q = forms.CharField(label="搜索", max_length=100, required=False, strip=True)


class IdentifyForm(forms.Form):
    """身份码, or the ID number with the name as printed on the card."""

    token = forms.CharField(label="身份码", max_length=200, required=False, strip=True)
    id_number = forms.CharField(label="公民身份号码", max_length=18, required=False, strip=True)
    real_name = forms.CharField(label="姓名", max_length=50, required=False, strip=True)

    def clean(self):
        data = super().clean()
        if data.get("token"):
            return data
        if not data.get("id_number") and not data.get("real_name"):
            raise forms.ValidationError("请扫描申请人的身份码，或填写公民身份号码和姓名。")
        if not data.get("id_number"):
            self.add_error("id_number", "请填写公民身份号码。")
        if not data.get("real_name"):
            self.add_error("real_name", "请填写姓名。")
        return data


class ShipmentCreateForm(forms.Form):
    purpose = forms.ChoiceField(
        label="用途", choices=ShipmentPurpose.choices, error_messages={"required": "请选择寄递用途。"}
    )
    carrier = forms.CharField(
        label="寄递企业", max_length=60, error_messages={"required": "请填写寄递企业。"}
    )
    tracking_number = forms.CharField(
        label="运单号", max_length=60, error_messages={"required": "请填写运单号。"}
    )


class ShipmentUpdateForm(forms.Form):
    status = forms.ChoiceField(
        label="寄递状态",
        choices=[c for c in ShipmentStatus.choices if c[0] != ShipmentStatus.CREATED],
        error_messages={"required": "请选择寄递状态。", "invalid_choice": "请选择寄递状态。"},
    )
    text = forms.CharField(label="说明", max_length=200, required=False)


class UploadForm(forms.Form):
    guide_material = forms.TypedChoiceField(
        label="材料", coerce=int, required=False, empty_value=None, choices=()
    )
    name = forms.CharField(label="材料名称（指南未列的材料）", max_length=200, required=False)
    file = forms.FileField(label="扫描件", error_messages={"required": "请选择要上传的文件。"})

    def __init__(self, *args, materials: list[GuideMaterial] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guide_material"].choices = [("", "（指南未列的材料）")] + [
            (m.pk, m.name) for m in materials
        ]


PROCEDURE_CHOICES = ProcedureKind.choices
