"""Provider choice and the plain explanation of a missing GPU, on this machine's real
onnxruntime-gpu provider list (CUDA/TensorRT listed, no GPU or CUDA libraries here)."""

from __future__ import annotations

from collections.abc import Callable
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
    assert listed[1:] == [(prov.CUDA, {"cudnn_conv_algo_search": "HEURISTIC"}), prov.CPU]
    assert (tmp_path / "trt").is_dir()


# -- GPU truth: cuDNN search, preload, node placement, strict mode -------------------------------

def test_cudnn_convolution_search_is_heuristic_unless_asked_for_exhaustive() -> None:
    assert prov.provider_list([prov.CUDA, prov.CPU])[0] == (
        prov.CUDA, {"cudnn_conv_algo_search": "HEURISTIC"})
    exhaustive = prov.GpuOptions(conv_algo_search="exhaustive")
    assert prov.provider_list([prov.CUDA, prov.CPU], exhaustive)[0] == (
        prov.CUDA, {"cudnn_conv_algo_search": "EXHAUSTIVE"})
    assert prov.provider_list([prov.CPU], exhaustive) == [prov.CPU]
    with pytest.raises(InputError, match="Unknown cuDNN convolution search 'fastest'"):
        prov.GpuOptions(conv_algo_search="fastest")


class _FakeSession:
    def __init__(self, path: str, sess_options: object = None, providers: object = None) -> None:
        self.providers = providers


