"""The demo data: the seed's figures measured through the catalog's selectors, and what a real catalog
needs (themes, guides that pass publication checks, valid identifiers, accounts that work).

The demo is loaded once for the module (it takes seconds) in a transaction rolled back afterwards; tests
that change it run inside their own, which pytest-django rolls back.
"""

from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.db import transaction
from django.test import override_settings
from stdnum.cn import ric

from tongban.catalog.choices import Mode, Theme, VersionStatus
from tongban.catalog.formdef import parse_definition
from tongban.catalog.models import (
    Agreement,
    Availability,
    BatchEntry,
    GuideMaterial,
    Implementation,
    ImplementationVersion,
    ServiceItem,
)
from tongban.catalog.rules import catalog_cities
from tongban.catalog.search import items_search
from tongban.catalog.selectors import (
    agreement_coverage,
    agreements_in_force,
    agreements_with_parties,
    batch_history,
    best_standard,
    catalog_stats,
    tongban_implementations,
)
from tongban.catalog.services import guide_problems
from tongban.cli.output import demo_accounts_table
from tongban.core.identifiers import validate_uscc
from tongban.demo import demo_accounts, demo_is_loaded, demo_load
from tongban.demo.accounts import (
    DEMO_KIOSK_TOKEN,
    DEMO_PASSWORD,
    DEMO_PASSWORD_HASH,
    MAINTAINERS,
    demo_accounts_create,
)
from tongban.demo.catalog_data import FAMILIES
from tongban.demo.licenses import LICENSE_TYPES
from tongban.demo.loader import demo_remove
from tongban.identity.access import actor_for
from tongban.identity.choices import Role
from tongban.identity.models import ApiToken, Company, Mandate, Person, StaffRole, id_number_index
from tongban.identity.services.staff import staff_role_problems
from tongban.regions.models import Kiosk, Organization, Region, Window
from tongban.regions.selectors import cities, halls, windows
from tongban.regions.tests.factories import OrganizationFactory

PARTICIPATING = ("420704", "420703", "gedian", "420202", "421102", "donghu", "huangshi-etdz")


FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    # A cheap hasher for the accounts, so that logging every one in takes no time; the stored PBKDF2
    # hash used outside the tests has its own test below. Loaded in a transaction rolled back after the
    # module, so that nothing it writes (the demo cases' audit entries, deliveries queued on commit)
    # outlives it; the cases' scans go to a temporary folder.
    module = transaction.atomic()
    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER, MEDIA_ROOT=media):
        module.__enter__()
        summary = demo_load()
    with override_settings(MEDIA_ROOT=media):
        yield summary
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        module.__exit__(None, None, None)


def parties_of(agreement: Agreement) -> frozenset[str]:
    return frozenset(p.region.key for p in agreement.party_rows.all())


def test_demo_load_reports_what_it_loaded(demo):
    assert demo.loaded is True
    assert demo.regions == 59
    assert demo.tongban_items == 653
    assert 250 <= demo.items <= 360
    assert 1200 <= demo.implementations <= 2000
    assert "演示数据已加载" in str(demo)


def test_the_circle_has_653_tongban_items(db, demo):
    stats = catalog_stats()

    assert stats.tongban_items == 653
    assert tongban_implementations().count() == 653
    assert stats.agreements == 5


def test_the_list_grew_from_410_to_653_in_two_batches(db, demo):
    history = batch_history()

    assert [step.cumulative for step in history] == [410, 653]
    assert [step.added for step in history] == [410, 243]
    assert [step.batch.published_on.year for step in history] == [2022, 2023]


def test_batch_entries_are_exactly_the_tongban_list(db, demo):
    entries = set(BatchEntry.objects.values_list("implementation_id", flat=True))

    assert entries == set(tongban_implementations().values_list("pk", flat=True))


def test_agreements_list_the_seed_counts(db, demo):
    counts = {parties_of(a): a.item_count for a in agreements_with_parties()}

    assert counts == {
        frozenset({"420704", "420202"}): 361,
        frozenset({"420704", "421102"}): 174,
        frozenset({"420703", "donghu"}): 142,
        frozenset({"gedian", "donghu"}): 106,
        frozenset({"donghu", "gedian", "421102", "huangshi-etdz"}): 72,
    }
    assert agreements_in_force().count() == 5


