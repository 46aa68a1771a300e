"""tools/gpu_check.py on this machine: the CPU rows are measured on the two real PaddleOCR
models, and the CUDA / TensorRT rows say "not available" (with the reason) where the GPU cannot
run them, never a CPU number under a GPU name."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from scholardesk.inference import providers as prov

TOOL = Path(__file__).resolve().parents[2] / "tools" / "gpu_check.py"


def _tool():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("gpu_check", TOOL)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gpu_check_writes_json_and_markdown_on_a_cpu_machine(
    tmp_path: Path, real_fixture: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    models = real_fixture("onnx/pypi/ch_PP-OCRv4_rec_infer.onnx").parent
    out = tmp_path / "out"
    assert _tool().main([str(models), "--out", str(out), "--batch", "1", "--warmup", "1",
                         "--runs", "3"]) == 0
    report = json.loads((out / "gpu_check.json").read_text(encoding="utf-8"))
    assert report["runs"] == 3 and report["warmup"] == 1 and report["batches"] == [1]
    rows = {(r["model"], r["provider"]): r for r in report["rows"]}
    assert set(rows) == {(m, p) for m in ("ch_ppocr_mobile_v2.0_cls_infer.onnx",
                                          "ch_PP-OCRv4_rec_infer.onnx")
                         for p in ("cpu", "cuda", "tensorrt")}
    for model in ("ch_ppocr_mobile_v2.0_cls_infer.onnx", "ch_PP-OCRv4_rec_infer.onnx"):
        cpu = rows[(model, "cpu")]
        assert cpu["status"] == "ok" and cpu["batch"] == 1 and cpu["runs"] == 3
        assert 0 < cpu["p50_ms"] <= cpu["p90_ms"] <= cpu["p99_ms"]
        assert cpu["first_run_ms"] > 0 and cpu["throughput_per_s"] > 0
        assert list(cpu["nodes_by_provider"]) == ["CPUExecutionProvider"]
        assert cpu["gpu_memory_mb"] is None and cpu["gpu_memory"].startswith("not available")
        if prov.find_missing(prov.CUDA) is not None:
            for gpu in ("cuda", "tensorrt"):
                status = rows[(model, gpu)]["status"]
                assert status.startswith("not available: ") and "p50_ms" not in rows[(model, gpu)]
                assert "CPU instead" not in status
    assert rows[("ch_PP-OCRv4_rec_infer.onnx", "cpu")]["input"] == "3×48×320"
    table = (out / "gpu_check.md").read_text(encoding="utf-8")
    assert "| model | provider | batch | first run ms | p50 ms | p90 ms | p99 ms | items/s" in table
    assert sum(line.startswith("|") for line in table.splitlines()) == 1 + 1 + 6  # header, rule, rows
    assert "| OCR recogniser (PP-OCRv4 SVTR) | cpu | 1 |" in table
    assert table in capsys.readouterr().out


def test_gpu_check_says_which_models_are_missing(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert _tool().main([str(tmp_path), "--out", str(tmp_path / "out")]) == 2
    assert "lacks ch_ppocr_mobile_v2.0_cls_infer.onnx, ch_PP-OCRv4_rec_infer.onnx" in capsys.readouterr().err
