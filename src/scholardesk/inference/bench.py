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


class PeakMemory:
    """Samples the process's resident memory in a background thread (Linux /proc)."""

    def __init__(self, interval_s: float = 0.005) -> None:
        self.interval_s = interval_s
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="sd-peakmem", daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.peak_mb = max(self.peak_mb, _rss_mb())
            self._stop.wait(self.interval_s)

    def __enter__(self) -> Self:
        self.peak_mb = _rss_mb()
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_mb = max(self.peak_mb, _rss_mb())


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
    run = runner.session.run
    for batch in batches:
        feeds = dict(make_feeds(batch))
        runner.run(feeds)  # checks the feeds once, with a clear message if they do not fit
        timings: list[float] = []
        with PeakMemory() as memory:
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
        results.append(
            BenchResult(
                provider_requested=runner.report.requested,
                providers_used=runner.report.used,
                device=runner.report.device,
                batch=batch,
                warmup=warmup,
                runs=runs,
                p50_ms=percentile(timings, 50),
                p90_ms=percentile(timings, 90),
                p99_ms=percentile(timings, 99),
                mean_ms=mean,
                throughput_per_s=batch * 1000.0 / mean if mean > 0 else float("inf"),
                peak_memory_mb=memory.peak_mb,
                notes=runner.report.notes,
            )
        )
    progress.report(total, total, "done")
    return results
