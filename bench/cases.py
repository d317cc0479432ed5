"""Cases at scale: "my cases", a workbench inbox and a case page over 1,000,000 cases, in process and over
HTTP at 1 and 16 concurrent clients; submissions per second; the deadline sweep. Each beside the raw SQL
it rests on, measured in the same run.

  raw      the SQL the operation ran (captured once from the operation itself), executed again with a
           cursor, rows fetched
  in proc  the selectors (a first page of 20 and its count, as the portal and the API show them), or the
           view through django.test.Client with a signed-in session (no network)
  ×16      16 threads at once, each with its own database connection (and session)
  HTTP     the project's gunicorn with `tongban serve`'s options (gthread, 2 workers × 4 threads) on a
           loopback port, a new connection per request, body read

The database is its own (as catalog_search.py): a temporary SQLite file, or with TONGBAN_DATABASE_URL a
database tongban_bench_cases on that server, created and dropped (--keep keeps it with the keys of its
personal data, --reuse measures it again without generating). The demo is loaded, then the cases are
generated with PostgreSQL COPY (secondary indexes and foreign keys are dropped during the load and made
again after it, then VACUUM ANALYZE, as autovacuum would have left a live table): applicants (users with
a person each), the cases across the demo's implementations with their events, steps, materials,
shipments, correction notices and special procedures, and the per-city counters of case numbers.

    TONGBAN_DATABASE_URL=postgres://postgres@127.0.0.1:5432/tongban .venv/bin/python bench/cases.py
    .venv/bin/python bench/cases.py --cases 10000        # smoke check; SQLite works at this size

Submissions are measured through the services (threads of this process: Python's GIL lets them share one
core) and over HTTP (POST /api/v1/cases, then POST …/actions/submit, with a session and CSRF token).
"""

import argparse
import contextlib
import datetime as dt
import hashlib
import http.client
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from catalog_search import p50_p95, timed  # noqa: E402

BENCH_DB = "tongban_bench_cases"
SEED = 20261127
PAGE = 20
CHUNK = 20_000  # cases generated and written at a time
# People per city (millions, 2020 census, rounded): where cases come from.
CITY_WEIGHTS = {
    "武汉市": 12.3,
    "黄冈市": 5.9,
    "孝感市": 4.3,
    "咸宁市": 2.7,
    "黄石市": 2.5,
    "鄂州市": 1.1,
    "仙桃市": 1.1,
    "天门市": 1.2,
    "潜江市": 0.9,
}
BUSY_ORG = "武汉市人力资源和社会保障局"  # wuhan-reviewer's: given BUSY_SHARE of all cases
BUSY_SHARE = 0.04
CITIZEN, REVIEWER = "zhangsan", "wuhan-reviewer"


# --- Database of our own ---------------------------------------------------------------------------


KEPT_VAR_DIR = Path(tempfile.gettempdir()) / f"{BENCH_DB}_var"  # the keys of a kept database's personal data


@contextlib.contextmanager
def own_database(*, keep: bool, reuse: bool) -> Iterator[tuple[str, bool]]:
    """Point the settings at a database of our own before Django starts; (label, already filled)."""
    with contextlib.ExitStack() as stack:
        if keep and os.environ.get("TONGBAN_DATABASE_URL"):
            KEPT_VAR_DIR.mkdir(exist_ok=True)
            os.environ["TONGBAN_VAR_DIR"] = str(KEPT_VAR_DIR)
        else:
            os.environ["TONGBAN_VAR_DIR"] = stack.enter_context(
                tempfile.TemporaryDirectory(prefix="tongban-bench-")
            )
        yield from _own_database(keep=keep, reuse=reuse)


def _own_database(*, keep: bool, reuse: bool) -> Iterator[tuple[str, bool]]:
    os.environ.setdefault("TONGBAN_LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
    url = os.environ.get("TONGBAN_DATABASE_URL")
    if not url:
        yield "SQLite (temporary file)", False
        return
    import psycopg

    parts = urllib.parse.urlsplit(url)
    admin = psycopg.connect(urllib.parse.urlunsplit(parts._replace(path="/postgres")), autocommit=True)
    exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
    filled = bool(exists) and reuse
    if not filled:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        admin.execute(
            f"CREATE DATABASE {BENCH_DB} TEMPLATE template0 ENCODING 'UTF8' "
            "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        )
    os.environ["TONGBAN_DATABASE_URL"] = urllib.parse.urlunsplit(parts._replace(path=f"/{BENCH_DB}"))
    try:
        yield f"PostgreSQL ({BENCH_DB}{', reused' if filled else ''})", filled
    finally:
        from django.db import connections

        connections.close_all()
        if keep:
            print(f"database {BENCH_DB} kept, its keys in {KEPT_VAR_DIR} (--reuse measures it again)")
        else:
            admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        admin.close()


def is_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


# --- Writing rows fast ----------------------------------------------------------------------------------


class Table:
    """Rows of one model as tuples in `columns` order (attnames, the primary key included), written with
    COPY on PostgreSQL and executemany on SQLite. Columns not named get their field's default."""

    def __init__(self, model, columns: list[str]):
        from django.db import connection

        self.model, self.columns = model, columns
        others = [
            f for f in model._meta.concrete_fields if f.attname not in columns and f is not model._meta.pk
        ]
        self.columns_all = columns + [f.column for f in others]
        self.extra = tuple(f.get_db_prep_save(f.get_default(), connection) for f in others)
        self.rows: list[tuple] = []
        self.written = 0

    def add(self, row: tuple) -> None:
        self.rows.append(row)

    def flush(self) -> None:
        from django.db import connection

        if not self.rows:
            return
        quote = connection.ops.quote_name
        table = quote(self.model._meta.db_table)
        columns = ", ".join(quote(c) for c in self.columns_all)
        extra = self.extra
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row + extra)
            else:
                marks = ", ".join(["%s"] * len(self.columns_all))
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
                    [tuple(_sqlite(v) for v in row + extra) for row in self.rows],
                )
        self.written += len(self.rows)
        self.rows = []


def _sqlite(value):
    from django.db import connection

    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class DeferredIndexes:
    """PostgreSQL: drop the secondary indexes, unique constraints and foreign keys of the tables while
    they are loaded, and make them again afterwards (one sort per index, one join per foreign key,
    instead of millions of single-row updates and checks)."""

    def __init__(self, tables: list[str]):
        self.tables = tables
        self.constraints: list[tuple[str, str, str, str]] = []
        self.indexes: list[str] = []

    def __enter__(self):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s) AND contype IN ('f', 'u')",
                [self.tables],
            )
            self.constraints = cursor.fetchall()
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.contype IN ('p', 'u'))",
                [self.tables],
            )
            named = cursor.fetchall()
            self.indexes = [definition for _, definition in named]
            for table, name, _kind, _ in sorted(self.constraints, key=lambda c: c[2] != "f"):
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            for name, _ in named:
                cursor.execute(f'DROP INDEX "{name}"')
        return self

    def __exit__(self, *exc):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '1GB'")
            for definition in self.indexes:
                cursor.execute(definition)
            for table, name, _kind, definition in sorted(self.constraints, key=lambda c: c[2] == "f"):
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            cursor.execute("RESET maintenance_work_mem")


# --- The data ----------------------------------------------------------------------------------------


@dataclass
class Impl:
    id: int
    version_id: int
    item_id: int
    org_id: int
    city_id: int
    city_code: str
    immediate: bool
    promised: int
    statutory: int
    modes: list[str]
    form: str
    materials: list[tuple[int, str, str]]  # id, name, license type code
    steps: list[tuple[str, int, int | None, int]]  # name, stage, organization, time limit


