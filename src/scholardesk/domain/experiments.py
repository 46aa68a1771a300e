"""Experiments → runs → results and series: the frozen records every layer shares.

A *run* is one training/evaluation of a model on a dataset (split, protocol, seed, hardware,
framework, parameters) with a *source*: the user's own run, a number quoted from a paper
(``reference`` = DOI/arXiv/URL and the table it came from), a leaderboard, or a model demo
(written by the Models page). Results are (metric, value, higher_is_better); series are
training curves (metric, step, value, wall time), kept as compact ``array.array`` columns so
that millions of points stay cheap (numpy can wrap them without copying).

``NewRun`` is the public input of ``ExperimentsService.record_run`` (the Models page uses it for
benchmark/demo runs): keep its fields stable.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from scholardesk.domain.changes import EXPERIMENTS, Changes

RunSource = Literal["own", "paper", "leaderboard", "demo"]
SOURCES: tuple[str, ...] = ("own", "paper", "leaderboard", "demo")

# Metric names (lower-cased, punctuation stripped) where a smaller value is better.
_LOWER_IS_BETTER = re.compile(
    r"(loss|error|err|wer|cer|mae|mse|rmse|perplexity|ppl|latency|time|seconds|ms|fid|nll|"
    r"bpd|bits|eer|regret|distance|memory|params|flops|size)"
)


def guess_higher_is_better(metric: str) -> bool:
    """Accuracy-like metrics are better high, losses/errors/latencies low (a default the
    user can override per result)."""
    words = re.split(r"[^a-z0-9]+", metric.lower())
    return not any(_LOWER_IS_BETTER.fullmatch(w) for w in words if w)


@dataclass(frozen=True)
class ResultValue:
    metric: str
    value: float
    higher_is_better: bool = True


@dataclass(frozen=True, eq=False)
class Series:
    """One training curve: parallel columns (steps int64, values/wall times float64).

    ``wall_times`` may be empty when the source has none (NaN-free)."""

    metric: str
    steps: array[int]  # array('q')
    values: array[float]  # array('d')
    wall_times: array[float] = field(default_factory=lambda: array("d"))

    def __post_init__(self) -> None:
        if len(self.steps) != len(self.values):
            raise ValueError("steps and values differ in length")
        if len(self.wall_times) not in (0, len(self.values)):
            raise ValueError("wall_times and values differ in length")

    @classmethod
    def of(
        cls,
        metric: str,
        steps: Iterable[int],
        values: Iterable[float],
        wall_times: Iterable[float] = (),
    ) -> Series:
        return cls(metric, array("q", steps), array("d", values), array("d", wall_times))

    def __len__(self) -> int:
        return len(self.values)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Series):
            return NotImplemented
        return (
            self.metric == other.metric
            and self.steps == other.steps
            and self.values == other.values
            and self.wall_times == other.wall_times
        )

    __hash__ = None  # type: ignore[assignment]

    @property
    def last(self) -> float | None:
        return self.values[-1] if len(self.values) else None


ResultLike = ResultValue | tuple[str, float, bool] | tuple[str, float]


def _as_result(item: ResultLike) -> ResultValue:
    if isinstance(item, ResultValue):
        return item
    if len(item) == 2:
        metric, value = item
        return ResultValue(str(metric), float(value), guess_higher_is_better(str(metric)))
    metric, value, hib = item
    return ResultValue(str(metric), float(value), bool(hib))


@dataclass(frozen=True)
class NewRun:
    """A run to record. ``results`` accepts ResultValue or (metric, value[, higher_is_better]).

    Public API (used by the Models page for benchmark/demo runs): keep these fields stable.
    """

    experiment: str
    model: str
    dataset: str = ""
    split: str = ""
    protocol: str = ""
    seed: int | None = None
    hardware: str = ""
    framework: str = ""
    params: Mapping[str, str] = field(default_factory=dict)
    source: str = "own"  # "own" | "paper" | "leaderboard" | "demo"
    reference: str = ""  # DOI / arXiv id / URL (+ the table it came from)
    results: Sequence[ResultLike] = ()
    series: Sequence[Series] = ()
    name: str = ""  # the run's own label (e.g. the TensorBoard run folder); defaults to model
    notes: str = ""

    def __post_init__(self) -> None:
        if not self.experiment.strip():
            raise ValueError("a run needs an experiment name")
        if self.source not in SOURCES:
            raise ValueError(f"source must be one of {', '.join(SOURCES)}, not {self.source!r}")
        object.__setattr__(self, "results", tuple(_as_result(r) for r in self.results))
        object.__setattr__(self, "series", tuple(self.series))
        object.__setattr__(self, "params", {str(k): str(v) for k, v in self.params.items()})
        for r in self.result_values:
            if not math.isfinite(r.value):
                raise ValueError(f"result {r.metric!r} is not a finite number")

    @property
    def result_values(self) -> tuple[ResultValue, ...]:
        return tuple(self.results)  # type: ignore[arg-type]

    def fingerprint(self) -> str:
        return run_fingerprint(
            self.model, self.dataset, self.split, self.protocol, self.seed, self.hardware,
            self.framework, dict(self.params), self.source, self.reference,
            {r.metric: r.value for r in self.result_values},
        )


def run_fingerprint(
    model: str,
    dataset: str,
    split: str,
    protocol: str,
    seed: int | None,
    hardware: str,
    framework: str,
    params: Mapping[str, str],
    source: str,
    reference: str,
    results: Mapping[str, float],
) -> str:
    """Identity of "the same run entered twice": same configuration, seed and result values
    (rounded to 9 significant digits, so a CSV round trip still matches)."""
    payload = {
        "model": model.strip().casefold(),
        "dataset": dataset.strip().casefold(),
        "split": split.strip().casefold(),
        "protocol": protocol.strip().casefold(),
        "seed": seed,
        "hardware": hardware.strip().casefold(),
        "framework": framework.strip().casefold(),
        "params": dict(sorted(params.items())),
        "source": source,
        "reference": reference.strip(),
        "results": {k: float(f"{v:.9g}") for k, v in sorted(results.items())},
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()


@dataclass(frozen=True)
class Experiment:
    id: int
    name: str
    description: str
    runs: int
    is_sample: bool = False


@dataclass(frozen=True)
class RunRecord:
    """A stored run with its results (series are loaded separately: they can be large)."""

    id: int
    experiment: str
    name: str
    model: str
    dataset: str
    split: str
    protocol: str
    seed: int | None
    hardware: str
    framework: str
    params: Mapping[str, str]
    source: str
    reference: str
    results: tuple[ResultValue, ...]
    fingerprint: str
    series_metrics: tuple[str, ...] = ()
    notes: str = ""
    is_sample: bool = False

    def value(self, metric: str) -> float | None:
        for r in self.results:
            if r.metric == metric:
                return r.value
        return None

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "experiment": self.experiment,
            "name": self.name,
            "model": self.model,
            "dataset": self.dataset,
            "split": self.split,
            "protocol": self.protocol,
            "seed": self.seed,
            "hardware": self.hardware,
            "framework": self.framework,
            "params": dict(self.params),
            "source": self.source,
            "reference": self.reference,
            "results": {r.metric: r.value for r in self.results},
            "series": list(self.series_metrics),
        }


@dataclass(frozen=True)
class SeriesRecord:
    run_id: int
    run_name: str
    model: str
    series: Series
    seed: int | None = None


@dataclass(frozen=True)
class ScatterPoint:
    """One run in a metric-vs-parameter/latency view (the Pareto plot)."""

    run_id: int
    experiment: str
    model: str
    source: str
    x: float
    y: float


@dataclass(frozen=True)
class ParsedSource:
    """What a file parser hands to the service: runs plus the records it could not read.

    ``key`` names the source (a file or a run folder) and ``content_hash`` its bytes, so a
    re-import of unchanged content is skipped."""

    key: str
    content_hash: str
    kind: str
    runs: tuple[NewRun, ...]
    errors: tuple[tuple[str, str], ...] = ()  # (record, message)


@dataclass
class ExperimentImportReport:
    """Result of ``experiments import``: counts + errors (the CLI's JSON shape)."""

    experiment: str
    runs: int = 0
    results: int = 0
    series_points: int = 0
    skipped_sources: int = 0
    duplicates: int = 0
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # (source, record, message)

    @property
    def changes(self) -> Changes:
        return Changes.of(EXPERIMENTS) if self.runs else Changes()

    def to_json(self) -> dict[str, object]:
        return {
            "experiment": self.experiment,
            "runs": self.runs,
            "results": self.results,
            "series_points": self.series_points,
            "skipped_sources": self.skipped_sources,
            "duplicates": self.duplicates,
            "errors": [{"source": s, "record": r, "message": m} for s, r, m in self.errors],
        }
