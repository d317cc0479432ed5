"""SM2 libraries measured side by side: what ADR 0013 chose from, kept so the choice can be re-measured.

Each candidate is asked the same things on the same machine, single-threaded:

  kind        how its wheel does the work (C, Rust, CFFI, pure Python)
  user ID     whether the signer's ID (ID_A in Z_A, GB/T 32918.2) can be chosen or is fixed to the
              default 1234567812345678
  standard    the GB/T 32918.5-2017 Annex A signature example (recommended curve, ID 1234567812345678,
              message "message digest"): with the standard's fixed k the signature must equal the
              published (r, s); a library that cannot take k must verify the published (r, s)
  interop     its fresh signatures verify with an independent implementation (gmalg, pure Python),
              gmalg's verify with it, and a tampered message is refused
  garbage     what the library's own verify does with a 3-byte signature, run in a child process
              (False, an exception, or the whole process aborted)
  sign/s      signatures per second, the private key already loaded (from the median single call)
  verify/s    verifications per second, the public key already loaded
  verify/s b  the same with the public key parsed from its 65 bytes on every call, as a stateless
              verify(public_key_bytes, message, signature) does

Candidates are not project dependencies: install them into a throwaway virtual environment.

    uv venv /tmp/sm2eval --python 3.13
    uv pip install --python /tmp/sm2eval --only-binary :all: gmssl-pyx tongsuopy gmssl-fast \\
        smcryptopy snowland-smx gmssl gmalg cryptography
    /tmp/sm2eval/bin/python bench/sm2_candidates.py [--seconds 2] [--rounds 3]

A candidate that is not installed is listed as such. The load average is printed at the start and the
end: on a shared two-core machine the rates fall with whatever else runs.
"""

import argparse
import importlib.metadata
import os
import secrets
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

# GB/T 32918.5-2017 Annex A (= GM/T 0003.5-2012 A.2): the signature example on the recommended curve.
STD_PRIVATE = bytes.fromhex("3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8")
STD_PUBLIC = bytes.fromhex(
    "04"
    "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
    "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13"
)
STD_K = "59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21"
STD_SIGNATURE = bytes.fromhex(
    "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
    "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA"
)
STD_MESSAGE = b"message digest"
DEFAULT_ID = b"1234567812345678"
# License-sized: the canonical JSON a license signature covers is a few hundred bytes.
MESSAGE = b'{"identifier":"1.2.156.3005.2.11100000MB0000000X.11420100MB1234567X.000123.1.K",' * 6
GARBAGE = b"abc"

# The recommended curve's a, b, G (GB/T 32918.5), for Z_A (GB/T 32918.2 §5.5).
CURVE_A = bytes.fromhex("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC")
CURVE_B = bytes.fromhex("28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93")
CURVE_G = bytes.fromhex(
    "32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7"
    "BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0"
)


def der(rs: bytes) -> bytes:
    """r||s as the DER SEQUENCE of two INTEGERs (GB/T 35276) that OpenSSL-style APIs take."""

    def integer(value: bytes) -> bytes:
        value = value.lstrip(b"\0") or b"\0"
        if value[0] & 0x80:
            value = b"\0" + value
        return b"\x02" + bytes([len(value)]) + value

    body = integer(rs[:32]) + integer(rs[32:])
    return b"\x30" + bytes([len(body)]) + body


def raw(signature_der: bytes) -> bytes:
    """DER (r, s) back to 64-byte r||s (short-form lengths: an SM2 signature is under 128 bytes)."""
    r_len = signature_der[3]
    r = signature_der[4 : 4 + r_len]
    s = signature_der[6 + r_len :]
    return int.from_bytes(r, "big").to_bytes(32, "big") + int.from_bytes(s, "big").to_bytes(32, "big")


