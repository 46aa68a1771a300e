"""Aggregating runs across seeds: mean, std, n per (model, dataset, split, protocol, metric);
best per column; relative change against a baseline; duplicate detection; curve smoothing.

Only comparable cells are compared: a column is one (dataset, split, protocol, metric), so a
train-split number never competes with a test-split one, and the split is part of every
column's label. "Best" needs a competitor: a lone value in its column is not marked best.

Duplicates (the same run entered twice: same configuration, seed and values, see
``domain.experiments.run_fingerprint``) are counted once and reported in ``duplicates`` of
the row, never silently averaged in.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from scholardesk.domain.experiments import RunRecord

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class AggregateRow:
    model: str
    dataset: str
    split: str
    protocol: str
    metric: str
    mean: float
    std: float | None  # sample standard deviation (n-1); None for a single run
    n: int
    higher_is_better: bool
    sources: tuple[str, ...] = ()
    seeds: tuple[int | None, ...] = ()
    duplicates: int = 0  # extra copies of runs already counted (not averaged)
    run_ids: tuple[int, ...] = ()
    best: bool = False  # best of 2+ models in its column (dataset, split, protocol, metric)
    relative_change: float | None = None  # vs the baseline model, in percent

    def to_json(self) -> dict[str, object]:
        return {
            "model": self.model,
            "dataset": self.dataset,
            "split": self.split,
            "protocol": self.protocol,
            "metric": self.metric,
            "mean": self.mean,
            "std": self.std,
            "n": self.n,
            "higher_is_better": self.higher_is_better,
            "best": self.best,
            "duplicates": self.duplicates,
            "relative_change": self.relative_change,
            "sources": list(self.sources),
        }


@dataclass(frozen=True)
class DuplicateGroup:
    fingerprint: str
    run_ids: tuple[int, ...]
    model: str
    dataset: str
    seed: int | None


def mean_std(values: Sequence[float]) -> tuple[float, float | None]:
    n = len(values)
    if n == 0:
        raise ValueError("no values")
    mean = math.fsum(values) / n
    if n < 2:
        return mean, None
    var = math.fsum((v - mean) ** 2 for v in values) / (n - 1)
    return mean, math.sqrt(var)


def duplicate_groups(runs: Iterable[RunRecord]) -> list[DuplicateGroup]:
    by_fp: dict[str, list[RunRecord]] = defaultdict(list)
    for run in runs:
        by_fp[run.fingerprint].append(run)
    return [
        DuplicateGroup(fp, tuple(r.id for r in group), group[0].model, group[0].dataset, group[0].seed)
        for fp, group in by_fp.items()
        if len(group) > 1
    ]


def model_label(run: RunRecord, params: Sequence[str] = ()) -> str:
    """The row label: the model, with the chosen params' values ("ElasticNet (alpha=0.5)")."""
    if not params:
        return run.model
    values = ", ".join(f"{p}={run.params.get(p, '')}" for p in params)
    return f"{run.model} ({values})"


def aggregate(
    runs: Iterable[RunRecord],
    metric: str | None = None,
    baseline: str | None = None,
    params: Sequence[str] = (),
) -> list[AggregateRow]:
    """Group by (model, dataset, split, protocol, metric) across seeds; with ``params``, runs
    that differ in those params' values are different rows."""
    groups: dict[tuple[str, str, str, str, str], list[tuple[RunRecord, float, bool]]] = defaultdict(list)
    for run in runs:
        for result in run.results:
            if metric is not None and result.metric != metric:
                continue
            key = (model_label(run, params), run.dataset, run.split, run.protocol, result.metric)
            groups[key].append((run, result.value, result.higher_is_better))
    rows: list[AggregateRow] = []
    for (model, dataset, split, protocol, met), items in groups.items():
        seen: set[str] = set()
        values: list[float] = []
        ids: list[int] = []
        duplicates = 0
        for run, value, _ in items:
            if run.fingerprint in seen:
                duplicates += 1
                continue
            seen.add(run.fingerprint)
            values.append(value)
            ids.append(run.id)
        mean, std = mean_std(values)
        hib = items[0][2]
        rows.append(
            AggregateRow(
                model=model,
                dataset=dataset,
                split=split,
                protocol=protocol,
                metric=met,
                mean=mean,
                std=std,
                n=len(values),
                higher_is_better=hib,
                sources=tuple(sorted({r.source for r, _, _ in items})),
                seeds=tuple(r.seed for r, _, _ in items),
                duplicates=duplicates,
                run_ids=tuple(ids),
            )
        )
    rows = mark_best(rows)
    if baseline is not None:
        rows = relative_to(rows, baseline)
    rows.sort(key=lambda r: (r.dataset, r.split, r.protocol, r.metric, -r.mean if r.higher_is_better else r.mean))
    return rows


