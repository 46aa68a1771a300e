"""pyqtgraph helpers for experiment plots: training curves (created once, then setData, with
peak downsampling and clip-to-view so millions of points pan smoothly), bar charts with error
bars, metric-vs-parameter scatter with the Pareto front, PNG/SVG export, and an offscreen
renderer for ``scholardesk experiments plot``."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from scholardesk.analysis.experiments_agg import ema, pareto_front
from scholardesk.core.i18n import tr

if TYPE_CHECKING:
    from scholardesk.analysis.experiments_agg import AggregateRow
    from scholardesk.domain.experiments import ScatterPoint, SeriesRecord
    from scholardesk.services.context import Services

logger = logging.getLogger(__name__)

PALETTE = (
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
)
SOURCE_SYMBOLS = {"own": "o", "paper": "s", "leaderboard": "d", "demo": "star"}

pg.setConfigOptions(antialias=False, background="w", foreground="k")


def color(i: int) -> QColor:
    return QColor(PALETTE[i % len(PALETTE)])


class CurvePlot:
    """Overlaid training curves on one PlotItem. Curves are created once per key and then
    updated with ``setData``; smoothing (EMA) and log axes re-use the same items."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.plot = plot
        self.legend = plot.addLegend(offset=(10, 10))
        self.curves: dict[object, pg.PlotDataItem] = {}
        self.raw: dict[object, tuple[np.ndarray, np.ndarray]] = {}
        self.smoothing = 0.0
        plot.showGrid(x=True, y=True, alpha=0.25)
        plot.setClipToView(True)
        plot.setDownsampling(auto=True, mode="peak")

    def set_curves(self, items: Sequence[tuple[object, str, np.ndarray, np.ndarray]]) -> None:
        """``items``: (key, label, x, y). Missing keys are removed, new ones created."""
        wanted = {key for key, *_ in items}
        for key in list(self.curves):
            if key not in wanted:
                item = self.curves.pop(key)
                self.raw.pop(key, None)
                self.plot.removeItem(item)
                self.legend.removeItem(item)
        for i, (key, label, x, y) in enumerate(items):
            self.raw[key] = (np.asarray(x, dtype=float), np.asarray(y, dtype=float))
            item = self.curves.get(key)
            if item is None:
                item = self.plot.plot(name=label, pen=pg.mkPen(color(i), width=1))  # cosmetic 1 px: fast
                item.setClipToView(True)
                item.setDownsampling(auto=True, method="peak")
                item.setSkipFiniteCheck(True)
                self.curves[key] = item
            self._update(key)

    def set_smoothing(self, weight: float) -> None:
        self.smoothing = weight
        for key in self.curves:
            self._update(key)

    def set_log(self, x: bool = False, y: bool = False) -> None:
        self.plot.setLogMode(x=x, y=y)

    def _update(self, key: object) -> None:
        x, y = self.raw[key]
        if self.smoothing > 0:
            y = ema(y, self.smoothing)
        self.curves[key].setData(x, y)


def curve_items(records: Sequence[SeriesRecord]) -> list[tuple[object, str, np.ndarray, np.ndarray]]:
    items = []
    metrics = {rec.series.metric for rec in records}
    for rec in records:
        s = rec.series
        x = np.frombuffer(s.steps, dtype=np.int64).astype(float) if len(s) else np.empty(0)
        y = np.frombuffer(s.values, dtype=np.float64) if len(s) else np.empty(0)
        label = rec.run_name if rec.model in rec.run_name else f"{rec.model} · {rec.run_name}"
        if rec.seed is not None and f"{rec.seed}" not in label:
            label += " " + tr("seed {n}", n=rec.seed)
        if len(metrics) > 1:
            label += f" ({s.metric})"
        items.append(((rec.run_id, s.metric), label, x, y))
    return items


def draw_bars(plot: pg.PlotItem, rows: Sequence[AggregateRow]) -> None:
    """One bar per (model, dataset) with ±std error bars; best bars are outlined."""
    plot.clear()
    if not rows:
        return
    xs = np.arange(len(rows), dtype=float)
    means = np.array([r.mean for r in rows])
    stds = np.array([r.std or 0.0 for r in rows])
    brushes = [pg.mkBrush(color(i)) for i in range(len(rows))]
    pens = [pg.mkPen("k", width=2) if r.best else pg.mkPen(None) for r in rows]
    plot.addItem(pg.BarGraphItem(x=xs, height=means, width=0.7, brushes=brushes, pens=pens))
    plot.addItem(pg.ErrorBarItem(x=xs, y=means, top=stds, bottom=stds, beam=0.25, pen=pg.mkPen("k")))
    labels = [
        (float(i), f"{r.model}\n{r.dataset}" if r.dataset else r.model) for i, r in enumerate(rows)
    ]
    plot.getAxis("bottom").setTicks([labels])
    plot.showGrid(y=True, alpha=0.25)
    plot.setLabel("left", rows[0].metric)


