"""The public board's reads: only published questions; answered means an Answer row exists; search over
what the public sees and the answer; the filters; a merged question leads to its target; suggestions."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tongban.catalog.tests.factories import ServiceItemFactory, published_implementation
from tongban.core.errors import NotFound
from tongban.regions.tests.factories import OrganizationFactory

from ..choices import QuestionStatus
from ..selectors import (
    BoardShow,
    answer_current,
    board_departments,
    question_public_find,
    questions_board,
    search_words,
    suggestions_for,
)
from .public_board import answer_add, asking_make, question_make

pytestmark = pytest.mark.django_db


def test_the_board_shows_only_published_questions_with_an_answer_by_default():
    answered = question_make("公积金异地贷款需要哪些材料？")
    answer_add(answered)
    waiting = question_make("孩子在黄石上学需要办理什么手续？")
    dated_only = question_make("只有答复时间没有答复内容的提问")
    dated_only.answered_at = datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC)
    dated_only.save()
    for status in (QuestionStatus.PENDING, QuestionStatus.REJECTED):
        answer_add(question_make(f"{status}的提问不公开", status=status))

    assert list(questions_board()) == [answered]
    assert set(questions_board(show=BoardShow.UNANSWERED)) == {waiting, dated_only}
    assert set(questions_board(show=BoardShow.ALL)) == {answered, waiting, dated_only}


def test_answered_questions_come_newest_answer_first():
    older, newer = question_make("第一个提问：社保卡"), question_make("第二个提问：医保卡")
    answer_add(newer)
    answer_add(older)

    assert list(questions_board()) == [older, newer]


def test_search_finds_words_in_the_public_wording_and_in_the_answer():
    housing = question_make("公积金贷款怎么办？")
    answer_add(housing, "请携带不动产权证书到公积金中心办理。")
    card = question_make("社会保障卡丢了在哪里补办？")
    answer_add(card)
    edited = question_make("原文提到了户口", public_text="落户咨询")
    answer_add(edited)

    assert list(questions_board(query="公积金")) == [housing]
    assert list(questions_board(query="不动产权证书")) == [housing]
    assert list(questions_board(query="社保卡 补办")) == [card]  # every word, in any of its spellings
    assert list(questions_board(query="落户")) == [edited]
    assert list(questions_board(query="户口")) == []  # the original wording is not what the public sees


def test_search_ignores_what_could_be_a_phone_or_id_number():
    question = question_make("我的电话13912345678，身份证420102199003071234，想问社保")
    answer_add(question)

    assert search_words("13912345678") == []
    assert list(questions_board(query="13912345678")) == []
    assert list(questions_board(query="420102199003071234")) == []
    assert list(questions_board(query="zhang@example.com")) == []
    assert list(questions_board(query="社保")) == [question]


def test_the_filters_narrow_by_department_and_topic():
    tax_office, school_office = OrganizationFactory(), OrganizationFactory()
    tax = question_make("个税怎么申报？", department=tax_office, topic="tax")
    school = question_make("转学手续", department=school_office, topic="education")
    for question in (tax, school):
        answer_add(question)
    question_make("未公开的提问", status=QuestionStatus.PENDING, department=OrganizationFactory())

    assert list(questions_board(department_id=tax_office.pk)) == [tax]
    assert list(questions_board(topic="education")) == [school]
    assert list(questions_board(topic="education", department_id=tax_office.pk)) == []
    assert set(board_departments()) == {tax_office, school_office}


def test_a_question_page_is_found_only_when_published():
    published = question_make()
    assert question_public_find(published.public_id) == published
    for status in (QuestionStatus.PENDING, QuestionStatus.REJECTED):
        hidden = question_make(f"{status}", status=status)
        with pytest.raises(NotFound):
            question_public_find(hidden.public_id)
    with pytest.raises(NotFound):
        question_public_find("0000000000")


def test_a_merged_question_leads_to_the_published_question_it_was_merged_into():
    target = question_make()
    merged = question_make("重复", status=QuestionStatus.MERGED, merged_into=target)
    twice = question_make("重复两次", status=QuestionStatus.MERGED, merged_into=merged)
    pending_target = question_make("待审", status=QuestionStatus.PENDING)
    into_pending = question_make("并入待审", status=QuestionStatus.MERGED, merged_into=pending_target)

    assert question_public_find(merged.public_id) == target
    assert question_public_find(twice.public_id) == target
    with pytest.raises(NotFound):
        question_public_find(into_pending.public_id)


def test_the_current_answer_is_the_newest_revision():
    question = question_make()
    assert answer_current(question) is None
    first = answer_add(question, "第一版答复")

    assert answer_current(question).answer == first and not answer_current(question).revised
    second = answer_add(question, "第二版答复", reason="补充办理地点")

    current = answer_current(question)
    assert (current.answer, current.revised, current.first_at) == (second, True, first.created_at)


def test_suggestions_offer_catalog_items_and_answered_questions_for_a_typed_question():
    item = ServiceItemFactory(name="社会保障卡补领")
    published_implementation(service_item=item)
    published_implementation(service_item=ServiceItemFactory(name="不动产登记资料查询"))
    answered = question_make("社保卡丢了怎么补办？")
    answer_add(answered)
    question_make("社保卡补办要多久？")  # not answered: not suggested
    question_make("社保卡补办的网点在哪", status=QuestionStatus.PENDING)

    found = suggestions_for("我的社保卡丢了，请问在鄂州能补办吗")

    assert found.items == [item]
    assert found.questions == [answered]


def test_nothing_is_suggested_for_a_single_character():
    answer_add(question_make("社保"))

    assert suggestions_for("社").items == [] and suggestions_for("社").questions == []


# --- The pages ------------------------------------------------------------------------------------

views = pytest.mark.urls("tongban.consult.tests.urls_for_tests")


@views
def test_the_list_shows_answered_questions_with_their_facts(client):
    office = OrganizationFactory(name="黄石市住房公积金中心")
    question = question_make("公积金异地转移需要哪些材料？", department=office, asks=4, name="欧阳明珠")
    answer_add(question)
    question_make("还没有答复的提问", department=office)

    response = client.get("/questions/")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="/questions/{question.public_id}/"' in html and "公积金异地转移需要哪些材料？" in html
    assert "已答复" in html and "同类提问 4 次" in html and "黄石市住房公积金中心" in html
    assert "提问人：欧**" in html and "欧阳明珠" not in html
    assert "还没有答复的提问" not in html


@views
def test_the_toggle_shows_unanswered_questions_with_their_due_date(client):
    due = question_make("待答复的提问", due_on=datetime.date(2026, 3, 2))
    late = question_make("已超期的提问", due_on=datetime.date(2020, 1, 2))

    html = client.get("/questions/", {"show": "unanswered"}).content.decode()

    assert "待答复的提问" in html and "答复期限 2026年3月2日" in html
    assert "已超期的提问" in html and "已超期" in html
    assert f"/questions/{due.public_id}/" in html and f"/questions/{late.public_id}/" in html


@views
def test_the_list_filters_and_paginates(client):
    office = OrganizationFactory(name="鄂州市教育局")
    for n in range(22):
        answer_add(question_make(f"入学问题第{n}号", department=office, topic="education"))
    answer_add(question_make("税务问题", topic="tax"))

    first = client.get("/questions/", {"department": office.pk}).content.decode()
    second = client.get("/questions/", {"department": office.pk, "page": 2}).content.decode()
    taxes = client.get("/questions/", {"topic": "tax", "department": "not-a-number"}).content.decode()

    assert "共 <strong>22</strong> 条" in first and "第 1/2 页" in first and "税务问题" not in first
    assert second.count('class="result question-row"') == 2
    assert f'<option value="{office.pk}" selected>鄂州市教育局</option>' in first
    assert "税务问题" in taxes and "共 <strong>1</strong> 条" in taxes


@views
def test_a_question_page_shows_the_current_answer_marked_as_revised(client):
    office = OrganizationFactory(name="武汉市医疗保障局")
    question = question_make(department=office)
    answer_add(question, "第一版答复")
    answer_add(question, "第二版：请登录鄂汇办办理。", reason="补充渠道")
    asking, _ = asking_make(question, rating=4, rating_comment="私下的评价意见")

    response = client.get(f"/questions/{question.public_id}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "第二版：请登录鄂汇办办理。" in html and "第一版答复" not in html
    assert "已修改" in html and "武汉市医疗保障局" in html
    assert "1 位提问人评价，平均 <strong>4.0</strong> 分" in html
    assert asking.rating_comment not in html  # comments stay private


@views
def test_an_unanswered_question_is_never_shown_as_answered(client):
    question = question_make(due_on=datetime.date(2026, 3, 2))
    question.answered_at = datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC)  # a date, no Answer row
    question.save()

    html = client.get(f"/questions/{question.public_id}/").content.decode()

    assert "待答复" in html and "已答复" not in html and "该提问尚未答复" in html


@views
def test_unpublished_questions_are_not_found_and_a_merged_one_redirects(client):
    target = question_make()
    merged = question_make("重复", status=QuestionStatus.MERGED, merged_into=target)
    pending = question_make("待审", status=QuestionStatus.PENDING)
    rejected = question_make("不予公开", status=QuestionStatus.REJECTED)

    assert client.get(f"/questions/{pending.public_id}/").status_code == 404
    assert client.get(f"/questions/{rejected.public_id}/").status_code == 404
    assert client.get("/questions/ffffffffff/").status_code == 404
    response = client.get(f"/questions/{merged.public_id}/")
    assert response.status_code == 301 and response["Location"] == f"/questions/{target.public_id}/"


@views
def test_the_list_reads_the_same_number_of_queries_for_any_number_of_rows(client):
    def board_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/questions/", {"show": "all"}).status_code == 200
        return len(captured)

    answer_add(question_make("一个提问", department=OrganizationFactory()))
    few = board_queries()
    for n in range(15):
        answer_add(question_make(f"更多的提问{n}", department=OrganizationFactory()))

    assert board_queries() == few
