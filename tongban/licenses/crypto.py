"""The cryptography under seals: SM2 signatures with SM3 (GB/T 32918, GB/T 32905), the canonical JSON they
cover, and seal private keys encrypted at rest.

The only module that calls the SM2 library (gmssl-pyx, a C extension over GmSSL; ADR 0013), so that it can
be swapped here alone. Everything crosses this boundary in one format:

  private key   32 bytes, the scalar d big-endian, 1 <= d <= n - 2 (GB/T 32918.1 §6.1)
  public key    65 bytes, the uncompressed point 04 || x || y (GB/T 32918.1's point-to-octets form)
  signature     64 bytes, r || s, each 32 bytes big-endian (not the DER SEQUENCE of GB/T 35276:
                fixed length, plain in hex)
  user ID       bytes, by default 1234567812345678 (GB/T 35276's default), hashed into Z_A

Signing follows GB/T 32918.2 §6: e = SM3(Z_A || M) with Z_A = SM3(ENTL_A || ID_A || a || b || x_G || y_G ||
x_A || y_A); e is computed here and given to GmSSL's one-shot digest functions, whose message API
precomputes for a batch on every call and signs ten times slower (bench/sm2_candidates.py).
"""

import json
from functools import lru_cache
from typing import Any

import gmssl_pyx

from tongban.core import crypto as data_crypto

DEFAULT_USER_ID = b"1234567812345678"

# The recommended curve (GB/T 32918.5): y^2 = x^3 + ax + b over F_p, base point G of prime order N.
P = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
A = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC
B = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93
N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
G = (
    0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7,
    0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0,
)
_CURVE = b"".join(v.to_bytes(32, "big") for v in (A, B, *G))
MAX_USER_ID = 8191  # ENTL_A is the ID's length in bits, in two bytes


def sm3(data: bytes) -> bytes:
    """The 32-byte SM3 digest (GB/T 32905)."""
    return gmssl_pyx.sm3_hash(data)


def sm2_keypair() -> tuple[bytes, bytes]:
    """A new key pair: (32-byte private key, 65-byte public key 04||x||y)."""
    public, private = gmssl_pyx.sm2_key_generate()
    return private, b"\x04" + public


def fingerprint(public_key: bytes) -> str:
    """A seal's public name: SM3 of its 65-byte public key, 64 lowercase hex digits."""
    return sm3(_public_key_checked(public_key)).hex()


def sm2_sign(
    private_key: bytes, message: bytes, user_id: bytes = DEFAULT_USER_ID, *, public_key: bytes | None = None
) -> bytes:
    """The 64-byte signature r||s of message. Z_A needs the public key: pass it when at hand (a seal has
    it), or it is derived from the private key once per process. Raises ValueError on a malformed key."""
    _private_scalar(private_key)
    if not isinstance(message, bytes):
        raise TypeError("the message to sign must be bytes")
    if public_key is None:
        public_key = sm2_public_key(private_key)
    digest = sm3(z_value(public_key, user_id) + message)
    return _der_to_raw(gmssl_pyx.sm2_sign_sm3_digest(private_key, digest))


def sm2_verify(public_key: bytes, message: bytes, signature: bytes, user_id: bytes = DEFAULT_USER_ID) -> bool:
    """Whether signature is public_key's signature of message under user_id. Never raises: any malformed
    input is simply not a valid signature."""
    if not (isinstance(message, bytes) and isinstance(signature, bytes) and len(signature) == 64):
        return False
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    if not (0 < r < N and 0 < s < N):  # GB/T 32918.2 §7.1 B1, B2
        return False
    try:
        digest = sm3(z_value(public_key, user_id) + message)
        return gmssl_pyx.sm2_verify_sm3_digest(public_key[1:], digest, _raw_to_der(signature)) is True
    except Exception:  # a malformed key or ID, or a library error on hostile input: a refusal, not a crash
        return False


def z_value(public_key: bytes, user_id: bytes = DEFAULT_USER_ID) -> bytes:
    """Z_A of GB/T 32918.2 §5.5: binds the signature to the signer's ID and public key."""
    if not isinstance(user_id, bytes) or not 0 < len(user_id) <= MAX_USER_ID:
        raise ValueError("the SM2 user ID must be 1 to 8191 bytes")
    entl = (len(user_id) * 8).to_bytes(2, "big")
    return sm3(entl + user_id + _CURVE + _public_key_checked(public_key)[1:])


@lru_cache(maxsize=64)
def sm2_public_key(private_key: bytes) -> bytes:
    """The public key d·G of a private key, 65 bytes. Computed in Python (GmSSL's wrapper does not
    expose it), so only for keys of our own seals and cached: never on input a stranger controls."""
    x, y = _multiply(_private_scalar(private_key), G)
    return b"\x04" + x.to_bytes(32, "big") + y.to_bytes(32, "big")


# --- Canonical JSON ----------------------------------------------------------------------------------


def canonical_json(obj: Any) -> bytes:
    """The bytes a signature covers: RFC 8785 (JCS) for the values a license holds — objects with string
    keys, arrays, strings, integers within ±(2^53 - 1), true, false, null — UTF-8, characters kept
    (not \\u-escaped), no whitespace, keys sorted by UTF-16 code units. Raises ValueError on anything else.

    Written here instead of using the rfc8785 package (which the tests compare it with): that package
    serializes in Python, 80 µs for a license's payload against 13 µs here with json's C encoder, and an
    SM2 verify takes 560 µs (ADR 0013). The subset is JCS exactly: floats, whose ES6 formatting is the one
    hard part of JCS, are refused (face data are strings; a float in a signed document invites round-trip
    surprises), and for the rest json.dumps writes what JCS writes once keys are in UTF-16 order and lone
    surrogates are refused.
    """
    astral_keys = _jcs_checked(obj)
    text = json.dumps(
        _utf16_ordered(obj) if astral_keys else obj,
        ensure_ascii=False,
        sort_keys=not astral_keys,
        separators=(",", ":"),
        allow_nan=False,
    )
    try:
        return text.encode()
    except UnicodeEncodeError:
        raise ValueError("a string holds a lone surrogate: not Unicode text") from None


