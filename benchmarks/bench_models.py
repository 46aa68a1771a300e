"""Models benchmarks (CPU; no GPU on the machines these numbers come from).

- Runner overhead: ScholarDesk's ``ModelRunner.run`` vs a bare ``InferenceSession.run`` on the
  same session and input, batch 1, interleaved in one process (medians of many calls).
  Target: at most 5 % slower.
- Session cache: creating a session vs getting the cached one.
- Silero VAD v5 on 8 s of real (espeak-ng) speech: real-time factor.
- Shapes classifier throughput at batch 1 and 8 (the benchmark service's own numbers).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "resources" / "sample" / "models"
DATA = REPO / "tests" / "data" / "models"
FIXTURES = Path(os.environ.get("SCHOLARDESK_FIXTURES", REPO.parent / "shared" / "fixtures"))


def _overhead(model: Path, rounds: int = 4000) -> tuple[float, float, float]:
    import numpy as np

    from scholardesk.inference.runner import ModelRunner
    from scholardesk.inference.session_cache import open_session

    runner = ModelRunner(open_session(model, "cpu"))
    session = runner.session
    feeds = {"image": np.random.default_rng(0).standard_normal((1, 3, 32, 32)).astype(np.float32)}
    for _ in range(200):  # warm-up both paths
        session.run(None, feeds)
        runner.run(feeds)
    bare: list[float] = []
    ours: list[float] = []
    clock = time.perf_counter
    for i in range(rounds):
        # alternate the order so that neither path always runs second
        if i % 2:
            t0 = clock()
            session.run(None, feeds)
            t1 = clock()
            runner.run(feeds)
            t2 = clock()
            bare.append(t1 - t0)
            ours.append(t2 - t1)
        else:
            t0 = clock()
            runner.run(feeds)
            t1 = clock()
            session.run(None, feeds)
            t2 = clock()
            ours.append(t1 - t0)
            bare.append(t2 - t1)
    b = statistics.median(bare) * 1000
    o = statistics.median(ours) * 1000
    return b, o, (o - b) / b * 100.0


def run() -> list[dict[str, object]]:
    sys.path.insert(0, str(REPO / "src"))
    from scholardesk.inference.runner import ModelRunner
    from scholardesk.inference.session_cache import SessionCache, open_session
    from scholardesk.inference.tasks import audio

    rows: list[dict[str, object]] = []
    bare_ms, ours_ms, overhead = _overhead(SAMPLES / "shapes_classifier.onnx")
    rows += [
        {"benchmark": "bare InferenceSession.run, shapes classifier, batch 1 (median)",
         "value": bare_ms, "unit": "ms", "target": "(reference)"},
        {"benchmark": "ScholarDesk ModelRunner.run, same session and input (median)",
         "value": ours_ms, "unit": "ms", "target": "(reference)"},
        {"benchmark": "runner overhead vs bare session.run", "value": overhead, "unit": "%",
         "target": "≤ 5 %"},
    ]

    cache = SessionCache()
    model = SAMPLES / "shapes_classifier.onnx"
    t0 = time.perf_counter()
    cache.get(model, "cpu")
    created = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    for _ in range(1000):
        cache.get(model, "cpu")
    cached = (time.perf_counter() - t0) * 1000 / 1000
    rows += [
        {"benchmark": "session creation, shapes classifier", "value": created, "unit": "ms",
         "target": "(once per model)"},
        {"benchmark": "cached session lookup", "value": cached, "unit": "ms", "target": "< 0.1 ms"},
    ]

    silero = FIXTURES / "onnx" / "silero_vad_16k_op15.onnx"
    vad_model = silero if silero.is_file() else SAMPLES / "energy_vad.onnx"
    runner = ModelRunner(open_session(vad_model, "cpu"))
    sound = audio.read_wav(DATA / "vad_two_phrases_16k.wav")
    t0 = time.perf_counter()
    probs = audio.vad_probabilities(runner, sound.samples, 16000)
    elapsed = time.perf_counter() - t0
    segments = audio.speech_segments(probs, 0.032, sound.duration_s)
    rows.append({
        "benchmark": f"{vad_model.stem} on {sound.duration_s:.1f} s of speech "
                     f"({len(segments)} segments), real-time factor",
        "value": elapsed / sound.duration_s, "unit": "× real time", "target": "< 0.1",
    })

    from scholardesk.inference.bench import benchmark
    from scholardesk.inference.tasks import image_classification as img

    shapes = ModelRunner(open_session(model, "cpu"))
    prep = img.preprocessing_for(shapes.inputs[0], {})
    for r in benchmark(shapes, lambda b: {"image": img.random_images(prep, b)}, (1, 8), 20, 300):
        rows.append({
            "benchmark": f"shapes classifier throughput, batch {r.batch} (p50 {r.p50_ms:.3f} ms, "
                         f"p99 {r.p99_ms:.3f} ms)",
            "value": r.throughput_per_s, "unit": "items/s", "target": "(CPU, reference)",
        })
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
