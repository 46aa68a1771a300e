"""pyqtgraph helpers for experiment plots: training curves (created once, then setData, with
peak downsampling and clip-to-view so millions of points pan smoothly), bar charts with error
bars, metric-vs-parameter scatter with the Pareto front, PNG/SVG export, and an offscreen
renderer for ``scholardesk experiments plot``."""

from __future__ import annotations

import logging
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFontMetrics
from PySide6.QtWidgets import QSizePolicy

from scholardesk.analysis.experiments_agg import ema, pareto_front
from scholardesk.core.i18n import tr

if TYPE_CHECKING:
    from scholardesk.analysis.experiments_agg import AggregateRow
    from scholardesk.domain.experiments import ScatterPoint, SeriesRecord
    from scholardesk.services.context import Services

logger = logging.getLogger(__name__)

#: 20 categorical colours (Tableau 10, then ten darker ones of other hues), all dark enough
#: for a 1-pixel line on white, so up to 20 models or runs in one plot never share a colour.
PALETTE = (
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    "#393b79", "#00441b", "#b35806", "#843c39", "#7b4173",
    "#252525", "#6a6a00", "#01665e", "#c51b7d", "#a6761d",
)
SOURCE_SYMBOLS = {"own": "o", "paper": "s", "leaderboard": "d", "demo": "star"}

pg.setConfigOptions(antialias=False, background="w", foreground="k")


def color(i: int) -> QColor:
    return QColor(PALETTE[i % len(PALETTE)])


def _slot(name: str) -> int:
    # crc32, not hash(): the same name gets the same slot in every process
    return zlib.crc32(name.encode("utf-8")) % len(PALETTE)


class ColourBook:
    """Stable, distinct colours by name (a model or a run). A name keeps the colour it was
    first given; a new name takes the slot its hash picks, or the next slot that no other name
    in the same plot holds. Names are placed in sorted order, so the colours do not depend on
    the order of the rows."""

    def __init__(self) -> None:
        self.slots: dict[str, int] = {}

    def colours(self, names: Sequence[str]) -> dict[str, QColor]:
        taken: set[int] = set()
        for name in sorted(set(names)):
            slot = self.slots.get(name)
            if slot is None or slot in taken:
                # the ten most distinct colours first, the darker ten only past ten names
                first = _slot(name) % 10
                order = [(first + k) % 10 for k in range(10)] + list(range(10, len(PALETTE)))
                slot = next((i for i in order if i not in taken), _slot(name))
            self.slots[name] = slot
            taken.add(slot)
        return {name: QColor(PALETTE[self.slots[name]]) for name in names}


#: One book for the process: a model has the same colour in the bar chart, the scatter plot
#: and the curves, and keeps it across redraws.
COLOURS = ColourBook()


def honest_axes(plot: pg.PlotItem) -> None:
    """No SI-prefix scaling: pyqtgraph would show 0.8 as 800 and label the axis "(x0.001)"."""
    for name in ("left", "bottom"):
        plot.getAxis(name).enableAutoSIPrefix(False)


def side_legend(plot: pg.PlotItem) -> pg.LegendItem:
    """The plot's legend, beside the view box (right of it) rather than over the data."""
    legend = getattr(plot, "_side_legend", None)
    if legend is None:
        old = plot.legend  # one made by addLegend(), floating over the data
        if old is not None and old.scene() is not None:
            old.scene().removeItem(old)
        legend = pg.LegendItem()
        legend.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        plot.layout.addItem(legend, 2, 3)
        plot.layout.setAlignment(legend, Qt.AlignmentFlag.AlignTop)
        plot._side_legend = legend  # type: ignore[attr-defined]
    plot.legend = legend
    return legend


def reset_plot(plot: pg.PlotItem) -> None:
    """Back to an empty plot: no items, legend entries, ticks, labels, log axes or inversion."""
    plot.clear()
    if plot.legend is not None:
        plot.legend.clear()
    plot.setLogMode(x=False, y=False)
    plot.invertY(False)
    for name in ("left", "bottom"):
        plot.getAxis(name).setTicks(None)
        plot.setLabel(name, "")
    plot.getAxis("left").setWidth(None)  # back to fitting the tick numbers
    honest_axes(plot)


