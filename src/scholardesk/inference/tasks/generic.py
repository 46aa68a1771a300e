"""Any model: inputs from ``.npy`` / ``.npz`` / ``.json`` files (positional or ``name=file``),
or random inputs matching the signature; every output summarised and, on request, saved as
``<output>.npy`` so that it can be compared with what the training framework gave."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from scholardesk.core.errors import InputError
from scholardesk.domain.models import OutputSummary, TensorSpec

ARRAY_SUFFIXES = (".npy", ".npz", ".json")
FIRST_VALUES = 5


def is_array_file(path: Path) -> bool:
    return path.suffix.lower() in ARRAY_SUFFIXES


def _spec_text(spec: TensorSpec) -> str:
    return f"{spec.dtype} {spec.shape_text()}"


def read_json_array(path: Path, spec: TensorSpec | None) -> Any:
    """A JSON list (nested lists for more dimensions) as an array: strings give an object
    array (onnxruntime's tensor(string)), numbers the dtype of the input they go to."""
    import numpy as np

    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"{path.name} is not a readable JSON file ({exc}).",
                         'Write the input as a JSON list, e.g. ["first text", "second text"].') from exc
    target = f" for input {spec.name!r} ({_spec_text(spec)})" if spec else ""
    if not isinstance(raw, list | str | int | float | bool):
        raise InputError(f"{path.name} holds a JSON {type(raw).__name__}{target}, not a list.",
                         "Give a list, or nested lists of equal length for more dimensions.")
    try:
        probe = np.array(raw, dtype=object)
    except ValueError as exc:
        raise InputError(f"The lists in {path.name}{target} are not all the same length.",
                         "Nested lists must form a rectangular array.") from exc
    flat = probe.ravel().tolist()
    if any(isinstance(v, list | dict) for v in flat):
        raise InputError(f"The lists in {path.name}{target} are not all the same length.",
                         "Nested lists must form a rectangular array.")
    if flat and all(isinstance(v, str) for v in flat):
        return probe  # object array of str
    if any(isinstance(v, str) for v in flat):
        raise InputError(f"{path.name}{target} mixes strings and numbers.",
                         "Give only strings (a text input) or only numbers.")
    dtype = spec.dtype if spec is not None and spec.dtype != "object" else None
    if spec is not None and spec.dtype == "object":
        raise InputError(f"Input {spec.name!r} takes strings ({_spec_text(spec)}), but {path.name} "
                         "holds numbers.", 'Give a JSON list of strings, e.g. ["a text"].')
    return np.array(raw, dtype=dtype)


def _read_array(path: Path, spec: TensorSpec | None) -> Any:
    import numpy as np

    if path.suffix.lower() == ".json":
        return read_json_array(path, spec)
    try:
        return np.load(path, allow_pickle=False)
    except (ValueError, OSError) as exc:
        raise InputError(
            f"{path.name} is not a NumPy .npy/.npz file ({exc}).",
            "Save arrays with numpy.save / numpy.savez, or give strings as a .json list.",
        ) from exc


def load_inputs(
    paths: Sequence[Path],
    inputs: Sequence[TensorSpec],
    named: Mapping[str, Path] | None = None,
) -> dict[str, Any]:
    """Feeds from files: one ``.npz`` holding arrays named like the inputs, ``.npy`` / ``.json``
    files given in input order (a file named ``<input>.npy`` goes to that input), and
    ``named`` files (``--input name=file``) for the input they name."""
    import numpy as np

    specs = {s.name: s for s in inputs}
    names = list(specs)
    feeds: dict[str, Any] = {}
    for name, path in (named or {}).items():
        if name not in specs:
            raise InputError(
                f"The model has no input named {name!r}; its inputs are "
                + ", ".join(f"{n} ({_spec_text(s)})" for n, s in specs.items()) + ".",
                "Use --input NAME=FILE with one of these names.",
            )
        if not path.is_file():
            raise InputError(f"{path} (for input {name!r}) does not exist.",
                             "Give .npy, .npz or .json files.")
        feeds[name] = _read_array(path, specs[name])
    positional: list[Path] = []
    for path in paths:
        if not path.is_file():
            raise InputError(f"{path} does not exist.", "Give .npy, .npz or .json files.")
        if path.suffix.lower() == ".npz":
            try:
                with np.load(path, allow_pickle=False) as archive:
                    for key in archive.files:
                        if key not in names:
                            raise InputError(
                                f"{path.name} holds an array {key!r}, but the model's inputs are "
                                f"{', '.join(names)}."
                            )
                        feeds[key] = archive[key]
            except (ValueError, OSError) as exc:
                raise InputError(f"{path.name} is not a NumPy .npz file ({exc}).",
                                 "Save arrays with numpy.savez.") from exc
            continue
        if path.stem in specs and path.stem not in feeds:
            feeds[path.stem] = _read_array(path, specs[path.stem])
        else:
            positional.append(path)
    free = [n for n in names if n not in feeds]
    if len(positional) > len(free):
        given = len(paths) + len(named or {})
        raise InputError(
            f"{given} input files were given but the model has {len(names)} inputs "
            f"({', '.join(names)})."
        )
    for name, path in zip(free, positional, strict=False):
        feeds[name] = _read_array(path, specs[name])
    return feeds


