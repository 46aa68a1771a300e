"""Benchmarking one session: warm-up, N timed runs per batch size, latency percentiles,
throughput and peak memory. Cancellable between iterations through ``Progress``."""

from __future__ import annotations

import logging
import os
import resource
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Self

from scholardesk.core.errors import InputError
from scholardesk.core.progress import Progress
from scholardesk.domain.models import BenchResult
from scholardesk.inference.runner import ModelRunner

logger = logging.getLogger(__name__)

FeedMaker = Callable[[int], Mapping[str, Any]]


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (numpy's default) of already sorted values."""
    if not sorted_values:
        return float("nan")
    pos = (len(sorted_values) - 1) * q / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def _rss_mb() -> float:
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            pages = int(fh.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 1e6
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


class GpuMemory:
    """This process's GPU memory through NVML (the ``nvidia-ml-py`` package, module ``pynvml``).

    ``open()`` never fails: without the module, without a driver, or for a CPU session the
    probe is unavailable and ``note`` says why."""

    def __init__(self, nvml: Any = None, handles: Sequence[Any] = (), note: str = "") -> None:
        self._nvml = nvml
        self._handles = list(handles)
        self.note = note
        self._pid = os.getpid()

    @property
    def available(self) -> bool:
        return self._nvml is not None

    @classmethod
    def open(cls, on_gpu: bool = True) -> GpuMemory:
        if not on_gpu:
            return cls(note="not available: the model runs on the CPU")
        try:
            import pynvml
        except ImportError:
            return cls(note="not available: NVML is not installed (pip install nvidia-ml-py)")
        try:
            pynvml.nvmlInit()
            handles = [pynvml.nvmlDeviceGetHandleByIndex(i)
                       for i in range(pynvml.nvmlDeviceGetCount())]
        except Exception as exc:  # pynvml.NVMLError and its many subclasses  # noqa: BLE001
            return cls(note=f"not available: NVML could not start ({exc})")
        if not handles:
            return cls(note="not available: NVML sees no GPU")
        return cls(pynvml, handles)

    def used_mb(self) -> float | None:
        """GPU memory this process holds (all GPUs); the device's used memory where the driver
        does not tell per process (some containers)."""
        if self._nvml is None:
            return None
        total = 0
        found = False
        try:
            for handle in self._handles:
                for proc in self._nvml.nvmlDeviceGetComputeRunningProcesses(handle):
                    if proc.pid == self._pid and proc.usedGpuMemory is not None:
                        total += int(proc.usedGpuMemory)
                        found = True
            if not found:
                total = sum(int(self._nvml.nvmlDeviceGetMemoryInfo(h).used) for h in self._handles)
        except Exception as exc:  # noqa: BLE001 (NVMLError)
            logger.debug("NVML query failed: %s", exc)
            return None
        return total / 1e6

    def close(self) -> None:
        if self._nvml is not None:
            try:
                self._nvml.nvmlShutdown()
            except Exception as exc:  # noqa: BLE001
                logger.debug("nvmlShutdown failed: %s", exc)
            self._nvml = None


class PeakMemory:
    """Samples the process's resident memory (Linux /proc) and, with a ``GpuMemory`` probe,
    its GPU memory in a background thread."""

    def __init__(self, interval_s: float = 0.005, gpu: GpuMemory | None = None) -> None:
        self.interval_s = interval_s
        self.peak_mb = 0.0
        self.gpu = gpu if gpu is not None and gpu.available else None
        self.gpu_peak_mb: float | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="sd-peakmem", daemon=True)

    def _sample(self) -> None:
        self.peak_mb = max(self.peak_mb, _rss_mb())
        if self.gpu is not None:
            used = self.gpu.used_mb()
            if used is not None:
                self.gpu_peak_mb = max(self.gpu_peak_mb or 0.0, used)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval_s)

    def __enter__(self) -> Self:
        self.peak_mb = _rss_mb()
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()


def benchmark(
    runner: ModelRunner,
    make_feeds: FeedMaker,
    batches: Sequence[int] = (1,),
    warmup: int = 10,
    runs: int = 100,
    progress: Progress | None = None,
) -> list[BenchResult]:
    if runs < 1:
        raise InputError("The number of timed runs must be at least 1.")
    if warmup < 0:
        raise InputError("The number of warm-up runs cannot be negative.")
    progress = progress or Progress()
    total = len(batches) * (warmup + runs)
    done = 0
    results: list[BenchResult] = []
    gpu = GpuMemory.open(runner.report.on_gpu)
    try:
        for batch in batches:
            results.append(_one_batch(runner, make_feeds, batch, warmup, runs, progress, gpu,
                                      done, total))
            done += warmup + runs
    finally:
        gpu.close()
    progress.report(total, total, "done")
    return results


def _one_batch(
    runner: ModelRunner, make_feeds: FeedMaker, batch: int, warmup: int, runs: int,
    progress: Progress, gpu: GpuMemory, done: int, total: int,
) -> BenchResult:
    run = runner.session.run
    feeds = dict(make_feeds(batch))
    # The first run at this batch size, timed apart from the warm runs (on a fresh session it
    # also ends the profile saying which provider ran which node); it checks the feeds once,
    # with a clear message if they do not fit.
    start = time.perf_counter()
    runner.run(feeds)
    first_ms = (time.perf_counter() - start) * 1000.0
    timings: list[float] = []
    with PeakMemory(gpu=gpu) as memory:
        for _ in range(warmup):
            progress.check()
            run(None, feeds)
            done += 1
        progress.report(done, total, f"batch {batch}: timing {runs} runs")
        clock = time.perf_counter
        for i in range(runs):
            progress.check()
            start = clock()
            run(None, feeds)
            timings.append((clock() - start) * 1000.0)
            done += 1
            if i % 20 == 19:
                progress.report(done, total)
    timings.sort()
    mean = sum(timings) / len(timings)
    report = runner.report
    return BenchResult(
        provider_requested=report.requested,
        providers_used=report.used,
        device=report.device,
        batch=batch,
        warmup=warmup,
        runs=runs,
        p50_ms=percentile(timings, 50),
        p90_ms=percentile(timings, 90),
        p99_ms=percentile(timings, 99),
        mean_ms=mean,
        throughput_per_s=batch * 1000.0 / mean if mean > 0 else float("inf"),
        peak_memory_mb=memory.peak_mb,
        notes=report.notes,
        first_run_ms=first_ms,
        gpu_memory_mb=memory.gpu_peak_mb,
        gpu_memory_note="" if memory.gpu_peak_mb is not None else (gpu.note or "not available"),
        nodes=report.nodes,
    )
