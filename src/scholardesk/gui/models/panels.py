"""The three panels of the Models page: inspector, task demo, benchmark.

Each panel shows immutable results computed by ModelsService in a Task (never on the GUI
thread); Run/Bench can be cancelled between iterations.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from scholardesk.core.i18n import tr
from scholardesk.domain.models import (
    ASR,
    GENERIC,
    TEXT_CLASSIFICATION,
    VAD,
    BenchResult,
    ModelArtifact,
    ModelInfo,
    RunResult,
    parse_batches,
)
from scholardesk.gui.models.plots import BenchPlot, TopKPlot, WaveformPlot
from scholardesk.gui.models.table_model import human_count, task_title
from scholardesk.gui.tasks import Task
from scholardesk.services.context import Services

logger = logging.getLogger(__name__)


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    table.setAlternatingRowColors(True)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(value))


def providers_text(used: tuple[str, ...]) -> str:
    return ", ".join(p.replace("ExecutionProvider", "") for p in used) or "?"


class InspectorPanel(QWidget):
    """A small Netron-like view: signature, operators, largest initializers, metadata."""

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.summary = QLabel(tr("Select a model to inspect it."))
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary)
        self.tabs = QTabWidget()
        self.signature = _table([tr("Kind"), tr("Name"), tr("Type"), tr("Shape")])
        self.operators = _table([tr("Operator"), tr("Count")])
        self.initializers = _table([tr("Initializer"), tr("Type"), tr("Shape"), tr("Size")])
        self.metadata = _table([tr("Key"), tr("Value")])
        self.tabs.addTab(self.signature, tr("Inputs and outputs"))
        self.tabs.addTab(self.operators, tr("Operators"))
        self.tabs.addTab(self.initializers, tr("Largest initializers"))
        self.tabs.addTab(self.metadata, tr("Metadata"))
        layout.addWidget(self.tabs)

    def show_info(self, model: ModelArtifact, info: ModelInfo) -> None:
        external = (
            tr(" · external data: {files}", files=", ".join(info.external_data_files))
            if info.external_data_files else ""
        )
        self.summary.setText(
            tr(
                "<b>{name}</b> · {task} · opset {opset} (IR {ir}) · {producer} · "
                "{params} parameters · {nodes} nodes{external}<br><small>{path}<br>sha256 {sha}</small>",
                name=model.name, task=task_title(model.task), opset=info.opset,
                ir=info.ir_version, producer=(info.producer + " " + info.producer_version).strip() or "?",
                params=human_count(info.parameters), nodes=info.node_count, external=external,
                path=model.path, sha=model.sha256[:16] + "…",
            )
        )
        rows = [[tr("input"), t.name, t.dtype, t.shape_text()] for t in info.inputs]
        rows += [[tr("output"), t.name, t.dtype, t.shape_text()] for t in info.outputs]
        _fill(self.signature, rows)
        _fill(self.operators, [[op, str(n)] for op, n in info.op_counts])
        _fill(
            self.initializers,
            [[i.name, i.dtype, str(list(i.shape)), f"{i.size_bytes / 1024:.1f} KiB"]
             for i in info.largest_initializers],
        )
        meta = list(info.metadata)
        if model.labels:
            meta.append((tr("labels"), ", ".join(model.labels[:20])))
        _fill(self.metadata, [[k, v[:300]] for k, v in meta])

    def clear(self) -> None:
        self.summary.setText(tr("Select a model to inspect it."))
        for table in (self.signature, self.operators, self.initializers, self.metadata):
            table.setRowCount(0)


class _RunningPanel(QWidget):
    """What the demo and benchmark panels share: one cancellable task, a status line."""

    failure_text = ""
    failure_title = ""
    run_button: QPushButton
    cancel_button: QPushButton
    status: QLabel
    model: ModelArtifact | None
    task: Task[Any] | None

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self._idle()
            self.status.setText(tr("Cancelled."))

    def _idle(self) -> None:
        self.run_button.setEnabled(self.model is not None)
        self.cancel_button.setEnabled(False)
        self.task = None

    def _failed(self, exc: BaseException) -> None:
        from scholardesk.core.errors import Cancelled, ScholarDeskError
        from scholardesk.gui.errors import show_error

        self._idle()
        if isinstance(exc, Cancelled):
            return
        self.status.setText(str(exc) if isinstance(exc, ScholarDeskError) else tr(self.failure_text))
        show_error(self, exc, title=tr(self.failure_title))


class DemoPanel(_RunningPanel):
    """Run the model's task on a file: top-k bars, speech segments, transcript, outputs."""

    finished = Signal(object)  # RunResult
    failure_text = "The run failed."  # translated in _RunningPanel._failed
    failure_title = "Run"

    def __init__(self, services: Services, provider: Callable[[], str]) -> None:
        super().__init__()
        self.services = services
        self.provider = provider
        self.model: ModelArtifact | None = None
        self.task: Task[RunResult] | None = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        row = QHBoxLayout()
        self.input_edit = QLineEdit()
        self.input_edit.setPlaceholderText(tr("Image, WAV, text or .npy file (empty: random input)"))
        browse = QPushButton(tr("Browse…"))
        browse.clicked.connect(self._browse)
        row.addWidget(self.input_edit, 1)
        row.addWidget(browse)
        form.addRow(tr("Input:"), row)
        self.text_edit = QPlainTextEdit()
        self.text_edit.setPlaceholderText(tr("…or type the text to classify here"))
        self.text_edit.setMaximumHeight(60)
        self.text_label = QLabel(tr("Text:"))
        form.addRow(self.text_label, self.text_edit)
        self.reference_edit = QLineEdit()
        self.reference_edit.setPlaceholderText(tr("Reference transcript for WER/CER (optional)"))
        self.reference_label = QLabel(tr("Reference:"))
        form.addRow(self.reference_label, self.reference_edit)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        self.run_button = QPushButton(tr("Run"))
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.run)
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.save_box = QCheckBox(tr("Save to Experiments"))
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_box)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.views = QStackedWidget()
        self.topk = TopKPlot()
        self.waveform = WaveformPlot()
        self.transcript = QLabel("")
        self.transcript.setWordWrap(True)
        self.transcript.setStyleSheet("font-size: 15px;")
        asr_box = QWidget()
        asr_layout = QVBoxLayout(asr_box)
        asr_layout.setContentsMargins(0, 0, 0, 0)
        asr_layout.addWidget(self.transcript)
        self.asr_wave = WaveformPlot()
        asr_layout.addWidget(self.asr_wave.widget, 1)
        self.outputs = _table([tr("Output"), tr("Type"), tr("Shape")])
        for view in (self.topk.widget, self.waveform.widget, asr_box, self.outputs):
            self.views.addWidget(view)
        layout.addWidget(self.views, 1)
        self.set_model(None)

    def set_model(self, model: ModelArtifact | None) -> None:
        self.model = model
        self.run_button.setEnabled(model is not None)
        task = model.task if model else GENERIC
        is_text = task == TEXT_CLASSIFICATION
        self.text_edit.setVisible(is_text)
        self.text_label.setVisible(is_text)
        self.reference_edit.setVisible(task == ASR)
        self.reference_label.setVisible(task == ASR)
        example = self.services.models.example_input(model) if model else None
        self.input_edit.setText(str(example) if example else "")
        self.text_edit.setPlainText("")
        self.reference_edit.setText("hello world" if model and model.is_sample and task == ASR else "")
        self.status.setText(tr("Press Run to try the model on this input.") if model else "")
        self.views.setCurrentIndex(self._view_index(task))
        if task in (VAD, ASR):
            self.transcript.setText("")

    @staticmethod
    def _view_index(task: str) -> int:
        return {VAD: 1, ASR: 2, GENERIC: 3}.get(task, 0)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, tr("Choose an input file"), "",
            tr("Inputs (*.png *.jpg *.jpeg *.bmp *.webp *.wav *.txt *.npy *.npz);;All files (*)"),
        )
        if path:
            self.input_edit.setText(path)

    def run(self) -> None:
        if self.model is None:
            return
        model = self.model
        inputs = [Path(p.strip()) for p in self.input_edit.text().split(";") if p.strip()]
        text = self.text_edit.toPlainText().strip() or None
        reference = self.reference_edit.text().strip() or None
        provider = self.provider()
        save = self.save_box.isChecked()
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.status.setText(tr("Running…"))
        self.task = (
            Task(
                lambda progress: self.services.models.run(
                    model.id, inputs if text is None else [], provider, text, reference,
                    save=save, progress=progress,
                ),
                kind="io",
            )
            .with_progress(tr("Running {name}…", name=model.name))
            .on_success(self._show)
            .on_failure(self._failed)
            .start()
        )

    def _show(self, result: RunResult) -> None:
        self._idle()
        lines = [tr("{providers} · {ms:.2f} ms", providers=providers_text(result.providers_used),
                    ms=result.latency_ms)]
        lines += list(result.notes)
        self.views.setCurrentIndex(self._view_index(result.task))
        if result.top:
            self.topk.set_scores(result.top)
        if result.task == VAD:
            self.waveform.set_result(result)
            spans = ", ".join(f"{s.start_s:.2f}–{s.end_s:.2f} s" for s in result.segments)
            lines.insert(0, tr("Speech: {spans}", spans=spans) if spans else tr("No speech found."))
        if result.task == ASR:
            self.asr_wave.set_result(result)
            text = f"«{result.text}»"
            if result.wer is not None and result.cer is not None:
                text += "   " + tr("WER {wer:.1%} · CER {cer:.1%}", wer=result.wer, cer=result.cer)
            self.transcript.setText(text)
        if result.task == GENERIC:
            _fill(self.outputs, [[n, d, str(list(s))] for n, s, d in result.outputs])
        self.status.setText("\n".join(lines))
        self.finished.emit(result)


