"""Build ScholarDesk's small demo ONNX models, reproducibly (numpy + onnx.helper, no PyTorch).

    .venv/bin/python tools/build_demo_models.py

Writes to resources/sample/models/ (the first-start sample library registers them):

- ``shapes_classifier.onnx``: 32×32 RGB images of coloured shapes → circle / square / triangle /
  cross. A fixed edge-filter convolution, pooling and a two-layer perceptron trained here with
  numpy (Adam) on 4000 images drawn with Pillow. Example inputs ``shape_*.png``.
- ``topic_classifier.onnx`` + ``topic_classifier.tokenizer.json``: paper titles → vision /
  speech / language / systems. A word-level tokenizer trained with Hugging Face ``tokenizers``
  and a mean-of-embeddings + linear classifier trained with numpy on generated titles.
  Example input ``topic_example.txt``.
- ``tone_speller.onnx`` + ``tone_speller.vocab.txt``: a toy CTC "speech recogniser" for tone
  sequences (every letter is a pitch). It frames the waveform, takes DFT magnitudes with fixed
  matrices and maps pitch bins to letters; greedy CTC decoding gives the text.
  Example input ``tone_speller_hello.wav`` (spells "hello world").
- ``energy_vad.onnx``: a toy voice-activity detector with the Silero VAD signature (input,
  state, sr → output, stateN): smoothed log-energy through a sigmoid, the state carrying the
  smoothed value between chunks. Example input ``speech_two_phrases.wav`` (espeak-ng speech,
  copied from tests/data/models).

and test models to tests/data/models/ (an NHWC variant of the shape classifier and a model whose
weights live in an external-data file). Seeds are fixed: running it again gives the same files.
"""

from __future__ import annotations

import json
import math
import shutil
import wave
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "resources" / "sample" / "models"
TEST_OUT = ROOT / "tests" / "data" / "models"
OPSET = 17
PRODUCER = "scholardesk-build-demo-models"


def _model(graph: onnx.GraphProto, metadata: dict[str, str], doc: str) -> onnx.ModelProto:
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name=PRODUCER,
        producer_version="1",
        doc_string=doc,
    )
    model.ir_version = 8
    for key, value in metadata.items():
        entry = model.metadata_props.add()
        entry.key = key
        entry.value = value
    onnx.checker.check_model(model)
    return model


def _init(name: str, array: np.ndarray) -> TensorProto:
    return numpy_helper.from_array(np.array(array, order="C", copy=True), name)


class Adam:
    def __init__(self, params: list[np.ndarray], lr: float = 1e-2) -> None:
        self.params = params
        self.lr = lr
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.t = 0

    def step(self, grads: list[np.ndarray]) -> None:
        self.t += 1
        for p, g, m, v in zip(self.params, grads, self.m, self.v, strict=True):
            m *= 0.9
            m += 0.1 * g
            v *= 0.999
            v += 0.001 * g * g
            mh = m / (1 - 0.9**self.t)
            vh = v / (1 - 0.999**self.t)
            p -= self.lr * mh / (np.sqrt(vh) + 1e-8)


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


# ----------------------------------------------------------------------------- shapes

SHAPES = ("circle", "square", "triangle", "cross")
SIZE = 32


def draw_shape(kind: str, rng: np.random.Generator) -> np.ndarray:
    from PIL import Image, ImageDraw

    bg = tuple(int(v) for v in rng.integers(170, 256, 3))
    fg = tuple(int(v) for v in rng.integers(0, 110, 3))
    img = Image.new("RGB", (SIZE, SIZE), bg)
    draw = ImageDraw.Draw(img)
    r = float(rng.uniform(7, 12))
    cx = float(rng.uniform(r + 1, SIZE - r - 1))
    cy = float(rng.uniform(r + 1, SIZE - r - 1))
    if kind == "circle":
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=fg)
    elif kind == "square":
        draw.rectangle([cx - r * 0.85, cy - r * 0.85, cx + r * 0.85, cy + r * 0.85], fill=fg)
    elif kind == "triangle":
        draw.polygon([(cx, cy - r), (cx - r, cy + r * 0.8), (cx + r, cy + r * 0.8)], fill=fg)
    else:
        w = r * 0.3
        draw.rectangle([cx - r, cy - w, cx + r, cy + w], fill=fg)
        draw.rectangle([cx - w, cy - r, cx + w, cy + r], fill=fg)
    array = np.asarray(img, dtype=np.float32)
    array = array + rng.normal(0, 6, array.shape)
    return np.clip(array, 0, 255).astype(np.uint8)


