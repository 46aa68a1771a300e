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
    assert run.experiment == "Default (MLFlow_Framework_z_mlruns/0)"
    assert run.name == "amusing-dove-33"
    assert run.model == "amusing-dove-33 (run name)"  # no param or tag names the model
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
    assert run.experiment == "Speech model simple rnn (Swahili-Speech-To-Text_mlruns/1)"
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


def test_two_stores_default_experiments_stay_apart(
    real_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    other = tmp_path / "project" / "mlruns"
    shutil.copytree(real_fixture(ELASTIC), other)
    here = {r.experiment for p in parse_store(real_fixture(ELASTIC)) for r in p.runs}
    there = {r.experiment for p in parse_store(other) for r in p.runs}
    assert here == {"Default (MLFlow_Framework_z_mlruns/0)"}
    assert there == {"Default (project/mlruns/0)"}


@pytest.mark.parametrize(("where", "key"), [("params", "model"), ("tags", "model_name"),
                                            ("params", "estimator_name")])
def test_the_model_comes_from_a_param_or_tag(
    real_fixture: Callable[[str], Path], tmp_path: Path, where: str, key: str
) -> None:
    tree = tmp_path / "mlruns"
    shutil.copytree(real_fixture(ELASTIC), tree)
    run_dir = tree / "0" / "fe38f88ec2fc4c1eb70da9f9b1ff384e"
    (run_dir / where / key).write_text("ElasticNet", encoding="utf-8")
    (run,) = parse_run(run_dir).runs
    assert run.model == "ElasticNet" and run.name == "amusing-dove-33"


def test_a_params_link_to_a_secret_is_refused_and_never_read(
    real_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    secret = tmp_path / "id_rsa"
    secret.write_text("-----BEGIN OPENSSH PRIVATE KEY----- s3cr3t", encoding="utf-8")
    tree = tmp_path / "store" / "mlruns"
    shutil.copytree(real_fixture(ELASTIC), tree)
    run_dir = tree / "0" / "fe38f88ec2fc4c1eb70da9f9b1ff384e"
    (run_dir / "params" / "key").symlink_to(secret)
    parsed = parse_run(run_dir)
    (run,) = parsed.runs
    assert run.params == {"alpha": "0.5", "l1_ratio": "0.5"}  # the rest still imports
    messages = dict(parsed.errors)
    assert "outside the imported folder" in messages[str(run_dir / "params" / "key")]
    assert "s3cr3t" not in repr(parsed)


def test_a_metrics_link_to_etc_passwd_is_not_echoed(
    real_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    outside = tmp_path / "passwd"
    outside.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    tree = tmp_path / "mlruns"
    shutil.copytree(real_fixture(ELASTIC), tree)
    run_dir = tree / "0" / "fe38f88ec2fc4c1eb70da9f9b1ff384e"
    (run_dir / "metrics" / "passwd").symlink_to(outside)
    parsed = parse_run(run_dir)
    assert "root:x" not in repr(parsed.errors)
    assert any("passwd" in key and "link" in msg for key, msg in parsed.errors)


def test_a_params_folder_linked_out_of_the_run_is_refused(
    real_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "token").write_text("hunter2", encoding="utf-8")
    tree = tmp_path / "mlruns"
    shutil.copytree(real_fixture(ELASTIC), tree)
    run_dir = tree / "0" / "fe38f88ec2fc4c1eb70da9f9b1ff384e"
    shutil.rmtree(run_dir / "params")
    (run_dir / "params").symlink_to(elsewhere, target_is_directory=True)
    parsed = parse_run(run_dir)
    assert "hunter2" not in repr(parsed)
    assert any(key.endswith("params") for key, _ in parsed.errors)


def test_a_bad_metric_line_is_described_not_quoted(
    real_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    tree = tmp_path / "mlruns"
    shutil.copytree(real_fixture(ELASTIC), tree)
    run_dir = tree / "0" / "fe38f88ec2fc4c1eb70da9f9b1ff384e"
    with (run_dir / "metrics" / "mae").open("a", encoding="utf-8") as fh:
        fh.write("root:x:0:0:root:/root:/bin/bash\n")
    messages = " ".join(m for _, m in parse_run(run_dir).errors)
    assert "root:x" not in messages and "31 characters in 1 field" in messages
