"""Verifying a license: the one place that decides what a signature and a status mean, for the platform's
own pages and API (from the database) and for `tongban license verify FILE` (offline, from an exported
license file and the published keys with the last status list).

An exported license file is JSON: {"format": "tongban-license/1", "payload": {...signed fields...},
"signature": "<hex r||s>", "seal": "<public key fingerprint>"}. The published keys file is JSON:
{"format": "tongban-keys/1", "published_at": ..., "seals": [{"fingerprint", "public_key", "organization_uscc",
"organization", "retired_at"}], "status": {"<identifier>": "<status>"}} — every license whose status is not
有效, as of `published_at`.
"""

from dataclasses import dataclass
from typing import Any

from django.db import models

from . import crypto
from .choices import LicenseStatus

LICENSE_FORMAT = "tongban-license/1"
KEYS_FORMAT = "tongban-keys/1"


class Verdict(models.TextChoices):
    VALID = "valid", "有效：签名验证通过，证照状态有效"
    TAMPERED = "tampered", "签名验证不通过：证照内容已被篡改或签名无效"
    UNKNOWN_ISSUER = "unknown_issuer", "无法验证：未知的颁发机构印章"
    NOT_VALID = "not_valid", "签名验证通过，但证照当前不是有效状态"
    MALFORMED = "malformed", "无法验证：不是电子证照文件"


@dataclass(frozen=True)
class Result:
    verdict: Verdict
    status: str  # LicenseStatus value, "" when unknown
    identifier: str
    issuer: str

    @property
    def ok(self) -> bool:
        return self.verdict == Verdict.VALID

    @property
    def message(self) -> str:
        label = self.verdict.label
        if self.verdict == Verdict.NOT_VALID and self.status:
            return f"{label}（{LicenseStatus(self.status).label}）"
        return label


def verify(payload: dict[str, Any], signature_hex: str, public_key_hex: str | None, status: str) -> Result:
    """The verdict on signed fields, given the seal's public key (None: unknown) and the current status."""
    identifier, issuer = str(payload.get("identifier", "")), str(payload.get("issuer_name", ""))
    if public_key_hex is None:
        return Result(Verdict.UNKNOWN_ISSUER, status, identifier, issuer)
    try:
        signature, public_key = bytes.fromhex(signature_hex), bytes.fromhex(public_key_hex)
    except (TypeError, ValueError):
        return Result(Verdict.TAMPERED, status, identifier, issuer)
    if not crypto.sm2_verify(public_key, crypto.canonical_json(payload), signature):
        return Result(Verdict.TAMPERED, status, identifier, issuer)
    if status != LicenseStatus.VALID:
        return Result(Verdict.NOT_VALID, status, identifier, issuer)
    return Result(Verdict.VALID, status, identifier, issuer)


def verify_offline(document: Any, keys: Any) -> Result:
    """An exported license file against the published keys and status list (both already parsed JSON)."""
    if not isinstance(document, dict) or document.get("format") != LICENSE_FORMAT:
        return Result(Verdict.MALFORMED, "", "", "")
    payload = document.get("payload")
    if not isinstance(payload, dict) or not isinstance(document.get("signature"), str):
        return Result(Verdict.MALFORMED, "", "", "")
    seals = {s.get("fingerprint"): s for s in keys.get("seals", [])} if isinstance(keys, dict) else {}
    seal = seals.get(document.get("seal"))
    # The seal must be the issuer's: a key of another organization does not vouch for this issuer.
    if seal is not None and seal.get("organization_uscc") != payload.get("issuer_uscc"):
        seal = None
    status = (keys.get("status", {}) if isinstance(keys, dict) else {}).get(
        str(payload.get("identifier", "")), LicenseStatus.VALID
    )
    return verify(payload, document["signature"], seal.get("public_key") if seal else None, status)