@dataclass
class Milestone:
    action: str
    to: str
    at: dt.datetime
    party: str  # applicant, handler, receiving_clerk


@dataclass
class Facts:
    """What one generated case needs beyond its milestones."""

    status: str = ""
    received_at: dt.datetime | None = None
    consent_at: dt.datetime | None = None
    accepted_at: dt.datetime | None = None
    decided_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    paused_since: dt.date | None = None
    pause_expected: int | None = None
    paused_days: int = 0
    decision: str = ""
    events: list[Milestone] = field(default_factory=list)


SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红斌辉鹏飞宇浩然思雨欣怡子涵梓轩晨阳文博"
REASONS = {
    "refuse_acceptance": "申请事项依法不属于本机关职权范围",
    "deny": "经审查，申请人不符合法定条件",
    "withdraw": "申请人自愿撤回申请",
    "suspend": "等待相关部门出具协查意见",
}
CARRIERS = ("中国邮政EMS", "顺丰速运")


class Generator:
    """Applicants and cases with their rows, reproducible from SEED."""

    def __init__(self, cases: int, applicants: int, now: dt.datetime, years: float = 3.0):
        from tongban.core.calendar import calendar_snapshot

        self.n, self.applicants_n = cases, applicants
        self.rng = random.Random(SEED)
        self.now = now
        self.today = now.date()
        self.tz = now.tzinfo
        self.first_day = self.today - dt.timedelta(days=int(365 * years))
        self.span_days = (self.today - self.first_day).days + 1
        self.calendar = calendar_snapshot()
        self._load_catalog()
        from tongban.cases.models import CaseNumberCounter

        # The demo's own cases took the first numbers of their days.
        self.existing = {(c, d): (pk, last) for pk, c, d, last in CaseNumberCounter.objects.values_list(
            "pk", "city_id", "day", "last"
        )}  # fmt: skip
        self.serials: dict[tuple[int, dt.date], int] = {k: last for k, (_, last) in self.existing.items()}
        self.counts: dict[str, int] = {}

    # The catalog and the people -------------------------------------------------------------------

    def _load_catalog(self) -> None:
        from tongban.catalog.models import Availability, GuideMaterial, GuideStep
        from tongban.catalog.selectors import implementations_in_force
        from tongban.identity.choices import Role
        from tongban.identity.models import StaffRole
        from tongban.regions.models import Window

        modes: dict[int, set[str]] = {}
        for impl_id, mode in Availability.objects.values_list("implementation_id", "mode"):
            modes.setdefault(impl_id, set()).add(mode)
        materials: dict[int, list] = {}
        for version_id, pk, name, code in GuideMaterial.objects.order_by(
            "version_id", "position", "id"
        ).values_list("version_id", "id", "name", "license_type_code"):
            materials.setdefault(version_id, []).append((pk, name, code))
        steps: dict[int, list] = {}
        for version_id, name, stage, org_id, limit in GuideStep.objects.order_by(
            "version_id", "position", "id"
        ).values_list("version_id", "name", "stage", "organization_id", "time_limit_days"):
            steps.setdefault(version_id, []).append((name, stage, org_id, limit))
        impls = implementations_in_force().select_related(
            "organization__region__city", "current", "service_item"
        )
        self.impls: list[Impl] = []
        weights = []
        busy = []
        for impl in impls.order_by("pk"):
            city = impl.organization.region.city or impl.organization.region
            version = impl.current
            self.impls.append(
                Impl(
                    id=impl.pk,
                    version_id=version.pk,
                    item_id=impl.service_item_id,
                    org_id=impl.organization_id,
                    city_id=city.pk,
                    city_code=city.code,
                    immediate=version.case_type == "immediate",
                    promised=version.promised_days,
                    statutory=version.statutory_days,
                    modes=sorted(modes.get(impl.pk, {"online"})),
                    form=json.dumps(form_values(version.form_schema), ensure_ascii=False),
                    materials=materials.get(version.pk, [])[:3],
                    steps=steps.get(version.pk, []),
                )
            )
            popularity = self.rng.paretovariate(1.1)
            weights.append(CITY_WEIGHTS.get(city.name, 1.0) * popularity)
            busy.append(impl.organization.name == BUSY_ORG)
        others = sum(w for w, b in zip(weights, busy, strict=True) if not b)
        busy_total = sum(w for w, b in zip(weights, busy, strict=True) if b) or 1.0
        scale = others * BUSY_SHARE / (1 - BUSY_SHARE) / busy_total
        weights = [w * scale if b else w for w, b in zip(weights, busy, strict=True)]
        self.impl_cum = list(accumulate(weights))
        # Cross-city windows (异地代收) and the staff who act in the cases' histories.
        self.windows = [
            (w.pk, w.hall.organization_id, (w.hall.region.city_id or w.hall.region_id))
            for w in Window.objects.filter(is_cross_city=True).select_related("hall__region")
        ]
        self.staff: dict[int, tuple[int, str]] = {}
        for role in (Role.WINDOW_CLERK, Role.REVIEWER):
            for org_id, user_id, name in StaffRole.objects.filter(role=role, revoked_at=None).values_list(
                "organization_id", "user_id", "user__display_name"
            ):
                self.staff.setdefault(org_id, (user_id, name))

    def people(self) -> None:
        """Applicants (a user and a person each: lists join the person for the name) and one member of
        staff for each organization without a demo account."""
        from django.contrib.auth.hashers import make_password
        from django.db import connection
        from django.db.models import Max

        from tongban.demo.accounts import CITIZENS
        from tongban.identity.models import Person, User
        from tongban.regions.models import Organization

        rng = self.rng
        password = make_password(None)
        first = (User.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        users = Table(
            User,
            [*USER_COLUMNS],
        )
        persons = Table(
            Person,
            [*PERSON_COLUMNS],
        )
        id_field, phone_field = Person._meta.get_field("id_number"), Person._meta.get_field("phone")
        id_cipher = id_field.get_db_prep_save(CITIZENS[2].id_number, connection)
        phone_cipher = phone_field.get_db_prep_save("13800000009", connection)
        joined = dt.datetime.combine(self.first_day, dt.time(9), self.tz)
        self.applicant_ids, self.names = [], {}
        for i in range(self.applicants_n):
            pk = first + i
            name = (
                rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
            )
            users.add((pk, password, f"bench{i:07d}", False, False, True, joined, "person", name, "", "", ""))
            index = hashlib.sha256(f"bench-person-{i}".encode()).hexdigest()
            born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20000))
            persons.add((pk, name, id_cipher, index, phone_cipher, "", born, "420102", "sso", joined))
            self.applicant_ids.append(pk)
            self.names[pk] = name
        pk = first + self.applicants_n
        for org_id, org_name in Organization.objects.values_list("pk", "name"):
            if org_id not in self.staff:
                label = f"{org_name}工作人员"[:100]
                users.add(
                    (
                        pk,
                        password,
                        f"bench-staff-{org_id}",
                        False,
                        False,
                        True,
                        joined,
                        "staff",
                        label,
                        "",
                        "",
                        "",
                    )
                )
                self.staff[org_id] = (pk, label)
                pk += 1
        users.flush()
        persons.flush()
        # The demo's applicants take part like anyone else.
        self.demo_applicants = dict(
            User.objects.filter(username__in=("zhangsan", "lisi", "wangwu", "demo-company")).values_list(
                "username", "pk"
            )
        )
        self.applicant_ids += list(self.demo_applicants.values())
        self.names |= dict(
            User.objects.filter(pk__in=self.demo_applicants.values()).values_list("pk", "display_name")
        )
        _reset_sequences([User, Person])

    # The cases ---------------------------------------------------------------------------------------

    def cases(self, progress: Callable[[int], None]) -> None:
        from django.db.models import Max

        from tongban.cases.models import (
            Case,
            CaseEvent,
            CaseMaterial,
            CaseStep,
            CorrectionNotice,
            Shipment,
            SpecialProcedure,
        )

        self.t_case = Table(Case, CASE_COLUMNS)
        self.t_event = Table(CaseEvent, EVENT_COLUMNS)
        self.t_step = Table(CaseStep, STEP_COLUMNS)
        self.t_material = Table(CaseMaterial, MATERIAL_COLUMNS)
        self.t_shipment = Table(Shipment, SHIPMENT_COLUMNS)
        self.t_notice = Table(CorrectionNotice, NOTICE_COLUMNS)
        self.t_procedure = Table(SpecialProcedure, PROCEDURE_COLUMNS)
        tables = [self.t_case, self.t_event, self.t_step, self.t_material, self.t_shipment, self.t_notice]
        tables.append(self.t_procedure)
        rng = self.rng
        first = (Case.objects.aggregate(m=Max("pk"))["m"] or 0) + 1  # after the demo's own cases
        for start in range(0, self.n, CHUNK):
            count = min(CHUNK, self.n - start)
            chosen = rng.choices(self.impls, cum_weights=self.impl_cum, k=count)
            applicants = rng.choices(self.applicant_ids, k=count)
            for offset in range(count):
                index = start + offset
                self._case(index, first + index, chosen[offset], applicants[offset])
            for table in tables:
                table.flush()
            progress(start + count)
        self._counters()
        _reset_sequences([t.model for t in tables])

    def _created(self, index: int) -> dt.datetime:
        day = self.first_day + dt.timedelta(days=index * self.span_days // self.n)
        at = dt.datetime.combine(day, dt.time(8, 30), self.tz) + dt.timedelta(
            seconds=self.rng.randrange(9 * 3600)
        )
        return min(at, self.now - dt.timedelta(minutes=self.rng.randrange(1, 240)))

    def _case(self, index: int, pk: int, impl: Impl, applicant: int) -> None:
        rng = self.rng
        modes = impl.modes
        roll = rng.random()
        if "proxy" in modes and (roll < 0.15 or modes == ["proxy"]):
            mode = "proxy"
        elif "joint" in modes and (roll > 0.95 or "online" not in modes):
            mode = "joint"
        else:
            mode = "online"
        created = self._created(index)
        window = None
        receiving_org, number_city = impl.org_id, impl.city_id
        if mode == "proxy":
            far = [w for w in self.windows if w[2] != impl.city_id] or self.windows
            window = rng.choice(far)
            receiving_org, number_city = window[1], window[2]
        facts = self._life(impl, mode, created)
        last = facts.events[-1]
        status = last.to
        handler = self.staff.get(impl.org_id, (None, ""))
        clerk = self.staff.get(receiving_org, handler)
        owner = None
        if status == "received":
            owner = clerk[0]
        elif any(e.party == "handler" for e in facts.events) and status not in ("draft",):
            owner = handler[0]
        day = created.date()
        key = (number_city, day)
        serial = self.serials[key] = self.serials.get(key, 0) + 1
        number = case_number(self._city_code(number_city, impl), day, serial)
        clock = self._clock(impl, facts)
        self.counts[status] = self.counts.get(status, 0) + 1
        self.t_case.add(
            (
                pk,
                number,
                impl.version_id,
                impl.item_id,
                mode,
                status,
                facts.decision,
                applicant,
                None,
                None,
                "window" if mode == "proxy" else "web",
                receiving_org,
                window[0] if window else None,
                impl.org_id,
                owner,
                impl.form if status != "draft" or rng.random() < 0.5 else "{}",
                "",
                facts.consent_at,
                facts.received_at,
                facts.accepted_at,
                facts.decided_at,
                facts.closed_at,
                "immediate" if impl.immediate else "promised",
                clock["promised"],
                impl.statutory,
                clock["started"],
                facts.paused_since,
                facts.pause_expected,
                facts.paused_days,
                clock["stopped"],
                clock["due"],
                clock["provisional"],
                clock["light"],
                clock["yellow"],
                clock["red"],
                len(facts.events),
                created,
                last.at,
            )
        )
        self._events(pk, facts, applicant, handler, clerk, impl, receiving_org, mode)
        self._parts(pk, impl, mode, facts, applicant, handler, clerk, receiving_org)

    def _city_code(self, city_id: int, impl: Impl) -> str:
        if city_id == impl.city_id:
            return impl.city_code
        if not hasattr(self, "_codes"):
            from tongban.regions.models import Region

            self._codes = dict(Region.objects.values_list("pk", "code"))
        return self._codes[city_id]

    def _life(self, impl: Impl, mode: str, created: dt.datetime) -> Facts:
        """The case's milestones from its creation, cut at now: most cases have long been completed."""
        rng, now = self.rng, self.now
        day = dt.timedelta(days=1)
        facts = Facts()
        plan: list[Milestone] = []
        applicant_party = "applicant"
        if mode == "proxy":
            plan.append(Milestone("receive_at_window", "received", created, "receiving_clerk"))
            at = created + day * rng.uniform(0.02, 1.0)
            plan.append(Milestone("forward", "submitted", at, "receiving_clerk"))
            applicant_party = "receiving_clerk"  # corrections are brought to the window
        else:
            plan.append(Milestone("start_application", "draft", created, "applicant"))
            if rng.random() < 0.02:  # an application never submitted
                facts.events = plan
                return facts
            at = created + dt.timedelta(minutes=rng.uniform(3, 90))
            plan.append(Milestone("submit", "submitted", at, "applicant"))
        fate = rng.random()
        at += day * rng.uniform(0.05, 2.5)
        if fate < 0.015:
            plan.append(Milestone("refuse_acceptance", "not_accepted", at, "handler"))
        elif fate < 0.03:
            plan.append(Milestone("withdraw", "withdrawn", at, "applicant"))
        elif fate < 0.035:  # a correction never answered
            plan.append(Milestone("issue_correction_notice", "correction_required", at, "handler"))
        else:
            if fate < 0.11:
                plan.append(Milestone("issue_correction_notice", "correction_required", at, "handler"))
                at += day * rng.uniform(0.5, 6)
                plan.append(Milestone("resubmit", "submitted", at, applicant_party))
                at += day * rng.uniform(0.05, 1.5)
            plan.append(Milestone("accept", "accepted", at, "handler"))
            at += dt.timedelta(minutes=rng.uniform(5, 600))
            plan.append(Milestone("start_review", "in_review", at, "handler"))
            review = day * max(0.05, impl.promised * 1.4 * rng.uniform(0.2, 1.0))
            if rng.random() < 0.05:  # late
                review *= rng.uniform(1.2, 2.5)
            pause = rng.random()
            if pause < 0.05:
                start = at + review * rng.uniform(0.1, 0.6)
                length = day * rng.uniform(3, 40)
                kind = (
                    ("start_special_procedure", "special_procedure")
                    if pause < 0.03
                    else ("suspend", "suspended")
                )
                plan.append(Milestone(*kind, start, "handler"))
                end = ("end_special_procedure", "in_review") if pause < 0.03 else ("resume", "in_review")
                plan.append(Milestone(*end, start + length, "handler"))
                review += length
            if fate < 0.045:
                plan.append(Milestone("withdraw", "withdrawn", at + review * 0.5, "applicant"))
            else:
                at += review
                approve = rng.random() > 0.03
                plan.append(Milestone("approve" if approve else "deny", "decided", at, "handler"))
                at += day * rng.uniform(0.1, 3)
                plan.append(Milestone("deliver", "delivering", at, "handler"))
                at += day * rng.uniform(0.5, 5)
                finisher = "receiving_clerk" if mode == "proxy" else rng.choice(("applicant", "handler"))
                plan.append(Milestone("complete", "completed", at, finisher))
        plan.sort(key=lambda m: m.at)
        end = next(
            (n for n, m in enumerate(plan) if m.to in ("completed", "not_accepted", "withdrawn")), len(plan)
        )
        events = [m for m in plan[: end + 1] if m.at <= now] or plan[:1]
        facts.events = events
        for m in events:
            if m.action in ("receive_at_window", "submit", "resubmit"):
                facts.received_at = m.at
                if m.action == "receive_at_window":
                    facts.consent_at = m.at
            elif m.action == "accept":
                facts.accepted_at = m.at
            elif m.action in ("approve", "deny"):
                facts.decided_at = m.at
                facts.decision = "approved" if m.action == "approve" else "denied"
            elif m.action in ("start_special_procedure", "suspend"):
                facts.paused_since = m.at.date()
                facts.pause_expected = rng.randint(5, 30) if m.action == "start_special_procedure" else None
            elif m.action in ("end_special_procedure", "resume"):
                facts.paused_days += self.calendar.between(facts.paused_since, m.at.date())
                facts.paused_since = facts.pause_expected = None
        status = events[-1].to
        if status in ("completed", "not_accepted", "withdrawn"):
            facts.closed_at = events[-1].at
        if status in ("correction_required",) and facts.received_at is None:
            facts.received_at = created
        facts.status = status
        return facts

    def _clock(self, impl: Impl, facts: Facts) -> dict:
        """The stored deadline fields: computed by deadlines.py for running clocks (the sweep reads
        them), estimated for stopped ones."""
        from tongban.cases import deadlines

        clock = {"started": None, "stopped": None, "due": None, "provisional": False, "light": ""}
        clock |= {"yellow": None, "red": None, "promised": impl.promised}
        if facts.accepted_at is None:
            return clock
        started = facts.accepted_at.date()
        if impl.immediate:
            clock["promised"] = (
                0 if facts.accepted_at.hour < 16 and self.calendar.is_working_day(started) else 1
            )
        clock["started"] = started
        stopped = facts.decided_at or (facts.closed_at if facts.status == "withdrawn" else None)
        if stopped is not None:
            clock["stopped"] = stopped.date()
            due = self.calendar.add(started, clock["promised"] + facts.paused_days).date
            clock["due"] = due
            if facts.status != "withdrawn":
                clock["light"] = "green" if stopped.date() <= due else "red"
            return clock
        pauses = ()
        if facts.paused_since is not None:
            pauses = (deadlines.Pause(facts.paused_since, expected_days=facts.pause_expected),)
        running = deadlines.Clock(
            started_on=started, limit_days=clock["promised"], pauses=pauses, paused_days=facts.paused_days
        )
        light = deadlines.light(running, self.today, calendar=self.calendar)
        dates = deadlines.light_dates(running, calendar=self.calendar)
        clock |= {"due": light.due.date, "provisional": light.provisional, "light": light.colour}
        clock |= {"yellow": dates.yellow_on, "red": dates.red_on}
        return clock

    def _events(self, pk, facts: Facts, applicant, handler, clerk, impl, receiving_org, mode) -> None:
        status, owner = "", None
        name = self.names.get(applicant) or "申请人"
        for seq, m in enumerate(facts.events, start=1):
            if m.party == "applicant":
                actor, label, org, channel, ip = (
                    applicant,
                    name,
                    None,
                    "web",
                    f"221.234.{pk % 250}.{seq}",
                )
            elif m.party == "handler":
                (actor, label), org, channel, ip = handler, impl.org_id, "window", None
            else:
                (actor, label), org, channel, ip = clerk, receiving_org, "window", None
            if m.to == "received":
                owner = clerk[0]
            elif m.action == "forward":
                owner = None
            elif m.party == "handler" and owner is None:
                owner = handler[0]
            detail = "{}"
            if m.action == "issue_correction_notice":
                detail = '{"defects": ["身份证复印件不清晰，请重新上传"]}'
            reason = REASONS.get(m.action, "")
            self.t_event.add((
                pk, seq, m.action, status, m.to, actor, label, None, "", org, m.party, channel, ip, owner,
                reason, detail, m.at,
            ))  # fmt: skip
            status = m.to

    def _parts(self, pk, impl: Impl, mode, facts: Facts, applicant, handler, clerk, receiving_org) -> None:
        """Steps (多地联办), materials, parcels (异地代收), notices and special procedures."""
        rng = self.rng
        events = facts.events
        receipt = events[0].at
        if impl.materials or rng.random() < 0.5:
            listed = impl.materials or [(None, "申请表", "")]
            by = clerk[0] if mode == "proxy" else applicant
            for n, (guide_id, name, license_code) in enumerate(listed[: rng.randint(1, 3)], start=1):
                if mode == "proxy" and rng.random() < 0.3:
                    kind, file, digest, ref = "paper", "", "", ""
                elif license_code and rng.random() < 0.4:
                    kind, file, digest, ref = "license", "", "", f"{license_code}-{pk:08d}"
                else:
                    kind = "upload"
                    file = f"cases/{receipt:%Y/%m}/{pk}-{n}.pdf"
                    digest, ref = hashlib.sha256(file.encode()).hexdigest(), ""
                size = rng.randrange(80_000, 3_000_000) if kind == "upload" else 0
                content = "application/pdf" if kind == "upload" else ""
                self.t_material.add(
                    (pk, guide_id, name, kind, file, content, size, digest, ref, None, None, by, receipt)
                )
        by_action = {m.action: m for m in events}
        if mode == "proxy" and (forward := by_action.get("forward")):
            self._parcel(pk, "materials_to_handler", forward.at, clerk[0])
            if deliver := by_action.get("deliver"):
                self._parcel(pk, "result_to_window", deliver.at, handler[0], done="complete" in by_action)
        if notice := by_action.get("issue_correction_notice"):
            answered = by_action.get("resubmit")
            items = '["身份证复印件不清晰，请重新上传"]'
            self.t_notice.add(
                (pk, 1, items, False, "", handler[0], notice.at, answered.at if answered else None)
            )
        if procedure := by_action.get("start_special_procedure"):
            ended = by_action.get("end_special_procedure")
            ended_at = ended.at if ended else None
            expected = facts.pause_expected or 15
            self.t_procedure.add(
                (pk, "expert_review", "专家评审", expected, procedure.at, ended_at, handler[0])
            )
        if mode == "joint" and (accept := by_action.get("accept")):
            self._steps(pk, impl, facts, accept.at, handler)

    def _parcel(self, pk: int, purpose: str, at: dt.datetime, by: int, done: bool | None = None) -> None:
        arrived = at + dt.timedelta(days=2)
        if done is None:
            done = arrived <= self.now
        status = "delivered" if done else "in_transit"
        track = [{"at": at.isoformat(), "status": "in_transit", "text": "已揽收"}]
        if done:
            track.append({"at": arrived.isoformat(), "status": "delivered", "text": "已签收"})
        updated = arrived if done else at
        number = f"E{pk:010d}{'M' if purpose == 'materials_to_handler' else 'R'}"
        carrier = CARRIERS[pk % 2]
        self.t_shipment.add(
            (pk, purpose, carrier, number, status, json.dumps(track, ensure_ascii=False), by, at, updated)
        )

    def _steps(self, pk: int, impl: Impl, facts: Facts, accepted: dt.datetime, handler) -> None:
        from tongban.cases import deadlines

        guide = impl.steps or [("受理审核", 1, None, 2), ("联合审查", 2, None, 3)]
        status = facts.status
        first_stage = min(stage for _, stage, _, _ in guide)
        for position, (name, stage, org, limit) in enumerate(guide, start=1):
            org = org or impl.org_id
            row = {"status": "pending", "started": None, "finished": None, "light": "", "due": None}
            row |= {"yellow": None, "red": None, "paused": None, "by": None}
            if status in ("decided", "delivering", "completed"):
                row |= {"status": "done", "started": accepted, "finished": facts.decided_at, "by": handler[0]}
                row |= {"light": "green", "due": self.calendar.add(accepted.date(), limit).date}
            elif status == "withdrawn":
                row["status"] = "cancelled"
            elif status in ("in_review", "special_procedure", "suspended") and stage == first_stage:
                paused = facts.paused_since
                row |= {"status": "paused" if paused else "active", "started": accepted, "paused": paused}
                clock = deadlines.Clock(
                    started_on=accepted.date(),
                    limit_days=limit,
                    pauses=(deadlines.Pause(paused),) if paused else (),
                )
                light = deadlines.light(clock, self.today, calendar=self.calendar)
                dates = deadlines.light_dates(clock, calendar=self.calendar)
                row |= {
                    "light": light.colour,
                    "due": light.due.date,
                    "yellow": dates.yellow_on,
                    "red": dates.red_on,
                }
            started = row["started"]
            opinion = "同意" if row["status"] == "done" else ""
            start_day = started.date() if started else None
            self.t_step.add((
                pk, position, org, name[:200], stage, row["status"], limit, start_day,
                row["paused"], 0, row["due"], False, row["light"], row["yellow"], row["red"], started,
                row["finished"], row["by"], opinion,
            ))  # fmt: skip

    def _counters(self) -> None:
        from tongban.cases.models import CaseNumberCounter

        counters = Table(CaseNumberCounter, ["city_id", "day", "last"])
        for (city_id, day), last in self.serials.items():
            if (city_id, day) in self.existing:
                CaseNumberCounter.objects.filter(pk=self.existing[city_id, day][0]).update(last=last)
            else:
                counters.add((city_id, day, last))
        counters.flush()


USER_COLUMNS = [
    "id", "password", "username", "is_superuser", "is_staff", "is_active", "date_joined", "kind",
    "display_name", "first_name", "last_name", "email",
]  # fmt: skip
PERSON_COLUMNS = [
    "user_id", "real_name", "id_number", "id_number_index", "phone", "phone_index", "birth_date",
    "region_code", "verification", "created_at",
]  # fmt: skip
CASE_COLUMNS = [
    "id", "number", "implementation_version_id", "service_item_id", "mode", "status", "decision",
    "applicant_id", "agent_id", "mandate_id", "channel", "receiving_org_id", "receiving_window_id",
    "handling_org_id", "owner_id", "form_data", "idempotency_key", "consent_at", "received_at", "accepted_at",
    "decided_at", "closed_at", "case_type", "promised_days", "statutory_days", "clock_started_on",
    "paused_since", "pause_expected_days", "paused_days", "clock_stopped_on", "due_on", "due_provisional",
    "light", "yellow_on", "red_on", "version", "created_at", "updated_at",
]  # fmt: skip
EVENT_COLUMNS = [
    "case_id", "seq", "action", "from_status", "to_status", "actor_id", "actor_label", "on_behalf_of_id",
    "on_behalf_of_label", "organization_id", "party", "channel", "ip", "owner_after_id", "reason", "detail",
    "at",
]  # fmt: skip
STEP_COLUMNS = [
    "case_id", "position", "organization_id", "name", "stage", "status", "time_limit_days", "started_on",
    "paused_since", "paused_days", "due_on", "due_provisional", "light", "yellow_on", "red_on", "started_at",
    "finished_at", "finished_by_id", "opinion",
]  # fmt: skip
MATERIAL_COLUMNS = [
    "case_id", "guide_material_id", "name", "kind", "file", "content_type", "size", "sha256",
    "license_reference", "promised_on", "fulfilled_at", "uploaded_by_id", "uploaded_at",
]  # fmt: skip
SHIPMENT_COLUMNS = [
    "case_id", "purpose", "carrier", "tracking_number", "status", "events", "created_by_id", "created_at",
    "updated_at",
]  # fmt: skip
NOTICE_COLUMNS = [
    "case_id",
    "number",
    "items",
    "is_second",
    "why_not_first",
    "issued_by_id",
    "issued_at",
    "answered_at",
]
PROCEDURE_COLUMNS = [
    "case_id",
    "kind",
    "description",
    "expected_days",
    "started_at",
    "ended_at",
    "started_by_id",
]


_CITY_DIGITS: dict[str, str] = {}


def case_number(city_code: str, day: dt.date, serial: int) -> str:
    """numbers.case_number_make, with the city's digits looked up once (the look-up is most of its time)."""
    from stdnum.iso7064 import mod_97_10

    from tongban.cases.numbers import case_number_make, city_number

    if city_code not in _CITY_DIGITS:
        _CITY_DIGITS[city_code] = city_number(city_code)
        made = case_number_make(city_code=city_code, day=day, serial=serial)
    else:
        made = None
    body = f"{_CITY_DIGITS[city_code]}{day:%y%m%d}{serial:06d}"
    number = body + mod_97_10.calc_check_digits(body)
    assert made is None or made == number, (made, number)  # the same rule as numbers.py
    return number


def form_values(schema: dict) -> dict:
    """Values that the form definition accepts (what a filled-in application holds)."""
    from tongban.catalog.formdef import FormDefinitionError, parse_definition
    from tongban.demo.accounts import CITIZENS, COMPANY_USCC

    try:
        definition = parse_definition(schema)
    except FormDefinitionError:
        return {}
    values: dict = {}
    for spec in definition.fields:
        if spec.type in ("choice", "multichoice"):
            value = spec.options[0].value
            values[spec.key] = [value] if spec.type == "multichoice" else value
        elif spec.type in ("integer", "decimal"):
            values[spec.key] = str(spec.min_value if spec.min_value is not None else 1)
        else:
            values[spec.key] = {
                "date": "2026-01-05",
                "boolean": True,
                "id_number": CITIZENS[0].id_number,
                "uscc": COMPANY_USCC,
                "phone": "13800000001",
                "email": "applicant@example.com",
                "textarea": "因工作调动需要办理",
            }.get(spec.type, "张三"[: spec.max_length or 10])
    return values


def _reset_sequences(models) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def due_today(count: int, today: dt.date) -> int:
    """`count` running cases whose light turns yellow (half) or red (half) today: their clocks are moved so
    that deadlines.py's yellow_on or red_on is today (or the last working day before it) while the stored
    light is still the colour before. What the sweep has to do on a busy day."""
    from django.db import connection

    from tongban.cases import deadlines
    from tongban.cases.models import Case
    from tongban.core.calendar import calendar_snapshot

    calendar = calendar_snapshot()
    candidates = list(
        Case.objects.filter(
            status__in=("accepted", "in_review"),
            paused_since=None,
            case_type="promised",
            promised_days__gte=3,
        )
        .order_by("?")
        .values_list("pk", "promised_days", "paused_days")[:count]
    )
    starts: dict[tuple[int, int, str], tuple[dt.date, deadlines.LightDates]] = {}
    updates = []
    for n, (pk, promised, paused) in enumerate(candidates):
        colour = "yellow" if n % 2 == 0 else "red"
        key = (promised, paused, colour)
        if key not in starts:  # the latest day the light can have changed by today (a weekend has none)
            for back in range(0, 400):
                start = today - dt.timedelta(days=back)
                clock = deadlines.Clock(started_on=start, limit_days=promised, paused_days=paused)
                dates = deadlines.light_dates(clock, calendar=calendar)
                if (colour == "yellow" and dates.yellow_on <= today < dates.red_on) or (
                    colour == "red" and dates.red_on <= today
                ):
                    starts[key] = (start, dates)
                    break
        if key not in starts:
            continue
        start, dates = starts[key]
        before = "green" if colour == "yellow" else "yellow"
        due = dates.red_on - dt.timedelta(days=1)
        updates.append((start, due, before, dates.yellow_on, dates.red_on, pk))
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE cases_case SET clock_started_on = %s, due_on = %s, light = %s, yellow_on = %s, "
            "red_on = %s WHERE id = %s",
            updates,
        )
    return len(updates)


