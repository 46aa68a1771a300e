"""Ranking the arXiv feed (issue #15, analysis/papers_feed_ranking.py).

(a) Speed and memory: a generated 10,000-paper library (20 tags, a few hundred "not interested")
    and 20,000 new entries, trained and scored in one ``rank()`` call; the keyword ranking (what
    ``rank`` does below ``min_positives``) in the same run as the plain baseline. Peak memory is
    the growth of the process's resident set during the call (VmHWM reset after the data is
    generated, in a fresh child process: benchmarks/peak_memory.py says why not ru_maxrss). Target: under 3 s and 1 GB together.
(b) Quality: hold out 20% of each tag's positives, put them among random other entries, train
    on the rest, and count how many of the top 20 new entries are held-out papers of the user
    (precision@20), model against keyword baseline.
    - On the generated library: topics are bags of words drawn from a Zipf law, neighbouring
      topics share a third of their words, and every text is mostly common words. Easy compared
      with real reading habits: it shows the machinery works and where the baseline falls behind,
      not what a user will see.
    - On the real arXiv fixtures (../shared/fixtures/arxiv, 22 real entries): tagged by their
      primary arXiv category as a stand-in for user tags. Categories are not user tags, and 22
      papers are far too few for a stable figure (one paper moves precision by 5 points); it
      shows that real abstracts go through the same path and rank sensibly, nothing more.
    Skipped when the shared fixtures are absent.

BENCH_FEED_LIBRARY / BENCH_FEED_NEW change the sizes of (a).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

N_LIBRARY = int(os.environ.get("BENCH_FEED_LIBRARY", "10000"))
N_NEW = int(os.environ.get("BENCH_FEED_NEW", "20000"))
TOPICS = 40  # the library holds the first 20 as tags; new entries come from all 40
TAGS = 20

_STOP = ("the of and to in a is that for we with on this as are by an be from our which it "
         "these can at or has have not also their its than more such both while how into").split()


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        syl = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "shi", "pe", "dra", "gen", "tor",
               "ix", "al", "en", "ub", "qua", "zer", "fin", "mod"]
        words: set[str] = set()
        while len(words) < 6000 + TOPICS * 150:
            words.add("".join(self.rng.choice(syl) for _ in range(self.rng.randint(2, 4))))
        pool = sorted(words)
        self.rng.shuffle(pool)
        self.common = pool[:6000]
        self.common_w = [1.0 / (i + 1) for i in range(len(self.common))]
        own = [pool[6000 + t * 150: 6000 + (t + 1) * 150] for t in range(TOPICS)]
        # neighbouring topics share a third of their words
        self.topics = [own[t][:100] + own[(t + 1) % TOPICS][:50] for t in range(TOPICS)]
        self.topic_w = [1.0 / (i + 1) ** 0.8 for i in range(150)]

    def text(self, topic: int, n: int) -> str:
        rng = self.rng
        kinds = rng.choices((0, 1, 2), (0.35, 0.61, 0.04), k=n)  # ~6 topic words per abstract
        stops = iter(rng.choices(_STOP, k=n))
        commons = iter(rng.choices(self.common, self.common_w, k=n))
        own = iter(rng.choices(self.topics[topic], self.topic_w, k=n))
        return " ".join(next(stops) if k == 0 else next(commons) if k == 1 else next(own)
                        for k in kinds)

    def doc(self, key: str, topic: int):  # type: ignore[no-untyped-def]
        from scholardesk.domain.papers_feed import FeedDoc

        title = self.text(topic, 10).capitalize()
        abstract = self.text(topic, 160) + "."
        return FeedDoc(key, title, abstract, authors=(f"Author {topic}",),
                       categories=(f"gen.T{topic}",))


def library_and_new(n_library: int, n_new: int, seed: int = 15):  # type: ignore[no-untyped-def]
    from scholardesk.analysis.papers_feed_ranking import LabelledDoc

    gen = Generator(seed)
    rng = gen.rng
    library = []
    for i in range(n_library):
        if i % 25 == 0:  # "not interested": papers of topics the user does not follow
            t = rng.randrange(TAGS, TOPICS)
            library.append(LabelledDoc(gen.doc(f"L{i}", t), (), False))
        else:
            t = rng.randrange(TAGS)
            tags = (f"topic{t}",) if i % 5 else ()  # some papers are only read, not tagged
            library.append(LabelledDoc(gen.doc(f"L{i}", t), tags, True))
    new = [gen.doc(f"N{i}", rng.randrange(TOPICS)) for i in range(n_new)]
    return library, new


def _speed_child() -> None:
    """Runs in a fresh process: prints the timings and memory of one ranking as JSON."""
    from peak_memory import current_bytes, peak_bytes, reset_peak

    from scholardesk.analysis.papers_feed_ranking import rank

    library, new = library_and_new(N_LIBRARY, N_NEW)
    reset_peak()
    before = current_bytes()
    start = time.perf_counter()
    result = rank(library, new)
    model_s = time.perf_counter() - start
    peak = peak_bytes()
    start = time.perf_counter()
    keywords = rank(library, new, min_positives=10**9)
    keyword_s = time.perf_counter() - start
    assert result.method == "model" and keywords.method == "keywords"
    assert len(result.scored) == len(new)
    print(json.dumps({"model_s": model_s, "keyword_s": keyword_s,
                      "peak_mb": (peak - before) / 2**20, "note": result.note}))


def precision_at(library, held_out: set[str], others, k: int = 20):  # type: ignore[no-untyped-def]
    """Precision@k of the model and of the keyword baseline, on one split."""
    from scholardesk.analysis.papers_feed_ranking import rank

    out = []
    for min_positives in (5, 10**9):
        result = rank(library, others, min_positives=min_positives)
        top = [s.key for s in result.scored[:k]]
        out.append(sum(1 for key in top if key in held_out) / min(k, len(top)))
    return out[0], out[1]


def split(library, seed: int):  # type: ignore[no-untyped-def]
    """Hold out 20% of each tag's positives (at least one); the rest stays in the library."""
    rng = random.Random(seed)
    by_tag: dict[str, list[int]] = {}
    for i, d in enumerate(library):
        if d.positive and d.tags:
            by_tag.setdefault(d.tags[0], []).append(i)
    held: set[int] = set()
    for rows in by_tag.values():
        if len(rows) >= 2:
            held.update(rng.sample(rows, max(1, round(0.2 * len(rows)))))
    kept = [d for i, d in enumerate(library) if i not in held]
    return kept, [library[i].doc for i in sorted(held)]


