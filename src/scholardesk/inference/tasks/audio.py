"""Audio: WAV reading (stdlib ``wave`` + numpy, no libsndfile), resampling, voice-activity
detection with a Silero-style streaming model, and CTC greedy decoding with WER/CER.

Silero VAD v5 (inputs ``input`` [batch, samples], ``state`` [2, batch, 128], ``sr`` int64)
is run the way its own wrapper runs it: 512-sample chunks at 16 kHz (256 at 8 kHz), each
preceded by the last 64 (32) samples of the previous chunk as context, the recurrent ``state``
carried from one chunk to the next. Speech probabilities become segments with the same rules as
``silero_vad.get_speech_timestamps`` (threshold with hysteresis, minimum speech and silence
durations, padding).
"""

from __future__ import annotations

import json
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scholardesk.core.errors import InputError
from scholardesk.core.progress import Progress
from scholardesk.domain.models import Segment, TensorSpec
from scholardesk.inference.runner import ModelRunner

VAD_RATES = (16000, 8000)


@dataclass(frozen=True)
class Audio:
    samples: Any  # float32 mono in [-1, 1]
    rate: int

    @property
    def duration_s(self) -> float:
        return len(self.samples) / float(self.rate) if self.rate else 0.0


def read_wav(path: Path) -> Audio:
    """A PCM WAV file (8/16/24/32-bit, any rate, any channels → mono float32)."""
    import numpy as np

    try:
        with wave.open(str(path), "rb") as wav:
            channels = wav.getnchannels()
            width = wav.getsampwidth()
            rate = wav.getframerate()
            frames = wav.readframes(wav.getnframes())
    except FileNotFoundError as exc:
        raise InputError(f"{path} does not exist.", "Choose a WAV file.") from exc
    except (wave.Error, EOFError) as exc:
        reason = str(exc)
        if "unknown format" in reason:
            code = reason.rsplit(":", 1)[-1].strip()
            kind = {"3": "32-bit float", "6": "A-law", "7": "µ-law", "85": "MP3",
                    "65534": "extensible (float or >2 channels)"}.get(code, f"format code {code}")
            raise InputError(
                f"{path.name} is a WAV file in an unsupported encoding ({kind}).",
                "Convert it to 16-bit PCM, e.g. `sox in.wav -b 16 -e signed-integer out.wav` or "
                "`ffmpeg -i in.wav -c:a pcm_s16le out.wav`.",
            ) from exc
        raise InputError(
            f"{path.name} is not a readable WAV file ({reason or 'truncated'}).",
            "Use a PCM .wav file (convert other formats with sox or ffmpeg).",
        ) from exc
    if width == 1:
        data = (np.frombuffer(frames, np.uint8).astype(np.float32) - 128.0) / 128.0
    elif width == 2:
        data = np.frombuffer(frames, "<i2").astype(np.float32) / 32768.0
    elif width == 3:
        raw = np.frombuffer(frames, np.uint8).reshape(-1, 3).astype(np.int32)
        ints = raw[:, 0] | (raw[:, 1] << 8) | (raw[:, 2] << 16)
        ints = np.where(ints >= 1 << 23, ints - (1 << 24), ints)
        data = ints.astype(np.float32) / float(1 << 23)
    elif width == 4:
        data = np.frombuffer(frames, "<i4").astype(np.float32) / float(1 << 31)
    else:
        raise InputError(f"{path.name} uses {width * 8}-bit samples, which are not supported.")
    if channels > 1:
        usable = len(data) - len(data) % channels
        data = data[:usable].reshape(-1, channels).mean(axis=1)
    if len(data) == 0:
        raise InputError(f"{path.name} holds no audio.")
    return Audio(np.ascontiguousarray(data, dtype=np.float32), rate)


