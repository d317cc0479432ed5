"""委托代办 pages under my account: the mandates I gave and received, a new mandate, one mandate, revoking.

Thin: the form only parses what was typed; mandate services decide and their Chinese messages are shown
next to the fields. Another person's mandate answers 404 (the selector raises AccessDenied, which
DenialMiddleware records and answers).
"""

import re
from dataclasses import dataclass

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from tongban.core.errors import Conflict, DomainError

from .. import access
from ..access import actor_from_request
from ..models import Mandate
from ..selectors.mandates import (
    MandateStatus,
    Party,
    agent_party,
    item_names,
    mandate_get,
    mandate_status,
    mandates_given,
    mandates_received,
    principal_party,
)
from ..services.mandates import CREATE_RATE, CREATE_RATE_GROUP, MAX_ITEMS, mandate_create, mandate_revoke
from .errors import rate_limited

ITEM_CODE_SEPARATORS = re.compile(r"[\s,，、;；]+")


def _required(message: str) -> dict[str, str]:
    return {"required": message}


class MandateForm(forms.Form):
    agent_name = forms.CharField(
        label="受托人姓名", max_length=50, error_messages=_required("请填写受托人姓名。")
    )
    agent_id_number = forms.CharField(
        label="受托人公民身份号码",
        max_length=30,
        error_messages=_required("请填写受托人公民身份号码。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    scope = forms.ChoiceField(
        label="委托范围",
        choices=[("items", "指定事项"), ("all", "全部事项")],
        initial="items",
        widget=forms.RadioSelect,
        error_messages=_required("请选择委托范围。"),
    )
    item_codes = forms.CharField(
        label="委托事项（基本编码）",
        required=False,
        help_text=f"选择“指定事项”时填写，每行一个，也可用逗号或空格分隔，最多{MAX_ITEMS}个。",
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
    )
    starts_on = forms.DateField(
        label="生效日期",
        error_messages={
            "required": "请填写生效日期。",
            "invalid": "生效日期格式不正确，请按“2026-12-01”填写。",
        },
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    expires_on = forms.DateField(
        label="到期日期",
        help_text="含当日；委托期限最长一年。",
        error_messages={
            "required": "请填写到期日期。",
            "invalid": "到期日期格式不正确，请按“2026-12-01”填写。",
        },
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(label="说明（选填）", required=False, max_length=200)

    def _post_clean(self):
        super()._post_clean()
        self._describe_errors()

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        all_items = data["scope"] == "all"
        codes = [] if all_items else [c for c in ITEM_CODE_SEPARATORS.split(data["item_codes"]) if c]
        return {
            "agent_name": data["agent_name"],
            "agent_id_number": data["agent_id_number"],
            "all_items": all_items,
            "item_codes": codes,
            "starts_on": data["starts_on"],
            "expires_on": data["expires_on"],
            "note": data["note"],
        }

    def add_domain_error(self, error: DomainError) -> None:
        if not error.errors:
            self.add_error(None, error.message)
        for field_error in error.errors:
            self.add_error(
                field_error.field if field_error.field in self.fields else None, field_error.message
            )
        self._describe_errors()

    def _describe_errors(self) -> None:
        """Tie each field's error message to the field for screen readers (WCAG 3.3.1)."""
        for name in self.errors:
            if name in self.fields:
                field = self.fields[name]
                described_by = [f"id_{name}_helptext"] if field.help_text else []
                field.widget.attrs["aria-describedby"] = " ".join([*described_by, f"id_{name}-error"])
                field.widget.attrs["aria-invalid"] = "true"


@dataclass(frozen=True)
class MandateRow:
    """A mandate as one line of a list: the other party, what it covers, its state."""

    mandate: Mandate
    party: Party
    status: MandateStatus


def _rows(mandates, party_of) -> list[MandateRow]:
    today = timezone.localdate()
    return [MandateRow(m, party_of(m), mandate_status(m, today)) for m in mandates]


@login_required
def mandates(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    context = {
        "given": _rows(mandates_given(actor), agent_party),
        "received": _rows(mandates_received(actor), principal_party),
        "can_create": access.check(actor, "mandate.create"),
    }
    return render(request, "identity/mandates.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit(group=CREATE_RATE_GROUP, key="user", rate=CREATE_RATE, method="POST", block=False)
def mandate_new(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    access.require(actor, "mandate.create")
    if request.method != "POST":
        form = MandateForm(initial={"starts_on": timezone.localdate()})
        return render(request, "identity/mandate_new.html", {"form": form})
    if getattr(request, "limited", False):
        return rate_limited(request)
    form = MandateForm(request.POST)
    if form.is_valid():
        try:
            mandate = mandate_create(by=actor, **form.service_arguments())
        except DomainError as error:
            form.add_domain_error(error)
        else:
            return redirect("identity:mandate_detail", pk=mandate.pk)
    return render(request, "identity/mandate_new.html", {"form": form}, status=400)


def _detail_context(actor, mandate: Mandate) -> dict:
    return {
        "mandate": mandate,
        "principal": principal_party(mandate),
        "agent": agent_party(mandate),
        "status": mandate_status(mandate),
        "items": list(item_names(mandate.item_codes).items()),
        "can_revoke": mandate.revoked_at is None and access.check(actor, "mandate.revoke", mandate),
    }


@login_required
def mandate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)
    mandate = mandate_get(actor, pk)
    return render(request, "identity/mandate_detail.html", _detail_context(actor, mandate))


@login_required
@require_http_methods(["GET", "POST"])
def mandate_revoke_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST revokes."""
    actor = actor_from_request(request)
    mandate = mandate_get(actor, pk)
    access.require(actor, "mandate.revoke", mandate)
    context = _detail_context(actor, mandate)
    if request.method == "POST":
        try:
            mandate_revoke(mandate=mandate, by=actor)
        except Conflict as error:
            return render(
                request, "identity/mandate_revoke.html", context | {"error": error.message}, status=409
            )
        return redirect("identity:mandate_detail", pk=mandate.pk)
    if mandate.revoked_at is not None:
        return redirect("identity:mandate_detail", pk=mandate.pk)
    return render(request, "identity/mandate_revoke.html", context)


urlpatterns = [
    path("account/mandates/", mandates, name="mandates"),
    path("account/mandates/new/", mandate_new, name="mandate_new"),
    path("account/mandates/<int:pk>/", mandate_detail, name="mandate_detail"),
    path("account/mandates/<int:pk>/revoke/", mandate_revoke_confirm, name="mandate_revoke"),
]
