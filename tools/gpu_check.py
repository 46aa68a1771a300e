"""One command for anyone with a GPU: benchmark two real PaddleOCR models on CPU, CUDA and
TensorRT, and write one JSON and one Markdown table.

    .venv/bin/python tools/gpu_check.py [MODELS_DIR] [--out DIR] [--batch 1,8] [--runs 200]
                                        [--warmup 20] [--providers cpu,cuda,tensorrt]
                                        [--cudnn-search heuristic|exhaustive]

MODELS_DIR (default ``../shared/fixtures/onnx/pypi``) holds ``ch_ppocr_mobile_v2.0_cls_infer.onnx``
(the text-line direction classifier, input 3×48×192) and ``ch_PP-OCRv4_rec_infer.onnx`` (the
SVTR recogniser, input 3×48×320 here). For every model, provider and batch size it measures the
first run apart (session start, kernel choice, cuDNN's search), then ``--warmup`` untimed and
``--runs`` timed runs: p50/p90/p99 latency, throughput, the process's peak resident memory,
GPU memory (NVML, when ``nvidia-ml-py`` and a driver are there) and how many nodes each
provider really ran (onnxruntime's profile of the first run).

A GPU row is measured only when the session really runs on that provider: CUDA and TensorRT are
opened in strict mode, so a machine without them gets a "not available: <why>" row instead of
a CPU number under a GPU name. Writes ``DIR/gpu_check.json`` and ``DIR/gpu_check.md``
(default ``DIR``: ``.bench/gpu_check``).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

DEFAULT_MODELS = REPO.parent / "shared" / "fixtures" / "onnx" / "pypi"
DEFAULT_OUT = REPO / ".bench" / "gpu_check"

# (file, what it is, input height, input width)
MODELS = (
    ("ch_ppocr_mobile_v2.0_cls_infer.onnx", "text-direction classifier (PP-OCR mobile v2.0)", 48, 192),
    ("ch_PP-OCRv4_rec_infer.onnx", "OCR recogniser (PP-OCRv4 SVTR)", 48, 320),
)
PROVIDERS = ("cpu", "cuda", "tensorrt")
WANTED = {"cpu": "CPUExecutionProvider", "cuda": "CUDAExecutionProvider",
          "tensorrt": "TensorrtExecutionProvider"}


def _feeds(name: str, height: int, width: int) -> Any:
    import numpy as np

    rng = np.random.default_rng(0)

    def make(batch: int) -> dict[str, Any]:
        # PaddleOCR's normalisation gives values in [-1, 1].
        return {name: rng.uniform(-1.0, 1.0, (batch, 3, height, width)).astype(np.float32)}

    return make


def measure(path: Path, what: str, height: int, width: int, provider: str,
            batches: tuple[int, ...], warmup: int, runs: int, search: str) -> list[dict[str, Any]]:
    """Rows for one model on one provider (one per batch size, or one 'not available' row)."""
    from scholardesk.core.errors import ScholarDeskError
    from scholardesk.inference import providers as prov
    from scholardesk.inference.bench import benchmark
    from scholardesk.inference.runner import ModelRunner
    from scholardesk.inference.session_cache import open_session

    base = {"model": path.name, "what": what, "provider": provider,
            "input": f"3×{height}×{width}"}
    gpu = prov.GpuOptions(strict=provider != "cpu", conv_algo_search=search)
    started = time.perf_counter()
    try:
        cached = open_session(path, provider, gpu=gpu)
    except ScholarDeskError as exc:
        reason = exc.message.split(": ", 1)[-1].split("cannot start: ", 1)[-1]
        return [{**base, "status": f"not available: {reason}"}]
    session_ms = (time.perf_counter() - started) * 1000.0
    used = cached.report.used
    if not used or used[0] != WANTED[provider]:
        shown = ", ".join(prov.DISPLAY_NAMES.get(p, p) for p in used) or "nothing"
        return [{**base, "status": f"not available: the session runs on {shown}"}]
    try:
        runner = ModelRunner(cached)
        results = benchmark(runner, _feeds(runner.inputs[0].name, height, width), batches,
                            warmup, runs)
    except ScholarDeskError as exc:  # strict mode: nodes fell back to the CPU
        return [{**base, "status": f"not available: {exc.message}"}]
    rows = []
    for r in results:
        rows.append({
            **base,
            "status": "ok",
            "device": r.device,
            "batch": r.batch,
            "session_ms": round(session_ms, 1),
            "first_run_ms": round(r.first_run_ms or 0.0, 3),
            "p50_ms": round(r.p50_ms, 3),
            "p90_ms": round(r.p90_ms, 3),
            "p99_ms": round(r.p99_ms, 3),
            "throughput_per_s": round(r.throughput_per_s, 1),
            "peak_memory_mb": round(r.peak_memory_mb, 1),
            "gpu_memory_mb": None if r.gpu_memory_mb is None else round(r.gpu_memory_mb, 1),
            "gpu_memory": "" if r.gpu_memory_mb is not None else r.gpu_memory_note,
            "nodes_by_provider": dict(r.nodes),
            "warmup": r.warmup,
            "runs": r.runs,
        })
    return rows


def machine() -> dict[str, Any]:
    import onnxruntime as ort

    from scholardesk.inference import providers as prov

    cuda = prov.find_missing(prov.CUDA)
    return {
        "cpu": prov.device_for([prov.CPU]),
        "gpu": prov.gpu_name() if cuda is None else f"none usable ({cuda.reason()})",
        "onnxruntime": ort.__version__,
        "available_providers": ort.get_available_providers(),
        "python": platform.python_version(),
        "measured_at": time.strftime("%Y-%m-%d %H:%M:%S"),
    }


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    lines = [
        f"GPU check — {m['measured_at']}, onnxruntime {m['onnxruntime']}, CPU {m['cpu']}, "
        f"GPU {m['gpu']}; {report['warmup']} warm-up + {report['runs']} timed runs, "
        f"cuDNN search {report['cudnn_search']}",
        "",
        "| model | provider | batch | first run ms | p50 ms | p90 ms | p99 ms | items/s "
        "| peak RSS MB | GPU MB | nodes |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in report["rows"]:
        if row["status"] != "ok":
            lines.append(f"| {row['what']} | {row['provider']} | – | {row['status']} "
                         "| | | | | | | |")
            continue
        gpu_mb = "–" if row["gpu_memory_mb"] is None else f"{row['gpu_memory_mb']:.0f}"
        nodes = ", ".join(f"{p.replace('ExecutionProvider', '')} {n}"
                          for p, n in row["nodes_by_provider"].items())
        lines.append(
            f"| {row['what']} | {row['provider']} | {row['batch']} | {row['first_run_ms']:.2f} "
            f"| {row['p50_ms']:.3f} | {row['p90_ms']:.3f} | {row['p99_ms']:.3f} "
            f"| {row['throughput_per_s']:,.0f} | {row['peak_memory_mb']:.0f} | {gpu_mb} | {nodes} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="?", type=Path, default=DEFAULT_MODELS,
                        help="folder with the two PaddleOCR .onnx files")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the results")
    parser.add_argument("--batch", default="1,8", help="batch sizes, e.g. 1,8,32")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--providers", default=",".join(PROVIDERS))
    parser.add_argument("--cudnn-search", default="heuristic",
                        choices=("heuristic", "exhaustive", "default"))
    args = parser.parse_args(argv)

    from scholardesk.domain.models import parse_batches

    batches = parse_batches(args.batch)
    providers = [p.strip().lower() for p in args.providers.split(",") if p.strip()]
    unknown = [p for p in providers if p not in PROVIDERS]
    if unknown:
        parser.error(f"unknown provider(s) {', '.join(unknown)}; choose from {', '.join(PROVIDERS)}")
    missing = [f for f, *_ in MODELS if not (args.models / f).is_file()]
    if missing:
        print(f"gpu_check: {args.models} lacks {', '.join(missing)} "
              "(give the folder of the PaddleOCR exports)", file=sys.stderr)
        return 2
    rows: list[dict[str, Any]] = []
    for filename, what, height, width in MODELS:
        for provider in providers:
            print(f"{what} on {provider}…", file=sys.stderr, flush=True)
            rows.extend(measure(args.models / filename, what, height, width, provider, batches,
                                args.warmup, args.runs, args.cudnn_search.upper()))
    report = {"machine": machine(), "warmup": args.warmup, "runs": args.runs,
              "batches": list(batches), "cudnn_search": args.cudnn_search.upper(), "rows": rows}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "gpu_check.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n",
                                            encoding="utf-8")
    table = markdown(report)
    (args.out / "gpu_check.md").write_text(table, encoding="utf-8")
    print(table)
    print(f"wrote {args.out / 'gpu_check.json'} and {args.out / 'gpu_check.md'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
