"""ExperimentsService: recording, importing real TensorBoard/MLflow data, aggregation, export."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from scholardesk.core.errors import InputError, NotFoundError
from scholardesk.domain.experiments import NewRun, ResultValue, Series
from scholardesk.services.context import Services


def test_record_run_stores_results_and_series(services: Services) -> None:
    svc = services.experiments
    run_id = svc.record_run(
        NewRun(
            experiment="mnist demo",
            model="wonnx_opt-mnist",
            dataset="MNIST",
            source="demo",
            hardware="CPU",
            framework="onnxruntime",
            params={"batch": "1"},
            results=[("latency_ms", 0.42, False), ResultValue("accuracy", 0.98, True)],
            series=[Series.of("latency_ms", [0, 1, 2], [0.5, 0.4, 0.42])],
        )
    )
    assert run_id > 0
    (run,) = svc.runs("mnist demo")
    assert run.id == run_id and run.source == "demo" and run.params == {"batch": "1"}
    assert run.value("latency_ms") == 0.42 and run.value("accuracy") == 0.98
    assert [r.higher_is_better for r in run.results] == [False, True]
    (curve,) = svc.series([run_id])
    assert list(curve.series.values) == [0.5, 0.4, 0.42] and list(curve.series.steps) == [0, 1, 2]
    assert [e.name for e in svc.experiments()] == ["mnist demo"]


# -- imports of real files -------------------------------------------------------------
DATA = Path(__file__).resolve().parents[1] / "data" / "experiments"


def _counts(services: Services) -> tuple[int, int]:
    runs = services.experiments.runs()
    return len(runs), sum(len(r.results) for r in runs)


def test_tensorboard_folder_import_groups_seeds(services: Services, real_fixture: Callable[[str], Path]) -> None:
    svc = services.experiments
    report = svc.import_paths([real_fixture("tensorboard/tensorboard-reducer")])
    assert report.to_json() == {
        "experiment": "tensorboard-reducer",
        "runs": 4,
        "results": 6,
        "series_points": 3 * 100 + 3 * 110,
        "skipped_sources": 0,
        "duplicates": 0,
        "errors": [],
    }
    strict = [r for r in svc.runs("tensorboard-reducer") if r.model == "strict"]
    assert sorted(r.seed for r in strict) == [1, 2, 3]
    (row,) = svc.aggregate("tensorboard-reducer", "strict/foo")
    assert row.n == 3
    assert row.mean == pytest.approx((1.212090253829956 + 2.489091396331787 + 3.3318731784820557) / 3)
    curves = svc.curves("tensorboard-reducer", "strict/foo")
    assert len(curves) == 3 and all(len(c.series) == 100 for c in curves)


def test_reimport_changes_nothing(services: Services, real_fixture: Callable[[str], Path]) -> None:
    svc = services.experiments
    paths = [real_fixture("tensorboard/go-tensorboard"), real_fixture("mlflow")]
    first = svc.import_paths(paths)
    before = _counts(services)
    again = svc.import_paths(paths)
    assert first.runs == 5 and before == (5, 11)
    assert again.runs == 0 and again.skipped_sources == 5 and not again.changes
    assert _counts(services) == before
    (tf2,) = svc.runs("go-tensorboard")
    assert tf2.value("my_metric") == 49.5
    (keras,) = svc.runs("Speech model simple rnn (Swahili-Speech-To-Text_mlruns/1)")
    (loss,) = svc.series([keras.id])
    assert loss.series.values[0] == pytest.approx(332.6841735839844)


def test_same_run_entered_twice_is_shown_not_averaged(services: Services, tmp_path: Path) -> None:
    svc = services.experiments
    copy = tmp_path / "again.csv"
    shutil.copy(DATA / "lunarlander_long.csv", copy)
    svc.import_paths([DATA / "lunarlander_long.csv"], experiment="LL")
    with copy.open("a", encoding="utf-8") as fh:  # a different file that repeats a run
        fh.write("Policy Gradient,LunarLander-v2,6,total reward,100.0\n")
    report = svc.import_paths([copy], experiment="LL")
    assert report.runs == 6 and report.duplicates == 5
    (row,) = svc.aggregate("LL")
    assert row.n == 6 and row.duplicates == 5
    assert row.mean == pytest.approx((257.78 + 34.99 + 227.04 + 234.80 + 254.89 + 100.0) / 6)
    groups = svc.duplicates("LL")
    assert len(groups) == 5 and all(len(g.run_ids) == 2 for g in groups)


def test_truncated_event_file_imports_the_valid_part(
    services: Services, real_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    src = real_fixture("tensorboard/go-tensorboard/events.out.tfevents.1585499054.Jaakkos-Mac-mini.local.11684.5.v2")
    cut = tmp_path / src.name
    cut.write_bytes(src.read_bytes()[:-30])
    report = services.experiments.import_paths([cut], experiment="cut")
    assert report.runs == 1 and report.series_points == 99
    ((source, record, message),) = report.errors
    assert source == str(cut) and "record 101" in record and "truncated" in message


def test_bad_csv_rows_are_reported_and_the_rest_imported(services: Services) -> None:
    report = services.experiments.import_paths(
        [DATA / "bad_values.csv", DATA / "missing_column.csv"], experiment="bad"
    )
    assert report.runs == 2
    where = {(Path(s).name, r) for s, r, _ in report.errors}
    assert ("bad_values.csv", "line 3") in where and ("bad_values.csv", "line 5") in where
    assert any(s.endswith("missing_column.csv") for s, _, _ in report.errors)
    assert sorted(r.model for r in services.experiments.runs("bad")) == ["MLP", "ResNet"]


def test_log_template_and_pasted_table(services: Services) -> None:
    svc = services.experiments
    report = svc.import_paths(
        [DATA / "train_valid.log"], experiment="hw3", template="[ Valid | {epoch}/{total} ] loss = {loss}, acc = {acc}"
    )
    assert report.runs == 1 and report.series_points == 6
    text = (DATA / "helm_mmlu_em.tsv").read_text(encoding="utf-8")
    pasted = svc.import_pasted_table(text, "MMLU", reference="HELM", source="leaderboard", dataset="MMLU")
    assert pasted.runs == 12
    assert svc.import_pasted_table(text, "MMLU", reference="HELM", source="leaderboard", dataset="MMLU").runs == 0
    board = svc.leaderboard("MMLU", "HELM MMLU All Subjects - EM")
    assert board.models[0] == "Claude 3.5 Sonnet (20241022)"
    assert board.cell("DeepSeek v3", "MMLU").mean == 0.872  # type: ignore[union-attr]
    tex = svc.export_table("MMLU", fmt="latex", decimals=3)
    assert "Claude 3.5 Sonnet (20241022) & \\textbf{0.873} \\\\" in tex


def test_unknown_files_and_experiments(services: Services, tmp_path: Path) -> None:
    odd = tmp_path / "weights.bin"
    odd.write_bytes(b"\0\1")
    report = services.experiments.import_paths([odd, tmp_path / "absent.csv"])
    assert report.runs == 0 and len(report.errors) == 2
    with pytest.raises(NotFoundError):
        services.experiments.runs("no such experiment")
    with pytest.raises(InputError):
        services.experiments.export_table("x", fmt="docx")


def test_compute_metric_and_record_it(services: Services) -> None:
    svc = services.experiments
    result = svc.compute_metric(
        "wer", DATA / "ref.txt", DATA / "hyp.txt",
        record=NewRun(experiment="asr", model="whisper-tiny", dataset="toy"),
    )
    assert result.value == pytest.approx(0.25)
    (run,) = svc.runs("asr")
    assert run.results == (ResultValue("wer", 0.25, False),)
    with pytest.raises(InputError, match="needs --ref"):
        svc.compute_metric("bleu", None, DATA / "hyp.txt")


def test_scatter_includes_demo_runs(services: Services) -> None:
    svc = services.experiments
    svc.record_run(NewRun("cls", "CNN", results=[("acc", 0.71), ("latency_ms", 3.0, False)]))
    svc.record_run(NewRun("models demo", "mnist.onnx", source="demo", results=[("acc", 0.98), ("latency_ms", 0.4, False)]))
    points = svc.scatter_points("cls", "acc", "latency_ms")
    assert {(p.model, p.source, p.x) for p in points} == {("CNN", "own", 3.0), ("mnist.onnx", "demo", 0.4)}


def test_sample_loads_and_deletes(services: Services) -> None:
    svc = services.experiments
    svc.record_run(NewRun("mine", "m", results=[("acc", 1.0)]))
    svc.load_sample()
    (ll,) = svc.aggregate("LunarLander: policy gradient")
    assert ll.n == 5 and round(ll.mean, 2) == 201.90
    cifar = {(r.model, r.split): r.mean for r in svc.aggregate("CIFAR-10: MLP vs CNN")}
    assert cifar[("MLP", "test")] == 49.0 and cifar[("CNN", "test")] == 71.5
    removed = svc.delete_sample()
    assert removed > 20
    assert [e.name for e in svc.experiments()] == ["mine"]


def test_a_tensorboard_folder_with_an_event_file_linked_from_outside_is_refused(
    services: Services, real_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    event = next(real_fixture("tensorboard/go-tensorboard").iterdir())
    logs = tmp_path / "logs" / "run1"
    logs.mkdir(parents=True)
    shutil.copy(event, logs / event.name)
    (tmp_path / "logs" / "run2").symlink_to(real_fixture("tensorboard/go-tensorboard"))
    report = services.experiments.import_paths([tmp_path / "logs"])
    assert report.runs == 1
    ((where, _, message),) = report.errors
    assert where.endswith("run2") and "outside the imported folder" in message


def test_two_mlflow_stores_keep_their_default_experiments_apart(
    services: Services, real_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    other = tmp_path / "project" / "mlruns"
    shutil.copytree(real_fixture("mlflow/MLFlow_Framework_z_mlruns"), other)
    services.experiments.import_paths([real_fixture("mlflow/MLFlow_Framework_z_mlruns"), other])
    names = sorted(e.name for e in services.experiments.experiments())
    assert names == ["Default (MLFlow_Framework_z_mlruns/0)", "Default (project/mlruns/0)"]
    assert all(e.runs == 3 for e in services.experiments.experiments())


def test_the_sample_cifar_leaderboard_compares_test_with_test_only(services: Services) -> None:
    svc = services.experiments
    svc.load_sample()
    board = svc.leaderboard("CIFAR-10: MLP vs CNN", "accuracy (%)")
    test, train = board.datasets
    assert "test" in test and "train" in train
    mlp, cnn = board.cell("MLP", test), board.cell("CNN", test)
    assert mlp is not None and mlp.mean == 49.0 and not mlp.best
    assert cnn is not None and cnn.mean == 71.5 and cnn.best
    alone = board.cell("MLP", train)
    assert alone is not None and alone.mean == 51.9 and not alone.best
    md = svc.export_table("CIFAR-10: MLP vs CNN", "accuracy (%)", "markdown", 1)
    assert md.count("**") == 2 and "(train)" in md and "(test)" in md
