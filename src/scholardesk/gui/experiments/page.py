"""The Experiments page: experiments on the left; runs (filterable), a leaderboard pivot
(models × datasets, mean ± std over seeds, best in bold, duplicates flagged) and the plot
panel (curves with smoothing and log axes, bars with error bars, metric-vs-x scatter with the
Pareto front) on the right. All data is read in background tasks."""

from __future__ import annotations

import logging
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSlider,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from scholardesk.core.i18n import tr, trn
from scholardesk.domain.experiments import ExperimentImportReport
from scholardesk.gui.experiments.dialogs import LogTemplateDialog, PasteTableDialog
from scholardesk.gui.experiments.table_models import (
    ExperimentSnapshot,
    LeaderboardModel,
    RunsModel,
)
from scholardesk.gui.page_base import Page
from scholardesk.gui.plots import (
    CurvePlot,
    curve_items,
    draw_bars,
    draw_scatter,
    export_plot,
    reset_plot,
)
from scholardesk.gui.tasks import Task
from scholardesk.services.context import Services

logger = logging.getLogger(__name__)

KINDS = ("curves", "bar", "scatter")


class ExperimentsPage(Page):
    area = "experiments"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.snapshot: ExperimentSnapshot | None = None
        self.current: str | None = None
        self.curve_plot: CurvePlot | None = None
        self._loading_curves: Task[object] | None = None

        outer = QHBoxLayout(self)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        outer.addWidget(splitter)

        # -- left: experiments ---------------------------------------------------------
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel(tr("Experiments")))
        self.exp_list = QListWidget()
        self.exp_list.currentItemChanged.connect(self._experiment_chosen)
        left_layout.addWidget(self.exp_list)
        self.status = QLabel()
        self.status.setWordWrap(True)
        left_layout.addWidget(self.status)
        splitter.addWidget(left)

        # -- right: tables over plot ---------------------------------------------------
        right = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 4)
        splitter.setSizes([230, 1000])

        self.tabs = QTabWidget()
        right.addWidget(self.tabs)

        runs_tab = QWidget()
        runs_layout = QVBoxLayout(runs_tab)
        filters = QHBoxLayout()
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(tr("Filter runs (model, dataset, …)"))
        self.filter_edit.setClearButtonEnabled(True)
        self.source_filter = QComboBox()
        self.source_filter.addItem(tr("All sources"), "")
        for value, label in (
            ("own", tr("own run")), ("paper", tr("paper")),
            ("leaderboard", tr("leaderboard")), ("demo", tr("model demo")),
        ):
            self.source_filter.addItem(label, value)
        filters.addWidget(self.filter_edit, 3)
        filters.addWidget(self.source_filter, 1)
        runs_layout.addLayout(filters)
        self.runs_model = RunsModel()
        self.proxy = _RunsFilter()
        self.proxy.setSourceModel(self.runs_model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.runs_view = QTableView()
        self.runs_view.setModel(self.proxy)
        self.runs_view.setSortingEnabled(True)
        self.runs_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.runs_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.runs_view.verticalHeader().setVisible(False)
        self.runs_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.runs_view.selectionModel().selectionChanged.connect(self._selection_changed)
        runs_layout.addWidget(self.runs_view)
        self.filter_edit.textChanged.connect(self.proxy.set_text)
        self.source_filter.currentIndexChanged.connect(
            lambda _i: self.proxy.set_source(str(self.source_filter.currentData()))
        )
        self.tabs.addTab(runs_tab, tr("Runs"))

        board_tab = QWidget()
        board_layout = QVBoxLayout(board_tab)
        board_bar = QHBoxLayout()
        self.board_metric = QComboBox()
        self.baseline = QComboBox()
        board_bar.addWidget(QLabel(tr("Metric")))
        board_bar.addWidget(self.board_metric, 2)
        board_bar.addWidget(QLabel(tr("Baseline")))
        board_bar.addWidget(self.baseline, 2)
        board_layout.addLayout(board_bar)
        self.board_model = LeaderboardModel()
        self.board_view = QTableView()
        self.board_view.setModel(self.board_model)
        self.board_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.board_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        board_layout.addWidget(self.board_view)
        self.duplicates_label = QLabel()
        self.duplicates_label.setWordWrap(True)
        board_layout.addWidget(self.duplicates_label)
        self.board_metric.currentIndexChanged.connect(lambda _i: self._update_board())
        self.baseline.currentIndexChanged.connect(lambda _i: self._update_board())
        self.tabs.addTab(board_tab, tr("Leaderboard"))

        plot_panel = QWidget()
        plot_layout = QVBoxLayout(plot_panel)
        plot_layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.kind = QComboBox()
        for value, label in (("curves", tr("Training curves")), ("bar", tr("Bar chart")), ("scatter", tr("Scatter (Pareto)"))):
            self.kind.addItem(label, value)
        self.plot_metric = QComboBox()
        self.plot_metric.setMinimumWidth(140)
        self.x_axis = QComboBox()
        self.x_axis.setMinimumWidth(120)
        self.smooth = QSlider(Qt.Orientation.Horizontal)
        self.smooth.setRange(0, 99)
        self.smooth.setMaximumWidth(120)
        self.smooth.setToolTip(tr("Smoothing (exponential moving average)"))
        self.log_y = QCheckBox(tr("Log y"))
        self.save_plot = QPushButton(tr("Save plot…"))
        bar.addWidget(self.kind)
        bar.addWidget(QLabel(tr("Metric")))
        bar.addWidget(self.plot_metric, 1)
        self.x_label = QLabel(tr("x"))
        bar.addWidget(self.x_label)
        bar.addWidget(self.x_axis, 1)
        bar.addWidget(QLabel(tr("Smoothing")))
        bar.addWidget(self.smooth)
        bar.addWidget(self.log_y)
        bar.addWidget(self.save_plot)
        plot_layout.addLayout(bar)
        self.plot_widget = pg.PlotWidget()
        self.plot = self.plot_widget.getPlotItem()
        plot_layout.addWidget(self.plot_widget)
        right.addWidget(plot_panel)
        right.setSizes([330, 420])

        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.plot_metric.currentIndexChanged.connect(lambda _i: self.redraw())
        self.x_axis.currentIndexChanged.connect(lambda _i: self.redraw())
        self.smooth.valueChanged.connect(self._smoothing_changed)
        self.log_y.toggled.connect(self._log_changed)
        self.save_plot.clicked.connect(self._save_plot)
        self._kind_changed(redraw=False)

    # -- loading -------------------------------------------------------------------------
    def refresh(self) -> None:
        svc = self.services.experiments
        Task(lambda _p: svc.experiments()).on_success(self._show_experiments).start()

    def _show_experiments(self, experiments: list) -> None:  # type: ignore[type-arg]
        wanted = self.current
        self.exp_list.blockSignals(True)
        self.exp_list.clear()
        chosen = None
        for exp in experiments:
            item = QListWidgetItem(f"{exp.name}  ({exp.runs})")
            item.setData(Qt.ItemDataRole.UserRole, exp.name)
            self.exp_list.addItem(item)
            if exp.name == wanted:
                chosen = item
        self.exp_list.blockSignals(False)
        if not experiments:
            self.status.setText(tr("No experiments yet. Use File › Import to add TensorBoard, MLflow, CSV or JSON results."))
            self._set_snapshot(None)
            return
        if chosen is None:
            # prefer an experiment with curves: the most telling first view
            chosen = self.exp_list.item(0)
            for i in range(self.exp_list.count()):
                if "curve" in self.exp_list.item(i).text().lower():
                    chosen = self.exp_list.item(i)
                    break
        self.exp_list.setCurrentItem(chosen)
        if self.exp_list.currentItem() is chosen and self.current == chosen.data(Qt.ItemDataRole.UserRole):
            self.load_experiment(self.current)

    def _experiment_chosen(self, item: QListWidgetItem | None, _prev: object = None) -> None:
        if item is None:
            return
        self.load_experiment(str(item.data(Qt.ItemDataRole.UserRole)))

    def load_experiment(self, name: str) -> None:
        self.current = name
        svc = self.services.experiments

        def load(_p: object) -> ExperimentSnapshot:
            runs = svc.runs(name)
            aggregates = svc.aggregate(name)
            results, series = svc.metrics(name)
            dups = svc.duplicates(name)
            params = sorted({k for r in runs for k in r.params})
            dup_ids = frozenset(i for g in dups for i in g.run_ids)
            return ExperimentSnapshot(
                name, tuple(runs), tuple(aggregates), tuple(results), tuple(series),
                tuple(dups), tuple(params), dup_ids,
            )

        Task(load).with_progress(tr("Loading {name}", name=name)).on_success(self._set_snapshot).start()

    def _set_snapshot(self, snap: ExperimentSnapshot | None) -> None:
        if snap is not None and snap.experiment != self.current:
            return  # an older load finished late
        self.snapshot = snap
        self.runs_model.set_snapshot(snap)
        self.runs_view.resizeColumnsToContents()
        for combo, items in (
            (self.board_metric, snap.result_metrics if snap else ()),
        ):
            _refill(combo, [(m, m) for m in items])
        models = sorted({r.model for r in snap.runs}) if snap else []
        _refill(self.baseline, [(tr("(none)"), ""), *[(m, m) for m in models]])
        if snap and snap.duplicates:
            parts = [
                tr("{model} {dataset}: entered {n} times ({ids})", model=g.model, dataset=g.dataset,
                   n=len(g.run_ids), ids=", ".join(f"#{i}" for i in g.run_ids))
                for g in snap.duplicates[:5]
            ]
            self.duplicates_label.setText("⚠ " + tr("Duplicate runs (counted once):") + " " + "; ".join(parts))
        else:
            self.duplicates_label.setText("")
        if snap:
            self.status.setText(
                tr("{runs} runs, {metrics} metrics, {curves} curve metrics",
                   runs=len(snap.runs), metrics=len(snap.result_metrics), curves=len(snap.series_metrics))
            )
            if not snap.series_metrics and self.kind.currentData() == "curves":
                self.kind.setCurrentIndex(KINDS.index("bar"))
        self._update_board()
        self._fill_plot_choices()
        self.redraw()

    # -- leaderboard ---------------------------------------------------------------------
    def _update_board(self) -> None:
        snap = self.snapshot
        metric = self.board_metric.currentData()
        if snap is None or not metric:
            self.board_model.set_board(None)
            return
        from scholardesk.analysis.experiments_agg import leaderboard, relative_to

        baseline = self.baseline.currentData() or None
        rows = [r for r in snap.aggregates if r.metric == metric]
        if baseline:
            rows = relative_to(rows, baseline)
        self.board_model.set_board(leaderboard(rows, metric), show_change=bool(baseline))

    # -- plots ---------------------------------------------------------------------------
    def _kind_changed(self, redraw: bool = True) -> None:
        kind = self.kind.currentData()
        self.x_axis.setVisible(kind == "scatter")
        self.x_label.setVisible(kind == "scatter")
        self.smooth.setEnabled(kind == "curves")
        self._fill_plot_choices()
        if redraw:
            self.redraw()

    def _fill_plot_choices(self) -> None:
        snap = self.snapshot
        kind = self.kind.currentData()
        if kind == "curves":
            metrics = [(m, m) for m in (snap.series_metrics if snap else ())]
            if len(metrics) > 1:
                metrics.append((tr("(all)"), ""))
        else:
            metrics = [(m, m) for m in (snap.result_metrics if snap else ())]
        _refill(self.plot_metric, metrics)
        xs = [(m, m) for m in (snap.result_metrics if snap else ())]
        xs += [(f"param:{p}", f"param:{p}") for p in (snap.params if snap else ())]
        _refill(self.x_axis, xs, prefer=("latency", "param:params", "params"))

    def _reset_plot(self) -> None:
        reset_plot(self.plot)  # no "step" axis or curve ticks left over for the next kind
        self.curve_plot = None

    def redraw(self) -> None:
        snap = self.snapshot
        kind = self.kind.currentData()
        metric = self.plot_metric.currentData() or None
        if snap is None:
            self._reset_plot()
            return
        self.plot.setTitle(snap.experiment)
        if kind == "curves":
            self._load_curves(snap.experiment, metric)
            return
        self._reset_plot()
        if kind == "bar" and metric:
            draw_bars(self.plot, [r for r in snap.aggregates if r.metric == metric])
        elif kind == "scatter" and metric and self.x_axis.currentData():
            svc = self.services.experiments
            x_key = str(self.x_axis.currentData())
            experiment = snap.experiment

            def points(_p: object) -> list:  # type: ignore[type-arg]
                return svc.scatter_points(experiment, metric, x_key)

            hib = next((r.higher_is_better for r in snap.aggregates if r.metric == metric), True)
            Task(points).on_success(
                lambda pts: draw_scatter(self.plot, pts, x_key, metric, True, hib)
            ).start()
        self._apply_log()

    def _apply_log(self) -> None:
        on = self.log_y.isChecked()
        if self.kind.currentData() == "bar":
            self.plot.setLogMode(x=on, y=False)  # horizontal bars: the values run along x
        else:
            self.plot.setLogMode(x=False, y=on)

    def _load_curves(self, experiment: str, metric: str | None) -> None:
        svc = self.services.experiments

        def load(_p: object) -> list:  # type: ignore[type-arg]
            return curve_items(svc.curves(experiment, metric))

        def show(items: list) -> None:  # type: ignore[type-arg]
            if self.kind.currentData() != "curves" or experiment != self.current:
                return
            if self.curve_plot is None:
                self._reset_plot()
                self.curve_plot = CurvePlot(self.plot)
            self.curve_plot.smoothing = self.smooth.value() / 100.0
            self.curve_plot.set_curves(items)
            self.curve_plot.set_log(y=self.log_y.isChecked())
            self.plot.setLabel("bottom", tr("step"))
            self.plot.setLabel("left", metric or tr("value"))
            self.plot.enableAutoRange()

        Task(load).with_progress(tr("Loading curves")).on_success(show).start()

    def _smoothing_changed(self, value: int) -> None:
        if self.curve_plot is not None:
            self.curve_plot.set_smoothing(value / 100.0)

    def _log_changed(self, _on: bool) -> None:
        self._apply_log()

    def _selection_changed(self, *_args: object) -> None:
        """Selecting runs shows only their curves."""
        if self.kind.currentData() != "curves" or self.snapshot is None:
            return
        rows = {self.proxy.mapToSource(i).row() for i in self.runs_view.selectionModel().selectedRows()}
        if not rows:
            self.redraw()
            return
        ids = [self.runs_model.run_at(r).id for r in rows]
        svc = self.services.experiments
        metric = self.plot_metric.currentData() or None
        experiment = self.snapshot.experiment

        def load(_p: object) -> list:  # type: ignore[type-arg]
            return curve_items(svc.curves(experiment, metric, ids))

        def show(items: list) -> None:  # type: ignore[type-arg]
            if self.curve_plot is None:
                self._reset_plot()
                self.curve_plot = CurvePlot(self.plot)
            self.curve_plot.set_curves(items)

        Task(load).on_success(show).start()

    def _save_plot(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, tr("Save plot"), f"{self.current or 'plot'}.png", tr("PNG image (*.png);;SVG drawing (*.svg)")
        )
        if name:
            out = export_plot(self.plot, Path(name))
            self.status.setText(tr("Saved {path}", path=str(out)))

    # -- import / export -----------------------------------------------------------------
    def import_actions(self) -> list[QAction]:
        files = QAction(tr("Experiment results (CSV, JSON, TensorBoard file)…"), self)
        files.triggered.connect(self._import_files)
        folder = QAction(tr("TensorBoard or MLflow folder…"), self)
        folder.triggered.connect(self._import_folder)
        log = QAction(tr("Training log with a line template…"), self)
        log.triggered.connect(self._import_log)
        paste = QAction(tr("Paste a results table…"), self)
        paste.triggered.connect(self._paste_table)
        return [files, folder, log, paste]

    def export_actions(self) -> list[QAction]:
        table = QAction(tr("Results table (LaTeX, Markdown, CSV)…"), self)
        table.triggered.connect(self._export_table)
        plot = QAction(tr("Plot as PNG or SVG…"), self)
        plot.triggered.connect(self._save_plot)
        return [table, plot]

    def _run_import(self, fn, label: str) -> None:  # type: ignore[no-untyped-def]
        Task(fn).with_progress(label).on_success(self._imported).start()

    def _imported(self, report: ExperimentImportReport) -> None:
        text = tr("{runs} runs, {results} results, {points} curve points imported into {experiment}",
                  runs=report.runs, results=report.results, points=report.series_points,
                  experiment=report.experiment or "-")
        if report.skipped_sources:
            text += "\n" + trn("{n} source was imported before and left unchanged", "{n} sources were imported before and left unchanged", report.skipped_sources)
        if report.errors:
            text += "\n" + trn("{n} problem:", "{n} problems:", len(report.errors))
            for source, record, message in report.errors[:5]:
                text += f"\n• {Path(source).name} {record}: {message}"
        self.status.setText(text)
        if report.experiment and "," not in report.experiment:
            self.current = report.experiment
        if not report.runs:
            self.refresh()

    def _import_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self, tr("Import experiment results"), "",
            tr("Results (*.csv *.tsv *.json *tfevents* *.txt);;All files (*)"),
        )
        if names:
            svc = self.services.experiments
            paths = [Path(n) for n in names]
            self._run_import(lambda p: svc.import_paths(paths, progress=p), tr("Importing results"))

    def _import_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("TensorBoard or MLflow folder"))
        if folder:
            svc = self.services.experiments
            self._run_import(lambda p: svc.import_paths([Path(folder)], progress=p), tr("Importing results"))

    def _import_log(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, tr("Training log"), "", tr("Logs (*.log *.txt *.out);;All files (*)"))
        if not name:
            return
        dialog = LogTemplateDialog(self)
        if dialog.exec():
            svc = self.services.experiments
            template = dialog.template.text()
            experiment = dialog.experiment.text().strip() or None
            self._run_import(
                lambda p: svc.import_paths([Path(name)], experiment, template, progress=p),
                tr("Importing results"),
            )

    def _paste_table(self) -> None:
        dialog = PasteTableDialog(self.current or "", self)
        if dialog.exec():
            v = dialog.values()
            svc = self.services.experiments
            self._run_import(
                lambda _p: svc.import_pasted_table(
                    v["text"], v["experiment"], v["reference"], v["source"], v["dataset"]
                ),
                tr("Importing results"),
            )

    def _export_table(self) -> None:
        if not self.current:
            return
        name, _ = QFileDialog.getSaveFileName(
            self, tr("Export results table"), f"{self.current}.tex",
            tr("LaTeX (*.tex);;Markdown (*.md);;CSV (*.csv)"),
        )
        if not name:
            return
        suffix = Path(name).suffix.lower()
        fmt = {".tex": "latex", ".md": "markdown", ".csv": "csv"}.get(suffix, "latex")
        metric = self.board_metric.currentData() if self.tabs.currentIndex() == 1 else None
        svc = self.services.experiments
        experiment = self.current

        def export(_p: object) -> Path:
            out = Path(name)
            out.write_text(svc.export_table(experiment, metric or None, fmt), encoding="utf-8")
            return out

        Task(export, kind="io").with_progress(tr("Exporting")).on_success(
            lambda out: self.status.setText(tr("Saved {path}", path=str(out)))
        ).start()


class _RunsFilter(QSortFilterProxyModel):
    def __init__(self) -> None:
        super().__init__()
        self.text = ""
        self.source = ""

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self.text = text.casefold().strip()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_source(self, source: str) -> None:
        self.beginFilterChange()
        self.source = source
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: object) -> bool:
        model = self.sourceModel()
        if not isinstance(model, RunsModel) or row >= len(model.runs):
            return True
        run = model.runs[row]
        if self.source and run.source != self.source:
            return False
        if not self.text:
            return True
        hay = f"{run.model} {run.dataset} {run.split} {run.protocol} {run.name} {run.framework} {run.hardware}".casefold()
        return all(word in hay for word in self.text.split())


def _refill(combo: QComboBox, items: list[tuple[str, str]], prefer: tuple[str, ...] = ()) -> None:
    """Replace a combo's items, keeping the current choice when it is still there."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    for label, value in items:
        combo.addItem(label, value)
    index = combo.findData(current) if current is not None else -1
    if index < 0 and prefer:
        for i in range(combo.count()):
            if any(p in str(combo.itemData(i)).lower() for p in prefer):
                index = i
                break
    combo.setCurrentIndex(max(index, 0))
    combo.blockSignals(False)
