"""What the streaming paper readers share: opening a plain, ``.gz`` or ``.zip`` file as one
byte stream that knows how far it has got, and the capped list of bad records.

A reader built on these yields its records one at a time while it reads, so an import of a
file of any size holds one batch of records, never the whole file. Its ``ReadStats`` is
updated as it goes (bytes read, records, bad records), so the importer can show progress in
records and bytes and estimate what the rest of the file will cost.
"""

from __future__ import annotations

import gzip
import io
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from scholardesk.core.errors import InputError
from scholardesk.domain.importing import RecordError

MAX_LISTED_ERRORS = 100  # bad records listed one by one; the others are counted
GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"


class CappedErrors:
    """Bad records: the first ``cap`` listed with where they are, all of them counted."""

    def __init__(self, source: str, cap: int = MAX_LISTED_ERRORS) -> None:
        self.source = source
        self.cap = cap
        self.listed: list[RecordError] = []
        self.count = 0

    def add(self, record: str, message: str) -> None:
        self.count += 1
        if len(self.listed) < self.cap:
            self.listed.append(RecordError(self.source, record, message))

    def report(self) -> list[RecordError]:
        """The listed errors, and one line saying how many more there were."""
        if self.count <= len(self.listed):
            return list(self.listed)
        more = self.count - len(self.listed)
        return [*self.listed, RecordError(
            self.source, "file",
            f"{more:,} more bad records are not listed ({self.count:,} in all); the rest of "
            "the file was imported",
        )]


@dataclass
class ReadStats:
    """How far a streaming reader has got; updated while it yields."""

    source: str
    total_bytes: int = 0  # what ``bytes_read`` counts up to (compressed size for .gz)
    bytes_read: int = 0
    records: int = 0  # records yielded
    filtered: int = 0  # records left out by a filter (e.g. --categories)
    skipped: int = 0  # entries that are not papers (BibTeX @set/@xdata containers)
    filters_categories: bool = False  # the reader applies --categories itself
    errors: CappedErrors = field(init=False)
    notices: list[RecordError] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.errors = CappedErrors(self.source)


@dataclass
class OpenedInput:
    stream: BinaryIO  # the (decompressed) content
    name: str  # the file name, or the member's name inside a .zip
    total_bytes: int
    position: Callable[[], int]  # bytes of ``total_bytes`` consumed so far
    compressed: bool


def sniff(path: Path, size: int = 4096) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(size)
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror or exc}.") from exc


def inner_suffix(path: Path) -> str:
    """The suffix of what is inside: ``x.json.gz`` → ``.json``, a ``.zip`` → its file's."""
    head = sniff(path, 4)
    if head.startswith(GZIP_MAGIC) or path.suffix.lower() == ".gz":
        return Path(path.stem).suffix.lower()
    if head.startswith(ZIP_MAGIC):
        try:
            with open_input(path) as opened:
                return Path(opened.name).suffix.lower()
        except InputError:
            return ".zip"
    return path.suffix.lower()


@contextmanager
def open_input(path: Path) -> Iterator[OpenedInput]:
    """``path`` as a byte stream: plain, gzip (``.gz``) or the first file of a ``.zip``
    (recognised by their first bytes, whatever the name says)."""
    head = sniff(path, 4)
    try:
        raw = path.open("rb")
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    try:
        size = path.stat().st_size
        if head.startswith(GZIP_MAGIC):
            stream = gzip.GzipFile(fileobj=raw, mode="rb")
            inner = path.name[:-3] if path.name.lower().endswith(".gz") else path.name
            yield OpenedInput(stream, inner, size, raw.tell, True)  # type: ignore[arg-type]
            return
        if head.startswith(ZIP_MAGIC):
            try:
                archive = zipfile.ZipFile(raw)
            except zipfile.BadZipFile as exc:
                raise InputError(f"{path} is not a readable .zip file: {exc}.") from exc
            members = [i for i in archive.infolist() if not i.is_dir()]
            if not members:
                raise InputError(f"The .zip file {path} holds no file to import.")
            info = next((i for i in members if i.filename.lower().endswith(
                (".json", ".jsonl", ".bib", ".xml"))), members[0])
            with archive.open(info) as member:
                counted = _CountingReader(member)
                yield OpenedInput(counted, Path(info.filename).name,  # type: ignore[arg-type]
                                  info.file_size, counted.tell, True)
            return
        counted_raw = _CountingReader(raw)
        yield OpenedInput(counted_raw, path.name, size, counted_raw.tell,  # type: ignore[arg-type]
                          False)
    except (OSError, EOFError, zipfile.BadZipFile, gzip.BadGzipFile) as exc:
        raise InputError(f"Cannot read {path}: {getattr(exc, 'strerror', None) or exc}.") from exc
    finally:
        raw.close()


class _CountingReader(io.RawIOBase):
    """A read-only stream that counts the bytes handed out (``tell`` of a zip member or of a
    buffered file read ahead is not where the reader is)."""

    def __init__(self, inner: BinaryIO) -> None:
        super().__init__()
        self._inner = inner
        self._count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._inner.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self._count += n
        return n

    def read(self, size: int = -1) -> bytes:
        data = self._inner.read(size)
        self._count += len(data)
        return data

    def readline(self, size: int | None = -1) -> bytes:
        data = self._inner.readline(-1 if size is None else size)
        self._count += len(data)
        return data

    def peek(self, size: int = 0) -> bytes:
        peek = getattr(self._inner, "peek", None)
        return peek(size) if peek is not None else b""

    def tell(self) -> int:
        return self._count
