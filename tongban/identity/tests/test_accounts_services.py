"""Account services: resident ID checks (GB 11643), registering persons and companies, a company's
operators, passwords. Bad input names its field in Chinese and changes nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from stdnum.cn import ric

from tongban.core.errors import ValidationFailed
from tongban.core.identifiers import make_uscc
from tongban.core.models import AuditEntry
from tongban.identity.access import AccessDenied, ActionRefused, Actor, actor_for
from tongban.identity.choices import AccountKind, IdentityVerification
from tongban.identity.models import Company, CompanyOperator, Person, User
from tongban.identity.resident_ids import resident_id_check
from tongban.identity.services.accounts import (
    OPERATOR_NOT_FOUND,
    company_operator_add,
    company_operator_revoke,
    company_register,
    password_change,
    person_register,
)

from .factories import CompanyFactory, PersonFactory, make_id_number

GOOD_PASSWORD = "Wuhan-circle-2026"
VISITOR = Actor(ip="10.0.0.7")


def with_check_digit(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


def person_input(**overrides) -> dict:
    return {
        "username": "zhangsan",
        "real_name": "张三",
        "id_number": make_id_number(11),
        "phone": "15100006702",
        "email": "zhangsan@example.com",
        "password": GOOD_PASSWORD,
        **overrides,
    }


def company_input(**overrides) -> dict:
    return {
        "username": "wuhan-tech",
        "name": "武汉通办科技有限公司",
        "uscc": make_uscc(registry="91", region_code="420100", org_body="TB000001"),
        "legal_representative": "李四",
        "legal_representative_id_number": make_id_number(21),
        "phone": "027-87654321",
        "email": "",
        "password": GOOD_PASSWORD,
        **overrides,
    }


def errors_of(exc: ValidationFailed) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for error in exc.errors:
        found.setdefault(error.field, []).append(error.message)
    return found


# --- Resident ID numbers --------------------------------------------------------------------------------


def test_a_valid_id_number_gives_its_birth_date_and_region():
    resident = resident_id_check(with_check_digit("42010219900307001"))

    assert resident.birth_date == datetime.date(1990, 3, 7)
    assert resident.region_code == "420102"


def test_a_lower_case_x_check_digit_is_accepted_as_x():
    number = with_check_digit("42070419900101001")  # ends in X
    assert number.endswith("X")

    assert resident_id_check(number.lower()).number == number


def test_a_district_code_newer_than_the_birth_year_is_accepted():
    """鄂城区 (420704) exists since 1987; people born before got their number later, under that code."""
    resident = resident_id_check(with_check_digit("42070419800101001"))

    assert resident.region_code == "420704"


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("", "公民身份号码：请填写公民身份号码。"),
        ("420102900307001", "公民身份号码：15位旧号码已停止使用，请输入18位公民身份号码。"),
        ("42010219900307001", "公民身份号码：应为18位（最后一位可能是X），您输入了17位。"),
        ("4201021990030700A1", "公民身份号码：前17位应为数字，最后一位为数字或X。"),
        (
            with_check_digit("42010219900231001"),
            "公民身份号码：第7—14位的出生日期 19900231 不是有效日期，请核对。",
        ),
        (with_check_digit("42010221990101001"), "公民身份号码：第7—14位的出生日期 21990101 不可能，请核对。"),
        (
            with_check_digit("42999919900307001"),
            "公民身份号码：前6位地址码 429999 不是有效的行政区划代码，请核对。",
        ),
    ],
    ids=["empty", "15-digit", "17-digit", "letter", "31 February", "future", "unknown region"],
)
def test_a_bad_id_number_is_refused_with_a_message_naming_the_field(number, message):
    with pytest.raises(ValidationError) as caught:
        resident_id_check(number)

    assert caught.value.messages == [message]


def test_a_wrong_check_digit_is_refused():
    number = make_id_number(3)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")

    with pytest.raises(ValidationError) as caught:
        resident_id_check(wrong)

    assert caught.value.messages == ["公民身份号码：校验位（最后一位）不正确，请核对是否输错。"]


# --- Registering a person -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_person_register_creates_the_account_and_its_person():
    user = person_register(**person_input(), by=VISITOR)

    person = Person.objects.get(user=user)
    assert (user.kind, user.display_name, user.email) == (AccountKind.PERSON, "张三", "zhangsan@example.com")
    assert user.check_password(GOOD_PASSWORD)
    assert (person.real_name, person.id_number, person.phone) == ("张三", make_id_number(11), "15100006702")
    assert (person.birth_date, person.region_code) == (datetime.date(1990, 3, 7), "420102")
    assert person.verification == IdentityVerification.SELF_DECLARED


@pytest.mark.django_db
def test_person_register_is_audited_with_the_id_number_masked():
    user = person_register(**person_input(), by=VISITOR)

    entry = AuditEntry.objects.get(action="account.registered")
    number = make_id_number(11)
    assert (entry.actor_id, entry.object_id, entry.ip) == (user.pk, str(user.pk), "10.0.0.7")
    assert entry.detail == {"kind": "person", "id_number": number[:4] + "*" * 10 + number[-4:]}


@pytest.mark.django_db
def test_the_id_and_phone_numbers_are_not_stored_in_clear():
    user = person_register(**person_input(), by=VISITOR)

    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM identity_person WHERE user_id = %s", [user.pk])
        stored = " ".join(cursor.fetchone())
    assert make_id_number(11) not in stored
    assert "15100006702" not in stored


@pytest.mark.django_db
def test_person_register_reports_every_bad_field_at_once_and_creates_nothing():
    with pytest.raises(ValidationFailed) as caught:
        person_register(
            **person_input(
                username="1abc",
                real_name="张3",
                id_number="420102900307001",
                phone="12345",
                email="not-an-address",
                password="12345678",
            ),
            by=VISITOR,
        )

    assert errors_of(caught.value) == {
        "username": ["用户名：应为4—30个字符，以英文字母开头，只能包含英文字母、数字、下划线、点和短横线。"],
        "real_name": ["姓名：请填写与居民身份证一致的姓名（2—50个字，不含数字和符号）。"],
        "id_number": ["公民身份号码：15位旧号码已停止使用，请输入18位公民身份号码。"],
        "phone": ["手机号码：应为11位手机号码（以13—19开头）。"],
        "email": ["电子邮箱：格式不正确，例如 zhangsan@example.com。"],
        "password": ["密码：这个密码太常见了。", "密码：密码只包含数字。"],
    }
    assert (User.objects.count(), Person.objects.count(), AuditEntry.objects.count()) == (0, 0, 0)


@pytest.mark.django_db
def test_a_short_password_is_refused_in_chinese():
    with pytest.raises(ValidationFailed) as caught:
        person_register(**person_input(password="Ab1-x"), by=VISITOR)

    assert errors_of(caught.value) == {"password": ["密码：此密码太短，至少要包含 8 个字符。"]}


@pytest.mark.django_db
def test_a_registered_id_number_cannot_register_again():
    PersonFactory(id_number=make_id_number(11))

    with pytest.raises(ValidationFailed) as caught:
        person_register(**person_input(), by=VISITOR)

    assert errors_of(caught.value) == {
        "id_number": ["公民身份号码：该号码已注册过账号，请直接登录；忘记密码可找回。"]
    }
    assert (User.objects.count(), AuditEntry.objects.count()) == (1, 0)


@pytest.mark.django_db
def test_a_user_name_is_taken_whatever_its_case():
    person_register(**person_input(), by=VISITOR)

    with pytest.raises(ValidationFailed) as caught:
        person_register(**person_input(username="ZhangSan", id_number=make_id_number(12)), by=VISITOR)

    assert errors_of(caught.value) == {"username": ["用户名：该用户名已被使用，请换一个。"]}
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_a_failure_while_writing_leaves_nothing_half_written(monkeypatch):
    def broken_create(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Person.objects, "create", broken_create)

    with pytest.raises(RuntimeError):
        person_register(**person_input(), by=VISITOR)

    assert (User.objects.count(), AuditEntry.objects.count()) == (0, 0)


# --- Registering a company ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_company_register_creates_the_account_and_its_company():
    user = company_register(**company_input(), by=VISITOR)

    company = Company.objects.get(user=user)
    assert (user.kind, user.display_name) == (AccountKind.COMPANY, "武汉通办科技有限公司")
    assert (company.name, company.legal_representative) == ("武汉通办科技有限公司", "李四")
    assert company.legal_representative_id_number == make_id_number(21)
    assert company.phone == "027-87654321"
    assert AuditEntry.objects.get(action="account.registered").detail == {
        "kind": "company",
        "uscc": company.uscc,
    }


@pytest.mark.django_db
def test_a_bad_uscc_is_refused_in_chinese_and_creates_nothing():
    good = company_input()["uscc"]
    wrong = good[:17] + ("0" if good[17] != "0" else "1")

    with pytest.raises(ValidationFailed) as caught:
        company_register(**company_input(uscc=wrong), by=VISITOR)

    assert errors_of(caught.value) == {"uscc": ["统一社会信用代码校验位不正确，请核对是否输错。"]}
    assert (User.objects.count(), Company.objects.count(), AuditEntry.objects.count()) == (0, 0, 0)


@pytest.mark.django_db
def test_the_legal_representatives_id_number_is_checked_and_named():
    with pytest.raises(ValidationFailed) as caught:
        company_register(
            **company_input(
                legal_representative_id_number=with_check_digit("42010219900231001"), phone="110"
            ),
            by=VISITOR,
        )

    assert errors_of(caught.value) == {
        "legal_representative_id_number": [
            "法定代表人公民身份号码：第7—14位的出生日期 19900231 不是有效日期，请核对。"
        ],
        "phone": ["联系电话：请填写11位手机号码，或带区号的固定电话（如 027-87654321）。"],
    }
    assert Company.objects.count() == 0


@pytest.mark.django_db
def test_a_registered_uscc_cannot_register_again():
    CompanyFactory(uscc=company_input()["uscc"])

    with pytest.raises(ValidationFailed) as caught:
        company_register(**company_input(), by=VISITOR)

    assert list(errors_of(caught.value)) == ["uscc"]
    assert Company.objects.count() == 1


# --- A company's operators ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_company_adds_a_registered_person_as_its_operator():
    company, person = CompanyFactory(), PersonFactory(real_name="王五")

    operator = company_operator_add(
        company=company, real_name="王五", id_number=person.id_number, by=actor_for(company.user)
    )

    assert (operator.company, operator.person, operator.revoked_at) == (company, person, None)
    entry = AuditEntry.objects.get(action="company.operator_added")
    assert (entry.actor_id, entry.object_id) == (company.user_id, str(company.pk))
    assert entry.detail["id_number"] == person.id_number[:4] + "*" * 10 + person.id_number[-4:]


@pytest.mark.django_db
def test_an_unknown_number_and_a_wrong_name_get_the_same_answer():
    company, person = CompanyFactory(), PersonFactory(real_name="王五")
    actor = actor_for(company.user)

    with pytest.raises(ValidationFailed) as unknown:
        company_operator_add(company=company, real_name="王五", id_number=make_id_number(999), by=actor)
    with pytest.raises(ValidationFailed) as wrong_name:
        company_operator_add(company=company, real_name="王六", id_number=person.id_number, by=actor)

    assert unknown.value.errors == wrong_name.value.errors
    assert unknown.value.message == wrong_name.value.message == OPERATOR_NOT_FOUND
    assert CompanyOperator.objects.count() == 0


@pytest.mark.django_db
def test_someone_else_may_not_add_operators_and_nothing_changes():
    company, person, stranger = CompanyFactory(), PersonFactory(real_name="王五"), PersonFactory()

    with pytest.raises(AccessDenied):
        company_operator_add(
            company=company, real_name="王五", id_number=person.id_number, by=actor_for(stranger.user)
        )

    assert (CompanyOperator.objects.count(), AuditEntry.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_an_operator_sees_the_company_but_may_not_add_operators():
    company, operator, person = CompanyFactory(), PersonFactory(), PersonFactory(real_name="王五")
    CompanyOperator.objects.create(company=company, person=operator)

    with pytest.raises(ActionRefused):
        company_operator_add(
            company=company, real_name="王五", id_number=person.id_number, by=actor_for(operator.user)
        )

    assert CompanyOperator.objects.count() == 1


@pytest.mark.django_db
def test_an_active_operator_cannot_be_added_twice():
    company, person = CompanyFactory(), PersonFactory(real_name="王五")
    actor = actor_for(company.user)
    company_operator_add(company=company, real_name="王五", id_number=person.id_number, by=actor)

    with pytest.raises(ValidationFailed) as caught:
        company_operator_add(company=company, real_name="王五", id_number=person.id_number, by=actor)

    assert errors_of(caught.value) == {"id_number": ["公民身份号码：此人已是本单位的经办人。"]}
    assert CompanyOperator.objects.count() == 1


@pytest.mark.django_db
def test_a_company_revokes_an_operator_once():
    company = CompanyFactory()
    operator = CompanyOperator.objects.create(company=company, person=PersonFactory())
    actor = actor_for(company.user)

    company_operator_revoke(operator=operator, by=actor)
    with pytest.raises(ValidationFailed):
        company_operator_revoke(operator=operator, by=actor)

    operator.refresh_from_db()
    assert operator.revoked_at is not None
    assert AuditEntry.objects.filter(action="company.operator_revoked").count() == 1


@pytest.mark.django_db
def test_someone_else_may_not_revoke_an_operator_and_nothing_changes():
    company = CompanyFactory()
    operator = CompanyOperator.objects.create(company=company, person=PersonFactory())

    with pytest.raises(AccessDenied):
        company_operator_revoke(operator=operator, by=actor_for(PersonFactory().user))

    operator.refresh_from_db()
    assert operator.revoked_at is None
    assert AuditEntry.objects.count() == 0


# --- Passwords ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_password_change_is_audited():
    person = PersonFactory()

    password_change(user=person.user, password="Another-pass-2026", by=actor_for(person.user))

    person.user.refresh_from_db()
    assert person.user.check_password("Another-pass-2026")
    entry = AuditEntry.objects.get(action="password.changed")
    assert (entry.actor_id, entry.object_id) == (person.user_id, str(person.user_id))


@pytest.mark.django_db
def test_a_weak_new_password_is_refused_and_the_old_one_kept():
    person = PersonFactory()

    with pytest.raises(ValidationFailed):
        password_change(user=person.user, password="password", by=actor_for(person.user))

    person.user.refresh_from_db()
    assert person.user.check_password("Tongban-test-2026")
    assert AuditEntry.objects.count() == 0
