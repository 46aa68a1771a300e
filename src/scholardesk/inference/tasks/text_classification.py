"""Text classification: a Hugging Face ``tokenizer.json`` → input ids and attention mask (and
token type ids when the model has them) → labels with probabilities."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from scholardesk.core.errors import InputError
from scholardesk.domain.models import TensorSpec

DEFAULT_MAX_LENGTH = 256
ID_NAMES = ("input_ids", "ids", "tokens")


def load_tokenizer(path: Path) -> Any:
    from tokenizers import Tokenizer

    if not path.is_file():
        raise InputError(
            f"The tokenizer file {path} does not exist.",
            "Give the model's tokenizer.json (models add --tokenizer FILE).",
        )
    try:
        return Tokenizer.from_file(str(path))
    except Exception as exc:
        raise InputError(
            f"{path.name} is not a Hugging Face tokenizer.json ({exc}).",
            "Save the tokenizer with tokenizer.save('tokenizer.json') or "
            "AutoTokenizer.save_pretrained().",
        ) from exc


def _ids_spec(inputs: Sequence[TensorSpec]) -> TensorSpec:
    for spec in inputs:
        if spec.name in ID_NAMES:
            return spec
    ints = [s for s in inputs if s.dtype.startswith("int")]
    if ints:
        return ints[0]
    raise InputError(
        "This model has no integer token-id input, so it is not a text classifier.",
        "Choose the generic task for this model.",
    )


def encode(
    texts: Sequence[str],
    tokenizer: Any,
    inputs: Sequence[TensorSpec],
    metadata: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    import numpy as np

    metadata = metadata or {}
    ids_spec = _ids_spec(inputs)
    fixed = ids_spec.shape[1] if ids_spec.rank >= 2 and isinstance(ids_spec.shape[1], int) else None
    max_length = fixed or int(metadata.get("scholardesk.max_length", DEFAULT_MAX_LENGTH))
    encodings = tokenizer.encode_batch(list(texts))
    longest = max((len(e.ids) for e in encodings), default=1)
    length = fixed or max(1, min(longest, max_length))
    pad_id = 0
    for token in ("[PAD]", "<pad>", "<PAD>"):
        found = tokenizer.token_to_id(token)
        if found is not None:
            pad_id = found
            break
    ids = np.full((len(encodings), length), pad_id, dtype=np.int64)
    mask = np.zeros((len(encodings), length), dtype=np.int64)
    for row, enc in enumerate(encodings):
        piece = enc.ids[:length]
        ids[row, : len(piece)] = piece
        mask[row, : len(piece)] = 1
    feeds: dict[str, Any] = {}
    for spec in inputs:
        dtype = np.dtype(spec.dtype) if spec.dtype.startswith("int") else np.int64
        if spec.name == ids_spec.name:
            feeds[spec.name] = ids.astype(dtype)
        elif "mask" in spec.name:
            feeds[spec.name] = mask.astype(dtype)
        elif "type" in spec.name or "segment" in spec.name:
            feeds[spec.name] = np.zeros_like(ids, dtype=dtype)
        elif "position" in spec.name:
            feeds[spec.name] = np.broadcast_to(np.arange(length), ids.shape).astype(dtype)
        else:
            raise InputError(
                f"Do not know what to feed to the model's input {spec.name!r}.",
                "Choose the generic task and give .npy inputs.",
            )
    return feeds


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError as exc:
        raise InputError(f"{path} does not exist.", "Give a UTF-8 text file.") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path.name} is not UTF-8 text.", "Save it as UTF-8.") from exc
