"""`tongban license verify FILE --keys KEYS`: an exported license verified with only the published public
keys and status list — valid, tampered, unknown issuer, revoked as of the list — and `tongban license keys`,
which publishes them."""

import json

import pytest

from tongban.cli import main

from ..selectors import keys_document, license_export
from ..services import license_issue, license_operate
from ..verification import Verdict, verify_offline
from .factories import make_office, property_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued():
    office = make_office()
    license_ = license_issue(
        issuer=office.issuer, data=property_issue(office.holder), by=office.actor(office.reviewer)
    )
    return office, license_


def write(path, data) -> str:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_an_exported_license_verifies_offline_with_the_published_keys(issued, tmp_path, capsys):
    _, license_ = issued
    keys = tmp_path / "keys.json"

    assert main(["license", "keys", "--output", str(keys)]) == 0
    code = main(
        ["license", "verify", write(tmp_path / "l.json", license_export(license_)), "--keys", str(keys)]
    )

    out = capsys.readouterr().out
    assert code == 0
    assert f"证照标识：{license_.identifier}" in out
    assert "验证结果：有效：签名验证通过，证照状态有效" in out


def test_a_changed_face_is_reported_as_tampered(issued, tmp_path, capsys):
    _, license_ = issued
    document = license_export(license_)
    document["payload"]["face_data"]["area"] = "189.5"

    code = main(
        [
            "license",
            "verify",
            write(tmp_path / "l.json", document),
            "--keys",
            write(tmp_path / "k.json", keys_document()),
        ]
    )

    assert code == 1
    assert "签名验证不通过：证照内容已被篡改或签名无效" in capsys.readouterr().out


def test_a_revoked_license_is_reported_as_of_the_status_list(issued, tmp_path, capsys):
    office, license_ = issued
    before = keys_document()
    license_operate(
        license_=license_, operation="revoke", by=office.actor(office.reviewer), reason="以欺骗手段取得"
    )
    after = keys_document()
    document = license_export(license_)

    assert verify_offline(document, before).verdict == Verdict.VALID  # the older list did not know yet
    code = main(
        [
            "license",
            "verify",
            write(tmp_path / "l.json", document),
            "--keys",
            write(tmp_path / "k.json", after),
        ]
    )

    assert code == 1
    assert "签名验证通过，但证照当前不是有效状态（撤销）" in capsys.readouterr().out


def test_an_issuer_missing_from_the_keys_is_unknown(issued, tmp_path, capsys):
    _, license_ = issued
    keys = keys_document() | {"seals": []}

    code = main(
        [
            "license",
            "verify",
            write(tmp_path / "l.json", license_export(license_)),
            "--keys",
            write(tmp_path / "k.json", keys),
        ]
    )

    assert code == 1
    assert "无法验证：未知的颁发机构印章" in capsys.readouterr().out


def test_another_organizations_key_does_not_vouch_for_the_issuer(issued):
    _, license_ = issued
    keys = keys_document()
    keys["seals"][0]["organization_uscc"] = "91420100MA4KXXXX0X"

    assert verify_offline(license_export(license_), keys).verdict == Verdict.UNKNOWN_ISSUER


def test_a_file_that_is_no_license_is_refused_with_a_message(tmp_path, capsys):
    keys = write(tmp_path / "k.json", {"format": "tongban-keys/1", "seals": [], "status": {}})
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")

    assert main(["license", "verify", write(tmp_path / "x.json", {"hello": 1}), "--keys", keys]) == 1
    assert main(["license", "verify", str(broken), "--keys", keys]) == 1
    assert main(["license", "verify", str(tmp_path / "missing.json"), "--keys", keys]) == 1

    err = capsys.readouterr().err
    assert "无法验证：不是电子证照文件" in err
    assert "证照文件不是有效的 JSON 文件" in err
    assert "找不到证照文件" in err
