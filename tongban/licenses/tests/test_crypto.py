"""The cryptography under seals: the standards' example vectors, signatures that any tampering breaks,
cross-verification with an independent implementation (gmalg, pure Python), canonical JSON compared with
an independent RFC 8785 implementation, and private keys sealed under the personal-data keys."""

import random

import gmalg
import pytest
import rfc8785
from cryptography.fernet import Fernet

from tongban.core import crypto as data_crypto
from tongban.licenses import crypto
from tongban.licenses.crypto import DEFAULT_USER_ID, N

# GB/T 32905-2016 Annex A: SM3 examples 1 and 2.
SM3_ABC = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
SM3_ABCD_16 = "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"

# GB/T 32918.5-2017 Annex A (GM/T 0003.5-2012 A.2): the signature example on the recommended curve.
STD_PRIVATE = bytes.fromhex("3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8")
STD_PUBLIC = bytes.fromhex(
    "04"
    "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
    "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13"
)
STD_MESSAGE = b"message digest"
STD_K = 0x59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21
STD_Z = "B2E14C5C79C6DF5B85F4FE7ED8DB7A262B9DA7E07CCB0EA9F4747B8CCDA8A4F3"
STD_E = "F0B43E94BA45ACCAACE692ED534382EB17E6AB5A19CE7B31F4486FDFC0D28640"
STD_SIGNATURE = bytes.fromhex(
    "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
    "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA"
)

MESSAGE = (
    '{"持证人":"张三","证照标识":"1.2.156.3005.2.11100000MB0000000X.11420100MB1234567X.000123.1.K"}'.encode()
)
OTHER_ID = b"ALICE123@YAHOO.COM"


@pytest.fixture(scope="module")
def keys() -> tuple[bytes, bytes]:
    return crypto.sm2_keypair()


def independent_sign(private_key: bytes, message: bytes, user_id: bytes = DEFAULT_USER_ID, k=None) -> bytes:
    rnd = (lambda bits: k) if k is not None else None
    r, s = gmalg.SM2(private_key, user_id, None, rnd_fn=rnd).sign(message)
    return r.rjust(32, b"\0") + s.rjust(32, b"\0")


def independent_verify(public_key: bytes, message: bytes, signature: bytes, user_id=DEFAULT_USER_ID) -> bool:
    return gmalg.SM2(None, user_id, public_key).verify(message, signature[:32], signature[32:])


def flip(data: bytes, index: int) -> bytes:
    return data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1 :]


# --- The standards' examples ---------------------------------------------------------------------


def test_sm3_gives_the_standard_digests():
    assert crypto.sm3(b"abc").hex() == SM3_ABC
    assert crypto.sm3(b"abcd" * 16).hex() == SM3_ABCD_16


def test_z_and_e_of_the_signature_example_are_the_published_ones():
    z = crypto.z_value(STD_PUBLIC)

    assert z.hex().upper() == STD_Z
    assert crypto.sm3(z + STD_MESSAGE).hex().upper() == STD_E


def test_the_published_signature_verifies_and_only_under_the_default_id():
    assert crypto.sm2_verify(STD_PUBLIC, STD_MESSAGE, STD_SIGNATURE) is True
    assert crypto.sm2_verify(STD_PUBLIC, STD_MESSAGE, STD_SIGNATURE, OTHER_ID) is False


def test_the_public_key_of_the_example_private_key_is_the_published_one():
    assert crypto.sm2_public_key(STD_PRIVATE) == STD_PUBLIC


def test_the_independent_implementation_with_the_fixed_k_gives_the_published_signature():
    # given the standard's k, the reference reproduces the standard: the vectors above are the standard's
    assert independent_sign(STD_PRIVATE, STD_MESSAGE, k=STD_K) == STD_SIGNATURE


def test_a_signature_with_the_example_key_verifies_in_both_implementations():
    signature = crypto.sm2_sign(STD_PRIVATE, STD_MESSAGE)

    assert signature != STD_SIGNATURE  # k is random
    assert crypto.sm2_verify(STD_PUBLIC, STD_MESSAGE, signature)
    assert independent_verify(STD_PUBLIC, STD_MESSAGE, signature)


# --- Keys ----------------------------------------------------------------------------------------