_MAX_SAFE_INTEGER = 2**53 - 1


def _jcs_checked(value: Any) -> bool:
    """Refuses what canonical_json does not take; whether some key has a character beyond U+FFFF (only
    then do UTF-16 order and json's code-point order differ)."""
    if value is None or isinstance(value, str | bool):
        return False
    if isinstance(value, int):
        if abs(value) > _MAX_SAFE_INTEGER:
            raise ValueError(f"integer {value} is outside ±(2^53 - 1): not portable JSON")
        return False
    astral = False
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError("object keys must be strings")
            astral = _jcs_checked(item) or astral or (not key.isascii() and max(key) > "\uffff")
        return astral
    if isinstance(value, list | tuple):
        for item in value:
            astral = _jcs_checked(item) or astral
        return astral
    raise ValueError(f"{type(value).__name__} has no canonical JSON form here (floats are refused)")


def _utf16_ordered(value: Any) -> Any:
    if isinstance(value, dict):
        keys = sorted(value, key=lambda key: key.encode("utf-16-be", "surrogatepass"))
        return {key: _utf16_ordered(value[key]) for key in keys}
    if isinstance(value, list | tuple):
        return [_utf16_ordered(item) for item in value]
    return value


# --- Private keys at rest ----------------------------------------------------------------------------


def private_key_seal(private_key: bytes) -> str:
    """The private key encrypted with the personal-data keys (TONGBAN_DATA_KEYS, tongban.core.crypto):
    exactly what an EncryptedTextField holding its hex stores, so `tongban keys rotate` covers it."""
    return data_crypto.encrypt(_private_key_checked(private_key).hex())


def private_key_open(token: str) -> bytes:
    """The private key back from private_key_seal's token; DecryptionError when no key opens it."""
    return _private_key_checked(bytes.fromhex(data_crypto.decrypt(token)))


# --- Internals ---------------------------------------------------------------------------------------


def _private_scalar(private_key: bytes) -> int:
    d = int.from_bytes(_private_key_checked(private_key), "big")
    if not 1 <= d <= N - 2:
        raise ValueError("an SM2 private key is a scalar in [1, n - 2]")
    return d


def _private_key_checked(private_key: bytes) -> bytes:
    if not isinstance(private_key, bytes) or len(private_key) != 32:
        raise ValueError("an SM2 private key is 32 bytes")
    return private_key


def _public_key_checked(public_key: bytes) -> bytes:
    """65 bytes 04||x||y with (x, y) on the curve; ValueError otherwise."""
    if not isinstance(public_key, bytes) or len(public_key) != 65 or public_key[0] != 4:
        raise ValueError("an SM2 public key is 65 bytes: 04 || x || y")
    x, y = int.from_bytes(public_key[1:33], "big"), int.from_bytes(public_key[33:], "big")
    if not (x < P and y < P and (y * y - x * x * x - A * x - B) % P == 0):
        raise ValueError("the SM2 public key is not a point of the curve")
    return public_key


def _multiply(k: int, point: tuple[int, int]) -> tuple[int, int]:
    """k·point in affine coordinates, double-and-add (a few milliseconds in Python)."""
    result = None
    addend = point
    while k:
        if k & 1:
            result = _add(result, addend)
        addend = _add(addend, addend)
        k >>= 1
    if result is None:
        raise ValueError("the point at infinity has no coordinates")
    return result


def _add(p1: tuple[int, int] | None, p2: tuple[int, int] | None) -> tuple[int, int] | None:
    if p1 is None or p2 is None:
        return p1 or p2
    (x1, y1), (x2, y2) = p1, p2
    if x1 == x2 and (y1 + y2) % P == 0:
        return None
    if p1 == p2:  # the tangent
        rise, run = 3 * x1 * x1 + A, 2 * y1
    else:  # the chord
        rise, run = y2 - y1, x2 - x1
    slope = rise * pow(run, -1, P) % P
    x3 = (slope * slope - x1 - x2) % P
    return x3, (slope * (x1 - x3) - y1) % P


def _raw_to_der(signature: bytes) -> bytes:
    """r||s as the DER SEQUENCE { INTEGER r, INTEGER s } of GB/T 35276, which GmSSL takes."""
    body = _der_integer(signature[:32]) + _der_integer(signature[32:])
    return b"\x30" + bytes([len(body)]) + body


def _der_integer(value: bytes) -> bytes:
    value = value.lstrip(b"\x00") or b"\x00"
    if value[0] & 0x80:
        value = b"\x00" + value
    return b"\x02" + bytes([len(value)]) + value


def _der_to_raw(signature: bytes) -> bytes:
    """GmSSL's DER signature as r||s (at most 72 bytes, so every length is in short form)."""
    if signature[0] != 0x30 or signature[1] != len(signature) - 2 or signature[2] != 0x02:
        raise ValueError("not a DER SM2 signature")
    r_end = 4 + signature[3]
    if signature[r_end] != 0x02 or r_end + 2 + signature[r_end + 1] != len(signature):
        raise ValueError("not a DER SM2 signature")
    r, s = signature[4:r_end], signature[r_end + 2 :]
    return int.from_bytes(r, "big").to_bytes(32, "big") + int.from_bytes(s, "big").to_bytes(32, "big")
