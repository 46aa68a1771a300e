"""The Models page driven with pytest-qt: sample models listed, inspector filled, demo runs
for VAD/ASR/text, benchmark saved to Experiments, adding a bad file registers nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scholardesk.gui.models.page import ModelsPage
from scholardesk.gui.tasks import TaskRunner
from scholardesk.services.context import Services

pytestmark = pytest.mark.gui

REPO = Path(__file__).resolve().parents[3]
DATA = REPO / "tests" / "data" / "models"


@pytest.fixture
def page(services: Services, qtbot: Any) -> Iterator[ModelsPage]:
    runner = TaskRunner()
    TaskRunner.set_default(runner)
    services.models.load_sample()
    widget = ModelsPage(services)
    qtbot.addWidget(widget)
    runner.changes_applied.connect(widget.on_changes)  # as the main window does
    widget.resize(1200, 800)
    widget.show()
    widget.refresh()
    runner.wait_idle(30)
    runner.wait_idle(30)
    yield widget
    runner.wait_idle(30)
    runner.shutdown()
    TaskRunner.set_default(None)


def _select(page: ModelsPage, name: str) -> None:
    for row in range(page.proxy.rowCount()):
        if page.proxy.index(row, 0).data() == name:
            page.table.selectRow(row)
            TaskRunner.default().wait_idle(30)
            TaskRunner.default().wait_idle(30)
            return
    raise AssertionError(name)


def test_lists_samples_and_inspects_and_runs_vad(page: ModelsPage) -> None:
    names = [page.proxy.index(r, 0).data() for r in range(page.proxy.rowCount())]
    assert names == ["Energy VAD (demo)", "Paper-title topics (demo)", "Shapes classifier (demo)",
                     "Tone speller CTC (demo)"]
    # The first model is selected, inspected and (a sample) demonstrated at once.
    assert page.selected_model() is not None and page.selected_model().task == "vad"
    assert page.inspector.signature.rowCount() == 5
    assert page.inspector.signature.item(1, 1).text() == "state"
    assert page.inspector.signature.item(1, 3).text() == "[2, batch, 128]"
    assert "Speech: 1.06–3.74 s, 5.73–7.07 s" in page.demo.status.text()
    assert len(page.demo.waveform.regions) == 2
    assert "CPU" in page.gpu_status.text() or "CUDA is available" in page.gpu_status.text()


def test_filter_and_text_and_asr_demos(page: ModelsPage, qtbot: Any) -> None:
    page.filter.setText("topics")
    assert page.proxy.rowCount() == 1
    page.filter.setText("")
    _select(page, "Paper-title topics (demo)")
    assert page.demo.text_edit.isVisibleTo(page)
    page.demo.text_edit.setPlainText("Distributed GPU cluster scheduling for inference serving")
    page.demo.run()
    qtbot.waitUntil(lambda: page.demo.task is None, timeout=10000)
    TaskRunner.default().wait_idle(10)
    assert page.demo.topk.texts[0].toPlainText().startswith("systems")
    _select(page, "Tone speller CTC (demo)")
    assert "hello world" in page.demo.transcript.text()
    assert "WER 0.0%" in page.demo.transcript.text()


def test_benchmark_saves_runs(page: ModelsPage, services: Services, qtbot: Any) -> None:
    _select(page, "Shapes classifier (demo)")
    page.tabs.setCurrentWidget(page.bench)
    page.bench.batches.setText("1,2")
    page.bench.runs.setValue(5)
    page.bench.warmup.setValue(1)
    page.bench.run()
    qtbot.waitUntil(lambda: page.bench.task is None, timeout=20000)
    TaskRunner.default().wait_idle(10)
    assert page.bench.table.rowCount() == 2
    assert page.bench.table.item(1, 0).text() == "2"
    assert "Saved as experiment runs" in page.bench.status.text()
    assert len(services.experiments.runs(experiment="Model benchmarks")) == 2


def test_bad_batch_text_and_bad_file(page: ModelsPage, tmp_path: Path, services: Services) -> None:
    page.bench.batches.setText("one")
    page.bench.run()
    assert "Batch sizes" in page.bench.status.text() and page.bench.task is None
    bad = tmp_path / "broken.onnx"
    bad.write_bytes(b"\x08\x07garbage")
    errors: list[BaseException] = []
    task = page.add_file(bad)
    task.on_failure(errors.append)
    TaskRunner.default().wait_idle(30)
    assert errors and "broken.onnx" in str(errors[0])
    assert len(services.models.list()) == 4
    page.add_file(DATA / "external" / "external.onnx")
    TaskRunner.default().wait_idle(30)
    TaskRunner.default().wait_idle(30)
    assert page.table_model.rowCount() == 5
    assert page.selected_model() is not None and page.selected_model().name == "external"


def test_the_page_fits_a_1280_pixel_screen(page: ModelsPage) -> None:
    """Beside the 180-pixel navigation, every tab (OCR's three model choices included) must fit
    in a 1280-pixel window, or the window grows past the screen."""
    assert page.minimumSizeHint().width() <= 1280 - 200


def test_an_empty_list_says_how_to_add_a_model_and_a_filter_says_nothing_matches(
    services: Services, qtbot: Any
) -> None:
    runner = TaskRunner()
    TaskRunner.set_default(runner)
    try:
        widget = ModelsPage(services)  # no sample models: the user's own library, still empty
        qtbot.addWidget(widget)
        widget.resize(1200, 800)
        widget.show()
        widget.refresh()
        runner.wait_idle(30)
        assert widget.empty_state.isVisible() and "Add model" in widget.empty_state.text()
        services.models.load_sample()
        widget.refresh()
        runner.wait_idle(30)
        assert not widget.empty_state.isVisible()
        widget.filter.setText("no-such-model")
        assert widget.empty_state.isVisible()
        assert widget.empty_state.text() == "No model matches “no-such-model”."
    finally:
        runner.wait_idle(30)
        runner.shutdown()
        TaskRunner.set_default(None)
