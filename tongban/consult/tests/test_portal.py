"""我要提问 through the client: the form with its captcha, asking signed in or not, the page that shows the
private follow link once, a repeat merged into the question it repeats, the rate limits per address and per
account, the suggestions while typing, and no personal data on any public page or fragment."""

import re

import pytest
from captcha.conf import settings as captcha_settings
from captcha.models import CaptchaStore
from django.core.cache import cache

from tongban.catalog.tests.factories import ServiceItemFactory, published_implementation
from tongban.identity.access import actor_for
from tongban.identity.choices import Role
from tongban.identity.tests.factories import PersonFactory, StaffRoleFactory
from tongban.regions.tests.factories import OrganizationFactory

from ..choices import QuestionStatus
from ..models import Question, QuestionAsk
from ..services_answer import answer_give
from ..services_moderation import question_publish
from .public_board import answer_add, question_make

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tongban.consult.tests.urls_for_tests")]

ASK = "/questions/ask/"
FOLLOW_LINK = re.compile(r"https?://[^\"<\s]+/questions/follow/([\w-]+)/")


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


@pytest.fixture
def captcha_passes(monkeypatch):
    """The captcha's test mode: the answer "PASSED" passes (any other answer is checked as usual)."""
    monkeypatch.setattr(captcha_settings, "CAPTCHA_TEST_MODE", True)


def form(**overrides) -> dict:
    data = {
        "name": "李女士",
        "text": "在武汉缴纳的住房公积金，调到黄石工作后能否转移？需要什么材料？",
        "contact": "",
        "topic": "",
        "captcha_0": "dummy-key",
        "captcha_1": "PASSED",
    }
    return data | overrides


def test_the_form_asks_name_question_contact_topic_and_a_captcha(client):
    response = client.get(ASK)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="name"' in html and 'name="anonymous"' in html and 'name="text"' in html
    assert "仅用于工作人员联系您，不会公开" in html
    assert '<option value="housing_fund">公积金</option>' in html
    key = CaptchaStore.objects.get().hashkey
    assert f"/captcha/image/{key}/" in html and 'name="captcha_1"' in html
    assert 'hx-get="/questions/ask/suggest/"' in html and 'hx-trigger="input changed delay:400ms"' in html
    assert "no-store" in response["Cache-Control"]


