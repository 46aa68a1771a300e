"""Status-bar widget: the running background jobs, their progress and a cancel button."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from scholardesk.core.i18n import tr
from scholardesk.core.progress import ProgressState
from scholardesk.gui.tasks import Task, TaskRunner


class TaskStatusWidget(QWidget):
    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(180)
        self.bar.setTextVisible(False)
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.clicked.connect(self._cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self._visible: dict[int, Task[Any]] = {}
        runner.task_visible.connect(self._show)
        runner.task_progress.connect(self._progress)
        runner.task_finished.connect(self._finished)
        self.setVisible(False)

    def _show(self, task: Task[Any]) -> None:
        self._visible[task.id] = task
        self._render(task, task.progress.state)

    def _progress(self, task: Task[Any], state: ProgressState) -> None:
        if task.id in self._visible:
            self._render(task, state)

    def _render(self, task: Task[Any], state: ProgressState) -> None:
        more = len(self._visible) - 1
        text = task.label + (f" — {state.message}" if state.message else "")
        if more > 0:
            text += " " + tr("(+{n} more)", n=more)
        self.label.setText(text)
        if state.total:
            self.bar.setRange(0, state.total)
            self.bar.setValue(min(state.done, state.total))
        else:
            self.bar.setRange(0, 0)  # busy indicator
        self.setVisible(True)

    def _finished(self, task: Task[Any]) -> None:
        self._visible.pop(task.id, None)
        if self._visible:
            latest = next(reversed(self._visible.values()))
            self._render(latest, latest.progress.state)
        else:
            self.setVisible(False)

    def _cancel(self) -> None:
        for task in list(self._visible.values()):
            task.cancel()
