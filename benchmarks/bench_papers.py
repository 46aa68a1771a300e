"""Papers at scale: import 100,000 generated BibTeX entries, search them, show the first rows.

Targets (issue #3): import ≥ 5,000 entries/s; search p95 < 30 ms; first rows < 300 ms.
The entries are generated (English and Chinese titles, abstracts, venues, arXiv ids and DOIs
on some), written to a .bib file and imported through PapersService like a user's file.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

N = 100_000
WORDS = (
    "speech recognition transformer attention neural network graph learning robust "
    "self-supervised contrastive diffusion model language vision benchmark efficient sparse "
    "federated adversarial reinforcement policy optimization retrieval generation audio "
    "dysarthric streaming conformer encoder decoder token alignment latency quantization"
).split()
ZH = "语音识别深度学习神经网络图像分割模型压缩联邦学习强化学习检索增强生成多模态对齐"
VENUES = (
    "Advances in Neural Information Processing Systems", "Proc. of Interspeech",
    "IEEE/ACM Transactions on Audio, Speech, and Language Processing", "ICASSP",
    "Neurocomputing", "Proceedings of ACL", "计算机学报", "软件学报", "CVPR", "ICLR",
)
SURNAMES = "Wang Li Zhang Liu Chen Smith Müller García Kim Nguyen Rossi Ivanov".split()


def generate_bib(path: Path, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            if i % 10 == 0:
                start = rng.randrange(len(ZH) - 8)
                title = ZH[start : start + rng.randint(6, 10)] + f"研究{i}"
            else:
                title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 10))).capitalize()
                title += f" {i}"
            authors = " and ".join(
                f"{rng.choice(SURNAMES)}, {chr(65 + rng.randrange(26))}." for _ in range(rng.randint(1, 6))
            )
            abstract = " ".join(rng.choice(WORDS) for _ in range(rng.randint(60, 120)))
            year = rng.randint(1995, 2025)
            extra = ""
            if i % 3 == 0:
                extra += f"  eprint = {{{year % 100:02d}{rng.randint(1, 12):02d}.{i:05d}}},\n  archiveprefix = {{arXiv}},\n"
            if i % 4 == 0:
                extra += f"  doi = {{10.5555/bench.{i}}},\n"
            fh.write(
                f"@article{{key{i},\n  title = {{{title}}},\n  author = {{{authors}}},\n"
                f"  journal = {{{rng.choice(VENUES)}}},\n  year = {{{year}}},\n"
                f"  pages = {{{i % 900}--{i % 900 + 12}}},\n{extra}"
                f"  abstract = {{{abstract}}},\n}}\n\n"
            )


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def run() -> list[dict[str, object]]:
    from scholardesk.domain.papers import PaperFilter
    from scholardesk.services.papers import PapersService
    from scholardesk.store import migrate
    from scholardesk.store.db import Database

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bib = folder / "library.bib"
        generate_bib(bib, N)
        db = Database(f"sqlite:///{folder / 'library.sqlite'}")
        migrate.upgrade(db)
        svc = PapersService(db)

        started = time.perf_counter()
        report = svc.import_files([bib])
        import_s = time.perf_counter() - started
        assert report.imported == N, report.to_json()

        queries = [
            "transformer", "speech recognition", "contrastive learning", "Müller", "conformer",
            "语音识别", "神经网络", "模型", "Neurocomputing", "dysarthric streaming", "latency 4242",
            "federated", "key 12345", "attention", "学报", "diffusion model", "robust audio",
        ]
        for q in queries:  # warm the page cache once, as a running app would be
            svc.search(q, 50)
        samples = []
        for _ in range(5):
            for q in queries:
                t = time.perf_counter()
                svc.search(q, 50)
                samples.append((time.perf_counter() - t) * 1000)

        first_rows = []
        for flt in (PaperFilter(), PaperFilter(query="speech"), PaperFilter(status="unread")):
            t = time.perf_counter()
            ids = svc.list_ids(flt)
            svc.rows(ids[:100])
            first_rows.append((time.perf_counter() - t) * 1000)
        db.dispose()

    return [
        {"benchmark": f"import {N:,} BibTeX entries", "value": N / import_s,
         "unit": "entries/s", "target": "≥ 5,000 entries/s"},
        {"benchmark": f"search over {N:,} papers, p95", "value": _p95(samples),
         "unit": "ms", "target": "< 30 ms"},
        {"benchmark": f"first rows of a {N:,}-paper table (ids + 100 rows), worst filter",
         "value": max(first_rows), "unit": "ms", "target": "< 300 ms"},
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
