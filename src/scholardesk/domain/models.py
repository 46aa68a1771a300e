"""ONNX model artifacts, their signatures, and the results of running and benchmarking them.

A ``ModelArtifact`` is one registered ``.onnx`` file: where it is, its sha256, what its graph
looks like (``ModelInfo``: opset, producer, inputs/outputs with symbolic dimensions, parameter
count, metadata) and what the user said about it (task, labels, tokenizer/vocabulary files).
Demo runs return a ``RunResult``; benchmarks a ``BenchResult`` per batch size. Everything here
is plain data with ``to_json()`` giving the stable CLI JSON shapes.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# Task names (CLI ``--task`` values).
IMAGE_CLASSIFICATION = "image-classification"
TEXT_CLASSIFICATION = "text-classification"
VAD = "vad"
ASR = "asr"
GENERIC = "generic"
TEXT_DETECTION = "text-detection"
TEXT_RECOGNITION = "text-recognition"
LAYOUT_DETECTION = "layout-detection"
TEXT_DIRECTION = "text-direction"  # PaddleOCR text-line orientation (0° / 180°)
TASKS: tuple[str, ...] = (
    IMAGE_CLASSIFICATION, TEXT_CLASSIFICATION, VAD, ASR, GENERIC,
    TEXT_DETECTION, TEXT_RECOGNITION, LAYOUT_DETECTION, TEXT_DIRECTION,
)

# Provider choices (CLI ``--provider`` values).
PROVIDER_CHOICES: tuple[str, ...] = ("auto", "cpu", "cuda", "tensorrt")

# Dimension of a tensor shape: a fixed size, a symbolic name ("batch"), or unknown (None).
Dim = int | str | None


def format_dim(dim: Dim) -> str:
    if dim is None:
        return "?"
    return str(dim)


@dataclass(frozen=True)
class TensorSpec:
    """One graph input or output: name, numpy dtype name and shape (symbolic dims by name)."""

    name: str
    dtype: str
    shape: tuple[Dim, ...]

    @property
    def rank(self) -> int:
        return len(self.shape)

    def shape_text(self) -> str:
        return "[" + ", ".join(format_dim(d) for d in self.shape) + "]"

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "dtype": self.dtype, "shape": list(self.shape)}

    @classmethod
    def from_json(cls, raw: Mapping[str, object]) -> TensorSpec:
        shape = raw.get("shape") or []
        assert isinstance(shape, list)
        return cls(str(raw["name"]), str(raw["dtype"]), tuple(shape))


@dataclass(frozen=True)
class InitializerInfo:
    """A weight tensor of the graph (for the "largest initializers" view)."""

    name: str
    dtype: str
    shape: tuple[int, ...]
    size_bytes: int
    external: bool = False

    @property
    def elements(self) -> int:
        return math.prod(self.shape) if self.shape else 1


@dataclass(frozen=True)
class ModelInfo:
    """What reading the ONNX graph tells (no onnxruntime needed)."""

    opset: int
    ir_version: int
    producer: str
    producer_version: str
    graph_name: str
    inputs: tuple[TensorSpec, ...]
    outputs: tuple[TensorSpec, ...]
    parameters: int
    metadata: tuple[tuple[str, str], ...] = ()
    op_counts: tuple[tuple[str, int], ...] = ()
    largest_initializers: tuple[InitializerInfo, ...] = ()
    external_data_files: tuple[str, ...] = ()
    # External-data locations that leave the model's folder (flagged, never read).
    external_data_outside: tuple[str, ...] = ()
    domains: tuple[tuple[str, int], ...] = ()
    node_count: int = 0

    @property
    def metadata_dict(self) -> dict[str, str]:
        return dict(self.metadata)

    def to_json(self) -> dict[str, object]:
        return {
            "opset": self.opset,
            "ir_version": self.ir_version,
            "producer": self.producer,
            "producer_version": self.producer_version,
            "graph_name": self.graph_name,
            "inputs": [t.to_json() for t in self.inputs],
            "outputs": [t.to_json() for t in self.outputs],
            "parameters": self.parameters,
            "nodes": self.node_count,
            "metadata": dict(self.metadata),
            "op_counts": dict(self.op_counts),
            "largest_initializers": [
                {
                    "name": i.name,
                    "dtype": i.dtype,
                    "shape": list(i.shape),
                    "bytes": i.size_bytes,
                    "external": i.external,
                }
                for i in self.largest_initializers
            ],
            "external_data_files": list(self.external_data_files),
            "external_data_outside": list(self.external_data_outside),
            "domains": dict(self.domains),
        }


@dataclass(frozen=True)
class NewModel:
    """What ``ModelsRepository.add`` stores."""

    name: str
    path: str
    sha256: str
    size_bytes: int
    task: str
    info: ModelInfo
    labels: tuple[str, ...] = ()
    assets: tuple[tuple[str, str], ...] = ()  # ("tokenizer", path), ("vocab", path)
    is_sample: bool = False


@dataclass(frozen=True)
class ModelArtifact:
    """A registered ONNX model."""

    id: int
    name: str
    path: str
    sha256: str
    size_bytes: int
    task: str
    opset: int
    producer: str
    parameters: int
    inputs: tuple[TensorSpec, ...]
    outputs: tuple[TensorSpec, ...]
    metadata: tuple[tuple[str, str], ...] = ()
    labels: tuple[str, ...] = ()
    assets: tuple[tuple[str, str], ...] = ()
    is_sample: bool = False
    added_at: datetime | None = None

    def asset(self, kind: str) -> str | None:
        for key, value in self.assets:
            if key == kind:
                return value
        return None

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "path": self.path,
            "sha256": self.sha256,
            "size_bytes": self.size_bytes,
            "task": self.task,
            "opset": self.opset,
            "producer": self.producer,
            "parameters": self.parameters,
            "inputs": [t.to_json() for t in self.inputs],
            "outputs": [t.to_json() for t in self.outputs],
            "labels": list(self.labels),
            "assets": dict(self.assets),
            "is_sample": self.is_sample,
        }


@dataclass(frozen=True)
class ProviderReport:
    """Which execution providers were asked for, which the session really uses, and why
    a GPU provider could not be used (plain sentences for the user)."""

    requested: str
    tried: tuple[str, ...]
    used: tuple[str, ...]
    notes: tuple[str, ...] = ()
    device: str = ""
    # After the session's first run (onnxruntime's profile of it): how many nodes of the
    # optimised graph each provider ran, and the CPU nodes of a GPU session (names, op types).
    nodes: tuple[tuple[str, int], ...] = ()
    cpu_nodes: tuple[str, ...] = ()
    first_run_ms: float | None = None

    def nodes_json(self) -> dict[str, int]:
        return dict(self.nodes)

    def nodes_text(self) -> str:
        """``CPU 12`` / ``CUDA 40, CPU 3`` ('' before the first run)."""
        return ", ".join(f"{p.replace('ExecutionProvider', '')} {n}" for p, n in self.nodes)

    @property
    def on_gpu(self) -> bool:
        return any(p != "CPUExecutionProvider" for p in self.used[:1])

    @property
    def fell_back(self) -> bool:
        return bool(self.notes) and not self.on_gpu


@dataclass(frozen=True)
class Segment:
    start_s: float
    end_s: float

    def to_json(self) -> dict[str, float]:
        return {"start_s": round(self.start_s, 3), "end_s": round(self.end_s, 3)}


@dataclass(frozen=True)
class LabelScore:
    label: str
    probability: float

    def to_json(self) -> dict[str, object]:
        return {"label": self.label, "probability": round(self.probability, 6)}


@dataclass(frozen=True)
class OutputSummary:
    """What one output holds: enough to compare with the training framework at a glance."""

    name: str
    shape: tuple[int, ...]
    dtype: str
    minimum: float | None = None
    maximum: float | None = None
    mean: float | None = None
    first: tuple[Any, ...] = ()
    file: str = ""  # where it was saved (--save-outputs)

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {"shape": list(self.shape), "dtype": self.dtype}
        if self.minimum is not None:
            out.update(min=self.minimum, max=self.maximum, mean=self.mean)
        out["first"] = list(self.first)
        if self.file:
            out["file"] = self.file
        return out

    def line(self) -> str:
        head = f"{self.name}: {self.dtype} {list(self.shape)}"
        if self.minimum is not None:
            head += f"  min {self.minimum:.6g}  max {self.maximum:.6g}  mean {self.mean:.6g}"
        shown = ", ".join(_short_value(v) for v in self.first)
        more = ", …" if self.first and _element_count(self.shape) > len(self.first) else ""
        return f"{head}  first [{shown}{more}]" + (f"  → {self.file}" if self.file else "")


def _element_count(shape: Sequence[int]) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


def _short_value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, str):
        return json.dumps(value[:40], ensure_ascii=False)
    return str(value)


@dataclass(frozen=True)
class RunResult:
    """One demo run. Which fields are filled depends on ``task``."""

    task: str
    providers_used: tuple[str, ...]
    latency_ms: float
    top: tuple[LabelScore, ...] = ()
    segments: tuple[Segment, ...] = ()
    text: str = ""
    reference: str | None = None
    wer: float | None = None
    cer: float | None = None
    outputs: tuple[tuple[str, tuple[int, ...], str], ...] = ()  # name, shape, dtype
    notes: tuple[str, ...] = ()
    # For plots: a waveform envelope and per-chunk speech probabilities (audio tasks).
    waveform: tuple[float, ...] = ()
    duration_s: float = 0.0
    frame_probabilities: tuple[float, ...] = ()
    frame_s: float = 0.0
    frontend: str = ""  # asr: "waveform" or "fbank"
    summaries: tuple[OutputSummary, ...] = ()  # generic: every output summarised (and saved)
    nodes: tuple[tuple[str, int], ...] = ()  # provider → nodes it ran (first-run profile)

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {"task": self.task}
        if self.task in (IMAGE_CLASSIFICATION, TEXT_CLASSIFICATION):
            out["top"] = [t.to_json() for t in self.top]
        elif self.task == VAD:
            out["segments"] = [s.to_json() for s in self.segments]
            out["duration_s"] = round(self.duration_s, 3)
        elif self.task == ASR:
            out["text"] = self.text
            if self.frontend:
                out["frontend"] = self.frontend
            if self.reference is not None:
                out["reference"] = self.reference
                out["wer"] = self.wer
                out["cer"] = self.cer
        elif self.summaries:
            out["outputs"] = {s.name: s.to_json() for s in self.summaries}
        else:
            out["outputs"] = {
                name: {"shape": list(shape), "dtype": dtype} for name, shape, dtype in self.outputs
            }
        out["providers_used"] = list(self.providers_used)
        if self.nodes:
            out["nodes_by_provider"] = dict(self.nodes)
        out["latency_ms"] = round(self.latency_ms, 3)
        if self.notes:
            out["notes"] = list(self.notes)
        return out


@dataclass(frozen=True)
class BenchResult:
    provider_requested: str
    providers_used: tuple[str, ...]
    device: str
    batch: int
    warmup: int
    runs: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    mean_ms: float
    throughput_per_s: float
    peak_memory_mb: float
    notes: tuple[str, ...] = ()
    run_id: int | None = None  # the experiment run it was saved as
    first_run_ms: float | None = None  # the first run at this batch size, apart from warm runs
    gpu_memory_mb: float | None = None  # NVML: this process's GPU memory at its peak
    gpu_memory_note: str = ""  # why there is no GPU memory figure ("not available: …")
    nodes: tuple[tuple[str, int], ...] = ()  # provider → nodes it ran

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "provider_requested": self.provider_requested,
            "providers_used": list(self.providers_used),
            "device": self.device,
            "batch": self.batch,
            "warmup": self.warmup,
            "runs": self.runs,
            "p50_ms": round(self.p50_ms, 4),
            "p90_ms": round(self.p90_ms, 4),
            "p99_ms": round(self.p99_ms, 4),
            "mean_ms": round(self.mean_ms, 4),
            "throughput_per_s": round(self.throughput_per_s, 2),
            "peak_memory_mb": round(self.peak_memory_mb, 1),
            "first_run_ms": None if self.first_run_ms is None else round(self.first_run_ms, 4),
            "gpu_memory_mb": None if self.gpu_memory_mb is None else round(self.gpu_memory_mb, 1),
        }
        if self.gpu_memory_mb is None:
            out["gpu_memory"] = self.gpu_memory_note or "not available"
        if self.nodes:
            out["nodes_by_provider"] = dict(self.nodes)
        if self.notes:
            out["notes"] = list(self.notes)
        if self.run_id is not None:
            out["run_id"] = self.run_id
        return out


@dataclass(frozen=True)
class BenchPlan:
    batches: tuple[int, ...] = (1,)
    warmup: int = 10
    runs: int = 100
    provider: str = "auto"
    extra: Mapping[str, str] = field(default_factory=dict)


def parse_batches(text: str) -> tuple[int, ...]:
    """``"1,8"`` → (1, 8); rejects anything but positive integers."""
    values: list[int] = []
    for part in re.split(r"[,\s]+", text.strip()):
        if not part:
            continue
        if not part.isdigit() or int(part) < 1:
            raise ValueError(f"batch size {part!r} is not a positive whole number")
        values.append(int(part))
    if not values:
        raise ValueError("no batch size given")
    return tuple(dict.fromkeys(values))


def normalise_task(task: str) -> str:
    key = task.strip().lower().replace("_", "-")
    aliases = {"image": IMAGE_CLASSIFICATION, "text": TEXT_CLASSIFICATION, "speech": ASR}
    key = aliases.get(key, key)
    if key not in TASKS:
        raise ValueError(f"unknown task {task!r}; choose one of {', '.join(TASKS)}")
    return key


def parse_labels(text: str) -> tuple[str, ...]:
    """Labels from a labels file: one per line (``idx label`` or ``idx: label`` accepted),
    or a JSON list, or a JSON object {index: label}."""
    import json

    stripped = text.strip()
    if stripped.startswith(("[", "{")):
        raw = json.loads(stripped)
        if isinstance(raw, list):
            return tuple(str(x) for x in raw)
        if isinstance(raw, dict):
            items = sorted(((int(k), str(v)) for k, v in raw.items()), key=lambda kv: kv[0])
            return tuple(v for _, v in items)
        raise ValueError("labels JSON must be a list or an object")
    labels: list[str] = []
    for line in stripped.splitlines():
        line = line.strip()
        if not line:
            continue
        m = re.match(r"^(\d+)\s*[:\t ]\s*(.+)$", line)
        labels.append(m.group(2).strip() if m else line)
    return tuple(labels)


def guess_task(
    inputs: Sequence[TensorSpec],
    metadata: Mapping[str, str],
    outputs: Sequence[TensorSpec] = (),
) -> str:
    """A sensible default task from the signature (the user can change it)."""
    declared = metadata.get("scholardesk.task", "")
    if declared in TASKS:
        return declared
    image_in = len(inputs) == 1 and inputs[0].rank == 4 and inputs[0].shape[1] == 3
    if image_in and outputs:
        # PaddleOCR / PaddleDetection exports: a DB probability map, CTC steps, PicoDet heads.
        if len(outputs) == 1 and outputs[0].rank == 4 and outputs[0].shape[1] == 1:
            return TEXT_DETECTION
        if len(outputs) == 1 and outputs[0].rank == 3 and "character" in metadata:
            return TEXT_RECOGNITION
        if len(outputs) >= 6 and len(outputs) % 2 == 0 and all(o.rank == 3 for o in outputs):
            return LAYOUT_DETECTION
    names = {t.name for t in inputs}
    if {"input", "state", "sr"} <= names:
        return VAD
    if any(t.name in ("input_ids", "ids", "tokens") and t.dtype.startswith("int") for t in inputs):
        return TEXT_CLASSIFICATION
    if len(inputs) == 1 and inputs[0].dtype == "float32" and inputs[0].rank == 4:
        shape = inputs[0].shape
        if shape[1] in (1, 3) or shape[3] in (1, 3):
            return IMAGE_CLASSIFICATION
    return GENERIC


def levenshtein(a: Sequence[str], b: Sequence[str]) -> int:
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1]


def _norm_text(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s']", " ", text.lower()).split())


def word_error_rate(reference: str, hypothesis: str) -> float:
    ref = _norm_text(reference).split()
    hyp = _norm_text(hypothesis).split()
    if not ref:
        return 0.0 if not hyp else 1.0
    return levenshtein(ref, hyp) / len(ref)


def char_error_rate(reference: str, hypothesis: str) -> float:
    ref = _norm_text(reference)
    hyp = _norm_text(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return levenshtein(list(ref), list(hyp)) / len(ref)


@dataclass(frozen=True)
class OcrLine:
    text: str
    score: float
    box: tuple[tuple[float, float], ...]  # 4 corners in image pixels, clockwise from top-left

    def to_json(self) -> dict[str, object]:
        return {"text": self.text, "score": round(self.score, 4),
                "box": [[round(x, 1), round(y, 1)] for x, y in self.box]}


@dataclass(frozen=True)
class OcrResult:
    lines: tuple[OcrLine, ...]
    providers_used: tuple[str, ...]
    latency_ms: float
    image_size: tuple[int, int]
    notes: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    def to_json(self) -> dict[str, object]:
        return {"lines": [line.to_json() for line in self.lines],
                "providers_used": list(self.providers_used),
                "latency_ms": round(self.latency_ms, 2),
                "image_size": list(self.image_size)}


@dataclass(frozen=True)
class LayoutBox:
    label: str
    score: float
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in image pixels

    def to_json(self) -> dict[str, object]:
        return {"label": self.label, "score": round(self.score, 4),
                "box": [round(v, 1) for v in self.box]}


@dataclass(frozen=True)
class LayoutResult:
    boxes: tuple[LayoutBox, ...]
    providers_used: tuple[str, ...]
    latency_ms: float
    image_size: tuple[int, int]
    threshold: float
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {"boxes": [b.to_json() for b in self.boxes],
                "providers_used": list(self.providers_used),
                "latency_ms": round(self.latency_ms, 2),
                "image_size": list(self.image_size), "threshold": self.threshold}