def generate(cases: int, applicants: int, sweep_due: int) -> None:
    from django.utils import timezone

    now = timezone.localtime()
    started = time.perf_counter()
    generator = Generator(cases, applicants, now)
    generator.people()
    people_s = time.perf_counter() - started
    tables = [
        "cases_case", "cases_caseevent", "cases_casestep", "cases_casematerial", "cases_shipment",
        "cases_correctionnotice", "cases_specialprocedure",
    ]  # fmt: skip
    deferred = DeferredIndexes(tables) if is_postgres() else contextlib.nullcontext()
    last = [time.perf_counter()]

    def progress(done: int) -> None:
        if time.perf_counter() - last[0] > 20:
            last[0] = time.perf_counter()
            print(f"  … {done:,} cases ({time.perf_counter() - started:.0f} s)", flush=True)

    with deferred:
        generator.cases(progress)
        loaded = time.perf_counter()
    indexed = time.perf_counter()
    due = due_today(sweep_due, now.date())
    _vacuum(tables)
    done = time.perf_counter()
    t = generator
    print(
        f"generated {t.t_case.written:,} cases ({t.applicants_n:,} applicants), "
        f"{t.t_event.written:,} events, "
        f"{t.t_step.written:,} steps, {t.t_material.written:,} materials, {t.t_shipment.written:,} parcels, "
        f"{t.t_notice.written:,} notices, {t.t_procedure.written:,} special procedures; {due} cases due to "
        f"turn yellow/red today"
    )
    statuses = ", ".join(f"{s} {c / t.n:.1%}" for s, c in sorted(t.counts.items(), key=lambda sc: -sc[1]))
    print(f"statuses: {statuses}")
    print(
        f"generation {done - started:.0f} s: people {people_s:.0f} s, "
        f"rows {loaded - people_s - started:.0f} s, "
        f"indexes and foreign keys {indexed - loaded:.0f} s, VACUUM ANALYZE {done - indexed:.0f} s"
    )


