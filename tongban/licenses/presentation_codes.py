"""What a 亮证 shows: the QR code's signed token and the 6-digit check code, both derived from the
presentation's `jti` with the site's keys, so neither is ever stored.

The token is `L<jti>.<expiry>:<signature>`, signed with django.core.signing under its own salt (the pattern
of identity's codes, ADR 0010): it cannot be forged, and it names the row that makes it expire and work
once (presentations.py). The 6-digit code is a keyed digest of `jti` cut to six digits, for a verifier
without a scanner; the row keeps only `code_index`, a blind index of the code, to find it again. The
signing and the derivation use different salts, so one never stands in for the other.
"""

import re
from datetime import UTC, datetime

import segno
from django.core import signing
from django.utils.crypto import salted_hmac

from tongban.core.crypto import blind_index

from .models import Presentation

SALT = "tongban.licenses.presentation"
CODE_SALT = "tongban.licenses.presentation-code"
CLAIMS = re.compile(r"^L(?P<jti>[A-Za-z0-9_-]{16})\.(?P<exp>[0-9A-Za-z]{1,8})$")
CHECK_CODE = re.compile(r"^[0-9]{6}$")
TOKEN_MAX = 200  # a real token is about 70 characters; longer text is not even unsigned


def check_code(jti: str) -> str:
    digest = salted_hmac(CODE_SALT, jti, algorithm="sha256").digest()
    return f"{int.from_bytes(digest[:8]) % 1_000_000:06d}"


def code_index(code: str) -> str:
    """The keyed digest a presentation's code is stored and looked up by."""
    return blind_index(code, purpose="license_presentation")


def is_check_code(text: str) -> bool:
    """Whether the verifier typed a 6-digit code (else the text is a scanned token)."""
    return bool(CHECK_CODE.match(text))


def presentation_code(presentation: Presentation) -> str:
    """The 6-digit check code the holder reads out or shows beside the QR code."""
    return check_code(presentation.jti)


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT, algorithm="sha256")


def presentation_token(presentation: Presentation) -> str:
    """The QR code's text (about 70 characters): the same every time it is asked for, so a reloaded page
    shows the same code."""
    expiry = signing.b62_encode(int(presentation.expires_at.timestamp()))
    return _signer().sign(f"L{presentation.jti}.{expiry}")


def presentation_qr(presentation: Presentation) -> segno.QRCode:
    """A real QR code (never Micro QR) at level M, like the identity code's."""
    return segno.make_qr(presentation_token(presentation), error="m")


def token_claims(token: str) -> tuple[str, datetime] | None:
    """(jti, expiry) of a well-formed token with a valid signature; None for anything else."""
    if len(token) > TOKEN_MAX:
        return None
    try:
        match = CLAIMS.match(_signer().unsign(token))
    except signing.BadSignature:
        return None
    if match is None:
        return None
    return match["jti"], datetime.fromtimestamp(signing.b62_decode(match["exp"]), tz=UTC)
