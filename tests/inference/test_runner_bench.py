"""The runner's clear messages for wrong inputs, and the benchmark's statistics and cancel."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from scholardesk.core.errors import Cancelled, InputError
from scholardesk.core.progress import Progress
from scholardesk.inference.bench import benchmark, percentile
from scholardesk.inference.runner import ModelRunner
from scholardesk.inference.session_cache import open_session


@pytest.fixture
def shapes(samples: Path) -> ModelRunner:
    return ModelRunner(open_session(samples / "shapes_classifier.onnx", "cpu"))


def test_wrong_shape_and_dtype_are_named(shapes: ModelRunner) -> None:
    with pytest.raises(InputError, match=r"'image' must have shape \[batch, 3, 32, 32\].*\[1, 3, 30, 32\]"):
        shapes.run({"image": np.zeros((1, 3, 30, 32), np.float32)})
    with pytest.raises(InputError, match="'image' must be float32, but float64 was given"):
        shapes.run({"image": np.zeros((1, 3, 32, 32))})
    with pytest.raises(InputError, match="4 dimensions"):
        shapes.run({"image": np.zeros((3, 32, 32), np.float32)})
    with pytest.raises(InputError, match="no input named pixels"):
        shapes.run({"pixels": np.zeros((1, 3, 32, 32), np.float32)})


def test_percentile_matches_numpy() -> None:
    values = sorted(np.random.default_rng(1).random(101).tolist())
    for q in (50, 90, 99):
        assert percentile(values, q) == pytest.approx(float(np.percentile(values, q)))


def test_benchmark_batches(shapes: ModelRunner) -> None:
    def feeds(batch: int) -> dict[str, np.ndarray]:
        return {"image": np.zeros((batch, 3, 32, 32), np.float32)}

    results = benchmark(shapes, feeds, batches=(1, 4), warmup=2, runs=15)
    assert [r.batch for r in results] == [1, 4]
    for r in results:
        assert 0 < r.p50_ms <= r.p90_ms <= r.p99_ms
        assert r.throughput_per_s == pytest.approx(r.batch * 1000 / r.mean_ms)
        assert r.peak_memory_mb > 10
        assert r.providers_used == ("CPUExecutionProvider",) and r.runs == 15


def test_benchmark_cancels_between_iterations(shapes: ModelRunner) -> None:
    progress = Progress()
    calls = {"n": 0}

    def feeds(batch: int) -> dict[str, np.ndarray]:
        calls["n"] += 1
        progress.cancel()
        return {"image": np.zeros((batch, 3, 32, 32), np.float32)}

    with pytest.raises(Cancelled):
        benchmark(shapes, feeds, batches=(1, 2), warmup=1, runs=1000, progress=progress)
    assert calls["n"] == 1
