"""Peak resident memory of this process, for the benchmarks that report memory.

``resource.getrusage().ru_maxrss`` is the wrong number in a child process on Linux: a child
started with fork/vfork + exec inherits the parent's high-water mark, so a small import run by
``make bench`` (whose parent already holds hundreds of MB) reported the parent's 849 MiB. The
kernel's per-process ``VmHWM`` (/proc/self/status) starts afresh at exec and can be reset
(``/proc/self/clear_refs``), so it measures what the benchmarked call itself needed. Elsewhere
(not Linux) ``ru_maxrss`` is the fallback.
"""

from __future__ import annotations

import resource
import sys
from pathlib import Path

_STATUS = Path("/proc/self/status")


def _status_kib(key: str) -> int | None:
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def peak_bytes() -> int:
    """The highest resident set of this process since it started (or since ``reset_peak``)."""
    kib = _status_kib("VmHWM")
    if kib is None:
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return rss if sys.platform == "darwin" else rss * 1024  # macOS: bytes; others: KiB
    return kib * 1024


def current_bytes() -> int:
    kib = _status_kib("VmRSS")
    return (kib or 0) * 1024


def reset_peak() -> bool:
    """Start the high-water mark again from the current resident set (Linux); False if not."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True
