"""The Models page at exit and at a glance: the process ends cleanly after a screenshot (no
``Fatal Python error: bool_dealloc``), the benchmark legend sits above the bars, and the user's
own models list before the demos."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from scholardesk.domain.models import BenchResult

pytestmark = pytest.mark.gui


def test_emitting_a_signal_keeps_the_reference_to_true(qapp: Any) -> None:
    """PySide6 6.12.0 on Python 3.11 returned True from ``emit()`` without a reference: every
    emit (pyqtgraph emits on each repaint) took one away, and at exit the count reached zero
    (``bool_dealloc``, exit 134). pyproject excludes that release; this guards the one installed."""
    from PySide6.QtCore import QObject, Signal

    class Emitter(QObject):
        fired = Signal()

    emitter = Emitter()
    before = sys.getrefcount(True)
    for _ in range(200):
        emitter.fired.emit()
    assert sys.getrefcount(True) - before > -50


def test_repainting_a_plot_keeps_the_reference_to_true(qapp: Any) -> None:
    from scholardesk.gui.models.plots import BenchPlot

    plot = BenchPlot()
    plot.widget.resize(400, 300)
    plot.widget.show()
    plot.widget.grab()
    before = sys.getrefcount(True)
    for _ in range(60):
        plot.widget.grab()
    assert sys.getrefcount(True) - before > -30
    plot.widget.close()


def test_models_screenshot_exits_cleanly_three_times(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    home = tmp_path / "home"
    for attempt in range(3):
        out = tmp_path / f"models{attempt}.png"
        done = subprocess.run(
            [sys.executable, "-m", "scholardesk", "--home", str(home), "gui", "--screenshot",
             str(out), "--page", "models", "--size", "1280x800"],
            env=env, capture_output=True, text=True, timeout=180,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        assert "Fatal Python error" not in done.stderr
        assert out.stat().st_size > 10_000


def _bench(batch: int, p50: float, p90: float, p99: float) -> BenchResult:
    return BenchResult(
        batch=batch, warmup=1, runs=10, p50_ms=p50, p90_ms=p90, p99_ms=p99, mean_ms=p50,
        throughput_per_s=1000.0 / p50, peak_memory_mb=1.0, provider_requested="cpu",
        providers_used=("CPUExecutionProvider",), device="cpu",
    )


@pytest.mark.parametrize("size", [(420, 220), (780, 300), (1200, 420)])
def test_benchmark_legend_does_not_cover_the_bars(qapp: Any, size: tuple[int, int]) -> None:
    from scholardesk.gui.models.plots import BenchPlot

    plot = BenchPlot()
    plot.widget.resize(*size)
    plot.widget.show()
    qapp.processEvents()
    plot.set_results([_bench(1, 9.0, 9.6, 10.0), _bench(8, 40.0, 41.0, 42.0)])
    qapp.processEvents()
    legend = plot.legend.sceneBoundingRect()
    assert legend.width() > 0
    for bar in plot.bars.values():
        assert not legend.intersects(bar.sceneBoundingRect()), (legend, bar.sceneBoundingRect())
    plot.widget.close()


def test_own_models_list_before_the_demos_in_either_sort_order(
    services: Any, qtbot: Any, real_fixture: Any
) -> None:
    from PySide6.QtCore import Qt

    from scholardesk.gui.models.page import ModelsPage
    from scholardesk.gui.tasks import TaskRunner

    runner = TaskRunner()
    TaskRunner.set_default(runner)
    try:
        services.models.load_sample()
        services.models.add(real_fixture("onnx/wonnx_opt-mnist.onnx"), name="Zebra MNIST")
        services.models.add(real_fixture("onnx/silero_vad_16k_op15.onnx"), name="Alpha VAD")
        page = ModelsPage(services)
        qtbot.addWidget(page)
        page.show()
        page.refresh()
        runner.wait_idle(30)
        runner.wait_idle(30)

        def names() -> list[str]:
            return [page.proxy.index(r, 0).data() for r in range(page.proxy.rowCount())]

        assert names()[:2] == ["Alpha VAD", "Zebra MNIST"]
        assert all(n.endswith("(demo)") for n in names()[2:]) and len(names()) == 6
        assert page.selected_model() is not None and page.selected_model().name == "Alpha VAD"
        page.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        assert names()[:2] == ["Zebra MNIST", "Alpha VAD"]
        page.table.sortByColumn(2, Qt.SortOrder.AscendingOrder)  # parameters, numerically
        assert names()[:2] == ["Zebra MNIST", "Alpha VAD"]
        runner.wait_idle(30)
    finally:
        runner.shutdown()
        TaskRunner.set_default(None)