def test_every_agreement_is_signed_and_fully_receivable_by_both_sides(db, demo):
    for agreement in agreements_with_parties():
        coverage = agreement_coverage(agreement)

        assert 2022 <= agreement.signed_on.year <= 2023
        assert all(party.signatory_id for party in agreement.party_rows.all())
        assert coverage.receivable == coverage.items, agreement.name
        assert sum(p.contributed for p in coverage.parties) == coverage.items, agreement.name
        assert all(p.contributed > 0 for p in coverage.parties), agreement.name
        assert coverage.parties_without_window == []


def test_market_entry_agreement_is_market_entry_joint_at_the_partner(db, demo):
    agreement = next(a for a in agreements_with_parties() if parties_of(a) == {"gedian", "donghu"})
    items = Implementation.objects.filter(agreement_rows__agreement=agreement).select_related(
        "service_item", "organization__region"
    )
    joint = set(Availability.objects.filter(mode=Mode.JOINT).values_list("implementation_id", "region__key"))

    assert {i.service_item.theme for i in items} == {Theme.MARKET_ENTRY}
    partner = {"gedian": "donghu", "donghu": "gedian"}
    assert all((i.pk, partner[i.organization.region.key]) in joint for i in items)


@pytest.mark.parametrize(("region_key", "machines", "offered"), [("420703", 2, 145), ("gedian", 3, 136)])
def test_kiosks_offer_the_same_wuhan_items(db, demo, region_key, machines, offered):
    kiosks = Kiosk.objects.filter(region__key=region_key)
    offers = [
        set(
            Availability.objects.filter(kiosk=kiosk, mode=Mode.ONLINE).values_list(
                "implementation_id", flat=True
            )
        )
        for kiosk in kiosks
    ]
    owners = Implementation.objects.filter(pk__in=offers[0]).values_list(
        "organization__region__city__key", flat=True
    )

    assert len(offers) == machines
    assert [len(o) for o in offers] == [offered] * machines
    assert all(o == offers[0] for o in offers)
    assert set(owners) == {"420100"}


def test_catalog_is_real_sized_and_covers_every_theme(db, demo):
    names = set(ServiceItem.objects.values_list("name", flat=True))

    assert len({family.name for family in FAMILIES}) >= 120
    assert len(names) >= 120
    assert set(ServiceItem.objects.values_list("theme", flat=True)) == set(Theme.values)
    assert {
        "社会保障卡申领",
        "二手房转移登记",
        "食品经营许可证变更",
        "住房公积金提取（购买自住住房）",
    } <= names


def test_everyday_words_find_official_items(db, demo):
    social_card = ServiceItem.objects.get(name="社会保障卡申领")

    assert "社保卡申领" in social_card.aliases
    assert "驾照期满换证" in ServiceItem.objects.get(name="机动车驾驶证期满换证").aliases
    assert social_card in items_search(query="社保")
    assert social_card in items_search(query="sbk")


def test_every_city_has_departments_a_hall_and_a_cross_city_window(db, demo):
    for city in cities():
        assert Organization.objects.filter(region__city=city).count() >= 20, city.name
        assert halls(region=city).exists(), city.name
        assert windows(region=city, cross_city=True).exists(), city.name
    for key in PARTICIPATING:
        region = Region.objects.get(key=key)
        assert windows(region=region, cross_city=True).count() == 1, region.name


def test_every_uscc_is_valid_and_carries_its_region(db, demo):
    for org in Organization.objects.select_related("region__city"):
        assert validate_uscc(org.uscc) == org.uscc
        assert org.uscc[2:8] == (org.region.code or org.region.city.code), org.name


def test_every_published_version_passes_publication_checks(db, demo):
    versions = ImplementationVersion.objects.prefetch_related("steps")
    problems = {v.pk: guide_problems(v) for v in versions}

    assert {pk: p for pk, p in problems.items() if p} == {}
    for version in versions:
        parse_definition(version.form_schema)


def test_versions_in_force_and_history(db, demo):
    implementations = Implementation.objects.select_related("current")
    revised = ImplementationVersion.objects.filter(number=2)

    assert all(i.current.status == VersionStatus.PUBLISHED for i in implementations)
    assert not ImplementationVersion.objects.filter(status=VersionStatus.DRAFT).exists()
    assert revised.count() >= 20
    for version in revised.select_related("implementation"):
        assert version.change_note
        assert version.implementation.current_id == version.pk
        first = version.implementation.versions.get(number=1)
        assert first.status == VersionStatus.SUPERSEDED
        assert first.published_at < version.published_at