def _vacuum(tables: list[str]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in tables:
                cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute("ANALYZE")


# --- Measuring -----------------------------------------------------------------------------------------

TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT")


def captured_sql(fn: Callable[[], object]) -> list[str]:
    """The statements `fn` runs (with their parameters), in order."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        fn()
    return [q["sql"] for q in context.captured_queries if not q["sql"].startswith(TRANSACTION_CONTROL)]


def run_sql(statements: list[str]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            if cursor.description is not None:
                cursor.fetchall()


def concurrent(
    fn_for: Callable[[int], Callable[[], object]], clients: int, each: int
) -> tuple[list[float], float]:
    """`clients` threads, each with its own connection, calling its function `each` times after one
    warm-up call; (milliseconds of every call, calls per second over the whole)."""
    from django.db import connection

    samples: list[float] = []
    spans: list[tuple[float, float]] = []
    lock, barrier = threading.Lock(), threading.Barrier(clients)
    errors: list[BaseException] = []

    def client(n: int) -> None:
        try:
            fn = fn_for(n)
            fn()
            barrier.wait()
            mine, first = [], time.perf_counter()
            for _ in range(each):
                started = time.perf_counter()
                fn()
                mine.append((time.perf_counter() - started) * 1000)
            with lock:
                samples.extend(mine)
                spans.append((first, time.perf_counter()))
        except BaseException as error:  # reported by the caller
            errors.append(error)
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    elapsed = max(end for _, end in spans) - min(start for start, _ in spans)
    return samples, len(samples) / elapsed


def cell(samples: list[float] | None) -> str:
    if not samples:
        return f"{'':>15}"
    p50, p95 = p50_p95(samples)
    return f"{p50:6.1f} /{p95:7.1f}"


# The people measured -----------------------------------------------------------------------------------


@dataclass
class Who:
    citizen: object
    reviewer: object
    citizen_case: str
    reviewer_case: str


def who() -> Who:
    from tongban.cases.models import Case
    from tongban.identity.models import StaffRole, User

    users = {u.username: u for u in User.objects.filter(username__in=(CITIZEN, REVIEWER))}
    reviewer_orgs = StaffRole.objects.filter(user=users[REVIEWER]).values_list("organization_id", flat=True)
    citizen_case = Case.objects.filter(applicant=users[CITIZEN]).order_by("-created_at", "-id").first()
    # A case of the reviewer's organization in review (with steps where there are some): a full page.
    busy = Case.objects.filter(handling_org_id__in=reviewer_orgs, status="in_review")
    reviewer_case = (busy.filter(steps__isnull=False).first() or busy.first()) or Case.objects.filter(
        handling_org_id__in=reviewer_orgs
    ).first()
    return Who(users[CITIZEN], users[REVIEWER], citizen_case.number, reviewer_case.number)


def page_and_count(qs) -> Callable[[], object]:
    def run():
        return list(qs[:PAGE]), qs.count()

    return run


def case_page_selectors(actor, number: str) -> Callable[[], object]:
    """What the workbench's and the portal's case page read through the selectors."""
    from tongban.cases.selectors import case_actions, case_get, case_steps, case_timeline

    def run():
        case = case_get(actor, number)
        timeline = list(case_timeline(case).select_related("organization", "owner_after"))
        steps = list(case_steps(case))
        materials = list(case.materials.order_by("id"))
        shipments = list(case.shipments.order_by("created_at"))
        return timeline, steps, materials, shipments, case_actions(actor, case)

    return run


def selector_rows(w: Who, repeat: int, clients: int, explain: bool) -> list[str]:
    from tongban.cases.selectors import cases_visible, inbox_cases
    from tongban.identity.access import actor_for

    def citizen_list(_n=0):
        return page_and_count(cases_visible(actor_for(w.citizen)))

    def inbox(tab):
        return lambda _n=0: page_and_count(inbox_cases(actor_for(w.reviewer, channel="window"), tab))

    def case_page(_n=0):
        return case_page_selectors(actor_for(w.reviewer, channel="window"), w.reviewer_case)

    def citizen_page(_n=0):
        return case_page_selectors(actor_for(w.citizen), w.citizen_case)

    operations = [
        (
            f"my cases ({CITIZEN}): page+count",
            citizen_list,
            lambda: cases_visible(actor_for(w.citizen)).count(),
        ),
        *(
            (f"inbox {tab} ({REVIEWER}): page+count", inbox(tab), _counter(w.reviewer, tab))
            for tab in ("accept", "review", "lights", "all")
        ),
        (f"case page ({REVIEWER}, {w.reviewer_case})", case_page, None),
        (f"case page ({CITIZEN}, {w.citizen_case})", citizen_page, None),
    ]
    rows = []
    for label, make, count in operations:
        fn = make()
        statements = captured_sql(fn)
        if explain:
            explain_statements(label, statements)
        raw = timed(lambda statements=statements: run_sql(statements), repeat)
        one = timed(fn, repeat)
        many, rate = concurrent(make, clients, max(2, repeat // 10))
        matches = f"{count():>7}" if count else f"{'':>7}"
        rows.append(
            f"{label:<46} {matches} {len(statements):>3}  {cell(raw)}  {cell(one)}  {cell(many)} "
            f"{rate:6.0f}/s"
        )
    return rows


def _counter(user, tab: str) -> Callable[[], int]:
    from tongban.cases.selectors import inbox_cases
    from tongban.identity.access import actor_for

    return lambda: inbox_cases(actor_for(user, channel="window"), tab).count()


def explain_statements(label: str, statements: list[str]) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    print(f"\n--- EXPLAIN ANALYZE: {label}")
    with connection.cursor() as cursor:
        for sql in statements:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            print(sql[:600] + (" …" if len(sql) > 600 else ""))
            print("\n".join("    " + line for (line,) in cursor.fetchall()))


# HTTP ----------------------------------------------------------------------------------------------------

SERVE = """
import sys
import django
django.setup()
from tongban.server import TongbanServer, gunicorn_options
TongbanServer(gunicorn_options(host="127.0.0.1", port=int(sys.argv[1]), workers=int(sys.argv[2]))).run()
"""


@contextlib.contextmanager
def gunicorn(workers: int = 2) -> Iterator[tuple[str, int]]:
    """The project's gunicorn (tongban.server's options) in a child process on a free loopback port."""
    from django.db import connections

    connections.close_all()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = Path(os.environ["TONGBAN_VAR_DIR"]) / "gunicorn.log"
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-c", SERVE, str(port), str(workers)], cwd=ROOT, stdout=out, stderr=out
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                http_get(("127.0.0.1", port), "/api/v1/catalog/implementations?page_size=1", {})
                break
            except (OSError, RuntimeError):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start: see {log}") from None
                time.sleep(0.3)
        yield ("127.0.0.1", port)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def http_get(address: tuple[str, int], path: str, cookies: dict[str, str]) -> bytes:
    return http_request(address, "GET", path, cookies)


CSRF = secrets.token_hex(16)  # a CSRF secret of our own, sent as the cookie and the header


def http_post(address: tuple[str, int], path: str, cookies: dict[str, str], payload: dict) -> dict:
    """A POST as the browser's JavaScript makes it: the session, the CSRF cookie and header, the origin."""
    headers = {
        "Content-Type": "application/json",
        "X-CSRFToken": CSRF,
        "Origin": f"http://{address[0]}:{address[1]}",
    }
    body = json.dumps(payload).encode()
    return json.loads(http_request(address, "POST", path, {**cookies, "csrftoken": CSRF}, body, headers))


