"""The speech front end of a CTC model: raw waveform, or Kaldi log-mel filterbank features.

WeNet / k2 / ESPnet exports take ``[batch, frames, 80]`` log-mel fbank features (25 ms frames
every 10 ms, Povey window, pre-emphasis 0.97, no dither, samples scaled to the 16-bit range),
often with a second input giving the number of frames, and some expect global CMVN (subtract
the mean, multiply by the inverse standard deviation of each bin). The features are computed
by kaldi-native-fbank, the library sherpa-onnx uses, not re-implemented here.

The front end is chosen per model (``models add --frontend fbank [--cmvn FILE]``, stored with
the model) or read from the metadata keys ``scholardesk.frontend``, ``scholardesk.num_mel_bins``;
when neither says, a float input of rank 3 whose last dimension is fixed (80) means fbank.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scholardesk.core.errors import InputError
from scholardesk.domain.models import TensorSpec

WAVEFORM = "waveform"
FBANK = "fbank"
FRONTENDS = (WAVEFORM, FBANK)
DEFAULT_BINS = 80


@dataclass(frozen=True)
class FrontEnd:
    kind: str = WAVEFORM
    num_mel_bins: int = DEFAULT_BINS
    cmvn: str | None = None  # a JSON file: {"mean", "istd"} or WeNet's {"mean_stat", "var_stat", "frame_num"}


def choose(
    inputs: Sequence[TensorSpec], metadata: Mapping[str, str], assets: Mapping[str, str]
) -> FrontEnd:
    kind = assets.get("frontend") or metadata.get("scholardesk.frontend") or ""
    bins = int(metadata.get("scholardesk.num_mel_bins", "0") or 0)
    first = inputs[0] if inputs else None
    if not kind:
        fixed_last = first is not None and first.rank == 3 and isinstance(first.shape[2], int)
        kind = FBANK if fixed_last and first is not None and first.dtype.startswith("float") else WAVEFORM
    if kind not in FRONTENDS:
        raise InputError(f"Unknown speech front end {kind!r}.", f"Use one of: {', '.join(FRONTENDS)}.")
    if kind == FBANK and not bins:
        last = first.shape[-1] if first is not None and first.rank == 3 else None
        bins = last if isinstance(last, int) else DEFAULT_BINS
    return FrontEnd(kind, bins or DEFAULT_BINS, assets.get("cmvn"))


def fbank(samples: Any, rate: int, num_mel_bins: int = DEFAULT_BINS) -> Any:
    """Kaldi log-mel filterbank features [frames, bins] of float samples in [-1, 1]."""
    import kaldi_native_fbank as knf
    import numpy as np

    options = knf.FbankOptions()
    options.frame_opts.samp_freq = float(rate)
    options.frame_opts.dither = 0.0
    options.frame_opts.snip_edges = True
    options.mel_opts.num_bins = int(num_mel_bins)
    computer = knf.OnlineFbank(options)
    computer.accept_waveform(float(rate), (np.asarray(samples, dtype=np.float32) * 32768.0).tolist())
    computer.input_finished()
    frames = [computer.get_frame(i) for i in range(computer.num_frames_ready)]
    if not frames:
        raise InputError("The recording is shorter than one 25 ms frame.", "Use a longer WAV file.")
    return np.asarray(frames, dtype=np.float32)


def load_cmvn(path: Path, bins: int) -> tuple[Any, Any]:
    """(mean, inverse std) per bin from a JSON CMVN file."""
    import numpy as np

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"The CMVN file {path} cannot be read ({exc}).",
                         'Use JSON: {"mean": [...], "istd": [...]} or WeNet\'s global_cmvn.') from exc
    if isinstance(data, dict) and "mean_stat" in data:  # WeNet global_cmvn
        count = float(data["frame_num"])
        mean = np.asarray(data["mean_stat"], dtype=np.float64) / count
        var = np.asarray(data["var_stat"], dtype=np.float64) / count - mean**2
        istd = 1.0 / np.sqrt(np.maximum(var, 1e-20))
    elif isinstance(data, dict) and "mean" in data and ("istd" in data or "std" in data):
        mean = np.asarray(data["mean"], dtype=np.float64)
        istd = (np.asarray(data["istd"], dtype=np.float64) if "istd" in data
                else 1.0 / np.asarray(data["std"], dtype=np.float64))
    else:
        raise InputError(f"{Path(path).name} is not a CMVN file.",
                         'Use JSON: {"mean": [...], "istd": [...]} or WeNet\'s global_cmvn.')
    if mean.shape != (bins,) or istd.shape != (bins,):
        raise InputError(f"{Path(path).name} has statistics for {mean.size} bins; the model takes {bins}.")
    return mean.astype(np.float32), istd.astype(np.float32)


def features(front: FrontEnd, samples: Any, rate: int) -> Any:
    """[frames, bins] features, CMVN applied when the front end has it."""
    feats = fbank(samples, rate, front.num_mel_bins)
    if front.cmvn:
        mean, istd = load_cmvn(Path(front.cmvn), front.num_mel_bins)
        feats = (feats - mean) * istd
    return feats


def feeds(inputs: Sequence[TensorSpec], feats: Any) -> dict[str, Any]:
    """The features as [1, frames, bins], and the frame count for a second integer input."""
    import numpy as np

    spec = inputs[0]
    if spec.rank != 3:
        raise InputError(
            f"The model's input {spec.name!r} has shape {spec.shape_text()}; fbank features need "
            "[batch, frames, bins].",
            "Choose the waveform front end for this model (models add --frontend waveform).",
        )
    if isinstance(spec.shape[2], int) and spec.shape[2] != feats.shape[1]:
        raise InputError(
            f"The model's input {spec.name!r} takes {spec.shape[2]} feature bins, not {feats.shape[1]}.",
            "Set the metadata key scholardesk.num_mel_bins, or re-export the model.",
        )
    out: dict[str, Any] = {spec.name: feats[None].astype(np.float32)}
    for other in inputs[1:]:
        if other.dtype.startswith("int"):
            out[other.name] = np.array([feats.shape[0]], dtype=other.dtype)
    return out
