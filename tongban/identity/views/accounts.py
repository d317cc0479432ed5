"""Account pages: registration, login and logout (portal and workbench), passwords, my account and a
company's operators. Thin: forms collect, services write, selectors read; rate limits answer 429."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from tongban.core.errors import ValidationFailed

from ..access import AccessDenied, actor_from_request
from ..choices import AccountKind
from ..forms import (
    CompanyRegistrationForm,
    LoginForm,
    OperatorAddForm,
    PasswordChangeForm,
    PasswordResetForm,
    PersonRegistrationForm,
    SetPasswordForm,
    WorkbenchLoginForm,
)
from ..models import Company
from ..selectors.accounts import account_overview, company_facts, company_operator_get
from ..services.accounts import (
    company_operator_add,
    company_operator_revoke,
    company_register,
    company_registration_check,
    person_register,
    person_registration_check,
)
from .errors import rate_limited


def limited(*limits, group: str):
    """Answer 429 (errors.rate_limited) when a POST passes any of the (key, rate) limits. Every limit
    counts every attempt, so that none can be used up while another one blocks."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            passed = [
                is_ratelimited(request, group=group, key=key, rate=rate, method="POST", increment=True)
                for key, rate in limits
            ]
            if any(passed):
                return rate_limited(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def submitted_email(group: str, request: HttpRequest) -> str:
    """The address a reset was asked for, compared without case (the limiter stores only a hash)."""
    return request.POST.get("email", "").strip().lower()


def optional_url(name: str) -> str | None:
    """The address of a page another part may not have built yet."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def home_url(user) -> str:
    """Where a user lands after logging in: staff at the workbench, everyone else at my account."""
    if user.kind == AccountKind.STAFF:
        return optional_url("identity:workbench") or reverse("identity:account")
    return reverse("identity:account")


# --- Login and logout -----------------------------------------------------------------------------


@method_decorator(limited(("ip", "30/m"), group="login"), name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "identity/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return home_url(self.request.user)


class WorkbenchLoginView(LoginView):
    template_name = "identity/workbench_login.html"
    form_class = WorkbenchLoginForm


# --- Registration --------------------------------------------------------------------------------


def register(request: HttpRequest) -> HttpResponse:
    return render(request, "identity/register.html")


def _register(request: HttpRequest, form_class, check, service, template: str) -> HttpResponse:
    form = form_class(request.POST if request.method == "POST" else None)
    if form.is_bound and not form.is_valid():
        # Check the rest too, so that every problem shows at once, not the service's after the form's.
        try:
            check(**form.service_kwargs())
        except ValidationFailed as exc:
            form.add_domain_error(exc, besides_own=True)
    elif form.is_bound:
        try:
            user = service(**form.service_kwargs(), by=actor_from_request(request))
        except ValidationFailed as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"注册成功。请使用用户名 {user.get_username()} 登录。")
            return redirect("identity:login")
    return render(request, template, {"form": form})


@limited(("ip", "10/h"), group="register")
def register_person(request: HttpRequest) -> HttpResponse:
    return _register(
        request,
        PersonRegistrationForm,
        person_registration_check,
        person_register,
        "identity/register_person.html",
    )


@limited(("ip", "10/h"), group="register")
def register_company(request: HttpRequest) -> HttpResponse:
    return _register(
        request,
        CompanyRegistrationForm,
        company_registration_check,
        company_register,
        "identity/register_company.html",
    )


# --- My account ---------------------------------------------------------------------------------------


@login_required
def account(request: HttpRequest) -> HttpResponse:
    overview = account_overview(actor=actor_from_request(request))
    links = {
        "mandates": optional_url("identity:mandates"),
        "code": optional_url("identity:code"),
        "workbench": optional_url("identity:workbench") if overview.staff_roles else None,
    }
    return render(request, "identity/account.html", {"account": overview, "links": links})


def _own_company(request: HttpRequest) -> Company:
    company = Company.objects.filter(user=request.user).first()
    if company is None:
        raise AccessDenied("company.manage_operators")
    return company


@login_required
@limited(("user", "30/h"), group="operators")
def operators(request: HttpRequest) -> HttpResponse:
    company, actor = _own_company(request), actor_from_request(request)
    form = OperatorAddForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            operator = company_operator_add(company=company, **form.cleaned_data, by=actor)
        except ValidationFailed as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已将{operator.person.real_name}添加为经办人。")
            return redirect("identity:operators")
    facts = company_facts(actor=actor, company=company)
    return render(request, "identity/operators.html", {"company": facts, "form": form})


@require_POST
@login_required
def operator_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    company, actor = _own_company(request), actor_from_request(request)
    operator = company_operator_get(actor=actor, company=company, pk=pk)
    try:
        operator = company_operator_revoke(operator=operator, by=actor)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已撤销{operator.person.real_name}的经办人授权。")
    return redirect("identity:operators")


# --- Passwords ------------------------------------------------------------------------------------------


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "identity/password_change_form.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("identity:password_change_done")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "actor": actor_from_request(self.request)}


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "identity/password_change_done.html"


@method_decorator(limited(("ip", "10/h"), (submitted_email, "5/h"), group="password_reset"), name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    """Answers the same whether or not an account has the address: the form always goes on to "sent"."""

    template_name = "identity/password_reset_form.html"
    form_class = PasswordResetForm
    email_template_name = "identity/password_reset_email.txt"
    subject_template_name = "identity/password_reset_subject.txt"
    success_url = reverse_lazy("identity:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "identity/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "identity/password_reset_confirm.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("identity:password_reset_complete")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "actor": actor_from_request(self.request)}


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "identity/password_reset_complete.html"


urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("workbench/login/", WorkbenchLoginView.as_view(), name="workbench_login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("register/", register, name="register"),
    path("register/person/", register_person, name="register_person"),
    path("register/company/", register_company, name="register_company"),
    path("account/", account, name="account"),
    path("account/operators/", operators, name="operators"),
    path("account/operators/<int:pk>/revoke/", operator_revoke, name="operator_revoke"),
    path("account/password/", PasswordChangeView.as_view(), name="password_change"),
    path("account/password/done/", PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password-reset/", PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password-reset/complete/", PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