def http_request(
    address, method: str, path: str, cookies: dict, body: bytes | None = None, headers=None
) -> bytes:
    connection = http.client.HTTPConnection(*address, timeout=120)
    try:
        headers = dict(headers or {})
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        answer = response.read()
        if response.status not in (200, 201):
            raise RuntimeError(f"{method} {path} answered {response.status}: {answer[:300]!r}")
        return answer
    finally:
        connection.close()


def session_cookies(user, count: int) -> list[dict[str, str]]:
    """`count` signed-in sessions of the user (one per client, as browsers have)."""
    from django.conf import settings
    from django.test import Client

    cookies = []
    for _ in range(count):
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        cookies.append({settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value})
    return cookies


def in_process_get(path: str, cookies: dict[str, str]) -> Callable[[], object]:
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    for name, value in cookies.items():
        client.cookies[name] = value

    def run():
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        return response.content

    return run


def http_rows(w: Who, repeat: int, clients: int) -> list[str]:
    citizen = session_cookies(w.citizen, clients)
    reviewer = session_cookies(w.reviewer, clients)
    pages = [
        ("/api/v1/cases", citizen),
        (f"/api/v1/cases/{w.citizen_case}", citizen),
        (f"/api/v1/cases/{w.citizen_case}/timeline", citizen),
        ("/cases/", citizen),
        (f"/cases/{w.citizen_case}/", citizen),
        ("/workbench/cases/?tab=accept", reviewer),
        ("/workbench/cases/?tab=all", reviewer),
        (f"/workbench/cases/{w.reviewer_case}/", reviewer),
    ]
    each = max(2, repeat // 10)
    measured = []
    for path, sessions in pages:
        statements = captured_sql(in_process_get(path, sessions[0]))
        raw = timed(lambda statements=statements: run_sql(statements), repeat)
        one = timed(in_process_get(path, sessions[0]), repeat)
        many, _ = concurrent(
            lambda n, path=path, sessions=sessions: in_process_get(path, sessions[n]), clients, each
        )
        measured.append([path, len(statements), raw, one, many])
    with gunicorn() as address:
        for entry, (path, sessions) in zip(measured, pages, strict=True):
            single = timed(lambda path=path, sessions=sessions: http_get(address, path, sessions[0]), repeat)
            many, rate = concurrent(
                lambda n, path=path, sessions=sessions: lambda: http_get(address, path, sessions[n]),
                clients,
                each,
            )
            entry += [single, many, rate]
    rows = []
    for path, queries, raw, one, many, single, http_many, rate in measured:
        shown = path.replace(w.citizen_case, "{n}").replace(w.reviewer_case, "{n}")
        rows.append(
            f"GET {shown:<35} {queries:>3}  {cell(raw)}  {cell(one)}  {cell(many)}  {cell(single)}  "
            f"{cell(http_many)} {rate:6.0f}/s"
        )
    return rows


# Submissions ---------------------------------------------------------------------------------------------


def submission_rows(repeat: int, threads: int, http: bool) -> list[str]:
    """case_start_online + case_submit through the services (a draft, then its submission: two
    transactions, numbers from the city's day counter, events, the applicant's notification), beside a
    raw INSERT of one case row; then the same over HTTP (POST /api/v1/cases, POST …/actions/submit)."""
    from django.db import connection

    from tongban.cases import services
    from tongban.cases.models import Case
    from tongban.cases.numbers import case_number_make
    from tongban.catalog.selectors import implementations_in_force
    from tongban.core.errors import ValidationFailed
    from tongban.identity.access import actor_for
    from tongban.identity.models import User

    version, form = None, None
    for impl in implementations_in_force().filter(organization__name=BUSY_ORG, availability__mode="online"):
        candidate = form_values(impl.current.form_schema)
        try:
            services.form_data_clean(impl.current, candidate)
        except ValidationFailed:  # a form our values do not satisfy: take another item
            continue
        version, form = impl.current, candidate
        break
    if version is None:
        return ["(no online item of the busy organization whose form the benchmark can fill)"]
    people = list(User.objects.filter(username__startswith="bench0").order_by("pk")[: threads + 1])

    def submit_as(n: int) -> Callable[[], object]:
        actor = actor_for(people[n], channel="web")

        def run():
            case = services.case_start_online(by=actor, implementation_version=version, form_data=form)
            return services.case_submit(case=case, by=actor)

        return run

    template = Case.objects.filter(status="completed").order_by("pk").first()
    columns = [f.column for f in Case._meta.concrete_fields if f.column != "id"]
    values = [getattr(template, f.attname) for f in Case._meta.concrete_fields if f.column != "id"]
    values = [json.dumps(v) if isinstance(v, dict) else v for v in values]
    number_at = columns.index("number")
    serial = [0]
    serial_lock = threading.Lock()
    quote = connection.ops.quote_name
    insert = (
        f"INSERT INTO cases_case ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )

    def raw_insert(_n: int = 0) -> Callable[[], object]:
        from django.db import connection as conn

        def run():
            with serial_lock:
                serial[0] += 1
                number = case_number_make(city_code="420100", day=dt.date(2099, 1, 1), serial=serial[0])
            row = list(values)
            row[number_at] = number
            if conn.vendor != "postgresql":
                row = [_sqlite(v) for v in row]
            with conn.cursor() as cursor:
                cursor.execute(insert, row)

        return run

    rows = []
    for n in (1, threads):
        each = repeat if n == 1 else max(2, repeat // n * 2)
        service, service_rate = concurrent(submit_as, n, each)
        raw, raw_rate = concurrent(raw_insert, n, each)
        rows.append(
            f"{n:>2} thread{'s' if n > 1 else ' '}  start+submit {cell(service)}  {service_rate:6.1f}/s   "
            f"raw INSERT {cell(raw)}  {raw_rate:7.0f}/s"
        )
    Case.objects.filter(number__startswith="01990101").delete()  # the raw rows (武汉, 2099-01-01)
    if not http:
        return rows
    sessions = [session_cookies(person, 1)[0] for person in people]
    code = version.implementation.code

    def post_as(n: int) -> Callable[[], object]:
        def run():
            case = http_post(
                address, "/api/v1/cases", sessions[n], {"implementation_code": code, "form_data": form}
            )
            submit = f"/api/v1/cases/{case['number']}/actions/submit"
            return http_post(address, submit, sessions[n], {"expected_version": case["version"]})

        return run

    with gunicorn() as address:
        for n in (1, threads):
            each = repeat if n == 1 else max(2, repeat // n * 2)
            samples, rate = concurrent(post_as, n, each)
            rows.append(
                f"{n:>2} client{'s' if n > 1 else ' '}  HTTP POST case + submit {cell(samples)}  "
                f"{rate:6.1f}/s"
            )
    return rows


# The sweep -----------------------------------------------------------------------------------------------


def sweep_rows(repeat: int, explain: bool) -> list[str]:
    from django.utils import timezone

    from tongban.cases import sweep
    from tongban.cases.models import Case, CaseStep
    from tongban.notifications.choices import DeliveryStatus
    from tongban.notifications.models import Delivery

    today = timezone.localdate()
    statements = captured_sql(
        lambda: [
            list(sweep._changing(Case, today).filter(clock_stopped_on=None).values_list("pk", flat=True)),
            list(sweep._changing(CaseStep, today).filter(finished_at=None).values_list("pk", flat=True)),
        ]
    )
    if explain:
        explain_statements("the sweep's selects (cases, steps) with cases due", statements)
    due = len(list(sweep._changing(Case, today).filter(clock_stopped_on=None).values_list("pk", flat=True)))
    raw_due = timed(lambda: run_sql(statements), repeat)
    started = time.perf_counter()
    report = sweep.sweep_run()
    busy_s = time.perf_counter() - started
    # No worker runs here: the SMS and e-mails of the sweep's notifications count as sent, as the worker
    # would have sent them, or every sweep after this one would enqueue them again as lost.
    sent = Delivery.objects.filter(status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), next_attempt_at=None
    )
    raw_idle = timed(lambda: run_sql(statements), repeat)
    last: list[dict] = []
    idle = timed(lambda: last.append(sweep.sweep_run()), max(5, repeat // 3))
    idle_parts = "; ".join(f"{name} {counts['ms']} ms" for name, counts in last[-1].items())
    idle_lights = timed(sweep.lights_refresh, repeat)
    lights = report["lights"]
    per_case = lights["ms"] / max(1, lights.get("cases", 0))
    parts = "; ".join(f"{name} {counts}" for name, counts in report.items())
    return [
        f"sweep with {due} cases due   {busy_s * 1000:8.0f} ms ({per_case:.1f} ms a case)   "
        f"its selects (raw) {cell(raw_due)}",
        f"  what it did: {parts}",
        f"  ({sent} pending SMS/e-mail deliveries then marked sent, as a worker would have sent them)",
        f"sweep, nothing due         {cell(idle)}   lights part alone {cell(idle_lights)}   "
        f"its selects (raw) {cell(raw_idle)}",
        f"  its parts (last run): {idle_parts}",
    ]


# --- Main -----------------------------------------------------------------------------------------------

SELECTOR_HEADER = (
    f"{'in process':<46} {'matches':>7} {'sql':>3}  {'raw SQL p50/p95':>15}  {'selectors ×1':>15}  "
    f"{'selectors ×16':>15} {'×16 rate':>8}"
)
HTTP_HEADER = (
    f"{'request':<39} {'sql':>3}  {'raw SQL p50/p95':>15}  {'in process ×1':>15}  {'in process ×16':>15}  "
    f"{'HTTP ×1':>15}  {'HTTP ×16':>15} {'×16 rate':>8}"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases to generate (default 1,000,000)")
    parser.add_argument("--applicants", type=int, default=0, help="applicants (default: cases / 10)")
    parser.add_argument("--repeat", type=int, default=30, help="measured runs per cell at ×1 (after warm-up)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--threads", type=int, default=8, help="concurrent submitters (default 8)")
    parser.add_argument(
        "--sweep-due",
        type=int,
        default=0,
        help="cases due to change light today (default cases/1000, at most 1000)",
    )
    parser.add_argument(
        "--explain", action="store_true", help="print EXPLAIN ANALYZE of each query (PostgreSQL)"
    )
    parser.add_argument(
        "--skip-http", action="store_true", help="leave out the requests (views and gunicorn)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure a database kept by --keep again")
    args = parser.parse_args(argv)
    applicants = args.applicants or max(1000, args.cases // 10)
    sweep_due = args.sweep_due or min(1000, max(10, args.cases // 1000))
    with own_database(keep=args.keep or args.reuse, reuse=args.reuse) as (label, filled):
        import django

        django.setup()
        from django.core.management import call_command

        print(f"database: {label}; load average at start {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        if not filled:
            call_command("migrate", verbosity=0)
            from tongban.demo import demo_load

            started = time.perf_counter()
            print(demo_load(), f"[{time.perf_counter() - started:.1f} s]")
            generate(args.cases, applicants, sweep_due)
        else:
            from django.utils import timezone

            print(f"{due_today(sweep_due, timezone.localdate())} cases due to turn yellow/red today")
        w = who()
        print(f"\nmilliseconds, p50 / p95; ×16: {args.clients} threads at once\n{SELECTOR_HEADER}")
        for row in selector_rows(w, args.repeat, args.clients, args.explain):
            print(row, flush=True)
        if not args.skip_http:
            print(f"\n{HTTP_HEADER}")
            for row in http_rows(w, args.repeat, args.clients):
                print(row, flush=True)
        print(
            "\nsubmissions: through the services in this process (each thread its own connection and "
            "applicant), and over HTTP (gunicorn, 2 workers × 4 threads)"
        )
        for row in submission_rows(args.repeat, args.threads, not args.skip_http):
            print(row, flush=True)
        print("\ndeadline sweep (tongban.cases.sweep.sweep_run)")
        for row in sweep_rows(args.repeat, args.explain):
            print(row, flush=True)
        print(f"\nload average at end {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
