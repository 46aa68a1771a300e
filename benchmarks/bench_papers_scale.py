"""Papers at arXiv scale (issue #16): stream a generated arXiv metadata snapshot into the library.

Generates an arXiv-like ``arxiv-metadata-oai-snapshot.json`` (JSON lines in the snapshot's
exact shape, ~1.5 KB a line like the real one) of N lines in a temporary folder (never kept),
imports it with ``PapersService.import_files`` in a child process and reports, from that
child: papers per second of CPU time, peak RSS, and the database size per paper; then the
same import again (resuming a finished import: everything is found and skipped). A plain
baseline runs in the same way on the same file: ``json.loads`` of every line and
``executemany`` of four columns into a bare table, 2,000 rows per transaction.

Targets: ≥ 5,000 papers/s of CPU time, peak RSS < 1 GiB at 1,000,000 lines.

``make bench`` runs ``run()`` with 20,000 lines; ``make bench-scale`` (``python
benchmarks/bench_papers_scale.py``) the 1,000,000-line run; ``--n N`` for another size.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

N_DEFAULT = 20_000  # make bench
N_SCALE = 1_000_000  # make bench-scale
WORDS = (
    "we propose novel method model learning neural network deep data training results show "
    "performance state of the art approach problem based framework graph attention language "
    "image quantum field theory energy spin magnetic galaxy star mass density phase transition "
    "algorithm bound optimal convex stochastic gradient sparse matrix operator space group "
    "theorem prove finite infinite dimension manifold equation solution boundary numerical "
    "simulation experiment measurement detector collider particle decay symmetry lattice "
    "transformer diffusion reinforcement policy robust efficient scalable benchmark dataset"
).split()
CATEGORIES = (
    "cs.CL", "cs.LG", "cs.CV", "cs.AI", "stat.ML", "math.CO", "math.PR", "math.AP", "hep-th",
    "hep-ph", "quant-ph", "cond-mat.str-el", "cond-mat.mes-hall", "astro-ph.GA", "astro-ph.CO",
    "physics.optics", "eess.AS", "eess.SP", "q-bio.NC", "econ.EM",
)
FIRST = "Wei Li Maria John Anna Ahmed Yuki Olga Pierre Carlos Priya Jian Sven Fatima Noam".split()
LAST = "Wang Zhang Smith Müller García Kim Nguyen Rossi Ivanov Chen Tanaka Kowalski Silva".split()
DAYS = "Mon Tue Wed Thu Fri Sat Sun".split()
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
LICENSE = "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"


def _created(rng: random.Random, year: int, month: int) -> str:
    return (f"{rng.choice(DAYS)}, {rng.randint(1, 28)} {MONTHS[month - 1]} {year} "
            f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d} GMT")


def generate_snapshot(path: Path, n: int, seed: int = 16) -> int:
    """N snapshot lines; returns the file size. Ids are unique (YYMM.NNNNN by month)."""
    rng = random.Random(seed)
    per_month = 20_000
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            month_index, number = divmod(i, per_month)
            year, month = 2007 + month_index // 12 % 19, month_index % 12 + 1
            arxiv_id = f"{year % 100:02d}{month:02d}.{number:05d}"
            people = [(rng.choice(LAST), rng.choice(FIRST)) for _ in range(rng.randint(1, 8))]
            title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14))).capitalize()
            abstract = "  " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(90, 190)))
            abstract = "\n".join(abstract[k:k + 80] for k in range(0, len(abstract), 80)) + "\n"
            versions = [{"version": f"v{v + 1}", "created": _created(rng, year, month)}
                        for v in range(rng.choice((1, 1, 1, 2, 2, 3)))]
            cats = " ".join(rng.sample(CATEGORIES, rng.randint(1, 3)))
            journal = (f"Phys. Rev. {rng.choice('ABDE')} {rng.randint(50, 110)}, "
                       f"{rng.randint(1000, 99999)} ({year + 1})") if i % 5 == 0 else None
            line = {
                "id": arxiv_id,
                "submitter": f"{people[0][1]} {people[0][0]}",
                "authors": ", ".join(f"{f} {last}" for last, f in people),
                "title": title,
                "comments": f"{rng.randint(4, 40)} pages, {rng.randint(1, 12)} figures"
                if i % 2 else None,
                "journal-ref": journal,
                "doi": f"10.1103/PhysRev.{year}.{i}" if i % 4 == 0 else None,
                "report-no": None,
                "categories": cats,
                "license": LICENSE if i % 3 else None,
                "abstract": abstract,
                "versions": versions,
                "update_date": f"{year + 1}-{month:02d}-{rng.randint(1, 28):02d}",
                "authors_parsed": [[last, f, ""] for last, f in people],
            }
            fh.write(json.dumps(line) + "\n")
    return path.stat().st_size


def _usage() -> tuple[float, float]:
    from peak_memory import peak_bytes  # not ru_maxrss: a child inherits make bench's peak

    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime, float(peak_bytes())


def child_import(snapshot: Path, home: Path, categories: str) -> dict[str, object]:
    from scholardesk.core.config import Paths, Settings
    from scholardesk.services.context import Services
    from scholardesk.store import migrate
    from scholardesk.store.db import Database

    db_file = home / "library.sqlite"
    db = Database(f"sqlite:///{db_file}")
    migrate.upgrade(db)
    paths = Paths.resolve(home)
    paths.ensure()
    services = Services(db=db, paths=paths, settings=Settings())
    cpu0, _ = _usage()
    wall0 = time.perf_counter()
    report = services.papers.import_files([snapshot], categories=categories)
    wall = time.perf_counter() - wall0
    cpu, rss = _usage()
    count = services.papers.count()
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return {"cpu_s": cpu - cpu0, "wall_s": wall, "peak_rss": rss, "imported": report.imported,
            "skipped": report.skipped, "errors": len(report.errors), "papers": count,
            "db_bytes": db_file.stat().st_size}


def child_baseline(snapshot: Path, home: Path) -> dict[str, object]:
    """The floor: parse each line and store four columns in a bare table, nothing else."""
    import sqlite3

    conn = sqlite3.connect(home / "baseline.sqlite", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE p (id INTEGER PRIMARY KEY, arxiv TEXT, title TEXT, "
                 "authors TEXT, abstract TEXT)")
    cpu0, _ = _usage()
    rows: list[tuple[str, str, str, str]] = []
    n = 0

    def flush() -> None:
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO p (arxiv, title, authors, abstract) VALUES (?, ?, ?, ?)",
                         rows)
        conn.execute("COMMIT")
        rows.clear()

    with snapshot.open("rb") as fh:
        for line in fh:
            o = json.loads(line)
            rows.append((o["id"], o["title"], o["authors"], o["abstract"]))
            n += 1
            if len(rows) >= 2000:
                flush()
    if rows:
        flush()
    cpu, rss = _usage()
    conn.close()
    return {"cpu_s": cpu - cpu0, "peak_rss": rss, "papers": n}


def _in_child(*args: str) -> dict[str, object]:
    out = subprocess.run([sys.executable, __file__, "--child", *args], check=True,
                         capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def measure(n: int, categories: str = "") -> list[dict[str, object]]:
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        folder = Path(tmp)
        snapshot = folder / "arxiv-metadata-oai-snapshot.json"
        t0 = time.perf_counter()
        size = generate_snapshot(snapshot, n)
        print(f"  generated {n:,} lines ({size / 2**20:,.0f} MB) in "
              f"{time.perf_counter() - t0:.0f} s", file=sys.stderr)
        home = folder / "home"
        home.mkdir()
        base = _in_child("baseline", str(snapshot), str(home))
        first = _in_child("import", str(snapshot), str(home), categories)
        again = _in_child("import", str(snapshot), str(home), categories)
    papers = int(first["papers"])  # type: ignore[call-overload]
    rate = float(first["imported"]) / float(first["cpu_s"])  # type: ignore[arg-type]
    base_rate = float(base["papers"]) / float(base["cpu_s"])  # type: ignore[arg-type]
    again_rate = float(again["skipped"]) / float(again["cpu_s"])  # type: ignore[arg-type]
    label = f"{n:,} snapshot lines" + (f" ({categories})" if categories else "")
    return [
        {"benchmark": f"stream import, {label}", "value": rate, "unit": "papers/s CPU",
         "target": "≥ 5,000"},
        {"benchmark": f"baseline json.loads + executemany, {label}", "value": base_rate,
         "unit": "papers/s CPU", "target": f"import at {rate / base_rate:.2f}× of it"},
        {"benchmark": f"stream import peak RSS, {label}",
         "value": float(first["peak_rss"]) / 2**20,  # type: ignore[arg-type]
         "unit": "MiB", "target": "< 1,024"},
        {"benchmark": f"database size per paper, {label}",
         "value": float(first["db_bytes"]) / max(1, papers),  # type: ignore[arg-type]
         "unit": "bytes", "target": "≤ 3,000 (issue #16)"},
        {"benchmark": f"re-run of the finished import (all skipped), {label}",
         "value": again_rate, "unit": "papers/s CPU",
         "target": f"nothing duplicated ({int(again['papers']) - papers} new)"},  # type: ignore[call-overload]
        {"benchmark": f"stream import wall time, {label}",
         "value": float(first["wall_s"]), "unit": "s", "target": "–"},  # type: ignore[arg-type]
    ]


def run() -> list[dict[str, object]]:
    return measure(N_DEFAULT)


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--child":
        kind, snapshot, home = argv[1], Path(argv[2]), Path(argv[3])
        if kind == "baseline":
            result = child_baseline(snapshot, home)
        else:
            result = child_import(snapshot, home, argv[4] if len(argv) > 4 else "")
        print(json.dumps(result))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=N_SCALE, help="snapshot lines to generate")
    parser.add_argument("--categories", default="", help="e.g. 'cs.*' (import with a filter)")
    args = parser.parse_args(argv)
    rows = measure(args.n, args.categories)
    print("| benchmark | measured | target |")
    print("|---|---|---|")
    for row in rows:
        value = row["value"]
        shown = f"{value:,.3g}" if isinstance(value, float) and value < 1000 else f"{value:,.0f}"
        print(f"| {row['benchmark']} | {shown} {row['unit']} | {row['target']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
