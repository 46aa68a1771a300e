"""Cyclic garbage is collected on the GUI thread only (never inside a worker thread)."""

from __future__ import annotations

import gc
import threading
from typing import Any

from scholardesk.gui.gc_guard import MainThreadGarbageCollector


def test_collection_happens_on_the_gui_thread(qapp: Any) -> None:
    collector = MainThreadGarbageCollector()
    try:
        assert not gc.isenabled()
        threads: list[threading.Thread] = []

        def note(phase: str, info: dict[str, int]) -> None:
            if phase == "start":
                threads.append(threading.current_thread())

        gc.callbacks.append(note)
        try:
            for _ in range(collector.threshold[0] + 10):  # enough garbage to make a collection due
                a: list[object] = []
                a.append(a)
            collector.check()
        finally:
            gc.callbacks.remove(note)
        assert threads and all(t is threading.main_thread() for t in threads)
    finally:
        collector.stop()
        gc.disable()  # the test suite's own setting (tests/conftest.py)
