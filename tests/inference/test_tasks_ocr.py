"""PP-OCRv4 detection + recognition on images drawn here with Pillow: the English and the
Chinese line are read back (CER bound), the boxes land on the drawn lines, a blank image has no
boxes, the dictionary comes from the model's metadata and must fit its output."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from scholardesk.core.errors import InputError
from scholardesk.domain.models import char_error_rate
from scholardesk.inference.tasks import ocr

CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
needs_font = pytest.mark.skipif(not CJK_FONT.is_file(), reason="fonts-noto-cjk is not installed")

LINES = ["Attention Is All You Need 2017", "深度学习模型的推理速度测试"]


def _session(path: Path) -> Any:
    import onnxruntime as ort

    return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])


def _runner(session: Any) -> Callable[[Any], list[Any]]:
    return lambda feeds: session.run(None, dict(feeds))


def draw_lines(lines: list[str], size: tuple[int, int] = (900, 260)) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(CJK_FONT), 40)
    boxes = []
    for i, text in enumerate(lines):
        xy = (40, 40 + i * 100)
        draw.text(xy, text, fill="black", font=font)
        boxes.append(draw.textbbox(xy, text, font=font))
    return np.asarray(image), boxes


@pytest.fixture(scope="module")
def models(real_fixture_module: Callable[[str], Path]) -> tuple[Any, Any]:
    return (_session(real_fixture_module("onnx/pypi/ch_PP-OCRv4_det_infer.onnx")),
            _session(real_fixture_module("onnx/pypi/ch_PP-OCRv4_rec_infer.onnx")))


@pytest.fixture(scope="module")
def real_fixture_module() -> Callable[[str], Path]:
    from tests.conftest import _real_fixture

    return _real_fixture


def _classes(rec: Any) -> list[str]:
    chars = ocr.characters_from_metadata(rec.get_modelmeta().custom_metadata_map)
    assert chars is not None
    return ocr.ctc_classes(chars, rec.get_outputs()[0].shape[2])


@needs_font
def test_reads_an_english_and_a_chinese_line_back(models: tuple[Any, Any]) -> None:
    det, rec = models
    rgb, drawn = draw_lines(LINES)
    bgr = ocr.to_bgr(rgb)
    boxes = ocr.detect(_runner(det), "x", bgr)
    assert len(boxes) == 2
    for box, (x0, y0, x1, y1) in zip(boxes, drawn, strict=True):
        xs = [p[0] for p in box.points]
        ys = [p[1] for p in box.points]
        # The detected box covers the drawn text and not much more.
        assert min(xs) <= x0 + 8 and max(xs) >= x1 - 8
        assert min(ys) <= y0 + 8 and max(ys) >= y1 - 8
        assert max(ys) - min(ys) < 2 * (y1 - y0)
    texts = ocr.recognise(_runner(rec), "x", [ocr.crop(bgr, b) for b in boxes], _classes(rec))
    for got, want in zip(texts, LINES, strict=True):
        assert char_error_rate(want, got.text) <= 0.1, (want, got.text)
        assert got.score > 0.8


def test_a_blank_image_has_no_text_boxes(models: tuple[Any, Any]) -> None:
    det, _ = models
    assert ocr.detect(_runner(det), "x", np.full((300, 500, 3), 255, dtype=np.uint8)) == []


def test_the_dictionary_comes_from_the_metadata_and_must_fit_the_output(models: tuple[Any, Any]) -> None:
    _, rec = models
    classes = _classes(rec)
    assert len(classes) == 6625 and classes[0] == "" and classes[-1] == " "
    with pytest.raises(InputError, match="6625 output classes"):
        ocr.ctc_classes(["a", "b"], 6625)
    assert ocr.characters_from_metadata({}) is None


def test_ctc_greedy_merges_repeats_and_drops_blanks() -> None:
    classes = ["", "a", "b"]
    steps = [1, 1, 0, 1, 2, 2, 0]
    probs = np.full((1, len(steps), 3), 0.05, dtype=np.float32)
    for t, c in enumerate(steps):
        probs[0, t, c] = 0.9
    [result] = ocr.ctc_decode(probs, classes)
    assert result.text == "aab"
    assert result.score == pytest.approx(0.9)


def test_boxes_are_in_reading_order() -> None:
    def box(x: float, y: float) -> ocr.TextBox:
        return ocr.TextBox(((x, y), (x + 50, y), (x + 50, y + 20), (x, y + 20)), 1.0)

    ordered = ocr.reading_order([box(300, 102), box(10, 100), box(10, 10)])
    assert [b.points[0] for b in ordered] == [(10, 10), (10, 100), (300, 102)]


@needs_font
def test_the_orientation_classifier_turns_an_upside_down_line(
    models: tuple[Any, Any], real_fixture_module: Callable[[str], Path]
) -> None:
    det, rec = models
    cls = _session(real_fixture_module("onnx/pypi/ch_ppocr_mobile_v2.0_cls_infer.onnx"))
    rgb, _ = draw_lines([LINES[0]], size=(900, 130))
    upright_crops = [ocr.crop(ocr.to_bgr(rgb), b) for b in ocr.detect(_runner(det), "x", ocr.to_bgr(rgb))]
    flipped = ocr.to_bgr(np.ascontiguousarray(rgb[::-1, ::-1]))
    crops = [ocr.crop(flipped, b) for b in ocr.detect(_runner(det), "x", flipped)]
    assert len(crops) == 1
    [unturned] = ocr.recognise(_runner(rec), "x", crops, _classes(rec))
    assert char_error_rate(LINES[0], unturned.text) > 0.5  # upside down it is not read
    turned_crops, turned = ocr.upright(_runner(cls), "x", crops)
    assert turned == [True]
    [read] = ocr.recognise(_runner(rec), "x", turned_crops, _classes(rec))
    assert char_error_rate(LINES[0], read.text) <= 0.1, read.text
    # An upright line is left as it is.
    assert ocr.upright(_runner(cls), "x", upright_crops)[1] == [False]


# Lines of small type whose detector box hugs the glyphs: read without a margin around the
# crop, the recogniser ran these words together ("9.Future work: GPU", "DeepResidual
# LearningforImageRecognition", "ResultsontheMMLU and GSM8Kbenchmarks").
SPACED = [("9. Future work: GPU and TensorRT numbers", 20),
          ("Deep Residual Learning for Image Recognition", 24),
          ("Results on the MMLU and GSM8K benchmarks", 24)]


@needs_font
@pytest.mark.parametrize(("text", "size"), SPACED)
def test_spaces_between_english_words_are_kept(models: tuple[Any, Any], text: str, size: int) -> None:
    from PIL import Image, ImageDraw, ImageFont

    det, rec = models
    image = Image.new("RGB", (1200, 120), "white")
    ImageDraw.Draw(image).text((20, 30), text, fill="black",
                               font=ImageFont.truetype(str(CJK_FONT), size))
    bgr = ocr.to_bgr(np.asarray(image))
    boxes = ocr.detect(_runner(det), "x", bgr)
    assert len(boxes) == 1
    got = ocr.recognise(_runner(rec), "x", [ocr.crop(bgr, boxes[0])], _classes(rec))[0].text
    assert got.strip() == text
    # Without the margin (the old crop), the same line loses spaces: the margin is the fix.
    tight = ocr.recognise(_runner(rec), "x", [ocr.crop(bgr, boxes[0], margin=0.0)], _classes(rec))
    assert tight[0].text.replace(" ", "") == text.replace(" ", "") != tight[0].text.strip()
