"""Build a tiny CTC model that consumes 80-dim log-mel fbank features (numpy + onnx.helper).

    .venv/bin/python tools/build_fbank_ctc_model.py [OUT_DIR]

Like the WeNet / k2 / ESPnet exports it stands in for, it takes ``speech`` [batch, frames, 80]
(Kaldi fbank of 16 kHz audio, 25 ms frames every 10 ms) and ``speech_lengths`` [batch], and
gives ``logits`` [batch, frames, vocabulary] and ``logits_lengths``. Every letter is a tone at
the centre frequency of one mel bin (bin 20 + 2 × letter index): the letter's logit is that
bin's log energy minus the frame's mean log energy, so a tone lights its letter whatever its
loudness, and the blank (bias 3) wins in silence and between tones. Greedy CTC over the logits
of ``synthesise(text)`` therefore gives ``text`` back: the expected output is known exactly.

Writes ``fbank_ctc.onnx``, ``fbank_ctc.vocab.txt`` and ``fbank_ctc_hello.wav`` ("hello world").
"""

from __future__ import annotations

import math
import sys
import wave
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

RATE = 16000
BINS = 80
LOW_HZ = 20.0
ALPHABET = "abcdefghijklmnopqrstuvwxyz "
FIRST_BIN = 20
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "models"


def _mel(hz: float) -> float:
    return 1127.0 * math.log(1.0 + hz / 700.0)


def bin_centre_hz(m: int) -> float:
    """The centre of Kaldi's mel bin ``m`` (0-based) for 80 bins from 20 Hz to Nyquist."""
    low, high = _mel(LOW_HZ), _mel(RATE / 2)
    centre = low + (m + 1) * (high - low) / (BINS + 1)
    return 700.0 * (math.exp(centre / 1127.0) - 1.0)


def letter_bin(letter: str) -> int:
    return FIRST_BIN + 2 * ALPHABET.index(letter)


def synthesise(text: str, tone_s: float = 0.12, gap_s: float = 0.05) -> np.ndarray:
    pieces = [np.zeros(int(0.2 * RATE), np.float32)]
    for letter in text:
        t = np.arange(int(tone_s * RATE)) / RATE
        fade = np.minimum(1.0, np.minimum(t, t[::-1]) / 0.01)
        tone = 0.4 * np.sin(2 * np.pi * bin_centre_hz(letter_bin(letter)) * t) * fade
        pieces += [tone.astype(np.float32), np.zeros(int(gap_s * RATE), np.float32)]
    pieces.append(np.zeros(int(0.2 * RATE), np.float32))
    return np.concatenate(pieces)


def build(out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    vocab = ["<blank>"] + [("|" if c == " " else c) for c in ALPHABET]
    w = np.zeros((BINS, len(vocab)), np.float32)
    for i, letter in enumerate(ALPHABET):
        w[:, i + 1] = -1.0 / BINS
        w[letter_bin(letter), i + 1] += 1.0
    bias = np.zeros(len(vocab), np.float32)
    bias[0] = 3.0
    speech = helper.make_tensor_value_info("speech", TensorProto.FLOAT, ["batch", "frames", BINS])
    lengths = helper.make_tensor_value_info("speech_lengths", TensorProto.INT64, ["batch"])
    logits = helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", "frames", len(vocab)])
    out_lengths = helper.make_tensor_value_info("logits_lengths", TensorProto.INT64, ["batch"])
    nodes = [
        helper.make_node("MatMul", ["speech", "letter_w"], ["scores"]),
        helper.make_node("Add", ["scores", "letter_b"], ["logits"]),
        helper.make_node("Identity", ["speech_lengths"], ["logits_lengths"]),
    ]
    inits = [numpy_helper.from_array(w, "letter_w"), numpy_helper.from_array(bias, "letter_b")]
    graph = helper.make_graph(nodes, "fbank_ctc", [speech, lengths], [logits, out_lengths], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="scholardesk-build-fbank-ctc", producer_version="1",
                              doc_string="Toy CTC recogniser on 80-dim fbank: a letter per mel bin.")
    model.ir_version = 8
    for key, value in {"scholardesk.task": "asr", "scholardesk.sample_rate": str(RATE),
                       "scholardesk.frontend": "fbank", "scholardesk.num_mel_bins": str(BINS),
                       "scholardesk.vocab": "fbank_ctc.vocab.txt"}.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(model)
    path = out / "fbank_ctc.onnx"
    onnx.save(model, path)
    (out / "fbank_ctc.vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    samples = (np.clip(synthesise("hello world"), -1, 1) * 32767).astype("<i2")
    with wave.open(str(out / "fbank_ctc_hello.wav"), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(samples.tobytes())
    return path


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT))
