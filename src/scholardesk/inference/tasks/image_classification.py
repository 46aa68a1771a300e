"""Image classification: an image file → resized, normalised tensor (NCHW or NHWC, as the
model's input says) → top-k labels with probabilities.

Pre-processing defaults follow torchvision (ImageNet mean/std for 3 channels, [0, 1] for one
channel) and can be set per model with metadata properties ``scholardesk.mean``,
``scholardesk.std`` (comma-separated, on the 0–1 scale) and ``scholardesk.scale``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scholardesk.core.errors import InputError
from scholardesk.domain.models import LabelScore, TensorSpec

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
DEFAULT_SIZE = 224


@dataclass(frozen=True)
class ImagePreprocessing:
    layout: str  # "NCHW" or "NHWC"
    channels: int
    height: int
    width: int
    mean: tuple[float, ...]
    std: tuple[float, ...]
    scale: float = 1.0 / 255.0


def _floats(text: str, n: int) -> tuple[float, ...]:
    values = tuple(float(v) for v in text.replace(";", ",").split(",") if v.strip())
    if len(values) == 1:
        values = values * n
    if len(values) != n:
        raise InputError(f"Expected {n} comma-separated numbers, got {text!r}.")
    return values


def preprocessing_for(spec: TensorSpec, metadata: Mapping[str, str]) -> ImagePreprocessing:
    if spec.rank != 4:
        raise InputError(
            f"Input {spec.name!r} has shape {spec.shape_text()}; an image classifier needs a "
            "4-dimensional input (NCHW or NHWC).",
            "Choose the generic task for this model.",
        )
    _, d1, d2, d3 = spec.shape
    declared = metadata.get("scholardesk.layout", "").upper()
    if declared in ("NCHW", "NHWC"):
        layout = declared
    elif d1 in (1, 3):
        layout = "NCHW"
    elif d3 in (1, 3):
        layout = "NHWC"
    else:
        layout = "NCHW"
    if layout == "NCHW":
        channels, height, width = d1, d2, d3
    else:
        height, width, channels = d1, d2, d3
    channels = channels if isinstance(channels, int) else 3
    height = height if isinstance(height, int) else DEFAULT_SIZE
    width = width if isinstance(width, int) else DEFAULT_SIZE
    if channels not in (1, 3):
        raise InputError(
            f"Input {spec.name!r} has {channels} channels; images have 1 (grey) or 3 (RGB).",
            "Choose the generic task for this model.",
        )
    default_mean = IMAGENET_MEAN if channels == 3 else (0.0,)
    default_std = IMAGENET_STD if channels == 3 else (1.0,)
    mean = _floats(metadata["scholardesk.mean"], channels) if "scholardesk.mean" in metadata else default_mean
    std = _floats(metadata["scholardesk.std"], channels) if "scholardesk.std" in metadata else default_std
    scale = float(metadata.get("scholardesk.scale", 1.0 / 255.0))
    return ImagePreprocessing(layout, channels, height, width, mean, std, scale)


def load_image(path: Path, prep: ImagePreprocessing, dtype: str = "float32") -> Any:
    """The image as a batch of one, shaped and normalised as ``prep`` says."""
    import numpy as np
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as opened:
            converted = opened.convert("RGB" if prep.channels == 3 else "L")
            resized = converted.resize((prep.width, prep.height), Image.Resampling.BILINEAR)
            array: Any = np.asarray(resized, dtype=np.float32)
    except FileNotFoundError as exc:
        raise InputError(f"{path} does not exist.", "Choose an image file.") from exc
    except (UnidentifiedImageError, OSError) as exc:
        raise InputError(
            f"{path.name} is not an image ScholarDesk can read ({exc}).",
            "Use a PNG, JPEG, BMP or WebP file.",
        ) from exc
    if array.ndim == 2:
        array = array[:, :, None]
    array = array * prep.scale
    array = (array - np.asarray(prep.mean, np.float32)) / np.asarray(prep.std, np.float32)
    if prep.layout == "NCHW":
        array = array.transpose(2, 0, 1)
    return np.ascontiguousarray(array[None, ...], dtype=dtype)


def to_probabilities(scores: Any) -> Any:
    """Softmax unless the scores already look like probabilities."""
    import numpy as np

    values = np.asarray(scores, dtype=np.float64).reshape(-1)
    if values.size and values.min() >= 0.0 and abs(values.sum() - 1.0) < 1e-3:
        return values
    shifted = np.exp(values - values.max())
    return shifted / shifted.sum()


def top_k(scores: Any, labels: Sequence[str], k: int = 5) -> tuple[LabelScore, ...]:
    import numpy as np

    probs = to_probabilities(scores)
    order = np.argsort(-probs)[: max(1, k)]
    return tuple(
        LabelScore(labels[i] if i < len(labels) else f"class {i}", float(probs[i])) for i in order
    )


def random_images(prep: ImagePreprocessing, batch: int, seed: int = 0) -> Any:
    import numpy as np

    rng = np.random.default_rng(seed)
    if prep.layout == "NCHW":
        shape = (batch, prep.channels, prep.height, prep.width)
    else:
        shape = (batch, prep.height, prep.width, prep.channels)
    return rng.standard_normal(shape).astype(np.float32)
