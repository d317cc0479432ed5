"""E-licenses: verification through the service beside the raw SM2 verify, issuance beside raw signing.

The issue's goal: verifying a license through the service layer keeps at least 80 % of the chosen SM2
library's raw verify rate. Measured in the same run, on the same licenses and payloads:

  gmssl digest     gmssl_pyx.sm2_verify_sm3_digest(public, e, der): the library's curve work alone,
                   e = SM3(Z_A || M) and the DER signature made beforehand
  gmssl message    gmssl_pyx.sm2_verify(public, M, der, ID): the library's own call, Z_A and e in C
  crypto           crypto.sm2_verify(public, M, r||s): the project's one SM2 call (Z_A in Python, the
                   key checked on the curve, r and s in range): the raw rate the goal is measured against
  service          selectors.license_verify(license): payload fields, canonical JSON, verify, status,
                   on licenses already loaded from the database
  service + load   license_verify(license_by_identifier(identifier)): the identifier parsed and checked,
                   the license read with its type, issuer, seal, jurisdiction and previous version
  load alone       license_by_identifier(identifier), to see what the read costs
  canonical_json   canonical_json(payload) alone; payload_fields + canonical_json as the service runs them

and issuance: services.license_issue (one thread: the issuer's row lock, the serial, holder code
encrypted, signature, license and event rows, the audit entry) beside crypto.sm2_sign on the same payloads.

First it loads the demo (types with face fields, organizations, reviewers, holders) and generates
--licenses licenses spread over 40 issuers and every type, each signed by its issuer's seal
(crypto.sm2_sign over services.signed_payload, as license_issue signs) and bulk-inserted with its 新发
event; every one is then verified once through the service as a check. The rounds are interleaved
(each method in turn on the round's licenses), so that a burst of load touches each figure alike.
Figures are p50 / p95 in milliseconds of single calls and the rate from the total time of all calls;
"vs crypto" is the rate over crypto.sm2_verify's (crypto.sm2_sign's for issuance).

Its own database: a temporary SQLite file, or with TONGBAN_DATABASE_URL a database
tongban_bench_licenses on that server, created and dropped (see catalog_search.py).

    .venv/bin/python bench/licenses.py [--licenses 10000] [--sample 2000] [--rounds 3] [--issue 300]
"""

import argparse
import datetime as dt
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import catalog_search  # noqa: E402
from catalog_search import own_database, p50_p95  # noqa: E402

catalog_search.BENCH_DB = "tongban_bench_licenses"  # its own PostgreSQL database, beside the others'
ISSUERS = 40
WARMUP = 20
GENERATED = "基准"  # the generated licenses' numbers begin with it


@dataclass
class Figure:
    name: str
    samples: list[float]  # milliseconds of single calls

    @property
    def rate(self) -> float:
        return 1000 * len(self.samples) / sum(self.samples)


# --- Data -------------------------------------------------------------------------------------------


