"""The account forms: registration, login, passwords, a company's operators.

Forms only collect and shape input; the services check it (every field at once) and their
ValidationFailed comes back onto the form with `add_domain_error`. Every message names its field and is
tied to it for screen readers (aria-describedby, aria-invalid); passwords are never sent back.
"""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError

from tongban.core.errors import DomainError

from .choices import AccountKind
from .selectors.accounts import login_username
from .services.accounts import password_change, password_reset_complete

STRENGTH_HINT = "至少8个字符，不能全是数字，不能是常见密码，也不能与用户名、邮箱相近。"
EMAIL_HINT = "选填，仅用于找回密码。不填写的，忘记密码时需携带居民身份证到政务服务大厅窗口重置。"


class Accessible:
    """Mixin: labelled messages, and each field's hint and error tied to it (WCAG 1.3.1, 3.3.1)."""

    # A service reports some fields under its own name (password → password1).
    service_fields: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            label = str(field.label)
            field.error_messages["required"] = f"{label}：请填写{label}。"
        self._describe()

    def add_error(self, field, error):
        if field is not None and field in self.fields:
            label = str(self.fields[field].label)
            messages = (
                error.messages if isinstance(error, ValidationError) else ValidationError(error).messages
            )
            error = ValidationError([m if m.startswith(label) else f"{label}：{m}" for m in messages])
        super().add_error(field, error)
        self._describe()

    def add_domain_error(self, exc: DomainError, *, besides_own: bool = False) -> None:
        """Put a service's errors next to the fields they name; others above the form. With besides_own,
        a field the form itself already found wrong keeps just the form's message."""
        if not exc.errors:
            self.add_error(None, exc.message)
        for error in exc.errors:
            name = self.service_fields.get(error.field, error.field)
            name = name if name in self.fields else None
            if not (besides_own and name in (self._errors or {})):
                self.add_error(name, error.message)

    def _describe(self) -> None:
        errors = self._errors or {}
        for name, field in self.fields.items():
            # The id BoundField.auto_id gives; self[name] would cache a BoundField before labels are final.
            html_name = self.add_prefix(name)
            auto_id = self.auto_id % html_name if "%s" in str(self.auto_id) else html_name
            described_by = []
            if field.help_text:
                described_by.append(f"{auto_id}-hint")
            if name in errors:
                described_by.append(f"{auto_id}-error")
                field.widget.attrs["aria-invalid"] = "true"
            else:
                field.widget.attrs.pop("aria-invalid", None)
            if described_by:
                field.widget.attrs["aria-describedby"] = " ".join(described_by)
            else:
                field.widget.attrs.pop("aria-describedby", None)


def _id_number(label: str = "公民身份号码") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=30,
        help_text="18位，最后一位可能是X。",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


def _password(label: str, autocomplete: str = "new-password", hint: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        help_text=hint,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


class _Registration(Accessible, forms.Form):
    service_fields = {"password": "password1"}

    username = forms.CharField(
        label="用户名",
        max_length=30,
        help_text="4—30个字符，以英文字母开头，可用英文字母、数字、下划线、点和短横线。",
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    email = forms.CharField(
        label="电子邮箱",
        required=False,
        max_length=254,
        help_text=EMAIL_HINT,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = _password("密码", hint=STRENGTH_HINT)
    password2 = _password("确认密码")

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", "两次输入的密码不一致。")
        return data

    def service_kwargs(self) -> dict:
        """The service's arguments: cleaned when the form is valid, as submitted otherwise (to check them)."""
        data = (
            self.cleaned_data if not self.errors else {name: self.data.get(name, "") for name in self.fields}
        )
        kwargs = {
            name: data.get(name) or "" for name in self.fields if name not in ("password1", "password2")
        }
        return {**kwargs, "password": data.get("password1") or ""}


class PersonRegistrationForm(_Registration):
    field_order = ["real_name", "id_number", "phone", "username", "email", "password1", "password2"]

    real_name = forms.CharField(
        label="姓名",
        max_length=50,
        help_text="与居民身份证上的姓名一致。",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    id_number = _id_number()
    phone = forms.CharField(
        label="手机号码",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel"}),
    )


class CompanyRegistrationForm(_Registration):
    field_order = [
        "name",
        "uscc",
        "legal_representative",
        "legal_representative_id_number",
        "phone",
        "username",
        "email",
        "password1",
        "password2",
    ]

    name = forms.CharField(
        label="单位名称",
        max_length=200,
        help_text="与营业执照（登记证书）上的名称一致。",
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    uscc = forms.CharField(
        label="统一社会信用代码",
        max_length=30,
        help_text="18位，见营业执照。",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    legal_representative = forms.CharField(
        label="法定代表人姓名", max_length=50, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    legal_representative_id_number = _id_number("法定代表人公民身份号码")
    phone = forms.CharField(
        label="联系电话",
        max_length=20,
        help_text="手机号码，或带区号的固定电话。",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )


class LoginForm(Accessible, auth_forms.AuthenticationForm):
    """Log in with the user name or the 18-digit resident ID number."""

    error_messages = {
        "invalid_login": "用户名（或公民身份号码）或密码不正确。请注意密码区分大小写。",
        "inactive": "该账号已停用。如有疑问，请拨打政务服务便民热线 12345。",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "用户名或公民身份号码"
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "spellcheck": "false"})
        self.fields["password"].label = "密码"
        self.fields["username"].error_messages["required"] = "用户名或公民身份号码：请填写。"
        self.fields["password"].error_messages["required"] = "密码：请填写密码。"

    def clean(self):
        entered = self.cleaned_data.get("username")
        if entered:
            if self.request is not None:
                self.request.tongban_login_entered = entered  # for the audit entry of a failure
            self.cleaned_data["username"] = login_username(entered)
        return super().clean()


class WorkbenchLoginForm(LoginForm):
    """The staff door: only staff accounts come in here."""

    error_messages = {
        **LoginForm.error_messages,
        "not_staff": "此入口仅供工作人员登录。群众和企业请从首页的“登录”进入。",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["username"].error_messages["required"] = "用户名：请填写用户名。"

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.kind != AccountKind.STAFF:
            raise ValidationError(self.error_messages["not_staff"], code="not_staff")


class PasswordChangeForm(Accessible, auth_forms.PasswordChangeForm):
    def __init__(self, user, *args, actor, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.actor = actor
        self.fields["new_password1"].help_text = STRENGTH_HINT
        self._describe()

    def save(self, commit=True):
        return password_change(user=self.user, password=self.cleaned_data["new_password1"], by=self.actor)


class PasswordResetForm(Accessible, auth_forms.PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "电子邮箱"
        self.fields["email"].help_text = "注册时填写的电子邮箱。"
        self.fields["email"].error_messages["required"] = "电子邮箱：请填写电子邮箱。"
        self.fields["email"].error_messages["invalid"] = "电子邮箱：格式不正确，例如 zhangsan@example.com。"
        self._describe()


class SetPasswordForm(Accessible, auth_forms.SetPasswordForm):
    def __init__(self, user, *args, actor, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.actor = actor
        self.fields["new_password1"].help_text = STRENGTH_HINT
        self._describe()

    def save(self, commit=True):
        return password_reset_complete(
            user=self.user, password=self.cleaned_data["new_password1"], by=self.actor
        )


class OperatorAddForm(Accessible, forms.Form):
    """The person to authorize: a registered citizen, named exactly as on their ID card."""

    real_name = forms.CharField(
        label="姓名", max_length=50, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    id_number = _id_number()