class CurvePlot:
    """Overlaid training curves on one PlotItem. Curves are created once per key and then
    updated with ``setData``; smoothing (EMA) and log axes re-use the same items."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.plot = plot
        self.legend = side_legend(plot)
        honest_axes(plot)
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
        colours = COLOURS.colours([label for _key, label, *_ in items])
        for key, label, x, y in items:
            self.raw[key] = (np.asarray(x, dtype=float), np.asarray(y, dtype=float))
            item = self.curves.get(key)
            if item is not None and item.opts["pen"].color() != colours[label]:
                item.setPen(pg.mkPen(colours[label], width=1))
            if item is None:
                item = self.plot.plot(name=label, pen=pg.mkPen(colours[label], width=1))  # cosmetic 1 px: fast
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


def bar_labels(rows: Sequence[AggregateRow]) -> tuple[list[str], str]:
    """One label per bar, unique: the model plus whichever of dataset, split and protocol
    differ between the bars; what they share goes into the axis title."""
    fields = ("dataset", "split", "protocol")
    varying = [f for f in fields if len({getattr(r, f) for r in rows}) > 1]
    labels = [
        " · ".join([r.model, *(getattr(r, f) for f in varying if getattr(r, f))]) for r in rows
    ]
    shared = [getattr(rows[0], f) for f in fields if f not in varying and getattr(rows[0], f)]
    return labels, " · ".join(shared)


def draw_bars(plot: pg.PlotItem, rows: Sequence[AggregateRow]) -> None:
    """One horizontal bar per (model, dataset, split, protocol) with ±std error bars, labelled
    on the left axis (long model names stay readable); best bars are outlined. A model has the
    same colour in every plot."""
    reset_plot(plot)
    if not rows:
        return
    ys = np.arange(len(rows), dtype=float)
    means = np.array([r.mean for r in rows])
    stds = np.array([r.std or 0.0 for r in rows])
    colours = COLOURS.colours([r.model for r in rows])
    brushes = [pg.mkBrush(colours[r.model]) for r in rows]
    pens = [pg.mkPen("k", width=2) if r.best else pg.mkPen(None) for r in rows]
    plot.addItem(pg.BarGraphItem(x0=0, y=ys, width=means, height=0.7, brushes=brushes, pens=pens))
    plot.addItem(pg.ErrorBarItem(x=means, y=ys, left=stds, right=stds, beam=0.25, pen=pg.mkPen("k")))
    labels, shared = bar_labels(rows)
    axis = plot.getAxis("left")
    axis.setTicks([list(zip(ys.tolist(), labels, strict=True)), []])
    metrics = QFontMetrics(axis.style.get("tickFont") or axis.font())
    axis.setWidth(max(metrics.horizontalAdvance(text) for text in labels) + 16)
    plot.invertY(True)  # the first row (the table's order) on top
    plot.showGrid(x=True, y=False, alpha=0.25)
    metric = rows[0].metric
    plot.setLabel("bottom", f"{metric} ({shared})" if shared else metric)


def draw_scatter(
    plot: pg.PlotItem, points: Sequence[ScatterPoint], x_label: str, y_label: str,
    x_lower: bool = True, y_higher: bool = True,
) -> None:
    """Runs as points coloured by model (symbol by source: own ●, paper ■, leaderboard ◆,
    demo ★) plus the Pareto front as a dashed line. The legend, beside the plot, shows each
    model's colour and each source's symbol exactly as the points are drawn."""
    reset_plot(plot)
    legend = side_legend(plot)
    if not points:
        return
    models = sorted({p.model for p in points})
    colours = COLOURS.colours(models)
    for source in ("own", "paper", "leaderboard", "demo"):
        chosen = [p for p in points if p.source == source]
        if not chosen:
            continue
        spots = [
            {
                "pos": (p.x, p.y),
                "brush": pg.mkBrush(colours[p.model]),
                "symbol": SOURCE_SYMBOLS[source],
                "size": 14 if source == "demo" else 10,
                "data": p.run_id,
            }
            for p in chosen
        ]
        plot.addItem(pg.ScatterPlotItem(spots=spots, pen=pg.mkPen("k")))
    for model in models:
        legend.addItem(pg.ScatterPlotItem(symbol="o", size=10, pen=pg.mkPen("k"),
                                          brush=pg.mkBrush(colours[model])), model)
    sources = [s for s in ("own", "paper", "leaderboard", "demo") if any(p.source == s for p in points)]
    if len(sources) > 1:
        for source in sources:
            legend.addItem(pg.ScatterPlotItem(symbol=SOURCE_SYMBOLS[source], size=10,
                                              pen=pg.mkPen("k"), brush=pg.mkBrush("#bbbbbb")),
                           source_label(source))
    front = pareto_front([(p.x, p.y) for p in points], x_lower, y_higher)
    if len(front) > 1:
        fx = [points[i].x for i in front]
        fy = [points[i].y for i in front]
        plot.plot(fx, fy, pen=pg.mkPen("#555", width=1, style=Qt.PenStyle.DashLine), name=tr("Pareto front"))
    xs = np.array([p.x for p in points], dtype=float)
    ys = np.array([p.y for p in points], dtype=float)
    x_mid = (xs.min() + xs.max()) / 2
    for p in points:
        # labels point inwards (left of points in the right half) so none runs off the plot
        text = pg.TextItem(p.model, color="#333", anchor=(1, 1) if p.x > x_mid else (0, 1))
        text.setPos(p.x, p.y)
        plot.addItem(text)
    x_pad = (xs.max() - xs.min()) * 0.08 or abs(xs.max()) * 0.1 or 1.0
    y_pad = (ys.max() - ys.min()) * 0.12 or abs(ys.max()) * 0.1 or 1.0
    plot.setXRange(xs.min() - x_pad, xs.max() + x_pad, padding=0)
    plot.setYRange(ys.min() - y_pad / 2, ys.max() + y_pad, padding=0)
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
    honest_axes(plot)
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
            plot.setLogMode(x=True)  # the bars are horizontal: the values run along x
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
