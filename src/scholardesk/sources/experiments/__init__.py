"""Readers for experiment results: TensorBoard event files, MLflow file stores, CSV/JSON
tables (long and wide), training logs through a line template, and tables pasted from papers.

Each reader returns ``ParsedSource`` records (runs + per-record errors + a content hash), so
the service can import the valid part, report the rest and skip unchanged sources."""

from __future__ import annotations

import hashlib
from pathlib import Path


def file_hash(*paths: Path) -> str:
    """sha256 over the files' relative names and bytes (in the given order)."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode("utf-8"))
        digest.update(b"\0")
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        digest.update(b"\0")
    return digest.hexdigest()
