"""The audit log's back-office pages: a platform administrator lists and filters entries and verifies the
chain; nobody adds, changes or deletes an entry there; other staff do not see the log at all."""

import pytest
from django.urls import reverse

from tongban.core.audit import AuditContext, AuditObject, audit_record
from tongban.core.models import AuditEntry
from tongban.identity.choices import Role
from tongban.identity.services.staff import staff_access_sync
from tongban.identity.tests.factories import StaffRoleFactory

from .test_audit_chain import triggers_off

pytestmark = pytest.mark.django_db


def login(client, role: str = Role.PLATFORM_ADMIN):
    staff_role = StaffRoleFactory(role=role)
    staff_access_sync(staff_role.user)
    client.force_login(staff_role.user)


@pytest.fixture
def admin_client(client):
    login(client)
    return client


def five_entries() -> list[AuditEntry]:
    """Five entries after whatever signing in recorded, about objects 70001…70005."""
    context = AuditContext(actor_id=7, actor_label="王五", channel="web", ip="10.0.0.1")
    return [
        audit_record(
            action=f"test.step{n}", context=context, obj=AuditObject("test.thing", f"7000{n}", f"物{n}")
        )
        for n in range(1, 6)
    ]


def listed(client, **params) -> list[int]:
    response = client.get(reverse("admin:core_auditentry_changelist"), params)
    assert response.status_code == 200
    return [entry.seq for entry in response.context["cl"].result_list]


def entries_state() -> list[tuple]:
    return list(AuditEntry.objects.order_by("seq").values_list("seq", "action", "actor_label", "hash"))


def test_entries_are_listed_newest_first_filtered_and_searched(admin_client):
    seqs = [entry.seq for entry in five_entries()]
    newest_first = seqs[::-1]

    assert listed(admin_client)[:5] == newest_first
    assert listed(admin_client, action="test.step2") == [seqs[1]]
    assert listed(admin_client, channel="web", action="test.step4") == [seqs[3]]
    assert listed(admin_client, channel="cli", action="test.step4") == []
    assert listed(admin_client, q="70003") == [seqs[2]]  # the object id, exactly
    assert listed(admin_client, q="7000") == []
    assert listed(admin_client, q="王五") == newest_first


def test_an_entry_page_shows_everything_and_offers_no_change(admin_client):
    entry = five_entries()[1]

    response = admin_client.get(reverse("admin:core_auditentry_change", args=[entry.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert entry.hash in html and "test.step2" in html and "物2" in html
    assert 'name="_save"' not in html and "删除" not in html


def test_nobody_adds_changes_or_deletes_an_entry(admin_client):
    entry = five_entries()[2]
    before = entries_state()

    answers = [
        admin_client.get(reverse("admin:core_auditentry_add")).status_code,
        admin_client.post(reverse("admin:core_auditentry_add"), {"action": "x"}).status_code,
        admin_client.post(
            reverse("admin:core_auditentry_change", args=[entry.pk]), {"action": "test.forged"}
        ).status_code,
        admin_client.post(
            reverse("admin:core_auditentry_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code,
    ]
    bulk = admin_client.post(
        reverse("admin:core_auditentry_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )

    assert answers == [403, 403, 403, 403]
    assert bulk.status_code == 200  # "no such action": the list again
    assert entries_state() == before


def test_the_verify_page_says_the_chain_is_whole(admin_client):
    five_entries()
    url = reverse("admin:core_auditentry_verify")

    page = admin_client.get(url)
    response = admin_client.post(url)

    assert "开始校验" in page.content.decode()
    assert response.context["lines"] == [
        f"已核对 {AuditEntry.objects.count()} 条审计记录。",
        "审计日志完整：每一条记录的哈希和与上一条的链接都相符。",
    ]
    assert "校验哈希链" in admin_client.get(reverse("admin:core_auditentry_changelist")).content.decode()


def test_the_verify_page_names_the_first_broken_entry(admin_client):
    broken = five_entries()[2]
    with triggers_off():
        AuditEntry.objects.filter(seq=broken.seq).update(actor_label="赵六")

    response = admin_client.post(reverse("admin:core_auditentry_verify"))

    lines = response.context["lines"]
    assert lines[0] == f"已核对 {broken.seq} 条审计记录。"
    assert lines[1].startswith(f"审计日志在第 {broken.seq} 条处断开（")
    assert lines[1].endswith("操作 test.step3）：内容与哈希不符：本条被修改。")
    assert reverse("admin:core_auditentry_change", args=[broken.pk]) in response.content.decode()


@pytest.mark.parametrize("role", [Role.CATALOG_ADMIN, Role.SUPERVISOR])
def test_other_staff_do_not_see_the_log(client, role):
    five_entries()
    login(client, role)

    listing = client.get(reverse("admin:core_auditentry_changelist"))
    verify = client.post(reverse("admin:core_auditentry_verify"))

    expected = 403 if role == Role.CATALOG_ADMIN else 302  # a supervisor has no back office at all
    assert (listing.status_code, verify.status_code) == (expected, expected)