def test_guides_vary_across_cities_for_the_best_standard(db, demo):
    comparison = best_standard(ServiceItem.objects.get(name="社会保障卡申领"))

    assert {row.implementation.organization.region.city.key for row in comparison.rows} >= {
        c.key for c in cities()
    }
    assert len({row.values["promised_days"] for row in comparison.rows}) > 1
    assert any(sum(row.divergence.values()) > 0 for row in comparison.rows)


def test_materials_name_license_types_from_the_one_table(db, demo):
    table = dict(LICENSE_TYPES.values())
    used = set(
        GuideMaterial.objects.exclude(license_type_code="").values_list(
            "license_type_code", "license_type_name"
        )
    )

    assert used
    assert all(table[code] == name for code, name in used)
    necessity = Counter(GuideMaterial.objects.values_list("necessity", flat=True))
    assert set(necessity) == {"required", "deferrable", "optional"}


def test_loading_again_changes_nothing(db, demo):
    before = (Organization.objects.count(), Implementation.objects.count(), Availability.objects.count())

    summary = demo_load()

    assert summary.loaded is False
    assert (
        Organization.objects.count(),
        Implementation.objects.count(),
        Availability.objects.count(),
    ) == before
    assert demo_is_loaded() is True


def snapshot() -> dict[str, list]:
    return {
        "items": sorted(ServiceItem.objects.values_list("basic_code", "name")),
        "implementations": sorted(Implementation.objects.values_list("code", flat=True)),
        "usccs": sorted(Organization.objects.values_list("uscc", "name")),
        "agreement_items": sorted(
            Implementation.objects.filter(agreement_rows__isnull=False).values_list(
                "agreement_rows__agreement__document_number", "code"
            )
        ),
        "first_batch": sorted(
            BatchEntry.objects.filter(batch__name="第一批").values_list("implementation__code", flat=True)
        ),
        "promised": sorted(
            ImplementationVersion.objects.values_list("implementation__code", "promised_days")
        ),
    }


def test_reset_reloads_the_same_data(db, demo):
    before = snapshot()
    Organization.objects.filter(name="武汉市医疗保障局").update(name="改过的名称")

    summary = demo_load(reset=True)

    assert summary.loaded is True
    assert summary.tongban_items == 653
    assert snapshot() == before
    assert [step.cumulative for step in batch_history()] == [410, 653]


def test_demo_is_loaded_only_with_the_demo(db, demo):
    demo_remove()

    assert demo_is_loaded() is False
    assert Region.objects.count() == 0
    assert not get_user_model().objects.filter(username="admin").exists()


def test_a_database_with_other_data_is_left_alone(db, demo):
    demo_remove()
    OrganizationFactory()

    summary = demo_load()

    assert summary.loaded is False
    assert Organization.objects.count() == 1
    assert "未加载演示数据" in str(summary)


def test_the_stored_demo_password_hash_is_the_demo_password():
    assert check_password(DEMO_PASSWORD, DEMO_PASSWORD_HASH)
    assert not check_password("tongban@2026", DEMO_PASSWORD_HASH)


def test_demo_accounts_log_in_with_their_roles(db, demo, client, settings):
    settings.PASSWORD_HASHERS = FAST_HASHER
    accounts = demo_accounts()
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=[a.username for a in accounts])
    }

    assert len(users) == len(accounts) == 32
    assert users["admin"].is_superuser
    maintainer = users["ezhou-catalog"]
    assert maintainer.is_staff and not maintainer.is_superuser
    assert maintainer.has_perm("catalog.change_implementation")
    assert maintainer.has_perm("regions.view_organization")
    assert not maintainer.has_perm("catalog.delete_implementation")
    assert not maintainer.has_perm("catalog.change_serviceitem")
    assert not maintainer.has_perm("regions.change_organization")
    assert {u.username for u in users.values() if u.is_staff} == {"admin"} | {u for u, _, _ in MAINTAINERS}
    for account in accounts:
        assert client.login(username=account.username, password=account.password), account.username
        client.logout()


# --- Accounts for every role ------------------------------------------------------------------------


def roles_by_city() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for role, city in StaffRole.objects.filter(
        user__username__in=[a.username for a in demo_accounts()]
    ).values_list("role", "organization__region__city__name"):
        found.setdefault(city, set()).add(role)
    return found


