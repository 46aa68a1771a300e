"""ModelsService on a real migrated library: register, refuse bad files, run every task,
benchmark and save as experiment runs, sample data."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from scholardesk.core.errors import InputError, NotFoundError
from scholardesk.domain.changes import EXPERIMENTS
from scholardesk.services.context import Services

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "resources" / "sample" / "models"
DATA = REPO / "tests" / "data" / "models"


def test_add_records_the_signature(services: Services, real_fixture: Callable[[str], Path]) -> None:
    path = real_fixture("onnx/silero_vad_16k_op15.onnx")
    added = services.models.add(path)
    m = added.model
    assert added.created and m.task == "vad" and m.name == "silero_vad_16k_op15"
    assert m.opset == 15 and m.producer == "pytorch" and m.parameters == 309633
    assert m.sha256 == "7ed98ddbad84ccac4cd0aeb3099049280713df825c610a8ed34543318f1b2c49"
    assert m.size_bytes == path.stat().st_size
    assert [(t.name, t.shape) for t in m.inputs][:2] == [("input", ("batch", "sequence")),
                                                         ("state", (2, "batch", 128))]
    again = services.models.add(path, name="Silero VAD v5")
    assert not again.created and again.model.id == m.id and again.model.name == "Silero VAD v5"
    assert len(services.models.list()) == 1
    assert services.models.get("silero vad v5").id == m.id
    with pytest.raises(NotFoundError):
        services.models.get("999")


def test_labels_and_assets(services: Services, tmp_path: Path) -> None:
    labels = tmp_path / "labels.txt"
    labels.write_text("0 round\n1 boxy\n2 pointy\n3 plus\n")
    m = services.models.add(SAMPLES / "shapes_classifier.onnx", labels_file=labels).model
    assert m.task == "image-classification"
    assert m.labels == ("round", "boxy", "pointy", "plus")
    text = services.models.add(SAMPLES / "topic_classifier.onnx").model
    assert text.task == "text-classification"
    assert text.labels == ("vision", "speech", "language", "systems")  # from the metadata
    assert text.asset("tokenizer", ) == str(SAMPLES / "topic_classifier.tokenizer.json")


@pytest.mark.parametrize(
    "make_bad, message",
    [
        (lambda p: p.write_bytes((SAMPLES / "shapes_classifier.onnx").read_bytes()[:5000]),
         "truncated or corrupt"),
        (lambda p: p.write_text("hello"), "not a readable ONNX model"),
        (lambda p: shutil.copy(DATA / "external" / "external.onnx", p), "external_weights.bin"),
    ],
)
def test_bad_files_register_nothing(
    services: Services, tmp_path: Path, make_bad: Callable[[Path], object], message: str
) -> None:
    path = tmp_path / "model.onnx"
    make_bad(path)
    with pytest.raises(InputError, match=message):
        services.models.add(path)
    assert services.models.list() == []


def test_opset_onnxruntime_refuses_registers_nothing(services: Services, tmp_path: Path) -> None:
    import onnx
    from onnx import TensorProto, helper

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])
    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "g", [x], [y])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 1)])
    model.ir_version = 3
    path = tmp_path / "ancient.onnx"
    onnx.save(model, path)
    with pytest.raises(InputError, match="onnxruntime|opset"):
        services.models.add(path)
    assert services.models.list() == []


def test_run_image_text_vad_asr_generic(services: Services, real_fixture: Callable[[str], Path]) -> None:
    shapes = services.models.add(SAMPLES / "shapes_classifier.onnx").model
    result = services.models.run(shapes.id, [SAMPLES / "shape_triangle.png"], top_k=2)
    assert result.top[0].label == "triangle" and len(result.top) == 2
    assert result.providers_used == ("CPUExecutionProvider",) and result.latency_ms > 0
    payload = result.to_json()
    assert payload["task"] == "image-classification" and payload["top"][0]["label"] == "triangle"

    topics = services.models.add(SAMPLES / "topic_classifier.onnx").model
    text = services.models.run(topics.id, text="GPU memory scheduling for LLM serving")
    assert text.top[0].label == "systems"

    vad = services.models.add(real_fixture("onnx/silero_vad_16k_op15.onnx")).model
    speech = services.models.run(vad.id, [DATA / "vad_two_phrases_8k.wav"])
    assert [round(s.start_s) for s in speech.segments] == [1, 6]
    assert speech.duration_s == pytest.approx(8.012, abs=0.01)
    assert len(speech.frame_probabilities) == 251 and speech.waveform

    asr = services.models.add(SAMPLES / "tone_speller.onnx").model
    assert asr.task == "asr" and asr.asset("vocab")
    heard = services.models.run(asr.id, [SAMPLES / "tone_speller_hello.wav"],
                                reference="hello word")
    assert heard.text == "hello world"
    assert heard.wer == pytest.approx(0.5) and heard.cer == pytest.approx(0.1)

    ext = services.models.add(DATA / "external" / "external.onnx").model
    assert ext.task == "generic"
    out = services.models.run(ext.id)
    assert out.outputs == (("y", (1, 32), "float32"),)


def test_run_bad_inputs(services: Services, tmp_path: Path) -> None:
    vad = services.models.add(SAMPLES / "energy_vad.onnx").model
    (tmp_path / "clip.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk")
    with pytest.raises(InputError, match="WAV"):
        services.models.run(vad.id, [tmp_path / "clip.wav"])
    ext = services.models.add(DATA / "external" / "external.onnx").model
    np.save(tmp_path / "x.npy", np.zeros((1, 63), np.float32))
    with pytest.raises(InputError, match=r"'x' must have shape \[batch, 64\]"):
        services.models.run(ext.id, [tmp_path / "x.npy"])
    np.save(tmp_path / "x.npy", np.zeros((1, 64), np.int64))
    with pytest.raises(InputError, match="must be float32, but int64"):
        services.models.run(ext.id, [tmp_path / "x.npy"])


def test_bench_saves_experiment_runs(services: Services) -> None:
    m = services.models.add(SAMPLES / "shapes_classifier.onnx").model
    outcome = services.models.bench(m.id, batches=(1, 4), warmup=2, runs=10, save=True)
    assert [r.batch for r in outcome.results] == [1, 4]
    assert all(r.run_id for r in outcome.results)
    assert outcome.changes.touches(EXPERIMENTS)
    runs = services.experiments.runs(experiment="Model benchmarks")
    assert len(runs) == 2
    run = runs[0]
    assert run.source == "demo" and run.model == m.name
    metrics = {r.metric: r for r in run.results}
    assert metrics["latency_p50_ms"].higher_is_better is False
    assert metrics["throughput_per_s"].value > 0


def test_fixed_batch_model_refuses_other_batches(
    services: Services, real_fixture: Callable[[str], Path]
) -> None:
    m = services.models.add(real_fixture("onnx/wonnx_opt-mnist.onnx")).model
    assert m.task == "image-classification"
    with pytest.raises(InputError, match="exactly batch 1"):
        services.models.bench(m.id, batches=(1, 8), runs=2, warmup=0)
    assert services.models.bench(m.id, batches=(1,), runs=3, warmup=1).results[0].batch == 1


def test_sample_models(services: Services) -> None:
    services.models.load_sample()
    models = services.models.list()
    assert {m.task for m in models} == {"image-classification", "text-classification", "vad", "asr"}
    assert all(m.is_sample for m in models)
    # Each sample runs at once on its shipped example input.
    for m in models:
        result = services.models.run(m.id)
        assert result.latency_ms > 0
    mine = services.models.add(DATA / "external" / "external.onnx").model
    assert services.models.delete_sample() == 4
    assert [m.id for m in services.models.list()] == [mine.id]


def test_remove(services: Services) -> None:
    m = services.models.add(SAMPLES / "energy_vad.onnx").model
    services.models.remove(m.id)
    assert services.models.list() == []


def test_paddle_models_register_with_guessed_tasks_and_pair_for_ocr(
    services: Services, real_fixture: Any, tmp_path: Path
) -> None:
    from PIL import Image, ImageDraw, ImageFont

    det = services.models.add(real_fixture("onnx/pypi/ch_PP-OCRv4_det_infer.onnx")).model
    rec = services.models.add(real_fixture("onnx/pypi/ch_PP-OCRv4_rec_infer.onnx")).model
    lay = services.models.add(real_fixture("onnx/pypi/layout_cdla.onnx")).model
    assert (det.task, rec.task, lay.task) == ("text-detection", "text-recognition", "layout-detection")
    image = Image.new("RGB", (640, 120), "white")
    font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 36)
    ImageDraw.Draw(image).text((30, 30), "Benchmark 2024", font=font, fill="black")
    image.save(tmp_path / "line.png")
    result = services.models.ocr(tmp_path / "line.png", det.id, rec.id, "cpu")
    assert [line.text for line in result.lines] == ["Benchmark 2024"]
    assert result.to_json()["lines"][0]["box"][0][0] < 40  # type: ignore[index]
    Image.new("RGB", (300, 200), "white").save(tmp_path / "blank.png")
    blank = services.models.ocr(tmp_path / "blank.png", det.id, rec.id, "cpu")
    assert blank.lines == () and "No text was found in blank.png." in blank.notes
    # A dictionary that does not fit the recogniser's classes is refused by name.
    (tmp_path / "dict.txt").write_text("a\nb\n", encoding="utf-8")
    with pytest.raises(InputError, match="6625 output classes"):
        services.models.ocr(tmp_path / "line.png", det.id, rec.id, "cpu", tmp_path / "dict.txt")
    page = services.models.layout(tmp_path / "line.png", lay.id, threshold=0.99, provider="cpu")
    assert page.boxes == () and page.notes[0].startswith("No layout region scored 0.99")