def generate(count: int) -> float:
    """`count` licenses signed by their issuers' seals, bulk-inserted with their events; seconds taken."""
    from django.db import transaction
    from django.utils import timezone

    from tongban.identity.models import User
    from tongban.licenses import crypto
    from tongban.licenses.choices import HolderKind, LicenseOperation, LicenseStatus
    from tongban.licenses.identifiers import license_identifier_make
    from tongban.licenses.models import License, LicenseEvent, LicenseType, holder_code_index
    from tongban.licenses.services import _holder, seal_for, signed_payload
    from tongban.regions.models import Organization

    started = time.perf_counter()
    issuers = list(Organization.objects.select_related("region").order_by("pk")[:ISSUERS])
    seals = {o.pk: seal_for(o) for o in issuers}
    keys = {pk: (bytes.fromhex(s.private_key), bytes.fromhex(s.public_key)) for pk, s in seals.items()}
    holders = {
        kind: [(user, _holder(user)) for user in users]
        for kind, users in (
            (HolderKind.PERSON, User.objects.filter(username__in=["zhangsan", "lisi", "wangwu"])),
            (HolderKind.ORGANIZATION, User.objects.filter(username="demo-company")),
        )
    }
    types = list(LicenseType.objects.order_by("code"))
    today, now = timezone.localdate(), timezone.now()
    batch: list[License] = []
    for n in range(count):
        license_type, issuer = types[n % len(types)], issuers[n % len(issuers)]
        pool = holders[license_type.holder_kind]
        user, (kind, name, code_type, code) = pool[n % len(pool)]
        serial = f"{today.year}{n + 1:06d}"
        license_ = License(
            identifier=license_identifier_make(
                type_code=license_type.code, issuer_uscc=issuer.uscc, serial=serial, version=1
            ),
            license_type=license_type,
            serial=serial,
            version=1,
            number=f"{GENERATED}{today.year}第{n + 1:06d}号",
            issuer=issuer,
            holder=user,
            holder_kind=kind,
            holder_name=name,
            holder_code_type=code_type,
            holder_code=code,
            holder_code_index=holder_code_index(code_type, code),
            issued_on=today - dt.timedelta(days=n % 1000),
            valid_from=today - dt.timedelta(days=n % 1000),
            valid_until=today + dt.timedelta(days=365 * 5) if n % 2 else None,
            jurisdiction=issuer.region,
            face_data=_face(license_type, n),
            status=LicenseStatus.VALID,
            status_changed_at=now,
            seal=seals[issuer.pk],
            signed_at=now,
        )
        private, public = keys[issuer.pk]
        license_.signature = crypto.sm2_sign(private, signed_payload(license_), public_key=public).hex()
        batch.append(license_)
        if len(batch) == 1000 or n == count - 1:
            with transaction.atomic():
                made = License.objects.bulk_create(batch)
                LicenseEvent.objects.bulk_create(
                    LicenseEvent(
                        license=m,
                        operation=LicenseOperation.ISSUE,
                        from_status="",
                        to_status=LicenseStatus.VALID,
                        actor_label="基准测试",
                        at=now,
                    )
                    for m in made
                )
            batch = []
    catalog_search._analyze()
    return time.perf_counter() - started


def _face(license_type, n: int) -> dict[str, str]:
    values = {"date": "2024-05-01", "number": str(80 + n % 50)}
    return {
        f["key"]: values.get(f["type"], f"{f['label']}示例{n % 97}")
        for f in license_type.face_fields
        if f["required"] or n % 2
    }


# --- Measurements -----------------------------------------------------------------------------------


def timed_each(fn: Callable[[object], object], items: Sequence[object]) -> list[float]:
    """Milliseconds of fn(item) for each item, after WARMUP calls."""
    for item in items[:WARMUP]:
        fn(item)
    samples = []
    for item in items:
        started = time.perf_counter()
        fn(item)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def verification(sample: int, rounds: int) -> list[Figure]:
    import gmssl_pyx

    from tongban.licenses import crypto
    from tongban.licenses.models import License
    from tongban.licenses.selectors import _RELATED, license_by_identifier, license_verify
    from tongban.licenses.services import payload_fields

    generated = License.objects.filter(number__startswith=GENERATED)
    loaded = list(generated.select_related(*_RELATED).order_by("?")[: sample * rounds])
    verdicts = Counter(license_verify(license_).verdict for license_ in loaded)
    print(f"check: {len(loaded):,} licenses through the service: {dict(verdicts)}")
    prepared = []
    for license_ in loaded:
        public, signature = bytes.fromhex(license_.seal.public_key), bytes.fromhex(license_.signature)
        payload = payload_fields(license_)
        message = crypto.canonical_json(payload)
        digest = crypto.sm3(crypto.z_value(public) + message)
        der = crypto._raw_to_der(signature)
        prepared.append((license_, public, signature, payload, message, digest, der))

    methods: list[tuple[str, Callable]] = [
        ("gmssl digest", lambda p: gmssl_pyx.sm2_verify_sm3_digest(p[1][1:], p[5], p[6])),
        ("gmssl message", lambda p: gmssl_pyx.sm2_verify(p[1][1:], p[4], p[6], crypto.DEFAULT_USER_ID)),
        ("crypto", lambda p: crypto.sm2_verify(p[1], p[4], p[2])),
        ("service", lambda p: license_verify(p[0])),
        ("service + load", lambda p: license_verify(license_by_identifier(p[0].identifier))),
        ("load alone", lambda p: license_by_identifier(p[0].identifier)),
        ("canonical_json", lambda p: crypto.canonical_json(p[3])),
        ("payload + json", lambda p: crypto.canonical_json(payload_fields(p[0]))),
    ]
    samples: dict[str, list[float]] = {name: [] for name, _ in methods}
    for r in range(rounds):
        items = prepared[r * sample : (r + 1) * sample]
        for name, fn in methods:
            samples[name] += timed_each(fn, items)
    return [Figure(name, samples[name]) for name, _ in methods]


