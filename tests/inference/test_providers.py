"""Provider choice and the plain explanation of a missing GPU, on this machine's real
onnxruntime-gpu provider list (CUDA/TensorRT listed, no GPU or CUDA libraries here)."""

from __future__ import annotations

from pathlib import Path

import onnxruntime as ort
import pytest

from scholardesk.core.errors import InputError
from scholardesk.inference import providers as prov
from scholardesk.inference.session_cache import SessionCache, open_session

GPU_WORKS = prov.find_missing(prov.CUDA) is None


def test_chains() -> None:
    assert prov.chain_for("auto") == (prov.TENSORRT, prov.CUDA, prov.CPU)
    assert prov.chain_for("cuda") == (prov.CUDA, prov.CPU)
    assert prov.chain_for("CPU") == (prov.CPU,)
    with pytest.raises(InputError, match="Unknown execution provider"):
        prov.chain_for("rocm")


@pytest.mark.skipif(GPU_WORKS, reason="this machine has a working CUDA setup")
def test_real_machine_explains_the_missing_gpu() -> None:
    available = ort.get_available_providers()
    # onnxruntime-gpu lists CUDA although it cannot start here: the check must not trust that.
    assert prov.CUDA in available
    missing = prov.find_missing(prov.CUDA)
    assert missing is not None
    assert missing.library in {"libcuda.so.1", "libcudart.so.13", "libcublas.so.13",
                               "libcublasLt.so.13", "libcudnn.so.9"}
    sentence = missing.sentence()
    assert sentence.startswith("CUDA cannot be used:")
    assert missing.library in sentence
    usable, notes = prov.plan_providers("cuda")
    assert usable == (prov.CPU,)
    assert len(notes) == 1 and "Running on the CPU instead." in notes[0]
    usable, notes = prov.plan_providers("auto")
    assert usable == (prov.CPU,)
    assert len(notes) == 1  # TensorRT and CUDA lack the same driver: said once


def test_missing_pieces_are_named_in_order() -> None:
    have = {"libcuda.so.1", "libcudart.so.13", "libcublas.so.13", "libcublasLt.so.13"}

    def loads(name: str) -> bool:
        return name in have

    cuda = prov.find_missing(prov.CUDA, [prov.TENSORRT, prov.CUDA, prov.CPU], loads)
    assert cuda is not None and cuda.piece == "cuDNN 9" and cuda.library == "libcudnn.so.9"
    assert "onnxruntime-gpu[cuda,cudnn]" in cuda.sentence()
    have.add("libcudnn.so.9")
    assert prov.find_missing(prov.CUDA, [prov.CUDA, prov.CPU], loads) is None
    trt = prov.find_missing(prov.TENSORRT, [prov.TENSORRT, prov.CUDA, prov.CPU], loads)
    assert trt is not None and trt.piece == "TensorRT 10"
    usable, notes = prov.plan_providers("auto", [prov.TENSORRT, prov.CUDA, prov.CPU], loads)
    assert usable == (prov.CUDA, prov.CPU)
    assert notes == (trt.sentence(),)


def test_cpu_only_build_is_explained() -> None:
    missing = prov.find_missing(prov.CUDA, [prov.CPU], lambda _n: True)
    assert missing is not None and missing.piece == "GPU build"
    assert "pip install onnxruntime-gpu" in missing.sentence()
    _usable, notes = prov.plan_providers("auto", [prov.CPU], lambda _n: True)
    assert notes == (("No usable NVIDIA GPU was found, so the model runs on the CPU "
                     "(onnxruntime without GPU support)."),)


def test_no_driver_message_for_auto() -> None:
    _usable, notes = prov.plan_providers(
        "auto", [prov.TENSORRT, prov.CUDA, prov.CPU], lambda name: name != "libcuda.so.1"
    )
    assert notes == (("No usable NVIDIA GPU was found, so the model runs on the CPU "
                     "(libcuda.so.1)."),)


def test_session_reports_real_providers_and_stays_quiet(
    samples: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    cached = open_session(samples / "shapes_classifier.onnx", "cuda")
    out, err = capfd.readouterr()
    assert out == "" and err == ""  # no onnxruntime console noise
    assert cached.report.used == tuple(cached.session.get_providers())
    if not GPU_WORKS:
        assert cached.report.used == (prov.CPU,)
        assert cached.report.notes and "CPU" in cached.report.notes[0]
        assert not cached.report.on_gpu
    assert cached.report.device


def test_session_cache_reuses_sessions(samples: Path, tmp_path: Path) -> None:
    cache = SessionCache(capacity=2)
    a = cache.get(samples / "shapes_classifier.onnx", "cpu")
    b = cache.get(samples / "shapes_classifier.onnx", "cpu")
    assert a is b and cache.created == 1
    cache.get(samples / "topic_classifier.onnx", "cpu")
    cache.get(samples / "energy_vad.onnx", "cpu")
    assert len(cache) == 2  # least recently used dropped
    assert cache.get(samples / "shapes_classifier.onnx", "cpu") is not a
    with pytest.raises(InputError, match="does not exist"):
        cache.get(tmp_path / "nope.onnx")


def test_tensorrt_gets_an_engine_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCHOLARDESK_TRT_CACHE", str(tmp_path / "trt"))
    listed = prov.provider_list([prov.TENSORRT, prov.CUDA, prov.CPU])
    assert listed[0] == (prov.TENSORRT, {"trt_engine_cache_enable": "True",
                                         "trt_engine_cache_path": str(tmp_path / "trt")})
    assert listed[1:] == [prov.CUDA, prov.CPU]
    assert (tmp_path / "trt").is_dir()
