"""Review-time statistics, vectorised with NumPy/pandas.

Input is a :class:`HistoryFrame`: one row per article, dates as day numbers (proleptic
ordinals; NaN = unknown), plus year, article type and journal. The validity rules repeat
``domain.reviews.validate`` in array form, so a million articles are summarised in well under
a second:

- an accepted date before the received date, or a review over five years, leaves the whole
  article out;
- a revised date before the received date leaves out received→revised;
- an online date before acceptance, or more than five years after it, leaves out
  accepted→online (and received→online when online is before receipt or production is over
  five years).

"excluded" counts the articles that had both dates of an interval but were left out.
Quantiles use linear interpolation (NumPy's and pandas' default).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scholardesk.domain.reviews import INTERVALS, MAX_REVIEW_DAYS, IntervalStats

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

DATE_COLUMNS = ("received", "revised", "accepted", "online")
MONTH_LIMITS = (("within_3_months", 91), ("within_6_months", 183), ("within_12_months", 365))


@dataclass(frozen=True)
class HistoryFrame:
    df: pd.DataFrame  # columns: received, revised, accepted, online (float days), year, type, journal

    def __len__(self) -> int:
        return len(self.df)


def _ordinal(d: dt.date | None) -> float:
    return float(d.toordinal()) if d is not None else float("nan")


def frame_from_rows(rows: Iterable[Sequence[Any]]) -> HistoryFrame:
    """Rows of (journal, received, revised, accepted, online, article_type[, ...])."""
    import numpy as np
    import pandas as pd

    journals: list[str] = []
    cols: list[list[float]] = [[], [], [], []]
    types: list[str] = []
    for row in rows:
        journals.append(row[0] or "")
        for i in range(4):
            cols[i].append(_ordinal(row[1 + i]))
        types.append(row[5] or "")
    data: dict[str, Any] = {name: np.asarray(cols[i], dtype="float64")
                            for i, name in enumerate(DATE_COLUMNS)}
    data["journal"] = journals
    data["article_type"] = pd.Categorical(types)
    df = pd.DataFrame(data)
    return HistoryFrame(_with_year(df))


def frame_from_arrays(
    received: np.ndarray, revised: np.ndarray, accepted: np.ndarray, online: np.ndarray,
    article_type: np.ndarray | None = None, journal: np.ndarray | None = None,
) -> HistoryFrame:
    """Day-number arrays (NaN = unknown) → frame (used by the benchmark and tests)."""
    import pandas as pd

    df = pd.DataFrame(
        {"received": received, "revised": revised, "accepted": accepted, "online": online}
    )
    df["article_type"] = pd.Categorical(article_type if article_type is not None else [""] * len(df))
    df["journal"] = journal if journal is not None else ""
    return HistoryFrame(_with_year(df))


def _with_year(df: pd.DataFrame) -> pd.DataFrame:
    """Year of acceptance, else of online publication, else of receipt (vectorised)."""
    import numpy as np

    when = df["accepted"].fillna(df["online"]).fillna(df["received"]).to_numpy()
    years = np.full(len(when), np.nan)
    known = ~np.isnan(when)
    if known.any():
        # ordinal → year: via datetime64 (ordinal 719163 = 1970-01-01)
        as_dt = (when[known] - 719163).astype("int64").astype("datetime64[D]")
        years[known] = as_dt.astype("datetime64[Y]").astype("int64") + 1970
    df["year"] = years
    return df


def interval_mask(frame: HistoryFrame, interval: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(days, has_both, valid) arrays for ``interval`` over every row."""
    import numpy as np

    df = frame.df
    rec = df["received"].to_numpy()
    acc = df["accepted"].to_numpy()
    onl = df["online"].to_numpy()
    with np.errstate(invalid="ignore"):
        review = acc - rec
        article_bad = (review < 0) | (review > MAX_REVIEW_DAYS)  # NaN compares False
        production = onl - acc
        start, end = INTERVALS[interval]
        days = df[end].to_numpy() - df[start].to_numpy()
        has_both = ~np.isnan(days)
        bad = article_bad.copy()
        if interval == "received-revised":
            bad |= days < 0
        elif interval == "accepted-online":
            bad |= (days < 0) | (days > MAX_REVIEW_DAYS)
        elif interval == "received-online":
            bad |= (days < 0) | (production > MAX_REVIEW_DAYS)
    valid = has_both & ~bad
    return days, has_both, valid


