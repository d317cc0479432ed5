"""The demo e-licenses: every listed type with its face fields; the citizens' and the company's licenses,
issued by several cities' organizations, each verifying — but the suspended, the expired and the replaced
one, which say why; their histories; loading again and resetting.

The demo is loaded once for the module (it takes seconds) in a transaction rolled back afterwards; tests
that change it run inside their own, which pytest-django rolls back.
"""

import datetime as dt
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from tongban.demo import demo_load
from tongban.demo.licenses import LICENSE_TYPES, TYPE_SPECS, demo_licenses_create
from tongban.demo.licenses_data import HOLDINGS
from tongban.demo.loader import demo_remove
from tongban.identity import access
from tongban.identity.access import actor_for
from tongban.licenses.choices import FaceFieldType, HolderKind, LicenseOperation, LicenseStatus
from tongban.licenses.models import License, LicenseEvent, LicenseType, Seal
from tongban.licenses.selectors import keys_document, license_export, license_verify, licenses_held
from tongban.licenses.verification import Verdict, verify_offline

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CITIZENS = ("zhangsan", "lisi", "wangwu")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
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


def actor(username: str):
    return actor_for(get_user_model().objects.get(username=username))


def _held(username: str, type_key: str, version: int) -> License:
    """The demo holding of this type (a demo case may have issued the holder another one)."""
    numbers = {h.number.split("{")[0] for h in HOLDINGS if h.holder == username and h.type == type_key}
    found = [
        license_
        for license_ in License.objects.filter(
            holder__username=username, license_type__code=LICENSE_TYPES[type_key][0], version=version
        ).select_related("license_type", "issuer__region__city", "seal", "jurisdiction", "previous")
        if any(license_.number.startswith(prefix) for prefix in numbers)
    ]
    assert len(found) == 1, (username, type_key, found)
    return found[0]


# --- Types --------------------------------------------------------------------------------------------


def test_every_listed_type_has_a_face_definition():
    assert set(TYPE_SPECS) == set(LICENSE_TYPES)
    for key, spec in TYPE_SPECS.items():
        keys = [f["key"] for f in spec.fields]
        assert len(keys) == len(set(keys)) >= 3, key
        assert all(f["type"] in FaceFieldType.values and isinstance(f["required"], bool) for f in spec.fields)
        assert spec.holder_kind in HolderKind.values
        assert spec.validity_years is None or 1 <= spec.validity_years <= 10


def test_every_listed_type_exists_with_its_face_fields(db, demo):
    types = {t.code: t for t in LicenseType.objects.all()}

    for key, (code, name) in LICENSE_TYPES.items():
        assert types[code].name == name
        assert types[code].face_fields == list(TYPE_SPECS[key].fields)
        assert types[code].holder_kind == TYPE_SPECS[key].holder_kind
    assert types[LICENSE_TYPES["bizlic"][0]].holder_kind == HolderKind.ORGANIZATION
    assert types[LICENSE_TYPES["sscard"][0]].validity_years == 10


# --- Who holds what -----------------------------------------------------------------------------------


def test_each_citizen_holds_four_to_six_licenses_of_several_cities_issuers(db, demo):
    counts = Counter(h.holder for h in HOLDINGS)

    for username in CITIZENS:
        assert 4 <= counts[username] <= 6, username
        wallet = licenses_held(actor(username)).select_related("issuer__region__city")
        cities = {(lic.issuer.region.city or lic.issuer.region).name for lic in wallet}
        assert len(cities) >= 2, (username, cities)
        for holding in (h for h in HOLDINGS if h.holder == username):
            assert _held(username, holding.type, 1).issuer.name == holding.issuer


def test_zhangsan_holds_the_property_certificate_that_water_connection_asks_for(db, demo):
    certificate = _held("zhangsan", "property", 1)

    assert certificate.status == LicenseStatus.VALID
    assert certificate.issuer.name == "武汉市自然资源和规划局"
    assert certificate.holder_name == "张三"
    assert certificate.face_data["location"].startswith("江岸区示例路")
    assert certificate.number.startswith(f"鄂（{certificate.issued_on.year}）武汉市不动产权第")


def test_approved_cases_issue_believable_faces_and_replace_what_their_issuer_gave_before(db, demo):
    from tongban.cases.models import Case

    results = License.objects.filter(pk__in=Case.objects.values("result_license")).select_related(
        "license_type"
    )

    assert results.exists()
    for license_ in results:
        assert not any("演示" in str(value) for value in license_.face_data.values()), license_.face_data
        mine = License.objects.filter(
            holder=license_.holder, license_type=license_.license_type, issuer=license_.issuer, status="valid"
        )
        assert mine.count() <= 1, (license_.holder, license_.license_type)
    lisi_card = _held("lisi", "sscard", 1)
    assert lisi_card.next_versions.exists() and lisi_card.status == LicenseStatus.EXPIRED