def test_a_key_pair_is_a_32_byte_scalar_and_its_uncompressed_point(keys):
    private, public = keys

    assert len(private) == 32 and 1 <= int.from_bytes(private, "big") <= N - 2
    assert len(public) == 65 and public[0] == 4
    assert crypto.sm2_public_key(private) == public
    assert gmalg.SM2().generate_pk(private) == public


def test_each_key_pair_is_new():
    assert crypto.sm2_keypair() != crypto.sm2_keypair()


def test_the_fingerprint_is_the_sm3_of_the_public_key_in_hex(keys):
    _, public = keys

    assert crypto.fingerprint(public) == crypto.sm3(public).hex()
    assert len(crypto.fingerprint(public)) == 64
    assert crypto.fingerprint(STD_PUBLIC) != crypto.fingerprint(public)


@pytest.mark.parametrize("public", [b"", STD_PUBLIC[1:], b"\x04" + bytes(64), b"\x02" + STD_PUBLIC[1:]])
def test_a_malformed_public_key_has_no_fingerprint(public):
    with pytest.raises(ValueError):
        crypto.fingerprint(public)


@pytest.mark.parametrize("private", [bytes(32), (N - 1).to_bytes(32, "big"), b"\xff" * 32, STD_PRIVATE[1:]])
def test_signing_with_a_malformed_private_key_raises(private):
    with pytest.raises(ValueError):
        crypto.sm2_sign(private, MESSAGE)


def test_signing_refuses_a_public_key_off_the_curve():
    with pytest.raises(ValueError):
        crypto.sm2_sign(STD_PRIVATE, MESSAGE, public_key=flip(STD_PUBLIC, 64))


# --- Sign and verify -----------------------------------------------------------------------------


def test_a_signature_is_64_bytes_and_verifies(keys):
    private, public = keys

    signature = crypto.sm2_sign(private, MESSAGE)

    assert len(signature) == 64
    assert crypto.sm2_verify(public, MESSAGE, signature) is True


def test_signing_with_the_public_key_given_is_the_same_signature_scheme(keys):
    private, public = keys

    signature = crypto.sm2_sign(private, MESSAGE, public_key=public)

    assert crypto.sm2_verify(public, MESSAGE, signature)


def test_signatures_are_randomized(keys):
    private, _ = keys

    assert crypto.sm2_sign(private, MESSAGE) != crypto.sm2_sign(private, MESSAGE)


def test_an_empty_message_can_be_signed(keys):
    private, public = keys

    assert crypto.sm2_verify(public, b"", crypto.sm2_sign(private, b""))


def test_a_tampered_message_is_refused(keys):
    private, public = keys
    signature = crypto.sm2_sign(private, MESSAGE)

    assert crypto.sm2_verify(public, flip(MESSAGE, 10), signature) is False
    assert crypto.sm2_verify(public, MESSAGE + b" ", signature) is False
    assert crypto.sm2_verify(public, MESSAGE[:-1], signature) is False


@pytest.mark.parametrize("index", [0, 31, 32, 63])
def test_a_tampered_signature_is_refused(keys, index):
    private, public = keys
    signature = crypto.sm2_sign(private, MESSAGE)

    assert crypto.sm2_verify(public, MESSAGE, flip(signature, index)) is False


def test_another_key_is_refused(keys):
    private, _ = keys
    _, other_public = crypto.sm2_keypair()

    assert crypto.sm2_verify(other_public, MESSAGE, crypto.sm2_sign(private, MESSAGE)) is False


def test_another_user_id_is_refused(keys):
    private, public = keys

    signature = crypto.sm2_sign(private, MESSAGE, OTHER_ID)

    assert crypto.sm2_verify(public, MESSAGE, signature, OTHER_ID) is True
    assert crypto.sm2_verify(public, MESSAGE, signature) is False


GARBAGE_SIGNATURES = [
    b"",
    b"abc",
    bytes(64),  # r = s = 0
    N.to_bytes(32, "big") + (1).to_bytes(32, "big"),  # r = n
    (1).to_bytes(32, "big") + N.to_bytes(32, "big"),  # s = n
    b"\xff" * 64,
    STD_SIGNATURE + b"\x00",
    STD_SIGNATURE.hex(),
    bytearray(STD_SIGNATURE),
    None,
    64,
]


@pytest.mark.parametrize("signature", GARBAGE_SIGNATURES, ids=repr)
def test_a_garbage_signature_is_refused_without_raising(signature):
    assert crypto.sm2_verify(STD_PUBLIC, STD_MESSAGE, signature) is False