def resample(samples: Any, source_rate: int, target_rate: int) -> Any:
    """Band-limited resampling through the FFT (like scipy.signal.resample)."""
    import numpy as np

    if source_rate == target_rate:
        return samples
    n_out = round(len(samples) * target_rate / source_rate)
    spectrum = np.fft.rfft(samples.astype(np.float64))
    n_bins = n_out // 2 + 1
    if n_bins <= len(spectrum):
        spectrum = spectrum[:n_bins]
    else:
        spectrum = np.concatenate([spectrum, np.zeros(n_bins - len(spectrum), spectrum.dtype)])
    out = np.fft.irfft(spectrum, n_out) * (n_out / len(samples))
    return out.astype(np.float32)


def envelope(samples: Any, points: int = 1200) -> tuple[float, ...]:
    """Peak envelope (max |x| per bucket) for drawing a waveform."""
    import numpy as np

    if len(samples) == 0:
        return ()
    points = max(1, min(points, len(samples)))
    usable = len(samples) - len(samples) % points
    buckets = np.abs(samples[:usable]).reshape(points, -1).max(axis=1)
    return tuple(float(v) for v in buckets)


# ---------------------------------------------------------------- voice activity detection


def check_vad_signature(inputs: Sequence[TensorSpec]) -> None:
    names = {s.name for s in inputs}
    if not {"input", "state", "sr"} <= names:
        raise InputError(
            "This model does not have the Silero VAD signature (inputs input, state, sr); "
            f"its inputs are {', '.join(sorted(names))}.",
            "Choose another task for it, or use Silero VAD v5.",
        )


def _state_shape(spec: TensorSpec, batch: int) -> tuple[int, ...]:
    dims = []
    for axis, dim in enumerate(spec.shape):
        if isinstance(dim, int):
            dims.append(dim)
        elif axis == 1 or (isinstance(dim, str) and "batch" in dim):
            dims.append(batch)
        else:
            dims.append(128)
    return tuple(dims)


def chunk_sizes(rate: int) -> tuple[int, int]:
    """(chunk, context) sample counts Silero VAD uses at ``rate``."""
    return (512, 64) if rate == 16000 else (256, 32)


def vad_probabilities(
    runner: ModelRunner, samples: Any, rate: int = 16000, progress: Progress | None = None
) -> Any:
    """Speech probability per chunk, with the recurrent state carried between chunks."""
    import numpy as np

    check_vad_signature(runner.inputs)
    chunk, context_size = chunk_sizes(rate)
    state = np.zeros(_state_shape(runner.input("state"), 1), dtype=np.float32)
    context = np.zeros((1, context_size), dtype=np.float32)
    sr = np.array(rate, dtype=np.int64)
    n_chunks = (len(samples) + chunk - 1) // chunk
    padded = np.zeros(n_chunks * chunk, dtype=np.float32)
    padded[: len(samples)] = samples
    probs = np.zeros(n_chunks, dtype=np.float32)
    out_names = runner.output_names
    prob_index = 0 if out_names[0] != "stateN" else 1
    state_index = 1 - prob_index
    for i in range(n_chunks):
        if progress is not None and i % 200 == 0:
            progress.report(i, n_chunks, "detecting speech")
        x = np.concatenate([context, padded[None, i * chunk : (i + 1) * chunk]], axis=1)
        outputs = runner.run({"input": x, "state": state, "sr": sr})
        probs[i] = float(np.asarray(outputs[prob_index]).reshape(-1)[0])
        state = outputs[state_index]
        context = x[:, -context_size:]
    return probs


def speech_segments(
    probs: Sequence[float],
    chunk_s: float,
    duration_s: float,
    threshold: float = 0.5,
    min_speech_s: float = 0.25,
    min_silence_s: float = 0.1,
    pad_s: float = 0.03,
) -> tuple[Segment, ...]:
    """Speech probabilities per chunk → segments (Silero's get_speech_timestamps rules)."""
    neg_threshold = max(threshold - 0.15, 0.01)
    triggered = False
    start = 0.0
    temp_end = 0.0
    found: list[list[float]] = []
    for i, p in enumerate(probs):
        t = i * chunk_s
        if p >= threshold and temp_end:
            temp_end = 0.0
        if p >= threshold and not triggered:
            triggered = True
            start = t
            continue
        if p < neg_threshold and triggered:
            if not temp_end:
                temp_end = t
            if t - temp_end < min_silence_s:
                continue
            if temp_end - start >= min_speech_s:
                found.append([start, temp_end])
            triggered = False
            temp_end = 0.0
    if triggered and duration_s - start >= min_speech_s:
        found.append([start, duration_s])
    merged: list[list[float]] = []
    for seg in found:
        seg = [max(0.0, seg[0] - pad_s), min(duration_s, seg[1] + pad_s)]
        if merged and seg[0] <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], seg[1])
        else:
            merged.append(seg)
    return tuple(Segment(a, b) for a, b in merged)


