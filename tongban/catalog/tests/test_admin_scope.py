"""The catalog's back office scoped by city: a catalog administrator of 鄂州 keeps 鄂州's implementations
(a district's included) and the agreements 鄂州 signed; another city's objects answer 404 and stay as
they were; the circle's items and batches are read-only to them; platform administrators keep it all.
Publishing through the admin is recorded in the audit log."""

import re
from datetime import date

import pytest
from django.urls import reverse

from tongban.catalog.choices import Mode, VersionStatus
from tongban.catalog.models import Agreement, AgreementParty, Availability, Implementation, TongbanBatch
from tongban.catalog.services import version_draft_start
from tongban.catalog.tests.factories import ServiceItemFactory, published_implementation
from tongban.catalog.tests.test_admin import form_data, messages_of, staff_user
from tongban.catalog.tests.test_excel import database_state
from tongban.core.models import AuditEntry
from tongban.identity.choices import Role
from tongban.regions.tests.factories import OrganizationFactory


@pytest.fixture
def cities(circle) -> dict:
    """A 武汉 and a 鄂州 implementation (the latter of a district's body), 鄂州's catalog administrator."""
    wuhan = published_implementation(
        organization=OrganizationFactory(region=circle["420100"], name="武汉市人力资源和社会保障局")
    )
    ezhou = published_implementation(
        organization=OrganizationFactory(region=circle["420703"], name="华容区人力资源和社会保障局")
    )
    ezhou_office = OrganizationFactory(region=circle["420700"], name="鄂州市行政审批局")
    return {
        "wuhan": wuhan,
        "ezhou": ezhou,
        "ezhou_office": ezhou_office,
        "ezhou_admin": staff_user(Role.CATALOG_ADMIN, organization=ezhou_office, username="ezhou-catalog"),
    }


@pytest.fixture
def ezhou_client(client, cities):
    client.force_login(cities["ezhou_admin"])
    return client


def changelist_ids(client, model: str) -> list[int]:
    response = client.get(reverse(f"admin:catalog_{model}_changelist"))
    assert response.status_code == 200
    return sorted(obj.pk for obj in response.context["cl"].result_list)


def test_a_catalog_admin_lists_only_their_citys_implementations_and_versions(ezhou_client, cities):
    ezhou = cities["ezhou"]

    assert changelist_ids(ezhou_client, "implementation") == [ezhou.pk]
    assert changelist_ids(ezhou_client, "implementationversion") == [ezhou.current_id]


def test_another_citys_implementation_answers_404_and_nothing_changes(ezhou_client, cities):
    wuhan = cities["wuhan"]
    draft = version_draft_start(implementation=wuhan)
    before = database_state()
    denials = AuditEntry.objects.filter(action="access.denied").count()

    pages = [
        ezhou_client.get(reverse("admin:catalog_implementation_change", args=[wuhan.pk])),
        ezhou_client.get(reverse("admin:catalog_implementationversion_change", args=[draft.pk])),
        ezhou_client.post(
            reverse("admin:catalog_implementationversion_change", args=[draft.pk]),
            form_data(draft, name="鄂州改过的名称"),
        ),
        ezhou_client.post(reverse("admin:catalog_implementationversion_publish", args=[draft.pk])),
        ezhou_client.post(reverse("admin:catalog_implementation_draft", args=[wuhan.pk])),
        ezhou_client.get(reverse("admin:catalog_implementation_history", args=[wuhan.pk])),
    ]

    assert [page.status_code for page in pages] == [404] * 6
    assert database_state() == before
    assert Implementation.objects.get(pk=wuhan.pk).current.number == 1
    assert AuditEntry.objects.filter(action="access.denied").count() == denials + 6
    denial = AuditEntry.objects.filter(action="access.denied").last()
    assert (denial.actor_id, denial.detail["answer"]) == (cities["ezhou_admin"].pk, 404)


def stable_part(html: bytes) -> bytes:
    """The page without what differs on every response: CSP nonces and masked CSRF tokens."""
    return re.sub(rb'(nonce|value)="[^"]*"', b"", html)


