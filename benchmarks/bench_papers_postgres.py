"""Papers on PostgreSQL beside SQLite (issue #18), in one run, as ratios.

The same N generated papers (``bench_papers_search_scale.records``: arXiv-like, 5 % Chinese)
go through the papers import path (``PapersService.import_records``: dedupe, batches of 5,000,
one transaction each) into a fresh SQLite library and a fresh PostgreSQL database; then, on
each, the first rows of the Papers table (count + first window + its rows; no search and with
a search) and the fixed 20-query search mix of ``bench_papers_search_scale.QUERIES``
(p50 / p95 / worst). Every figure is printed for both and as PG / SQLite.

Opt-in: it needs a PostgreSQL server whose role may create databases, given as ``--pg URL``
or ``SCHOLARDESK_BENCH_PG_URL``; without one it says so and exits 0 (``make bench`` skips it
that way). ``make bench-postgres`` starts the private test server
(``tools/postgres_for_tests.sh``) and runs it at 100,000 papers (a few minutes).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_papers_search_scale import QUERIES, _ms, records  # noqa: E402  (the same mix)

N = 100_000


def _pg_url(given: str | None) -> str:
    # Not SCHOLARDESK_TEST_DATABASE_URL: `make bench` (which runs every bench_*.py) skips
    # this one unless asked, since 100,000 papers on PostgreSQL take minutes.
    return given or os.environ.get("SCHOLARDESK_BENCH_PG_URL") or ""


def measure(url: str, n: int) -> dict[str, float]:
    """Import ``n`` papers into the (migrated, empty) library at ``url``, then time it."""
    from scholardesk.domain.papers import PaperFilter
    from scholardesk.services.papers import PapersService
    from scholardesk.store import migrate
    from scholardesk.store.db import Database

    db = Database(url)
    migrate.upgrade(db)
    svc = PapersService(db)
    started = time.perf_counter()
    report = svc.import_records(records(n))  # type: ignore[arg-type]
    took = time.perf_counter() - started
    assert report.imported == n, report.to_json()
    if not db.is_sqlite:
        # fresh statistics and visibility map, as autovacuum does after a large import (its
        # insert threshold): without the map a count reads every row (86 ms instead of 4)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")

    def first_rows(flt: PaperFilter, sort: str = "added", descending: bool = True) -> None:
        page = svc.list_page(flt, sort, descending, 0, 200)
        svc.rows(page.ids[:100])

    out: dict[str, float] = {"import": n / took}
    out["first rows"] = max(_ms(lambda s=s, d=d: first_rows(PaperFilter(), s, d))
                            for s, d in (("added", True), ("title", False), ("year", True),
                                         ("venue", False), ("rating", True)))
    out["first rows, search"] = max(
        _ms(lambda q=q: first_rows(PaperFilter(query=q)))
        for q in ("speech recognition", "learning", "语音", "state of the art"))
    samples: list[float] = []
    for _shape, q in QUERIES:
        svc.search(q, 50)  # warm
    for _ in range(3):
        for _shape, q in QUERIES:
            t = time.perf_counter()
            svc.search(q, 50)
            samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    out["search p50"] = statistics.median(samples)
    out["search p95"] = statistics.quantiles(samples, n=20)[-1]
    out["search worst"] = samples[-1]
    db.dispose()
    return out


ROWS: list[tuple[str, str, str]] = [
    ("import", "papers import rate (import path, batches of 5,000)", "papers/s"),
    ("first rows", "first rows of the table (count + 100 rows), slowest of 5 sorts", "ms"),
    ("first rows, search", "first rows with a search, slowest of 4", "ms"),
    ("search p50", "search, 20-query mix, p50", "ms"),
    ("search p95", "search, 20-query mix, p95", "ms"),
    ("search worst", "search, 20-query mix, worst", "ms"),
]


def run(n: int = N, pg_url: str | None = None) -> list[dict[str, object]]:
    url = _pg_url(pg_url)
    if not url.startswith("postgresql"):
        print("bench_papers_postgres: skipped: no PostgreSQL server given (--pg URL, "
              "SCHOLARDESK_BENCH_PG_URL, or `make bench-postgres`, which starts one)",
              file=sys.stderr)
        return []
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    admin_url = make_url(url)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"sd_bench_{os.getpid()}"
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # noqa: BLE001  (no server / no rights: a clear line, not a trace)
        print(f"bench_papers_postgres: skipped: cannot create a database on {url}: "
              f"{str(exc).splitlines()[0]}", file=sys.stderr)
        admin.dispose()
        return []
    results: dict[str, dict[str, float]] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for label, target in (
                ("SQLite", f"sqlite:///{Path(tmp) / 'library.sqlite'}"),
                ("PostgreSQL", admin_url.set(database=name).render_as_string(hide_password=False)),
            ):
                print(f"  {label}: importing {n:,} papers …", file=sys.stderr)
                results[label] = measure(target, n)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
    out: list[dict[str, object]] = []
    lite, pg = results["SQLite"], results["PostgreSQL"]
    for key, what, unit in ROWS:
        # a ratio > 1 means PostgreSQL is slower (for the rate: SQLite's rate / PG's)
        ratio = lite[key] / pg[key] if unit == "papers/s" else pg[key] / max(lite[key], 0.01)
        out.append({
            "benchmark": f"{what} at {n:,} papers: PostgreSQL / SQLite",
            "value": ratio, "unit": "x slower" if ratio >= 1 else "x",
            "target": f"PG {pg[key]:,.1f} {unit}, SQLite {lite[key]:,.1f} {unit}",
        })
    return out


def _print_rows(rows: list[dict[str, object]], stream: Callable[[str], None] = print) -> None:
    for r in rows:
        stream(f"| papers (PG) | {r['benchmark']} | {r['value']:,.2f} {r['unit']} | "
               f"{r['target']} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=N)
    parser.add_argument("--pg", help="a PostgreSQL URL whose role may create databases")
    args = parser.parse_args()
    _print_rows(run(args.n, args.pg))
