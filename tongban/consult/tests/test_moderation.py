"""Moderation: publish (with a department, routed at the same time), reject with a reason, merge (counts add
up, askings move, no loops), edit the public wording (the original kept), route (the answer clock starts);
each with an event and an audit entry, a stale page refused, and only moderators allowed."""

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from tongban.catalog.choices import Theme
from tongban.catalog.tests.factories import ServiceItemFactory, published_implementation
from tongban.core.audit import AuditEntry
from tongban.core.calendar import add_working_days
from tongban.core.errors import Conflict, ValidationFailed
from tongban.core.tests.concurrency import run_together
from tongban.identity.access import AccessDenied, ActionRefused
from tongban.notifications.models import Notification

from ..choices import QuestionEventKind, QuestionStatus
from ..models import Question, QuestionAsk, QuestionEvent
from ..services_answer import answer_give
from ..services_ask import asking_by_token
from ..services_moderation import (
    question_edit,
    question_merge,
    question_publish,
    question_reject,
    question_route,
    routing_suggest,
)
from .factories import asked, question_text
from .factories_workbench import board_make, question_make, routed_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def board():
    return board_make()


def kinds(question: Question) -> list[str]:
    return list(question.events.values_list("kind", flat=True))


def audited(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()


# --- Publish -------------------------------------------------------------------------------------------


def test_publishing_needs_a_department_and_changes_nothing_without_one(board):
    question = question_make()

    with pytest.raises(ValidationFailed) as refused:
        question_publish(question=question, by=board.actor(board.moderator))

    assert refused.value.errors[0].field == "department"
    question.refresh_from_db()
    assert (question.status, question.version, question.department_id) == (QuestionStatus.PENDING, 1, None)
    assert not QuestionEvent.objects.exists()


@override_settings(ANSWER_DAYS="7")
def test_publishing_routes_the_question_and_starts_the_answer_clock(board):
    question = question_make()
    today = timezone.localdate()

    question_publish(question=question, by=board.actor(board.moderator), department=board.wuhan_hr)

    question.refresh_from_db()
    assert question.status == QuestionStatus.PUBLISHED and question.published_at is not None
    assert (question.department, question.routed_on, question.limit_days) == (board.wuhan_hr, today, 7)
    assert question.due_on == add_working_days(today, 7).date
    assert (question.light, question.version) == ("green", 2)
    assert kinds(question) == [QuestionEventKind.ROUTED, QuestionEventKind.PUBLISHED]
    assert (audited("question.route"), audited("question.publish")) == (1, 1)
    told = Notification.objects.filter(kind="question.routed")
    assert list(told.values_list("recipient", flat=True)) == [board.answerer.pk]
    assert told.get().link == f"/workbench/questions/{question.public_id}/"


def test_publishing_a_routed_question_keeps_its_routing(board):
    question = routed_make(board.wuhan_hr, status=QuestionStatus.PENDING)

    question_publish(question=question, by=board.actor(board.moderator))

    question.refresh_from_db()
    assert (question.status, question.department) == (QuestionStatus.PUBLISHED, board.wuhan_hr)
    assert kinds(question) == [QuestionEventKind.PUBLISHED]


def test_a_published_question_is_not_published_again(board):
    question = routed_make(board.wuhan_hr)

    with pytest.raises(Conflict) as refused:
        question_publish(question=question, by=board.actor(board.moderator))

    assert refused.value.message == "该提问已公开，不能公开。"


# --- Reject --------------------------------------------------------------------------------------------


def test_rejecting_needs_a_reason(board):
    question = question_make()

    with pytest.raises(ValidationFailed) as refused:
        question_reject(question=question, by=board.actor(board.moderator), reason="   ")

    assert (refused.value.errors[0].field, refused.value.message) == ("reason", "请填写不予公开的理由。")
    question.refresh_from_db()
    assert question.status == QuestionStatus.PENDING


def test_a_rejected_question_keeps_its_reason_with_an_event_and_an_audit_entry(board):
    question = question_make("测试")

    question_reject(question=question, by=board.actor(board.moderator), reason=" 测试内容，不予公开 ")

    question.refresh_from_db()
    assert (question.status, question.rejected_reason) == (QuestionStatus.REJECTED, "测试内容，不予公开")
    event = question.events.get()
    assert (event.kind, event.reason, event.actor) == ("rejected", "测试内容，不予公开", board.moderator)
    assert audited("question.reject") == 1


# --- Merge ---------------------------------------------------------------------------------------------


def test_merging_adds_the_counts_and_moves_the_askings(board):
    source = question_make("公积金贷款在鄂州买房能用吗？", asks=2)
    target = question_make("武汉的公积金能在鄂州贷款买房吗？", asks=3)
    earlier = question_make(
        "在鄂州买房能用武汉的公积金贷款吗", status=QuestionStatus.MERGED, merged_into=source
    )
    askings = list(source.askings.values_list("pk", flat=True))

    question_merge(question=source, into=target, by=board.actor(board.moderator))

    source.refresh_from_db()
    target.refresh_from_db()
    assert (source.status, source.merged_into, source.asks, source.text) == (
        QuestionStatus.MERGED,
        target,
        2,
        "公积金贷款在鄂州买房能用吗？",
    )
    assert target.asks == 5
    assert QuestionAsk.objects.filter(question=target).count() == 5
    assert set(askings) <= set(target.askings.values_list("pk", flat=True))
    assert Question.objects.get(pk=earlier.pk).merged_into == target
    assert source.events.get().detail == {
        "into": target.public_id,
        "asks": 2,
        "askings": askings,
        "earlier_merged": [earlier.public_id],
    }
    assert target.events.get().detail["from"] == source.public_id
    assert audited("question.merge") == 1


def test_a_question_is_not_merged_into_itself(board):
    question = question_make(asks=2)

    with pytest.raises(ValidationFailed) as refused:
        question_merge(question=question, into=question, by=board.actor(board.moderator))

    assert (refused.value.errors[0].field, refused.value.message) == ("into", "不能把提问合并到它自己。")
    question.refresh_from_db()
    assert (question.status, question.asks) == (QuestionStatus.PENDING, 2)


def test_merging_back_cannot_make_a_loop(board):
    a, b = question_make(), question_make()
    question_merge(question=a, into=b, by=board.actor(board.moderator))

    with pytest.raises(ValidationFailed) as refused:
        question_merge(question=b, into=a, by=board.actor(board.moderator))
    with pytest.raises(Conflict):
        question_merge(question=a, into=b, by=board.actor(board.moderator))

    assert refused.value.errors[0].field == "into"
    b.refresh_from_db()
    assert (b.status, b.merged_into, b.asks) == (QuestionStatus.PENDING, None, 2)


def test_an_answered_question_is_not_merged_away(board):
    source, target = routed_make(board.wuhan_hr), question_make()
    answer_give(question=source, by=board.actor(board.answerer), text="请到社保窗口办理。")

    with pytest.raises(ValidationFailed) as refused:
        question_merge(question=source, into=target, by=board.actor(board.moderator))

    assert refused.value.message == "该提问已有答复，不能合并到其他提问。"
    assert Question.objects.get(pk=target.pk).asks == 1


# --- Edit ----------------------------------------------------------------------------------------------


def test_editing_changes_the_public_wording_and_keeps_the_original(board):
    original = "我叫张三电话13812345678，社保卡丢了怎么补办？？？"
    question = question_make(original)

    question_edit(question=question, by=board.actor(board.moderator), public_text=" 社保卡丢失后如何补办？ ")

    question.refresh_from_db()
    assert (question.text, question.public_text) == (original, "社保卡丢失后如何补办？")
    event = question.events.get()
    assert (event.kind, event.detail) == ("edited", {"before": "", "after": "社保卡丢失后如何补办？"})
    assert audited("question.edit") == 1


@pytest.mark.parametrize(
    ("public_text", "reason", "field"),
    [("  ", "", "public_text"), ("原样", "", "public_text"), ("新的公开文字", "", "reason")],
)
def test_editing_a_published_question_needs_text_a_change_and_a_reason(board, public_text, reason, field):
    question = routed_make(board.wuhan_hr, text="原样")

    with pytest.raises(ValidationFailed) as refused:
        question_edit(
            question=question, by=board.actor(board.moderator), public_text=public_text, reason=reason
        )

    assert refused.value.errors[0].field == field
    question.refresh_from_db()
    assert (question.public_text, question.version) == ("", 1)


# --- Route ---------------------------------------------------------------------------------------------


def test_routing_to_another_department_restarts_the_clock_and_tells_its_answerers(board):
    long_ago = timezone.localdate().replace(day=1).replace(year=timezone.localdate().year - 1)
    question = routed_make(board.wuhan_hr, routed_on=long_ago)
    question.escalated_at = timezone.now()
    question.save()

    question_route(question=question, by=board.actor(board.moderator), department=board.jiangxia_medical)

    question.refresh_from_db()
    assert (question.department, question.routed_on) == (board.jiangxia_medical, timezone.localdate())
    assert (question.light, question.escalated_at) == ("green", None)
    event = question.events.get()
    assert (event.detail["from"], event.detail["department"]) == (board.wuhan_hr.name, "江夏区医疗保障局")
    told = Notification.objects.filter(kind="question.routed").values_list("recipient", flat=True)
    assert list(told) == [board.jiangxia_answerer.pk]


def test_routing_to_the_same_department_or_after_an_answer_is_refused(board):
    question = routed_make(board.wuhan_hr)

    with pytest.raises(ValidationFailed) as same:
        question_route(question=question, by=board.actor(board.moderator), department=board.wuhan_hr)
    answer_give(question=question, by=board.actor(board.answerer), text="已答复。")
    with pytest.raises(ValidationFailed) as answered:
        question_route(question=question, by=board.actor(board.moderator), department=board.ezhou_hr)

    assert same.value.message == "该提问已转交武汉市人力资源和社会保障局。"
    assert answered.value.message == "该提问已答复，不能再转交其他部门。"
    assert Question.objects.get(pk=question.pk).department == board.wuhan_hr


# --- Stale pages and permissions -----------------------------------------------------------------------


def test_a_stale_page_is_refused_and_changes_nothing(board):
    question = question_make()
    question_edit(question=question, by=board.actor(board.moderator), public_text="新的公开文字")

    with pytest.raises(Conflict) as refused:
        question_reject(question=question, by=board.actor(board.moderator), reason="重复", expected_version=1)

    assert refused.value.message == "该提问已被他人处理，请刷新后重试。"
    question.refresh_from_db()
    assert (question.status, question.version) == (QuestionStatus.PENDING, 2)


def test_only_moderators_moderate(board):
    question = routed_make(board.wuhan_hr, status=QuestionStatus.PENDING)

    with pytest.raises(ActionRefused):  # the answering department sees the question, but does not moderate
        question_publish(question=question, by=board.actor(board.answerer))
    for stranger in (board.ezhou_answerer, board.citizen):
        with pytest.raises(AccessDenied):
            question_reject(question=question, by=board.actor(stranger), reason="无关")

    question.refresh_from_db()
    assert (question.status, question.version) == (QuestionStatus.PENDING, 1)
    assert not QuestionEvent.objects.exists()


# --- Routing suggestions -------------------------------------------------------------------------------


def test_routing_suggestions_come_from_named_departments_and_catalog_items_with_the_reason(board):
    item = ServiceItemFactory(name="社会保障卡补领", theme=Theme.HR_SOCIAL)
    for organization in (board.wuhan_hr, board.ezhou_hr):
        published_implementation(service_item=item, organization=organization)
    question = question_make("我在鄂州上班，社保卡丢了怎么补领？", topic=Theme.HR_SOCIAL)

    suggestions = routing_suggest(question)

    assert [org for org, _ in suggestions] == [board.ezhou_hr, board.wuhan_hr]
    why = dict(suggestions)
    assert "实施事项「社会保障卡补领」" in why[board.ezhou_hr] and "提问中提到「鄂州」" in why[board.ezhou_hr]
    named = routing_suggest(question_make("武汉市人社局的电话一直打不通"))
    assert named[0] == (board.wuhan_hr, "提问中提到「武汉市人社局」")


def test_an_item_made_of_the_questions_words_beats_one_sharing_a_common_word(board):
    transfer = ServiceItemFactory(name="企业职工基本养老保险关系转移接续")
    filing = ServiceItemFactory(name="常驻异地工作人员备案", theme=Theme.MEDICAL_INSURANCE)
    published_implementation(service_item=transfer, organization=board.ezhou_hr)
    published_implementation(service_item=filing, organization=board.jiangxia_medical)

    suggestions = routing_suggest(question_make("现在换了个地方工作，养老保险关系怎么转移？"))

    assert [org for org, _ in suggestions] == [board.ezhou_hr, board.jiangxia_medical]
    assert (
        suggestions[0][1]
        == "实施事项「企业职工基本养老保险关系转移接续」（提问中有“养老保险”、“关系”、“转移”）"
    )


def test_with_nothing_matched_the_topics_departments_are_suggested(board):
    for _ in range(2):
        published_implementation(
            service_item=ServiceItemFactory(theme=Theme.HOUSING_FUND), organization=board.ezhou_hr
        )
    published_implementation(
        service_item=ServiceItemFactory(theme=Theme.HOUSING_FUND), organization=board.wuhan_hr
    )

    suggestions = routing_suggest(question_make("请问这个怎么弄", topic=Theme.HOUSING_FUND))

    assert suggestions == [
        (board.ezhou_hr, "实施「公积金」主题事项较多的部门"),
        (board.wuhan_hr, "实施「公积金」主题事项较多的部门"),
    ]


# --- With the asking service ---------------------------------------------------------------------------


def test_asked_questions_merged_by_a_moderator_keep_every_askers_follow_link(board):
    first = asked(question_text(0))
    again = asked(question_text(0) + "谢谢")  # merged on arrival: one question asked twice
    other = asked("我在武汉买的二手房过户好几个月了，房产证一直没下来，可以在鄂州问办理进度吗")
    assert other.question.pk != first.question.pk  # triage did not see a duplicate: the moderator does

    question_merge(question=other.question, into=first.question, by=board.actor(board.moderator))
    question_publish(question=first.question, by=board.actor(board.moderator), department=board.wuhan_hr)

    target = Question.objects.get(pk=first.question.pk)
    assert (again.question.pk, target.asks, target.status) == (target.pk, 3, QuestionStatus.PUBLISHED)
    for asking in (first, again, other):
        assert asking_by_token(asking.follow_token).question == target


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_crossing_merges_at_once_make_no_loop():
    board = board_make()
    a, b = question_make(), question_make()
    by = board.actor(board.moderator)

    results = run_together(
        lambda: question_merge(question=Question.objects.get(pk=a.pk), into=b, by=by),
        lambda: question_merge(question=Question.objects.get(pk=b.pk), into=a, by=by),
    )

    assert sum(isinstance(r, Question) for r in results) == 1, results
    statuses = sorted(Question.objects.filter(pk__in=[a.pk, b.pk]).values_list("status", "asks"))
    assert statuses == [(QuestionStatus.MERGED, 1), (QuestionStatus.PENDING, 2)]
