"""The one folder walker of every folder import (MLflow, TensorBoard, ccf-deadlines, ...).

An imported folder is read as what it is: the files inside it. A symbolic link (to a file or
to a folder) that resolves to a place OUTSIDE the folder is refused, never followed: an MLflow
``params/`` file linked to ``~/.ssh/id_rsa`` must not land in the library, and a
``metrics/passwd`` link must not echo ``/etc/passwd`` into an error message. Links that stay
inside the folder are read normally (each folder once, so a link loop ends).

The refusal names the link and where it points, never what the target contains. Readers that
report bad lines must not quote the line either (``describe_line`` says what was wrong with
it without its text).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from scholardesk.core.errors import InputError


class LinkOutsideFolder(InputError):
    """A link inside an imported folder points outside it."""

    def __init__(self, link: Path, root: Path) -> None:
        super().__init__(
            f"{link} is a link to a place outside the imported folder {root}; it was not read.",
            "Copy the file into the folder instead of linking to it, or import its own folder.",
        )
        self.link = link
        self.root = root


@dataclass
class Walk:
    """The regular files under a folder (sorted) and the links that were refused."""

    root: Path
    files: list[Path] = field(default_factory=list)
    refused: list[LinkOutsideFolder] = field(default_factory=list)


def is_inside(root: Path, path: Path) -> bool:
    """Whether ``path`` (links resolved) is ``root`` or below it (``root`` resolved too)."""
    try:
        Path(path).resolve().relative_to(Path(root).resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def check_inside(root: Path, path: Path) -> Path:
    """``path`` itself when it stays inside ``root``; raises ``LinkOutsideFolder`` otherwise."""
    if not is_inside(root, path):
        raise LinkOutsideFolder(Path(path), Path(root))
    return Path(path)


def walk(root: Path, keep: Callable[[Path], bool] | None = None) -> Walk:
    """Every regular file below ``root`` for which ``keep(path)`` is true, in sorted order.

    Paths keep their names below ``root`` (a link inside the folder is listed under the link's
    name). Links out of the folder land in ``refused``: every folder link, and the file links
    that ``keep`` would have read (a stray link the import does not want is simply left)."""
    root = Path(root)
    real_root = root.resolve()
    result = Walk(root)
    seen: set[Path] = {real_root}
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            path = Path(entry.path)
            if entry.is_symlink():
                target = _resolved(path)
                if target is None or not _below(target, real_root):
                    if target is None or target.is_dir() or keep is None or keep(path):
                        result.refused.append(LinkOutsideFolder(path, root))
                    continue
                if target.is_dir():
                    if target not in seen:
                        seen.add(target)
                        stack.append(path)
                elif target.is_file() and (keep is None or keep(path)):
                    result.files.append(path)
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    real = Path(entry.path).resolve()
                    if real not in seen:
                        seen.add(real)
                        stack.append(path)
                elif entry.is_file(follow_symlinks=False) and (keep is None or keep(path)):
                    result.files.append(path)
            except OSError:
                continue
    result.files.sort()
    return result


def read_text(root: Path, path: Path, encoding: str = "utf-8", errors: str = "strict") -> str:
    """The text of ``path``, refused (``LinkOutsideFolder``) when it resolves outside ``root``."""
    return check_inside(root, path).read_text(encoding=encoding, errors=errors)


def describe_line(line: str) -> str:
    """What a refused line looked like, without its contents (which may be a secret)."""
    fields = len(line.split())
    return f"{len(line)} characters in {fields} field{'s' if fields != 1 else ''}"


def _resolved(path: Path) -> Path | None:
    try:
        return path.resolve(strict=True)
    except (OSError, RuntimeError):
        return None  # a dangling link or a loop: nothing to read


def _below(path: Path, root: Path) -> bool:
    return path == root or root in path.parents