GARBAGE_PUBLIC_KEYS = [
    b"",
    STD_PUBLIC[1:],  # x||y without the 04
    b"\x02" + STD_PUBLIC[1:33],  # compressed form
    b"\x04" + bytes(64),
    flip(STD_PUBLIC, 64),  # off the curve
    b"\x04" + (crypto.P + 1).to_bytes(32, "big") + STD_PUBLIC[33:],
    STD_PUBLIC.hex(),
    None,
]


@pytest.mark.parametrize("public", GARBAGE_PUBLIC_KEYS, ids=repr)
def test_a_garbage_public_key_is_refused_without_raising(public):
    assert crypto.sm2_verify(public, STD_MESSAGE, STD_SIGNATURE) is False


@pytest.mark.parametrize(
    ("message", "user_id"),
    [
        (STD_MESSAGE.decode(), DEFAULT_USER_ID),
        (None, DEFAULT_USER_ID),
        (14, DEFAULT_USER_ID),  # bytes(14) would be 14 zero bytes: refused, not coerced
        (STD_MESSAGE, b""),
        (STD_MESSAGE, DEFAULT_USER_ID.decode()),
        (STD_MESSAGE, b"x" * 8192),
    ],
    ids=repr,
)
def test_a_garbage_message_or_user_id_is_refused_without_raising(message, user_id):
    assert crypto.sm2_verify(STD_PUBLIC, message, STD_SIGNATURE, user_id) is False


def test_signing_refuses_a_message_that_is_not_bytes(keys):
    private, _ = keys

    with pytest.raises(TypeError):
        crypto.sm2_sign(private, MESSAGE.decode())


# --- Cross-verification with the independent implementation -------------------------------------


@pytest.mark.parametrize("user_id", [DEFAULT_USER_ID, OTHER_ID])
def test_our_signatures_verify_with_the_independent_implementation(keys, user_id):
    private, public = keys

    signature = crypto.sm2_sign(private, MESSAGE, user_id)

    assert independent_verify(public, MESSAGE, signature, user_id) is True
    assert independent_verify(public, flip(MESSAGE, 3), signature, user_id) is False


@pytest.mark.parametrize("user_id", [DEFAULT_USER_ID, OTHER_ID])
def test_the_independent_implementations_signatures_verify_with_ours(keys, user_id):
    private, public = keys

    signature = independent_sign(private, MESSAGE, user_id)

    assert crypto.sm2_verify(public, MESSAGE, signature, user_id) is True
    assert crypto.sm2_verify(public, flip(MESSAGE, 3), signature, user_id) is False


def test_a_key_made_by_the_independent_implementation_signs_and_verifies_here():
    private, public = gmalg.SM2().generate_keypair()
    private = private.rjust(32, b"\0")

    assert crypto.sm2_public_key(private) == public
    assert crypto.sm2_verify(public, MESSAGE, crypto.sm2_sign(private, MESSAGE))


# --- Canonical JSON ------------------------------------------------------------------------------

PAYLOAD = {
    "identifier": "1.2.156.3005.2.11100000MB0000000X.11420100MB1234567X.000123.1.K",
    "holder_name": "张三",
    "valid_until": None,
    "version": 2,
    "revoked": False,
    "face_data": {"坐落": "武汉市江岸区沿江大道1号", "面积": "89.5平方米", "用途": "住宅"},
    "previous": ["1.2.156.3005.2.x.1", "1.2.156.3005.2.x.2"],
}


def test_canonical_json_sorts_keys_at_every_level_and_has_no_whitespace():
    assert crypto.canonical_json({"b": 1, "a": {"d": [3, {"f": None, "e": True}], "c": "x y"}}) == (
        b'{"a":{"c":"x y","d":[3,{"e":true,"f":null}]},"b":1}'
    )


def test_canonical_json_keeps_chinese_as_utf8_characters():
    assert crypto.canonical_json({"持证人": "张三"}) == '{"持证人":"张三"}'.encode()


def test_canonical_json_is_stable_whatever_the_insertion_order():
    reordered = dict(reversed(list(PAYLOAD.items())))
    reordered["face_data"] = dict(reversed(list(PAYLOAD["face_data"].items())))

    assert crypto.canonical_json(reordered) == crypto.canonical_json(PAYLOAD)


