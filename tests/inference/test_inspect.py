"""Reading ONNX graphs: the real Silero VAD and MNIST fixtures, external data, bad files."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import onnx
import pytest
from onnx import TensorProto, helper

from scholardesk.core.errors import InputError
from scholardesk.inference.inspect import inspect_model, sha256_of


def test_silero_vad_signature(real_fixture: Callable[[str], Path]) -> None:
    info = inspect_model(real_fixture("onnx/silero_vad_16k_op15.onnx"))
    assert info.opset == 15 and info.ir_version == 8
    assert (info.producer, info.producer_version) == ("pytorch", "2.3.1")
    assert [(t.name, t.dtype, t.shape) for t in info.inputs] == [
        ("input", "float32", ("batch", "sequence")),
        ("state", "float32", (2, "batch", 128)),
        ("sr", "int64", ()),
    ]
    assert [t.name for t in info.outputs] == ["output", "stateN"]
    assert info.outputs[0].shape == ("batch", 1)
    assert info.parameters == 309633
    assert info.node_count > 100  # includes the If-branch subgraphs
    ops = dict(info.op_counts)
    assert ops["If"] >= 1 and "Conv" in ops
    assert info.largest_initializers[0].size_bytes >= info.largest_initializers[-1].size_bytes


def test_mnist(real_fixture: Callable[[str], Path]) -> None:
    info = inspect_model(real_fixture("onnx/wonnx_opt-mnist.onnx"))
    assert info.opset == 8 and info.producer == "CNTK"
    assert [(t.name, t.shape) for t in info.inputs] == [("Input3", (1, 1, 28, 28))]
    assert info.outputs[0].shape == (1, 10)
    assert info.node_count == 8


def test_external_data(data: Path, tmp_path: Path) -> None:
    info = inspect_model(data / "external" / "external.onnx")
    assert info.external_data_files == ("external_weights.bin",)
    assert info.parameters == 64 * 32
    assert info.largest_initializers[0].external
    # Without its weights file: a clear message naming the missing file.
    shutil.copy(data / "external" / "external.onnx", tmp_path / "external.onnx")
    with pytest.raises(InputError, match="external_weights.bin"):
        inspect_model(tmp_path / "external.onnx")


def test_truncated_and_garbage_files(samples: Path, tmp_path: Path) -> None:
    blob = (samples / "shapes_classifier.onnx").read_bytes()
    truncated = tmp_path / "truncated.onnx"
    truncated.write_bytes(blob[: len(blob) // 3])
    with pytest.raises(InputError, match="truncated or corrupt"):
        inspect_model(truncated)
    garbage = tmp_path / "notes.onnx"
    garbage.write_text("this is not a model\n" * 20)
    with pytest.raises(InputError, match="not a readable ONNX model"):
        inspect_model(garbage)
    empty = tmp_path / "empty.onnx"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        inspect_model(empty)


def test_unsupported_opset(tmp_path: Path) -> None:
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])
    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "g", [x],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 99)])
    path = tmp_path / "future.onnx"
    onnx.save(model, path)
    with pytest.raises(InputError, match="opset 99"):
        inspect_model(path)


def test_sha256(samples: Path) -> None:
    import hashlib

    path = samples / "topic_classifier.onnx"
    assert sha256_of(path) == hashlib.sha256(path.read_bytes()).hexdigest()