class BenchPanel(_RunningPanel):
    """Warm-up, N timed runs per batch size; results table and latency plot."""

    failure_text = "The benchmark failed."  # translated in _RunningPanel._failed
    failure_title = "Benchmark"

    def __init__(self, services: Services, provider: Callable[[], str]) -> None:
        super().__init__()
        self.services = services
        self.provider = provider
        self.model: ModelArtifact | None = None
        self.task: Task[object] | None = None
        layout = QVBoxLayout(self)
        controls = QHBoxLayout()
        controls.addWidget(QLabel(tr("Batch sizes:")))
        self.batches = QLineEdit("1,8")
        self.batches.setMaximumWidth(110)
        controls.addWidget(self.batches)
        controls.addWidget(QLabel(tr("Warm-up:")))
        self.warmup = QSpinBox()
        self.warmup.setRange(0, 10_000)
        self.warmup.setValue(10)
        controls.addWidget(self.warmup)
        controls.addWidget(QLabel(tr("Runs:")))
        self.runs = QSpinBox()
        self.runs.setRange(1, 100_000)
        self.runs.setValue(100)
        controls.addWidget(self.runs)
        self.save_box = QCheckBox(tr("Save to Experiments"))
        self.save_box.setChecked(True)
        controls.addWidget(self.save_box)
        controls.addStretch(1)
        layout.addLayout(controls)
        buttons = QHBoxLayout()
        self.run_button = QPushButton(tr("Benchmark"))
        self.run_button.clicked.connect(self.run)
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.table = _table([tr("Batch"), tr("p50 ms"), tr("p90 ms"), tr("p99 ms"),
                             tr("Items/s"), tr("Peak MB"), tr("Providers")])
        self.table.setMaximumHeight(130)
        layout.addWidget(self.table)
        self.plot = BenchPlot()
        layout.addWidget(self.plot.widget, 1)
        self.set_model(None)

    def set_model(self, model: ModelArtifact | None) -> None:
        self.model = model
        self.run_button.setEnabled(model is not None)
        self.status.setText("")

    def run(self) -> None:
        if self.model is None:
            return
        try:
            batches = parse_batches(self.batches.text())
        except ValueError as exc:
            self.status.setText(tr("Batch sizes: {error}", error=str(exc)))
            return
        model = self.model
        provider, warmup, runs = self.provider(), self.warmup.value(), self.runs.value()
        save = self.save_box.isChecked()
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.status.setText(tr("Benchmarking…"))
        self.task = (
            Task(
                lambda progress: self.services.models.bench(
                    model.id, provider, batches, warmup, runs, save=save, progress=progress
                ),
                kind="io",
            )
            .with_progress(tr("Benchmarking {name}…", name=model.name))
            .on_success(self._show)
            .on_failure(self._failed)
            .start()
        )

    def _show(self, outcome: object) -> None:
        self._idle()
        results: tuple[BenchResult, ...] = getattr(outcome, "results", ())
        _fill(self.table, [
            [str(r.batch), f"{r.p50_ms:.3f}", f"{r.p90_ms:.3f}", f"{r.p99_ms:.3f}",
             f"{r.throughput_per_s:,.0f}", f"{r.peak_memory_mb:.0f}", providers_text(r.providers_used)]
            for r in results
        ])
        self.plot.set_results(results)
        if results:
            first = results[0]
            lines = [tr("{providers} on {device}", providers=providers_text(first.providers_used),
                        device=first.device)]
            lines += list(first.notes)
            if first.run_id is not None:
                lines.append(tr("Saved as experiment runs (source: demo)."))
            self.status.setText("\n".join(lines))
