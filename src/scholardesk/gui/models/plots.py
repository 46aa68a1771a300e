"""Plots of the Models page: top-k bars, a waveform with speech segments, and benchmark
latencies. Items are created once and updated with ``setData``/``setOpts``."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

from scholardesk.core.i18n import tr
from scholardesk.domain.models import BenchResult, LabelScore, RunResult

BLUE = "#2b6cb0"
GREEN = "#2f855a"
ORANGE = "#dd6b20"
RED = "#c53030"


def _plot_widget() -> pg.PlotWidget:
    widget = pg.PlotWidget(background="w")
    widget.setMinimumHeight(160)
    item = widget.getPlotItem()
    item.showGrid(x=True, y=True, alpha=0.2)
    item.setMenuEnabled(False)
    return widget


class TopKPlot:
    """Horizontal bars: one per label, longest on top."""

    def __init__(self) -> None:
        self.widget = _plot_widget()
        self.plot = self.widget.getPlotItem()
        self.plot.setLabel("bottom", tr("Probability"))
        self.bars = pg.BarGraphItem(x0=[], y=[], height=0.6, width=[], brush=BLUE)
        self.plot.addItem(self.bars)
        self.texts: list[pg.TextItem] = []

    def set_scores(self, scores: Sequence[LabelScore]) -> None:
        n = len(scores)
        ys = np.arange(n)[::-1].astype(float)
        widths = np.array([s.probability for s in scores], dtype=float)
        self.bars.setOpts(x0=np.zeros(n), y=ys, width=widths, height=0.6)
        for text in self.texts:
            self.plot.removeItem(text)
        self.texts = []
        for y, s in zip(ys, scores, strict=True):
            text = pg.TextItem(f"{s.label}  {s.probability:.1%}", color="k", anchor=(0, 0.5))
            text.setPos(0.01, float(y))
            self.plot.addItem(text)
            self.texts.append(text)
        self.plot.getAxis("left").setTicks([[(float(y), "") for y in ys]])
        self.plot.setXRange(0, 1.0, padding=0.02)
        self.plot.setYRange(-0.6, max(n - 0.4, 0.6), padding=0)


class WaveformPlot:
    """The waveform envelope with speech segments shaded and speech probability on top."""

    def __init__(self) -> None:
        self.widget = _plot_widget()
        self.plot = self.widget.getPlotItem()
        self.plot.setLabel("bottom", tr("Time (s)"))
        self.plot.setClipToView(True)
        self.plot.setDownsampling(auto=True, mode="peak")
        self.wave_top = self.plot.plot(pen=pg.mkPen("#4a5568"))
        self.wave_bottom = self.plot.plot(pen=pg.mkPen("#4a5568"))
        self.fill = pg.FillBetweenItem(self.wave_top, self.wave_bottom, brush=QColor(74, 85, 104, 90))
        self.plot.addItem(self.fill)
        self.probability = self.plot.plot(pen=pg.mkPen(ORANGE, width=2), name=tr("speech probability"))
        self.regions: list[pg.LinearRegionItem] = []

    def set_result(self, result: RunResult) -> None:
        env = np.asarray(result.waveform, dtype=float)
        peak = float(env.max()) if env.size else 1.0
        env = env / (peak or 1.0)
        xs = np.linspace(0.0, result.duration_s, num=env.size) if env.size else np.zeros(0)
        self.wave_top.setData(xs, env)
        self.wave_bottom.setData(xs, -env)
        if result.frame_probabilities:
            probs = np.asarray(result.frame_probabilities, dtype=float)
            self.probability.setData(np.arange(probs.size) * result.frame_s, probs)
        else:
            self.probability.setData([], [])
        for region in self.regions:
            self.plot.removeItem(region)
        self.regions = []
        for seg in result.segments:
            region = pg.LinearRegionItem(
                values=(seg.start_s, seg.end_s), movable=False, brush=QColor(47, 133, 90, 70),
                pen=pg.mkPen(GREEN),
            )
            self.plot.addItem(region)
            self.regions.append(region)
        self.plot.setXRange(0, max(result.duration_s, 0.1), padding=0.01)
        self.plot.setYRange(-1.05, 1.05, padding=0)


class BenchPlot:
    """p50 / p90 / p99 latency per batch size (grouped bars) and throughput (line, right)."""

    def __init__(self) -> None:
        self.widget = _plot_widget()
        self.plot = self.widget.getPlotItem()
        self.plot.setLabel("left", tr("Latency (ms)"))
        self.plot.setLabel("bottom", tr("Batch size"))
        # One row in the top-right corner, above the bars (set_results leaves room for it).
        self.legend = self.plot.addLegend(offset=(-10, 5), colCount=3)
        self.bars = {
            "p50": pg.BarGraphItem(x=[], height=[], width=0.25, brush=BLUE, name="p50"),
            "p90": pg.BarGraphItem(x=[], height=[], width=0.25, brush=ORANGE, name="p90"),
            "p99": pg.BarGraphItem(x=[], height=[], width=0.25, brush=RED, name="p99"),
        }
        for bar in self.bars.values():
            self.plot.addItem(bar)
        self._top = 0.0
        self.plot.getViewBox().sigResized.connect(self._fit_height)

    def set_results(self, results: Sequence[BenchResult]) -> None:
        xs = np.arange(len(results), dtype=float)
        for offset, (key, bar) in zip((-0.27, 0.0, 0.27), self.bars.items(), strict=True):
            heights = [getattr(r, f"{key}_ms") for r in results]
            bar.setOpts(x=xs + offset, height=heights, width=0.25)
        self.plot.getAxis("bottom").setTicks([[(float(x), str(r.batch)) for x, r in zip(xs, results, strict=True)]])
        self._top = max((r.p99_ms for r in results), default=1.0) or 1.0
        self.plot.setXRange(-0.6, max(len(results) - 0.4, 0.6), padding=0)
        self._fit_height()

    def _fit_height(self, *_args: object) -> None:
        if self._top > 0:
            self.plot.setYRange(0, self._top * self._headroom(), padding=0)

    def _headroom(self) -> float:
        """How far above the tallest bar the y axis goes so that the legend never covers a bar."""
        view_height = self.plot.getViewBox().height()
        legend_height = self.legend.boundingRect().height() + 10  # its offset and a margin
        if view_height <= legend_height * 2:
            return 2.0
        return max(1.1, view_height / (view_height - legend_height))
