"""The question board's API: asking (with the same captcha and rate limits as the page), the public list and
page, the asker's private link, moderation and answering — the same services and permissions as the pages.

Public answers carry only what the public pages show. A staff member gets a question they may not see as
404; an act their role does not allow as 403; a stale `expected_version` or a question already handled as
409.
"""

import datetime as dt

from captcha.fields import CaptchaField
from captcha.helpers import captcha_image_url
from captcha.models import CaptchaStore
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django_ratelimit.core import is_ratelimited
from ninja import Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from tongban.core.choices import Channel
from tongban.core.errors import DomainError, NotFound, ValidationFailed
from tongban.identity import access
from tongban.identity.access import ActionRefused, actor_for, client_ip
from tongban.identity.api_auth import API_AUTH, api_actor
from tongban.regions.models import Organization
from tongban.regions.schemas import ErrorOut

from .choices import QuestionStatus
from .models import Question
from .routing import routing_suggest
from .schemas import (
    AnswerIn,
    AskedOut,
    AskIn,
    CaptchaOut,
    EditIn,
    FollowOut,
    MergeIn,
    PublishIn,
    QuestionPageOut,
    QuestionPublicOut,
    QuestionStaffOut,
    RatingIn,
    RejectIn,
    ReviseIn,
    RouteIn,
    StatsOut,
    SuggestionOut,
    answer_out,
)
from .selectors import (
    BoardShow,
    follow_view,
    question_public_find,
    questions_board,
)
from .selectors_workbench import answer_inbox, moderation_queue, question_for_staff, question_stats
from .services_answer import answer_give, answer_revise
from .services_ask import asking_by_token, question_ask
from .services_follow import asking_rate
from .services_moderation import (
    question_edit,
    question_merge,
    question_publish,
    question_reject,
    question_route,
)
from .views_portal import ASK_RATE_ACCOUNT, ASK_RATE_IP

router = Router(tags=["我要提问"])
REFUSALS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
FOLLOW_NOT_FOUND = "链接无效：请核对您保存的查看链接。"
MODERATE_REFUSED = "只有问答审核员可以审核提问。"
STATS_REFUSED = "只有监督管理人员、问答审核员和平台管理员可以查看问答统计。"


class _Anonymous:
    """The last of the public endpoints' authentications: a caller without a token or a session asks as
    nobody (a browser's session is still checked for CSRF by the session authentication before it)."""

    def __call__(self, request):
        request._tongban_actor = actor_for(None, channel=Channel.API, ip=client_ip(request))
        return True


PUBLIC_AUTH = [*API_AUTH, _Anonymous()]


# --- Asking ------------------------------------------------------------------------------------------


@router.get("/captcha", auth=None, response=CaptchaOut, summary="获取验证码")
def captcha_new(request: HttpRequest):
    key = CaptchaStore.generate_key()
    return {"key": key, "image_url": request.build_absolute_uri(captcha_image_url(key))}


@router.post("", auth=PUBLIC_AUTH, response={201: AskedOut, 400: ErrorOut, 429: ErrorOut}, summary="我要提问")
def ask(request: HttpRequest, payload: AskIn):
    """提问先经自动分拣（测试帖、不文明用语暂缓公开；重复提问合并计数；个人信息公开时遮盖），审核通过后公开。
    返回的 follow_token 是您查看答复、评价的私人凭证，只返回这一次。
    每个地址10分钟最多5次，每个账号每天最多10次。"""
    actor = api_actor(request)
    limited = is_ratelimited(
        request, group="consult.ask", key=lambda _g, r: client_ip(r) or "-", rate=ASK_RATE_IP, increment=True
    )
    if actor.user_id is not None:
        limited = limited or is_ratelimited(
            request,
            group="consult.ask.account",
            key=lambda _g, _r: str(actor.user_id),
            rate=ASK_RATE_ACCOUNT,
            increment=True,
        )
    if limited:
        raise DomainError(message="提问过于频繁，请稍后再试。", status=429)
    try:
        CaptchaField().clean([payload.captcha_key, payload.captcha_value])
    except ValidationError:
        raise ValidationFailed.on("captcha_value", "验证码：输入错误或已过期，请重新获取验证码。") from None
    asked = question_ask(
        by=actor,
        text=payload.text,
        name=payload.name,
        anonymous=payload.anonymous,
        contact=payload.contact,
        topic=payload.topic,
    )
    follow = reverse("consult:follow", args=[asked.follow_token])
    return Status(
        201,
        {
            "merged": asked.merged,
            "follow_token": asked.follow_token,
            "follow_url": request.build_absolute_uri(follow),
            "status": "待审核：审核通过后公开",
        },
    )


# --- The public board ----------------------------------------------------------------------------------


class BoardFilters(Schema):
    q: str = ""
    show: str = BoardShow.ANSWERED
    department: int | None = None
    topic: str = ""