def draw_scatter(
    plot: pg.PlotItem, points: Sequence[ScatterPoint], x_label: str, y_label: str,
    x_lower: bool = True, y_higher: bool = True,
) -> None:
    """Runs as points (symbol by source: own ●, paper ■, leaderboard ◆, demo ★) plus the
    Pareto front as a dashed line."""
    plot.clear()
    plot.addLegend(offset=(10, 10))
    if not points:
        return
    models = sorted({p.model for p in points})
    for source in ("own", "paper", "leaderboard", "demo"):
        chosen = [p for p in points if p.source == source]
        if not chosen:
            continue
        spots = [
            {
                "pos": (p.x, p.y),
                "brush": pg.mkBrush(color(models.index(p.model))),
                "symbol": SOURCE_SYMBOLS[source],
                "size": 14 if source == "demo" else 10,
                "data": p.run_id,
            }
            for p in chosen
        ]
        item = pg.ScatterPlotItem(spots=spots, pen=pg.mkPen("k"), name=source_label(source))
        plot.addItem(item)
    front = pareto_front([(p.x, p.y) for p in points], x_lower, y_higher)
    if len(front) > 1:
        fx = [points[i].x for i in front]
        fy = [points[i].y for i in front]
        plot.plot(fx, fy, pen=pg.mkPen("#555", width=1, style=Qt.PenStyle.DashLine), name=tr("Pareto front"))
    for p in points:
        text = pg.TextItem(p.model, color="#333", anchor=(0, 1))
        text.setPos(p.x, p.y)
        plot.addItem(text)
    plot.setLabel("bottom", x_label)
    plot.setLabel("left", y_label)
    plot.showGrid(x=True, y=True, alpha=0.25)


def source_label(source: str) -> str:
    return {
        "own": tr("own run"),
        "paper": tr("paper"),
        "leaderboard": tr("leaderboard"),
        "demo": tr("model demo"),
    }.get(source, source)


def export_plot(plot: pg.PlotItem, out: Path, width: int = 1200) -> Path:
    """Save a plot as PNG (``width`` pixels) or SVG, chosen by the file's suffix."""
    from pyqtgraph.exporters import ImageExporter, SVGExporter

    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".svg":
        try:
            SVGExporter(plot).export(str(out))
        except ValueError:
            # pyqtgraph's SVG exporter chokes on some paths under Qt 6 (bars/error bars);
            # Qt's own SVG generator draws the same scene.
            logger.info("pyqtgraph SVG export failed; using QSvgGenerator", exc_info=True)
            _qt_svg(plot, out)
    else:
        exporter = ImageExporter(plot)
        exporter.parameters()["width"] = width
        exporter.export(str(out))
    if not out.exists():
        raise OSError(f"Could not write {out}")
    return out


def _qt_svg(plot: pg.PlotItem, out: Path) -> None:
    from PySide6.QtCore import QRectF, QSize
    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgGenerator

    rect = plot.sceneBoundingRect()
    generator = QSvgGenerator()
    generator.setFileName(str(out))
    generator.setSize(QSize(int(rect.width()), int(rect.height())))
    generator.setViewBox(QRectF(0, 0, rect.width(), rect.height()))
    painter = QPainter(generator)
    try:
        plot.scene().render(painter, QRectF(0, 0, rect.width(), rect.height()), rect)
    finally:
        painter.end()


def render_plot(
    services: Services,
    experiment: str,
    kind: str,
    out: Path,
    metric: str | None = None,
    x_key: str = "",
    smoothing: float = 0.0,
    log_y: bool = False,
    size: tuple[int, int] = (1000, 600),
) -> Path:
    """Render one plot offscreen into a PNG/SVG (for ``scholardesk experiments plot``)."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from scholardesk.core.errors import InputError, NotFoundError

    app = QApplication.instance() or QApplication([])
    svc = services.experiments
    widget = pg.PlotWidget()
    widget.resize(*size)
    plot = widget.getPlotItem()
    plot.setTitle(experiment)
    if kind == "curves":
        records = svc.curves(experiment, metric)
        if not records:
            raise NotFoundError(
                f"Experiment {experiment!r} has no training curves"
                + (f" for {metric!r}." if metric else "."),
                "Import TensorBoard/MLflow runs or a training log first.",
            )
        curves = CurvePlot(plot)
        curves.set_curves(curve_items(records))
        if smoothing:
            curves.set_smoothing(smoothing)
        curves.set_log(y=log_y)
        plot.setLabel("bottom", tr("step"))
        plot.setLabel("left", metric or tr("value"))
    elif kind == "bar":
        if not metric:
            raise InputError("A bar chart needs --metric.")
        rows = svc.aggregate(experiment, metric)
        if not rows:
            raise NotFoundError(f"Experiment {experiment!r} has no results for {metric!r}.")
        draw_bars(plot, rows)
        if log_y:
            plot.setLogMode(y=True)
    elif kind == "scatter":
        if not metric or not x_key:
            raise InputError("A scatter plot needs --metric (y) and --x (a metric or param:NAME).")
        points = svc.scatter_points(experiment, metric, x_key)
        if not points:
            raise NotFoundError(f"No run of {experiment!r} has both {metric!r} and {x_key!r}.")
        hib = next(
            (res.higher_is_better for run in svc.runs(experiment) for res in run.results if res.metric == metric),
            True,
        )
        draw_scatter(plot, points, x_key, metric, x_lower=True, y_higher=hib)
    else:
        raise InputError(f"Unknown plot kind {kind!r}.", "Use curves, bar or scatter.")
    widget.show()
    app.processEvents()
    try:
        return export_plot(plot, out, size[0])
    finally:
        widget.close()
        widget.deleteLater()
