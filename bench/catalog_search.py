"""Catalog search latency at the demo size and at 100,000 implementations.

For each size and kind of query it measures, in the same run and on the same database:
  raw       the SQL that the selector's queryset produces (first page of 20), executed with a cursor
  count     the selector's count() — the API's pagination runs it on every request
  selector  implementations_search(...)[:20] evaluated (parsing, SQL, model instances)
  items     items_search(...)[:20] evaluated (the portal's search page lists items)
  HTTP      GET /api/v1/catalog/implementations?q=... served by wsgiref in a thread, body read

The database is its own: a temporary SQLite file, or, when TONGBAN_DATABASE_URL is set, a dedicated
PostgreSQL database next to the one named there, created (C.UTF-8, as CI does) and dropped afterwards.
The demo is loaded, then grown by cloning demo organizations with their published guides (version rows
and availability; guide parts such as materials do not affect search) and rebuilding the index.

    .venv/bin/python bench/catalog_search.py [--sizes demo,100000] [--repeat 30]
"""

import argparse
import contextlib
import http.client
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = [
    ("2-char", "社保"),
    ("phrase", "住房公积金提取"),
    ("phrase→words", "社保卡补办"),
    ("initials", "sbk"),
]
PAGE = 20
WARMUP = 3
BENCH_DB = "tongban_bench_catalog_search"


# --- Database of our own ---------------------------------------------------------------------------


@contextlib.contextmanager
def own_database(pg_settings: list[str]) -> Iterator[str]:
    """Point the settings at a fresh database (before Django starts) and remove it afterwards."""
    with tempfile.TemporaryDirectory(prefix="tongban-bench-") as var_dir:
        os.environ["TONGBAN_VAR_DIR"] = var_dir
        os.environ.setdefault("TONGBAN_LOG_LEVEL", "WARNING")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
        url = os.environ.get("TONGBAN_DATABASE_URL")
        if not url:
            yield "SQLite (temporary file)"
            return
        with _postgres_database(url, pg_settings) as bench_url:
            os.environ["TONGBAN_DATABASE_URL"] = bench_url
            yield f"PostgreSQL ({BENCH_DB}{', ' if pg_settings else ''}{', '.join(pg_settings)})"


@contextlib.contextmanager
def _postgres_database(url: str, pg_settings: list[str]) -> Iterator[str]:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    admin = psycopg.connect(urllib.parse.urlunsplit(parts._replace(path="/postgres")), autocommit=True)
    admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
    admin.execute(
        f"CREATE DATABASE {BENCH_DB} TEMPLATE template0 ENCODING 'UTF8' "
        "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
    )
    for setting in pg_settings:  # e.g. random_page_cost=1.1: what a deployment might tune
        name, value = setting.split("=", 1)
        admin.execute(f"ALTER DATABASE {BENCH_DB} SET {name} = '{value}'")
    try:
        yield urllib.parse.urlunsplit(parts._replace(path=f"/{BENCH_DB}"))
    finally:
        from django.db import connections

        connections.close_all()
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        admin.close()


# --- Data ------------------------------------------------------------------------------------------


def load_demo() -> str:
    from tongban.demo import demo_load

    return str(demo_load())


class Grower:
    """Grows the catalog to a number of implementations in force by cloning demo organizations (one
    synthetic organization per clone, in the template's region) with all their published guides."""

    def __init__(self):
        from tongban.catalog.selectors import implementations_in_force

        impls = implementations_in_force().prefetch_related("availability").order_by("organization_id", "pk")
        self.templates: dict[int, list] = {}
        for impl in impls:
            self.templates.setdefault(impl.organization_id, []).append(impl)
        self.clones = 0

    def grow_to(self, target: int) -> dict[str, float]:
        from tongban.catalog.models import Implementation

        started = time.perf_counter()
        need = target - Implementation.objects.filter(current__isnull=False).count()
        while need > 0:
            need -= self._clone_round(need)
        self._point_current()
        inserted = time.perf_counter()
        from tongban.catalog.search import search_entries_refresh

        search_entries_refresh()
        indexed = time.perf_counter()
        _analyze()
        return {"insert": inserted - started, "index": indexed - inserted}

    def _clone_round(self, need: int) -> int:
        """Clone every template organization once (or fewer, up to `need` implementations)."""
        from django.utils import timezone

        from tongban.catalog.models import Availability, Implementation, ImplementationVersion
        from tongban.catalog.services import VERSION_CONTENT_FIELDS
        from tongban.core.identifiers import make_uscc
        from tongban.regions.models import Organization

        orgs, impls, versions, reach, made = [], [], [], [], 0
        now = timezone.now()
        for template_impls in self.templates.values():
            if made >= need:
                break
            self.clones += 1
            template = template_impls[0].organization
            region = template.region
            org = Organization(
                name=f"{template.name}（第{self.clones}分中心）",
                uscc=make_uscc(
                    registry="11", region_code=region.code or region.city.code, org_body=f"B{self.clones:07d}"
                ),
                kind=template.kind,
                region=region,
            )
            orgs.append(org)
            chosen = template_impls[: need - made]
            for number, source in enumerate(chosen, start=1):
                impl = Implementation(
                    code=f"BENCH{self.clones:06d}-{number:03d}",
                    service_item_id=source.service_item_id,
                    organization=org,
                )
                impls.append(impl)
                fields = {name: getattr(source.current, name) for name in VERSION_CONTENT_FIELDS}
                versions.append(
                    ImplementationVersion(
                        implementation=impl, number=1, status="published", published_at=now, **fields
                    )
                )
                reach += [_clone_availability(a, impl, Availability) for a in source.availability.all()]
            made += len(chosen)
        Organization.objects.bulk_create(orgs, batch_size=2000)
        for impl in impls:
            impl.organization_id = impl.organization.pk
        Implementation.objects.bulk_create(impls, batch_size=2000)
        for version in versions:
            version.implementation_id = version.implementation.pk
        ImplementationVersion.objects.bulk_create(versions, batch_size=2000)
        for row in reach:
            row.implementation_id = row.implementation.pk
        Availability.objects.bulk_create(reach, batch_size=2000)
        return len(impls)

    def _point_current(self) -> None:
        from django.db.models import OuterRef, Subquery

        from tongban.catalog.models import Implementation, ImplementationVersion

        first = ImplementationVersion.objects.filter(implementation=OuterRef("pk")).values("pk")[:1]
        clones = Implementation.objects.filter(current__isnull=True, code__startswith="BENCH")
        clones.update(current=Subquery(first))