def mark_best(rows: Sequence[AggregateRow]) -> list[AggregateRow]:
    """Best mean per column: (dataset, split, protocol, metric), among 2+ models only."""
    best: dict[tuple[str, str, str, str], float] = {}
    models: dict[tuple[str, str, str, str], set[str]] = defaultdict(set)
    for r in rows:
        key = (r.dataset, r.split, r.protocol, r.metric)
        models[key].add(r.model)
        cur = best.get(key)
        if cur is None or (r.mean > cur if r.higher_is_better else r.mean < cur):
            best[key] = r.mean
    from dataclasses import replace

    out = []
    for r in rows:
        key = (r.dataset, r.split, r.protocol, r.metric)
        out.append(replace(r, best=len(models[key]) > 1 and math.isclose(r.mean, best[key])))
    return out


def relative_to(rows: Sequence[AggregateRow], baseline: str) -> list[AggregateRow]:
    """Relative change (percent) of each row's mean against the baseline model's mean in the
    same column. Rows without a baseline in their column get None."""
    from dataclasses import replace

    base = {
        (r.dataset, r.split, r.protocol, r.metric): r.mean for r in rows if r.model == baseline
    }
    out = []
    for r in rows:
        b = base.get((r.dataset, r.split, r.protocol, r.metric))
        change = None if b is None or b == 0 else (r.mean - b) / abs(b) * 100.0
        out.append(replace(r, relative_change=change))
    return out


Column = tuple[str, str, str]  # (dataset, split, protocol): the cells that may be compared


def column_label(column: Column) -> str:
    """"CIFAR-10 · test", "CIFAR-10 · train · 10 epochs": the split is always visible."""
    return " · ".join(part for part in column if part)


@dataclass(frozen=True)
class Leaderboard:
    """Models × columns for one metric (the page's pivot). A column is a dataset AND a split
    and protocol: ``datasets`` holds the columns' labels (``column_label``), ``columns`` the
    same columns as (dataset, split, protocol)."""

    metric: str
    models: tuple[str, ...]
    datasets: tuple[str, ...]
    cells: dict[tuple[str, str], AggregateRow] = field(default_factory=dict)
    columns: tuple[Column, ...] = ()

    def cell(self, model: str, dataset: str) -> AggregateRow | None:
        """The cell of ``model`` in the column labelled ``dataset`` (one of ``datasets``)."""
        return self.cells.get((model, dataset))


def leaderboard(rows: Sequence[AggregateRow], metric: str) -> Leaderboard:
    picked = mark_best([r for r in rows if r.metric == metric])
    columns = tuple(sorted({(r.dataset, r.split, r.protocol) for r in picked}))
    labels = tuple(column_label(c) for c in columns)
    # models ordered by their mean value across the columns they have
    cells = {(r.model, column_label((r.dataset, r.split, r.protocol))): r for r in picked}
    hib = picked[0].higher_is_better if picked else True
    avg: dict[str, list[float]] = defaultdict(list)
    for r in picked:
        avg[r.model].append(r.mean)
    models = tuple(
        sorted(avg, key=lambda m: (-sum(avg[m]) / len(avg[m]) if hib else sum(avg[m]) / len(avg[m]), m))
    )
    return Leaderboard(metric, models, labels, cells, columns)


def ema(values: np.ndarray, weight: float) -> np.ndarray:
    """TensorBoard-style debiased exponential moving average (weight in [0, 1))."""
    import numpy as np

    if weight <= 0 or len(values) == 0:
        return np.asarray(values, dtype=float)
    weight = min(weight, 0.999)
    values = np.asarray(values, dtype=float)
    try:
        from scipy.signal import lfilter

        smoothed = np.asarray(lfilter([1 - weight], [1, -weight], values), dtype=float)
    except ImportError:
        smoothed = _ema_numpy(values, weight)
    debias = 1 - weight ** np.arange(1, len(values) + 1)
    result: np.ndarray = smoothed / debias
    return result


def _ema_numpy(values: np.ndarray, weight: float) -> np.ndarray:
    import numpy as np

    # blocked closed form: s_t = (1-w) sum_k w^(t-k) x_k, computed in chunks to stay stable
    out = np.empty_like(values)
    last = 0.0
    block = 256
    powers = weight ** np.arange(block)
    for start in range(0, len(values), block):
        chunk = values[start : start + block]
        m = len(chunk)
        p = powers[:m]
        # s_{start+i} = w^(i+1) last + (1-w) sum_{j<=i} w^(i-j) x_j
        conv = np.convolve(chunk, p)[:m]
        s = weight * p * last + (1 - weight) * conv
        out[start : start + m] = s
        last = s[-1]
    return out


def pareto_front(points: Sequence[tuple[float, float]], x_lower: bool = True, y_higher: bool = True) -> list[int]:
    """Indices of the non-dominated points (e.g. latency low, accuracy high)."""
    order = sorted(range(len(points)), key=lambda i: (points[i][0] if x_lower else -points[i][0]))
    front = []
    best_y: float | None = None
    for i in order:
        y = points[i][1] if y_higher else -points[i][1]
        if best_y is None or y > best_y:
            front.append(i)
            best_y = y
    return front
