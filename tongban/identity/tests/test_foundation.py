"""The pieces under every identity feature: encrypted fields, blind indexes, masking, the audit chain."""

import pytest
from django.core.exceptions import FieldError
from django.db import connection

from tongban.core import crypto
from tongban.core.audit import AuditContext, AuditObject, audit_record, audit_verify
from tongban.core.masking import mask_id_number, mask_phone, mask_text
from tongban.core.models import AuditEntry, AuditHead
from tongban.identity.models import Person, id_number_index

from .factories import PersonFactory, make_id_number


def test_masking_keeps_the_ends_only():
    assert mask_id_number("420102199003071232") == "4201**********1232"
    assert mask_phone("15100006702") == "151****6702"
    assert mask_text("张三 420102199003071232 电话15100006702") == "张三 4201**********1232 电话151****6702"
    identifier = "1.2.156.3005.2.111000000000000005.1142010000001234XN.2026000001.001.7"
    assert mask_text(f"证照 {identifier}，持证人 420102199003071232.") == (
        f"证照 {identifier}，持证人 4201**********1232."
    )


@pytest.mark.django_db
def test_id_and_phone_are_stored_encrypted_and_found_by_blind_index():
    person = PersonFactory(id_number=make_id_number(7), phone="15100006702")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM identity_person WHERE id = %s", [person.pk])
        stored_id, stored_phone = cursor.fetchone()
    assert make_id_number(7) not in stored_id and "15100006702" not in stored_phone
    assert Person.objects.get(id_number_index=id_number_index(make_id_number(7))) == person
    assert Person.objects.get(pk=person.pk).id_number == make_id_number(7)


@pytest.mark.django_db
def test_encrypted_fields_refuse_lookups_by_value():
    with pytest.raises(FieldError):
        list(Person.objects.filter(id_number=make_id_number(1)))


@pytest.mark.django_db
def test_an_old_key_still_decrypts_after_a_new_one_is_added(settings):
    old_key = settings.DATA_KEYS[0]
    person = PersonFactory()
    settings.DATA_KEYS = [crypto.Fernet.generate_key().decode(), old_key]
    crypto.reset_key_cache()
    try:
        assert Person.objects.get(pk=person.pk).real_name == person.real_name
        assert Person.objects.get(pk=person.pk).id_number == person.id_number
    finally:
        settings.DATA_KEYS = [old_key]
        crypto.reset_key_cache()


@pytest.mark.django_db
def test_audit_entries_chain_and_mask_personal_data():
    context = AuditContext(actor_label="王五", channel="web")
    audit_record(action="test.one", context=context, detail={"note": "身份证 420102199003071232"})
    audit_record(action="test.two", context=context, obj=AuditObject("identity.person", "1", "张三"))
    first, second = AuditEntry.objects.order_by("seq")
    assert second.prev_hash == first.hash
    assert first.detail == {"note": "身份证 4201**********1232"}
    assert audit_verify().ok


@pytest.mark.django_db
def test_a_removed_chain_head_is_reported():
    audit_record(action="test.one")
    AuditHead.objects.all().delete()

    report = audit_verify()

    assert not report.ok
    assert report.problems == ["链尾记录缺失：无法确认末尾的记录没有被删除。"]
