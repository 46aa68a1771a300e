"""The one way to run background work from the GUI.

    Task(fn).with_progress(tr("Importing…")).on_success(show).start()

``fn`` receives a ``Progress`` (report + cancel) and runs on a worker thread: database jobs on a
single-worker executor (SQLite has one writer), network and inference jobs (``kind="io"``) on a
small pool. Callbacks run on the GUI thread. Failures show an error dialog by default; a
``Cancelled`` job is silent. A result that carries ``changes`` (or is a ``Changes``) is broadcast
through ``TaskRunner.changes_applied`` so that views refresh. Worker code never touches widgets.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, QTimer, Signal

from scholardesk.core.errors import Cancelled
from scholardesk.core.progress import Progress, ProgressState
from scholardesk.domain.changes import Changes

logger = logging.getLogger(__name__)

T = TypeVar("T")

PROGRESS_DELAY_MS = 500  # progress UI appears only for jobs that take longer than this
PROGRESS_THROTTLE_S = 0.1


class TaskRunner(QObject):
    """Owns the executors; lives on the GUI thread."""

    task_started = Signal(object)  # Task
    task_progress = Signal(object, object)  # Task, ProgressState
    task_visible = Signal(object)  # Task that has run longer than PROGRESS_DELAY_MS
    task_finished = Signal(object)  # Task
    changes_applied = Signal(object)  # Changes
    _done = Signal(object, object, object)  # Task, result, exception

    _default: TaskRunner | None = None

    def __init__(self, parent: QObject | None = None, io_workers: int = 4) -> None:
        super().__init__(parent)
        self._db_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sd-db")
        self._io_pool = ThreadPoolExecutor(max_workers=io_workers, thread_name_prefix="sd-io")
        self.active: dict[int, Task[Any]] = {}
        self._done.connect(self._finish)

    @classmethod
    def default(cls) -> TaskRunner:
        if cls._default is None:
            cls._default = TaskRunner()
        return cls._default

    @classmethod
    def set_default(cls, runner: TaskRunner | None) -> None:
        cls._default = runner

    def submit(self, task: Task[Any]) -> Future[Any]:
        self.active[task.id] = task
        self.task_started.emit(task)
        if task.label:
            QTimer.singleShot(PROGRESS_DELAY_MS, lambda: self._maybe_show(task))
        pool = self._db_pool if task.kind == "db" else self._io_pool
        return pool.submit(self._run, task)

    def _maybe_show(self, task: Task[Any]) -> None:
        if task.id in self.active:
            task.visible = True
            self.task_visible.emit(task)

    def _run(self, task: Task[Any]) -> None:
        # Worker thread: never touch widgets here; signals are queued to the GUI thread.
        try:
            result = task.fn(task.progress)
        except BaseException as exc:  # delivered to the GUI thread's failure handler
            self._done.emit(task, None, exc)
        else:
            self._done.emit(task, result, None)

    def _finish(self, task: Task[Any], result: object, exc: BaseException | None) -> None:
        self.active.pop(task.id, None)
        self.task_finished.emit(task)
        if exc is not None:
            task._fail(exc)
            return
        changes = result if isinstance(result, Changes) else getattr(result, "changes", None)
        if isinstance(changes, Changes) and changes:
            self.changes_applied.emit(changes)
        if task.success_cb is not None:
            try:
                task.success_cb(result)
            except Exception as cb_exc:  # a broken view callback must not kill the app
                logger.exception("Task callback for %r failed", task.label)
                task._fail(cb_exc)

    def cancel_all(self) -> None:
        for task in list(self.active.values()):
            task.cancel()

    def wait_idle(self, timeout_s: float = 30.0) -> bool:
        """Process events until no task is running (screenshots, tests, shutdown)."""
        deadline = time.monotonic() + timeout_s
        app = QCoreApplication.instance()
        while self.active and time.monotonic() < deadline:
            if app is not None:
                app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            time.sleep(0.005)
        if app is not None:
            app.processEvents()
        return not self.active

    def shutdown(self) -> None:
        self.cancel_all()
        self._db_pool.shutdown(wait=True, cancel_futures=True)
        self._io_pool.shutdown(wait=True, cancel_futures=True)


_ids = itertools.count(1)


class Task(Generic[T]):
    """One background job, configured by chaining and started with ``start()``."""

    def __init__(
        self, fn: Callable[[Progress], T], kind: str = "db", runner: TaskRunner | None = None
    ) -> None:
        if kind not in ("db", "io"):
            raise ValueError(f"unknown task kind {kind!r}")
        self.id = next(_ids)
        self.fn = fn
        self.kind = kind
        self.label = ""
        self.visible = False
        self.success_cb: Callable[[T], None] | None = None
        self.failure_cb: Callable[[BaseException], None] | None = None
        self._runner = runner
        self._last_emit = 0.0
        self.progress = Progress(self._on_progress)

    def with_progress(self, label: str) -> Task[T]:
        self.label = label
        return self

    def on_success(self, callback: Callable[[T], None]) -> Task[T]:
        self.success_cb = callback
        return self

    def on_failure(self, callback: Callable[[BaseException], None]) -> Task[T]:
        self.failure_cb = callback
        return self

    @property
    def runner(self) -> TaskRunner:
        return self._runner or TaskRunner.default()

    def start(self) -> Task[T]:
        self.runner.submit(self)
        return self

    def cancel(self) -> None:
        self.progress.cancel()

    def _on_progress(self, state: ProgressState) -> None:
        now = time.monotonic()
        if now - self._last_emit >= PROGRESS_THROTTLE_S:
            self._last_emit = now
            self.runner.task_progress.emit(self, state)

    def _fail(self, exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            logger.info("Task %r cancelled", self.label)
            return
        if self.failure_cb is not None:
            self.failure_cb(exc)
            return
        from scholardesk.gui.errors import show_error

        show_error(None, exc, title=self.label or None)