@router.get("", auth=None, response={200: list[QuestionPublicOut], 400: ErrorOut}, summary="问答列表")
@paginate(PageNumberPagination, page_size=20, max_page_size=100)
def board(request: HttpRequest, filters: Query[BoardFilters]):
    """已公开的提问：默认只列已答复的（show=unanswered 列待答复的，show=all 列全部）；q 按文字搜索，
    department、topic 筛选。"""
    if filters.show not in {value for value, _ in BoardShow.CHOICES}:
        raise ValidationFailed.on("show", "列表：show 应为 answered、unanswered 或 all。")
    return questions_board(
        query=filters.q[:100], show=filters.show, department_id=filters.department, topic=filters.topic
    ).select_related("department")


@router.get(
    "/follow/{token}", auth=None, response={200: FollowOut, 404: ErrorOut}, summary="我的提问（私人链接）"
)
def follow(request: HttpRequest, token: str):
    asking = asking_by_token(token)
    if asking is None:
        raise NotFound(FOLLOW_NOT_FOUND)
    view = follow_view(asking)
    merged = view.question.status == QuestionStatus.MERGED
    return {
        "my_text": view.asked_text,
        "status": view.question.status,
        "merged_into": view.final.public_id if merged and view.public else None,
        "rejected_reason": view.final.rejected_reason if view.final.status == QuestionStatus.REJECTED else "",
        "public_id": view.final.public_id if view.public else None,
        "answer": answer_out(view.current),
        "my_rating": asking.rating,
        "my_rating_comment": asking.rating_comment,
    }


@router.post(
    "/follow/{token}/rating",
    auth=None,
    response={200: FollowOut, 400: ErrorOut, 404: ErrorOut},
    summary="评价答复",
)
def rate(request: HttpRequest, token: str, payload: RatingIn):
    asking = asking_by_token(token)
    if asking is None:
        raise NotFound(FOLLOW_NOT_FOUND)
    asking_rate(
        asking=asking,
        rating=payload.rating,
        comment=payload.comment,
        by=actor_for(None, channel=Channel.API, ip=client_ip(request)),
    )
    return follow(request, token)


# --- Moderation and answering (staff) ------------------------------------------------------------------


@router.get(
    "/moderation",
    auth=API_AUTH,
    response={200: list[QuestionStaffOut], 403: ErrorOut},
    summary="待审核的提问",
)
@paginate(PageNumberPagination, page_size=20, max_page_size=100)
def moderation(request: HttpRequest, held: bool = False):
    """待审核的提问，最早的在前；held=true 列出自动暂缓公开的（测试帖、不文明用语）。"""
    if not access.check(api_actor(request), "question.moderate"):
        raise ActionRefused("question.moderate", message=MODERATE_REFUSED)
    return moderation_queue(held=held)


@router.get("/inbox", auth=API_AUTH, response={200: list[QuestionStaffOut]}, summary="待答复的提问")
@paginate(PageNumberPagination, page_size=20, max_page_size=100)
def inbox(request: HttpRequest, answered: bool = False):
    """转交本部门的提问：红牌在前、再按答复期限；answered=true 列已答复的。"""
    return answer_inbox(api_actor(request), answered=answered)


@router.get(
    "/stats", auth=API_AUTH, response={200: StatsOut, 400: ErrorOut, 403: ErrorOut}, summary="问答统计"
)
def stats(request: HttpRequest, start: dt.date | None = None, end: dt.date | None = None):
    """一段时间（含首尾两天，默认近30天）的收件、暂缓及原因、公开、不予公开、合并、按时与超时答复、当前超期、
    平均答复用时（工作日）。监督管理人员只看本辖区部门的提问。"""
    actor = api_actor(request)
    if not access.check(actor, "question.stats"):
        raise ActionRefused("question.stats", message=STATS_REFUSED)
    end = end or timezone.localdate()
    start = start or end - dt.timedelta(days=29)
    if start > end:
        raise ValidationFailed.on("start", "统计期间：开始日期不能晚于结束日期。")
    found = question_stats(actor, start=start, end=end)
    return {
        "start": found.start,
        "end": found.end,
        "askings": found.askings,
        "questions": found.questions,
        "held": found.held,
        "held_by_reason": {row.label: row.held for row in found.flags if row.held},
        "published": found.published,
        "rejected": found.rejected,
        "merged": found.merged,
        "answered_on_time": found.on_time,
        "answered_late": found.late,
        "overdue": found.overdue,
        "average_working_days": found.average_days,
        "departments": [
            {
                "department": row.department.name,
                "routed": row.routed,
                "answered_on_time": row.on_time,
                "answered_late": row.late,
                "overdue": row.overdue,
                "average_working_days": row.average_days,
            }
            for row in found.departments
        ],
    }


