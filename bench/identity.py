"""What identity's protections cost, each beside the unprotected operation it wraps, in the same run.

  audit append     audit_record() (locks the chain head, hashes, inserts, moves the head)
                   vs. inserting a row of the same width without the chain
  audit verify     audit_verify() over the whole log (re-hashes every entry), entries per second
                   vs. reading the same rows without hashing
  person save      saving a Person (two values encrypted, two blind indexes) vs. saving its User row
  person load      loading a Person (two values decrypted) vs. loading its User row
  lookup           finding a person by ID number through the blind index vs. a user by user name
  identity code    issuing and verifying a 身份码 (sign, row, conditional UPDATE, audit entry)
                   vs. signing and reading the same payload with django.core.signing alone
  password         one Argon2 hash (what a login costs) vs. one PBKDF2 hash, Django's default

Its own database: a temporary SQLite file, or with TONGBAN_DATABASE_URL a database on that server,
created and dropped (see catalog_search.py). Figures are p50 / p95 in milliseconds after warm-up.

    .venv/bin/python bench/identity.py [--repeat 300] [--log-size 20000]
"""

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import catalog_search  # noqa: E402
from catalog_search import own_database, p50_p95, timed  # noqa: E402

catalog_search.BENCH_DB = (
    "tongban_bench_identity"  # its own PostgreSQL database, beside the search benchmark's
)


def row(name: str, protected: list[float], baseline: list[float], unit: str = "ms") -> str:
    (p50, p95), (b50, b95) = p50_p95(protected), p50_p95(baseline)
    return f"{name:<16} {p50:8.3f} / {p95:8.3f}   {b50:8.3f} / {b95:8.3f}   ×{p50 / b50:6.1f}"


def counter() -> Callable[[], int]:
    state = {"n": 0}

    def next_number() -> int:
        state["n"] += 1
        return state["n"]

    return next_number


def measure(repeat: int, log_size: int) -> tuple[list[str], str]:
    from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher
    from django.core import signing

    from tongban.core.audit import AuditContext, AuditObject, audit_record, audit_verify
    from tongban.core.models import AuditEntry
    from tongban.identity.access import actor_for
    from tongban.identity.choices import AccountKind, Role
    from tongban.identity.models import IdentityCode, Person, User, id_number_index
    from tongban.identity.services.identity_codes import identity_code_issue, identity_code_verify
    from tongban.identity.tests.factories import PersonFactory, StaffRoleFactory, make_id_number

    context = AuditContext(
        actor_id=1, actor_label="基准测试", organization_id=1, channel="web", ip="10.0.0.1"
    )
    obj = AuditObject("identity.person", "1", "张三")
    n = counter()
    rows = []

    append = timed(
        lambda: audit_record(action="bench.append", context=context, obj=obj, detail={"n": n()}), repeat
    )
    owner = _user()
    plain = timed(
        lambda: IdentityCode.objects.create(
            jti=f"bench-{n()}", user=owner, issued_at=_now(), expires_at=_now()
        ),
        repeat,
    )
    rows.append(row("audit append", append, plain))

    while AuditEntry.objects.count() < log_size:
        audit_record(action="bench.fill", context=context, obj=obj, detail={"n": n()})
    entries = AuditEntry.objects.count()
    started = time.perf_counter()
    report = audit_verify()
    verify_s = time.perf_counter() - started
    started = time.perf_counter()
    sum(1 for _ in AuditEntry.objects.order_by("seq").iterator(chunk_size=5000))
    read_s = time.perf_counter() - started
    verify_line = (
        f"audit verify     {entries:,} entries in {verify_s:.2f} s ({entries / verify_s:,.0f}/s, chain "
        f"{'intact' if report.ok else 'BROKEN'}) vs. reading them {read_s:.2f} s ({entries / read_s:,.0f}/s)"
    )

    people = [PersonFactory(id_number=make_id_number(i)) for i in range(200)]
    person = people[0]
    rows.append(row("person save", timed(person.save, repeat), timed(person.user.save, repeat)))
    rows.append(
        row(
            "person load",
            timed(lambda: Person.objects.get(pk=person.pk), repeat),
            timed(lambda: User.objects.get(pk=person.user_id), repeat),
        )
    )
    number = make_id_number(137)
    rows.append(
        row(
            "lookup",
            timed(lambda: Person.objects.get(id_number_index=id_number_index(number)), repeat),
            timed(lambda: User.objects.get(username=people[137].user.username), repeat),
        )
    )

    holder = actor_for(person.user)
    clerk = actor_for(StaffRoleFactory(role=Role.WINDOW_CLERK, user__kind=AccountKind.STAFF).user)
    code_round = timed(
        lambda: identity_code_verify(token=identity_code_issue(by=holder).token, by=clerk), repeat
    )
    payload = {"a": person.user_id, "k": "p", "j": "x" * 16}
    signer_round = timed(lambda: signing.loads(signing.dumps(payload, salt="bench"), salt="bench"), repeat)
    rows.append(row("identity code", code_round, signer_round))

    few = max(5, repeat // 30)
    argon2, pbkdf2 = Argon2PasswordHasher(), PBKDF2PasswordHasher()
    rows.append(
        row(
            "password",
            timed(lambda: argon2.encode("Tongban@2026", argon2.salt()), few),
            timed(lambda: pbkdf2.encode("Tongban@2026", pbkdf2.salt()), few),
        )
    )
    return rows, verify_line


def _now():
    from django.utils import timezone

    return timezone.now()


def _user():
    from tongban.identity.tests.factories import UserFactory

    return UserFactory()


HEADER = f"{'':<16} {'protected p50 / p95':>21}   {'baseline p50 / p95':>21}   {'p50 ratio':>9}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=300, help="measured runs per row (after warm-up)")
    parser.add_argument("--log-size", type=int, default=20000, help="audit entries to verify")
    args = parser.parse_args(argv)
    with own_database([]) as label:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        print(f"database: {label}; load average at start {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        rows, verify_line = measure(args.repeat, args.log_size)
        print(f"\nmilliseconds; load average at end {os.getloadavg()[0]:.1f}\n{HEADER}")
        print("\n".join(rows))
        print(verify_line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