def test_preload_dlls_is_called_for_a_cuda_session_only(
    samples: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    monkeypatch.setattr(ort, "preload_dlls", lambda *a, **k: calls.append(1), raising=False)
    monkeypatch.setattr(ort, "InferenceSession", _FakeSession)
    prov._preload_gpu_libraries.cache_clear()
    try:
        prov.create_session(str(samples / "shapes_classifier.onnx"), [prov.CPU])
        assert calls == []
        made = prov.create_session(str(samples / "shapes_classifier.onnx"), [prov.CUDA, prov.CPU],
                                   gpu=prov.GpuOptions(conv_algo_search="EXHAUSTIVE"))
        assert calls == [1]
        assert made.providers == [(prov.CUDA, {"cudnn_conv_algo_search": "EXHAUSTIVE"}), prov.CPU]
        # An onnxruntime without preload_dlls (older than 1.21) is fine too.
        monkeypatch.delattr(ort, "preload_dlls")
        prov._preload_gpu_libraries.cache_clear()
        prov.create_session(str(samples / "shapes_classifier.onnx"), [prov.CUDA, prov.CPU])
    finally:
        prov._preload_gpu_libraries.cache_clear()


def _optimised_node_count(path: Path) -> int:
    """Nodes of the graph onnxruntime really runs on the CPU, counted from the optimised model
    it saves (independent of the profile)."""
    import tempfile

    import onnx

    with tempfile.TemporaryDirectory() as folder:
        options = ort.SessionOptions()
        options.log_severity_level = 3
        options.optimized_model_filepath = str(Path(folder) / "optimised.onnx")
        ort.InferenceSession(str(path), options, providers=[prov.CPU])
        return len(onnx.load(options.optimized_model_filepath).graph.node)


def test_node_report_counts_what_the_cpu_provider_ran(real_fixture: Callable[[str], Path]) -> None:
    from scholardesk.inference.runner import ModelRunner, random_feeds

    model = real_fixture("onnx/pypi/ch_ppocr_mobile_v2.0_cls_infer.onnx")
    runner = ModelRunner(open_session(model, "cpu"))
    assert runner.report.nodes == () and runner.report.first_run_ms is None  # not run yet
    feeds = random_feeds(runner.inputs)
    runner.run(feeds)
    expected = _optimised_node_count(model)
    assert expected > 100
    assert runner.report.nodes == ((prov.CPU, expected),)
    assert runner.report.nodes_text() == f"CPU {expected}"
    assert runner.report.cpu_nodes == ()  # a CPU session has no "fallback"
    assert runner.report.first_run_ms is not None and runner.report.first_run_ms > 0
    # The profile ended with the first run: later runs are not profiled, no file is left.
    runner.run(feeds)
    assert runner.session.end_profiling() == ""


def _kernel(name: str, provider: str, op: str, out: str = "float") -> dict[str, object]:
    return {"cat": "Node", "name": f"{name}_kernel_time", "ph": "X", "dur": 5,
            "args": {"op_name": op, "provider": provider, "output_type_shape": [{out: [1, 8]}]}}


# The events of a CUDA session's profile, as onnxruntime writes them (fence events and session
# events around the kernel events; shape nodes and copies on the CPU on purpose).
GPU_PROFILE = [
    {"cat": "Session", "name": "model_loading_uri", "ph": "X", "dur": 100, "args": {}},
    {"cat": "Node", "name": "conv1_fence_before", "ph": "X", "dur": 0, "args": {"op_name": "Conv"}},
    _kernel("conv1", prov.CUDA, "Conv"),
    _kernel("relu1", prov.CUDA, "Relu"),
    _kernel("conv2", prov.CUDA, "Conv"),
    _kernel("Memcpy_token_1", prov.CPU, "MemcpyToHost"),
    _kernel("shape_of_x", prov.CPU, "Shape", out="int64"),
    _kernel("topk_post", prov.CPU, "TopK"),
]


def test_profile_parsing_counts_gpu_and_cpu_nodes_and_names_the_real_fallbacks() -> None:
    placement = prov.parse_profile(GPU_PROFILE)
    assert placement.counts == ((prov.CUDA, 3), (prov.CPU, 3))
    # The copy and the int64 shape computation are not fallbacks; the TopK is.
    assert placement.cpu_nodes == ("topk_post (TopK)",)
    problem = prov.strict_problem("cuda", (prov.CUDA, prov.CPU), placement)
    assert problem == "Strict GPU mode: 1 nodes fell back to the CPU: topk_post (TopK)."
    clean = prov.parse_profile(GPU_PROFILE[:-1])
    assert prov.strict_problem("cuda", (prov.CUDA, prov.CPU), clean) == ""
    assert prov.strict_problem("cuda", (prov.CPU,), None).startswith(
        "Strict GPU mode: the model would run on the CPU")
    assert prov.strict_problem("cpu", (prov.CPU,), None) == ""


@pytest.mark.skipif(GPU_WORKS, reason="this machine has a working CUDA setup")
def test_strict_mode_on_a_cpu_only_machine_is_a_clear_error(samples: Path) -> None:
    strict = prov.GpuOptions(strict=True)
    with pytest.raises(prov.StrictGpuError) as caught:
        open_session(samples / "shapes_classifier.onnx", "cuda", gpu=strict)
    text = str(caught.value)
    missing = prov.find_missing(prov.CUDA)
    assert missing is not None
    # e.g. "… cannot start: the NVIDIA driver is missing (libcuda.so.1 not found)."
    assert text.startswith(f"Strict GPU mode: cuda was asked for, but cannot start: {missing.reason()}.")
    assert missing.library in text and "on the CPU instead" not in text
    assert "--strict-gpu" in text  # and how to let it run anyway
    cache = SessionCache()
    with pytest.raises(prov.StrictGpuError):
        cache.get(samples / "shapes_classifier.onnx", "auto", gpu=strict)
    assert len(cache) == 0
    # Strict mode does not touch CPU runs, and without it the same request falls back quietly.
    assert open_session(samples / "shapes_classifier.onnx", "cpu", gpu=strict).report.used == (prov.CPU,)
    assert open_session(samples / "shapes_classifier.onnx", "cuda").report.used == (prov.CPU,)


class _ProfiledSession:
    """A session that 'ran on CUDA' and writes the GPU profile above when the profile ends."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def run(self, _names: object, _feeds: object) -> list[object]:
        return [0]

    def end_profiling(self) -> str:
        import json

        path = self.folder / "profile.json"
        path.write_text(json.dumps(GPU_PROFILE), encoding="utf-8")
        return str(path)


def test_strict_mode_refuses_a_gpu_session_whose_nodes_fall_back(tmp_path: Path) -> None:
    from scholardesk.domain.models import ProviderReport
    from scholardesk.inference.session_cache import CachedSession

    report = ProviderReport("cuda", (prov.CUDA, prov.CPU), (prov.CUDA, prov.CPU), device="GPU")
    lenient = CachedSession(_ProfiledSession(tmp_path), report, prov.GpuOptions(), profiling=True)
    lenient.first_run_done(3.0)
    assert lenient.report.nodes == ((prov.CUDA, 3), (prov.CPU, 3))
    assert lenient.report.cpu_nodes == ("topk_post (TopK)",)
    assert not (tmp_path / "profile.json").exists()  # the profile file is removed
    strict = CachedSession(_ProfiledSession(tmp_path), report, prov.GpuOptions(strict=True),
                           profiling=True)
    with pytest.raises(prov.StrictGpuError, match=r"1 nodes fell back to the CPU: topk_post \(TopK\)"):
        strict.first_run_done(3.0)
    with pytest.raises(prov.StrictGpuError):  # and it stays refused
        strict.check_allowed()
