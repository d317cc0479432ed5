"""The question board in the staff workbench (/workbench/questions/…): the moderation queue, one question
with everything its viewer may see and the forms they may use, a department's inbox, the statistics.

Views are thin: they read the request, call a selector or a service, and show the service's Chinese
message beside the field it names. Every act carries the version the page showed; a stale page gets 409
and changes nothing. Who may do what is the services' and selectors' business (access rules): a page
for someone without the role is the 403 page, a question they may not see the 404 page.
"""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from tongban.core.errors import Conflict, DomainError, ValidationFailed
from tongban.identity import access
from tongban.identity.access import AccessDenied, ActionRefused, Actor
from tongban.identity.views.workbench import staff_only

from . import services_answer, services_moderation
from .choices import QuestionStatus, TriageFlag
from .forms_workbench import (
    AnswerForm,
    EditForm,
    MergeForm,
    PeriodForm,
    PublishForm,
    RejectForm,
    ReviseForm,
    RouteForm,
    departments,
)
from .models import Question
from .rules import ANSWER_ROLES
from .selectors_workbench import (
    answer_inbox,
    moderation_queue,
    question_flags,
    question_for_staff,
    question_stats,
    questions_moderated,
)
from .services_common import question_light
from .services_moderation import MODERATED, routing_suggest
from .triage import public_name, public_text

FLASH = "consult.wb_flash"
QUEUE_SHOWN = 100
PAGE_SIZE = 30
NOT_MODERATOR = "只有问答审核员可以审核提问。"
NOT_ANSWERER = "只有答复部门的审批人员、首席服务官和帮办代办员可以答复提问。"
NOT_STATS = "只有监督管理人员、问答审核员和平台管理员可以查看问答统计。"


def _require_moderator(actor: Actor) -> None:
    if not access.check(actor, "question.moderate"):
        raise ActionRefused("question.moderate", message=NOT_MODERATOR)


# --- The moderation queue -------------------------------------------------------------------------------


@require_GET
@staff_only
def queue(request: HttpRequest, actor: Actor) -> HttpResponse:
    _require_moderator(actor)
    status = request.GET.get("status") or QuestionStatus.PENDING
    if status not in QuestionStatus.values:
        status = QuestionStatus.PENDING
    query = (request.GET.get("q") or "").strip()[:100]
    context = {"status": status, "statuses": QuestionStatus.choices, "q": query}
    if status == QuestionStatus.PENDING and not query:
        held, others = moderation_queue(held=True), moderation_queue(held=False)
        context["sections"] = [
            ("held", "暂缓公开（自动分拣拦下，请核实原因）", held.count(), held[:QUEUE_SHOWN]),
            ("pending", "待审核", others.count(), others[:QUEUE_SHOWN]),
        ]
        context["shown"] = QUEUE_SHOWN
    else:
        context["page"] = Paginator(questions_moderated(status=status, query=query), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
    return render(request, "consult/workbench/queue.html", context)


# --- One question ---------------------------------------------------------------------------------------


def _question_context(actor: Actor, question: Question, **extra) -> dict:
    can_moderate = access.check(actor, "question.moderate", question)
    can_answer = access.check(actor, "question.answer", question)
    open_for_work = question.status in MODERATED
    flags = question_flags(question)
    return {
        "question": question,
        "flags": flags,
        "personal_data": [f for f in flags if f["flag"] == TriageFlag.PERSONAL_DATA],
        "askings": list(question.askings.select_related("asker").order_by("created_at", "pk")),
        "merged_here": list(question.merged.order_by("pk")),
        "answers": list(question.answers.select_related("author", "organization").order_by("-revision")),
        "events": list(question.events.order_by("at", "pk")),
        "light": question_light(question),
        "public_preview": public_text(question),
        "public_name": public_name(question),
        "can_moderate": can_moderate and open_for_work,
        "can_publish": can_moderate and question.status == QuestionStatus.PENDING,
        "can_route": can_moderate and open_for_work and question.answered_at is None,
        "can_answer": can_answer and open_for_work and question.answered_at is None,
        "can_revise": can_answer and open_for_work and question.answered_at is not None,
        "suggestions": routing_suggest(question) if can_moderate and open_for_work else [],
        "departments": list(departments()) if can_moderate and open_for_work else [],
        "errors": {},
        "posted": {},
        **extra,
    }


def _render_question(request, actor, question, *, status: int = 200, **extra) -> HttpResponse:
    context = _question_context(actor, question, **extra)
    context["err"] = {context.get("open_action", ""): context["errors"]}
    return render(request, "consult/workbench/question.html", context, status=status)


@require_GET
@staff_only
def question_page(request: HttpRequest, actor: Actor, public_id: str) -> HttpResponse:
    question = question_for_staff(actor, public_id)
    return _render_question(request, actor, question, flash=request.session.pop(FLASH, ""))


# --- Acting on a question -------------------------------------------------------------------------------


def _form(form_class, request: HttpRequest):
    form = form_class(request.POST)
    if not form.is_valid():
        field, messages = next(iter(form.errors.items()))
        raise ValidationFailed.on(field, messages[0])
    return form.cleaned_data


def _merge_target(public_id: str) -> Question | None:
    if not public_id:
        return None
    target = Question.objects.filter(public_id=public_id).first()
    if target is None:
        raise ValidationFailed.on("into", f"未找到编号为 {public_id} 的提问。")
    return target


def _perform(request: HttpRequest, actor: Actor, question: Question, action: str, version: int) -> str:
    """Call the service for `action`; the message shown afterwards."""
    common = {"question": question, "by": actor, "expected_version": version}
    if action == "publish":
        services_moderation.question_publish(**common, **_form(PublishForm, request))
        return "已公开，并已转交答复部门。"
    if action == "route":
        services_moderation.question_route(**common, **_form(RouteForm, request))
        return "已转交答复部门，答复时限开始计算。"
    if action == "reject":
        services_moderation.question_reject(**common, **_form(RejectForm, request))
        return "已不予公开。"
    if action == "merge":
        into = _merge_target(_form(MergeForm, request)["into"])
        services_moderation.question_merge(**common, into=into)
        return f"已合并到提问 {into.public_id}。"
    if action == "edit":
        services_moderation.question_edit(**common, **_form(EditForm, request))
        return "公开文字已修改，提问原文保留。"
    if action == "answer":
        services_answer.answer_give(**common, **_form(AnswerForm, request))
        return "已答复。"
    if action == "revise":
        services_answer.answer_revise(**common, **_form(ReviseForm, request))
        return "答复已修改，修改前的答复保留在记录中。"
    raise AccessDenied("question.view")


def _version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("expected_version", ""))
    except ValueError:
        return -1


