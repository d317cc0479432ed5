"""The licenses API: the wallet and one license for their holder only, the exported file, and the public
verification by identifier (masked holder, tampering and status told apart) with the published keys."""

import pytest
from django.core.cache import cache
from django.test import Client

from ..models import License
from ..services import license_issue, license_operate
from .factories import make_office, property_issue

pytestmark = pytest.mark.django_db
API = "/api/v1/licenses"


@pytest.fixture
def issued():
    cache.clear()
    office = make_office()
    license_ = license_issue(
        issuer=office.issuer, data=property_issue(office.holder), by=office.actor(office.reviewer)
    )
    return office, license_


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_holder_sees_the_wallet_and_the_license_with_the_id_number_masked(issued):
    office, license_ = issued
    client = signed_in(office.holder)

    wallet = client.get(API).json()
    one = client.get(f"{API}/{license_.identifier}")

    assert [item["identifier"] for item in wallet["items"]] == [license_.identifier]
    assert one.status_code == 200
    body = one.json()
    assert body["signature_valid"] is True and body["status"]["label"] == "有效"
    assert office.holder.person.id_number not in one.content.decode()
    assert body["holder_code"].startswith(office.holder.person.id_number[:4])


def test_someone_else_neither_lists_nor_reads_the_license(issued):
    office, license_ = issued
    client = signed_in(office.stranger)

    assert client.get(API).json()["count"] == 0
    assert client.get(f"{API}/{license_.identifier}").status_code == 404
    assert client.get(f"{API}/{license_.identifier}/export").status_code == 404
    assert Client().get(API).status_code == 401


def test_the_exported_file_carries_the_signed_fields_and_the_seal(issued):
    office, license_ = issued

    document = signed_in(office.holder).get(f"{API}/{license_.identifier}/export").json()

    assert document["format"] == "tongban-license/1"
    assert document["payload"]["identifier"] == license_.identifier
    assert document["seal"] == license_.seal.fingerprint and document["signature"] == license_.signature


def test_anyone_verifies_by_identifier_and_sees_the_holder_masked(issued):
    office, license_ = issued

    answer = Client().get(f"{API}/verify", {"identifier": license_.identifier.lower()})

    assert answer.status_code == 200
    body = answer.json()
    assert (body["verdict"], body["holder_name"], body["issuer"]) == ("valid", "张*", office.issuer.name)
    assert office.holder.person.id_number not in answer.content.decode()


def test_verification_tells_tampering_and_status_apart(issued):
    office, license_ = issued
    other = license_issue(
        issuer=office.issuer,
        data=property_issue(office.holder, number="第2号"),
        by=office.actor(office.reviewer),
    )
    License.objects.filter(pk=license_.pk).update(number="第9999号")
    license_operate(license_=other, operation="suspend", by=office.actor(office.reviewer), reason="依法暂扣")

    tampered = Client().get(f"{API}/verify", {"identifier": license_.identifier}).json()
    suspended = Client().get(f"{API}/verify", {"identifier": other.identifier}).json()

    assert tampered["verdict"] == "tampered"
    assert (suspended["verdict"], suspended["message"]) == (
        "not_valid",
        "签名验证通过，但证照当前不是有效状态（暂扣）",
    )


def test_a_mistyped_or_unknown_identifier_is_named(issued):
    _, license_ = issued
    wrong = license_.identifier[:-1] + ("A" if license_.identifier[-1] != "A" else "B")

    mistyped = Client().get(f"{API}/verify", {"identifier": wrong})
    unknown = Client().get(f"{API}/verify", {"identifier": license_.identifier.replace(".001.", ".002.")})

    assert mistyped.status_code == 400
    assert mistyped.json()["errors"][0]["message"] == "电子证照标识校验位不正确，请核对后重新输入。"
    assert unknown.status_code in (400, 404)


def test_guessing_identifiers_is_rate_limited(issued):
    _, license_ = issued
    client = Client()

    # 61 requests cross at most one boundary of the limiter's one-minute windows, so one window gets 31.
    answers = [
        client.get(f"{API}/verify", {"identifier": license_.identifier}).status_code for _ in range(61)
    ]

    assert answers[:30] == [200] * 30 and 429 in answers


def test_the_published_keys_list_every_seal_and_the_licenses_not_valid(issued):
    office, license_ = issued
    license_operate(
        license_=license_, operation="cancel", by=office.actor(office.reviewer), reason="申请注销"
    )

    body = Client().get(f"{API}/keys").json()

    assert [s["fingerprint"] for s in body["seals"]] == [license_.seal.fingerprint]
    assert "private" not in str(body).lower()
    assert body["status"] == {license_.identifier: "cancelled"}
