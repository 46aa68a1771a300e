"""Audio: the real Silero VAD v5 on real (espeak-ng) speech, WAV reading, resampling, CTC."""

from __future__ import annotations

import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from scholardesk.core.errors import InputError
from scholardesk.domain.models import char_error_rate, word_error_rate
from scholardesk.inference.runner import ModelRunner
from scholardesk.inference.session_cache import open_session
from scholardesk.inference.tasks import audio

# tests/data/models/vad_two_phrases_16k.wav: 1.0 s silence, "Scholar Desk finds the speech in
# this recording." (1.000–3.681 s), 2.0 s silence, "Then it stays quiet." (5.681–7.012 s),
# 1.0 s silence. Made with espeak-ng + sox (see docs/models.md); the 8 kHz copy by sox.
PHRASES = [(1.000, 3.681), (5.681, 7.012)]




def _segments(runner: ModelRunner, path: Path) -> list[tuple[float, float]]:
    sound = audio.read_wav(path)
    samples = audio.resample(sound.samples, sound.rate, 16000)
    probs = audio.vad_probabilities(runner, samples)
    found = audio.speech_segments(probs, 512 / 16000, len(samples) / 16000)
    return [(s.start_s, s.end_s) for s in found]


@pytest.mark.parametrize("name", ["vad_two_phrases_16k.wav", "vad_two_phrases_8k.wav"])
def test_silero_finds_real_speech(
    real_fixture: Callable[[str], Path], data: Path, name: str
) -> None:
    runner = ModelRunner(open_session(real_fixture("onnx/silero_vad_16k_op15.onnx"), "cpu"))
    found = _segments(runner, data / name)
    assert len(found) == 2, found
    for (start, end), (true_start, true_end) in zip(found, PHRASES, strict=True):
        assert abs(start - true_start) < 0.15, (start, true_start)
        assert abs(end - true_end) < 0.15, (end, true_end)


def test_silero_on_silence_and_noise_finds_nothing(real_fixture: Callable[[str], Path]) -> None:
    runner = ModelRunner(open_session(real_fixture("onnx/silero_vad_16k_op15.onnx"), "cpu"))
    silence = np.zeros(16000 * 3, np.float32)
    probs = audio.vad_probabilities(runner, silence)
    assert probs.max() < 0.1
    assert audio.speech_segments(probs, 0.032, 3.0) == ()
    hum = (0.01 * np.random.default_rng(0).standard_normal(16000 * 3)).astype(np.float32)
    assert audio.speech_segments(audio.vad_probabilities(runner, hum), 0.032, 3.0) == ()


def test_state_is_carried_between_chunks(real_fixture: Callable[[str], Path], data: Path) -> None:
    """Feeding each chunk with a fresh zero state gives different probabilities: the
    streaming state really flows from chunk to chunk."""
    runner = ModelRunner(open_session(real_fixture("onnx/silero_vad_16k_op15.onnx"), "cpu"))
    samples = audio.read_wav(data / "vad_two_phrases_16k.wav").samples[: 16000 * 3]
    carried = audio.vad_probabilities(runner, samples)
    fresh = np.array([audio.vad_probabilities(runner, samples[i:i + 512])[0]
                      for i in range(0, len(samples) - 511, 512)])
    assert not np.allclose(carried[: len(fresh)], fresh, atol=1e-3)


def test_demo_energy_vad_on_the_same_speech(samples: Path, data: Path) -> None:
    runner = ModelRunner(open_session(samples / "energy_vad.onnx", "cpu"))
    found = _segments(runner, data / "vad_two_phrases_16k.wav")
    assert len(found) == 2
    assert abs(found[0][0] - 1.0) < 0.2 and abs(found[1][1] - 7.012) < 0.2


def test_read_wav_formats(data: Path, tmp_path: Path) -> None:
    sound = audio.read_wav(data / "vad_two_phrases_8k.wav")
    assert sound.rate == 8000 and abs(sound.duration_s - 8.012) < 0.01
    # stereo 24-bit: mixed to mono, scaled to [-1, 1]
    path = tmp_path / "stereo24.wav"
    left = (np.sin(np.arange(800) / 10) * 0.5 * (1 << 23)).astype(np.int32)
    frames = np.stack([left, -left], axis=1).reshape(-1)
    raw = b"".join(int(v & 0xFFFFFF).to_bytes(3, "little") for v in frames)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(3)
        w.setframerate(44100)
        w.writeframes(raw)
    stereo = audio.read_wav(path)
    assert stereo.rate == 44100 and len(stereo.samples) == 800
    assert np.abs(stereo.samples).max() < 1e-6  # left and right cancel


def test_unsupported_wavs(tmp_path: Path) -> None:
    # IEEE-float WAV header (format code 3)
    import struct

    data = np.zeros(100, np.float32).tobytes()
    header = b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVEfmt " + struct.pack(
        "<IHHIIHH", 16, 3, 1, 16000, 64000, 4, 32) + b"data" + struct.pack("<I", len(data))
    (tmp_path / "float.wav").write_bytes(header + data)
    with pytest.raises(InputError, match="unsupported encoding \\(32-bit float\\).*sox"):
        audio.read_wav(tmp_path / "float.wav")
    (tmp_path / "song.wav").write_bytes(b"ID3\x03\x00 not a wav at all")
    with pytest.raises(InputError, match="not a readable WAV file"):
        audio.read_wav(tmp_path / "song.wav")
    with pytest.raises(InputError, match="does not exist"):
        audio.read_wav(tmp_path / "missing.wav")


def test_resample_keeps_a_tone() -> None:
    t = np.arange(8000) / 8000
    tone = np.sin(2 * np.pi * 440 * t).astype(np.float32)
    up = audio.resample(tone, 8000, 16000)
    assert len(up) == 16000
    spectrum = np.abs(np.fft.rfft(up))
    assert abs(np.argmax(spectrum) * 16000 / len(up) - 440) < 2


def test_ctc_greedy_and_error_rates(samples: Path) -> None:
    vocab = audio.load_vocab(samples / "tone_speller.vocab.txt")
    assert vocab[0] == "<blank>" and vocab[-1] == "|"
    idx = {t: i for i, t in enumerate(vocab)}
    path = ["<blank>", "h", "h", "i", "<blank>", "i", "|", "y", "o", "<blank>"]
    logits = np.full((len(path), len(vocab)), -5.0, np.float32)
    for row, token in enumerate(path):
        logits[row, idx[token]] = 5.0
    assert audio.ctc_greedy(logits[None], vocab) == "hii yo"
    with pytest.raises(InputError, match="vocabulary has"):
        audio.ctc_greedy(logits[:, :5], vocab)
    assert word_error_rate("the cat sat", "the cat sat") == 0.0
    assert word_error_rate("the cat sat", "the hat sat down") == pytest.approx(2 / 3)
    assert char_error_rate("abcd", "abxd") == pytest.approx(0.25)


def test_tone_speller_transcribes(samples: Path) -> None:
    runner = ModelRunner(open_session(samples / "tone_speller.onnx", "cpu"))
    sound = audio.read_wav(samples / "tone_speller_hello.wav")
    x = sound.samples[: len(sound.samples) // 200 * 200]
    out = runner.run({"waveform": audio.asr_waveform(x, normalise=False)})
    assert audio.ctc_greedy(out[0], audio.load_vocab(samples / "tone_speller.vocab.txt")) == "hello world"
