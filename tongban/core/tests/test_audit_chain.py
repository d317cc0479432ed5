"""The audit log resists tampering: the database refuses changes, and the hash chain catches what a
database administrator who switches the refusal off could still do (`tongban audit verify`)."""

import threading
from contextlib import contextmanager

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from tongban.cli import main
from tongban.core.audit import AuditContext, AuditObject, audit_record, audit_verify, entry_hash
from tongban.core.models import AuditEntry, AuditHead

pytestmark = pytest.mark.django_db

SQLITE_TRIGGER = "core_auditentry_no_update"
POSTGRESQL_TRIGGER = "core_auditentry_no_change"


def five_entries() -> list[AuditEntry]:
    context = AuditContext(actor_id=7, actor_label="王五", channel="web", ip="10.0.0.1")
    return [
        audit_record(action=f"test.step{n}", context=context, obj=AuditObject("test.thing", str(n), f"物{n}"))
        for n in range(1, 6)
    ]


@contextmanager
def triggers_off():
    """What a database administrator can do: switch the append-only trigger off, then on again."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s", [SQLITE_TRIGGER]
            )
            (create_trigger,) = cursor.fetchone()
            cursor.execute(f"DROP TRIGGER {SQLITE_TRIGGER}")
            try:
                yield
            finally:
                cursor.execute(create_trigger)
        else:
            cursor.execute(f"ALTER TABLE core_auditentry DISABLE TRIGGER {POSTGRESQL_TRIGGER}")
            try:
                yield
            finally:
                cursor.execute(f"ALTER TABLE core_auditentry ENABLE TRIGGER {POSTGRESQL_TRIGGER}")


def test_an_untouched_chain_verifies():
    five_entries()

    report = audit_verify()

    assert (report.ok, report.entries, report.broken_seq, report.problems) == (True, 5, None, [])


def test_the_database_refuses_to_update_an_entry():
    five_entries()

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(seq=3).update(action="test.forged")

    assert AuditEntry.objects.get(seq=3).action == "test.step3"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite allows DELETE (Django's test flush)")
def test_postgresql_refuses_to_delete_an_entry():
    five_entries()

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(seq=2).delete()

    assert AuditEntry.objects.count() == 5


def test_a_changed_field_is_caught_at_its_entry():
    five_entries()
    with triggers_off():
        AuditEntry.objects.filter(seq=3).update(actor_label="赵六")

    report = audit_verify()

    assert (report.ok, report.broken_seq, report.entries) == (False, 3, 3)
    assert report.reason == "内容与哈希不符：本条被修改。"


def test_a_changed_detail_is_caught_too():
    five_entries()
    with triggers_off():
        AuditEntry.objects.filter(seq=4).update(detail={"note": "后来加的"})

    assert audit_verify().broken_seq == 4


def test_a_deleted_entry_is_named_as_the_gap():
    five_entries()
    with triggers_off():
        AuditEntry.objects.filter(seq=2).delete()

    report = audit_verify()

    assert (report.broken_seq, report.reason) == (3, "缺少第 2 条（之后直接是第 3 条）：记录被删除。")


def test_deleting_the_last_entry_is_caught_by_the_head():
    five_entries()
    with triggers_off():
        AuditEntry.objects.filter(seq=5).delete()

    report = audit_verify()

    assert (report.ok, report.broken_seq, report.entries) == (False, None, 4)
    assert report.problems == ["链尾记录为第 5 条，实际最后一条为第 4 条：末尾的记录被删除。"]


def test_a_changed_entry_with_a_recomputed_hash_breaks_the_next_link():
    entries = five_entries()
    forged = entries[2]
    forged.actor_label = "赵六"
    forged.hash = entry_hash(forged)
    with triggers_off():
        AuditEntry.objects.filter(seq=3).update(actor_label=forged.actor_label, hash=forged.hash)

    report = audit_verify()

    assert (report.broken_seq, report.reason) == (4, "与上一条的链接不符：上一条被修改或删除。")


def test_the_command_says_the_chain_is_whole(capsys):
    five_entries()

    assert main(["audit", "verify"]) == 0

    assert capsys.readouterr().out == "已核对 5 条审计记录。\n审计日志完整。\n"


def test_the_command_names_the_first_broken_entry_and_fails(capsys):
    entries = five_entries()
    with triggers_off():
        AuditEntry.objects.filter(seq=3).update(action="test.forged")

    assert main(["audit", "verify"]) == 1

    out, err = capsys.readouterr()
    at = timezone.localtime(entries[2].at)
    assert out == "已核对 3 条审计记录。\n"
    assert err == (
        "审计日志在第 3 条处断开：\n"
        f"  时间：{at:%Y-%m-%d %H:%M:%S}\n"
        "  操作：test.forged\n"
        "  原因：内容与哈希不符：本条被修改。\n"
    )


def test_the_command_reports_a_removed_tail(capsys):
    five_entries()
    with triggers_off():
        AuditEntry.objects.filter(seq__gte=4).delete()

    assert main(["audit", "verify"]) == 1

    out, err = capsys.readouterr()
    assert out == "已核对 3 条审计记录。\n"
    assert err == "审计日志不完整：链尾记录为第 5 条，实际最后一条为第 3 条：末尾的记录被删除。\n"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serializes writers by itself")
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_do_not_fork_the_chain():
    # given: two threads appending at once, each through its own connection
    start = threading.Barrier(2)

    def append(name: str) -> None:
        try:
            start.wait()
            for n in range(10):
                audit_record(action=f"test.{name}{n}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then: one chain of twenty, each linked to the one before
    report = audit_verify()
    assert (report.ok, report.entries) == (True, 20)
    assert AuditHead.objects.get(pk=1).seq == 20