def _plain(value: Any) -> Any:
    """A numpy scalar as a JSON-friendly Python value."""
    import numpy as np

    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, float) and value != value:  # NaN
        return None
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)


def summarise(name: str, value: Any) -> OutputSummary:
    import numpy as np

    array = _as_array(value)
    shape = tuple(int(d) for d in array.shape)
    first = tuple(_plain(v) for v in array.ravel()[:FIRST_VALUES])
    numeric = array.dtype.kind in "biuf" and array.size > 0
    if not numeric:
        kind = "str" if array.dtype.kind == "U" else array.dtype.name
        return OutputSummary(name, shape, kind, first=first)
    data = array.astype(np.float64) if array.dtype.kind != "f" else array
    finite = data[np.isfinite(data)] if data.dtype.kind == "f" else data
    if finite.size == 0:
        return OutputSummary(name, shape, array.dtype.name, first=first)
    return OutputSummary(name, shape, array.dtype.name, float(finite.min()), float(finite.max()),
                         float(finite.mean(dtype=np.float64)), first)


def _as_array(value: Any) -> Any:
    import numpy as np

    array = np.asarray(value)
    if array.dtype == object and all(isinstance(v, str) for v in array.ravel().tolist()):
        return array.astype(str)
    return array


def safe_file_name(name: str) -> str:
    """An output name as a portable file name: ``onnx::Conv_12/out:0`` → ``onnx__Conv_12_out_0``."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]", "_", name).strip(". ")
    return cleaned[:120] or "output"


def save_outputs(
    folder: Path, names: Sequence[str], outputs: Sequence[Any]
) -> tuple[OutputSummary, ...]:
    """Every output as ``folder/<safe name>.npy`` (names that clash get ``_2``, ``_3``…), and
    its summary naming the file. Strings are saved as a unicode array (no pickle needed)."""
    import numpy as np

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"The folder {folder} cannot be created ({exc.strerror or exc}).",
                         "Choose a folder you can write to (--save-outputs DIR).") from exc
    used: set[str] = set()
    summaries = []
    for i, (name, value) in enumerate(zip(names, outputs, strict=False)):
        stem = safe_file_name(name) if name else f"output_{i}"
        candidate, n = stem, 1
        while candidate.lower() in used:
            n += 1
            candidate = f"{stem}_{n}"
        used.add(candidate.lower())
        array = _as_array(value)
        target = folder / f"{candidate}.npy"
        try:
            np.save(target, array, allow_pickle=array.dtype == object)
        except OSError as exc:
            raise InputError(f"{target} cannot be written ({exc.strerror or exc}).",
                             "Choose a folder with free space you can write to.") from exc
        summary = summarise(name, array)
        summaries.append(OutputSummary(summary.name, summary.shape, summary.dtype, summary.minimum,
                                       summary.maximum, summary.mean, summary.first, str(target)))
    return tuple(summaries)


def describe_outputs(
    names: Sequence[str], outputs: Sequence[Any]
) -> tuple[tuple[str, tuple[int, ...], str], ...]:
    import numpy as np

    described = []
    for name, value in zip(names, outputs, strict=False):
        array = np.asarray(value)
        described.append((name, tuple(int(d) for d in array.shape), array.dtype.name))
    return tuple(described)