def interval_values(frame: HistoryFrame, interval: str) -> np.ndarray:
    """The valid day counts of ``interval`` (for histograms and box plots)."""
    days, _, valid = interval_mask(frame, interval)
    out: np.ndarray = days[valid]
    return out


def _stats_of(values: np.ndarray) -> dict[str, float | None]:
    import numpy as np

    if values.size == 0:
        return {}
    p10, p25, p50, p75, p90 = np.percentile(values, [10, 25, 50, 75, 90])
    out: dict[str, float | None] = {
        "mean_days": float(values.mean()),
        "median_days": float(p50),
        "p10_days": float(p10),
        "p25_days": float(p25),
        "p75_days": float(p75),
        "p90_days": float(p90),
        "min_days": float(values.min()),
        "max_days": float(values.max()),
    }
    for name, limit in MONTH_LIMITS:
        out[name] = float(np.count_nonzero(values <= limit) / values.size)
    return out


def summarise(
    frame: HistoryFrame, interval: str, journal: str = "", by: str | None = None
) -> list[IntervalStats]:
    """Statistics of ``interval``: one entry, or one per year / article type with ``by``."""
    import numpy as np
    import pandas as pd

    if interval not in INTERVALS:
        raise ValueError(f"unknown interval {interval!r}")
    days, has_both, valid = interval_mask(frame, interval)
    if by is None:
        return [
            IntervalStats(
                journal=journal,
                interval=interval,
                group="",
                n=int(np.count_nonzero(valid)),
                excluded=int(np.count_nonzero(has_both & ~valid)),
                **_stats_of(days[valid]),  # type: ignore[arg-type]
            )
        ]
    column = {"year": "year", "type": "article_type", "article_type": "article_type"}[by]
    keys = frame.df[column]
    if column == "year":
        keys = keys.fillna(-1).astype("int64")
    excluded = pd.Series(has_both & ~valid).groupby(keys.to_numpy()).sum()
    vals = pd.Series(days[valid])
    groups = keys.to_numpy()[valid]
    grouped = vals.groupby(groups)
    if len(vals):
        agg = grouped.agg(["count", "mean", "median", "min", "max"])
        quant = grouped.quantile([0.1, 0.25, 0.75, 0.9]).unstack()
        shares = {
            name: (vals <= limit).groupby(groups).mean() for name, limit in MONTH_LIMITS
        }
    else:
        agg = pd.DataFrame(columns=["count", "mean", "median", "min", "max"])
        quant = pd.DataFrame()
        shares = {}
    result: list[IntervalStats] = []
    for key in sorted(set(excluded.index) | set(agg.index)):
        if column == "year" and key == -1:
            label = "?"
        else:
            label = str(key) if key != "" else "—"
        if key in agg.index:
            a = agg.loc[key]
            q = quant.loc[key]
            stats: dict[str, Any] = {
                "n": int(a["count"]),
                "mean_days": float(a["mean"]),
                "median_days": float(a["median"]),
                "p10_days": float(q[0.1]),
                "p25_days": float(q[0.25]),
                "p75_days": float(q[0.75]),
                "p90_days": float(q[0.9]),
                "min_days": float(a["min"]),
                "max_days": float(a["max"]),
                **{name: float(s.loc[key]) for name, s in shares.items()},
            }
        else:
            stats = {"n": 0}
        result.append(
            IntervalStats(
                journal=journal, interval=interval, group=label,
                excluded=int(excluded.get(key, 0)), **stats,
            )
        )
    return result


def trend_by_year(frame: HistoryFrame, interval: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(years, medians, counts) of ``interval`` for the trend plot."""
    import numpy as np
    import pandas as pd

    days, _, valid = interval_mask(frame, interval)
    years = frame.df["year"].to_numpy()[valid]
    vals = days[valid]
    keep = ~np.isnan(years)
    if not keep.any():
        empty = np.array([], dtype="float64")
        return empty, empty, empty
    s = pd.Series(vals[keep]).groupby(years[keep].astype("int64"))
    med = s.median()
    cnt = s.count()
    return (
        med.index.to_numpy(dtype="float64"),
        med.to_numpy(dtype="float64"),
        cnt.to_numpy(dtype="float64"),
    )
