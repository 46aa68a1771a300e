"""ExperimentsService: recording, importing real TensorBoard/MLflow data, aggregation, export."""

from __future__ import annotations

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
