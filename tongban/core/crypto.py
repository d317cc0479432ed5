"""Personal data at rest: authenticated encryption and blind indexes.

Values are encrypted with Fernet (AES-128-CBC with HMAC-SHA256: authenticated, randomized) under
MultiFernet, so several keys can be live at once: the first encrypts, all decrypt, and
`tongban keys rotate` re-encrypts old values under the first. The keys are independent of SECRET_KEY.

A ciphertext cannot be searched, so each searchable value also has a blind index: HMAC-SHA256 of the
normalized value under its own key and a purpose label, which finds exact matches (one person by ID
number) without revealing the value.
"""

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class DecryptionError(Exception):
    """A stored value could not be decrypted: a missing key or tampered data."""


@cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in settings.DATA_KEYS])


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str) -> str:
    try:
        return _fernet().decrypt(ciphertext.encode()).decode()
    except InvalidToken:
        raise DecryptionError(
            "stored personal data could not be decrypted (missing key or tampered)"
        ) from None


def reencrypt(ciphertext: str) -> str:
    """The same plaintext under the newest key (MultiFernet.rotate)."""
    return _fernet().rotate(ciphertext.encode()).decode()


def blind_index(value: str, *, purpose: str) -> str:
    """A stable keyed digest of a normalized value, for exact lookup of encrypted data."""
    message = f"{purpose}:{value.strip().upper()}".encode()
    return hmac.new(settings.BLIND_INDEX_KEY.encode(), message, hashlib.sha256).hexdigest()


def reset_key_cache() -> None:
    """Forget the loaded keys (after a rotation or in tests that change settings.DATA_KEYS)."""
    _fernet.cache_clear()
