"""``scholardesk experiments ...`` end to end, JSON checked."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from scholardesk.cli import main

DATA = Path(__file__).resolve().parents[1] / "data" / "experiments"


def _json(capsys: pytest.CaptureFixture[str]) -> object:
    return json.loads(capsys.readouterr().out)


def test_import_table_and_reimport(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], real_fixture: Callable[[str], Path]
) -> None:
    home = ["--home", str(tmp_path)]
    mlruns = str(real_fixture("mlflow/MLFlow_Framework_z_mlruns"))
    assert main([*home, "experiments", "import", mlruns, "--experiment", "wine", "--json"]) == 0
    assert _json(capsys) == {
        "experiment": "wine", "runs": 3, "results": 9, "series_points": 0,
        "skipped_sources": 0, "duplicates": 0, "errors": [],
    }
    assert main([*home, "experiments", "import", mlruns, "--experiment", "wine", "--json"]) == 0
    assert _json(capsys)["skipped_sources"] == 3  # type: ignore[index]
    assert main([*home, "experiments", "table", "--experiment", "wine", "--metric", "rmse", "--json"]) == 0
    rows = _json(capsys)
    assert [(r["model"], round(r["mean"], 4), r["std"], r["n"]) for r in rows] == [  # type: ignore[union-attr]
        ("smiling-ray-807 (run name)", 0.7661, None, 1),
        ("amusing-dove-33 (run name)", 0.7932, None, 1),
        ("unleashed-quail-805 (run name)", 0.8332, None, 1),
    ]
    assert {"model", "dataset", "metric", "mean", "std", "n"} <= set(rows[0])  # type: ignore[index]
    assert main([*home, "experiments", "table", "--experiment", "wine", "--metric", "rmse", "--format", "latex"]) == 0
    assert "smiling-ray-807 (run name) & \\textbf{0.77} \\\\" in capsys.readouterr().out


def test_import_errors_give_exit_1_with_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--home", str(tmp_path), "experiments", "import", str(DATA / "bad_values.csv"), "--json"])
    assert code == 1
    report = _json(capsys)
    assert report["runs"] == 2  # type: ignore[index]
    assert {e["record"] for e in report["errors"]} == {"line 3", "line 5"}  # type: ignore[index]


def test_metric_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["experiments", "metric", "wer", "--ref", str(DATA / "ref.txt"), "--hyp", str(DATA / "hyp.txt"), "--json"]) == 0
    assert _json(capsys) == {"metric": "wer", "value": 0.25, "n": 2}
    assert main(["experiments", "metric", "pass-at-k", "--hyp", str(DATA / "pass_counts.txt"), "--k", "5", "--json"]) == 0
    out = _json(capsys)
    assert out["metric"] == "pass@5" and out["value"] == pytest.approx((1 - 21 / 252 + 0 + 1) / 3)  # type: ignore[index]
    assert main(["experiments", "metric", "bleu", "--hyp", str(DATA / "hyp.txt")]) == 2
    assert "needs --ref" in capsys.readouterr().err


def test_paste_duplicates_and_plot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = ["--home", str(tmp_path)]
    lunar = str(DATA / "lunarlander_long.csv")
    assert main([*home, "experiments", "import", lunar, "--experiment", "LL"]) == 0
    assert "5 runs" in capsys.readouterr().out
    assert main([*home, "experiments", "paste", str(DATA / "helm_mmlu_em.tsv"), "--experiment", "MMLU", "--source", "leaderboard", "--json"]) == 0
    assert _json(capsys)["runs"] == 12  # type: ignore[index]
    assert main([*home, "experiments", "duplicates", "--experiment", "LL", "--json"]) == 0
    assert _json(capsys) == []
    out = tmp_path / "bar.png"
    assert main([*home, "experiments", "plot", "--experiment", "LL", "--kind", "bar", "--metric", "total reward", "--out", str(out)]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = tmp_path / "bar.svg"
    assert main([*home, "experiments", "plot", "--experiment", "LL", "--kind", "bar", "--metric", "total reward", "--out", str(svg)]) == 0
    assert b"<svg" in svg.read_bytes()[:2000]
    assert main([*home, "experiments", "plot", "--experiment", "LL", "--kind", "curves", "--out", str(out)]) == 2
    assert "no training curves" in capsys.readouterr().err


def test_mlflow_params_are_columns_of_runs_and_rows_of_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], real_fixture: Callable[[str], Path]
) -> None:
    home = ["--home", str(tmp_path)]
    mlruns = str(real_fixture("mlflow/MLFlow_Framework_z_mlruns"))
    assert main([*home, "experiments", "import", mlruns, "--experiment", "wine"]) == 0
    capsys.readouterr()
    assert main([*home, "experiments", "runs", "--experiment", "wine"]) == 0
    header, *lines = capsys.readouterr().out.splitlines()
    assert header.split("\t") == ["id", "model", "dataset", "split", "seed", "source",
                                  "alpha", "l1_ratio", "mae", "r2", "rmse"]
    cells = {line.split("\t")[1]: line.split("\t") for line in lines}
    assert cells["amusing-dove-33 (run name)"][6:8] == ["0.5", "0.5"]
    assert main([*home, "experiments", "table", "--experiment", "wine", "--metric", "rmse",
                 "--param", "alpha", "--json"]) == 0
    models = [r["model"] for r in _json(capsys)]  # type: ignore[union-attr]
    assert "amusing-dove-33 (run name) (alpha=0.5)" in models and len(models) == 3
