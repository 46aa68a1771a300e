"""The vectorised statistics agree with the per-article rules of domain.reviews (property
tests over random histories), and the by-year / by-type tables add up."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from scholardesk.analysis.review_stats import (
    frame_from_arrays,
    frame_from_rows,
    interval_values,
    summarise,
    trend_by_year,
)
from scholardesk.domain.reviews import INTERVALS, ArticleHistory

BASE = dt.date(2015, 1, 1)
offsets = st.one_of(st.none(), st.integers(min_value=-400, max_value=2500))


@st.composite
def histories(draw: st.DrawFn) -> ArticleHistory:
    rec = draw(st.one_of(st.none(), st.integers(0, 3000)))

    def after(base: int | None) -> dt.date | None:
        delta = draw(offsets)
        if delta is None:
            return None
        start = base if base is not None else 0
        return BASE + dt.timedelta(days=start + delta)

    received = BASE + dt.timedelta(days=rec) if rec is not None else None
    accepted = after(rec)
    revised = after(rec)
    acc_days = (accepted - BASE).days if accepted else None
    online = after(acc_days)
    return ArticleHistory(journal="J", received=received, revised=revised, accepted=accepted,
                          online=online, article_type=draw(st.sampled_from(["a", "b"])))


@settings(max_examples=60, deadline=None)
@given(st.lists(histories(), min_size=0, max_size=40))
def test_vectorised_rules_match_the_domain_rules(items: list[ArticleHistory]) -> None:
    frame = frame_from_rows(
        (h.journal, h.received, h.revised, h.accepted, h.online, h.article_type) for h in items
    )
    for interval in INTERVALS:
        expected = sorted(d for h in items if (d := h.included_days(interval)) is not None)
        had_both = sum(1 for h in items if h.days(interval) is not None)
        [s] = summarise(frame, interval)
        assert s.n == len(expected)
        assert s.excluded == had_both - len(expected)
        assert sorted(interval_values(frame, interval).tolist()) == expected
        if expected:
            assert s.median_days == float(np.median(expected))
            assert s.min_days == expected[0] and s.max_days == expected[-1]
            assert s.within_12_months == sum(1 for d in expected if d <= 365) / len(expected)
        else:
            assert s.median_days is None
        by_type = summarise(frame, interval, by="type")
        assert sum(g.n for g in by_type) == s.n
        assert sum(g.excluded for g in by_type) == s.excluded


def test_known_values_and_by_year() -> None:
    nan = np.nan
    rec = np.array([0, 0, 0, 0, 100, nan], dtype=float) + 737_000
    acc = np.array([10, 20, 30, -5, 3000, 50], dtype=float) + 737_000
    frame = frame_from_arrays(rec, np.full(6, nan), acc, np.full(6, nan))
    [s] = summarise(frame, "received-accepted")
    assert (s.n, s.excluded) == (3, 2)  # accepted before received; review over 5 years
    assert (s.mean_days, s.median_days, s.p25_days, s.p75_days) == (20.0, 20.0, 15.0, 25.0)
    assert s.warning is not None
    years = summarise(frame, "received-accepted", by="year")
    assert sum(y.n for y in years) == 3
    ys, meds, counts = trend_by_year(frame, "received-accepted")
    assert counts.sum() == 3 and len(ys) == len(meds)