def _clone_availability(row, impl, model):
    return model(
        implementation=impl,
        mode=row.mode,
        region_id=row.region_id,
        window_id=row.window_id,
        kiosk_id=row.kiosk_id,
        scope_key=row.scope_key,
        scope_city_id=row.scope_city_id,
        note=row.note,
    )


def _analyze() -> None:
    """Fresh planner statistics, as autovacuum (PostgreSQL) or PRAGMA optimize (SQLite) would give."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- Measurements ----------------------------------------------------------------------------------


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    """Milliseconds of `repeat` calls, after WARMUP calls that fill caches and connections."""
    for _ in range(WARMUP):
        fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def p50_p95(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=20, method="inclusive")
    return cuts[9], cuts[18]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def http_server() -> Iterator[tuple[str, int]]:
    """The project's WSGI application behind wsgiref, in a thread, on a free loopback port."""
    from django.core.wsgi import get_wsgi_application

    server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[:2]
    finally:
        server.shutdown()
        server.server_close()


def http_get(address: tuple[str, int], path: str) -> bytes:
    connection = http.client.HTTPConnection(*address, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {path} answered {response.status}: {body[:200]!r}")
        return body
    finally:
        connection.close()


def measure(query: str, repeat: int, address: tuple[str, int]) -> dict[str, object]:
    from django.db import connection

    from tongban.catalog.search import implementations_search, items_search

    sql, params = implementations_search(query=query)[:PAGE].query.sql_with_params()

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    path = "/api/v1/catalog/implementations?" + urllib.parse.urlencode({"q": query})
    return {
        "matches": implementations_search(query=query).count(),
        "raw": p50_p95(timed(raw, repeat)),
        "count": p50_p95(timed(lambda: implementations_search(query=query).count(), repeat)),
        "selector": p50_p95(timed(lambda: list(implementations_search(query=query)[:PAGE]), repeat)),
        "items": p50_p95(timed(lambda: list(items_search(query=query)[:PAGE]), repeat)),
        "http": p50_p95(timed(lambda: http_get(address, path), repeat)),
    }


def report_rows(size: int, repeat: int) -> list[str]:
    rows = []
    with http_server() as address:
        for kind, query in QUERIES:
            m = measure(query, repeat, address)
            cells = [f"{m[k][0]:7.1f} /{m[k][1]:7.1f}" for k in COLUMNS]
            rows.append(f"{size:>7}  {kind:<13} {m['matches']:>7}  " + "  ".join(cells) + f"  {query}")
    return rows


COLUMNS = ("raw", "count", "selector", "items", "http")
HEADER = f"{'size':>7}  {'query':<13} {'matches':>7}  " + "  ".join(f"{c + ' p50/p95':>16}" for c in COLUMNS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="demo,100000", help="comma-separated: demo and/or numbers")
    parser.add_argument("--repeat", type=int, default=30, help="measured runs per cell (after warm-up)")
    parser.add_argument(
        "--pg-setting",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="PostgreSQL setting for the benchmark's database, e.g. random_page_cost=1.1 or jit=off",
    )
    args = parser.parse_args(argv)
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    with own_database(args.pg_setting) as label:
        import django

        django.setup()
        from django.core.management import call_command

        from tongban.catalog.models import Implementation

        call_command("migrate", verbosity=0)
        print(f"database: {label}; load average at start {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        started = time.perf_counter()
        print(load_demo(), f"[{time.perf_counter() - started:.1f} s with migrations' data]")
        _analyze()
        grower, rows = Grower(), []
        for size in sizes:
            if size != "demo":
                phases = grower.grow_to(int(size))
                insert, index = phases["insert"], phases["index"]
                print(f"grown to {size}: bulk insert {insert:.1f} s, index rebuild {index:.1f} s")
            count = Implementation.objects.filter(current__isnull=False).count()
            rows += report_rows(count, args.repeat)
        print(f"\nlatency in ms; load average at end {os.getloadavg()[0]:.1f}\n{HEADER}")
        print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
