"""The triage rules page of the workbench (/workbench/questions/rules/), for question moderators: the junk and
abusive word lists (add, switch off) and the thresholds. The services check the permission and the values;
this page shows their messages beside the fields."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from tongban.core.errors import DomainError
from tongban.identity import access
from tongban.identity.access import ActionRefused, Actor
from tongban.identity.views.workbench import staff_only

from .choices import TriageListKind
from .models import TriageThresholds, TriageWord
from .services_rules import triage_thresholds_set, triage_word_add, triage_word_switch_off

THRESHOLD_FIELDS = ("near_duplicate_percent", "duplicate_days", "min_chars")


@staff_only
@require_http_methods(["GET", "POST"])
def rules(request: HttpRequest, actor: Actor) -> HttpResponse:
    if not access.check(actor, "question.moderate"):
        raise ActionRefused("question.moderate", message="只有问答审核员可以查看和修改提问分拣规则。")
    errors: dict[str, str] = {}
    posted = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        what = request.POST.get("what", "")
        try:
            if what == "add":
                triage_word_add(
                    by=actor,
                    kind=request.POST.get("kind", ""),
                    phrase=request.POST.get("phrase", ""),
                    whole=request.POST.get("whole") == "on",
                    note=request.POST.get("note", ""),
                )
            elif what == "switch_off":
                triage_word_switch_off(by=actor, word_id=_int(request.POST.get("word")))
            elif what == "thresholds":
                triage_thresholds_set(by=actor, **{f: request.POST.get(f, "") for f in THRESHOLD_FIELDS})
            else:
                errors["what"] = "请求无效，请刷新页面后重试。"
        except DomainError as error:
            for field_error in getattr(error, "errors", None) or []:
                errors[field_error.field or "what"] = field_error.message
            if not errors:
                errors["what"] = error.message
        if not errors:
            return redirect("consult_rules:rules")
    words = TriageWord.objects.order_by("kind", "-active", "phrase")
    context = {
        "lists": [(kind, [w for w in words if w.kind == kind]) for kind in TriageListKind],
        "kinds": TriageListKind.choices,
        "thresholds": TriageThresholds.current(),
        "errors": errors,
        "posted": posted,
    }
    return render(request, "consult/workbench/rules.html", context, status=400 if errors else 200)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


app_name = "consult_rules"
urlpatterns = [path("workbench/questions/rules/", rules, name="rules")]
