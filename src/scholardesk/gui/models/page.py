"""The Models page: the registered ONNX models, an inspector, a task demo and a benchmark.

The model list and each model's graph summary are loaded with Task; demo runs and benchmarks
run on the inference pool and can be cancelled. The provider choice (auto / CPU / CUDA /
TensorRT) applies to both; when the GPU cannot be used the page says why in plain words.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from scholardesk.core.i18n import tr
from scholardesk.domain.models import PROVIDER_CHOICES, ModelArtifact, ModelInfo
from scholardesk.gui.models.panels import BenchPanel, DemoPanel, InspectorPanel
from scholardesk.gui.models.table_model import ModelsProxyModel, ModelsTableModel
from scholardesk.gui.models.vision import LayoutPanel, OcrPanel
from scholardesk.gui.page_base import Page
from scholardesk.gui.tasks import Task
from scholardesk.gui.widgets.empty_state import EmptyState
from scholardesk.services.context import Services

logger = logging.getLogger(__name__)


class ModelsPage(Page):
    area = "models"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self._selected_id: int | None = None
        self._auto_ran: set[int] = set()
        layout = QVBoxLayout(self)

        bar = QHBoxLayout()
        add = QPushButton(tr("Add model…"))
        add.clicked.connect(self.add_model)
        self.remove_button = QPushButton(tr("Remove"))
        self.remove_button.clicked.connect(self.remove_model)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(tr("Filter models"))
        self.filter.setClearButtonEnabled(True)
        self.filter.setMaximumWidth(220)
        bar.addWidget(add)
        bar.addWidget(self.remove_button)
        bar.addWidget(self.filter)
        bar.addSpacing(16)
        bar.addWidget(QLabel(tr("Run on:")))
        self.provider_box = QComboBox()
        for choice, label in zip(
            PROVIDER_CHOICES,
            (tr("Auto (TensorRT → CUDA → CPU)"), tr("CPU"), tr("CUDA"), tr("TensorRT")),
            strict=True,
        ):
            self.provider_box.addItem(label, choice)
        bar.addWidget(self.provider_box)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.gpu_status = QLabel("")
        self.gpu_status.setWordWrap(True)
        self.gpu_status.setStyleSheet("color: #975a16;")
        layout.addWidget(self.gpu_status)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.table_model = ModelsTableModel()
        self.proxy = ModelsProxyModel(self)
        self.proxy.setSourceModel(self.table_model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((165, 150, 80, 60)):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.setMinimumWidth(470)
        self.empty_state = EmptyState(self.table)
        self.filter.textChanged.connect(lambda _t: self._update_empty_state())
        splitter.addWidget(self.table)

        right = QSplitter(Qt.Orientation.Vertical)
        self.inspector = InspectorPanel()
        right.addWidget(self.inspector)
        self.tabs = QTabWidget()
        self.demo = DemoPanel(services, self.provider)
        self.bench = BenchPanel(services, self.provider)
        self.tabs.addTab(self.demo, tr("Demo"))
        self.tabs.addTab(self.bench, tr("Benchmark"))
        self.ocr = OcrPanel(services, self.provider)
        self.layout_demo = LayoutPanel(services, self.provider)
        self.tabs.addTab(self.ocr, tr("OCR"))
        self.tabs.addTab(self.layout_demo, tr("Layout"))
        right.addWidget(self.tabs)
        right.setStretchFactor(0, 2)
        right.setStretchFactor(1, 3)
        right.setSizes([280, 420])
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 5)
        splitter.setSizes([500, 780])
        layout.addWidget(splitter, 1)
        self._update_buttons()

    # -- data ----------------------------------------------------------------------------
    def provider(self) -> str:
        return str(self.provider_box.currentData())

    def refresh(self) -> None:
        Task(lambda _p: self.services.models.list(), kind="db").on_success(self._loaded).start()
        if not self.gpu_status.text():
            Task(lambda _p: self.services.models.provider_status(), kind="io").on_success(
                self._show_provider_status
            ).start()

    def _show_provider_status(self, status: object) -> None:
        problem = getattr(status, "cuda_problem", "")
        cpu = getattr(status, "cpu", "")
        if problem:
            self.gpu_status.setText(
                tr("GPU not available: {problem} CPU: {cpu}.", problem=problem, cpu=cpu)
            )
        else:
            self.gpu_status.setStyleSheet("color: #2f855a;")
            self.gpu_status.setText(tr("GPU: CUDA is available."))

    def _update_empty_state(self) -> None:
        if self.table_model.rowCount() == 0:
            message = tr("No models yet. Add model… registers an ONNX file (speech, vision, "
                         "OCR, layout or text); it is run here on the GPU when there is one.")
        else:
            message = tr("No model matches “{words}”.", words=self.filter.text())
        self.empty_state.set_message(message)

    def _loaded(self, models: list[ModelArtifact]) -> None:
        self.table_model.set_rows(models)
        self._update_empty_state()
        self.ocr.set_models(models)
        self.layout_demo.set_models(models)
        target = self._selected_id
        row = self.table_model.row_of(target) if target is not None else -1
        if row >= 0:
            self.table.selectRow(self.proxy.mapFromSource(self.table_model.index(row, 0)).row())
        elif self.proxy.rowCount() > 0:
            self.table.selectRow(0)  # the first model as the list shows it
        else:
            self._select(None)

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self._select(None)
            return
        source = self.proxy.mapToSource(rows[0])
        self._select(self.table_model.model_at(source.row()))

    def selected_model(self) -> ModelArtifact | None:
        if self._selected_id is None:
            return None
        row = self.table_model.row_of(self._selected_id)
        return self.table_model.model_at(row)

    def _select(self, model: ModelArtifact | None) -> None:
        changed = (model.id if model else None) != self._selected_id or model is None
        self._selected_id = model.id if model else None
        self._update_buttons()
        if model is None:
            self.inspector.clear()
            self.demo.set_model(None)
            self.bench.set_model(None)
            return
        if changed or self.demo.model is None or self.demo.model.id != model.id:
            self.demo.set_model(model)
            self.bench.set_model(model)
        Task(lambda _p: self.services.models.inspect(model.id), kind="io").on_success(
            lambda info: self._inspected(model, info)
        ).on_failure(lambda exc: self._inspect_failed(model, exc)).start()
        # A sample model shows its demo at once (tiny, shipped with its example input).
        if model.is_sample and model.id not in self._auto_ran:
            self._auto_ran.add(model.id)
            self.demo.run()

    def _inspected(self, model: ModelArtifact, info: ModelInfo) -> None:
        if model.id == self._selected_id:
            self.inspector.show_info(model, info)

    def _inspect_failed(self, model: ModelArtifact, exc: BaseException) -> None:
        if model.id == self._selected_id:
            self.inspector.clear()
            self.inspector.summary.setText(str(exc))

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(self._selected_id is not None)

    # -- actions -------------------------------------------------------------------------
    def add_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, tr("Add an ONNX model"), "", tr("ONNX models (*.onnx);;All files (*)")
        )
        if path:
            self.add_file(Path(path))

    def add_file(self, path: Path) -> Task[object]:
        def done(result: object) -> None:
            model = getattr(result, "model", None)
            if model is not None:
                self._selected_id = model.id

        return (
            Task(lambda _p: self.services.models.add(path), kind="io")
            .with_progress(tr("Adding {name}…", name=path.name))
            .on_success(done)
            .start()
        )

    def remove_model(self) -> None:
        model = self.selected_model()
        if model is None:
            return
        answer = QMessageBox.question(
            self, tr("Remove model"),
            tr("Remove {name} from ScholarDesk? The .onnx file itself is kept.", name=model.name),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._selected_id = None
        Task(lambda _p: self.services.models.remove(model.id), kind="db").start()

    def import_actions(self) -> list[QAction]:
        action = QAction(tr("ONNX model…"), self)
        action.triggered.connect(self.add_model)
        return [action]
