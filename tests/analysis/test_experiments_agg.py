"""Aggregation across seeds, best per column, relative change, duplicates, EMA, Pareto."""

from __future__ import annotations

import numpy as np
import pytest

from scholardesk.analysis.experiments_agg import (
    aggregate,
    duplicate_groups,
    ema,
    leaderboard,
    pareto_front,
)
from scholardesk.domain.experiments import ResultValue, RunRecord, run_fingerprint

REWARDS = [257.78, 34.99, 227.04, 234.80, 254.89]  # LunarLander, five test episodes


def run(i: int, model: str, value: float, seed: int | None, metric: str = "reward", dataset: str = "LL") -> RunRecord:
    fp = run_fingerprint(model, dataset, "", "", seed, "", "", {}, "own", "", {metric: value})
    return RunRecord(
        i, "e", model, model, dataset, "", "", seed, "", "", {}, "own", "",
        (ResultValue(metric, value, metric != "loss"),), fp,
    )


def test_mean_std_n_over_seeds() -> None:
    runs = [run(i, "PG", v, i) for i, v in enumerate(REWARDS)]
    (row,) = aggregate(runs)
    assert row.n == 5 and row.mean == pytest.approx(201.90)
    assert row.std == pytest.approx(float(np.std(REWARDS, ddof=1)))
    assert row.duplicates == 0


def test_duplicates_are_counted_once_and_reported() -> None:
    runs = [run(1, "PG", 257.78, 1), run(2, "PG", 34.99, 2), run(3, "PG", 257.78, 1)]
    (row,) = aggregate(runs)
    assert row.n == 2 and row.duplicates == 1
    assert row.mean == pytest.approx((257.78 + 34.99) / 2)
    (group,) = duplicate_groups(runs)
    assert group.run_ids == (1, 3)


def test_best_per_column_and_relative_change() -> None:
    runs = [
        run(1, "MLP", 49.0, None, "acc", "CIFAR-10"),
        run(2, "CNN", 71.5, None, "acc", "CIFAR-10"),
        run(3, "MLP", 1.45, None, "loss", "CIFAR-10"),
        run(4, "CNN", 0.80, None, "loss", "CIFAR-10"),
    ]
    rows = {(r.model, r.metric): r for r in aggregate(runs, baseline="MLP")}
    assert rows[("CNN", "acc")].best and not rows[("MLP", "acc")].best
    assert rows[("CNN", "loss")].best  # lower is better
    assert rows[("CNN", "acc")].relative_change == pytest.approx((71.5 - 49.0) / 49.0 * 100)
    assert rows[("MLP", "acc")].relative_change == 0.0
    board = leaderboard(aggregate(runs), "acc")
    assert board.models == ("CNN", "MLP") and board.datasets == ("CIFAR-10",)


def test_ema_matches_the_recurrence() -> None:
    x = np.random.default_rng(0).normal(size=1000)
    w = 0.9
    s, expect = 0.0, []
    for i, v in enumerate(x, 1):
        s = w * s + (1 - w) * v
        expect.append(s / (1 - w**i))
    assert np.allclose(ema(x, w), expect)
    assert np.array_equal(ema(x, 0.0), x)


def test_pareto_front_latency_vs_accuracy() -> None:
    pts = [(1.0, 0.7), (2.0, 0.8), (3.0, 0.75), (0.5, 0.6), (4.0, 0.9)]
    assert pareto_front(pts) == [3, 0, 1, 4]


def test_the_leaderboard_keeps_splits_apart() -> None:
    from dataclasses import replace

    runs = [
        run(1, "MLP", 49.0, None, "acc", "CIFAR-10"),
        run(2, "CNN", 71.5, None, "acc", "CIFAR-10"),
        replace(run(3, "MLP", 51.9, None, "acc", "CIFAR-10"), split="train"),
    ]
    runs[0] = replace(runs[0], split="test")
    runs[1] = replace(runs[1], split="test")
    board = leaderboard(aggregate(runs), "acc")
    assert board.datasets == ("CIFAR-10 · test", "CIFAR-10 · train")
    assert board.columns == (("CIFAR-10", "test", ""), ("CIFAR-10", "train", ""))
    mlp_test, cnn_test = board.cell("MLP", "CIFAR-10 · test"), board.cell("CNN", "CIFAR-10 · test")
    mlp_train = board.cell("MLP", "CIFAR-10 · train")
    assert mlp_test is not None and mlp_test.mean == 49.0 and not mlp_test.best
    assert cnn_test is not None and cnn_test.best
    assert mlp_train is not None and mlp_train.mean == 51.9 and not mlp_train.best  # alone
