"""Rotating the data keys: everything written under an old key is re-encrypted under the new one, after
which the old key can go; a missing key fails loudly."""

import pytest
from cryptography.fernet import Fernet
from django.db import connection

from tongban.cli import main
from tongban.core import crypto
from tongban.core.keys import encrypted_columns, keys_rotate
from tongban.core.models import AuditEntry
from tongban.identity.models import Company, Person, id_number_index
from tongban.identity.tests.factories import CompanyFactory, PersonFactory, make_id_number

pytestmark = pytest.mark.django_db

K1, K2 = Fernet.generate_key().decode(), Fernet.generate_key().decode()


@pytest.fixture
def data_keys(settings):
    """Sets settings.DATA_KEYS and forgets the loaded keys; put back afterwards."""

    def use(*keys: str) -> None:
        settings.DATA_KEYS = list(keys)
        crypto.reset_key_cache()

    yield use
    crypto.reset_key_cache()  # the settings fixture restores DATA_KEYS after this


def stored(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 (test constants)
        return cursor.fetchone()[0]


def under(key: str, ciphertext: str) -> bool:
    try:
        Fernet(key.encode()).decrypt(ciphertext.encode())
    except Exception:
        return False
    return True


def test_every_encrypted_field_is_found_by_looking_at_the_models():
    found = {(model._meta.label, field.name) for model, fields in encrypted_columns() for field in fields}

    assert {
        ("identity.Person", "id_number"),
        ("identity.Person", "phone"),
        ("identity.Company", "legal_representative_id_number"),
        ("identity.Company", "phone"),
    } <= found


def test_rotation_moves_everything_to_the_new_key_so_the_old_one_can_go(data_keys):
    # given: people and a company written under K1 (one person without a phone)
    data_keys(K1)
    people = [PersonFactory(id_number=make_id_number(n)) for n in range(3)]
    people.append(PersonFactory(id_number=make_id_number(3), phone=""))
    company = CompanyFactory(legal_representative_id_number=make_id_number(9), phone="02787654321")

    # when: K2 is put first and the data rotated
    data_keys(K2, K1)
    summary = keys_rotate(batch_size=2)

    # then: every value is under K2, and K2 alone reads them all
    assert (summary.values, summary.reencrypted) == (3 * 2 + 1 + 2, 9)
    assert under(K2, stored("identity_person", "id_number", people[0].pk))
    assert stored("identity_person", "phone", people[3].pk) == ""
    data_keys(K2)
    assert [Person.objects.get(pk=p.pk).id_number for p in people] == [make_id_number(n) for n in range(4)]
    assert Person.objects.get(pk=people[1].pk).phone == people[1].phone
    assert Company.objects.get(pk=company.pk).legal_representative_id_number == make_id_number(9)
    assert Company.objects.get(pk=company.pk).phone == "02787654321"


def test_rotating_again_changes_nothing_and_resumes_where_it_stopped(data_keys):
    # given: one value already under the new key (as after an interrupted rotation), one not
    data_keys(K1)
    old = PersonFactory(phone="")
    data_keys(K2, K1)
    new = PersonFactory(phone="")
    new_ciphertext = stored("identity_person", "id_number", new.pk)

    # when
    first, second = keys_rotate(), keys_rotate()

    # then: only the old value was re-encrypted; the new one was left as it was
    assert (first.values, first.reencrypted) == (2, 1)
    assert (second.values, second.reencrypted) == (2, 0)
    assert stored("identity_person", "id_number", new.pk) == new_ciphertext
    assert under(K2, stored("identity_person", "id_number", old.pk))


def test_rotation_is_audited_with_counts_only(data_keys):
    data_keys(K1)
    PersonFactory(id_number=make_id_number(5), phone="15100006702")
    data_keys(K2, K1)

    keys_rotate()

    entry = AuditEntry.objects.get(action="keys.rotated")
    assert entry.detail == {"columns": entry.detail["columns"], "values": 2, "reencrypted": 2}
    assert entry.detail["columns"] >= 4


def test_without_the_old_key_decryption_fails_loudly(data_keys):
    data_keys(K1)
    person = PersonFactory()
    data_keys(K2)

    with pytest.raises(crypto.DecryptionError):
        Person.objects.get(pk=person.pk)
    with pytest.raises(crypto.DecryptionError):
        keys_rotate()


def test_a_tampered_value_fails_loudly(data_keys):
    data_keys(K1)
    person = PersonFactory()
    ciphertext = stored("identity_person", "id_number", person.pk)
    forged = ciphertext[:-6] + ("AAAAAA" if not ciphertext.endswith("AAAAAA") else "BBBBBB")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE identity_person SET id_number = %s WHERE id = %s", [forged, person.pk])

    with pytest.raises(crypto.DecryptionError):
        Person.objects.get(pk=person.pk)


def test_blind_indexes_are_recomputed_under_a_new_index_key(data_keys, settings):
    # given: a person indexed under the old blind-index key
    data_keys(K1)
    person = PersonFactory(id_number=make_id_number(11))
    company = CompanyFactory(legal_representative_id_number=make_id_number(12))

    # when: the blind-index key changes and the indexes are recomputed
    settings.BLIND_INDEX_KEY = "a new blind index key of enough length 0123456789"
    assert not Person.objects.filter(id_number_index=id_number_index(make_id_number(11))).exists()
    summary = keys_rotate(blind_index=True)

    # then: exact lookups find them again
    assert Person.objects.get(id_number_index=id_number_index(make_id_number(11))) == person
    assert Company.objects.get(legal_representative_index=id_number_index(make_id_number(12))) == company
    assert summary.indexed_rows >= 2


def test_the_command_rotates_and_prints_counts(data_keys, capsys):
    data_keys(K1)
    PersonFactory(phone="")
    data_keys(K2, K1)

    assert main(["keys", "rotate"]) == 0

    out = capsys.readouterr().out
    assert "已检查的加密值：1 个" in out
    assert "本次重新加密：1 个（其余已在最新密钥下）" in out
    assert AuditEntry.objects.get(action="keys.rotated").channel == "cli"


def test_the_command_fails_in_chinese_when_a_key_is_missing(data_keys, capsys):
    data_keys(K1)
    person = PersonFactory()
    data_keys(K2)

    assert main(["keys", "rotate"]) == 1

    assert capsys.readouterr().err == (
        f"错误：自然人（identity.Person #{person.pk}）的公民身份号码"
        "无法用 TONGBAN_DATA_KEYS 中的任何密钥解密：缺少旧密钥，或数据被篡改。"
        "已完成的批次保持不变；把旧密钥补回 TONGBAN_DATA_KEYS 后重新运行即可继续。\n"
    )


def test_generate_prints_a_usable_key_and_the_procedure(capsys):
    assert main(["keys", "generate"]) == 0

    out, err = capsys.readouterr()
    key = out.strip()
    assert Fernet(key.encode()).decrypt(Fernet(key.encode()).encrypt(b"x")) == b"x"
    assert "TONGBAN_DATA_KEYS" in err
    assert "tongban keys rotate" in err
