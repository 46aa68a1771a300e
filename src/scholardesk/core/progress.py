"""Progress reporting and cooperative cancellation for long-running service calls.

Services take a ``Progress`` and call ``progress.report(...)`` now and then; each report also
checks the cancel flag, so a cancelled job stops at its next report with ``Cancelled``.
The GUI passes a Progress whose listener forwards to the status bar; the CLI passes one that
prints nothing (or a line per step with --verbose).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from scholardesk.core.errors import Cancelled


@dataclass(frozen=True)
class ProgressState:
    done: int
    total: int | None
    message: str

    @property
    def fraction(self) -> float | None:
        if not self.total:
            return None
        return min(1.0, self.done / self.total)


Listener = Callable[[ProgressState], None]


class Progress:
    """Thread-safe progress + cancel token. Listeners are called from the worker thread."""

    def __init__(self, listener: Listener | None = None) -> None:
        self._listener = listener
        self._cancel = threading.Event()
        self.state = ProgressState(0, None, "")

    def report(self, done: int, total: int | None = None, message: str = "") -> None:
        self.check()
        self.state = ProgressState(done, total, message or self.state.message)
        if self._listener is not None:
            self._listener(self.state)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise ``Cancelled`` if the user asked to stop."""
        if self._cancel.is_set():
            raise Cancelled()

    def wait(self, seconds: float) -> None:
        """Sleep, waking early (and raising) when cancelled. Used by polite network pacing."""
        if self._cancel.wait(seconds):
            raise Cancelled()


def no_progress() -> Progress:
    return Progress()
