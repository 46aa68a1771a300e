"""Models benchmarks (CPU; no GPU on the machines these numbers come from).

- Runner overhead: ScholarDesk's ``ModelRunner.run`` vs a bare ``InferenceSession.run`` on the
  same session and input, batch 1, interleaved in one process (medians of many calls).
  Target: at most 5 % slower.
- Session cache: creating a session vs getting the cached one.
- Silero VAD v5 on 8 s of real (espeak-ng) speech: real-time factor.
- Shapes classifier throughput at batch 1 and 8 (the benchmark service's own numbers).
- OCR (PP-OCRv4 det + rec) of a rendered 1280×720 slide with 20 lines (English and Chinese,
  Noto CJK), and layout detection (PP-PicoDet) of one rendered page: end-to-end time through
  ``ModelRunner.run``; and in the same run, for every model call the pipeline makes (det, each
  rec batch, layout), ``ModelRunner.run`` against a bare ``InferenceSession.run`` on the same
  session and feeds, back to back (fastest of each; overhead target ≤ 5 %).
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
    rows += _ocr_and_layout()
    return rows


CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
SLIDE_LINES = [
    "Efficient Inference for Document Understanding",
    "文档理解模型的高效推理",
    "1. Motivation: latency matters on laptops",
    "2. 在普通处理器上测量每一步的耗时",
    "3. Text detection with DBNet, recognition with SVTR",
    "4. Layout analysis: title, text, table, figure",
    "5. 实验设置：两核处理器，无显卡",
    "6. Results: 20 lines read in under a second",
    "7. Batch recognition of six lines at a time",
    "8. 中文与英文混排的幻灯片",
    "9. Future work: GPU and TensorRT numbers",
    "10. Questions and discussion",
    "Table 1: p50 latency per model and batch size",
    "图 2：不同批大小下的吞吐量",
    "Attention Is All You Need (2017)",
    "Deep Residual Learning for Image Recognition",
    "深度学习模型的推理速度测试",
    "Thank you for listening",
    "https://example.org/scholardesk",
    "2026 年 12 月",
]


def draw_slide() -> object:
    """A 1280×720 RGB slide with the 20 lines above (Pillow, Noto Sans CJK 24 px)."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (1280, 720), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(CJK_FONT), 24)
    for i, text in enumerate(SLIDE_LINES):
        draw.text((60, 12 + i * 35), text, fill="black", font=font)
    return np.asarray(image)


