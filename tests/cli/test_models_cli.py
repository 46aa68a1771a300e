"""``scholardesk models ...`` end to end, JSON shapes as documented in the issue."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from scholardesk.cli import main

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "resources" / "sample" / "models"
DATA = REPO / "tests" / "data" / "models"


def _json(capsys: pytest.CaptureFixture[str], *argv: str, home: Path) -> object:
    code = main(["--home", str(home), *argv])
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out)


def test_add_list_inspect_run_bench(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], real_fixture: Callable[[str], Path]
) -> None:
    home = tmp_path / "home"
    silero = real_fixture("onnx/silero_vad_16k_op15.onnx")
    added = _json(capsys, "models", "add", str(silero), "--name", "Silero", "--json", home=home)
    assert set(added) >= {"id", "name", "sha256"} and added["name"] == "Silero"
    listed = _json(capsys, "models", "list", "--json", home=home)
    assert [m["name"] for m in listed] == ["Silero"] and listed[0]["task"] == "vad"

    info = _json(capsys, "models", "inspect", str(added["id"]), "--json", home=home)
    assert info["opset"] == 15 and info["parameters"] == 309633
    assert info["inputs"][1] == {"name": "state", "dtype": "float32", "shape": [2, "batch", 128]}
    assert info["inputs"][2] == {"name": "sr", "dtype": "int64", "shape": []}
    by_file = _json(capsys, "models", "inspect", str(DATA / "shapes_nhwc.onnx"), "--json", home=home)
    assert by_file["inputs"][0]["shape"] == ["batch", 32, 32, 3]

    run = _json(capsys, "models", "run", "Silero", "--input", str(DATA / "vad_two_phrases_16k.wav"),
                "--provider", "cuda", "--json", home=home)
    assert run["task"] == "vad" and len(run["segments"]) == 2
    assert set(run["segments"][0]) == {"start_s", "end_s"}
    assert run["providers_used"] == ["CPUExecutionProvider"] and run["latency_ms"] > 0

    bench = _json(capsys, "models", "bench", str(added["id"]), "--batch", "1,2", "--warmup", "1",
                  "--runs", "5", "--json", "--save", home=home)
    assert isinstance(bench, list) and [b["batch"] for b in bench] == [1, 2]
    assert set(bench[0]) >= {"provider_requested", "providers_used", "batch", "runs", "p50_ms",
                             "p90_ms", "p99_ms", "throughput_per_s"}
    assert bench[0]["provider_requested"] == "auto" and bench[0]["runs"] == 5
    single = _json(capsys, "models", "bench", "Silero", "--runs", "3", "--json", home=home)
    assert isinstance(single, dict) and single["batch"] == 1


def test_run_text_and_image(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    topics = _json(capsys, "models", "add", str(SAMPLES / "topic_classifier.onnx"), "--json",
                   home=home)
    out = _json(capsys, "models", "run", str(topics["id"]), "--input",
                str(SAMPLES / "topic_example.txt"), "--json", home=home)
    assert out["task"] == "text-classification" and out["top"][0]["label"] == "speech"
    shapes = _json(capsys, "models", "add", str(SAMPLES / "shapes_classifier.onnx"), "--task",
                   "image-classification", "--labels", str(SAMPLES / "shapes_classifier.labels.txt"),
                   "--json", home=home)
    out = _json(capsys, "models", "run", str(shapes["id"]), "--input",
                str(SAMPLES / "shape_circle.png"), "--top", "3", "--json", home=home)
    assert out["top"][0]["label"] == "circle" and len(out["top"]) == 3
    assert 0 < out["top"][0]["probability"] <= 1


def test_bad_file_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.onnx"
    broken.write_bytes((SAMPLES / "topic_classifier.onnx").read_bytes()[:300])
    code = main(["--home", str(tmp_path / "home"), "models", "add", str(broken)])
    err = capsys.readouterr().err
    assert code == 2 and "broken.onnx" in err and "truncated or corrupt" in err
    assert _json(capsys, "models", "list", "--json", home=tmp_path / "home") == []
    code = main(["--home", str(tmp_path / "home"), "models", "bench", "1", "--batch", "0"])
    assert code == 2


def test_human_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = str(tmp_path / "home")
    assert main(["--home", home, "models", "add", str(SAMPLES / "tone_speller.onnx")]) == 0
    assert main(["--home", home, "models", "run", "1", "--input",
                 str(SAMPLES / "tone_speller_hello.wav"), "--reference", "hello world"]) == 0
    out = capsys.readouterr().out
    assert "hello world" in out and "WER 0.000" in out
    assert main(["--home", home, "models", "providers", "--json"]) == 0
    providers = json.loads(capsys.readouterr().out)
    assert "CPUExecutionProvider" in providers["available"]


def _weights_outside(tmp_path: Path) -> Path:
    """A tiny model whose external weights are ``../secret.bin`` (outside its folder)."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    from onnx.external_data_helper import set_external_data

    (tmp_path / "secret.bin").write_bytes(b"\x00" * 64)
    folder = tmp_path / "model"
    folder.mkdir()
    weights = numpy_helper.from_array(np.full((4, 4), 2.0, np.float32), "w")
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])
    graph = helper.make_graph([helper.make_node("MatMul", ["x", "w"], ["y"])], "g", [x], [y],
                              [weights])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    set_external_data(model.graph.initializer[0], "../secret.bin")
    model.graph.initializer[0].ClearField("raw_data")
    model.graph.initializer[0].data_location = TensorProto.EXTERNAL
    onnx.save(model, folder / "model.onnx")
    return folder / "model.onnx"


