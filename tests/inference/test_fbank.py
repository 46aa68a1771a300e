"""The fbank front end: kaldi-native-fbank's features equal an independent numpy
re-implementation of Kaldi's recipe, CMVN statistics are applied per bin, the front end is chosen
per model, and a CTC model built by tools/build_fbank_ctc_model.py reads its tones back."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from scholardesk.core.errors import InputError
from scholardesk.domain.models import TensorSpec
from scholardesk.inference.tasks import fbank
from scholardesk.services.context import Services

TOOL = Path(__file__).resolve().parents[2] / "tools" / "build_fbank_ctc_model.py"


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_fbank_ctc_model", TOOL)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def kaldi_fbank_numpy(x: np.ndarray, rate: int = 16000, bins: int = 80) -> np.ndarray:
    """Kaldi's compute-fbank-feats defaults written out: 25/10 ms frames (snip edges), DC removed,
    pre-emphasis 0.97, Povey window, 512-point power spectrum, mel triangles 20 Hz–Nyquist."""
    x = x.astype(np.float64) * 32768
    length, shift = 400, 160
    n = 1 + (len(x) - length) // shift
    frames = np.stack([x[i * shift:i * shift + length] for i in range(n)])
    frames -= frames.mean(axis=1, keepdims=True)
    frames = np.concatenate([frames[:, :1] * 0.03, frames[:, 1:] - 0.97 * frames[:, :-1]], axis=1)
    window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(length) / (length - 1))) ** 0.85
    power = np.abs(np.fft.rfft(frames * window, 512)) ** 2

    def mel(f: np.ndarray | float) -> np.ndarray:
        return 1127 * np.log(1 + np.asarray(f) / 700)

    low, high = float(mel(20)), float(mel(rate / 2))
    step = (high - low) / (bins + 1)
    fft_mel = mel(np.arange(257) * rate / 512)
    weights = np.zeros((bins, 257))
    for m in range(bins):
        left, centre, right = low + m * step, low + (m + 1) * step, low + (m + 2) * step
        rising, falling = (fft_mel - left) / (centre - left), (right - fft_mel) / (right - centre)
        weights[m] = np.where((fft_mel > left) & (fft_mel < right), np.minimum(rising, falling), 0)
    weights[:, 256] = 0
    return np.log(np.maximum(power @ weights.T, np.finfo(np.float32).eps))


def test_library_features_equal_kaldis_recipe_in_numpy() -> None:
    rng = np.random.default_rng(0)
    t = np.arange(4800) / 16000
    x = (0.3 * np.sin(2 * np.pi * 440 * t) + 0.05 * rng.standard_normal(len(t))).astype(np.float32)
    feats = fbank.fbank(x, 16000)
    assert feats.shape == (28, 80)  # 1 + (4800 - 400) // 160
    np.testing.assert_allclose(feats, kaldi_fbank_numpy(x), atol=1e-3)


def test_cmvn_from_wenet_statistics(tmp_path: Path) -> None:
    x = np.sin(np.arange(8000) / 7.0).astype(np.float32) * 0.2
    raw = fbank.fbank(x, 16000)
    mean, std = raw.mean(axis=0), raw.std(axis=0) + 0.5
    count = 100.0
    stats = {"frame_num": count, "mean_stat": (mean * count).tolist(),
             "var_stat": ((std**2 + mean**2) * count).tolist()}
    path = tmp_path / "global_cmvn"
    path.write_text(json.dumps(stats), encoding="utf-8")
    front = fbank.FrontEnd(fbank.FBANK, 80, str(path))
    np.testing.assert_allclose(fbank.features(front, x, 16000), (raw - mean) / std, atol=1e-3)
    path.write_text(json.dumps({"mean": [0.0] * 40, "istd": [1.0] * 40}), encoding="utf-8")
    with pytest.raises(InputError, match="40 bins; the model takes 80"):
        fbank.features(front, x, 16000)


def test_the_front_end_is_chosen_per_model() -> None:
    feats_in = (TensorSpec("speech", "float32", ("batch", "frames", 80)),
                TensorSpec("speech_lengths", "int64", ("batch",)))
    wave_in = (TensorSpec("waveform", "float32", ("batch", "samples")),)
    assert fbank.choose(feats_in, {}, {}) == fbank.FrontEnd(fbank.FBANK, 80, None)
    assert fbank.choose(wave_in, {}, {}).kind == fbank.WAVEFORM
    assert fbank.choose(feats_in, {}, {"frontend": "waveform"}).kind == fbank.WAVEFORM
    assert fbank.choose(wave_in, {"scholardesk.frontend": "fbank"}, {"cmvn": "c.json"}).cmvn == "c.json"
    feeds = fbank.feeds(feats_in, np.zeros((7, 80), np.float32))
    assert feeds["speech"].shape == (1, 7, 80) and feeds["speech_lengths"].tolist() == [7]
    with pytest.raises(InputError, match="takes 80 feature bins, not 40"):
        fbank.feeds(feats_in[:1], np.zeros((7, 40), np.float32))


def test_a_ctc_model_on_fbank_features_reads_its_tones(services: Services, tmp_path: Path) -> None:
    model_path = _tool().build(tmp_path)
    added = services.models.add(model_path).model
    assert added.task == "asr"
    result = services.models.run(added.id, [tmp_path / "fbank_ctc_hello.wav"], "cpu",
                                 reference="hello world")
    assert result.text == "hello world" and result.cer == 0.0
    assert result.to_json()["frontend"] == "fbank"
    # The front end is stored with the model: the raw waveform does not fit this model.
    services.models.add(model_path, frontend="waveform")
    with pytest.raises(InputError):
        services.models.run(added.id, [tmp_path / "fbank_ctc_hello.wav"], "cpu")
