"""Any model: inputs from ``.npy`` / ``.npz`` files, or random inputs matching the signature."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from scholardesk.core.errors import InputError
from scholardesk.domain.models import TensorSpec


def load_inputs(paths: Sequence[Path], inputs: Sequence[TensorSpec]) -> dict[str, Any]:
    """Feeds from files: one ``.npz`` holding arrays named like the inputs, or ``.npy`` files
    given in input order (a file named ``<input>.npy`` goes to that input)."""
    import numpy as np

    names = [s.name for s in inputs]
    feeds: dict[str, Any] = {}
    positional: list[Path] = []
    for path in paths:
        if not path.is_file():
            raise InputError(f"{path} does not exist.", "Give .npy or .npz files.")
        try:
            if path.suffix.lower() == ".npz":
                with np.load(path, allow_pickle=False) as archive:
                    for key in archive.files:
                        if key not in names:
                            raise InputError(
                                f"{path.name} holds an array {key!r}, but the model's inputs are "
                                f"{', '.join(names)}."
                            )
                        feeds[key] = archive[key]
                continue
            array = np.load(path, allow_pickle=False)
        except (ValueError, OSError) as exc:
            raise InputError(
                f"{path.name} is not a NumPy .npy/.npz file ({exc}).",
                "Save arrays with numpy.save / numpy.savez.",
            ) from exc
        if path.stem in names:
            feeds[path.stem] = array
        else:
            positional.append(path)
            feeds.setdefault("\0" + str(len(positional) - 1), array)
    free = [n for n in names if n not in feeds]
    result = {k: v for k, v in feeds.items() if not k.startswith("\0")}
    for i, _path in enumerate(positional):
        if i >= len(free):
            raise InputError(
                f"{len(paths)} input files were given but the model has {len(names)} inputs "
                f"({', '.join(names)})."
            )
        result[free[i]] = feeds["\0" + str(i)]
    return result


def describe_outputs(
    names: Sequence[str], outputs: Sequence[Any]
) -> tuple[tuple[str, tuple[int, ...], str], ...]:
    import numpy as np

    described = []
    for name, value in zip(names, outputs, strict=False):
        array = np.asarray(value)
        described.append((name, tuple(int(d) for d in array.shape), array.dtype.name))
    return tuple(described)