@dataclass
class Candidate:
    """One library behind the same small interface; signatures are 64-byte r||s here."""

    name: str
    distribution: str
    kind: str
    user_id: str
    generate: Callable[[], tuple[bytes, bytes]]  # -> (32-byte private key, 65-byte 04||x||y public key)
    signer: Callable[[bytes, bytes], Callable[[bytes], bytes]]  # (private, public) -> sign(message)
    verifier: Callable[[bytes], Callable[[bytes, bytes], bool]]  # public -> verify(message, signature)
    standard: Callable[[], str]
    garbage: Callable[[], object]  # the library's own verify, given a 3-byte signature


def gmssl_pyx() -> Candidate:
    """GmSSL's streaming API: sm2_sign_init precomputes for many signatures, so one call is slow."""
    import gmssl_pyx as g

    def generate():
        public, private = g.sm2_key_generate()
        return private, b"\x04" + public

    def standard():
        ok = g.sm2_verify(STD_PUBLIC[1:], STD_MESSAGE, der(STD_SIGNATURE), DEFAULT_ID)
        other = g.sm2_verify(STD_PUBLIC[1:], STD_MESSAGE, der(STD_SIGNATURE), b"ALICE123@YAHOO.COM")
        return _verdict_verified(ok, other)

    return Candidate(
        "gmssl-pyx",
        "gmssl-pyx",
        "C extension (GmSSL 3.2, static)",
        "any",
        generate,
        lambda private, public: lambda m: raw(g.sm2_sign(private, public[1:], m, DEFAULT_ID)),
        lambda public: lambda m, s: g.sm2_verify(public[1:], m, der(s), DEFAULT_ID),
        standard,
        lambda: g.sm2_verify(STD_PUBLIC[1:], STD_MESSAGE, GARBAGE),
    )


def z_value(public: bytes, user_id: bytes = DEFAULT_ID) -> bytes:
    """Z_A = SM3(ENTL_A || ID_A || a || b || x_G || y_G || x_A || y_A), GB/T 32918.2 §5.5."""
    import gmssl_pyx as g

    entl = (len(user_id) * 8).to_bytes(2, "big")
    return g.sm3_hash(entl + user_id + CURVE_A + CURVE_B + CURVE_G + public[1:])


def gmssl_pyx_digest() -> Candidate:
    """gmssl-pyx's one-shot digest API, e = SM3(Z_A || M) computed beside it: what ADR 0013 uses."""
    import gmssl_pyx as g

    base = gmssl_pyx()

    def e(public, message):
        return g.sm3_hash(z_value(public) + message)

    def signer(private, public):
        return lambda m: raw(g.sm2_sign_sm3_digest(private, e(public, m)))

    def verifier(public):
        return lambda m, s: g.sm2_verify_sm3_digest(public[1:], e(public, m), der(s))

    def standard():
        z_ok = z_value(STD_PUBLIC).hex().upper().startswith("B2E14C5C79C6DF5B")
        ok = verifier(STD_PUBLIC)(STD_MESSAGE, STD_SIGNATURE)
        return _verdict_verified(ok and z_ok, None) + ("; Z_A as published" if z_ok else "")

    return Candidate(
        "gmssl-pyx, digest API",
        "gmssl-pyx",
        base.kind + " + Z_A in Python",
        "any",
        base.generate,
        signer,
        verifier,
        standard,
        lambda: g.sm2_verify_sm3_digest(STD_PUBLIC[1:], bytes(32), GARBAGE),
    )