def _department(pk: int | None) -> Organization | None:
    if pk is None:
        return None
    department = Organization.objects.filter(pk=pk).first()
    if department is None:
        raise ValidationFailed.on("department_id", "答复部门：没有该部门。")
    return department


@router.get(
    "/{public_id}/staff",
    auth=API_AUTH,
    response={200: QuestionStaffOut, **REFUSALS},
    summary="提问详情（工作人员）",
)
def staff_detail(request: HttpRequest, public_id: str):
    return question_for_staff(api_actor(request), public_id)


@router.get(
    "/{public_id}/routing-suggestions",
    auth=API_AUTH,
    response={200: list[SuggestionOut], **REFUSALS},
    summary="建议的答复部门",
)
def suggestions(request: HttpRequest, public_id: str):
    actor = api_actor(request)
    question = question_for_staff(actor, public_id)
    if not access.check(actor, "question.moderate"):
        raise ActionRefused("question.moderate", message=MODERATE_REFUSED)
    return [
        {"department_id": org.pk, "department": org.name, "why": why}
        for org, why in routing_suggest(question)
    ]


def _staff_act(request: HttpRequest, public_id: str, act) -> Question:
    actor = api_actor(request)
    question = question_for_staff(actor, public_id)
    act(question, actor)
    return question_for_staff(actor, public_id)


@router.post(
    "/{public_id}/publish", auth=API_AUTH, response={200: QuestionStaffOut, **REFUSALS}, summary="公开"
)
def publish(request: HttpRequest, public_id: str, payload: PublishIn):
    return _staff_act(
        request,
        public_id,
        lambda q, by: question_publish(
            question=q,
            by=by,
            department=_department(payload.department_id),
            expected_version=payload.expected_version,
        ),
    )


@router.post(
    "/{public_id}/route", auth=API_AUTH, response={200: QuestionStaffOut, **REFUSALS}, summary="转交部门"
)
def route(request: HttpRequest, public_id: str, payload: RouteIn):
    return _staff_act(
        request,
        public_id,
        lambda q, by: question_route(
            question=q,
            by=by,
            department=_department(payload.department_id),
            expected_version=payload.expected_version,
        ),
    )


@router.post(
    "/{public_id}/reject", auth=API_AUTH, response={200: QuestionStaffOut, **REFUSALS}, summary="不予公开"
)
def reject(request: HttpRequest, public_id: str, payload: RejectIn):
    return _staff_act(
        request,
        public_id,
        lambda q, by: question_reject(
            question=q, by=by, reason=payload.reason, expected_version=payload.expected_version
        ),
    )


@router.post(
    "/{public_id}/merge", auth=API_AUTH, response={200: QuestionStaffOut, **REFUSALS}, summary="合并"
)
def merge(request: HttpRequest, public_id: str, payload: MergeIn):
    def act(question, by):
        into = Question.objects.filter(public_id=payload.into.strip()).first()
        if into is None:
            raise ValidationFailed.on("into", "合并到：没有该编号的提问。")
        question_merge(question=question, into=into, by=by, expected_version=payload.expected_version)

    return _staff_act(request, public_id, act)


@router.post(
    "/{public_id}/edit", auth=API_AUTH, response={200: QuestionStaffOut, **REFUSALS}, summary="修改公开文字"
)
def edit(request: HttpRequest, public_id: str, payload: EditIn):
    return _staff_act(
        request,
        public_id,
        lambda q, by: question_edit(
            question=q,
            by=by,
            public_text=payload.public_text,
            reason=payload.reason,
            expected_version=payload.expected_version,
        ),
    )


@router.post(
    "/{public_id}/answer", auth=API_AUTH, response={200: QuestionStaffOut, **REFUSALS}, summary="答复"
)
def answer(request: HttpRequest, public_id: str, payload: AnswerIn):
    return _staff_act(
        request,
        public_id,
        lambda q, by: answer_give(
            question=q, by=by, text=payload.text, expected_version=payload.expected_version
        ),
    )


@router.post(
    "/{public_id}/answer/revisions",
    auth=API_AUTH,
    response={200: QuestionStaffOut, **REFUSALS},
    summary="修改答复",
)
def revise(request: HttpRequest, public_id: str, payload: ReviseIn):
    return _staff_act(
        request,
        public_id,
        lambda q, by: answer_revise(
            question=q,
            by=by,
            text=payload.text,
            reason=payload.reason,
            expected_version=payload.expected_version,
        ),
    )


# --- One public question (last: its path takes any word) -------------------------------------------------


@router.get(
    "/{public_id}", auth=None, response={200: QuestionPageOut, 404: ErrorOut}, summary="一条公开的提问"
)
def question_page(request: HttpRequest, public_id: str):
    """已公开的提问及其现行答复（已修改的注明修改时间）和评价汇总；合并的提问返回合并到的那一条。"""
    return question_public_find(public_id)
