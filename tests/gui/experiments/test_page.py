"""The Experiments page: loads in the background, filters runs, pivots, plots, exports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from scholardesk.gui.experiments.page import ExperimentsPage
from scholardesk.gui.tasks import TaskRunner
from scholardesk.services.context import Services

DATA = Path(__file__).resolve().parents[2] / "data" / "experiments"


@pytest.fixture
def runner(qtbot: object) -> Iterator[TaskRunner]:
    r = TaskRunner()
    TaskRunner.set_default(r)
    yield r
    r.shutdown()
    TaskRunner.set_default(None)


def _wait(runner: TaskRunner) -> None:
    for _ in range(4):
        runner.wait_idle(30)


def test_page_loads_filters_pivots_and_plots(qtbot, runner: TaskRunner, services: Services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    services.experiments.load_sample()
    services.experiments.import_paths([DATA / "lunarlander_long.csv"], experiment="LL")
    page = ExperimentsPage(services)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    page.refresh()
    _wait(runner)
    names = [page.exp_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(page.exp_list.count())]
    assert "LL" in names and "HELM MMLU (all subjects)" in names
    # the first view is an experiment with curves, drawn as curves
    assert page.current == "Demo training curves (synthetic)"
    assert page.curve_plot is not None and len(page.curve_plot.curves) == 6
    page.smooth.setValue(60)
    assert page.curve_plot.smoothing == pytest.approx(0.6)

    page.exp_list.setCurrentRow(names.index("LL"))
    _wait(runner)
    assert page.runs_model.rowCount() == 5
    page.filter_edit.setText("policy")
    assert page.proxy.rowCount() == 5
    page.filter_edit.setText("transformer")
    assert page.proxy.rowCount() == 0
    page.filter_edit.clear()
    # no curves here: the plot switches to a bar chart with error bars
    assert page.kind.currentData() == "bar"
    page.tabs.setCurrentIndex(1)
    board = page.board_model
    assert board.rowCount() == 1 and board.columnCount() == 1
    text = board.data(board.index(0, 0))
    assert text.startswith("201.9 ± 94.21") and "(n=5)" in text

    out = tmp_path / "plot.png"
    from scholardesk.gui.plots import export_plot

    export_plot(page.plot, out)
    assert out.read_bytes()[:4] == b"\x89PNG"


def test_duplicates_are_flagged_on_the_page(qtbot, runner: TaskRunner, services: Services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    copy = tmp_path / "copy.csv"
    copy.write_text((DATA / "lunarlander_long.csv").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    services.experiments.import_paths([DATA / "lunarlander_long.csv", copy], experiment="LL")
    page = ExperimentsPage(services)
    qtbot.addWidget(page)
    page.refresh()
    _wait(runner)
    assert page.current == "LL"
    assert "⚠" in page.duplicates_label.text()
    cell = page.board_model.data(page.board_model.index(0, 0))
    assert "(n=5)" in cell and "⚠" in cell
    assert len(page.runs_model.duplicate_ids) == 10
