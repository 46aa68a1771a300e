"""PaddleOCR (PP-OCRv4) text detection and recognition on an image.

Detection (DBNet): the image, its longer side limited to 736 px and both sides rounded to a
multiple of 32, normalised with mean/std 0.5, gives a text-probability map. The map is
thresholded (0.3); each contour of the bitmap (OpenCV) becomes a rotated rectangle whose mean
probability must reach the box threshold (0.5); it is grown by the DB "unclip" offset
(area × 1.6 / perimeter, with pyclipper) and scaled back to the image. These are the values
PaddleOCR and RapidOCR ship for this model.

Recognition (SVTR, CTC): each box is cut out with a perspective warp, resized to height 48
(width by its aspect ratio, padded to the widest line of the batch), normalised the same way;
the output [N, T, classes] is decoded greedily: best class per step, repeats merged, blanks
(class 0) dropped. The character list is the model's metadata key ``character`` (PaddleOCR
exports write it there): class 0 is the blank, then one class per line of that list, and a
last class for the space.

Images are fed as BGR, the channel order PaddleOCR trains with.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from scholardesk.core.errors import InputError

Run = Callable[[Mapping[str, Any]], list[Any]]

DET_LIMIT_SIDE = 736
DET_THRESHOLD = 0.3
BOX_THRESHOLD = 0.5
UNCLIP_RATIO = 1.6
MIN_BOX_SIDE = 3
REC_HEIGHT = 48
REC_MIN_WIDTH = 320
REC_BATCH = 6


@dataclass(frozen=True)
class TextBox:
    points: tuple[tuple[float, float], ...]  # 4 corners, clockwise from the top-left
    score: float


@dataclass(frozen=True)
class Recognised:
    text: str
    score: float


# -- the character list ------------------------------------------------------------------
def characters_from_metadata(metadata: Mapping[str, str]) -> list[str] | None:
    raw = metadata.get("character") or metadata.get("scholardesk.characters")
    if not raw:
        return None
    return raw.split("\n")


def ctc_classes(characters: Sequence[str], num_classes: int) -> list[str]:
    """Blank, the characters, and the space class when the model has one more output."""
    classes = ["", *characters]
    if num_classes == len(classes) + 1:
        classes.append(" ")
    if num_classes != len(classes):
        raise InputError(
            f"The recogniser has {num_classes} output classes but its dictionary gives "
            f"{len(classes)} (blank + {len(characters)} characters).",
            "Give the dictionary file the model was trained with (one character per line).",
        )
    return classes


def load_dictionary(text: str) -> list[str]:
    """A PaddleOCR dictionary file: one character per line."""
    return [line.rstrip("\r") for line in text.split("\n") if line.rstrip("\r") != ""]


# -- detection -----------------------------------------------------------------------------
def to_bgr(rgb: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(rgb[:, :, ::-1])


def det_input(bgr: np.ndarray, limit_side: int = DET_LIMIT_SIDE) -> tuple[np.ndarray, float, float]:
    """The NCHW detector input and the (x, y) factors from map pixels back to image pixels."""
    import cv2

    h, w = bgr.shape[:2]
    ratio = min(1.0, limit_side / max(h, w))
    rh = max(32, int(round(h * ratio / 32) * 32))
    rw = max(32, int(round(w * ratio / 32) * 32))
    resized = cv2.resize(bgr, (rw, rh))
    x = (resized.astype(np.float32) / 255.0 - 0.5) / 0.5
    return x.transpose(2, 0, 1)[None], w / rw, h / rh


def _order_points(pts: np.ndarray) -> np.ndarray:
    """Top-left, top-right, bottom-right, bottom-left."""
    by_x = pts[np.argsort(pts[:, 0])]
    left, right = by_x[:2], by_x[2:]
    tl, bl = left[np.argsort(left[:, 1])]
    tr, br = right[np.argsort(right[:, 1])]
    return np.array([tl, tr, br, bl], dtype=np.float32)


def _box_score(prob: np.ndarray, box: np.ndarray) -> float:
    import cv2

    h, w = prob.shape
    x0 = int(np.clip(np.floor(box[:, 0].min()), 0, w - 1))
    x1 = int(np.clip(np.ceil(box[:, 0].max()), 0, w - 1))
    y0 = int(np.clip(np.floor(box[:, 1].min()), 0, h - 1))
    y1 = int(np.clip(np.ceil(box[:, 1].max()), 0, h - 1))
    mask = np.zeros((y1 - y0 + 1, x1 - x0 + 1), dtype=np.uint8)
    shifted = (box - np.array([x0, y0], dtype=np.float32)).astype(np.int32)
    cv2.fillPoly(mask, [shifted], 1)
    return float(cv2.mean(prob[y0:y1 + 1, x0:x1 + 1], mask)[0])


def _unclip(box: np.ndarray, ratio: float) -> np.ndarray | None:
    import pyclipper

    x, y = box[:, 0].astype(np.float64), box[:, 1].astype(np.float64)
    area = abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))) / 2  # shoelace
    length = float(np.sum(np.linalg.norm(box - np.roll(box, 1, axis=0), axis=1)))
    if length <= 0:
        return None
    offset = pyclipper.PyclipperOffset()
    offset.AddPath([tuple(map(int, p)) for p in box], pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
    grown = offset.Execute(area * ratio / length)
    if not grown:
        return None
    return np.array(max(grown, key=len), dtype=np.float32)


def boxes_from_map(
    prob: np.ndarray,
    scale_x: float,
    scale_y: float,
    image_size: tuple[int, int],
    threshold: float = DET_THRESHOLD,
    box_threshold: float = BOX_THRESHOLD,
    unclip_ratio: float = UNCLIP_RATIO,
    max_candidates: int = 1000,
) -> list[TextBox]:
    """DB post-processing of one probability map [H, W] into boxes in image pixels."""
    import cv2

    bitmap = (prob > threshold).astype(np.uint8)
    contours, _ = cv2.findContours(bitmap, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    width, height = image_size
    boxes: list[TextBox] = []
    for contour in contours[:max_candidates]:
        rect = cv2.minAreaRect(contour)
        if min(rect[1]) < MIN_BOX_SIDE:
            continue
        box = _order_points(cv2.boxPoints(rect))
        score = _box_score(prob, box)
        if score < box_threshold:
            continue
        grown = _unclip(box, unclip_ratio)
        if grown is None:
            continue
        rect = cv2.minAreaRect(grown)
        if min(rect[1]) < MIN_BOX_SIDE + 2:
            continue
        box = _order_points(cv2.boxPoints(rect))
        box[:, 0] = np.clip(box[:, 0] * scale_x, 0, width - 1)
        box[:, 1] = np.clip(box[:, 1] * scale_y, 0, height - 1)
        if min(np.linalg.norm(box[0] - box[1]), np.linalg.norm(box[0] - box[3])) < MIN_BOX_SIDE:
            continue
        boxes.append(TextBox(tuple((float(x), float(y)) for x, y in box), score))
    return reading_order(boxes)


def reading_order(boxes: Sequence[TextBox]) -> list[TextBox]:
    """Top to bottom; boxes on one line (tops within half a line height) left to right."""
    ordered = sorted(boxes, key=lambda b: (b.points[0][1], b.points[0][0]))
    lines: list[list[TextBox]] = []
    for box in ordered:
        height = abs(box.points[3][1] - box.points[0][1]) or 1.0
        if lines and abs(lines[-1][0].points[0][1] - box.points[0][1]) < height / 2:
            lines[-1].append(box)
        else:
            lines.append([box])
    return [b for line in lines for b in sorted(line, key=lambda b: b.points[0][0])]


def detect(run: Run, input_name: str, bgr: np.ndarray, **options: float) -> list[TextBox]:
    x, sx, sy = det_input(bgr)
    outputs = run({input_name: x})
    prob = np.asarray(outputs[0])
    if prob.ndim != 4 or prob.shape[1] != 1:
        raise InputError(
            f"The detector's output has shape {list(prob.shape)}; a DBNet text detector gives "
            "[N, 1, H, W].",
            "Register the model as text-detection only if it is a PaddleOCR-style DBNet.",
        )
    h, w = bgr.shape[:2]
    return boxes_from_map(prob[0, 0], sx, sy, (w, h), **options)  # type: ignore[arg-type]


# -- recognition ---------------------------------------------------------------------------
# The detector's box of small type hugs the glyphs (21 px for a 24-px font); stretched to the
# recogniser's 48 px, letters touch the crop's edges and SVTR merges English words ("9.Future
# work:GPU"). A margin of a tenth of the line height on every side reads the spaces again
# (rendered English lines at 16-32 px: 34 → 39 of 40 exact, space-only errors 6 → 0).
CROP_MARGIN = 0.1


def _with_margin(pts: np.ndarray, margin: float) -> np.ndarray:
    """The quadrilateral grown by ``margin`` × its line height (its shorter side: vertical text
    too) on every side, along its own axes."""
    h = max(float(np.linalg.norm(pts[0] - pts[3])), float(np.linalg.norm(pts[1] - pts[2])))
    w = max(float(np.linalg.norm(pts[0] - pts[1])), float(np.linalg.norm(pts[2] - pts[3])))
    h = min(h, w)
    if margin <= 0 or h <= 0:
        return pts
    right = pts[1] - pts[0]
    down = pts[3] - pts[0]
    right = right / max(float(np.linalg.norm(right)), 1e-6)
    down = down / max(float(np.linalg.norm(down)), 1e-6)
    step = margin * h
    signs = ((-1, -1), (1, -1), (1, 1), (-1, 1))  # top-left, top-right, bottom-right, bottom-left
    return np.array([pts[i] + sx * step * right + sy * step * down
                     for i, (sx, sy) in enumerate(signs)], dtype=np.float32)


def crop(bgr: np.ndarray, box: TextBox, margin: float = CROP_MARGIN) -> np.ndarray:
    """The box (with ``margin`` × its height around it) cut out and straightened; tall crops
    (vertical text) turned upright."""
    import cv2

    pts = _with_margin(np.array(box.points, dtype=np.float32), margin)
    w = int(max(np.linalg.norm(pts[0] - pts[1]), np.linalg.norm(pts[2] - pts[3])))
    h = int(max(np.linalg.norm(pts[0] - pts[3]), np.linalg.norm(pts[1] - pts[2])))
    w, h = max(w, 1), max(h, 1)
    target = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(pts, target)
    out = cv2.warpPerspective(bgr, matrix, (w, h), borderMode=cv2.BORDER_REPLICATE,
                              flags=cv2.INTER_CUBIC)
    if h / w >= 1.5:
        out = np.rot90(out)
    return np.ascontiguousarray(out)


def rec_batch(crops: Sequence[np.ndarray], height: int = REC_HEIGHT) -> np.ndarray:
    import cv2

    max_ratio = max([REC_MIN_WIDTH / height] + [c.shape[1] / c.shape[0] for c in crops])
    width = int(math.ceil(height * max_ratio))
    batch = np.zeros((len(crops), 3, height, width), dtype=np.float32)
    for i, image in enumerate(crops):
        w = min(width, int(math.ceil(height * image.shape[1] / image.shape[0])))
        resized = cv2.resize(image, (max(w, 1), height)).astype(np.float32)
        batch[i, :, :, : resized.shape[1]] = ((resized / 255.0 - 0.5) / 0.5).transpose(2, 0, 1)
    return batch


def ctc_decode(probs: np.ndarray, classes: Sequence[str]) -> list[Recognised]:
    """Greedy CTC over [N, T, C] probabilities: the score is the mean of the kept steps."""
    best = probs.argmax(axis=2)
    confidence = probs.max(axis=2)
    out: list[Recognised] = []
    for ids, conf in zip(best, confidence, strict=True):
        keep = np.ones(len(ids), dtype=bool)
        keep[1:] = ids[1:] != ids[:-1]
        keep &= ids != 0
        text = "".join(classes[i] for i in ids[keep])
        score = float(conf[keep].mean()) if keep.any() else 0.0
        out.append(Recognised(text, score))
    return out


def recognise(
    run: Run, input_name: str, crops: Sequence[np.ndarray], classes: Sequence[str]
) -> list[Recognised]:
    order = sorted(range(len(crops)), key=lambda i: crops[i].shape[1] / crops[i].shape[0])
    results: dict[int, Recognised] = {}
    for start in range(0, len(order), REC_BATCH):
        chunk = order[start:start + REC_BATCH]
        probs = np.asarray(run({input_name: rec_batch([crops[i] for i in chunk])})[0])
        if probs.ndim != 3:
            raise InputError(
                f"The recogniser's output has shape {list(probs.shape)}; a CTC recogniser "
                "gives [N, T, classes]."
            )
        for i, r in zip(chunk, ctc_decode(probs, classes), strict=True):
            results[i] = r
    return [results[i] for i in range(len(crops))]


# -- text-line orientation (PaddleOCR's direction classifier) ---------------------------------
CLS_SHAPE = (48, 192)
CLS_THRESHOLD = 0.9


def cls_batch(crops: Sequence[np.ndarray], shape: tuple[int, int] = CLS_SHAPE) -> np.ndarray:
    """Crops resized to height 48 keeping their aspect (at most 192 wide), right-padded."""
    import cv2

    height, width = shape
    batch = np.zeros((len(crops), 3, height, width), dtype=np.float32)
    for i, image in enumerate(crops):
        w = min(width, int(math.ceil(height * image.shape[1] / image.shape[0])))
        resized = cv2.resize(image, (max(w, 1), height)).astype(np.float32)
        batch[i, :, :, : resized.shape[1]] = ((resized / 255.0 - 0.5) / 0.5).transpose(2, 0, 1)
    return batch


def upright(
    run: Run, input_name: str, crops: Sequence[np.ndarray], threshold: float = CLS_THRESHOLD
) -> tuple[list[np.ndarray], list[bool]]:
    """The crops with those the classifier calls upside down (class 1 ≥ threshold) turned
    180°, and which were turned."""
    out, turned = list(crops), [False] * len(crops)
    for start in range(0, len(crops), REC_BATCH):
        probs = np.asarray(run({input_name: cls_batch(crops[start:start + REC_BATCH])})[0])
        if probs.ndim != 2 or probs.shape[1] != 2:
            raise InputError(
                f"The orientation classifier's output has shape {list(probs.shape)}; a "
                "PaddleOCR text-line classifier gives [N, 2] (0° and 180°).",
            )
        for j, p in enumerate(probs):
            i = start + j
            if int(p.argmax()) == 1 and float(p[1]) >= threshold:
                out[i] = np.ascontiguousarray(np.rot90(crops[i], 2))
                turned[i] = True
    return out, turned


def check_image_input(shape: Sequence[Any], demo: str, input_name: str) -> None:
    if len(shape) != 4 or shape[1] not in (3, None) and not isinstance(shape[1], str):
        raise InputError(
            f"The {demo} model's input {input_name!r} has shape {list(shape)}; the {demo} demo "
            "needs an image tensor [N, 3, H, W].",
            "Choose a model exported for this task, or run it with `models run`.",
        )
