"""Back office for accounts, staff roles and API tokens (platform administrators only, by the rules
staff_role.manage and api_token.manage).

Every write goes through the identity services: a staff account is created by staff_account_create, a
role granted by staff_role_grant and ended by staff_role_revoke — a role is never changed or deleted,
only revoked, so who held what and when stays on record (even Django's delete, if reached, revokes).
A token is created by api_token_create and shown once on the page that answers the form, never stored
or sent anywhere else; it is revoked, never deleted, and its hash is never shown or changed.

Personal data is never shown in clear here: a person's ID and phone numbers and a legal
representative's ID number appear masked, and encrypted fields are not searchable; an exact ID or
mobile number typed into the account search is found through its blind index (and the search is
recorded in the audit log).
"""

import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from stdnum.cn import ric

from tongban.core.audit import audit_record
from tongban.core.choices import Channel
from tongban.core.errors import DomainError, FieldError
from tongban.core.masking import mask_id_number, mask_phone
from tongban.regions.models import Organization

from . import access
from .access import Actor, actor_from_request
from .choices import AccountKind, Role, TokenScope
from .models import ApiToken, Company, Person, StaffRole, User, id_number_index, phone_index
from .services.staff import (
    staff_account_create,
    staff_account_problems,
    staff_role_grant,
    staff_role_problems,
    staff_role_revoke,
)
from .services.tokens import api_token_create, api_token_problems, api_token_revoke

MOBILE = re.compile(r"1[3-9]\d{9}")


def admin_actor(request) -> Actor:
    return actor_from_request(request, channel=Channel.ADMIN)


def add_errors(form: forms.Form, errors: list[FieldError]) -> None:
    for error in errors:
        form.add_error(error.field if error.field in form.fields else None, error.message)