def vad_feeds(inputs: Sequence[TensorSpec], batch: int, seed: int = 0) -> dict[str, Any]:
    """Benchmark feeds for a Silero-style model: one 16 kHz chunk (+ context) per item."""
    import numpy as np

    check_vad_signature(inputs)
    chunk, context = chunk_sizes(16000)
    rng = np.random.default_rng(seed)
    state_spec = next(s for s in inputs if s.name == "state")
    return {
        "input": (rng.standard_normal((batch, chunk + context)) * 0.1).astype(np.float32),
        "state": np.zeros(_state_shape(state_spec, batch), dtype=np.float32),
        "sr": np.array(16000, dtype=np.int64),
    }


# ---------------------------------------------------------------- CTC speech recognition

BLANK_TOKENS = ("<blank>", "<pad>", "<b>", "_", "[PAD]", "<eps>")
WORD_DELIMITERS = ("|", "▁")


def load_vocab(path: Path) -> tuple[str, ...]:
    """A vocabulary: JSON {token: id} (wav2vec2's vocab.json) or one token per line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError(
            f"The vocabulary file {path} does not exist.",
            "Give the model's vocab.json or tokens.txt (models add --vocab FILE).",
        ) from exc
    stripped = text.strip()
    if stripped.startswith("{"):
        mapping = json.loads(stripped)
        size = max(int(v) for v in mapping.values()) + 1
        tokens = [""] * size
        for token, index in mapping.items():
            tokens[int(index)] = token
        return tuple(tokens)
    tokens = []
    for line in text.splitlines():
        if not line.strip():
            continue
        # "token index" lines (k2/icefall tokens.txt) or plain tokens.
        parts = line.rstrip("\n").rsplit(" ", 1)
        tokens.append(parts[0] if len(parts) == 2 and parts[1].isdigit() else line.strip("\n"))
    return tuple(tokens)


def blank_index(vocab: Sequence[str]) -> int:
    for token in BLANK_TOKENS:
        if token in vocab:
            return list(vocab).index(token)
    return 0


def ctc_greedy(logits: Any, vocab: Sequence[str]) -> str:
    """Best path: argmax per frame, merge repeats, drop blanks, map tokens to text."""
    import numpy as np

    frames = np.asarray(logits)
    if frames.ndim == 3:
        frames = frames[0]
    if frames.ndim != 2:
        raise InputError(f"CTC output must be [time, vocabulary], got shape {list(frames.shape)}.")
    if frames.shape[1] != len(vocab):
        raise InputError(
            f"The model outputs {frames.shape[1]} classes per frame but the vocabulary has "
            f"{len(vocab)} tokens.",
            "Give the vocabulary file the model was trained with.",
        )
    blank = blank_index(vocab)
    best = frames.argmax(axis=1)
    pieces: list[str] = []
    previous = -1
    for index in best:
        if index != previous and index != blank:
            pieces.append(vocab[int(index)])
        previous = int(index)
    text = "".join(" " if p in WORD_DELIMITERS else p.replace("▁", " ") for p in pieces)
    return " ".join(text.split())


def asr_waveform(samples: Any, normalise: bool = True) -> Any:
    import numpy as np

    x = samples.astype(np.float32)
    if normalise:
        x = (x - x.mean()) / np.sqrt(x.var() + 1e-7)
    return x[None, :]
