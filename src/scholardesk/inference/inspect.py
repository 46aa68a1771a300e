"""Reading an ONNX graph (the ``onnx`` package, no session): a small Netron-like summary.

Opset, IR version, producer, inputs/outputs with symbolic dimensions, operator counts, the
largest initializers, the parameter count, metadata properties and external-data files. The
weights themselves are not loaded (``load_external_data=False``), so inspecting a large model
is cheap; missing external-data files are reported as a clear error, and external-data
locations that leave the model's folder (absolute, ``..``, links out) are flagged and never
opened (``refuse_outside_external_data`` keeps sessions from loading such a model).
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections import Counter
from pathlib import Path
from typing import Any

from scholardesk.core.errors import InputError
from scholardesk.domain.models import Dim, InitializerInfo, ModelInfo, TensorSpec

logger = logging.getLogger(__name__)

# ONNX opsets onnxruntime runs (ai.onnx). Older graphs must be converted first.
MIN_OPSET = 7
LARGEST_INITIALIZERS = 10


def sha256_of(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def numpy_dtype_name(elem_type: int) -> str:
    import onnx

    try:
        return str(onnx.helper.tensor_dtype_to_np_dtype(elem_type))
    except (KeyError, ValueError, TypeError):
        return str(onnx.TensorProto.DataType.Name(elem_type)).lower()


def _value_info_spec(value: Any) -> TensorSpec:
    tensor_type = value.type.tensor_type
    if not value.type.HasField("tensor_type"):
        kind = value.type.WhichOneof("value")
        return TensorSpec(value.name, str(kind or "unknown"), ())
    dims: list[Dim] = []
    if tensor_type.HasField("shape"):
        for d in tensor_type.shape.dim:
            if d.HasField("dim_value"):
                dims.append(int(d.dim_value))
            elif d.HasField("dim_param") and d.dim_param:
                dims.append(str(d.dim_param))
            else:
                dims.append(None)
    return TensorSpec(value.name, numpy_dtype_name(tensor_type.elem_type), tuple(dims))


def load_proto(path: Path) -> Any:
    """Parse the graph (weights in external files are not read). Raises InputError."""
    import onnx
    from google.protobuf.message import DecodeError

    if not path.is_file():
        raise InputError(f"{path} does not exist.", "Check the path of the .onnx file.")
    if path.stat().st_size == 0:
        raise InputError(f"{path} is empty.", "Export the model again.")
    try:
        model = onnx.load(str(path), load_external_data=False)
    except (DecodeError, ValueError, RuntimeError, OSError) as exc:
        raise InputError(
            f"{path.name} is not a readable ONNX model (truncated or corrupt: {exc}).",
            "Export or download the model again; the file must be a complete .onnx file.",
        ) from exc
    if not model.graph.node and not model.graph.output:
        raise InputError(
            f"{path.name} is not a readable ONNX model (it holds no graph; truncated or "
            "not an ONNX file).",
            "Export or download the model again.",
        )
    return model


def external_locations(model: Any) -> tuple[str, ...]:
    """The external-data ``location`` of every initializer that has one, in order, once each."""
    from onnx.external_data_helper import uses_external_data

    files: list[str] = []
    for tensor in model.graph.initializer:
        if uses_external_data(tensor):
            for entry in tensor.external_data:
                if entry.key == "location" and entry.value not in files:
                    files.append(entry.value)
    return tuple(files)


def outside_folder(locations: tuple[str, ...], folder: Path) -> list[str]:
    """The locations that leave the model's folder: absolute paths, ``..`` steps, or links
    that point out of it. Such files are never opened (not even checked for existence)."""
    root = folder.resolve()
    outside: list[str] = []
    for location in locations:
        candidate = Path(location)
        if candidate.is_absolute() or candidate.anchor or ".." in candidate.parts:
            outside.append(location)
            continue
        try:
            resolved = (root / candidate).resolve()
        except (OSError, RuntimeError):
            outside.append(location)
            continue
        if not resolved.is_relative_to(root):
            outside.append(location)
    return outside


def refuse_outside_external_data(path: Path, model: Any | None = None) -> None:
    """InputError when ``path`` keeps weights outside its folder (nothing there is read)."""
    model = model if model is not None else load_proto(path)
    outside = outside_folder(external_locations(model), path.parent)
    if outside:
        raise InputError(
            f"{path.name} points to external weight data outside its folder "
            f"({', '.join(outside)}); ScholarDesk does not read files outside a model's folder.",
            f"Put the weight files in the folder of {path.name} and export the model with "
            "plain file names as external-data locations.",
        )


def _external_files(
    model: Any, folder: Path
) -> tuple[tuple[str, ...], list[str], list[str]]:
    """(all locations, the missing ones inside the folder, the ones outside the folder)."""
    files = external_locations(model)
    outside = outside_folder(files, folder)
    missing = [f for f in files if f not in outside and not (folder / f).is_file()]
    return files, missing, outside


def check_opset(model: Any, name: str) -> int:
    import onnx
    import onnxruntime  # noqa: F401  (only to be sure it is importable)

    opset = 0
    for entry in model.opset_import:
        if entry.domain in ("", "ai.onnx"):
            opset = int(entry.version)
    newest = onnx.defs.onnx_opset_version()
    if opset and opset > newest:
        raise InputError(
            f"{name} uses ONNX opset {opset}, newer than this installation supports "
            f"(up to {newest}).",
            "Export the model with a lower opset (e.g. torch.onnx.export(..., opset_version=17)) "
            "or update onnx and onnxruntime.",
        )
    return opset


_FLOAT_TYPES = frozenset({1, 10, 11, 16})  # TensorProto FLOAT, FLOAT16, DOUBLE, BFLOAT16


def inspect_model(path: Path) -> ModelInfo:
    """Everything about the graph that needs no session."""
    from onnx import numpy_helper  # noqa: F401  (keeps onnx's tensor helpers importable)
    from onnx.external_data_helper import uses_external_data

    model = load_proto(path)
    opset = check_opset(model, path.name)
    files, missing, outside = _external_files(model, path.parent)
    if outside:
        logger.warning("%s points to external data outside its folder: %s", path, outside)
    if missing:
        raise InputError(
            f"{path.name} keeps its weights in external data files that are missing: "
            f"{', '.join(missing)}.",
            f"Put {', '.join(missing)} in the same folder as {path.name}.",
        )
    graph = model.graph
    initializer_names = {t.name for t in graph.initializer}
    inputs = tuple(_value_info_spec(v) for v in graph.input if v.name not in initializer_names)
    outputs = tuple(_value_info_spec(v) for v in graph.output)
    inits: list[InitializerInfo] = []
    parameters = 0
    for tensor in graph.initializer:
        shape = tuple(int(d) for d in tensor.dims)
        count = math.prod(shape) if shape else 1
        parameters += count
        dtype = numpy_dtype_name(tensor.data_type)
        itemsize = _itemsize(dtype)
        inits.append(
            InitializerInfo(tensor.name, dtype, shape, count * itemsize, uses_external_data(tensor))
        )
    # Exporters such as paddle2onnx keep every weight in a Constant node, not an initializer:
    # floating-point Constant tensors of more than one value are weights too (scalars such as
    # an epsilon and integer shape constants are not).
    for node in _all_nodes(graph):
        if node.op_type != "Constant":
            continue
        for attribute in node.attribute:
            tensor = attribute.t
            if attribute.name != "value" or tensor.data_type not in _FLOAT_TYPES:
                continue
            shape = tuple(int(d) for d in tensor.dims)
            count = math.prod(shape) if shape else 1
            if count <= 1:
                continue
            parameters += count
            dtype = numpy_dtype_name(tensor.data_type)
            inits.append(InitializerInfo(node.output[0] if node.output else node.name, dtype,
                                         shape, count * _itemsize(dtype), False))
    inits.sort(key=lambda i: i.size_bytes, reverse=True)
    ops = Counter(node.op_type for node in _all_nodes(graph))
    return ModelInfo(
        opset=opset,
        ir_version=int(model.ir_version),
        producer=model.producer_name,
        producer_version=model.producer_version,
        graph_name=graph.name,
        inputs=inputs,
        outputs=outputs,
        parameters=parameters,
        metadata=tuple((p.key, p.value) for p in model.metadata_props),
        op_counts=tuple(sorted(ops.items(), key=lambda kv: (-kv[1], kv[0]))),
        largest_initializers=tuple(inits[:LARGEST_INITIALIZERS]),
        external_data_files=files,
        external_data_outside=tuple(outside),
        domains=tuple((e.domain or "ai.onnx", int(e.version)) for e in model.opset_import),
        node_count=sum(ops.values()),
    )


def _all_nodes(graph: Any) -> list[Any]:
    """Nodes including those inside If/Loop/Scan subgraphs."""
    nodes: list[Any] = []
    for node in graph.node:
        nodes.append(node)
        for attr in node.attribute:
            if attr.HasField("g"):
                nodes.extend(_all_nodes(attr.g))
            for sub in attr.graphs:
                nodes.extend(_all_nodes(sub))
    return nodes


def _itemsize(dtype: str) -> int:
    import numpy as np

    try:
        return int(np.dtype(dtype).itemsize)
    except TypeError:
        return 1
