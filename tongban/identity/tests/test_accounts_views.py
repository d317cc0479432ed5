"""Registration, my account and a company's operators through the pages."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django_ratelimit import core as ratelimit_core

from tongban.core.identifiers import make_uscc
from tongban.core.models import AuditEntry
from tongban.identity.models import Company, CompanyOperator, Person, User

from .factories import CompanyFactory, PersonFactory, StaffRoleFactory, make_id_number

NEW_PASSWORD = "Wuhan-circle-2026"
ID_NUMBER = make_id_number(31)
PHONE = "15100006702"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def person_form(**overrides) -> dict:
    return {
        "real_name": "张三",
        "id_number": ID_NUMBER,
        "phone": PHONE,
        "username": "zhangsan",
        "email": "zhangsan@example.com",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **overrides,
    }


def company_form(**overrides) -> dict:
    return {
        "name": "武汉通办科技有限公司",
        "uscc": make_uscc(registry="91", region_code="420100", org_body="TB000002"),
        "legal_representative": "李四",
        "legal_representative_id_number": make_id_number(32),
        "phone": "13900001111",
        "username": "wuhan-tech",
        "email": "",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **overrides,
    }


def masked(value: str, keep_start: int, keep_end: int = 4) -> str:
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


# --- Registration -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_registration_page_offers_person_and_company(client):
    page = client.get("/register/").content.decode()

    assert '<a href="/register/person/">个人注册</a>' in page
    assert '<a href="/register/company/">法人注册</a>' in page


@pytest.mark.django_db
def test_register_then_log_in_then_my_account_shows_masked_numbers_only(client):
    registered = client.post("/register/person/", person_form())
    welcome = client.get(registered.url).content.decode()
    logged_in = client.post("/login/", {"username": "zhangsan", "password": NEW_PASSWORD})
    page = client.get(logged_in.url).content.decode()

    assert (registered.status_code, registered.url) == (302, "/login/")
    assert "注册成功。请使用用户名 zhangsan 登录。" in welcome
    assert logged_in.url == "/account/"
    assert "<h1>我的账号</h1>" in page
    assert masked(ID_NUMBER, 4) in page
    assert masked(PHONE, 3) in page
    assert "本人填报" in page
    assert ID_NUMBER not in page and PHONE not in page
    assert AuditEntry.objects.filter(action="account.registered").count() == 1


@pytest.mark.django_db
def test_a_registration_with_errors_shows_each_next_to_its_field_and_keeps_the_values(client):
    response = client.post(
        "/register/person/",
        person_form(id_number="420102900307001", phone="123", password2="something-else"),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert (
        '<p class="field-error" id="id_id_number-error">'
        "公民身份号码：15位旧号码已停止使用，请输入18位公民身份号码。</p>"
    ) in page
    assert 'aria-describedby="id_id_number-hint id_id_number-error"' in page
    assert '<p class="field-error" id="id_password2-error">确认密码：两次输入的密码不一致。</p>' in page
    assert 'value="张三"' in page and 'value="420102900307001"' in page
    assert NEW_PASSWORD not in page
    assert 'aria-invalid="true"' in page
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_service_errors_come_back_on_their_fields(client):
    PersonFactory(id_number=ID_NUMBER)

    page = client.post("/register/person/", person_form(phone="12345678901")).content.decode()

    assert "公民身份号码：该号码已注册过账号，请直接登录；忘记密码可找回。" in page
    assert "手机号码：应为11位手机号码（以13—19开头）。" in page
    assert len(re.findall(r'<li><a href="#id_(id_number|phone)">', page)) == 2


@pytest.mark.django_db
def test_an_empty_registration_names_every_required_field(client):
    page = client.post("/register/person/", {}).content.decode()

    for message in ["姓名：请填写姓名。", "公民身份号码：请填写公民身份号码。", "手机号码：请填写手机号码。"]:
        assert message in page
    assert "电子邮箱：请填写" not in page


@pytest.mark.django_db
def test_a_company_registers_and_sees_its_uscc_and_masked_representative(client):
    form = company_form()
    client.post("/register/company/", form)
    client.post("/login/", {"username": "wuhan-tech", "password": NEW_PASSWORD})

    page = client.get("/account/").content.decode()

    assert Company.objects.get().name == "武汉通办科技有限公司"
    assert "<dt>单位名称</dt><dd>武汉通办科技有限公司</dd>" in page
    assert form["uscc"] in page
    assert masked(form["legal_representative_id_number"], 4) in page
    assert form["legal_representative_id_number"] not in page
    assert "13900001111" not in page and "139****1111" in page


@pytest.mark.django_db
def test_registration_is_limited_to_ten_attempts_an_hour_per_address(client, monkeypatch):
    monkeypatch.setattr(ratelimit_core.time, "time", lambda: 1_800_000_000)
    for n in range(10):
        client.post("/register/person/", person_form(username=f"user{n}", id_number="bad"))

    response = client.post("/register/person/", person_form())

    assert response.status_code == 429
    assert "操作过于频繁" in response.content.decode()
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_registration_needs_the_csrf_token():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/register/person/", person_form())

    assert response.status_code == 403
    assert User.objects.count() == 0


# --- My account ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_my_account_needs_a_login(client):
    response = client.get("/account/")

    assert (response.status_code, response.url) == (302, "/login/?next=/account/")


@pytest.mark.django_db
def test_a_persons_account_lists_the_companies_they_operate_for(client):
    person = PersonFactory()
    CompanyOperator.objects.create(company=CompanyFactory(name="黄石示例有限公司"), person=person)
    client.force_login(person.user)

    page = client.get("/account/").content.decode()

    assert "我担任经办人的单位" in page and "黄石示例有限公司" in page


@pytest.mark.django_db
def test_a_staff_account_shows_its_roles(client):
    role = StaffRoleFactory(organization__name="鄂州市政务服务和大数据管理局")
    client.force_login(role.user)

    page = client.get("/account/").content.decode()

    assert "鄂州市政务服务和大数据管理局" in page and "窗口收件人员" in page


@pytest.mark.django_db
def test_my_account_has_password_change_and_a_logout_form(client):
    client.force_login(PersonFactory().user)

    page = client.get("/account/").content.decode()

    assert '<a href="/account/password/">修改密码</a>' in page
    assert page.count('action="/logout/"') == 2  # the header's and the page's


# --- A company's operators ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_company_adds_and_revokes_an_operator_through_the_page(client):
    company, person = CompanyFactory(), PersonFactory(real_name="王五")
    client.force_login(company.user)

    added = client.post("/account/operators/", {"real_name": "王五", "id_number": person.id_number})
    listed = client.get("/account/operators/").content.decode()
    operator = CompanyOperator.objects.get()
    revoked = client.post(f"/account/operators/{operator.pk}/revoke/", follow=True)

    assert (added.status_code, added.url) == (302, "/account/operators/")
    assert "已将王五添加为经办人。" in listed
    assert masked(person.id_number, 4) in listed and person.id_number not in listed
    assert "已撤销王五的经办人授权。" in revoked.content.decode()
    operator.refresh_from_db()
    assert operator.revoked_at is not None


@pytest.mark.django_db
def test_the_operator_form_does_not_tell_an_unknown_number_from_a_wrong_name(client):
    company, person = CompanyFactory(), PersonFactory(real_name="王五")
    client.force_login(company.user)

    unknown = client.post("/account/operators/", {"real_name": "王五", "id_number": make_id_number(998)})
    wrong_name = client.post("/account/operators/", {"real_name": "王六", "id_number": person.id_number})

    def error_text(response):
        return re.search(r'<div class="error-summary".*?</div>', response.content.decode(), re.S).group(0)

    assert error_text(unknown) == error_text(wrong_name)
    assert "未找到姓名与公民身份号码相符的已注册个人用户" in error_text(unknown)
    assert CompanyOperator.objects.count() == 0


@pytest.mark.django_db
def test_a_person_has_no_operators_page_and_the_refusal_is_audited(client):
    person = PersonFactory()
    client.force_login(person.user)

    response = client.get("/account/operators/")

    assert response.status_code == 404
    assert AuditEntry.objects.get(action="access.denied").actor_id == person.user_id


@pytest.mark.django_db
def test_another_company_cannot_revoke_an_operator_and_nothing_changes(client):
    operator = CompanyOperator.objects.create(company=CompanyFactory(), person=PersonFactory())
    client.force_login(CompanyFactory().user)

    response = client.post(f"/account/operators/{operator.pk}/revoke/")

    assert response.status_code == 404
    operator.refresh_from_db()
    assert operator.revoked_at is None


@pytest.mark.django_db
def test_revoking_needs_a_post(client):
    operator = CompanyOperator.objects.create(company=CompanyFactory(), person=PersonFactory())
    client.force_login(operator.company.user)

    response = client.get(f"/account/operators/{operator.pk}/revoke/")

    assert response.status_code == 405
    operator.refresh_from_db()
    assert operator.revoked_at is None


@pytest.mark.django_db
def test_the_person_registered_through_the_page_can_log_in_by_id_number(client):
    client.post("/register/person/", person_form())

    response = client.post("/login/", {"username": ID_NUMBER, "password": NEW_PASSWORD})

    assert response.status_code == 302
    assert Person.objects.get().user.username == "zhangsan"


@pytest.mark.django_db
def test_my_account_links_the_mandates_and_the_identity_code_pages_once_they_exist(client):
    from django.urls import NoReverseMatch, reverse

    client.force_login(PersonFactory().user)

    page = client.get("/account/").content.decode()

    for name in ("identity:mandates", "identity:code"):
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        assert f'<a href="{url}">' in page