def test_another_citys_object_looks_exactly_like_a_missing_one(ezhou_client, cities):
    hidden = ezhou_client.get(reverse("admin:catalog_implementation_change", args=[cities["wuhan"].pk]))
    missing = ezhou_client.get(reverse("admin:catalog_implementation_change", args=[987654]))

    assert (hidden.status_code, missing.status_code) == (404, 404)
    assert stable_part(hidden.content) == stable_part(missing.content)


def test_selected_objects_of_another_city_are_left_out_of_actions(ezhou_client, cities):
    wuhan, ezhou = cities["wuhan"], cities["ezhou"]

    ezhou_client.post(
        reverse("admin:catalog_implementation_changelist"),
        {"action": "start_drafts", "_selected_action": [wuhan.pk, ezhou.pk]},
    )

    assert not wuhan.versions.filter(status=VersionStatus.DRAFT).exists()
    assert ezhou.versions.filter(status=VersionStatus.DRAFT).exists()


def test_a_catalog_admin_publishes_their_citys_draft_and_it_is_recorded(ezhou_client, cities):
    ezhou = cities["ezhou"]
    draft = version_draft_start(implementation=ezhou)

    response = ezhou_client.post(reverse("admin:catalog_implementationversion_publish", args=[draft.pk]))

    draft.refresh_from_db()
    assert response.status_code == 302
    assert (draft.status, draft.published_by) == (VersionStatus.PUBLISHED, cities["ezhou_admin"])
    entry = AuditEntry.objects.filter(action="catalog.implementation.published").last()
    assert (entry.actor_id, entry.channel, entry.object_type, entry.object_id) == (
        cities["ezhou_admin"].pk,
        "admin",
        "catalog.implementation",
        str(ezhou.pk),
    )
    assert entry.detail == {"version": 2, "version_id": draft.pk, "superseded_id": ezhou.current_id}


def test_a_platform_admin_opens_and_publishes_any_city(client, cities):
    client.force_login(staff_user(Role.PLATFORM_ADMIN))
    wuhan, ezhou = cities["wuhan"], cities["ezhou"]
    draft = version_draft_start(implementation=wuhan)

    opened = [
        client.get(reverse("admin:catalog_implementation_change", args=[impl.pk])).status_code
        for impl in (wuhan, ezhou)
    ]
    client.post(reverse("admin:catalog_implementationversion_publish", args=[draft.pk]))

    assert opened == [200, 200]
    assert changelist_ids(client, "implementation") == sorted([wuhan.pk, ezhou.pk])
    assert Implementation.objects.get(pk=wuhan.pk).current_id == draft.pk


def test_a_catalog_admin_creates_implementations_only_for_their_citys_bodies(ezhou_client, cities, circle):
    item = ServiceItemFactory(name="出生医学证明办理")
    data = {
        "code": "EZ-BIRTH-1",
        "service_item": item.pk,
        "name": "出生医学证明首次签发",
        "conditions": "在本市助产机构出生的新生儿。",
        "case_type": "promised",
        "statutory_days": 10,
        "promised_days": 3,
        "consultation_phone": "0711-12345",
        "complaint_phone": "12345",
    }
    wuhan_body = cities["wuhan"].organization

    refused = ezhou_client.post(
        reverse("admin:catalog_implementation_add"), data | {"organization": wuhan_body.pk}
    )
    created = ezhou_client.post(
        reverse("admin:catalog_implementation_add"), data | {"organization": cities["ezhou_office"].pk}
    )

    assert refused.status_code == 200
    assert "organization" in refused.context["adminform"].form.errors
    assert created.status_code == 302
    assert list(Implementation.objects.filter(code="EZ-BIRTH-1").values_list("organization", flat=True)) == [
        cities["ezhou_office"].pk
    ]