def test_the_company_holds_its_changed_business_licence_and_its_operator_sees_it(db, demo):
    current, replaced = _held("demo-company", "bizlic", 2), _held("demo-company", "bizlic", 1)

    assert (current.status, replaced.status) == (LicenseStatus.VALID, LicenseStatus.EXPIRED)
    assert current.previous == replaced
    assert current.serial == replaced.serial and current.identifier != replaced.identifier
    assert (replaced.face_data["registered_capital"], current.face_data["registered_capital"]) == (
        "100",
        "500",
    )
    assert current.face_data["established_on"] == replaced.issued_on.isoformat()
    assert current.holder_code_type == "uscc" and current.number == current.holder_code
    assert current in licenses_held(actor("lisi"))
    assert current not in licenses_held(actor("zhangsan"))


# --- Signatures and statuses --------------------------------------------------------------------------


NOT_VALID = {
    ("wangwu", "driving", 1): LicenseStatus.SUSPENDED,
    ("lisi", "residence", 1): LicenseStatus.EXPIRED,
    ("demo-company", "bizlic", 1): LicenseStatus.EXPIRED,
}


def test_every_demo_license_verifies_but_the_deliberately_non_valid_ones_which_say_so(db, demo):
    expected = {_held(*key).pk: status for key, status in NOT_VALID.items()}
    # and those an approved demo case replaced with their next version (换发)
    replaced = License.objects.filter(next_versions__isnull=False).values_list("pk", flat=True)
    expected |= dict.fromkeys(replaced, LicenseStatus.EXPIRED)
    keys = keys_document()

    for license_ in License.objects.select_related(
        "license_type", "issuer", "seal", "jurisdiction", "previous"
    ):
        result = license_verify(license_)
        offline = verify_offline(license_export(license_), keys)
        if license_.pk in expected:
            assert (result.verdict, result.status) == (Verdict.NOT_VALID, expected[license_.pk])
            assert LicenseStatus(expected[license_.pk]).label in result.message
        else:
            assert result.verdict == Verdict.VALID, (license_, result.message)
        assert offline == result


def test_each_issuer_signs_with_its_own_seal_and_its_demo_reviewer_operates_its_licenses(db, demo):
    for holding in HOLDINGS:
        license_ = _held(holding.holder, holding.type, 1)
        assert license_.seal.organization_id == license_.issuer_id
    driving = _held("wangwu", "driving", 1)

    assert access.check(actor("huangshi-reviewer"), "license.operate", driving)
    assert not access.check(actor("wuhan-reviewer"), "license.operate", driving)
    assert (
        Seal.objects.filter(retired_at=None).values("organization").distinct().count() == Seal.objects.count()
    )


def test_the_histories_happened_on_their_days(db, demo):
    today = timezone.localdate()
    driving, residence = _held("wangwu", "driving", 1), _held("lisi", "residence", 1)
    replaced = _held("demo-company", "bizlic", 1)

    assert [(e.operation, e.actor.username) for e in driving.events.order_by("at")] == [
        (LicenseOperation.ISSUE, "huangshi-reviewer"),
        (LicenseOperation.SUSPEND, "huangshi-reviewer"),
    ]
    assert "12分" in driving.events.get(operation=LicenseOperation.SUSPEND).reason
    assert driving.events.get(operation=LicenseOperation.SUSPEND).at.date() == today - dt.timedelta(days=20)
    assert driving.signed_at.date() == driving.issued_on and driving.serial.startswith(
        str(driving.issued_on.year)
    )
    assert residence.valid_until < today
    expiry = residence.events.get(operation=LicenseOperation.EXPIRE)
    assert (expiry.actor, expiry.actor_label) == (None, "系统")
    assert timezone.localdate(expiry.at) == residence.valid_until + dt.timedelta(days=1)
    assert replaced.events.get(operation=LicenseOperation.EXPIRE).reason == "已由第2版替代"


# --- Loading again, resetting --------------------------------------------------------------------------


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (LicenseType, Seal, License, LicenseEvent))


def test_loading_again_creates_nothing_twice(db, demo):
    before = counts()

    assert demo_load().loaded is False
    assert demo_licenses_create() == []
    assert counts() == before


def test_reset_issues_the_same_licenses_under_new_seals(db, demo):
    def snapshot():
        return sorted(
            License.objects.values_list(
                "holder__username", "license_type__code", "issuer__name", "number", "version", "status"
            )
        )

    before, seals = snapshot(), set(Seal.objects.values_list("fingerprint", flat=True))

    assert demo_load(reset=True).licenses == len(before)
    assert snapshot() == before
    assert seals.isdisjoint(Seal.objects.values_list("fingerprint", flat=True))


def test_removing_the_demo_removes_its_licenses_seals_and_types(db, demo):
    demo_remove()

    assert counts() == (0, 0, 0, 0)