class RuleGated:
    """A page reached by one rule (`manage_action`) instead of Django's model permissions. Rows are
    added through a service and never edited in place nor deleted."""

    manage_action: str

    def _may(self, request) -> bool:
        return access.check(admin_actor(request), self.manage_action)

    def has_module_permission(self, request) -> bool:
        return self._may(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._may(request)

    def has_add_permission(self, request, *args) -> bool:
        return self._may(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


# --- Accounts ----------------------------------------------------------------------------------------


class PersonInline(ReadOnlyInline):
    model = Person
    fields = ["real_name", "masked_id_number", "masked_phone", "verification", "created_at"]
    readonly_fields = fields

    @admin.display(description="公民身份号码")
    def masked_id_number(self, obj: Person) -> str:
        return mask_id_number(obj.id_number)

    @admin.display(description="手机号码")
    def masked_phone(self, obj: Person) -> str:
        return mask_phone(obj.phone) or "—"


class CompanyInline(ReadOnlyInline):
    model = Company
    fields = [
        "name",
        "uscc",
        "legal_representative",
        "masked_representative_id",
        "masked_phone",
        "created_at",
    ]
    readonly_fields = fields

    @admin.display(description="法定代表人身份号码")
    def masked_representative_id(self, obj: Company) -> str:
        return mask_id_number(obj.legal_representative_id_number)

    @admin.display(description="联系电话")
    def masked_phone(self, obj: Company) -> str:
        return mask_phone(obj.phone) or "—"


class StaffRoleInline(ReadOnlyInline):
    model = StaffRole
    fk_name = "user"
    fields = ["role", "organization", "region", "item_code", "granted_at", "revoked_at"]
    readonly_fields = fields
    show_change_link = True
    verbose_name_plural = "工作人员角色（授予与撤销在“工作人员角色”中办理）"


class StaffAccountForm(forms.ModelForm):
    """A new staff account; nothing of it is saved by the form (staff_account_create does it)."""

    username = forms.CharField(label="用户名", max_length=150, help_text="登录用，如 wang.li")
    display_name = forms.CharField(label="姓名", max_length=100)
    email = forms.CharField(label="邮箱", help_text="工作人员通过发到该邮箱的链接自行设置密码。")
    organization = forms.ModelChoiceField(label="所在单位", queryset=Organization.objects.all())
    roles = forms.MultipleChoiceField(
        label="角色",
        choices=[(r.value, r.label) for r in Role if r != Role.CHIEF_SERVICE_OFFICER],
        widget=forms.CheckboxSelectMultiple,
        help_text="首席服务官须指定负责的事项，请在账号创建后于“工作人员角色”中授予。",
    )

    class Meta:
        model = User
        fields: list[str] = []

    def clean(self):
        cleaned = super().clean()
        for name in ("username", "display_name", "email"):
            cleaned[name] = (cleaned.get(name) or "").strip()
        cleaned["email"] = cleaned["email"].lower()
        problems = staff_account_problems(
            username=cleaned["username"],
            display_name=cleaned["display_name"],
            email=cleaned["email"],
            roles=cleaned.get("roles") or [],
        )
        add_errors(self, [p for p in problems if p.field not in self.errors])
        return cleaned


@admin.register(User)
class UserAdmin(RuleGated, admin.ModelAdmin):
    manage_action = "staff_role.manage"
    list_display = ["username", "display_name", "kind", "is_active", "is_staff", "last_login"]
    list_filter = ["kind", "is_active", "is_staff"]
    search_fields = ["username", "display_name", "email"]
    search_help_text = "按用户名、姓名或邮箱查找；输入完整的公民身份号码或手机号码可精确查找本人账号。"
    fields = [
        "username",
        "display_name",
        "kind",
        "email",
        "is_active",
        "is_staff",
        "is_superuser",
        "groups",
        "last_login",
        "date_joined",
    ]
    readonly_fields = fields
    inlines = [PersonInline, CompanyInline, StaffRoleInline]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            form = super().get_form(request, obj, **kwargs | {"form": StaffAccountForm})
            organization = StaffRole._meta.get_field("organization")
            form.base_fields["organization"].widget = AutocompleteSelect(organization, self.admin_site)
            return form
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ["username", "display_name", "email", "organization", "roles"] if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        user = staff_account_create(
            username=data["username"],
            display_name=data["display_name"],
            email=data["email"],
            organization=data["organization"],
            roles=data["roles"],
            by=admin_actor(request),
        )
        obj.pk, obj._state.adding = user.pk, False
        obj.username, obj.display_name = user.username, user.display_name

    def response_add(self, request, obj, post_url_continue=None):
        messages.success(
            request,
            f"已创建工作人员账号 {obj.username}：请其通过登录页的“忘记密码”用本人邮箱设置密码，"
            "或通过统一身份认证登录。",
        )
        return HttpResponseRedirect(reverse("admin:identity_user_change", args=[obj.pk]))

    def save_related(self, request, form, formsets, change):
        pass  # the service wrote everything

    def get_search_results(self, request, queryset, search_term):
        if request.GET.get("model_name") == "staffrole":  # the role form's account picker: staff only
            queryset = queryset.filter(kind=AccountKind.STAFF)
        found, duplicates = super().get_search_results(request, queryset, search_term)
        by_index = self._by_blind_index(request, queryset, search_term.strip().upper())
        return (found | by_index if by_index is not None else found), duplicates

    def _by_blind_index(self, request, queryset, term: str):
        """An exact ID number (a person's or a legal representative's) or mobile number."""
        if len(term) == 18 and ric.is_valid(term):
            index = id_number_index(term)
            lookup = Q(person__id_number_index=index) | Q(company__legal_representative_index=index)
        elif MOBILE.fullmatch(term):
            lookup = Q(person__phone_index=phone_index(term))
        else:
            return None
        audit_record(
            action="user.searched_by_personal_number",
            context=admin_actor(request).audit_context(),
            detail={"term": term},  # masked by the audit log
        )
        return queryset.filter(lookup)


# --- Staff roles -----------------------------------------------------------------------------------


class ActiveFilter(admin.SimpleListFilter):
    title = "状态"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("active", "有效"), ("revoked", "已撤销")]

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.filter(revoked_at=None)
        if self.value() == "revoked":
            return queryset.exclude(revoked_at=None)
        return queryset


class StaffRoleForm(forms.ModelForm):
    class Meta:
        model = StaffRole
        fields = ["user", "organization", "role", "region", "item_code"]
        help_texts = {
            "region": "仅监督管理人员填写，须在所在单位所属的市内；留空则为所在单位的行政区划。",
            "item_code": "仅首席服务官填写：所负责事项的基本编码。",
        }

    def clean(self):
        cleaned = super().clean()
        user, organization, role = cleaned.get("user"), cleaned.get("organization"), cleaned.get("role")
        if user and organization and role:
            problems = staff_role_problems(
                user=user,
                organization=organization,
                role=role,
                region=cleaned.get("region"),
                item_code=(cleaned.get("item_code") or "").strip(),
            )
            add_errors(self, problems)
        return cleaned

    def validate_constraints(self, exclude=None):
        pass  # staff_role_problems names a duplicate grant in its own words


@admin.register(StaffRole)
class StaffRoleAdmin(RuleGated, admin.ModelAdmin):
    manage_action = "staff_role.manage"
    form = StaffRoleForm
    list_display = ["user", "organization", "role", "scope", "granted_at", "granted_by", "status"]
    list_filter = [ActiveFilter, "role", ("organization__region__city", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__username", "user__display_name", "organization__name", "item_code"]
    list_select_related = ["user", "organization", "region", "granted_by"]
    autocomplete_fields = ["user", "organization", "region"]
    readonly_fields = ["granted_at", "granted_by", "revoked_at"]
    actions = ["revoke_roles"]

    @admin.display(description="范围")
    def scope(self, obj: StaffRole) -> str:
        if obj.item_code:
            return f"事项 {obj.item_code}"
        return obj.region.display_name if obj.region_id else "所在单位"

    @admin.display(description="状态")
    def status(self, obj: StaffRole) -> str:
        return "有效" if obj.revoked_at is None else f"已于 {obj.revoked_at:%Y-%m-%d %H:%M} 撤销"

    def get_fields(self, request, obj=None):
        return self.form._meta.fields if obj is None else [*self.form._meta.fields, *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def has_revoke_permission(self, request) -> bool:
        return self._may(request)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        granted = staff_role_grant(
            user=data["user"],
            organization=data["organization"],
            role=data["role"],
            region=data.get("region"),
            item_code=(data.get("item_code") or "").strip(),
            by=admin_actor(request),
        )
        obj.pk, obj._state.adding = granted.pk, False

    @admin.action(
        description="撤销此角色",
        description_plural="撤销所选角色",
        permissions=["revoke"],
        location=[admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM],
    )
    def revoke_roles(self, request, queryset):
        for staff_role in queryset.select_related("user", "organization"):
            self._revoke(request, staff_role)

    def _revoke(self, request, staff_role: StaffRole) -> None:
        try:
            staff_role_revoke(staff_role=staff_role, by=admin_actor(request))
        except DomainError as exc:
            messages.error(request, f"{staff_role}：{exc.message}")
            return
        messages.success(request, f"已撤销：{staff_role}")

    # Deleting a role is revoking it, whichever way the request came.
    def delete_model(self, request, obj):
        self._revoke(request, obj)

    def delete_queryset(self, request, queryset):
        self.revoke_roles(request, queryset.filter(revoked_at=None))


# --- API tokens -----------------------------------------------------------------------------------


class ApiTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label="权限范围", choices=TokenScope.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiToken
        fields = ["name", "organization", "scopes", "expires_at"]
        help_texts = {"expires_at": "留空则长期有效，直至撤销。"}

    def clean(self):
        cleaned = super().clean()
        cleaned["name"] = (cleaned.get("name") or "").strip()
        problems = api_token_problems(
            name=cleaned["name"], scopes=cleaned.get("scopes") or [], expires_at=cleaned.get("expires_at")
        )
        add_errors(self, [p for p in problems if p.field not in self.errors])
        return cleaned


@admin.register(ApiToken)
class ApiTokenAdmin(RuleGated, admin.ModelAdmin):
    manage_action = "api_token.manage"
    form = ApiTokenForm
    list_display = ["name", "organization", "scope_labels", "prefix", "created_at", "last_used_at", "status"]
    list_filter = [("organization__region__city", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "prefix", "organization__name"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    fields = ["name", "organization", "scope_labels", "prefix", "created_at", "created_by", "expires_at"]
    readonly_fields = [*fields, "last_used_at", "revoked_at"]
    actions = ["revoke_tokens"]

    @admin.display(description="权限范围")
    def scope_labels(self, obj: ApiToken) -> str:
        return "、".join(TokenScope(scope).label for scope in obj.scopes if scope in TokenScope.values)

    @admin.display(description="状态")
    def status(self, obj: ApiToken) -> str:
        if obj.revoked_at:
            return f"已于 {obj.revoked_at:%Y-%m-%d %H:%M} 撤销"
        if obj.expires_at and obj.expires_at <= timezone.now():
            return "已到期"
        return "有效"

    def get_fields(self, request, obj=None):
        return self.form._meta.fields if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def has_revoke_permission(self, request) -> bool:
        return self._may(request)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        api_token, plaintext = api_token_create(
            name=data["name"],
            organization=data["organization"],
            scopes=data["scopes"],
            expires_at=data.get("expires_at"),
            by=admin_actor(request),
        )
        obj.pk, obj._state.adding, obj.name, obj.prefix = (
            api_token.pk,
            False,
            api_token.name,
            api_token.prefix,
        )
        request._tongban_token_plaintext = plaintext  # for response_add, and nowhere else

    def response_add(self, request, obj, post_url_continue=None):
        """The token, once: on this page only (no message, no redirect that would carry it)."""
        context = {
            **self.admin_site.each_context(request),
            "title": "接口令牌已创建",
            "opts": self.opts,
            "token": obj,
            "plaintext": request._tongban_token_plaintext,
        }
        return TemplateResponse(request, "admin/identity/apitoken/created.html", context)

    @admin.action(
        description="撤销此令牌",
        description_plural="撤销所选令牌",
        permissions=["revoke"],
        location=[admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM],
    )
    def revoke_tokens(self, request, queryset):
        for api_token in queryset.filter(revoked_at=None):
            api_token_revoke(api_token=api_token, by=admin_actor(request))
            messages.success(request, f"已撤销：{api_token}")

    def delete_model(self, request, obj):
        self.revoke_tokens(request, ApiToken.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        self.revoke_tokens(request, queryset)