def issuance(count: int) -> list[Figure]:
    from django.utils import timezone

    from tongban.identity.access import actor_for
    from tongban.identity.models import User
    from tongban.licenses import crypto
    from tongban.licenses.models import License, LicenseType
    from tongban.licenses.services import Issue, license_issue, seal_for, signed_payload
    from tongban.regions.models import Organization

    reviewer = actor_for(User.objects.get(username="wuhan-reviewer"))
    issuer = Organization.objects.get(name="武汉市自然资源和规划局")  # where wuhan-reviewer issues
    license_type = LicenseType.objects.get(name="不动产权证书")
    holder = User.objects.get(username="zhangsan")
    today = timezone.localdate()

    made: list[License] = []

    def issue(n: int) -> None:
        data = Issue(
            license_type=license_type,
            holder=holder,
            number=f"鄂（{today.year}）武汉市不动产权第{n:07d}号",
            face_data=_face(license_type, n),
            issued_on=today,
            valid_from=today,
        )
        made.append(license_issue(issuer=issuer, data=data, by=reviewer))

    service = timed_each(issue, range(1, count + 1))
    seal = seal_for(issuer)
    private, public = bytes.fromhex(seal.private_key), bytes.fromhex(seal.public_key)
    payloads = [signed_payload(license_) for license_ in made[-count:]]
    raw = timed_each(lambda payload: crypto.sm2_sign(private, payload, public_key=public), payloads)
    return [Figure("crypto.sm2_sign", raw), Figure("license_issue", service)]


def table(title: str, figures: list[Figure], baseline: str) -> str:
    base = next(f for f in figures if f.name == baseline).rate
    lines = [f"{title:<16} {'p50 / p95 ms':>19}   {'per second':>10}   vs {baseline}"]
    for f in figures:
        p50, p95 = p50_p95(f.samples)
        lines.append(f"{f.name:<16} {p50:8.3f} / {p95:8.3f}   {f.rate:10,.0f}   {f.rate / base:7.1%}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--licenses", type=int, default=10000, help="licenses generated (default 10,000)")
    parser.add_argument("--sample", type=int, default=2000, help="licenses verified per round and method")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--issue", type=int, default=300, help="licenses issued through the service")
    args = parser.parse_args(argv)
    if args.sample * args.rounds > args.licenses:
        parser.error("--sample × --rounds must not exceed --licenses")
    with own_database([]) as label:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        print(f"database: {label}; load average at start {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        started = time.perf_counter()
        print(catalog_search.load_demo(), f"[{time.perf_counter() - started:.1f} s with migrations' data]")
        seconds = generate(args.licenses)
        print(f"generated {args.licenses:,} signed licenses in {seconds:.1f} s")
        verify = verification(args.sample, args.rounds)
        issue = issuance(args.issue)
        print(f"\nload average at end {os.getloadavg()[0]:.1f}")
        print(table("verify", verify, "crypto"))
        print(table("issue", issue, "crypto.sm2_sign"))
        service, raw = (next(f for f in verify if f.name == n).rate for n in ("service", "crypto"))
        verdict = "keeps" if service >= 0.8 * raw else "falls below"
        print(f"\nthe service {verdict} 80 % of the raw verify rate ({service / raw:.1%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
