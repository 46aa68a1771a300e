"""Papers at arXiv scale (issue #16): the Papers table, search and size over N generated papers.

Generates an arXiv-like library (Zipf-distributed English words with real stopwords, 5 % Chinese
titles and abstracts, 1–8 authors from a pool of Western and Chinese names, arXiv ids and
categories, abstracts of ~150 words; never committed) straight through the store's bulk insert,
then measures what a user waits for:

- the first rows of the Papers table (count + first window + its rows), with and without a
  search, for every sortable column; a jump to row 900,000 (90 % of N);
- a fixed 20-query mix (short words, phrases, authors, Chinese 2-character words, field
  prefixes, common and rare words): p50 / p95 / worst, and each query against a plain
  ``LIKE … LIMIT 50`` scan on the same data in the same run (the ratio is printed);
- bytes per paper (file size / N, and per table with ``dbstat``).

``make bench`` runs it at 50,000 papers (``run()``, ~15 s); ``make bench-scale`` at 1,000,000:
``python benchmarks/bench_papers_search_scale.py --n 1000000 [--library PATH]`` (an existing
library at PATH with N papers is reused, so the build — minutes — happens once).
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

N = int(os.environ.get("SCHOLARDESK_BENCH_SCALE_N", "50000"))  # make bench: ~15 s
BATCH = 5000

STOP = ("the of and a in to for we is on with that this by an are as from be our which can "
        "at it not or these has have its also been such than more into both while only").split()
TOPIC = (
    "learning model neural network data deep training method results performance language "
    "speech recognition transformer attention graph image vision detection segmentation "
    "reinforcement policy robust adversarial diffusion generative contrastive self-supervised "
    "retrieval benchmark efficient sparse quantum lattice field theory energy spin phase "
    "optimization convex stochastic gradient kernel bayesian inference estimation causal "
    "federated privacy encoder decoder token alignment streaming conformer latency audio "
    "dysarthric protein molecule galaxy dark matter black hole gravitational wave"
).split()
ZH_WORDS = ("机器 学习 深度 神经 网络 语音 识别 图像 分割 模型 压缩 联邦 强化 检索 增强 生成 "
            "多模 对齐 量子 计算 优化 算法 数据 挖掘 医学 影像 自然 语言 处理 知识 图谱").split()
SURNAMES = ("Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Smith Johnson Müller García Kim "
            "Nguyen Rossi Ivanov Tanaka Sato Kowalski Dubois Silva Cohen Novak Andersson").split()
GIVEN = ("Wei Jing Hao Min Yan Lei Jun Tao Xin Yu James Mary Anna Peter Maria David Laura "
         "Hiroshi Yuki Olga Ivan Luca Sofia Pierre Elena Tomasz Carlos Noah Emma").split()
CATEGORIES = ("cs.CL cs.LG cs.CV cs.AI cs.SD eess.AS eess.IV stat.ML math.OC quant-ph "
              "hep-th hep-ph astro-ph.CO cond-mat.str-el cond-mat.mes-hall physics.optics "
              "math.PR q-bio.BM").split()
VENUES = ("", "", "", "", "Advances in Neural Information Processing Systems", "Proc. Interspeech",
          "IEEE/ACM Transactions on Audio, Speech, and Language Processing", "ICASSP",
          "Physical Review B", "Physical Review Letters", "Neurocomputing", "Proceedings of ACL",
          "计算机学报", "软件学报", "CVPR", "ICLR", "Nature Communications", "JHEP")

# The fixed query mix (issue #16): shape → query. Kept in the benchmark so runs compare.
QUERIES: list[tuple[str, str]] = [
    ("short words", "state of the art"),
    ("short word", "AI"),
    ("2-char + word", "3D vision"),
    ("phrase", '"neural network"'),
    ("phrase, stopwords", '"state of the art"'),
    ("author", "Zhang Wei"),
    ("author prefix", "au:Kowalski"),
    ("author prefix, Chinese", "au:王伟"),
    ("Chinese 2-char", "语音"),
    ("Chinese 2-char pair", "机器 学习"),
    ("Chinese 4-char", "神经网络"),
    ("title prefix", "ti:transformer"),
    ("category prefix", "cat:cs.CL"),
    ("category + word", "cat:quant-ph lattice"),
    ("common word", "learning"),
    ("common pair", "deep learning"),
    ("rare word", "zyxophone"),
    ("rare + common", "zyxophone model"),
    ("substring", "former"),
    ("no match", "qqzzxxvv"),
]


def _zipf_table(words: list[str], s: float = 1.07) -> list[float]:
    weights = [1 / (r + 1) ** s for r in range(len(words))]
    return list(itertools.accumulate(weights))


def _vocabulary(rng: random.Random, n: int = 30000) -> list[str]:
    """Stopwords, topic words, then synthetic words (syllables): a realistic long tail."""
    syll = "ka lo mi ne tra sti ver pho gen cal ion ter ph ri zo qua lex dyn ort mer".split()
    seen: set[str] = set(STOP) | set(TOPIC)
    words = list(STOP) + list(TOPIC)
    while len(words) < n:
        w = "".join(rng.choice(syll) for _ in range(rng.randint(2, 4)))
        if w not in seen:
            seen.add(w)
            words.append(w)
    return words


def records(n: int, seed: int = 16) -> Iterator[object]:
    from scholardesk.domain.papers import PaperRecord

    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    cum = _zipf_table(vocab)
    total = cum[-1]

    def text(k: int) -> str:
        return " ".join(vocab[bisect.bisect(cum, rng.random() * total) % len(vocab)]
                        for _ in range(k))

    for i in range(n):
        year = 2007 + i * 18 // max(n, 1)
        month = rng.randint(1, 12)
        arxiv = f"{year % 100:02d}{month:02d}.{i % 100000:05d}"
        if i % 20 == 7:  # Chinese
            title = "".join(rng.choice(ZH_WORDS) for _ in range(rng.randint(4, 8))) + "研究"
            abstract = "".join(rng.choice(ZH_WORDS) for _ in range(rng.randint(60, 120)))
            authors = tuple(rng.choice("王李张刘陈杨黄赵吴周") + rng.choice("伟静浩敏艳磊军涛欣宇")
                            for _ in range(rng.randint(1, 5)))
        else:
            title = text(rng.randint(6, 14)).capitalize()
            if i % 7 == 0:
                title = "State of the art " + title
            if i % 11 == 0:
                title += " for 3D vision"
            if i % 13 == 0:
                title = "AI " + title
            abstract = text(rng.randint(100, 200))
            if i % 5 == 0:
                abstract += " we train a neural network that transformer based"
            authors = tuple(f"{rng.choice(GIVEN)} {rng.choice(SURNAMES)}"
                            for _ in range(rng.randint(1, 8)))
        if i % 50_000 == 4321:
            title += " zyxophone"
        primary = rng.choice(CATEGORIES)
        cats = (primary,) + ((rng.choice(CATEGORIES),) if rng.random() < 0.4 else ())
        yield PaperRecord(
            title=title, source_kind="arxiv", source_ref="bench", record_ref=arxiv,
            authors=authors, year=year, abstract=abstract, arxiv_id=arxiv, arxiv_version=1,
            categories=tuple(dict.fromkeys(cats)), venue=rng.choice(VENUES),
            published=f"{year}-{month:02d}-01", updated=f"{year}-{month:02d}-01",
            entry_type="misc",
        )


def build(path: Path, n: int) -> float:
    """A fresh library with ``n`` generated papers; returns the seconds the inserts took."""
    from scholardesk.store import migrate
    from scholardesk.store.db import Database
    from scholardesk.store.papers_repo import PapersRepository

    db = Database(f"sqlite:///{path}")
    migrate.upgrade(db)
    started = time.perf_counter()
    it = iter(records(n))
    done = 0
    while True:
        batch = list(itertools.islice(it, BATCH))
        if not batch:
            break
        with db.transaction() as session:
            PapersRepository(session).insert_many(batch)  # type: ignore[arg-type]
        done += len(batch)
        if done % 100_000 == 0:
            print(f"  {done:,} papers, {time.perf_counter() - started:.0f} s", file=sys.stderr)
    took = time.perf_counter() - started
    with db.engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return took


def _ms(fn: object, repeat: int = 3) -> float:
    """Best of ``repeat`` (after one warm-up call), in ms."""
    fn()  # type: ignore[operator]
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()  # type: ignore[operator]
        best = min(best, (time.perf_counter() - t) * 1000)
    return best


def like_scan(conn: sqlite3.Connection, query: str) -> list[int]:
    """The baseline: every term as a LIKE over the text columns (or the prefixed column),
    newest first, LIMIT 50."""
    from scholardesk.store.papers_repo import parse_query

    terms = parse_query(query)
    conds: list[str] = []
    args: list[str] = []
    notes = "id IN (SELECT paper_id FROM paper_marks WHERE person = '' AND notes LIKE ?)"
    fields = {"au": ["authors_text"], "ti": ["title"], "cat": ["categories"], "": [
        "title", "authors_text", "venue", "abstract", notes]}  # the owner's notes (0002u)
    for t in terms:
        cols = fields.get(t.field, fields[""])
        conds.append("(" + " OR ".join(c if c == notes else f"{c} LIKE ?" for c in cols) + ")")
        args.extend([f"%{t.text}%"] * len(cols))
    sql = f"SELECT id FROM papers WHERE {' AND '.join(conds) or '1'} ORDER BY id DESC LIMIT 50"
    return [r[0] for r in conn.execute(sql, args)]


def measure(path: Path, n: int) -> list[dict[str, object]]:
    from scholardesk.domain.papers import PaperFilter
    from scholardesk.services.papers import PapersService
    from scholardesk.store import migrate
    from scholardesk.store.db import Database
    from scholardesk.store.papers_repo import PapersRepository

    db = Database(f"sqlite:///{path}")
    out: list[dict[str, object]] = []

    def row(name: str, value: float, unit: str, target: str) -> None:
        out.append({"benchmark": name, "value": value, "unit": unit, "target": target})
        print(f"  {name}: {value:,.1f} {unit} ({target})", file=sys.stderr)

    pending = set(migrate.current_revisions(db.engine)) != set(migrate.head_revisions())
    started = time.perf_counter()
    migrate.upgrade(db)
    if pending:  # a library built by an older version: its one-time upgrade, measured
        row(f"one-time schema upgrade of a {n:,}-paper library (e.g. 0002u: marks per person, "
            "title index rebuilt)", time.perf_counter() - started, "s", "-")
    svc = PapersService(db)
    marked = _mark_some(svc, n)

    def first_rows(flt: PaperFilter, sort: str = "added", descending: bool = True) -> None:
        page = svc.list_page(flt, sort, descending, 0, 200)
        svc.rows(page.ids[:100])

    k = f"{n:,}"
    no_search = max(_ms(lambda s=s, d=d: first_rows(PaperFilter(), s, d))
                    for s, d in (("added", True), ("title", False), ("authors", False),
                                 ("year", True), ("venue", False), ("status", False),
                                 ("rating", True)))
    row(f"first rows of a {k}-paper table (count + 100 rows), slowest of 7 sorts",
        no_search, "ms", "< 100 ms")
    with_search = max(_ms(lambda q=q: first_rows(PaperFilter(query=q)))
                      for q in ("speech recognition", "learning", "语音", "state of the art"))
    row(f"first rows of a {k}-paper table with a search, slowest of 4", with_search, "ms",
        "< 100 ms")
    deep = int(n * 0.9)
    scroll = max(_ms(lambda s=s, d=d: svc.rows(svc.list_window(PaperFilter(), s, d, deep, 200)))
                 for s, d in (("added", True), ("title", False), ("year", True),
                              ("rating", True), ("status", False)))
    row(f"jump to row {deep:,} (200 rows), slowest of 5 sorts (rating and status: "
        f"{marked:,} papers marked)", scroll, "ms", "< 100 ms")

    samples: dict[str, list[float]] = {q: [] for _s, q in QUERIES}
    like: dict[str, float] = {}
    raw = sqlite3.connect(path)
    for _shape, q in QUERIES:
        svc.search(q, 50)  # warm
    for _ in range(3):
        for _shape, q in QUERIES:
            t = time.perf_counter()
            svc.search(q, 50)
            samples[q].append((time.perf_counter() - t) * 1000)
    # The ratio compares like with like: the ids of the 50 matches (the rows cost both the same).
    ids_ms: dict[str, float] = {}
    with db.reading() as session:
        repo = PapersRepository(session)
        for _shape, q in QUERIES:
            ids_ms[q] = _ms(lambda q=q: repo.search(q, 50))
    print(f"  {'shape':24} {'query':26} {'ms':>7} {'ids ms':>7} {'LIKE ms':>8} {'ratio':>7} hits",
          file=sys.stderr)
    for shape, q in QUERIES:
        like[q] = _ms(lambda q=q: like_scan(raw, q), repeat=1)
        ours = statistics.median(samples[q])
        hits = len(svc.search(q, 50))
        print(f"  {shape:24} {q:26} {ours:7.1f} {ids_ms[q]:7.2f} {like[q]:8.1f} "
              f"{like[q] / max(ids_ms[q], 0.01):6.1f}x {hits}", file=sys.stderr)
    raw.close()
    flat = sorted(x for v in samples.values() for x in v)
    row(f"search over {k} papers, 20-query mix, p50", statistics.median(flat), "ms", "< 10 ms")
    row(f"search over {k} papers, 20-query mix, p95", statistics.quantiles(flat, n=20)[-1],
        "ms", "< 50 ms")
    row(f"search over {k} papers, 20-query mix, worst", flat[-1], "ms", "< 200 ms")
    slower = [q for q in samples if ids_ms[q] > like[q] + 0.5]
    row("queries slower than LIKE … LIMIT 50 (ids; of 20, +0.5 ms noise)", float(len(slower)), "",
        "0" + (f" ({', '.join(slower)})" if slower else ""))
    db.dispose()

    size = path.stat().st_size
    row(f"database size per paper at {k}", size / n, "bytes", "≤ 3,072 bytes")
    conn = sqlite3.connect(path)
    try:
        tables = conn.execute(
            "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 14"
        ).fetchall()
        for name, pg in tables:
            print(f"    {name:40} {pg / n:8.0f} B/paper", file=sys.stderr)
    except sqlite3.OperationalError:  # SQLite built without dbstat
        pass
    finally:
        conn.close()
    return out


def _mark_some(svc: object, n: int) -> int:
    """The owner's marks on 0.2 % of the papers (a heavy reader's share), once: the sorts by
    rating and status then have both segments (marked papers, and the default block)."""
    from scholardesk.domain.papers import PaperFilter

    want = max(1, n // 500)
    already = len(svc.list_ids(PaperFilter(status="read")))  # type: ignore[attr-defined]
    if already:
        return already
    rng = random.Random(18)
    ids = rng.sample(range(1, n + 1), want)
    for i in range(0, want, 500):
        chunk = ids[i : i + 500]
        svc.update(chunk, status="read", rating=rng.randint(1, 5))  # type: ignore[attr-defined]
    return want


def run(n: int = N, library: Path | None = None) -> list[dict[str, object]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = library or Path(tmp) / "library.sqlite"
        existing = 0
        if path.exists():
            with sqlite3.connect(path) as conn:
                existing = conn.execute("SELECT count(*) FROM papers").fetchone()[0]
        rows: list[dict[str, object]] = []
        if existing != n:
            if path.exists():
                path.unlink()
            took = build(path, n)
            rows.append({"benchmark": f"bulk insert of {n:,} generated papers (store)",
                         "value": n / took, "unit": "papers/s", "target": "≥ 5,000 papers/s"})
            print(f"  built {n:,} papers in {took:.0f} s", file=sys.stderr)
        return rows + measure(path, n)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=N)
    parser.add_argument("--library", type=Path, help="reuse (or build) the library here")
    args = parser.parse_args()
    for r in run(args.n, args.library):
        print(f"| papers | {r['benchmark']} | {r['value']:,.1f} {r['unit']} | {r['target']} |")
