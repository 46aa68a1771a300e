"""Task: background work with callbacks on the GUI thread, errors and cancellation."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from scholardesk.core.errors import Cancelled, InputError
from scholardesk.core.progress import Progress
from scholardesk.domain.changes import PAPERS, Changes
from scholardesk.gui.tasks import Task, TaskRunner


@pytest.fixture
def runner(qapp: Any) -> Iterator[TaskRunner]:
    r = TaskRunner()
    yield r
    r.shutdown()


def test_work_runs_off_the_gui_thread_and_the_callback_on_it(runner: TaskRunner) -> None:
    seen: dict[str, Any] = {}

    def work(progress: Progress) -> int:
        seen["worker"] = threading.current_thread()
        return 42

    def done(value: int) -> None:
        seen["value"] = value
        seen["callback"] = threading.current_thread()

    Task(work, runner=runner).on_success(done).start()
    assert runner.wait_idle(5)
    assert seen["value"] == 42
    assert seen["worker"] is not threading.main_thread()
    assert seen["callback"] is threading.main_thread()


def test_failures_reach_the_failure_handler(runner: TaskRunner) -> None:
    errors: list[BaseException] = []

    def work(_p: Progress) -> None:
        raise InputError("bad file x.bib")

    Task(work, runner=runner).on_failure(errors.append).start()
    runner.wait_idle(5)
    assert [str(e) for e in errors] == ["bad file x.bib"]


def test_a_cancelled_task_is_silent(runner: TaskRunner) -> None:
    errors: list[BaseException] = []
    results: list[object] = []

    def work(progress: Progress) -> None:
        for i in range(1000):
            progress.report(i, 1000)
            time.sleep(0.005)

    task = Task(work, runner=runner).on_success(results.append).on_failure(errors.append).start()
    time.sleep(0.05)
    task.cancel()
    runner.wait_idle(5)
    assert errors == [] and results == []


def test_cancel_surfaces_as_cancelled_inside_the_worker(runner: TaskRunner) -> None:
    raised: list[type] = []

    def work(progress: Progress) -> None:
        try:
            while True:
                progress.wait(0.01)
        except Cancelled:
            raised.append(Cancelled)
            raise

    task = Task(work, kind="io", runner=runner).start()
    time.sleep(0.05)
    runner.cancel_all()
    runner.wait_idle(5)
    assert raised == [Cancelled] and task.progress.cancelled


def test_results_with_changes_refresh_views(runner: TaskRunner, qtbot: Any) -> None:
    class Result:
        changes = Changes.of(PAPERS)

    with qtbot.waitSignal(runner.changes_applied, timeout=5000) as signal:
        Task(lambda _p: Result(), runner=runner).start()
    assert signal.args[0].touches(PAPERS)


def test_database_jobs_run_one_at_a_time(runner: TaskRunner) -> None:
    active = []
    overlap = []

    def work(_p: Progress) -> None:
        active.append(1)
        overlap.append(len(active))
        time.sleep(0.02)
        active.pop()

    for _ in range(5):
        Task(work, kind="db", runner=runner).start()
    runner.wait_idle(5)
    assert max(overlap) == 1


def test_progress_shows_only_for_long_jobs(runner: TaskRunner, qtbot: Any) -> None:
    shown: list[object] = []
    runner.task_visible.connect(shown.append)
    Task(lambda _p: None, runner=runner).with_progress("quick").start()
    runner.wait_idle(5)
    qtbot.wait(600)
    assert shown == []
    Task(lambda p: p.wait(0.8), runner=runner).with_progress("slow").start()
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=3000)
    runner.wait_idle(5)
