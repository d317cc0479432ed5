"""The board's public pages: 我要提问 (with its suggestions and captcha), the list of published questions,
a question's page, and the asker's private follow page.

Thin: selectors find, services decide. What the public sees of a question goes through triage's
`public_text` and `public_name` (personal data masked, a name holding a phone number not shown), an
answer through `mask_text`; the contact is never shown on any page, the asker's own included.
"""

from dataclasses import dataclass, fields

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from tongban.core.errors import NotFound, ValidationFailed
from tongban.core.masking import mask_text
from tongban.identity.access import actor_from_request

from .choices import QuestionStatus
from .forms import AskForm, BoardForm, RatingForm
from .models import Question, QuestionAsk
from .selectors import (
    SUGGEST_CHARS,
    answer_current,
    board_departments,
    follow_view,
    question_final,
    question_public_find,
    questions_board,
    rating_summary,
    suggestions_for,
)
from .services_ask import asking_by_token, question_ask
from .services_follow import asking_rate
from .triage import public_name, public_text

PAGE_SIZE = 20
# Per network address every attempt counts (a captcha guessed wrong too); per account, 10 a day.
ASK_RATE_IP = "5/10m"
ASK_RATE_ACCOUNT = "10/d"
SUGGEST_RATE = "120/m"  # suggestions follow typing (one request per pause); more is a script


def _account_rate(group: str, request: HttpRequest) -> str | None:
    """The per-account limit applies to signed-in askers; visitors have the per-address one."""
    return ASK_RATE_ACCOUNT if request.user.is_authenticated else None


@dataclass(frozen=True)
class PublicQuestion:
    """A question as the public sees it: masked wording and name, its status in words."""

    question: Question
    text: str
    name: str
    answered: bool
    overdue: bool

    @property
    def status_label(self) -> str:
        return "已答复" if self.answered else "待答复"


def public_row(question: Question, *, answered: bool | None = None) -> PublicQuestion:
    answered = getattr(question, "has_answer", None) if answered is None else answered
    due_on = question.due_on
    return PublicQuestion(
        question=question,
        text=public_text(question),
        name=public_name(question),
        answered=bool(answered),
        overdue=not answered and due_on is not None and due_on < timezone.localdate(),
    )


def _limited(request: HttpRequest) -> HttpResponse:
    return render(request, "consult/limited.html", status=429)


@never_cache
@require_http_methods(["GET", "POST"])
@ratelimit(group="consult.ask", key="ip", rate=ASK_RATE_IP, method="POST", block=False)
@ratelimit(group="consult.ask.account", key="user", rate=_account_rate, method="POST", block=False)
def ask(request: HttpRequest) -> HttpResponse:
    """我要提问: signed in or not. The answer page shows the private follow link once; it is kept
    nowhere in clear (only its SHA-256), so the page is not cached either."""
    if request.method != "POST":
        return render(request, "consult/ask.html", {"form": AskForm()})
    if getattr(request, "limited", False):
        return _limited(request)
    form = AskForm(request.POST)
    if form.is_valid():
        try:
            asked = question_ask(by=actor_from_request(request), **form.ask_kwargs())
        except ValidationFailed as error:
            form.add_domain_error(error)
        else:
            target = question_final(asked.question)
            context = {
                "merged": asked.merged,
                "target": target if target.status == QuestionStatus.PUBLISHED else None,
                "follow_url": request.build_absolute_uri(
                    reverse("consult:follow", args=[asked.follow_token])
                ),
            }
            return render(request, "consult/asked.html", context)
    return render(request, "consult/ask.html", {"form": form}, status=400)


@require_GET
@ratelimit(group="consult.suggest", key="ip", rate=SUGGEST_RATE, method="GET", block=False)
def suggest(request: HttpRequest) -> HttpResponse:
    """The suggestions fragment while a question is typed (htmx); without JavaScript it is not used."""
    text = "" if getattr(request, "limited", False) else request.GET.get("text", "")[:SUGGEST_CHARS]
    found = suggestions_for(text)
    context = {
        "items": found.items,
        "questions": [public_row(q, answered=True) for q in found.questions],
    }
    return render(request, "consult/ask.html#suggestions", context)


@never_cache
@require_GET
def captcha_fresh(request: HttpRequest) -> HttpResponse:
    """A new captcha image and key for the ask form (看不清，换一张)."""
    return render(request, "consult/ask.html#captcha", {"form": AskForm()})


@require_GET
def board(request: HttpRequest) -> HttpResponse:
    """The public list: answered questions by default; search, department, topic; paginated."""
    form = BoardForm(request.GET, departments=list(board_departments()))
    form.is_valid()  # an invalid value is left out of the filters
    args = form.board_args()
    page = Paginator(questions_board(**args), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "show": args["show"], "page": page, "rows": [public_row(q) for q in page]}
    return render(request, "consult/board.html", context)


@require_GET
def question_page(request: HttpRequest, public_id: str) -> HttpResponse:
    """A published question; a merged one redirects to the question it lives on in."""
    try:
        question = question_public_find(public_id)
    except NotFound as error:
        raise Http404(error.message) from error
    if question.public_id != public_id:
        return redirect("consult:question", public_id=question.public_id, permanent=True)
    current = answer_current(question)
    context = {
        "row": public_row(question, answered=current is not None),
        "current": current,
        "answer_text": mask_text(current.answer.text) if current else "",
        "rating": rating_summary(question) if current else None,
    }
    return render(request, "consult/question.html", context)


def _follow_context(asking: QuestionAsk) -> dict:
    view = follow_view(asking)
    return {field.name: getattr(view, field.name) for field in fields(view)}


def _private(response: HttpResponse) -> HttpResponse:
    """The follow page is the asker's alone: not indexed, not cached, its address not sent on."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def follow(request: HttpRequest, token: str) -> HttpResponse:
    """The asker's private page: their asking, the question's status (pending, rejected with the reason,
    merged with a link), the answer, and rating it once answered. A wrong token is a plain 404."""
    asking = asking_by_token(token)
    if asking is None:
        raise Http404("no such follow link")
    context = _follow_context(asking)
    form = None
    status = 200
    if context["current"] is not None:
        initial = {"rating": asking.rating, "comment": asking.rating_comment} if asking.rating else None
        form = RatingForm(request.POST if request.method == "POST" else None, initial=initial)
        if request.method == "POST":
            if form.is_valid():
                try:
                    asking_rate(asking=asking, by=actor_from_request(request), **form.cleaned_data)
                except ValidationFailed as error:
                    form.add_domain_error(error)
                else:
                    return _private(redirect(f"{request.path}?rated=1"))
            status = 400
    elif request.method == "POST":
        status = 400  # nothing to rate yet; the page says so
    context |= {"form": form, "rated": request.GET.get("rated") == "1" and asking.rating is not None}
    return _private(render(request, "consult/follow.html", context, status=status))
