"""Cold start to the main window, and the import cost of the services layer."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _time(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, capture_output=True, timeout=120)
    return time.perf_counter() - started


def run() -> list[dict[str, object]]:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    home = Path(tempfile.mkdtemp(prefix="sd-bench-"))
    probe = [sys.executable, str(HERE / "startup_probe.py"), str(home)]
    _time(probe, env)  # first start creates + migrates the library and loads the samples
    starts = [_time(probe, env) for _ in range(5)]
    imports = [
        _time([sys.executable, "-c", "import scholardesk.services, scholardesk.services.context"], env)
        for _ in range(5)
    ]
    cli_help = [_time([sys.executable, "-m", "scholardesk", "--version"], env) for _ in range(5)]
    baseline = [_time([sys.executable, "-c", "pass"], env) for _ in range(5)]
    import_cost = statistics.median(imports) - statistics.median(baseline)
    return [
        {
            "benchmark": "cold start to main window shown (median of 5)",
            "value": statistics.median(starts),
            "unit": "s",
            "target": "< 2 s",
        },
        {
            "benchmark": "import scholardesk.services (no Qt), over bare interpreter",
            "value": import_cost,
            "unit": "s",
            "target": "< 0.3 s",
        },
        {
            "benchmark": "`scholardesk --version` wall time",
            "value": statistics.median(cli_help),
            "unit": "s",
            "target": "fast CLI",
        },
    ]