def tongsuopy() -> Candidate:
    from tongsuopy.crypto import hashes, serialization
    from tongsuopy.crypto.asymciphers import ec
    from tongsuopy.crypto.exceptions import InvalidSignature

    algorithm = ec.ECDSA(hashes.SM3())  # with an SM2 key: SM2 with SM3 and the default ID, no other

    def public_key(public):
        x, y = int.from_bytes(public[1:33], "big"), int.from_bytes(public[33:], "big")
        return ec.EllipticCurvePublicNumbers(x, y, ec.SM2()).public_key()

    def generate():
        key = ec.generate_private_key(ec.SM2())
        public = key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return key.private_numbers().private_value.to_bytes(32, "big"), public

    def verifier(public):
        key = public_key(public)
        return lambda m, s: _no_exception(key.verify, der(s), m, algorithm, expected=InvalidSignature)

    def signer(private, public):
        key = ec.derive_private_key(int.from_bytes(private, "big"), ec.SM2())
        return lambda m: raw(key.sign(m, algorithm))

    def standard():
        return _verdict_verified(verifier(STD_PUBLIC)(STD_MESSAGE, STD_SIGNATURE), None)

    return Candidate(
        "tongsuopy",
        "tongsuopy",
        "CFFI over Tongsuo (OpenSSL 1.1.1h base)",
        "default only",
        generate,
        signer,
        verifier,
        standard,
        lambda: public_key(STD_PUBLIC).verify(GARBAGE, STD_MESSAGE, algorithm),
    )


def gmssl_fast() -> Candidate:
    import gmssl_fast as f

    def generate():
        key = f.SM2.generate()
        return bytes.fromhex(key.private_key_hex), bytes.fromhex(key.public_key_hex)

    def verifier(public):
        key = f.SM2(public_key=public.hex())
        return lambda m, s: key.verify(m, s)

    def signer(private, public):
        return f.SM2(private_key=private.hex(), public_key=public.hex()).sign

    def standard():
        return _verdict_verified(f.SM2(public_key=STD_PUBLIC.hex()).verify(STD_MESSAGE, STD_SIGNATURE), None)

    return Candidate(
        "gmssl-fast",
        "gmssl-fast",
        "Rust extension over GmSSL",
        "default only",
        generate,
        signer,
        verifier,
        standard,
        lambda: f.SM2(public_key=STD_PUBLIC.hex()).verify(STD_MESSAGE, GARBAGE),
    )


def smcryptopy() -> Candidate:
    from smcryptopy import sm2

    def generate():
        private, public = sm2.gen_keypair()
        return bytes.fromhex(private), bytes.fromhex("04" + public)

    def signer(private, public):
        return lambda m: raw(sm2.sign(DEFAULT_ID, m, private.hex()))

    def verifier(public):
        return lambda m, s: sm2.verify(DEFAULT_ID, m, der(s), public[1:].hex()) == 1

    def standard():
        return _verdict_verified(verifier(STD_PUBLIC)(STD_MESSAGE, STD_SIGNATURE), None)

    return Candidate(
        "smcryptopy",
        "smcryptopy",
        "CFFI over Rust (smcrypto)",
        "any",
        generate,
        signer,
        verifier,
        standard,
        lambda: sm2.verify(DEFAULT_ID, STD_MESSAGE, GARBAGE, STD_PUBLIC[1:].hex()),
    )


def snowland_smx() -> Candidate:
    from pysmx.SM2 import Sign, Verify, generate_keypair

    def generate():
        pair = generate_keypair()
        return pair.privateKey, b"\x04" + pair.publicKey

    def signer(private, public):
        return lambda m: Sign(m, private.hex(), secrets.token_hex(32), 64, uid=DEFAULT_ID)

    def verifier(public):
        return lambda m, s: bool(Verify(s, m, public[1:].hex(), 64, uid=DEFAULT_ID))

    def standard():
        signature = Sign(STD_MESSAGE, STD_PRIVATE.hex(), STD_K, 64, uid=DEFAULT_ID)
        return _verdict_fixed_k(signature == STD_SIGNATURE)

    return Candidate(
        "snowland-smx (pysmx)",
        "snowland-smx",
        "pure Python",
        "any",
        generate,
        signer,
        verifier,
        standard,
        lambda: Verify(GARBAGE, STD_MESSAGE, STD_PUBLIC[1:].hex(), 64, uid=DEFAULT_ID),
    )


