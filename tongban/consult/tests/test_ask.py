"""Asking a question: bad input refused by field, test posts held back, repeats merged into one question with
a count (also with small changes, also from the same person at a lower bar), personal data masked in
public, the rules read from the editable lists and thresholds, and two identical submissions at once
making one question (PostgreSQL)."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from tongban.core.audit import AuditEntry
from tongban.core.errors import ValidationFailed
from tongban.core.tests.concurrency import run_together
from tongban.identity.access import actor_for
from tongban.identity.tests.factories import PersonFactory, make_id_number

from ..choices import QuestionEventKind, QuestionStatus
from ..models import Question, QuestionAsk, QuestionEvent, TriageThresholds, TriageWord
from ..services_ask import asking_by_token, follow_token_hash, question_ask
from ..triage import public_name, public_text
from .factories import QUESTIONS, VISITOR, asked, question_asked

pytestmark = pytest.mark.django_db

BASE = "公司拖欠了我两个月工资，老板一直说下个月发，请问应该去哪个部门投诉？需要准备什么材料？"
VARIANTS = (
    "公司拖欠了我两个月工资，老板一直说下个月发，请问我应该去哪个部门投诉？需要准备什么材料？",  # a word
    "公司拖欠了我两个月工资 老板一直说下个月发 请问应该去哪个部门投诉 需要准备什么材料!!",  # punctuation
    "公司拖欠了我两个月工资，老板一直说下个月发，请问应该去哪个部门投拆？需要准备什么材料？",  # a typo
)
# The same matter told anew: 79 % alike, below the bar of 85, above the same person's 75.
REWORDED = "公司两个月没发工资了，老板总说下个月发，我该去哪个部门投诉？要准备哪些材料？"


def nothing_created():
    return (Question.objects.count(), QuestionAsk.objects.count(), QuestionEvent.objects.count()) == (0, 0, 0)


# --- bad input ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"text": "   "}, "text", "问题内容：请填写您要咨询的问题。"),
        ({"text": "测试"}, "text", "问题内容：请至少写5个字，把问题说清楚。"),
        ({"text": "问" * 1001}, "text", "问题内容：不能超过1000个字（现有1001个字）。"),
        ({"text": BASE, "name": "张" * 51}, "name", "称呼：不能超过50个字。"),
        ({"text": BASE, "contact": "1" * 101}, "contact", "联系方式：不能超过100个字。"),
        ({"text": BASE, "topic": "weather"}, "topic", "主题：请从列表中选择，或不选。"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_changes_nothing(kwargs, field, message):
    with pytest.raises(ValidationFailed) as refused:
        question_ask(by=VISITOR, **kwargs)

    assert [(e.field, e.message) for e in refused.value.errors] == [(field, message)]
    assert nothing_created()
    assert not AuditEntry.objects.filter(action="question.asked").exists()


def test_control_characters_are_dropped_and_the_text_kept():
    question = question_asked("社保卡\x00丢了怎么补办？\n急用", topic="hr_social")

    assert (question.text, question.topic) == ("社保卡丢了怎么补办？\n急用", "hr_social")


# --- a new question -------------------------------------------------------------------------------------


def test_a_question_waits_for_moderation_with_its_asking_event_and_private_link():
    person = PersonFactory()

    result = question_ask(
        by=actor_for(person.user),
        text=QUESTIONS[0],
        name="王先生",
        contact="13900001111",
        topic="real_estate",
    )

    question = result.question
    assert (question.status, question.held, question.asks, question.flags) == (
        QuestionStatus.PENDING,
        False,
        1,
        [],
    )
    assert (question.asker, question.contact, question.name) == (person.user, "13900001111", "王先生")
    assert not result.merged
    assert result.asking.follow_token_hash == follow_token_hash(result.follow_token)
    assert result.follow_token not in result.asking.follow_token_hash
    assert len(result.follow_token) >= 32
    assert asking_by_token(result.follow_token) == result.asking
    assert list(question.events.values_list("kind", "actor_label")) == [(QuestionEventKind.ASKED, "王*生")]


def test_an_unknown_or_empty_follow_token_finds_nothing():
    asked(QUESTIONS[1])

    assert asking_by_token("not-a-token") is None
    assert asking_by_token("") is None
    assert asking_by_token(None) is None


def test_each_asking_is_audited_without_personal_data():
    id_number = make_id_number(3)
    asked(f"我的身份证号{id_number}，社保卡补办要多久？", name="13812345678", contact="lisi@qq.com")

    entry = AuditEntry.objects.get(action="question.asked")

    assert entry.detail == {
        "merged": False,
        "similarity": 100,
        "held": False,
        "flags": ["personal_data"],
        "length": len(f"我的身份证号{id_number}，社保卡补办要多久？"),
    }
    everything = f"{entry.detail} {entry.object_label} {entry.actor_label}"
    assert id_number not in everything and "13812345678" not in everything and "lisi" not in everything


# --- test posts -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["测试。。。", "测试测试测试", "12345", "11111", "123123", "测试一下吧", "asdfgh"]
)
def test_test_posts_are_held_back_with_the_reason(text):
    question = question_asked(text)

    assert question.held and question.status == QuestionStatus.PENDING
    assert [f["flag"] for f in question.flags] == ["junk"]
    held = question.events.get(kind=QuestionEventKind.HELD)
    assert held.reason == question.flags[0]["why"] and held.actor_label == "系统"


def test_a_test_post_four_times_is_one_held_question_asked_four_times():
    posts = ["测试测试测试", "测试，测试！", "测 试 测 试", "测试测试测试测试"]

    results = [asked(text) for text in posts]

    question = Question.objects.get()
    assert (question.held, question.asks) == (True, 4)
    assert [r.merged for r in results] == [False, True, True, True]
    assert question.askings.count() == 4


def test_abuse_holds_a_question_back_and_a_clean_question_never_merges_into_it():
    abusive = question_asked(BASE + "你们这些狗官就知道推来推去！")

    clean = question_asked(BASE)
    again = question_asked(BASE + "你们这些狗官就知道推来推去")

    assert abusive.held and abusive.flags == [{"flag": "abusive", "why": "提问内容含不文明用语「狗官」"}]
    assert not clean.held and clean.pk != abusive.pk
    assert again.pk == abusive.pk and again.asks == 2


# --- duplicates -----------------------------------------------------------------------------------------


def test_a_question_posted_four_times_with_small_changes_appears_once_asked_four_times():
    first = asked(BASE)
    repeats = [asked(text) for text in VARIANTS]

    question = Question.objects.get()
    assert question.pk == first.question.pk and question.asks == 4
    assert all(r.merged and r.question.pk == question.pk for r in repeats)
    first_sim, word, punctuation, typo = question.askings.values_list("similarity", flat=True)
    assert (first_sim, punctuation) == (100, 100)  # punctuation alone changes nothing that is compared
    assert 85 <= word < 100 and 85 <= typo < 100
    assert [f["flag"] for f in question.flags] == ["duplicate"]  # once, however often repeated
    assert question.flags[0]["why"].startswith("重复提问已合并计数：相似度")
    again = question.events.filter(kind=QuestionEventKind.ASKED_AGAIN)
    assert again.count() == 3
    assert again.first().reason.endswith(f"达到近似重复阈值85%，与提问 {question.public_id} 合并")
    assert len({r.follow_token for r in [first, *repeats]}) == 4  # each asker follows with their own link


def test_an_exact_repeat_says_the_text_is_the_same():
    question_asked(BASE)

    repeat = asked("  " + BASE.replace("，", ",") + "？？")

    assert repeat.merged and repeat.asking.similarity == 100
    assert repeat.question.flags[0]["why"] == "重复提问已合并计数：文字相同（不计空格、标点和重复的字）"


def test_the_same_person_is_merged_at_a_lower_bar_and_a_stranger_is_not():
    person = PersonFactory()
    first = question_ask(by=actor_for(person.user), text=BASE)

    same_account = question_ask(by=actor_for(person.user), text=REWORDED)
    stranger = asked(REWORDED)

    assert same_account.merged and same_account.question.pk == first.question.pk
    assert 75 <= same_account.asking.similarity < 85
    assert "同一提问人（同一账号或联系方式）适用较低阈值75%" in same_account.question.flags[0]["why"]
    assert not stranger.merged and stranger.question.pk != first.question.pk


def test_the_same_contact_counts_as_the_same_person():
    first = asked(BASE, contact="138-1234-5678")

    by_contact = asked(REWORDED, contact="+86 13812345678")
    other_contact = asked(REWORDED, contact="13900001111")

    assert by_contact.merged and by_contact.question.pk == first.question.pk
    assert not other_contact.merged


def test_questions_naming_different_places_are_not_duplicates(circle):
    huangshi = question_asked("黄石市公积金贷款的额度最高是多少？有没有什么条件？")

    huanggang = question_asked("黄冈市公积金贷款的额度最高是多少？有没有什么条件？")
    again = question_asked("黄石市公积金贷款额度最高是多少？有没有什么条件")

    assert huanggang.pk != huangshi.pk
    assert again.pk == huangshi.pk


def test_a_rejected_question_takes_no_repeats_and_a_merged_one_passes_them_to_its_target():
    rejected = question_asked(QUESTIONS[2])
    Question.objects.filter(pk=rejected.pk).update(status=QuestionStatus.REJECTED)
    target, merged = question_asked(QUESTIONS[3]), question_asked(QUESTIONS[4])
    Question.objects.filter(pk=merged.pk).update(status=QuestionStatus.MERGED, merged_into=target)

    after_rejected = question_asked(QUESTIONS[2])
    after_merged = question_asked(QUESTIONS[4])

    assert after_rejected.pk != rejected.pk and after_rejected.asks == 1
    assert after_merged.pk == target.pk and after_merged.asks == 2


def test_only_questions_of_the_last_duplicate_days_are_compared():
    old = question_asked(BASE)
    Question.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=181))

    again = question_asked(BASE)

    assert again.pk != old.pk


# --- personal data --------------------------------------------------------------------------------------


def test_a_phone_in_the_name_and_an_id_number_in_the_text_are_masked_for_the_public():
    id_number = make_id_number(9)

    question = question_asked(f"我的身份证号是{id_number}，异地办社保卡要多久？", name="张三13812345678")

    assert not question.held
    assert question.flags == [
        {"flag": "personal_data", "why": "称呼中有手机号码；提问内容中有身份证号码，公开时已遮盖"}
    ]
    assert public_name(question) == "匿名网友"
    assert (
        public_text(question)
        == f"我的身份证号是{id_number[:4]}**********{id_number[-4:]}，异地办社保卡要多久？"
    )
    assert (question.name, question.text) == (
        "张三13812345678",
        f"我的身份证号是{id_number}，异地办社保卡要多久？",
    )
    labels = "".join(question.events.values_list("actor_label", flat=True))
    assert "13812345678" not in labels


# --- rules are data -------------------------------------------------------------------------------------


def test_adding_and_switching_off_a_word_changes_the_decision():
    text = "这是一条演示数据，请勿处理"
    assert not question_asked(text).held

    word = TriageWord.objects.create(kind="junk", phrase="这是一条演示数据请勿处理", whole=True)
    Question.objects.all().delete()
    held = question_asked(text)
    word.active = False
    word.save()
    Question.objects.all().delete()

    assert held.held and held.flags[0]["why"] == "整条就是无效内容词「这是一条演示数据请勿处理」"
    assert not question_asked(text).held


def test_an_added_abusive_word_holds_what_it_did_not_hold_before():
    assert not question_asked("窗口工作人员真是笨蛋，教了三遍都不会").held

    TriageWord.objects.create(kind="abusive", phrase="笨蛋")
    question = question_asked("窗口的工作人员真是个笨蛋，问了三遍都说不清")

    assert question.held and question.flags[0] == {"flag": "abusive", "why": "提问内容含不文明用语「笨蛋」"}


# Told with more changes: 94 % alike.
MORE_CHANGED = "老板拖欠我两个月工资，一直说下个月发，请问应该去哪个部门投诉，需要准备什么材料"


@pytest.mark.parametrize(("percent", "merged"), [(85, True), (90, True), (95, False)])
def test_the_near_duplicate_bar_is_read_from_the_thresholds(percent, merged):
    TriageThresholds.objects.update_or_create(pk=1, defaults={"near_duplicate_percent": percent})
    question_asked(BASE)

    result = asked(MORE_CHANGED)

    assert result.merged is merged
    assert Question.objects.count() == (1 if merged else 2)


def test_the_fewest_meaningful_characters_and_the_days_are_read_from_the_thresholds():
    TriageThresholds.objects.update_or_create(pk=1, defaults={"min_chars": 8, "duplicate_days": 7})
    old = question_asked(BASE)
    Question.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=8))

    short = question_asked("社保怎么转移？")
    again = question_asked(BASE)

    assert short.held and "只有6个不同的字（少于阈值8个）" in short.flags[0]["why"]
    assert again.pk != old.pk


# --- at the same time -----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_identical_questions_submitted_at_once_make_one_question_asked_that_many_times():
    results = run_together(*[(lambda: asked(BASE)) for _ in range(3)])

    assert all(not isinstance(r, Exception) for r in results), results
    question = Question.objects.get()
    assert question.asks == 3 and question.askings.count() == 3
    assert sorted(r.merged for r in results) == [False, True, True]