def test_a_visitor_asks_and_is_shown_the_private_follow_link_once(client, captcha_passes):
    response = client.post(ASK, form(contact="13912345678"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "待审核" in html and "审核通过后公开" in html and "只显示这一次" in html
    assert "13912345678" not in html
    token = FOLLOW_LINK.search(html).group(1)
    question = Question.objects.get()
    assert (question.status, question.name, question.asker, question.contact) == (
        QuestionStatus.PENDING,
        "李女士",
        None,
        "13912345678",
    )
    asking = QuestionAsk.objects.get()
    assert token not in asking.follow_token_hash and len(asking.follow_token_hash) == 64
    assert "no-store" in response["Cache-Control"]
    assert client.get(f"/questions/follow/{token}/").status_code == 200


def test_a_signed_in_person_asks_anonymously_with_a_topic(client, captcha_passes):
    person = PersonFactory()
    client.force_login(person.user)

    response = client.post(ASK, form(name="", anonymous="on", topic="housing_fund"))

    assert response.status_code == 200
    question = Question.objects.get()
    assert (question.asker, question.anonymous, question.name, question.topic) == (
        person.user,
        True,
        "",
        "housing_fund",
    )


def test_a_wrong_captcha_is_refused_and_nothing_is_asked(client):
    client.get(ASK)
    key = CaptchaStore.objects.get().hashkey

    response = client.post(ASK, form(captcha_0=key, captcha_1="WRONG"))

    html = response.content.decode()
    assert response.status_code == 400
    assert "验证码：输入的字符不正确或已过期" in html
    assert not Question.objects.exists()
    assert "在武汉缴纳的住房公积金" in html  # what was typed is kept


def test_the_real_captcha_answer_passes(client):
    client.get(ASK)
    store = CaptchaStore.objects.get()

    response = client.post(ASK, form(captcha_0=store.hashkey, captcha_1=store.response.upper()))

    assert response.status_code == 200 and Question.objects.count() == 1


def test_a_name_is_needed_unless_asking_anonymously(client, captcha_passes):
    response = client.post(ASK, form(name=""))

    assert response.status_code == 400
    assert "称呼：请填写称呼，或勾选“匿名提问”。" in response.content.decode()
    assert not Question.objects.exists()


def test_the_services_message_is_shown_beside_its_field(client, captcha_passes):
    response = client.post(ASK, form(text="太短了"))

    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_text-error">问题内容：请至少写5个字' in html
    assert not Question.objects.exists()


def test_a_repeat_is_merged_and_links_to_the_question_when_it_is_public(client, captcha_passes):
    client.post(ASK, form())
    question = Question.objects.get()
    question.status, question.public_text = QuestionStatus.PUBLISHED, ""
    question.save()

    response = client.post(ASK, form(name="赵先生"), REMOTE_ADDR="10.0.0.2")

    html = response.content.decode()
    assert "已有相同的提问" in html
    assert f'href="/questions/{question.public_id}/"' in html
    assert FOLLOW_LINK.search(html) is not None  # the repeat has its own follow link
    question.refresh_from_db()
    assert question.asks == 2 and Question.objects.count() == 1


def test_a_repeat_of_a_question_under_review_is_not_linked(client, captcha_passes):
    client.post(ASK, form())

    html = client.post(ASK, form(), REMOTE_ADDR="10.0.0.2").content.decode()

    assert "该提问正在审核中" in html
    assert f"/questions/{Question.objects.get().public_id}/" not in html


def test_an_address_may_ask_five_times_in_ten_minutes(client, captcha_passes):
    for n in range(5):
        assert (
            client.post(ASK, form(text=f"第{n}个不同的问题：社保卡、医保、公积金{n * 7}号文件")).status_code
            == 200
        )

    response = client.post(ASK, form(text="第六个问题：孩子入学需要什么材料？"))

    html = response.content.decode()
    assert response.status_code == 429
    assert "提问过于频繁" in html and "10分钟内最多提交5次" in html
    assert QuestionAsk.objects.count() == 5
    assert client.post(ASK, form(), REMOTE_ADDR="10.0.0.9").status_code == 200  # another address


def test_an_account_may_ask_ten_times_a_day_from_any_address(client, captcha_passes):
    client.force_login(PersonFactory().user)
    for n in range(10):
        response = client.post(ASK, form(text=f"账号第{n}问：异地办理{n}"), REMOTE_ADDR=f"10.0.1.{n}")
        assert response.status_code == 200

    response = client.post(ASK, form(text="账号第十一问"), REMOTE_ADDR="10.0.2.1")

    assert response.status_code == 429
    assert QuestionAsk.objects.count() == 10


def test_suggestions_offer_items_and_answered_questions_while_typing(client):
    item = ServiceItemFactory(name="住房公积金转移接续")
    published_implementation(service_item=item)
    answered = question_make("公积金从武汉转移到黄石怎么办理？")
    answer_add(answered)

    response = client.get(
        "/questions/ask/suggest/", {"text": "我的公积金想转移到黄石"}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert f'href="/items/{item.basic_code}/where/"' in html and "住房公积金转移接续" in html
    assert f'href="/questions/{answered.public_id}/"' in html


def test_a_new_captcha_can_be_fetched_without_leaving_the_form(client):
    response = client.get("/questions/ask/captcha/")

    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert f"/captcha/image/{CaptchaStore.objects.get().hashkey}/" in html
    assert 'class="captcha-box"' in html


PHONE, ID_NUMBER, CONTACT = "13907141234", "420102199003071236", "18672345678"
PHONE_MASKED, ID_MASKED = "139****1234", "4201**********1236"


def test_a_phone_number_in_the_name_and_an_id_number_in_the_text_never_reach_a_public_page(
    client, captcha_passes
):
    """Asked through the form with personal data in the name and the text and a contact; published and
    answered through the services (the answer quoting the phone number too); then every public page and
    fragment is read by a visitor."""
    text = f"我的身份证号{ID_NUMBER}，社保卡在武汉办的，到鄂州能补办吗？"
    asked = client.post(ASK, form(name=f"张先生{PHONE}", text=text, contact=CONTACT)).content.decode()
    token = FOLLOW_LINK.search(asked).group(1)
    office = OrganizationFactory()
    moderator = StaffRoleFactory(role=Role.QUESTION_MODERATOR).user
    answerer = StaffRoleFactory(role=Role.REVIEWER, organization=office).user
    question = question_publish(question=Question.objects.get(), by=actor_for(moderator), department=office)
    answer = f"请携带身份证到窗口办理；如需联系，工作人员将拨打您的电话{PHONE}。"
    answer_give(question=question, by=actor_for(answerer), text=answer)

    pages = [
        asked,
        client.get("/questions/").content.decode(),
        client.get("/questions/", {"show": "all"}).content.decode(),
        client.get("/questions/", {"q": "社保卡"}).content.decode(),
        client.get(f"/questions/{question.public_id}/").content.decode(),
        client.get("/questions/ask/suggest/", {"text": "社保卡补办"}).content.decode(),
        client.get(f"/questions/follow/{token}/").content.decode(),
    ]

    assert ID_MASKED in pages[4] and "匿名网友" in pages[4]  # the page is the question's, masked
    assert f"/questions/{question.public_id}/" in pages[1] and f"/questions/{question.public_id}/" in pages[5]
    for html in pages:
        for secret in (PHONE, ID_NUMBER, CONTACT, "张先生"):
            assert secret not in html
    assert PHONE_MASKED in pages[4]  # the answer's mention is masked too
