"""Progress reporting and cooperative cancellation for long-running service calls.

Services take a ``Progress`` and call ``progress.report(...)`` now and then; each report also
checks the cancel flag, so a cancelled job stops at its next report with ``Cancelled``.
The GUI passes a Progress whose listener forwards to the status bar; the CLI passes a
``TerminalProgress`` (a bar on stderr when stderr is a terminal, nothing when it is piped) or
one that prints a line per step with --verbose. A Progress is a context manager: leaving the
``with`` block closes it (a terminal bar erases itself before the command prints its result).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, TextIO

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

    def close(self) -> None:
        """Release what shows the progress (nothing for a plain Progress)."""

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


_BAR = "{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}]"
_COUNTER = "{desc}: {n_fmt} [{elapsed}]"


class TerminalProgress(Progress):
    """A progress bar (tqdm) on ``stream`` when it is a terminal; silent otherwise.

    The bar appears at the first report, follows ``done``/``total`` (a spinner-like counter when
    the total is unknown) with the report's message as its label, and erases itself on
    ``close()`` so that the command's own output starts on a clean line.
    """

    def __init__(self, stream: TextIO, listener: Listener | None = None) -> None:
        super().__init__(self._draw)
        self._stream = stream
        self._extra = listener
        self._bar: Any = None
        self._lock = threading.Lock()
        try:
            self.enabled = stream.isatty()
        except (AttributeError, ValueError):  # a closed or unusual stream
            self.enabled = False

    def _draw(self, state: ProgressState) -> None:
        if self._extra is not None:
            self._extra(state)
        if not self.enabled:
            return
        label = state.message[:40]
        with self._lock:
            if self._bar is None:
                from tqdm import tqdm  # only when a bar is shown: the CLI starts faster

                self._bar = tqdm(
                    total=state.total or None, initial=state.done, desc=label,
                    file=self._stream, leave=False, dynamic_ncols=True, mininterval=0.1,
                    bar_format=_BAR if state.total else _COUNTER,
                )
                return
            bar = self._bar
            if (state.total or None) != bar.total or label != bar.desc:
                bar.total = state.total or None
                bar.bar_format = _BAR if state.total else _COUNTER
                bar.desc = label
                bar.n = state.done
                bar.refresh()  # a new step: show it at once
            elif state.total and state.done >= state.total:
                bar.n = state.done
                bar.refresh()  # the step is complete: show it even within 0.1 s
            else:
                bar.update(state.done - bar.n)  # redraws at most every 0.1 s

    def close(self) -> None:
        with self._lock:
            if self._bar is not None:
                self._bar.close()
                self._bar = None


def no_progress() -> Progress:
    return Progress()