def quality_generated() -> tuple[float, float, int, int]:
    gen_library, _ = library_and_new(2000, 0, seed=7)
    kept, held = split(gen_library, seed=7)
    gen = Generator(7)  # the same words as the library's ...
    gen.rng.seed(1007)  # ... but not the same random draws (they would repeat its texts)
    # the random others: papers of the topics the user does not follow (two of which share
    # words with followed ones), nine for every held-out paper
    others = [gen.doc(f"X{i}", gen.rng.randrange(TAGS, TOPICS)) for i in range(9 * len(held))]
    mixed = held + others
    random.Random(9).shuffle(mixed)
    model, keywords = precision_at(kept, {d.key for d in held}, mixed)
    return model, keywords, len(held), len(others)


def quality_real(root: Path) -> tuple[float, float, int, int] | None:
    from scholardesk.analysis.papers_feed_ranking import LabelledDoc
    from scholardesk.domain.papers_feed import FeedDoc, work_key
    from scholardesk.sources.atom import read_atom_file

    folder = root / "arxiv"
    if not folder.is_dir():
        return None
    docs: dict[str, FeedDoc] = {}
    for path in sorted(folder.iterdir()):
        for r in read_atom_file(path).records:
            if r.arxiv_id and r.abstract:
                key = work_key(r.arxiv_id)
                docs[key] = FeedDoc(key, r.title, r.abstract, r.authors, r.categories)
    # the archive of the primary category is the "tag" (cond-mat, cs, physics, ...)
    library = [LabelledDoc(d, (d.categories[0].split(".")[0],) if d.categories else (), True)
               for d in docs.values()]
    totals: list[tuple[float, float]] = []
    n_held = n_other = 0
    for seed in range(20):  # many random splits: 22 papers give a noisy figure per split
        kept, held = split(library, seed)
        rng = random.Random(seed)
        # the "random others" are the rest of the real entries, relabelled as unlabelled
        # new entries: half of the library stays as positives, half becomes feed noise
        keep_rows = set(rng.sample(range(len(kept)), len(kept) // 2))
        lib = [d for i, d in enumerate(kept) if i in keep_rows]
        others = [d.doc for i, d in enumerate(kept) if i not in keep_rows]
        n_held, n_other = len(held), len(others)
        # k = the number held out (R-precision): 20 would be every entry
        totals.append(precision_at(lib, {d.key for d in held}, held + others, k=len(held)))
    return (sum(t[0] for t in totals) / len(totals), sum(t[1] for t in totals) / len(totals),
            n_held, n_other)


def run() -> list[dict[str, object]]:
    child = subprocess.run([sys.executable, __file__, "--speed-child"], capture_output=True,
                           text=True, check=True)
    speed = json.loads(child.stdout.strip().splitlines()[-1])
    rows: list[dict[str, object]] = [
        {"benchmark": f"train on {N_LIBRARY:,} library papers + score {N_NEW:,} new entries "
                      "(tf-idf 1-2 grams, 20 tag models + overall)",
         "value": speed["model_s"], "unit": "s", "target": "< 3 s"},
        {"benchmark": "  same data, keyword baseline (no training)",
         "value": speed["keyword_s"], "unit": "s", "target": "-"},
        {"benchmark": "  peak memory of the ranking (resident set growth)",
         "value": speed["peak_mb"], "unit": "MB", "target": "< 1,000 MB"},
    ]
    model, keywords, n_held, n_other = quality_generated()
    rows += [
        {"benchmark": f"precision@20, generated topics ({n_held} held out among {n_other} "
                      "others): model", "value": model, "unit": "", "target": "> keywords"},
        {"benchmark": "  same split: keyword baseline", "value": keywords, "unit": "",
         "target": "-"},
    ]
    root = Path(os.environ.get("SCHOLARDESK_FIXTURES",
                               Path(__file__).resolve().parents[1].parent / "shared" / "fixtures"))
    real = quality_real(root)
    if real is not None:
        model, keywords, n_held, n_other = real
        rows += [
            {"benchmark": f"precision@{n_held}, real arXiv fixtures tagged "
                          f"by category ({n_held} held out among {n_other}, mean of 20 splits): "
                          "model", "value": model, "unit": "", "target": "(indicative only)"},
            {"benchmark": "  same splits: keyword baseline", "value": keywords, "unit": "",
             "target": "-"},
        ]
    return rows


if __name__ == "__main__":
    if sys.argv[1:] == ["--speed-child"]:
        _speed_child()
    else:
        for row in run():
            print(row)