@require_POST
@staff_only
def act(request: HttpRequest, actor: Actor, public_id: str, action: str) -> HttpResponse:
    question = question_for_staff(actor, public_id)
    try:
        message = _perform(request, actor, question, action, _version(request))
    except (AccessDenied, ActionRefused):
        raise
    except Conflict as exc:
        question.refresh_from_db()
        return _render_question(request, actor, question, status=409, problem=exc.message)
    except DomainError as exc:
        errors = {e.field: e.message for e in exc.errors}
        return _render_question(
            request,
            actor,
            question,
            status=exc.status,
            problem=exc.message,
            errors=errors,
            open_action=action,
            posted=request.POST,
        )
    request.session[FLASH] = message
    return redirect("consult_workbench:question", public_id=question.public_id)


# --- The department's inbox -----------------------------------------------------------------------------


@require_GET
@staff_only
def inbox(request: HttpRequest, actor: Actor) -> HttpResponse:
    if not actor.organization_ids(*ANSWER_ROLES):
        raise ActionRefused("question.answer", message=NOT_ANSWERER)
    answered = request.GET.get("tab") == "answered"
    page = Paginator(answer_inbox(actor, answered=answered), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "consult/workbench/inbox.html",
        {"answered": answered, "page": page, "waiting": answer_inbox(actor).count()},
    )


# --- Statistics -----------------------------------------------------------------------------------------


@require_GET
@staff_only
def stats(request: HttpRequest, actor: Actor) -> HttpResponse:
    if not access.check(actor, "question.stats"):
        raise ActionRefused("question.stats", message=NOT_STATS)
    form = PeriodForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        errors = {name: messages[0] for name, messages in form.errors.items()}
        context = {
            "form": form,
            "errors": errors,
            "start": request.GET.get("start", ""),
            "end": request.GET.get("end", ""),
        }
        return render(request, "consult/workbench/stats.html", context, status=400)
    start, end = (
        (form.cleaned_data["start"], form.cleaned_data["end"]) if form.is_bound else PeriodForm.default()
    )
    figures = question_stats(actor, start=start, end=end)
    context = {
        "form": form,
        "errors": {},
        "stats": figures,
        "start": start.isoformat(),
        "end": end.isoformat(),
    }
    return render(request, "consult/workbench/stats.html", context)
