"""Image and text classification with the demo models, NCHW and NHWC, and generic inputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from scholardesk.core.errors import InputError
from scholardesk.domain.models import TensorSpec
from scholardesk.inference.runner import ModelRunner, random_feeds
from scholardesk.inference.session_cache import open_session
from scholardesk.inference.tasks import generic
from scholardesk.inference.tasks import image_classification as img
from scholardesk.inference.tasks import text_classification as txt

SHAPES = ["circle", "square", "triangle", "cross"]


def _classify(model: Path, picture: Path) -> list[tuple[str, float]]:
    runner = ModelRunner(open_session(model, "cpu"))
    import onnx

    meta = {p.key: p.value for p in onnx.load(str(model)).metadata_props}
    prep = img.preprocessing_for(runner.inputs[0], meta)
    x = img.load_image(picture, prep)
    out = runner.run({runner.inputs[0].name: x})
    return [(t.label, t.probability) for t in img.top_k(out[0][0], SHAPES, 4)]


@pytest.mark.parametrize("kind", ["circle", "triangle"])
def test_shapes_classifier_nchw_and_nhwc(samples: Path, data: Path, kind: str) -> None:
    nchw = _classify(samples / "shapes_classifier.onnx", samples / f"shape_{kind}.png")
    nhwc = _classify(data / "shapes_nhwc.onnx", samples / f"shape_{kind}.png")
    assert nchw[0][0] == kind and nchw[0][1] > 0.5
    assert [label for label, _ in nhwc] == [label for label, _ in nchw]
    assert np.allclose([p for _, p in nhwc], [p for _, p in nchw], atol=1e-5)
    assert sum(p for _, p in nchw) == pytest.approx(1.0, abs=1e-5)


def test_layout_detection() -> None:
    nchw = img.preprocessing_for(TensorSpec("x", "float32", ("N", 3, 224, 224)), {})
    assert (nchw.layout, nchw.height, nchw.mean) == ("NCHW", 224, img.IMAGENET_MEAN)
    nhwc = img.preprocessing_for(TensorSpec("x", "float32", (1, 28, 28, 1)), {})
    assert (nhwc.layout, nhwc.channels, nhwc.mean, nhwc.std) == ("NHWC", 1, (0.0,), (1.0,))
    dynamic = img.preprocessing_for(TensorSpec("x", "float32", ("N", 3, "H", "W")), {})
    assert (dynamic.height, dynamic.width) == (224, 224)
    with pytest.raises(InputError, match="4-dimensional"):
        img.preprocessing_for(TensorSpec("x", "float32", ("N", 10)), {})


def test_mnist_fixture_as_image_classifier(real_fixture, samples: Path) -> None:  # type: ignore[no-untyped-def]
    runner = ModelRunner(open_session(real_fixture("onnx/wonnx_opt-mnist.onnx"), "cpu"))
    prep = img.preprocessing_for(runner.inputs[0], {})
    assert (prep.layout, prep.channels, prep.height) == ("NCHW", 1, 28)
    x = img.load_image(samples / "shape_circle.png", prep)
    assert x.shape == (1, 1, 28, 28)
    top = img.top_k(runner.run({"Input3": x})[0][0], [str(d) for d in range(10)], 3)
    assert len(top) == 3 and top[0].probability >= top[1].probability


def test_not_an_image(tmp_path: Path) -> None:
    bad = tmp_path / "photo.png"
    bad.write_text("not really a png")
    prep = img.preprocessing_for(TensorSpec("x", "float32", (1, 3, 8, 8)), {})
    with pytest.raises(InputError, match="not an image"):
        img.load_image(bad, prep)


def test_topic_classifier(samples: Path) -> None:
    runner = ModelRunner(open_session(samples / "topic_classifier.onnx", "cpu"))
    tokenizer = txt.load_tokenizer(samples / "topic_classifier.tokenizer.json")
    labels = (samples / "topic_classifier.labels.txt").read_text().split()
    texts = [
        "Streaming speaker diarization for noisy audio",
        "Efficient GPU kernel scheduling for distributed serving",
        "Semantic segmentation of video with depth",
        "Multilingual question answering with large language models",
    ]
    feeds = txt.encode(texts, tokenizer, runner.inputs)
    assert feeds["input_ids"].dtype == np.int64 and feeds["attention_mask"].shape == feeds["input_ids"].shape
    probs = runner.run(feeds)[0]
    assert [labels[i] for i in probs.argmax(1)] == ["speech", "systems", "vision", "language"]
    # Padding does not change the answer (the mask is honoured).
    single = runner.run(txt.encode(texts[:1], tokenizer, runner.inputs))[0]
    assert np.allclose(single[0], probs[0], atol=1e-5)


def test_bad_tokenizer(tmp_path: Path) -> None:
    bad = tmp_path / "tokenizer.json"
    bad.write_text("{\"not\": \"a tokenizer\"}")
    with pytest.raises(InputError, match="not a Hugging Face tokenizer.json"):
        txt.load_tokenizer(bad)


def test_generic_inputs(tmp_path: Path, data: Path) -> None:
    runner = ModelRunner(open_session(data / "external" / "external.onnx", "cpu"))
    x = np.ones((2, 64), np.float32)
    np.save(tmp_path / "anything.npy", x)
    feeds = generic.load_inputs([tmp_path / "anything.npy"], runner.inputs)
    out = runner.run(feeds)
    assert generic.describe_outputs(runner.output_names, out) == (("y", (2, 32), "float32"),)
    np.savez(tmp_path / "inputs.npz", x=x[:1])
    assert generic.load_inputs([tmp_path / "inputs.npz"], runner.inputs)["x"].shape == (1, 64)
    np.savez(tmp_path / "wrong.npz", z=x)
    with pytest.raises(InputError, match="inputs are x"):
        generic.load_inputs([tmp_path / "wrong.npz"], runner.inputs)
    (tmp_path / "bad.npy").write_text("nope")
    with pytest.raises(InputError, match="not a NumPy"):
        generic.load_inputs([tmp_path / "bad.npy"], runner.inputs)
    random = random_feeds(runner.inputs, batch=3)
    assert random["x"].shape == (3, 64) and random["x"].dtype == np.float32
