"""Submissions: date finding, pasted-history parsing, import into SQLite, and the page's load
(summaries with timelines and stuck checks) on generated data."""

from __future__ import annotations

import datetime as dt
import random
import tempfile
import time
from pathlib import Path

STATUSES = [
    "Submitted to Journal", "With Editor", "Under Review", "Required Reviews Completed",
    "Decision in Process", "Major Revision", "Revision Submitted to Journal", "With Editor",
    "Under Review", "Accepted",
]  # fmt: skip
FORMS = [
    lambda d: f"{d.year}.{d.month:02d}.{d.day:02d}",
    lambda d: f"{d.year}/{d.month:02d}/{d.day:02d}",
    lambda d: d.isoformat(),
    lambda d: f"{d.year}年{d.month}月{d.day}日",
    lambda d: d.strftime("%d %B %Y"),
    lambda d: d.strftime("%B %d, %Y"),
]


def _history(n_events: int, rng: random.Random) -> str:
    day = dt.date(2020, 1, 1)
    lines = []
    for i in range(n_events):
        day += dt.timedelta(days=rng.randint(0, 20))
        lines.append(f"{rng.choice(FORMS)(day)} {STATUSES[i % len(STATUSES)]}")
    return "\n".join(lines)


def _timed(fn: object) -> float:
    started = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - started


def run() -> list[dict[str, object]]:
    from scholardesk.domain.dates import find_dates
    from scholardesk.domain.history_text import parse_history
    from scholardesk.services.submissions import SubmissionsService
    from scholardesk.store import migrate
    from scholardesk.store.db import Database

    rng = random.Random(6)
    text = _history(10_000, rng)
    n_dates = len(find_dates(text))
    t_find = _timed(lambda: find_dates(text))
    t_parse = _timed(lambda: parse_history(text))

    results: list[dict[str, object]] = [
        {"benchmark": "find_dates, 10,000 dates in mixed forms", "value": round(t_find * 1000, 1),
         "unit": "ms", "target": "< 500 ms"},
        {"benchmark": "dates found per second", "value": round(n_dates / t_find),
         "unit": "dates/s", "target": "> 20,000"},
        {"benchmark": "parse a pasted history of 10,000 lines", "value": round(t_parse * 1000, 1),
         "unit": "ms", "target": "< 1 s"},
    ]  # fmt: skip

    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{Path(folder) / 'bench.sqlite'}")
        migrate.upgrade(db)
        svc = SubmissionsService(db, today=lambda: dt.date(2026, 1, 1))
        paste = _history(100, rng)
        t_import = _timed(lambda: svc.import_text(paste, "Bench Journal", "one"))
        t_again = _timed(lambda: svc.import_text(paste, "Bench Journal", "one"))
        for i in range(499):
            svc.import_text(_history(10, rng), f"Journal {i % 50}", f"paper {i}")
        t_summaries = _timed(svc.summaries)
        db.dispose()
    results += [
        {"benchmark": "import a pasted history of 100 events", "value": round(t_import * 1000, 1),
         "unit": "ms", "target": "< 500 ms"},
        {"benchmark": "re-import the same history (no change)", "value": round(t_again * 1000, 1),
         "unit": "ms", "target": "< 500 ms"},
        {"benchmark": "page load: 500 submissions / 5,000 events with timelines",
         "value": round(t_summaries * 1000, 1), "unit": "ms", "target": "< 1 s"},
    ]  # fmt: skip
    return results


if __name__ == "__main__":
    for row in run():
        print(row)
