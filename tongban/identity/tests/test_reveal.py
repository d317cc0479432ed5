"""Revealing a person's ID or phone number: only the person, a clerk who identified them with a code in the
last 30 minutes, or a platform administrator; each reveal audited with field and reason, never the value."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tongban.core.choices import Channel
from tongban.core.errors import ValidationFailed
from tongban.core.models import AuditEntry
from tongban.identity.access import AccessDenied
from tongban.identity.choices import Role
from tongban.identity.models import IdentityCode
from tongban.identity.services.identity_codes import identity_code_issue, identity_code_verify
from tongban.identity.services.reveal import person_reveal

from .factories import PersonFactory, make_id_number
from .identity_code_helpers import as_actor, clerk_actor, staff

pytestmark = pytest.mark.django_db


def identified_by(actor, person) -> None:
    issued = identity_code_issue(by=as_actor(person.user, Channel.WEB))
    identity_code_verify(token=issued.token, by=actor)


def reveals() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="person.revealed"))


def test_a_clerk_who_identified_the_person_sees_the_id_number_once_and_it_is_audited():
    person = PersonFactory(id_number=make_id_number(42))
    clerk = clerk_actor()
    identified_by(clerk, person)

    value = person_reveal(person=person, field="id_number", by=clerk, reason="窗口核验")

    assert value == make_id_number(42)
    [entry] = reveals()
    assert (entry.actor_id, entry.object_type, entry.object_id) == (
        clerk.user_id,
        "identity.person",
        str(person.pk),
    )
    assert entry.detail == {"field": "id_number", "reason": "窗口核验"}
    assert make_id_number(42) not in str(entry.detail) + entry.object_label + entry.actor_label


def test_a_helper_who_identified_the_person_may_reveal_the_phone_number():
    person = PersonFactory(phone="15100006702")
    helper = as_actor(staff(Role.HELPER))
    identified_by(helper, person)

    assert person_reveal(person=person, field="phone", by=helper, reason="帮办代办") == "15100006702"
    assert reveals()[0].detail == {"field": "phone", "reason": "帮办代办"}


def test_the_person_sees_their_own_number():
    person = PersonFactory(id_number=make_id_number(43))

    value = person_reveal(
        person=person, field="id_number", by=as_actor(person.user, Channel.WEB), reason="本人查看"
    )

    assert value == make_id_number(43)
    assert len(reveals()) == 1


def test_a_platform_admin_may_reveal():
    person = PersonFactory()

    value = person_reveal(
        person=person, field="phone", by=as_actor(staff(Role.PLATFORM_ADMIN)), reason="投诉核查"
    )

    assert value == person.phone


@pytest.mark.parametrize(
    "stranger",
    [
        lambda: clerk_actor(),  # never identified this person
        lambda: as_actor(staff(Role.SUPERVISOR)),
        lambda: as_actor(staff(Role.CATALOG_ADMIN)),
        lambda: as_actor(PersonFactory().user, Channel.WEB),
    ],
    ids=["clerk-who-did-not-identify", "supervisor", "catalog-admin", "another-citizen"],
)
def test_anyone_else_is_denied_and_nothing_is_revealed_or_recorded_as_a_reveal(stranger):
    person = PersonFactory()

    with pytest.raises(AccessDenied):
        person_reveal(person=person, field="id_number", by=stranger(), reason="窗口核验")

    assert reveals() == []


def test_an_identification_older_than_30_minutes_no_longer_allows_a_reveal():
    person = PersonFactory()
    clerk = clerk_actor()
    identified_by(clerk, person)
    IdentityCode.objects.update(used_at=timezone.now() - timedelta(minutes=31))

    with pytest.raises(AccessDenied):
        person_reveal(person=person, field="id_number", by=clerk, reason="窗口核验")

    assert reveals() == []


def test_a_clerk_who_identified_someone_else_may_not_reveal_this_person():
    person, other = PersonFactory(), PersonFactory()
    clerk = clerk_actor()
    identified_by(clerk, other)

    with pytest.raises(AccessDenied):
        person_reveal(person=person, field="id_number", by=clerk, reason="窗口核验")


@pytest.mark.parametrize(
    ("field", "reason", "error_field", "message"),
    [
        ("real_name", "窗口核验", "field", "要显示的信息只能是公民身份号码或手机号码。"),
        ("id_number", "  ", "reason", "请填写查看完整信息的事由。"),
        ("id_number", "因" * 101, "reason", "查看事由不能超过 100 个字。"),
    ],
)
def test_bad_input_is_refused_naming_the_field(field, reason, error_field, message):
    person = PersonFactory()

    with pytest.raises(ValidationFailed) as refused:
        person_reveal(person=person, field=field, by=as_actor(person.user, Channel.WEB), reason=reason)

    assert [(e.field, e.message) for e in refused.value.errors] == [(error_field, message)]
    assert reveals() == []
