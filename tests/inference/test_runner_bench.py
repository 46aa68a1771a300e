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


def test_benchmark_reports_first_run_apart_nodes_and_gpu_memory_on_cpu(samples: Path) -> None:
    runner = ModelRunner(open_session(samples / "shapes_classifier.onnx", "cpu"))

    def feeds(batch: int) -> dict[str, np.ndarray]:
        return {"image": np.zeros((batch, 3, 32, 32), np.float32)}

    first, second = benchmark(runner, feeds, batches=(1, 2), warmup=1, runs=5)
    for r in (first, second):
        assert r.first_run_ms is not None and r.first_run_ms > 0
        assert r.nodes == (("CPUExecutionProvider", 8),)
        assert r.gpu_memory_mb is None
        assert r.gpu_memory_note == "not available: the model runs on the CPU"
    # The session's very first run (profiled, arenas allocated) is slower than a warm one.
    assert first.first_run_ms > first.p50_ms
    row = first.to_json()
    assert row["first_run_ms"] == round(first.first_run_ms, 4)
    assert row["gpu_memory_mb"] is None and row["gpu_memory"].startswith("not available")
    assert row["nodes_by_provider"] == {"CPUExecutionProvider": 8}


class _Proc:
    def __init__(self, pid: int, used: int | None) -> None:
        self.pid, self.usedGpuMemory = pid, used  # noqa: N815 (NVML's field name)


class _FakeNvml:
    """The few pynvml calls GpuMemory makes, for one GPU shared with another process."""

    def __init__(self, procs: list[_Proc], device_used: int) -> None:
        self.procs, self.device_used, self.shut = procs, device_used, False

    def nvmlInit(self) -> None:  # noqa: N802
        pass

    def nvmlDeviceGetCount(self) -> int:  # noqa: N802
        return 1

    def nvmlDeviceGetHandleByIndex(self, i: int) -> int:  # noqa: N802
        return i

    def nvmlDeviceGetComputeRunningProcesses(self, _h: int) -> list[_Proc]:  # noqa: N802
        return self.procs

    def nvmlDeviceGetMemoryInfo(self, _h: int) -> object:  # noqa: N802
        return type("Info", (), {"used": self.device_used})()

    def nvmlShutdown(self) -> None:  # noqa: N802
        self.shut = True


def test_gpu_memory_is_this_process_through_nvml(monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import sys

    from scholardesk.inference.bench import GpuMemory

    fake = _FakeNvml([_Proc(os.getpid(), 300_000_000), _Proc(1, 5_000_000_000)], 9_000_000_000)
    monkeypatch.setitem(sys.modules, "pynvml", fake)
    probe = GpuMemory.open(on_gpu=True)
    assert probe.available and probe.used_mb() == pytest.approx(300.0)
    # A driver that does not say per process (containers): the device's used memory.
    fake.procs = [_Proc(os.getpid(), None)]
    assert probe.used_mb() == pytest.approx(9000.0)
    probe.close()
    assert fake.shut
    assert GpuMemory.open(on_gpu=False).note == "not available: the model runs on the CPU"
    monkeypatch.setitem(sys.modules, "pynvml", None)  # not installed
    missing = GpuMemory.open(on_gpu=True)
    assert not missing.available and missing.used_mb() is None
    assert missing.note == "not available: NVML is not installed (pip install nvidia-ml-py)"


def test_gpu_memory_without_a_driver_is_not_available() -> None:
    pytest.importorskip("pynvml")
    import subprocess

    from scholardesk.inference.bench import GpuMemory

    if subprocess.run(["sh", "-c", "command -v nvidia-smi"], capture_output=True).returncode == 0:
        pytest.skip("this machine has an NVIDIA driver")
    probe = GpuMemory.open(on_gpu=True)
    assert not probe.available and probe.note.startswith("not available: NVML could not start")
