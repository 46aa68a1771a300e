"""pyqtgraph plots of the Review times page: histogram of one interval, box plot of every
interval (box = P25–P75, whiskers = P10–P90, line = median), and the median by year. Items
are created once and updated with ``setData``/``setOpts``; export to PNG or SVG."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

from scholardesk.core.i18n import tr
from scholardesk.domain.reviews import IntervalStats
from scholardesk.gui.reviews.table_models import interval_label

pg.setConfigOptions(antialias=True, background="w", foreground="k")

BLUE = QColor("#1f77b4")
ORANGE = QColor("#ff7f0e")


class ReviewPlots(pg.GraphicsLayoutWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setMinimumHeight(240)
        self.hist = self.addPlot(row=0, col=0)
        self.hist.setLabel("bottom", tr("days"))
        self.hist.setLabel("left", tr("articles"))
        self.hist.showGrid(x=True, y=True, alpha=0.2)
        self.hist_item = pg.BarGraphItem(x=[], height=[], width=1.0, brush=BLUE, pen=pg.mkPen("w"))
        self.hist.addItem(self.hist_item)
        self.median_line = pg.InfiniteLine(angle=90, pen=pg.mkPen(ORANGE, width=2))
        self.hist.addItem(self.median_line)

        self.box = self.addPlot(row=0, col=1)
        self.box.setTitle(tr("Days per interval"))
        self.box.showGrid(y=True, alpha=0.2)
        self.box_item = pg.BarGraphItem(x=[], height=[], y0=[], width=0.6,
                                        brush=QColor(31, 119, 180, 90), pen=pg.mkPen(BLUE))
        self.box.addItem(self.box_item)
        self.whiskers = pg.PlotDataItem(pen=pg.mkPen("k"), connect="pairs")
        self.medians = pg.PlotDataItem(pen=pg.mkPen(ORANGE, width=3), connect="pairs")
        self.box.addItem(self.whiskers)
        self.box.addItem(self.medians)
        self.box.getAxis("bottom").setHeight(42)

        self.trend = self.addPlot(row=0, col=2)
        self.trend.setTitle(tr("Median by year"))
        self.trend.setLabel("left", tr("days"))
        self.trend.showGrid(x=True, y=True, alpha=0.2)
        self.trend_curve = self.trend.plot([], [], pen=pg.mkPen(BLUE, width=2), symbol="o",
                                           symbolBrush=BLUE, symbolSize=7)

    def show_histogram(self, interval: str, values: np.ndarray, median: float | None) -> None:
        self.hist.setTitle(interval_label(interval))
        if values.size == 0:
            self.hist_item.setOpts(x=[], height=[], width=1.0)
            self.median_line.setVisible(False)
            return
        bins = int(min(40, max(5, np.sqrt(values.size) * 2)))
        counts, edges = np.histogram(values, bins=bins)
        centers = (edges[:-1] + edges[1:]) / 2
        self.hist_item.setOpts(x=centers, height=counts, width=float(edges[1] - edges[0]) * 0.95)
        if median is not None:
            self.median_line.setValue(median)
            self.median_line.setVisible(True)
        self.hist.autoRange()

    def show_boxes(self, stats: Sequence[IntervalStats]) -> None:
        xs, lows, heights, whisk, meds = [], [], [], [], []
        labels = []
        for i, s in enumerate(stats):
            labels.append((i, interval_label(s.interval).replace(" → ", "→\n")))
            if not s.n or s.p25_days is None or s.p75_days is None:
                continue
            xs.append(i)
            lows.append(s.p25_days)
            heights.append(s.p75_days - s.p25_days)
            whisk += [(i, s.p10_days), (i, s.p25_days), (i, s.p75_days), (i, s.p90_days)]
            meds += [(i - 0.3, s.median_days), (i + 0.3, s.median_days)]
        self.box_item.setOpts(x=xs, y0=lows, height=heights, width=0.6)
        self.whiskers.setData(np.array([w[0] for w in whisk], dtype=float),
                              np.array([w[1] for w in whisk], dtype=float))
        self.medians.setData(np.array([m[0] for m in meds], dtype=float),
                             np.array([m[1] for m in meds], dtype=float))
        self.box.getAxis("bottom").setTicks([labels])
        self.box.autoRange()

    def show_trend(self, years: np.ndarray, medians: np.ndarray) -> None:
        self.trend_curve.setData(years, medians)
        self.trend.getAxis("bottom").setTicks([[(float(y), str(int(y))) for y in years]])
        if len(years):
            self.trend.autoRange()

    def export(self, path: Path) -> Path:
        """PNG through pyqtgraph's exporter; SVG by painting the widget into QSvgGenerator
        (pyqtgraph's SVG exporter cannot read the path data recent Qt versions write)."""
        if path.suffix.lower() == ".svg":
            from PySide6.QtCore import QRect, QSize
            from PySide6.QtGui import QPainter
            from PySide6.QtSvg import QSvgGenerator

            generator = QSvgGenerator()
            generator.setFileName(str(path))
            size = QSize(max(1, self.width()), max(1, self.height()))
            generator.setSize(size)
            generator.setViewBox(QRect(0, 0, size.width(), size.height()))
            generator.setTitle(tr("Review times"))
            painter = QPainter(generator)
            try:
                self.render(painter)
            finally:
                painter.end()
            return path
        from pyqtgraph import exporters

        exporter: Any = exporters.ImageExporter(self.scene())
        exporter.parameters()["width"] = max(1200, int(self.width()))
        if not exporter.export(str(path)) and not path.exists():
            raise OSError(f"Could not write {path}")
        return path
