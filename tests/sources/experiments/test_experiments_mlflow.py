"""MLflow file stores read without MLflow: the two real mlruns trees."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from scholardesk.sources.experiments.mlflow import parse_run, parse_store, run_folders

ELASTIC = "mlflow/MLFlow_Framework_z_mlruns"
SWAHILI = "mlflow/Swahili-Speech-To-Text_mlruns"


def test_elasticnet_runs_with_params_and_metrics(real_fixture: Callable[[str], Path]) -> None:
    parsed = parse_store(real_fixture(ELASTIC))
    assert len(parsed) == 3 and all(not p.errors for p in parsed)
    runs = {p.runs[0].params["alpha"]: p.runs[0] for p in parsed}
    assert set(runs) == {"0.5", "0.6", "0.3"}
    run = runs["0.5"]
    assert run.experiment == "Default" and run.name == "amusing-dove-33"
    assert run.params == {"alpha": "0.5", "l1_ratio": "0.5"}
    values = {r.metric: r.value for r in run.result_values}
    assert values == {
        "mae": 0.6271946374319586,
        "r2": 0.10862644997792614,
        "rmse": 0.7931640229276851,
    }
    hib = {r.metric: r.higher_is_better for r in run.result_values}
    assert hib == {"mae": False, "r2": True, "rmse": False}
    assert runs["0.6"].params["l1_ratio"] == "0.9"
    assert runs["0.3"].result_values[0].value == pytest.approx(0.5984406933733759)


def test_keras_autolog_run_has_ten_epochs_of_loss(real_fixture: Callable[[str], Path]) -> None:
    (parsed,) = parse_store(real_fixture(SWAHILI))
    (run,) = parsed.runs
    assert run.experiment == "Speech model simple rnn"
    (loss,) = run.series
    assert list(loss.steps) == list(range(10))
    assert loss.values[0] == pytest.approx(332.68, abs=0.01)
    assert loss.values[-1] == pytest.approx(234.80, abs=0.01)
    assert run.result_values[0].value == pytest.approx(234.7978057861328)
    assert run.params["epochs"] == "10" and run.params["opt_learning_rate"] == "0.002"
    assert len(run.params) == 20
    assert run.framework.startswith("mlflow (")


def test_missing_meta_and_bad_metric_lines_are_reported(
    real_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    tree = tmp_path / "mlruns"
    shutil.copytree(real_fixture(ELASTIC), tree)
    run_dir = tree / "0" / "fe38f88ec2fc4c1eb70da9f9b1ff384e"
    (run_dir / "meta.yaml").unlink()
    with (run_dir / "metrics" / "mae").open("a", encoding="utf-8") as fh:
        fh.write("1697466819999 not-a-number 1\n")
    assert run_dir in run_folders(tree)
    parsed = parse_run(run_dir)
    messages = dict(parsed.errors)
    assert any("meta.yaml" in key for key in messages)
    bad_line = next(k for k in messages if k.endswith("mae:2"))
    assert "timestamp value step" in messages[bad_line]
    (run,) = parsed.runs  # still imported, with the valid values
    assert {r.metric: r.value for r in run.result_values}["mae"] == 0.6271946374319586
