"""Review times: statistics over 1,000,000 generated articles, and parsing publisher pages.

- statistics: the four intervals (n, mean, median, quartiles, p10/p90, min/max, shares within
  3/6/12 months) plus the by-year table, over one million generated histories (5 % of them
  without a revision, 1 % with an accepted date before the received date);
- publisher pages: generated article pages of realistic size (~200 KB: a long head of
  citation_reference meta tags, scripts, body text that says "received" without a date, then
  the history list), and, when the shared fixtures are present, the ten real saved pages.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURES = Path(os.environ.get("SCHOLARDESK_FIXTURES", HERE.parent.parent / "shared" / "fixtures"))


def _best(fn, repeat: int = 5) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times) if repeat < 3 else statistics.median(times)


def bench_stats(n: int = 1_000_000) -> float:
    import numpy as np

    from scholardesk.analysis.review_stats import frame_from_arrays, summarise
    from scholardesk.domain.reviews import INTERVALS

    rng = np.random.default_rng(7)
    received = rng.integers(737_000, 739_500, n).astype("float64")
    accepted = received + rng.gamma(2.0, 60.0, n)
    flip = rng.random(n) < 0.01
    accepted[flip] = received[flip] - 30
    revised = np.where(rng.random(n) < 0.95, received + rng.gamma(2.0, 30.0, n), np.nan)
    online = accepted + rng.gamma(2.0, 10.0, n)
    types = np.where(rng.random(n) < 0.85, "research-article", "review-article")

    def work() -> None:
        frame = frame_from_arrays(received, revised, accepted, online, types)
        for interval in INTERVALS:
            summarise(frame, interval)
        summarise(frame, "received-accepted", by="year")

    work()  # warm-up (imports, caches)
    return _best(work, 5)


def _generated_pages(count: int) -> list[bytes]:
    rng = random.Random(3)
    refs = "".join(
        f'<meta name="citation_reference" content="citation_journal_title=J. Ex.; '
        f'citation_author=A. Author{i}; citation_volume={i}; citation_publication_date=20{i % 25:02d}">\n'
        for i in range(250)
    )
    body = "<p>" + ("Samples were received and processed as described previously. " * 30) + "</p>\n"
    script = "<script>var state = {" + ",".join(f'"k{i}": {i}' for i in range(2500)) + "};</script>\n"
    pages = []
    for i in range(count):
        y = 2015 + i % 10
        rec = f"{rng.randint(1, 28)} {rng.choice(['January', 'March', 'June', 'October'])} {y}"
        acc = f"{rng.randint(1, 28)} {rng.choice(['February', 'May', 'August', 'December'])} {y + 1}"
        html = (
            f"<!DOCTYPE html><html><head><title>Article {i}</title>\n"
            f'<meta name="citation_doi" content="10.5555/bench.{i}">\n'
            f'<meta name="citation_journal_title" content="Journal of Benchmarks">\n'
            f'<meta name="citation_issn" content="1234-5679">\n{refs}{script}</head><body>\n'
            + body * 20
            + f'<ul class="pub-dates"><li>Received {rec}</li><li>Accepted {acc}</li>'
            f"<li>Published online {acc}</li></ul>\n" + body * 10 + "</body></html>"
        )
        pages.append(html.encode())
    return pages


def bench_pages(pages: list[bytes]) -> float:
    from scholardesk.sources.reviews.publisher_html import parse_html

    for page in pages[:5]:
        parse_html(page)

    def work() -> None:
        for page in pages:
            parse_html(page)

    seconds = _best(work, 3)
    return len(pages) / seconds


def run() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = [
        {"benchmark": "statistics, 1,000,000 articles (4 intervals + by year)",
         "value": bench_stats(), "unit": "s", "target": "< 1 s"},
    ]
    pages = _generated_pages(200)
    size = sum(len(p) for p in pages) / len(pages) / 1024
    rows.append({"benchmark": f"parse generated publisher pages (~{size:.0f} KB each)",
                 "value": bench_pages(pages), "unit": "pages/s", "target": ">= 200 pages/s"})
    real = sorted((FIXTURES / "publisher_html").glob("*.html"))
    if real:
        data = [p.read_bytes() for p in real] * 20
        rows.append({"benchmark": f"parse the {len(real)} real saved publisher pages",
                     "value": bench_pages(data), "unit": "pages/s", "target": ">= 200 pages/s"})
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