def test_inspect_warns_about_external_data_outside_the_model_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _weights_outside(tmp_path)
    home = tmp_path / "home"
    assert main(["--home", str(home), "models", "inspect", str(path)]) == 0
    out = capsys.readouterr().out
    assert "warning: external data outside the model folder" in out and "../secret.bin" in out
    info = _json(capsys, "models", "inspect", str(path), "--json", home=home)
    assert info["external_data_outside"] == ["../secret.bin"]
    # Registering (which loads it) is refused, and nothing is registered.
    assert main(["--home", str(home), "models", "add", str(path)]) == 2
    assert "outside its folder" in capsys.readouterr().err
    assert _json(capsys, "models", "list", "--json", home=home) == []


def _two_input_model(tmp_path: Path) -> Path:
    """x: float32 [batch, 3] → 'scaled:0' = 2x and 'onnx::Sum/out' = sum over the row;
    words: string [n] → 'words/echo' (the strings back)."""
    import onnx
    from onnx import TensorProto, helper

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3])
    words = helper.make_tensor_value_info("words", TensorProto.STRING, ["n"])
    outputs = [
        helper.make_tensor_value_info("scaled:0", TensorProto.FLOAT, ["batch", 3]),
        helper.make_tensor_value_info("onnx::Sum/out", TensorProto.FLOAT, ["batch", 1]),
        helper.make_tensor_value_info("words/echo", TensorProto.STRING, ["n"]),
    ]
    two = helper.make_tensor("two", TensorProto.FLOAT, [], [2.0])
    axes = helper.make_tensor("axes", TensorProto.INT64, [1], [1])
    nodes = [
        helper.make_node("Mul", ["x", "two"], ["scaled:0"]),
        helper.make_node("ReduceSum", ["x", "axes"], ["onnx::Sum/out"], keepdims=1),
        helper.make_node("Identity", ["words"], ["words/echo"]),
    ]
    graph = helper.make_graph(nodes, "two_inputs", [x, words], outputs, [two, axes])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], ir_version=8)
    path = tmp_path / "two_inputs.onnx"
    onnx.save(model, path)
    return path


def test_run_saves_every_output_as_npy_with_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import numpy as np

    home = tmp_path / "home"
    added = _json(capsys, "models", "add", str(_two_input_model(tmp_path)), "--json", home=home)
    x = np.array([[1.0, 2.0, 3.0], [-4.0, 0.5, 10.0]], np.float32)
    np.save(tmp_path / "x.npy", x)
    (tmp_path / "texts.json").write_text(json.dumps(["graph neural networks", "语音识别"]),
                                          encoding="utf-8")
    out_dir = tmp_path / "outputs"
    result = _json(capsys, "models", "run", str(added["id"]), "--input", str(tmp_path / "x.npy"),
                   "--input", f"words={tmp_path / 'texts.json'}", "--save-outputs", str(out_dir),
                   "--json", home=home)
    outs = result["outputs"]
    assert list(outs) == ["scaled:0", "onnx::Sum/out", "words/echo"]
    scaled = outs["scaled:0"]
    assert scaled["shape"] == [2, 3] and scaled["dtype"] == "float32"
    assert scaled["min"] == -8.0 and scaled["max"] == 20.0
    assert scaled["mean"] == pytest.approx(float((2 * x).mean()))
    assert scaled["first"] == [2.0, 4.0, 6.0, -8.0, 1.0]
    # Each output in its own .npy, named safely, holding exactly what the model returned.
    assert scaled["file"] == str(out_dir / "scaled_0.npy")
    np.testing.assert_array_equal(np.load(out_dir / "scaled_0.npy"), 2 * x)
    np.testing.assert_allclose(np.load(out_dir / "onnx__Sum_out.npy"), [[6.0], [6.5]])
    echo = np.load(out_dir / "words_echo.npy")  # strings without pickle
    assert echo.tolist() == ["graph neural networks", "语音识别"]
    assert outs["words/echo"]["first"] == ["graph neural networks", "语音识别"]
    assert "min" not in outs["words/echo"]
    assert result["nodes_by_provider"] == {"CPUExecutionProvider": 3}

    assert main(["--home", str(home), "models", "run", str(added["id"]), "--input",
                 f"words={tmp_path / 'texts.json'}", "--input", f"x={tmp_path / 'x.npy'}"]) == 0
    text = capsys.readouterr().out
    assert "scaled:0: float32 [2, 3]  min -8  max 20  mean 4.16667  first [2, 4, 6, -8, 1, …]" in text
    assert 'words/echo: str [2]  first ["graph neural networks", "语音识别"]' in text
    assert "nodes: CPU 3]" in text


