"""The board's public forms: asking a question, the list's filters, the asker's rating.

They only parse what was typed (and check the captcha); the services decide, and their Chinese messages
come back next to the fields they name.
"""

from captcha.fields import CaptchaField, CaptchaTextInput
from django import forms
from django.urls import reverse_lazy

from tongban.catalog.choices import Theme
from tongban.identity.forms import Accessible

from .selectors import BoardShow
from .services_ask import CONTACT_MAX, NAME_MAX, TEXT_MAX

CONTACT_HINT = "仅用于工作人员联系您，不会公开。"
NAME_HINT = (
    "将显示在公开的提问中（不想显示的，请勾选下面的“匿名提问”）。请不要填写电话号码、身份证号等个人信息。"
)
TEXT_HINT = "请写明您想咨询的事项和所在城市。审核通过后公开；其中的电话、证件号码等会被遮盖。"


class CaptchaInput(CaptchaTextInput):
    """The captcha image with a Chinese description and a button for another image (htmx)."""

    template_name = "consult/captcha_widget.html"


class Labelled(Accessible):
    """Every field's message names the field, the fields' own checks too (验证码：…, 问题内容：…)."""

    def _post_clean(self):
        super()._post_clean()
        for name, errors in (self._errors or {}).items():
            if name in self.fields:
                label = str(self.fields[name].label)
                errors[:] = [e if e.startswith(label) else f"{label}：{e}" for e in errors]
        self._describe()


class AskForm(Labelled, forms.Form):
    name = forms.CharField(
        label="称呼",
        max_length=NAME_MAX,
        help_text=NAME_HINT,
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    anonymous = forms.BooleanField(label="匿名提问（公开时显示为“匿名网友”）", required=False)
    text = forms.CharField(
        label="问题内容",
        max_length=TEXT_MAX,
        help_text=TEXT_HINT,
        # While typing, matching service items and answered questions are suggested (one request a pause).
        widget=forms.Textarea(
            attrs={
                "rows": 6,
                "maxlength": str(TEXT_MAX),
                "aria-controls": "suggestions",
                "hx-get": reverse_lazy("consult:suggest"),
                "hx-trigger": "input changed delay:400ms",
                "hx-target": "#suggestions",
                "hx-include": "this",
                "hx-sync": "this:replace",
            }
        ),
    )
    contact = forms.CharField(
        label="联系方式",
        required=False,
        max_length=CONTACT_MAX,
        help_text=CONTACT_HINT,
        widget=forms.TextInput(attrs={"autocomplete": "tel"}),
    )
    topic = forms.ChoiceField(label="主题", required=False, choices=[("", "不选"), *Theme.choices])
    captcha = CaptchaField(
        label="验证码",
        help_text="请输入图片中的4个字符，不区分大小写。",
        widget=CaptchaInput(),
        error_messages={"invalid": "输入的字符不正确或已过期，请输入新图片中的字符。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name = self.fields["name"]
        name.error_messages["required"] = "称呼：请填写称呼，或勾选“匿名提问”。"
        anonymous = self.fields["anonymous"].widget.value_from_datadict(self.data, self.files, "anonymous")
        name.required = not (self.is_bound and anonymous)

    def ask_kwargs(self) -> dict:
        """question_ask's arguments from the cleaned form."""
        data = self.cleaned_data
        return {
            "text": data["text"],
            "name": "" if data["anonymous"] else data["name"],
            "anonymous": data["anonymous"],
            "contact": data["contact"],
            "topic": data["topic"],
        }


class BoardForm(forms.Form):
    """The list's query string: every field optional; an invalid value is ignored."""

    q = forms.CharField(label="关键词", required=False, max_length=50, strip=True)
    show = forms.ChoiceField(label="显示", required=False, choices=BoardShow.CHOICES)
    department = forms.TypedChoiceField(label="答复部门", required=False, coerce=int, empty_value=None)
    topic = forms.ChoiceField(label="主题", required=False, choices=[("", "全部主题"), *Theme.choices])

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", "全部部门"), *((d.pk, d.name) for d in departments)]
        self.fields["q"].widget = forms.TextInput(
            attrs={"type": "search", "placeholder": "如：社保卡、公积金、入学", "maxlength": "50"}
        )

    def board_args(self) -> dict:
        data = getattr(self, "cleaned_data", {})
        return {
            "query": data.get("q") or "",
            "show": data.get("show") or BoardShow.ANSWERED,
            "department_id": data.get("department"),
            "topic": data.get("topic") or "",
        }


class RatingForm(Labelled, forms.Form):
    rating = forms.TypedChoiceField(
        label="评价",
        coerce=int,
        choices=[
            (5, "5分 非常满意"),
            (4, "4分 满意"),
            (3, "3分 基本满意"),
            (2, "2分 不满意"),
            (1, "1分 非常不满意"),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="评价意见",
        required=False,
        max_length=500,
        help_text="最多500字。仅工作人员可见，不会公开。",
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": "500"}),
    )