def gmssl_pure() -> Candidate:
    from gmssl import sm2

    def crypt(private, public):
        # Its constructor strips "04" with str.lstrip (any leading 0s and 4s): pass x||y without it.
        return sm2.CryptSM2(private_key=private.hex() if private else "", public_key=public[1:].hex())

    def generate():
        private = secrets.token_bytes(32)
        point = crypt(private, STD_PUBLIC)._kg(int.from_bytes(private, "big"), sm2.default_ecc_table["g"])
        return private, b"\x04" + bytes.fromhex(point)

    def signer(private, public):
        c = crypt(private, public)
        return lambda m: bytes.fromhex(c.sign_with_sm3(m))

    def verifier(public):
        c = crypt(None, public)
        return lambda m, s: bool(c.verify_with_sm3(s.hex(), m))

    def standard():
        signature = crypt(STD_PRIVATE, STD_PUBLIC).sign_with_sm3(STD_MESSAGE, STD_K.lower())
        return _verdict_fixed_k(bytes.fromhex(signature) == STD_SIGNATURE)

    return Candidate(
        "gmssl (pure)",
        "gmssl",
        "pure Python",
        "default only (fixed in its Z)",
        generate,
        signer,
        verifier,
        standard,
        lambda: crypt(None, STD_PUBLIC).verify_with_sm3(GARBAGE.hex(), STD_MESSAGE),
    )


def gmalg() -> Candidate:
    import gmalg as ga

    def rs(pair):
        return b"".join(part.rjust(32, b"\0") for part in pair)

    def generate():
        private, public = ga.SM2().generate_keypair()
        return private.rjust(32, b"\0"), public

    def signer(private, public):
        key = ga.SM2(private, DEFAULT_ID, public)
        return lambda m: rs(key.sign(m))

    def verifier(public):
        key = ga.SM2(None, DEFAULT_ID, public)
        return lambda m, s: key.verify(m, s[:32], s[32:])

    def standard():
        k = iter([int(STD_K, 16)])
        key = ga.SM2(STD_PRIVATE, DEFAULT_ID, STD_PUBLIC, rnd_fn=lambda bits: next(k))
        return _verdict_fixed_k(rs(key.sign(STD_MESSAGE)) == STD_SIGNATURE)

    return Candidate(
        "gmalg",
        "gmalg",
        "pure Python",
        "any",
        generate,
        signer,
        verifier,
        standard,
        lambda: ga.SM2(None, DEFAULT_ID, STD_PUBLIC).verify(STD_MESSAGE, GARBAGE[:2], GARBAGE[2:]),
    )


CANDIDATES = {
    f.__name__: f
    for f in (gmssl_pyx, gmssl_pyx_digest, tongsuopy, gmssl_fast, smcryptopy, snowland_smx, gmssl_pure, gmalg)
}


def _no_exception(call, *args, expected: type[Exception]) -> bool:
    try:
        call(*args)
    except expected:
        return False
    return True


def _verdict_verified(ok: bool, other_id: bool | None) -> str:
    if not ok:
        return "FAILS: published (r, s) refused"
    if other_id:
        return "FAILS: accepted under another ID"
    return "published (r, s) verifies" + ("; refused under another ID" if other_id is False else "")


def _verdict_fixed_k(equal: bool) -> str:
    return "fixed k gives the published (r, s)" if equal else "FAILS: fixed k gives another (r, s)"


def rate(call: Callable[[], object], seconds: float) -> float:
    """Operations per second from the median of single calls, after a short warm-up."""
    for _ in range(3):
        call()
    times = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(times) < 5:
        start = time.perf_counter_ns()
        call()
        times.append(time.perf_counter_ns() - start)
    return 1e9 / statistics.median(times)


def interop(candidate: Candidate, reference: Candidate) -> str:
    """Signatures cross-verified both ways with the reference implementation; a tampered one refused."""
    private, public = candidate.generate()
    signature = candidate.signer(private, public)(MESSAGE)
    there = reference.verifier(public)(MESSAGE, signature)
    ref_private, ref_public = reference.generate()
    back = candidate.verifier(ref_public)(MESSAGE, reference.signer(ref_private, ref_public)(MESSAGE))
    tampered = candidate.verifier(public)(MESSAGE + b" ", signature)
    return "both ways" if there and back and not tampered else f"FAILS ({there=}, {back=}, {tampered=})"


