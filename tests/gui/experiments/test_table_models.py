"""The leaderboard table marks 'best' only among comparable cells: one dataset, split and
protocol per column (CIFAR-10 test is never compared with train), and a lone value is not best."""

from __future__ import annotations

from PySide6.QtCore import Qt

from scholardesk.analysis.experiments_agg import AggregateRow, leaderboard
from scholardesk.gui.experiments.table_models import LeaderboardModel


def _row(model: str, split: str, mean: float) -> AggregateRow:
    return AggregateRow(model, "CIFAR-10", split, "", "accuracy", mean, None, 1, True)


def _bold(board: LeaderboardModel, model: str, column: str) -> bool:
    assert board.board is not None
    r = board.board.models.index(model)
    c = board.board.datasets.index(column)
    font = board.data(board.index(r, c), Qt.ItemDataRole.FontRole)
    return font is not None and font.bold()


def test_best_is_marked_only_within_one_split_and_never_for_a_lone_value(qtbot: object) -> None:
    # MLP's 93.0 on train would beat CNN's 71.5 if the splits were compared
    rows = [_row("MLP", "train", 93.0), _row("MLP", "test", 49.0), _row("CNN", "test", 71.5)]
    model = LeaderboardModel()
    model.set_board(leaderboard(rows, "accuracy"))
    assert model.columnCount() == 2
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(2)]
    assert all("test" in h or "train" in h for h in headers)  # the split is visible
    test_col = next(h for h in headers if "test" in h)
    train_col = next(h for h in headers if "train" in h)
    assert _bold(model, "CNN", test_col)  # 71.5 beats MLP's 49.0 on test
    assert not _bold(model, "MLP", test_col)
    assert not _bold(model, "MLP", train_col)  # alone on train: not "best"
    assert model.board is not None
    cnn = model.board.models.index("CNN")
    assert model.data(model.index(cnn, headers.index(train_col))) == "—"  # no CNN train value
