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


def _model_with_external_weights(folder: Path, location: str) -> Path:
    """A tiny MatMul model whose weights live at ``location`` (relative to ``folder``)."""
    import numpy as np
    from onnx import numpy_helper
    from onnx.external_data_helper import set_external_data

    folder.mkdir(parents=True, exist_ok=True)
    weights = numpy_helper.from_array(np.full((4, 4), 2.0, np.float32), "w")
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])
    graph = helper.make_graph([helper.make_node("MatMul", ["x", "w"], ["y"])], "g", [x], [y],
                              [weights])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    tensor = model.graph.initializer[0]
    set_external_data(tensor, location)
    tensor.ClearField("raw_data")
    tensor.data_location = TensorProto.EXTERNAL
    path = folder / "model.onnx"
    onnx.save(model, path)
    return path


def _secret(tmp_path: Path) -> Path:
    secret = tmp_path / "secret.bin"
    secret.write_bytes(b"\x00" * 64)
    return secret


@pytest.mark.parametrize("kind", ["dot-dot", "absolute", "link out"])
def test_external_data_outside_the_folder_is_flagged_not_read(tmp_path: Path, kind: str) -> None:
    secret = _secret(tmp_path)
    folder = tmp_path / "model"
    folder.mkdir()
    if kind == "link out":
        (folder / "weights.bin").symlink_to(secret)
    location = {"dot-dot": "../secret.bin", "absolute": str(secret),
                "link out": "weights.bin"}[kind]
    info = inspect_model(_model_with_external_weights(folder, location))
    assert info.external_data_outside == (location,)
    assert info.to_json()["external_data_outside"] == [location]


def test_external_data_outside_the_folder_is_not_checked_for_existence(tmp_path: Path) -> None:
    # A missing file outside the folder is flagged, not reported as "put it next to the model"
    # (which would mean looking for it out there).
    info = inspect_model(_model_with_external_weights(tmp_path / "m", "../../nowhere/x.bin"))
    assert info.external_data_outside == ("../../nowhere/x.bin",)


def test_external_data_inside_the_folder_is_not_flagged(data: Path) -> None:
    info = inspect_model(data / "external" / "external.onnx")
    assert info.external_data_outside == ()


@pytest.mark.parametrize("location", ["../secret.bin", "link"])
def test_a_session_on_weights_outside_the_folder_is_refused(tmp_path: Path, location: str) -> None:
    from scholardesk.inference.session_cache import open_session

    secret = _secret(tmp_path)
    folder = tmp_path / "model"
    folder.mkdir()
    if location == "link":
        (folder / "link").symlink_to(secret)
    path = _model_with_external_weights(folder, location)
    with pytest.raises(InputError, match="outside its folder"):
        open_session(path, "cpu")


def test_weights_kept_in_constant_nodes_are_parameters(real_fixture: Callable[[str], Path]) -> None:
    """paddle2onnx exports have no initializers: every weight is a Constant node."""
    info = inspect_model(real_fixture("onnx/pypi/ch_PP-OCRv4_det_infer.onnx"))
    assert info.parameters == 1_171_640
    assert info.largest_initializers and info.largest_initializers[0].dtype == "float32"
    rec = inspect_model(real_fixture("onnx/pypi/ch_PP-OCRv4_rec_infer.onnx"))
    assert rec.parameters == 2_690_109
