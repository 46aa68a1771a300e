"""Running a session: a thin wrapper over ``InferenceSession.run``.

The happy path adds nothing but one Python call (``benchmarks/bench_models.py`` checks that the
runner stays within 5% of a bare ``session.run``). Feeds are checked against the signature only
when onnxruntime refuses them, to turn its message into one that names the input, the expected
shape/dtype and what was given.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from typing import Any

from scholardesk.core.errors import InputError
from scholardesk.domain.models import ProviderReport, TensorSpec
from scholardesk.inference.inspect import numpy_dtype_name
from scholardesk.inference.providers import ort_errors
from scholardesk.inference.session_cache import CachedSession

logger = logging.getLogger(__name__)

_ORT_TYPES = {
    "tensor(float)": "float32",
    "tensor(double)": "float64",
    "tensor(float16)": "float16",
    "tensor(int64)": "int64",
    "tensor(int32)": "int32",
    "tensor(int8)": "int8",
    "tensor(uint8)": "uint8",
    "tensor(bool)": "bool",
    "tensor(string)": "object",
}


def _spec_from_node(node: Any) -> TensorSpec:
    dims = tuple(d if isinstance(d, int | str) else None for d in (node.shape or ()))
    return TensorSpec(node.name, _ORT_TYPES.get(node.type, node.type), dims)


class ModelRunner:
    def __init__(self, cached: CachedSession) -> None:
        cached.check_allowed()
        self._cached = cached
        self.session = cached.session
        self.inputs: tuple[TensorSpec, ...] = tuple(
            _spec_from_node(n) for n in self.session.get_inputs()
        )
        self.outputs: tuple[TensorSpec, ...] = tuple(
            _spec_from_node(n) for n in self.session.get_outputs()
        )
        self.output_names = [o.name for o in self.outputs]

    @property
    def report(self) -> ProviderReport:
        """Where the session runs; after its first run also how many nodes each provider ran."""
        return self._cached.report

    @property
    def providers_used(self) -> tuple[str, ...]:
        return self._cached.report.used

    def input(self, name: str) -> TensorSpec:
        for spec in self.inputs:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def run(self, feeds: Mapping[str, Any]) -> list[Any]:
        if self._cached.profiling:
            return self._first_run(feeds)
        try:
            return self.session.run(None, feeds)  # type: ignore[no-any-return]
        except ort_errors() as exc:
            raise self._explain(feeds, exc) from exc

    def _first_run(self, feeds: Mapping[str, Any]) -> list[Any]:
        """The session's first run: timed apart (kernel selection, memory arenas, cuDNN's
        search happen here) and profiled, to learn which provider ran which node."""
        start = time.perf_counter()
        try:
            outputs = self.session.run(None, feeds)
        except ort_errors() as exc:
            raise self._explain(feeds, exc) from exc
        self._cached.first_run_done((time.perf_counter() - start) * 1000.0)
        return outputs  # type: ignore[no-any-return]

    def _explain(self, feeds: Mapping[str, Any], exc: BaseException) -> InputError:
        problem = self.check_feeds(feeds)
        if problem:
            return InputError(problem, "Give an input of the shape and type the model expects.")
        return InputError(
            f"onnxruntime could not run the model: {str(exc).strip()[:400]}",
            "Check the input against the model's signature (models inspect).",
        )

    def timed_run(self, feeds: Mapping[str, Any]) -> tuple[list[Any], float]:
        start = time.perf_counter()
        outputs = self.run(feeds)
        return outputs, (time.perf_counter() - start) * 1000.0

    def check_feeds(self, feeds: Mapping[str, Any]) -> str:
        """A sentence naming what is wrong with ``feeds`` ('' when they fit the signature)."""
        import numpy as np

        expected = {s.name: s for s in self.inputs}
        unknown = [n for n in feeds if n not in expected]
        if unknown:
            return (
                f"The model has no input named {', '.join(unknown)}; its inputs are "
                f"{', '.join(expected)}."
            )
        absent = [n for n in expected if n not in feeds]
        if absent:
            return f"Input {', '.join(absent)} is missing."
        for name, value in feeds.items():
            spec = expected[name]
            array = np.asarray(value)
            if array.dtype.name != spec.dtype:
                return (
                    f"Input {name!r} must be {spec.dtype}, but {array.dtype.name} was given."
                )
            if len(array.shape) != spec.rank:
                return (
                    f"Input {name!r} must have {spec.rank} dimensions {spec.shape_text()}, "
                    f"but the given array has shape {list(array.shape)}."
                )
            for axis, (want, got) in enumerate(zip(spec.shape, array.shape, strict=True)):
                if isinstance(want, int) and want != got:
                    return (
                        f"Input {name!r} must have shape {spec.shape_text()}, but the given "
                        f"array has shape {list(array.shape)} (dimension {axis} is {got}, "
                        f"not {want})."
                    )
        return ""


def random_feeds(
    inputs: Sequence[TensorSpec], batch: int = 1, dims: Mapping[str, int] | None = None,
    seed: int = 0,
) -> dict[str, Any]:
    """Random inputs matching a signature; symbolic dims become ``batch`` for the first axis
    and ``dims[name]`` (default 16) elsewhere."""
    import numpy as np

    rng = np.random.default_rng(seed)
    dims = dict(dims or {})
    feeds: dict[str, Any] = {}
    for spec in inputs:
        shape: list[int] = []
        for axis, dim in enumerate(spec.shape):
            if isinstance(dim, int) and dim > 0:
                shape.append(dim)
            elif axis == 0:
                shape.append(batch)
            elif isinstance(dim, str) and dim in dims:
                shape.append(dims[dim])
            else:
                shape.append(16)
        dtype = np.dtype(spec.dtype) if spec.dtype != "object" else np.dtype("float32")
        if dtype.kind == "f":
            feeds[spec.name] = rng.standard_normal(shape).astype(dtype)
        elif dtype.kind in "iu":
            feeds[spec.name] = rng.integers(0, 2, size=shape).astype(dtype)
        elif dtype.kind == "b":
            feeds[spec.name] = rng.integers(0, 2, size=shape).astype(bool)
        else:
            raise InputError(f"Cannot make random data for input {spec.name!r} of type {spec.dtype}.")
    return feeds


__all__ = ["ModelRunner", "numpy_dtype_name", "random_feeds"]
