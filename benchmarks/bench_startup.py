"""Cold start to a window showing rows: `scholardesk` on a library with the sample papers,
timed from process spawn until the Papers table has painted its first rows (median of 5)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def time_to_rows(home: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "startup_rows_probe.py"), str(home)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - started
    proc.wait(timeout=60)
    if not line.startswith("rows"):
        raise RuntimeError(f"the window never showed rows ({line!r})")
    return elapsed


def run() -> list[dict[str, object]]:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    home = Path(tempfile.mkdtemp(prefix="sd-bench-rows-"))
    time_to_rows(home, env)  # first start: creates + migrates the library, loads the samples
    starts = sorted(time_to_rows(home, env) for _ in range(5))
    return [{
        "benchmark": f"cold start to the Papers table showing rows (median of 5; "
                     f"min {starts[0]:.2f} s, max {starts[-1]:.2f} s)",
        "value": statistics.median(starts),
        "unit": "s",
        "target": "< 2 s",
    }]


if __name__ == "__main__":
    for row in run():
        print(f"{row['benchmark']}: {row['value']:.3f} {row['unit']}")