def _edge_filters() -> np.ndarray:
    sobel = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], np.float32) / 4
    diag = np.array([[0, 1, 2], [-1, 0, 1], [-2, -1, 0]], np.float32) / 4
    lap = np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], np.float32) / 4
    blur = np.full((3, 3), 1 / 9, np.float32)
    kernels = [sobel, -sobel, sobel.T, -sobel.T, diag, -diag, lap, -blur]
    luma = np.array([0.299, 0.587, 0.114], np.float32)
    return np.stack([luma[:, None, None] * k[None] for k in kernels]).astype(np.float32)


def _features(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """numpy twin of the ONNX front end: Conv(pad 1) → Relu → MaxPool 2 → AveragePool 2."""
    n = x.shape[0]
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    win = np.lib.stride_tricks.sliding_window_view(padded, (3, 3), axis=(2, 3))
    conv = np.einsum("nchwij,kcij->nkhw", win, w, optimize=True)
    conv = np.maximum(conv, 0)
    pooled = conv.reshape(n, 8, 16, 2, 16, 2).max(axis=(3, 5))
    pooled = pooled.reshape(n, 8, 8, 2, 8, 2).mean(axis=(3, 5))
    return pooled.reshape(n, -1)


def build_shapes() -> dict[str, object]:
    rng = np.random.default_rng(20261127)
    n = 4000
    labels = rng.integers(0, len(SHAPES), n)
    images = np.stack([draw_shape(SHAPES[k], rng) for k in labels])
    x = (images.astype(np.float32) / 255.0 - 0.5) / 0.5
    x = x.transpose(0, 3, 1, 2)
    conv_w = _edge_filters()
    feats = _features(x, conv_w)
    split = 3400
    hidden = 64
    w1 = (rng.standard_normal((feats.shape[1], hidden)) * math.sqrt(2 / feats.shape[1])).astype(np.float32)
    b1 = np.zeros(hidden, np.float32)
    w2 = (rng.standard_normal((hidden, len(SHAPES))) * math.sqrt(1 / hidden)).astype(np.float32)
    b2 = np.zeros(len(SHAPES), np.float32)
    opt = Adam([w1, b1, w2, b2], lr=3e-3)
    y = np.eye(len(SHAPES), dtype=np.float32)[labels]
    for _epoch in range(60):
        order = rng.permutation(split)
        for start in range(0, split, 100):
            idx = order[start : start + 100]
            f, t = feats[idx], y[idx]
            h = np.maximum(f @ w1 + b1, 0)
            p = _softmax(h @ w2 + b2)
            d2 = (p - t) / len(idx)
            dh = (d2 @ w2.T) * (h > 0)
            opt.step([f.T @ dh + 1e-4 * w1, dh.sum(0), h.T @ d2 + 1e-4 * w2, d2.sum(0)])
    h = np.maximum(feats[split:] @ w1 + b1, 0)
    accuracy = float(((h @ w2 + b2).argmax(1) == labels[split:]).mean())

    def graph(layout: str) -> onnx.GraphProto:
        nodes = []
        if layout == "NHWC":
            inp = helper.make_tensor_value_info("image", TensorProto.FLOAT, ["batch", SIZE, SIZE, 3])
            nodes.append(helper.make_node("Transpose", ["image"], ["nchw"], perm=[0, 3, 1, 2]))
            first = "nchw"
        else:
            inp = helper.make_tensor_value_info("image", TensorProto.FLOAT, ["batch", 3, SIZE, SIZE])
            first = "image"
        nodes += [
            helper.make_node("Conv", [first, "conv_w"], ["conv"], pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
            helper.make_node("Relu", ["conv"], ["conv_relu"]),
            helper.make_node("MaxPool", ["conv_relu"], ["maxpool"], kernel_shape=[2, 2], strides=[2, 2]),
            helper.make_node("AveragePool", ["maxpool"], ["avgpool"], kernel_shape=[2, 2], strides=[2, 2]),
            helper.make_node("Flatten", ["avgpool"], ["flat"], axis=1),
            helper.make_node("Gemm", ["flat", "fc1_w", "fc1_b"], ["fc1"]),
            helper.make_node("Relu", ["fc1"], ["fc1_relu"]),
            helper.make_node("Gemm", ["fc1_relu", "fc2_w", "fc2_b"], ["logits"]),
            helper.make_node("Softmax", ["logits"], ["probabilities"], axis=1),
        ]
        out = helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["batch", len(SHAPES)])
        inits = [_init("conv_w", conv_w), _init("fc1_w", w1), _init("fc1_b", b1),
                 _init("fc2_w", w2), _init("fc2_b", b2)]
        return helper.make_graph(nodes, "shapes_classifier", [inp], [out], inits)

    meta = {
        "scholardesk.task": "image-classification",
        "scholardesk.labels": json.dumps(list(SHAPES)),
        "scholardesk.mean": "0.5,0.5,0.5",
        "scholardesk.std": "0.5,0.5,0.5",
        "held_out_accuracy": f"{accuracy:.3f}",
    }
    doc = "Toy shape classifier (edge-filter conv + MLP) trained on generated 32x32 images."
    onnx.save(_model(graph("NCHW"), meta, doc), OUT / "shapes_classifier.onnx")
    (OUT / "shapes_classifier.labels.txt").write_text("\n".join(SHAPES) + "\n", encoding="utf-8")
    nhwc_meta = dict(meta, **{"scholardesk.layout": "NHWC"})
    onnx.save(_model(graph("NHWC"), nhwc_meta, doc + " (NHWC input)"), TEST_OUT / "shapes_nhwc.onnx")
    # Example inputs a user can run at once (and tests use).
    from PIL import Image

    ex_rng = np.random.default_rng(7)
    for kind in ("circle", "triangle"):
        img = Image.fromarray(draw_shape(kind, ex_rng)).resize((128, 128), Image.Resampling.NEAREST)
        img.save(OUT / f"shape_{kind}.png", optimize=True)
    return {"shapes_accuracy": accuracy}


# ----------------------------------------------------------------------------- topics

TOPICS = {
    "vision": ["image", "images", "visual", "segmentation", "detection", "object", "pixel",
               "convolutional", "video", "camera", "scene", "depth", "diffusion", "recognition",
               "pose", "instance", "semantic", "3d", "point", "cloud"],
    "speech": ["speech", "audio", "acoustic", "speaker", "asr", "voice", "spoken", "phoneme",
               "waveform", "prosody", "vocoder", "diarization", "keyword", "spotting", "noisy",
               "recognition", "end-to-end", "ctc", "transducer", "utterance"],
    "language": ["language", "text", "translation", "sentence", "word", "question", "answering",
                 "summarization", "parsing", "dialogue", "entity", "lexical", "llm", "prompt",
                 "reasoning", "corpus", "multilingual", "tokens", "semantic", "retrieval"],
    "systems": ["gpu", "distributed", "scheduling", "cluster", "memory", "kernel", "compiler",
                "latency", "throughput", "serving", "cache", "storage", "network", "parallel",
                "inference", "hardware", "accelerator", "quantization", "runtime", "datacenter"],
}
FILLERS = ["towards", "efficient", "robust", "learning", "for", "with", "via", "a", "an", "the",
           "scalable", "neural", "model", "models", "of", "in", "on", "deep", "fast", "study",
           "benchmark", "approach", "self-supervised", "transformers", "large", "small"]


def _title(topic: str, rng: np.random.Generator) -> str:
    words = list(rng.choice(TOPICS[topic], size=int(rng.integers(2, 5)), replace=False))
    words += list(rng.choice(FILLERS, size=int(rng.integers(2, 6))))
    rng.shuffle(words)
    return " ".join(str(w) for w in words)


def build_topics() -> dict[str, object]:
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers

    rng = np.random.default_rng(42)
    names = list(TOPICS)
    labels = rng.integers(0, len(names), 3000)
    titles = [_title(names[k], rng) for k in labels]
    tokenizer = Tokenizer(models.WordLevel(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Lowercase()])
    tokenizer.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    trainer = trainers.WordLevelTrainer(special_tokens=["[PAD]", "[UNK]"], min_frequency=1)
    vocab_words = sorted({w for ws in TOPICS.values() for w in ws} | set(FILLERS))
    tokenizer.train_from_iterator([" ".join(vocab_words)] + titles, trainer=trainer)
    vocab_size = tokenizer.get_vocab_size()
    counts = np.zeros((len(titles), vocab_size), np.float32)
    for row, enc in enumerate(tokenizer.encode_batch(titles)):
        for i in enc.ids:
            counts[row, i] += 1
    means = counts / counts.sum(1, keepdims=True)
    dim = 16
    emb = (rng.standard_normal((vocab_size, dim)) * 0.1).astype(np.float32)
    emb[0] = 0.0
    w = (rng.standard_normal((dim, len(names))) * 0.1).astype(np.float32)
    b = np.zeros(len(names), np.float32)
    y = np.eye(len(names), dtype=np.float32)[labels]
    split = 2600
    opt = Adam([emb, w, b], lr=2e-2)
    for _epoch in range(40):
        order = rng.permutation(split)
        for start in range(0, split, 100):
            idx = order[start : start + 100]
            m, t = means[idx], y[idx]
            h = m @ emb
            p = _softmax(h @ w + b)
            d = (p - t) / len(idx)
            dh = d @ w.T
            opt.step([m.T @ dh, h.T @ d, d.sum(0)])
            emb[0] = 0.0
    accuracy = float((((means[split:] @ emb) @ w + b).argmax(1) == labels[split:]).mean())

    ids = helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"])
    mask = helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"])
    out = helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["batch", len(names)])
    nodes = [
        helper.make_node("Gather", ["embedding", "input_ids"], ["embedded"]),
        helper.make_node("Cast", ["attention_mask"], ["mask_f"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["mask_f", "axis_last"], ["mask_3d"]),
        helper.make_node("Mul", ["embedded", "mask_3d"], ["masked"]),
        helper.make_node("ReduceSum", ["masked", "axis_seq"], ["summed"], keepdims=0),
        helper.make_node("ReduceSum", ["mask_f", "axis_seq"], ["lengths"], keepdims=1),
        helper.make_node("Max", ["lengths", "one"], ["lengths_safe"]),
        helper.make_node("Div", ["summed", "lengths_safe"], ["mean"]),
        helper.make_node("Gemm", ["mean", "classifier_w", "classifier_b"], ["logits"]),
        helper.make_node("Softmax", ["logits"], ["probabilities"], axis=1),
    ]
    inits = [
        _init("embedding", emb), _init("classifier_w", w), _init("classifier_b", b),
        _init("axis_last", np.array([2], np.int64)), _init("axis_seq", np.array([1], np.int64)),
        _init("one", np.array([1.0], np.float32)),
    ]
    graph = helper.make_graph(nodes, "topic_classifier", [ids, mask], [out], inits)
    meta = {
        "scholardesk.task": "text-classification",
        "scholardesk.labels": json.dumps(names),
        "scholardesk.tokenizer": "topic_classifier.tokenizer.json",
        "held_out_accuracy": f"{accuracy:.3f}",
    }
    doc = "Toy paper-title topic classifier (mean of word embeddings + linear)."
    onnx.save(_model(graph, meta, doc), OUT / "topic_classifier.onnx")
    tokenizer.save(str(OUT / "topic_classifier.tokenizer.json"))
    (OUT / "topic_classifier.labels.txt").write_text("\n".join(names) + "\n", encoding="utf-8")
    (OUT / "topic_example.txt").write_text(
        "Streaming speaker diarization for noisy audio with an end-to-end transducer\n",
        encoding="utf-8",
    )
    return {"topics_accuracy": accuracy}


# ----------------------------------------------------------------------------- tone speller

TONE_RATE = 8000
FRAME = 200  # 25 ms at 8 kHz
ALPHABET = "abcdefghijklmnopqrstuvwxyz "
BASE_BIN = 10  # bin k has frequency k * RATE / FRAME = 40 Hz * k


def tone_frequency(letter: str) -> float:
    return (BASE_BIN + 2 * ALPHABET.index(letter)) * TONE_RATE / FRAME


def synthesise_tones(text: str, tone_s: float = 0.12, gap_s: float = 0.04) -> np.ndarray:
    pieces = [np.zeros(int(0.2 * TONE_RATE), np.float32)]
    for letter in text:
        t = np.arange(int(tone_s * TONE_RATE)) / TONE_RATE
        fade = np.minimum(1.0, np.minimum(t, t[::-1]) / 0.01)
        pieces.append((0.5 * np.sin(2 * np.pi * tone_frequency(letter) * t) * fade).astype(np.float32))
        pieces.append(np.zeros(int(gap_s * TONE_RATE), np.float32))
    pieces.append(np.zeros(int(0.2 * TONE_RATE), np.float32))
    return np.concatenate(pieces)


def build_tone_speller() -> dict[str, object]:
    n_bins = FRAME // 2
    k = np.arange(n_bins)[None, :]
    t = np.arange(FRAME)[:, None]
    window = np.hanning(FRAME)[:, None]
    cos_m = (np.cos(2 * np.pi * k * t / FRAME) * window).astype(np.float32)
    sin_m = (np.sin(2 * np.pi * k * t / FRAME) * window).astype(np.float32)
    # Class 0 is the CTC blank; class i+1 is ALPHABET[i] ("|" for the space).
    vocab = ["<blank>"] + [("|" if c == " " else c) for c in ALPHABET]
    w = np.zeros((n_bins, len(vocab)), np.float32)
    for i, _letter in enumerate(ALPHABET):
        w[BASE_BIN + 2 * i, i + 1] = 1.0
    bias = np.zeros(len(vocab), np.float32)
    bias[0] = 3.0  # blank wins in silence and between tones
    wave_in = helper.make_tensor_value_info("waveform", TensorProto.FLOAT, ["batch", "samples"])
    out = helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", "frames", len(vocab)])
    nodes = [
        helper.make_node("Reshape", ["waveform", "frame_shape"], ["frames"]),
        helper.make_node("MatMul", ["frames", "dft_cos"], ["re"]),
        helper.make_node("MatMul", ["frames", "dft_sin"], ["im"]),
        helper.make_node("Mul", ["re", "re"], ["re2"]),
        helper.make_node("Mul", ["im", "im"], ["im2"]),
        helper.make_node("Add", ["re2", "im2"], ["power"]),
        helper.make_node("Sqrt", ["power"], ["magnitude"]),
        helper.make_node("MatMul", ["magnitude", "letter_w"], ["letter_scores"]),
        helper.make_node("Add", ["letter_scores", "letter_b"], ["logits"]),
    ]
    inits = [
        _init("frame_shape", np.array([0, -1, FRAME], np.int64)),
        _init("dft_cos", cos_m), _init("dft_sin", sin_m),
        _init("letter_w", w), _init("letter_b", bias),
    ]
    graph = helper.make_graph(nodes, "tone_speller", [wave_in], [out], inits)
    meta = {
        "scholardesk.task": "asr",
        "scholardesk.sample_rate": str(TONE_RATE),
        "scholardesk.normalize": "0",
        "scholardesk.frame_samples": str(FRAME),
        "scholardesk.vocab": "tone_speller.vocab.txt",
    }
    doc = "Toy CTC recogniser: each letter is a pitch (40 Hz * (10 + 2 * letter index))."
    onnx.save(_model(graph, meta, doc), OUT / "tone_speller.onnx")
    (OUT / "tone_speller.vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    _write_wav(OUT / "tone_speller_hello.wav", synthesise_tones("hello world"), TONE_RATE)
    return {}


def _write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())


# ----------------------------------------------------------------------------- energy VAD


def build_energy_vad() -> dict[str, object]:
    """Silero-shaped toy VAD: p = sigmoid(a * (smoothed log-energy - b))."""
    inp = helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", "sequence"])
    state = helper.make_tensor_value_info("state", TensorProto.FLOAT, [2, "batch", 128])
    sr = helper.make_tensor_value_info("sr", TensorProto.INT64, [])
    out = helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch", 1])
    state_out = helper.make_tensor_value_info("stateN", TensorProto.FLOAT, [2, "batch", 128])
    nodes = [
        helper.make_node("Mul", ["input", "input"], ["sq"]),
        helper.make_node("ReduceMean", ["sq"], ["energy"], axes=[1], keepdims=1),
        helper.make_node("Add", ["energy", "eps"], ["energy_eps"]),
        helper.make_node("Log", ["energy_eps"], ["log_energy"]),
        # previous smoothed value lives in state[0, :, 0]
        helper.make_node("Gather", ["state", "zero"], ["state0"], axis=0),
        helper.make_node("Gather", ["state0", "zero_vec"], ["prev_stored"], axis=1),
        # stored as log-energy + 20 so that the all-zero initial state means "silent"
        helper.make_node("Sub", ["prev_stored", "offset"], ["prev"]),
        helper.make_node("Mul", ["prev", "keep"], ["prev_part"]),
        helper.make_node("Mul", ["log_energy", "take"], ["new_part"]),
        helper.make_node("Add", ["prev_part", "new_part"], ["smooth"]),
        helper.make_node("Sub", ["smooth", "threshold"], ["centred"]),
        helper.make_node("Mul", ["centred", "slope"], ["scaled"]),
        helper.make_node("Sigmoid", ["scaled"], ["output"]),
        helper.make_node("Add", ["smooth", "offset"], ["smooth_stored"]),
        helper.make_node("Unsqueeze", ["smooth_stored", "axis0"], ["smooth_3d"]),
        helper.make_node("Shape", ["state"], ["state_shape"]),
        helper.make_node("Expand", ["smooth_3d", "state_shape"], ["stateN"]),
    ]
    inits = [
        _init("eps", np.array([1e-8], np.float32)),
        _init("zero", np.array(0, np.int64)),
        _init("zero_vec", np.array([0], np.int64)),
        _init("keep", np.array([0.6], np.float32)),
        _init("take", np.array([0.4], np.float32)),
        _init("threshold", np.array([-9.0], np.float32)),
        _init("slope", np.array([1.5], np.float32)),
        _init("axis0", np.array([0], np.int64)),
        _init("offset", np.array([20.0], np.float32)),
    ]
    graph = helper.make_graph(nodes, "energy_vad", [inp, state, sr], [out, state_out], inits)
    meta = {"scholardesk.task": "vad"}
    doc = "Toy energy-based voice-activity detector with the Silero VAD v5 signature."
    onnx.save(_model(graph, meta, doc), OUT / "energy_vad.onnx")
    shutil.copyfile(TEST_OUT / "vad_two_phrases_16k.wav", OUT / "speech_two_phrases.wav")
    return {}


# ----------------------------------------------------------------------------- test models


def build_external_data_model() -> None:
    rng = np.random.default_rng(3)
    w = rng.standard_normal((64, 32)).astype(np.float32)
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 64])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 32])
    graph = helper.make_graph([helper.make_node("MatMul", ["x", "w"], ["y"])], "external",
                              [x], [y], [_init("w", w)])
    model = _model(graph, {}, "MatMul whose weight lives in external_weights.bin")
    folder = TEST_OUT / "external"
    folder.mkdir(parents=True, exist_ok=True)
    # onnx appends to an existing external-data file: start from a clean one.
    (folder / "external_weights.bin").unlink(missing_ok=True)
    onnx.save_model(model, str(folder / "external.onnx"), save_as_external_data=True,
                    all_tensors_to_one_file=True, location="external_weights.bin",
                    size_threshold=0)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    TEST_OUT.mkdir(parents=True, exist_ok=True)
    report: dict[str, object] = {}
    report.update(build_shapes())
    report.update(build_topics())
    report.update(build_tone_speller())
    report.update(build_energy_vad())
    build_external_data_model()
    for key, value in report.items():
        print(f"{key}: {value}")
    total = sum(p.stat().st_size for p in OUT.iterdir())
    print(f"resources/sample/models: {total / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
