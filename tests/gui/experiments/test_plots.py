"""The shared experiment plots (page and ``experiments plot``): honest axes without SI-prefix
scaling, one readable label per bar, legends beside the data, distinct and stable colours, and
scatter legends that show the points' own colours."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pyqtgraph as pg
import pytest

from scholardesk.analysis.experiments_agg import AggregateRow
from scholardesk.domain.experiments import ScatterPoint
from scholardesk.gui.plots import (
    PALETTE,
    ColourBook,
    CurvePlot,
    bar_labels,
    draw_bars,
    draw_scatter,
)


@pytest.fixture
def plot(qtbot: Any) -> Iterator[pg.PlotItem]:
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(1000, 600)
    widget.show()
    yield widget.getPlotItem()


def _row(model: str, mean: float, split: str = "test", dataset: str = "ETTh1") -> AggregateRow:
    return AggregateRow(model, dataset, split, "", "rmse", mean, 0.01, 3, False)


def test_a_bar_chart_of_small_values_labels_its_axis_honestly(plot: pg.PlotItem, qtbot: Any) -> None:
    plot.setLabel("bottom", "step")  # left over from the curves
    draw_bars(plot, [_row("LSTM", 0.812), _row("Transformer", 0.653)])
    qtbot.wait(50)
    axis = plot.getAxis("bottom")  # horizontal bars: the values run along x
    assert not axis.autoSIPrefix and not plot.getAxis("left").autoSIPrefix
    assert axis.labelString().count("x0.001") == 0
    assert "rmse (ETTh1 · test)" in axis.labelString()
    assert "step" not in axis.labelString()
    low, high = plot.viewRange()[0]
    assert high < 2  # the scale is 0–0.8, not 0–800
    assert axis.tickStrings([0.2, 0.4], 1.0, 0.2) == ["0.2", "0.4"]


def test_bars_have_one_distinct_label_each(plot: pg.PlotItem) -> None:
    rows = [_row("MLP", 0.49), _row("MLP", 0.52, split="train"), _row("CNN", 0.71)]
    labels, shared = bar_labels(rows)
    assert labels == ["MLP · test", "MLP · train", "CNN · test"]
    assert shared == "ETTh1"
    draw_bars(plot, rows)
    ticks = plot.getAxis("left")._tickLevels[0]
    assert [text for _pos, text in ticks] == labels
    assert bar_labels([_row("A", 1.0), _row("B", 2.0)]) == (["A", "B"], "ETTh1 · test")


def test_colours_stay_distinct_for_twenty_names_and_do_not_depend_on_order() -> None:
    names = [f"model-{i}" for i in range(20)]
    colours = ColourBook().colours(names)
    assert len({c.name() for c in colours.values()}) == 20
    assert len(PALETTE) == 20
    backwards = ColourBook().colours(list(reversed(names)))
    assert {n: c.name() for n, c in colours.items()} == {n: c.name() for n, c in backwards.items()}
    # ten names or fewer use the ten most distinct colours
    few = ColourBook().colours(names[:10])
    assert {c.name() for c in few.values()} == {QColorName for QColorName in PALETTE[:10]}


def test_a_name_keeps_its_colour_across_redraws() -> None:
    book = ColourBook()
    first = book.colours(["MLP", "CNN", "ResNet"])
    again = book.colours(["CNN"])  # only one selected
    assert again["CNN"] == first["CNN"]
    more = book.colours(["MLP", "CNN", "ResNet", "ViT"])
    assert all(more[n] == first[n] for n in first)
    assert len({c.name() for c in more.values()}) == 4


def test_curve_colours_follow_the_run_not_its_position(plot: pg.PlotItem) -> None:
    curves = CurvePlot(plot)
    x = np.arange(5.0)
    items = [(k, f"run {k}", x, x * k) for k in range(6)]
    curves.set_curves(items)
    before = {k: curves.curves[k].opts["pen"].color().name() for k in range(6)}
    assert len(set(before.values())) == 6
    curves.set_curves([items[4], items[2]])  # a selection of two runs
    assert {k: curves.curves[k].opts["pen"].color().name() for k in (4, 2)} == {
        4: before[4], 2: before[2]}


def test_the_curve_legend_sits_beside_the_curves(plot: pg.PlotItem, qtbot: Any) -> None:
    curves = CurvePlot(plot)
    x = np.arange(50.0)
    curves.set_curves([(k, f"MLP seed {k}", x, np.exp(-x / 10) + k) for k in range(3)])
    qtbot.wait(50)
    legend = curves.legend
    assert len(legend.items) == 3
    view = plot.vb.sceneBoundingRect()
    box = legend.sceneBoundingRect()
    assert box.width() > 50
    assert view.intersected(box).width() < 1  # at most the shared edge


def test_scatter_legend_shows_each_model_in_its_points_colour(plot: pg.PlotItem, qtbot: Any) -> None:
    points = [
        ScatterPoint(1, "e", "ResNet-50", "own", 25.6, 76.1),
        ScatterPoint(2, "e", "ViT-B/16", "paper", 86.0, 81.8),
        ScatterPoint(3, "e", "ConvNeXt-T", "own", 28.0, 82.1),
    ]
    draw_scatter(plot, points, "params", "top-1")
    qtbot.wait(50)
    drawn: dict[str, str] = {}
    for item in plot.items:
        if isinstance(item, pg.ScatterPlotItem):
            for spot in item.points():
                model = next(p.model for p in points if p.run_id == spot.data())
                drawn[model] = spot.brush().color().name()
    legend = {label.text: sample.item.opts["brush"].color().name()
              for sample, label in plot.legend.items if label.text in drawn}
    assert legend == drawn and len(set(drawn.values())) == 3
    # every label lies inside the view: none runs off the right edge
    x_low, x_high = plot.viewRange()[0]
    for item in plot.items:
        if isinstance(item, pg.TextItem):
            rect = item.mapRectToView(item.boundingRect())
            assert x_low <= rect.left() and rect.right() <= x_high