def test_every_role_has_accounts_in_wuhan_ezhou_and_huangshi(db, demo):
    found = roles_by_city()
    local_roles = set(Role.values) - {Role.PLATFORM_ADMIN}

    assert {
        city: found[city] - {Role.PLATFORM_ADMIN} for city in ("武汉市", "鄂州市", "黄石市")
    } == dict.fromkeys(("武汉市", "鄂州市", "黄石市"), local_roles)
    assert all(Role.CATALOG_ADMIN in roles for roles in found.values())
    assert len(found) == 9
    assert StaffRole.objects.filter(role=Role.PLATFORM_ADMIN, user__username="admin").count() == 1


def test_demo_roles_are_what_a_grant_would_accept(db, demo):
    roles = StaffRole.objects.filter(user__username__in=[a.username for a in demo_accounts()]).select_related(
        "user", "organization__region", "region"
    )

    for row in roles:
        problems = staff_role_problems(
            user=row.user,
            organization=row.organization,
            role=row.role,
            region=row.region,
            item_code=row.item_code,
        )
        assert [p.message for p in problems if "已有" not in p.message] == [], row  # all but "already held"
    chiefs = roles.filter(role=Role.CHIEF_SERVICE_OFFICER)
    assert {ServiceItem.objects.get(basic_code=r.item_code).name for r in chiefs} == {"社会保障卡申领"}
    assert all(r.region == r.organization.region for r in roles.filter(role=Role.SUPERVISOR))


def test_clerks_and_helpers_work_at_a_hall_with_a_cross_city_window(db, demo):
    for row in StaffRole.objects.filter(role__in=[Role.WINDOW_CLERK, Role.HELPER]):
        assert Window.objects.filter(hall__organization=row.organization, is_cross_city=True).exists(), row


def test_a_catalog_admin_keeps_their_own_city_only(db, demo):
    actor = actor_for(get_user_model().objects.get(username="ezhou-catalog"))

    assert actor.city_ids(Role.CATALOG_ADMIN) == {Region.objects.get(key="420700").pk}
    assert catalog_cities(actor_for(get_user_model().objects.get(username="admin"))) is None


def test_citizens_have_valid_but_obviously_made_up_numbers(db, demo):
    people = Person.objects.filter(user__username__in=["zhangsan", "lisi", "wangwu"]).order_by(
        "user__username"
    )

    assert [p.real_name for p in people] == ["李四", "王五", "张三"]
    for person in people:
        assert ric.is_valid(person.id_number)
        assert person.id_number[6:14] == "20000101"
        assert person.phone.startswith("1380000000")
        assert Person.objects.get(id_number_index=id_number_index(person.id_number)) == person


def test_the_company_has_its_operator_and_the_mandate_is_in_force(db, demo):
    company = Company.objects.get(user__username="demo-company")
    mandate = Mandate.objects.get(principal__username="zhangsan")

    assert validate_uscc(company.uscc) == company.uscc
    assert [o.person.real_name for o in company.operators.filter(revoked_at=None)] == ["李四"]
    assert (mandate.agent.real_name, mandate.all_items, mandate.is_active()) == ("王五", True, True)


def test_the_kiosk_token_answers_as_the_kiosk(db, demo, client):
    response = client.get("/api/v1/identity/me", headers={"Authorization": f"Bearer {DEMO_KIOSK_TOKEN}"})

    assert response.status_code == 200
    assert response.json()["display_name"] == "华容区政务服务中心“圈内通办”自助终端"
    assert [s["value"] for s in response.json()["token"]["scopes"]] == ["identity:verify"]


def test_the_table_lists_every_account_and_the_kiosk_token():
    lines = demo_accounts_table().splitlines()

    assert lines[0].split() == ["用户名", "密码（令牌）", "角色", "城市", "单位或姓名"]
    assert len(lines) == 1 + 32 + 1
    assert lines[3].split() == ["ezhou-catalog", DEMO_PASSWORD, "目录管理员", "鄂州市", "鄂州市行政审批局"]
    assert DEMO_KIOSK_TOKEN in lines[-1]


def test_creating_the_accounts_again_adds_nothing(db, demo):
    counts = (get_user_model().objects.count(), StaffRole.objects.count(), Person.objects.count())

    demo_accounts_create()

    assert (get_user_model().objects.count(), StaffRole.objects.count(), Person.objects.count()) == counts
    assert ApiToken.objects.count() == 1