def test_run_errors_name_the_input_and_what_it_expects(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import numpy as np

    home = tmp_path / "home"
    _json(capsys, "models", "add", str(_two_input_model(tmp_path)), "--json", home=home)
    np.save(tmp_path / "x4.npy", np.zeros((2, 4), np.float32))
    np.save(tmp_path / "x64.npy", np.zeros((2, 3), np.float64))
    (tmp_path / "texts.json").write_text('["a"]', encoding="utf-8")
    (tmp_path / "numbers.json").write_text("[1, 2]", encoding="utf-8")
    (tmp_path / "ragged.json").write_text('[["a", "b"], ["c"]]', encoding="utf-8")

    def error(*inputs: str) -> str:
        argv = ["--home", str(home), "models", "run", "1"]
        for value in inputs:
            argv += ["--input", value]
        assert main(argv) == 2
        return capsys.readouterr().err

    words = f"words={tmp_path / 'texts.json'}"
    assert "Input 'x' must have shape [batch, 3], but the given array has shape [2, 4]" in error(
        str(tmp_path / "x4.npy"), words)
    assert "Input 'x' must be float32, but float64 was given" in error(
        str(tmp_path / "x64.npy"), words)
    assert ("Input 'words' takes strings (object [n]), but numbers.json holds numbers"
            in error(str(tmp_path / "x4.npy"), f"words={tmp_path / 'numbers.json'}"))
    assert "ragged.json for input 'words' (object [n]) are not all the same length" in error(
        f"words={tmp_path / 'ragged.json'}")
    assert ("no input named 'pixels'; its inputs are x (float32 [batch, 3]), words (object [n])"
            in error(f"pixels={tmp_path / 'x4.npy'}"))
    assert "Input words is missing" in error(str(tmp_path / "x4.npy"))


@pytest.mark.skipif(
    __import__("scholardesk.inference.providers", fromlist=["x"]).find_missing(
        "CUDAExecutionProvider") is None, reason="this machine has a working CUDA setup")
def test_strict_gpu_on_a_cpu_only_machine(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = str(tmp_path / "home")
    assert main(["--home", home, "models", "add", str(SAMPLES / "shapes_classifier.onnx")]) == 0
    capsys.readouterr()
    assert main(["--home", home, "models", "bench", "1", "--provider", "cuda", "--strict-gpu",
                 "--runs", "3"]) == 2
    err = capsys.readouterr().err
    assert "Strict GPU mode: cuda was asked for, but cannot start: " in err and ".so" in err
    # The setting does the same; without it the benchmark runs on the CPU and says so.
    settings = Path(home) / "settings.json"
    settings.write_text(json.dumps({"gpu_strict": True}), encoding="utf-8")
    assert main(["--home", home, "models", "run", "1", "--provider", "cuda",
                 "--input", str(SAMPLES / "shape_circle.png")]) == 2
    assert "Strict GPU mode" in capsys.readouterr().err
    settings.write_text(json.dumps({"gpu_strict": False}), encoding="utf-8")
    assert main(["--home", home, "models", "bench", "1", "--provider", "cuda", "--runs", "3",
                 "--warmup", "1", "--cudnn-search", "exhaustive"]) == 0
    out = capsys.readouterr().out
    assert "nodes by provider: CPU 8" in out
    assert "GPU memory: not available: the model runs on the CPU" in out
    assert "first ms" in out.splitlines()[-2]
