"""Mandates (委托代办): creating and revoking them, and the reads scoped to their parties."""

import datetime

import pytest
from django.utils import timezone

from tongban.catalog.tests.factories import ServiceItemFactory
from tongban.core.errors import Conflict, ValidationFailed
from tongban.core.models import AuditEntry
from tongban.identity.access import AccessDenied, ActionRefused, actor_for
from tongban.identity.choices import AccountKind, Role
from tongban.identity.models import CompanyOperator, Mandate
from tongban.identity.selectors.mandates import (
    MandateStatus,
    Party,
    agent_party,
    mandate_covering,
    mandate_get,
    mandate_status,
    mandates_given,
    mandates_received,
    principal_party,
)
from tongban.identity.services.mandates import (
    AGENT_ID_INVALID,
    AGENT_UNKNOWN,
    mandate_create,
    mandate_revoke,
    one_year_after,
)

from .factories import (
    CompanyFactory,
    MandateFactory,
    PersonFactory,
    StaffRoleFactory,
    UserFactory,
    make_id_number,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def create(by, agent, **overrides) -> Mandate:
    values = {
        "agent_name": agent.real_name,
        "agent_id_number": agent.id_number,
        "all_items": True,
        "item_codes": [],
        "starts_on": TODAY(),
        "expires_on": TODAY() + datetime.timedelta(days=30),
    }
    return mandate_create(by=by, **(values | overrides))


def refused(by, agent, **overrides) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        create(by, agent, **overrides)
    assert Mandate.objects.count() == 0
    assert not AuditEntry.objects.filter(action="mandate.created").exists()
    return caught.value


def messages(error: ValidationFailed) -> dict[str, str]:
    return {e.field: e.message for e in error.errors}


# --- Creating ---------------------------------------------------------------------------------------


def test_a_person_mandates_a_registered_person_for_listed_items():
    principal, agent = PersonFactory(), PersonFactory(real_name="李娜")
    items = ServiceItemFactory.create_batch(2)

    mandate = create(
        actor_for(principal.user),
        agent,
        all_items=False,
        item_codes=[f" {items[0].basic_code} ", items[1].basic_code, items[0].basic_code],
        note="  代办社保卡补领  ",
    )

    assert (mandate.principal, mandate.agent, mandate.all_items) == (principal.user, agent, False)
    assert mandate.item_codes == [items[0].basic_code, items[1].basic_code]
    assert mandate.note == "代办社保卡补领"
    entry = AuditEntry.objects.get(action="mandate.created")
    assert (entry.actor_id, entry.object_type, entry.object_id) == (
        principal.user.pk,
        "identity.mandate",
        str(mandate.pk),
    )
    assert entry.detail == {
        "all_items": False,
        "item_codes": [items[0].basic_code, items[1].basic_code],
        "starts_on": TODAY().isoformat(),
        "expires_on": (TODAY() + datetime.timedelta(days=30)).isoformat(),
    }
    assert agent.id_number not in entry.object_label


def test_a_company_account_is_the_principal_of_its_mandates():
    company, agent = CompanyFactory(), PersonFactory()

    mandate = create(actor_for(company.user), agent)

    assert mandate.principal == company.user


def test_an_operator_acting_for_the_company_makes_the_company_the_principal():
    company, operator, agent = CompanyFactory(), PersonFactory(), PersonFactory()
    CompanyOperator.objects.create(company=company, person=operator)

    mandate = create(actor_for(operator.user, on_behalf_of=company.user), agent)

    assert mandate.principal == company.user
    assert AuditEntry.objects.get(action="mandate.created").on_behalf_of_id == company.user.pk


def test_an_agent_cannot_pass_a_mandate_on():
    principal, agent, third = PersonFactory(), PersonFactory(), PersonFactory()

    with pytest.raises(ActionRefused) as caught:
        create(actor_for(agent.user, on_behalf_of=principal.user), third)

    assert caught.value.message == "受托人不能以委托人的名义再委托他人。"
    assert Mandate.objects.count() == 0


def test_staff_and_token_clients_cannot_create_mandates():
    staff = StaffRoleFactory(role=Role.WINDOW_CLERK).user
    agent = PersonFactory()

    with pytest.raises(AccessDenied):
        create(actor_for(staff), agent)
    assert Mandate.objects.count() == 0


def test_an_unregistered_agent_and_a_wrong_name_get_the_same_answer():
    principal, agent = PersonFactory(), PersonFactory(real_name="王强")
    by = actor_for(principal.user)

    unknown = refused(by, agent, agent_name="王强", agent_id_number=make_id_number(900))
    wrong_name = refused(by, agent, agent_name="王刚")

    assert messages(unknown) == messages(wrong_name) == {"agent_id_number": AGENT_UNKNOWN}


def test_an_inactive_agent_is_not_found():
    principal, agent = PersonFactory(), PersonFactory()
    agent.user.is_active = False
    agent.user.save()

    error = refused(actor_for(principal.user), agent)

    assert messages(error) == {"agent_id_number": AGENT_UNKNOWN}


def test_the_agent_fields_are_checked_before_any_lookup():
    principal, agent = PersonFactory(), PersonFactory()
    by = actor_for(principal.user)

    assert messages(refused(by, agent, agent_name=" ", agent_id_number="")) == {
        "agent_name": "请填写受托人姓名。",
        "agent_id_number": "请填写受托人公民身份号码。",
    }
    bad_check_digit = agent.id_number[:-1] + ("1" if agent.id_number[-1] != "1" else "2")
    assert messages(refused(by, agent, agent_id_number=bad_check_digit)) == {
        "agent_id_number": AGENT_ID_INVALID
    }
    assert messages(refused(by, agent, agent_id_number="420102900307123")) == {
        "agent_id_number": AGENT_ID_INVALID
    }


def test_nobody_mandates_themselves():
    principal = PersonFactory()

    error = refused(actor_for(principal.user), principal)

    assert messages(error) == {"agent_id_number": "不能委托自己为受托人。"}


def test_unknown_item_codes_are_listed():
    principal, agent = PersonFactory(), PersonFactory()
    known = ServiceItemFactory()

    error = refused(
        actor_for(principal.user), agent, all_items=False, item_codes=[known.basic_code, "990000000001", "X"]
    )

    assert messages(error) == {"item_codes": "以下事项编码在事项目录中不存在：990000000001、X。"}


def test_all_items_and_a_list_exclude_each_other():
    principal, agent = PersonFactory(), PersonFactory()
    by = actor_for(principal.user)
    item = ServiceItemFactory()

    both = refused(by, agent, all_items=True, item_codes=[item.basic_code])
    neither = refused(by, agent, all_items=False, item_codes=[" ", ""])

    assert messages(both) == {"item_codes": "已选择“全部事项”，请不要再列出具体事项。"}
    assert messages(neither) == {"item_codes": "请列出委托办理的事项（基本编码），或选择“全部事项”。"}


def test_the_term_starts_today_at_the_earliest_and_lasts_at_most_a_year():
    principal, agent = PersonFactory(), PersonFactory()
    by = actor_for(principal.user)
    today = TODAY()
    latest = one_year_after(today)

    past = refused(by, agent, starts_on=today - datetime.timedelta(days=1), expires_on=today)
    same_day = refused(by, agent, starts_on=today, expires_on=today)
    too_long = refused(by, agent, starts_on=today, expires_on=latest + datetime.timedelta(days=1))

    assert messages(past) == {"starts_on": "生效日期不能早于今天。"}
    assert messages(same_day) == {"expires_on": "到期日期应晚于生效日期。"}
    assert messages(too_long) == {
        "expires_on": f"委托期限最长一年：到期日期不能晚于{latest.year}年{latest.month}月{latest.day}日。"
    }
    assert create(by, agent, starts_on=today, expires_on=latest).expires_on == latest


def test_one_year_after_29_february_is_28_february():
    assert one_year_after(datetime.date(2028, 2, 29)) == datetime.date(2029, 2, 28)
    assert one_year_after(datetime.date(2026, 12, 1)) == datetime.date(2027, 12, 1)


def test_every_field_error_is_reported_at_once():
    principal, agent = PersonFactory(), PersonFactory()

    error = refused(
        actor_for(principal.user),
        agent,
        agent_name="某某",
        all_items=False,
        starts_on=TODAY() - datetime.timedelta(days=2),
        note="长" * 201,
    )

    assert set(messages(error)) == {"agent_id_number", "item_codes", "starts_on", "note"}
    assert error.message == AGENT_UNKNOWN


# --- Revoking ---------------------------------------------------------------------------------------


def test_the_principal_revokes_a_mandate():
    mandate = MandateFactory()

    revoked = mandate_revoke(mandate=mandate, by=actor_for(mandate.principal))

    mandate.refresh_from_db()
    assert mandate.revoked_at == revoked.revoked_at is not None
    assert mandate.revoked_by == mandate.principal
    entry = AuditEntry.objects.get(action="mandate.revoked")
    assert (entry.actor_id, entry.object_id) == (mandate.principal_id, str(mandate.pk))


def test_revoking_twice_is_refused_and_changes_nothing():
    mandate = MandateFactory()
    mandate_revoke(mandate=mandate, by=actor_for(mandate.principal))
    mandate.refresh_from_db()
    first_revoked_at = mandate.revoked_at

    with pytest.raises(Conflict) as caught:
        mandate_revoke(mandate=mandate, by=actor_for(mandate.principal))

    local = timezone.localtime(first_revoked_at)
    assert caught.value.message == f"该委托已于{local:%Y年%m月%d日 %H:%M}撤销，无需再次撤销。"
    assert caught.value.status == 409
    mandate.refresh_from_db()
    assert mandate.revoked_at == first_revoked_at
    assert AuditEntry.objects.filter(action="mandate.revoked").count() == 1


def test_the_agent_sees_but_cannot_revoke():
    mandate = MandateFactory()

    with pytest.raises(ActionRefused):
        mandate_revoke(mandate=mandate, by=actor_for(mandate.agent.user))

    mandate.refresh_from_db()
    assert mandate.revoked_at is None
    assert not AuditEntry.objects.filter(action="mandate.revoked").exists()


def test_a_stranger_cannot_revoke_and_is_not_told_the_mandate_exists():
    mandate = MandateFactory()

    with pytest.raises(AccessDenied):
        mandate_revoke(mandate=mandate, by=actor_for(PersonFactory().user))

    mandate.refresh_from_db()
    assert mandate.revoked_at is None


def test_an_operator_revokes_the_company_mandate():
    company, operator = CompanyFactory(), PersonFactory()
    CompanyOperator.objects.create(company=company, person=operator)
    mandate = MandateFactory(principal=company.user)

    mandate_revoke(mandate=mandate, by=actor_for(operator.user))

    mandate.refresh_from_db()
    assert mandate.revoked_by == operator.user


# --- Reading ----------------------------------------------------------------------------------------


def test_given_and_received_are_each_partys_own():
    person = PersonFactory()
    given = MandateFactory(principal=person.user)
    received = MandateFactory(agent=person)
    MandateFactory()  # someone else's

    actor = actor_for(person.user)

    assert list(mandates_given(actor)) == [given]
    assert list(mandates_received(actor)) == [received]


def test_an_operator_acting_for_the_company_sees_what_the_company_gave():
    company, operator = CompanyFactory(), PersonFactory()
    CompanyOperator.objects.create(company=company, person=operator)
    given = MandateFactory(principal=company.user)
    own = MandateFactory(principal=operator.user)

    assert list(mandates_given(actor_for(operator.user, on_behalf_of=company.user))) == [given]
    assert list(mandates_given(actor_for(operator.user))) == [own]


def test_anonymous_actors_have_no_mandates():
    MandateFactory()

    assert list(mandates_given(actor_for(None))) == []
    assert list(mandates_received(actor_for(None))) == []


def test_mandate_get_answers_parties_and_denies_everyone_else():
    mandate = MandateFactory()

    assert mandate_get(actor_for(mandate.principal), mandate.pk) == mandate
    assert mandate_get(actor_for(mandate.agent.user), mandate.pk) == mandate
    with pytest.raises(AccessDenied):
        mandate_get(actor_for(PersonFactory().user), mandate.pk)
    with pytest.raises(AccessDenied):
        mandate_get(actor_for(mandate.principal), mandate.pk + 1000)


def test_mandate_covering_finds_the_mandate_in_force_for_the_item():
    principal, agent = PersonFactory().user, PersonFactory()
    item, other = ServiceItemFactory(), ServiceItemFactory()
    listed = MandateFactory(principal=principal, agent=agent, all_items=False, item_codes=[item.basic_code])

    assert (
        mandate_covering(agent_user=agent.user, principal_user=principal, item_code=item.basic_code) == listed
    )
    assert (
        mandate_covering(agent_user=agent.user, principal_user=principal, item_code=other.basic_code) is None
    )
    assert (
        mandate_covering(agent_user=principal, principal_user=agent.user, item_code=item.basic_code) is None
    )


def test_mandate_covering_ignores_revoked_expired_and_future_mandates():
    principal, agent = PersonFactory().user, PersonFactory()
    today = TODAY()
    MandateFactory(principal=principal, agent=agent, revoked_at=timezone.now())
    MandateFactory(principal=principal, agent=agent, starts_on=today + datetime.timedelta(days=1))
    in_force = MandateFactory(principal=principal, agent=agent, expires_on=today)

    assert mandate_covering(agent_user=agent.user, principal_user=principal, item_code="any") == in_force
    later = today + datetime.timedelta(days=1)
    assert (
        mandate_covering(agent_user=agent.user, principal_user=principal, item_code="any", on=later)
        is not None
    )
    assert (
        mandate_covering(
            agent_user=agent.user,
            principal_user=principal,
            item_code="any",
            on=today + datetime.timedelta(days=400),
        )
        is None
    )


def test_status_follows_the_dates_and_revocation():
    today = TODAY()
    mandate = MandateFactory(starts_on=today, expires_on=today + datetime.timedelta(days=10))

    assert mandate_status(mandate, on=today - datetime.timedelta(days=1)) == MandateStatus.PENDING
    assert mandate_status(mandate, on=today) == MandateStatus.ACTIVE
    assert mandate_status(mandate, on=today + datetime.timedelta(days=11)) == MandateStatus.EXPIRED
    mandate.revoked_at = timezone.now()
    assert mandate_status(mandate, on=today) == MandateStatus.REVOKED


def test_parties_see_names_and_masked_id_numbers_only():
    principal = PersonFactory(real_name="陈红", id_number=make_id_number(61))
    agent = PersonFactory(real_name="刘洋", id_number=make_id_number(62))
    company = CompanyFactory(name="武汉通办科技有限公司")
    mandate = MandateFactory(principal=principal.user, agent=agent)

    assert principal_party(mandate) == Party(
        AccountKind.PERSON, "陈红", "4201**********" + make_id_number(61)[-4:]
    )
    assert agent_party(mandate) == Party(
        AccountKind.PERSON, "刘洋", "4201**********" + make_id_number(62)[-4:]
    )
    company_mandate = MandateFactory(principal=company.user)
    assert principal_party(company_mandate) == Party(
        AccountKind.COMPANY, "武汉通办科技有限公司", company.uscc
    )
    bare = MandateFactory(principal=UserFactory(display_name="无实名用户"))
    assert principal_party(bare) == Party(AccountKind.PERSON, "无实名用户", "")
