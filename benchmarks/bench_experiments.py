"""Experiments benchmarks (``make bench``):

- importing a TensorBoard event file with 1,000,000 scalars (written by our own EventWriter,
  valid CRCs) into a fresh library, through ExperimentsService.import_paths: target < 5 s;
- redrawing a 10,000,000-point training curve while panning (CurvePlot: setData once, peak
  downsampling, clip to view), offscreen: target < 100 ms per frame, measured for a zoomed-in
  pan (10 % of the curve visible) and for the whole curve in view.
"""

from __future__ import annotations

import math
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def bench_tensorboard_import(points: int = 1_000_000) -> float:
    from scholardesk.services.experiments import ExperimentsService
    from scholardesk.sources.experiments.tensorboard import EventWriter
    from scholardesk.store import migrate
    from scholardesk.store.db import Database

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "events.out.tfevents.bench"
        with EventWriter(path) as writer:
            for i in range(points):
                tag = "train/loss" if i % 2 else "val/acc"
                writer.add_scalar(tag, math.exp(-i / 1e5), i // 2, 1.7e9 + i * 0.01)
        db = Database(f"sqlite:///{folder / 'library.sqlite'}")
        migrate.upgrade(db)
        svc = ExperimentsService(db)
        started = time.perf_counter()
        report = svc.import_paths([path], experiment="bench")
        elapsed = time.perf_counter() - started
        db.dispose()
        assert report.series_points == points, report.to_json()
        return elapsed


def bench_pan(points: int = 10_000_000, frames: int = 20) -> tuple[float, float]:
    import numpy as np
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    from scholardesk.gui.plots import CurvePlot

    app = QApplication.instance() or QApplication([])
    widget = pg.PlotWidget()
    widget.resize(1200, 700)
    widget.show()
    plot = widget.getPlotItem()
    curves = CurvePlot(plot)
    x = np.arange(points, dtype=float)
    rng = np.random.default_rng(0)
    y = np.exp(-x / 2e6) + rng.normal(0, 0.05, points)
    curves.set_curves([("big", "10M points", x, y)])
    app.processEvents()
    widget.grab()  # first draw

    def frame_times(window: float) -> float:
        times = []
        for i in range(frames):
            start = (points - window) * i / frames
            t0 = time.perf_counter()
            plot.setXRange(start, start + window, padding=0)  # updates the curve's view data
            widget.viewport().repaint()  # one synchronous paint: what a pan frame costs
            times.append(time.perf_counter() - t0)
            app.processEvents()
        return statistics.median(times)

    zoomed = frame_times(points * 0.1)
    plot.enableAutoRange()
    full = frame_times(points * 0.999)
    widget.close()
    widget.deleteLater()
    app.processEvents()
    return zoomed * 1000, full * 1000


def run() -> list[dict[str, object]]:
    tb = bench_tensorboard_import()
    zoomed, full = bench_pan()
    return [
        {"benchmark": "import TensorBoard file, 1M scalars", "value": tb, "unit": "s", "target": "< 5 s"},
        {"benchmark": "pan 10M-point curve (10% in view), per frame", "value": zoomed, "unit": "ms", "target": "< 100 ms"},
        {"benchmark": "pan 10M-point curve (all in view), per frame", "value": full, "unit": "ms", "target": "< 100 ms"},
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