def test_canonical_json_is_rfc_8785_for_a_license_payload():
    assert crypto.canonical_json(PAYLOAD) == rfc8785.dumps(PAYLOAD)


@pytest.mark.parametrize(
    "value",
    [
        "\u2028\u2029",  # kept, as ES2019 JSON.stringify keeps them
        '\x00\x08\t\n\x0c\r\x1f\x7f"\\/',  # short escapes, \u00XX in lower case, / and DEL as they are
        "é😀",
        {"\ue000": 1, "😀": 2, "a": 3},  # UTF-16 order puts the emoji's surrogates before U+E000
        {"": [], "a": {}},
        [-(2**53 - 1), 2**53 - 1, 0, -0],
    ],
    ids=repr,
)
def test_canonical_json_is_rfc_8785_at_the_edges(value):
    assert crypto.canonical_json(value) == rfc8785.dumps(value)


def test_canonical_json_matches_rfc_8785_on_random_documents():
    rng = random.Random(5)
    alphabet = 'ab"\\\n\x01 é张三\u2028😀\ue000'

    def text() -> str:
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))

    def value(depth: int):
        kind = rng.randint(0, 6 if depth < 3 else 3)
        if kind == 0:
            return text()
        if kind == 1:
            return rng.randint(-(2**53) + 1, 2**53 - 1)
        if kind == 2:
            return rng.choice([True, False, None])
        if kind == 3:
            return rng.randint(-5, 5)
        if kind in (4, 5):
            return {text(): value(depth + 1) for _ in range(rng.randint(0, 4))}
        return [value(depth + 1) for _ in range(rng.randint(0, 4))]

    for _ in range(300):
        document = value(0)
        assert crypto.canonical_json(document) == rfc8785.dumps(document)


@pytest.mark.parametrize(
    "value",
    [
        1.5,
        float("nan"),
        float("inf"),
        2**53,
        -(2**53),
        "\ud800",
        {"\udc00": 1},
        {1: "a"},
        {"a"},
        b"x",
        object(),
    ],
    ids=repr,
)
def test_canonical_json_refuses_what_has_no_portable_canonical_form(value):
    with pytest.raises(ValueError):
        crypto.canonical_json({"nested": [value]})


# --- Private keys at rest ------------------------------------------------------------------------

K1, K2 = Fernet.generate_key().decode(), Fernet.generate_key().decode()


@pytest.fixture
def data_keys(settings):
    def use(*keys: str) -> None:
        settings.DATA_KEYS = list(keys)
        data_crypto.reset_key_cache()

    yield use
    data_crypto.reset_key_cache()


def test_a_sealed_private_key_opens_to_the_same_key_and_shows_nothing_of_it(data_keys, keys):
    data_keys(K1)
    private, _ = keys

    token = crypto.private_key_seal(private)

    assert isinstance(token, str)
    assert private.hex() not in token and token != private.hex()
    assert crypto.private_key_seal(private) != token  # randomized
    assert crypto.private_key_open(token) == private


def test_a_sealed_private_key_is_what_an_encrypted_field_stores(data_keys, keys):
    # the seal's EncryptedTextField holds the key's hex: `tongban keys rotate` re-encrypts both alike
    data_keys(K1)
    private, _ = keys

    assert data_crypto.decrypt(crypto.private_key_seal(private)) == private.hex()
    assert crypto.private_key_open(data_crypto.encrypt(private.hex())) == private


def test_a_sealed_private_key_survives_a_key_rotation(data_keys, keys):
    private, _ = keys
    data_keys(K1)
    token = crypto.private_key_seal(private)

    data_keys(K2, K1)
    rotated = data_crypto.reencrypt(token)
    data_keys(K2)

    assert crypto.private_key_open(rotated) == private
    with pytest.raises(data_crypto.DecryptionError):
        crypto.private_key_open(token)


def test_a_tampered_sealed_key_fails_loudly(data_keys, keys):
    data_keys(K1)
    private, _ = keys
    token = crypto.private_key_seal(private)

    with pytest.raises(data_crypto.DecryptionError):
        crypto.private_key_open(token[:40] + ("A" if token[40] != "A" else "B") + token[41:])


def test_only_a_32_byte_private_key_is_sealed(data_keys):
    data_keys(K1)

    with pytest.raises(ValueError):
        crypto.private_key_seal(STD_PRIVATE.hex().encode())