def draw_page() -> object:
    """One A4 page at 150 dpi: a title, a paragraph, a table grid and a bar figure."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(image)
    title = ImageFont.truetype(str(CJK_FONT), 56)
    body = ImageFont.truetype(str(CJK_FONT), 26)
    draw.text((160, 120), "Efficient Inference of Document Models", font=title, fill="black")
    words = ("we study the latency of layout detection and text recognition models on "
             "commodity processors and report the results of many experiments").split()
    for i in range(12):
        draw.text((120, 300 + 40 * i), " ".join(words[i % 5:][:11]), font=body, fill="black")
    top = 860
    for r in range(7):
        draw.line([(160, top + r * 50), (1080, top + r * 50)], fill="black", width=2)
    for c in range(5):
        draw.line([(160 + c * 230, top), (160 + c * 230, top + 300)], fill="black", width=2)
    fig = top + 400
    draw.rectangle([300, fig, 940, fig + 380], outline="black", width=3)
    for k in range(8):
        draw.rectangle([340 + k * 70, fig + 360 - 40 * k, 380 + k * 70, fig + 360],
                       fill=(40, 90, 200))
    return np.asarray(image)


def _median_s(fn: object, rounds: int) -> tuple[float, object]:
    """Median seconds of ``rounds`` calls of ``fn()`` (after one warm-up call) and its result."""
    result = fn()  # type: ignore[operator]  # warm-up (the session's first, profiled run)
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        result = fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def _recording(run: object, calls: list[object]) -> object:
    def record(feeds: object) -> object:
        calls.append(feeds)
        return run(feeds)  # type: ignore[operator]

    return record


def _call_overhead(runner: object, calls: list[object], rounds: int) -> tuple[float, float]:
    """Per call the pipeline makes: ``ModelRunner.run`` and a bare ``InferenceSession.run`` on
    the same session and feeds, back to back, order swapped each round; the sums over the calls
    of the medians (seconds) of ours and of bare."""
    session = runner.session  # type: ignore[attr-defined]
    clock = time.perf_counter
    ours_total = bare_total = 0.0
    for feeds in calls:
        ours: list[float] = []
        bare: list[float] = []
        for i in range(rounds):
            pair = ((runner.run, ours), (lambda f: session.run(None, f), bare))  # type: ignore[attr-defined]
            for fn, times in pair if i % 2 else pair[::-1]:
                t0 = clock()
                fn(feeds)
                times.append(clock() - t0)
        # The fastest of each: on a shared machine the medians of 100-ms calls move by several
        # per cent with other processes' load, the minima much less (the runner adds ~1 µs).
        ours_total += min(ours)
        bare_total += min(bare)
    return ours_total, bare_total


def _ocr_and_layout(rounds: int = 3) -> list[dict[str, object]]:
    from scholardesk.inference.runner import ModelRunner
    from scholardesk.inference.session_cache import open_session
    from scholardesk.inference.tasks import layout, ocr

    pypi = FIXTURES / "onnx" / "pypi"
    det_path, rec_path = pypi / "ch_PP-OCRv4_det_infer.onnx", pypi / "ch_PP-OCRv4_rec_infer.onnx"
    lay_path = pypi / "layout_cdla.onnx"
    if not (det_path.is_file() and rec_path.is_file() and lay_path.is_file() and CJK_FONT.is_file()):
        return [{"benchmark": "OCR / layout (PaddleOCR fixtures or fonts-noto-cjk missing)",
                 "value": "skipped", "unit": "", "target": "< 1.5 s / < 0.5 s"}]
    det, rec = ModelRunner(open_session(det_path, "cpu")), ModelRunner(open_session(rec_path, "cpu"))
    chars = ocr.characters_from_metadata(rec.session.get_modelmeta().custom_metadata_map)
    assert chars is not None
    classes = ocr.ctc_classes(chars, rec.outputs[0].shape[-1])
    bgr = ocr.to_bgr(draw_slide())  # type: ignore[arg-type]
    det_calls: list[object] = []
    rec_calls: list[object] = []

    def read(det_run: object, rec_run: object) -> object:
        boxes = ocr.detect(det_run, det.inputs[0].name, bgr)  # type: ignore[arg-type]
        return ocr.recognise(rec_run, rec.inputs[0].name,  # type: ignore[arg-type]
                             [ocr.crop(bgr, b) for b in boxes], classes)

    ocr_s, texts = _median_s(lambda: read(det.run, rec.run), rounds)
    read(_recording(det.run, det_calls), _recording(rec.run, rec_calls))
    read_back = sum(1 for t in texts if t.text.strip())  # type: ignore[attr-defined]
    det_ours, det_bare = _call_overhead(det, det_calls, 6)
    rec_ours, rec_bare = _call_overhead(rec, rec_calls, 4)

    lay = ModelRunner(open_session(lay_path, "cpu"))
    spec = lay.inputs[0]
    hw = (spec.shape[2], spec.shape[3])
    labels = layout.labels_from_metadata(dict(lay.session.get_modelmeta().custom_metadata_map),
                                         lay.outputs[0].shape[-1] or 0)
    page = draw_page()
    shapes = [o.shape for o in lay.outputs]
    lay_calls: list[object] = []

    def regions(run: object) -> object:
        return layout.detect(run, spec.name, hw, shapes, page, labels, 0.5)  # type: ignore[arg-type]

    lay_s, found = _median_s(lambda: regions(lay.run), 5)
    regions(_recording(lay.run, lay_calls))
    lay_ours, lay_bare = _call_overhead(lay, lay_calls, 10)

    def pct(ours: float, bare: float) -> float:
        return (ours - bare) / bare * 100.0

    return [
        {"benchmark": f"OCR of a 1280×720 slide with {len(SLIDE_LINES)} lines, PP-OCRv4 det + rec "
                      f"({read_back} lines read; median of {rounds})",
         "value": ocr_s, "unit": "s", "target": "< 1.5 s"},
        {"benchmark": f"runner overhead vs bare session.run, PP-OCRv4 det ({det_bare * 1000:.0f} ms "
                      "bare, fastest of 6 pairs)", "value": pct(det_ours, det_bare), "unit": "%",
         "target": "≤ 5 %"},
        {"benchmark": f"runner overhead vs bare session.run, PP-OCRv4 rec, {len(rec_calls)} batches "
                      f"({rec_bare * 1000:.0f} ms bare, fastest of 4 pairs)",
         "value": pct(rec_ours, rec_bare), "unit": "%", "target": "≤ 5 %"},
        {"benchmark": f"layout detection of one rendered page, PP-PicoDet ({len(found)} regions; "  # type: ignore[arg-type]
                      "median of 5)",
         "value": lay_s, "unit": "s", "target": "< 0.5 s"},
        {"benchmark": f"runner overhead vs bare session.run, PP-PicoDet ({lay_bare * 1000:.0f} ms "
                      "bare, fastest of 10 pairs)", "value": pct(lay_ours, lay_bare), "unit": "%",
         "target": "≤ 5 %"},
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