def test_availability_is_kept_for_their_own_citys_implementations_only(ezhou_client, cities, circle):
    url = reverse("admin:catalog_availability_add")

    refused = ezhou_client.post(url, {"implementation": cities["wuhan"].pk, "mode": Mode.ONLINE})
    added = ezhou_client.post(url, {"implementation": cities["ezhou"].pk, "mode": Mode.ONLINE})

    assert "implementation" in refused.context["adminform"].form.errors
    assert added.status_code == 302
    assert list(Availability.objects.values_list("implementation", flat=True)) == [cities["ezhou"].pk]


def agreement_between(*regions, name: str) -> Agreement:
    agreement = Agreement.objects.create(
        name=name, document_number=name, signed_on=date(2023, 3, 1), effective_from=date(2023, 3, 15)
    )
    for position, region in enumerate(regions, start=1):
        AgreementParty.objects.create(agreement=agreement, region=region, position=position)
    return agreement


def test_agreements_are_kept_by_the_cities_that_signed_them(ezhou_client, cities, circle):
    signed = agreement_between(circle["420704"], circle["420202"], name="鄂城区与黄石港区协议")
    others = agreement_between(circle["donghu"], circle["421102"], name="东湖高新区与黄州区协议")

    assert changelist_ids(ezhou_client, "agreement") == [signed.pk]
    assert ezhou_client.get(reverse("admin:catalog_agreement_change", args=[others.pk])).status_code == 404


def test_a_new_agreement_must_include_one_of_the_admins_cities(ezhou_client, circle):
    data = {
        "name": "武汉与黄石协议",
        "document_number": "WH-HS-1",
        "signed_on": "2024-01-02",
        "effective_from": "2024-01-02",
        "party_rows-TOTAL_FORMS": 2,
        "party_rows-INITIAL_FORMS": 0,
        "party_rows-0-region": circle["420100"].pk,
        "party_rows-0-position": 1,
        "party_rows-1-region": circle["420200"].pk,
        "party_rows-1-position": 2,
        "item_rows-TOTAL_FORMS": 0,
        "item_rows-INITIAL_FORMS": 0,
    }

    refused = ezhou_client.post(reverse("admin:catalog_agreement_add"), data)
    added = ezhou_client.post(
        reverse("admin:catalog_agreement_add"), data | {"party_rows-1-region": circle["420700"].pk}
    )

    assert "签约地区中至少要有一个属于您负责的市。" in refused.content.decode()
    assert added.status_code == 302
    assert list(Agreement.objects.values_list("name", flat=True)) == ["武汉与黄石协议"]


def test_items_and_batches_are_read_only_to_a_catalog_admin(ezhou_client, cities):
    item = cities["ezhou"].service_item
    batch = TongbanBatch.objects.create(name="第一批", published_on=date(2022, 6, 1))
    before = database_state()

    item_page = ezhou_client.get(reverse("admin:catalog_serviceitem_change", args=[item.pk]))
    item_post = ezhou_client.post(
        reverse("admin:catalog_serviceitem_change", args=[item.pk]), {"name": "改名", "basic_code": "1"}
    )
    batch_post = ezhou_client.post(
        reverse("admin:catalog_tongbanbatch_change", args=[batch.pk]), {"name": "改"}
    )
    add_item = ezhou_client.get(reverse("admin:catalog_serviceitem_add"))

    assert item_page.status_code == 200
    assert 'name="name"' not in item_page.content.decode()
    assert (item_post.status_code, batch_post.status_code, add_item.status_code) == (403, 403, 403)
    assert database_state() == before


def test_a_catalog_admin_exports_but_does_not_import(ezhou_client):
    page = ezhou_client.get(reverse("admin:catalog_excel"))

    assert page.status_code == 200
    assert "上传并导入" not in page.content.decode()


def test_a_catalog_admin_reads_the_regions_but_not_the_staff_pages(ezhou_client):
    assert ezhou_client.get(reverse("admin:regions_organization_changelist")).status_code == 200
    assert ezhou_client.get(reverse("admin:identity_staffrole_changelist")).status_code == 403
    assert messages_of(ezhou_client.get(reverse("admin:index"))) == []
