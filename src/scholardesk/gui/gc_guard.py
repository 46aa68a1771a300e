"""Python's cyclic garbage collector runs only on the GUI thread.

With automatic collection, whichever thread happens to trigger a collection destroys the Qt
objects found in unreachable cycles (e.g. a closed page whose lambdas refer back to it). When
that is a worker thread, the QObject destructor runs off the GUI thread and can deadlock with
the GUI thread on Qt's internal mutexes (seen: a db worker in gc_collect_main → ~QObject waiting
on the GIL while the GUI thread destroyed widgets). So: automatic collection off, and a timer on
the GUI thread collects when the allocation counters say a collection is due.
"""

from __future__ import annotations

import gc
import logging

from PySide6.QtCore import QObject, QTimer

logger = logging.getLogger(__name__)

INTERVAL_MS = 500


class MainThreadGarbageCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(INTERVAL_MS)

    def check(self) -> None:
        """Collect the generations whose thresholds were passed (what automatic gc would do)."""
        counts = gc.get_count()
        if counts[0] <= self.threshold[0]:
            return
        generation = 0
        if counts[1] > self.threshold[1]:
            generation = 2 if counts[2] > self.threshold[2] else 1
        gc.collect(generation)

    def stop(self) -> None:
        self.timer.stop()
        gc.enable()


_installed: MainThreadGarbageCollector | None = None


def install(parent: QObject) -> MainThreadGarbageCollector:
    """Idempotent: one collector per process, owned by the QApplication."""
    global _installed
    if _installed is None:
        _installed = MainThreadGarbageCollector(parent)
    return _installed