def garbage(name: str) -> str:
    """The library's verify on a 3-byte signature, in a child process so that an abort is seen."""
    child = subprocess.run(  # noqa: S603 - this interpreter running this file
        [sys.executable, __file__, "--garbage", name], capture_output=True, text=True, check=False
    )
    if child.returncode < 0:
        return f"aborts the process (signal {-child.returncode})"
    result = child.stdout.strip() or f"exit {child.returncode}"
    noise = " + stderr noise" if child.stderr.strip() else ""
    return result + noise


def garbage_child(name: str) -> None:
    try:
        result = CANDIDATES[name]().garbage()
    except Exception as error:  # what the library raises is what is measured
        print(f"raises {type(error).__name__}")
    else:
        print(f"returns {result!r}")


def measure(name: str, seconds: float, rounds: int, reference: Candidate | None) -> list[str]:
    try:
        candidate = CANDIDATES[name]()
    except ImportError as error:
        return [name, "-", f"not installed ({error.name})"] + [""] * 7
    version = importlib.metadata.version(candidate.distribution)
    private, public = candidate.generate()
    sign = candidate.signer(private, public)
    verify = candidate.verifier(public)
    signature = sign(MESSAGE)
    assert verify(MESSAGE, signature), f"{candidate.name}: its own signature does not verify"
    signs, verifies, cold = [], [], []
    for _ in range(rounds):  # rounds interleaved, so a burst of load touches each figure alike
        signs.append(rate(lambda: sign(MESSAGE), seconds))
        verifies.append(rate(lambda: verify(MESSAGE, signature), seconds))
        cold.append(rate(lambda: candidate.verifier(public)(MESSAGE, signature), seconds))
    return [
        candidate.name,
        version,
        candidate.kind,
        candidate.user_id,
        candidate.standard(),
        interop(candidate, reference) if reference else "(gmalg not installed)",
        garbage(name),
        f"{statistics.median(signs):,.0f}",
        f"{statistics.median(verifies):,.0f}",
        f"{statistics.median(cold):,.0f}",
    ]


def cryptography_row() -> list[str]:
    """Whether pyca/cryptography (OpenSSL) offers SM2 signatures: it has SM3, and no SM2 curve."""
    try:
        import cryptography
        from cryptography.hazmat.backends.openssl import backend
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec
    except ImportError:
        return ["cryptography", "-", "not installed"] + [""] * 7
    sm2 = [name for name in dir(ec) if "SM2" in name.upper()]
    verdict = "no SM2 curve (an SM2 key: UnsupportedAlgorithm)" if not sm2 else f"SM2: {sm2}"
    verdict += f"; SM3: {'yes' if hasattr(hashes, 'SM3') else 'no'}"
    kind = f"Rust + {backend.openssl_version_text()}"
    return ["cryptography", cryptography.__version__, kind, "-", verdict] + ["-"] * 5


def table(rows: list[list[str]]) -> str:
    header = ["library", "version", "kind", "user ID", "GB/T 32918.5 example", "interop", "garbage signature",
              "sign/s", "verify/s", "verify/s b"]  # fmt: skip
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="time per figure and round (default 2)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the median is printed (default 3)")
    parser.add_argument("--only", nargs="*", choices=CANDIDATES, help="measure these candidates only")
    parser.add_argument("--garbage", choices=CANDIDATES, help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.garbage:
        return garbage_child(args.garbage)
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    try:
        reference = gmalg()
    except ImportError:
        reference = None
    names = args.only or list(CANDIDATES)
    rows = [measure(name, args.seconds, args.rounds, reference) for name in names]
    rows.append(cryptography_row())
    print(table(rows))
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
