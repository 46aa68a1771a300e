"""Reading untrusted PDFs with pdfminer.six inside limits: pages, decompressed bytes, time.

pdfminer decodes every stream whole (``zlib.decompress``) and has no limit of its own, so a
1 MB "flate bomb" grew to 1.4 GB and ran for over a minute. Every PDF this application reads
(article PDFs in ``reviews import``, the CCF catalogue in ``venues import-ccf``) goes through
:class:`PdfReader`, which gives each file a :class:`PdfLimits` budget:

- ``max_pages`` pages are turned into text or layout, no more;
- one stream may decode to at most ``max_stream_bytes``; all streams of the file together to
  ``max_total_bytes`` (pdfminer keeps decoded streams, so this also bounds the memory);
- ``max_seconds`` of wall-clock time, checked while streams are inflated, while content is
  read (every 4 KB buffer) and between characters and pages.

The stream limits work by handing pdfminer's stream decoder a bounded ``zlib`` (and LZW
decoder) and by counting what every ``PDFStream.decode`` produced; the hooks do nothing unless
a budget is active in the calling thread's context, so other pdfminer use is unchanged. A file
over a limit raises :class:`PdfTooLarge` (an ``InputError`` naming the limit). Any other error
pdfminer raises on a broken file ("'int' object is not iterable", a missing key, a bad xref) is
reported as "This PDF is damaged: <file>" instead of the internal message.
"""

from __future__ import annotations

import contextvars
import io
import logging
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from scholardesk.core.errors import InputError, ScholarDeskError

logger = logging.getLogger(__name__)

MiB = 1 << 20
_INFLATE_CHUNK = 1 * MiB  # output produced per step while inflating (checked between steps)
MAX_LISTED_PAGES = 10_000  # page objects listed at most (only max_pages are read)


@dataclass(frozen=True)
class PdfLimits:
    max_pages: int = 16
    max_stream_bytes: int = 32 * MiB
    max_total_bytes: int = 128 * MiB
    max_seconds: float = 30.0


class PdfTooLarge(InputError):
    """The PDF needs more than its limits allow (a decompression bomb, or just too big)."""


class PdfDamaged(InputError):
    """pdfminer could not read the file's structure."""


class _Budget:
    def __init__(self, limits: PdfLimits, source: str) -> None:
        self.limits = limits
        self.source = source
        self.deadline = time.monotonic() + limits.max_seconds
        self.total = 0

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise PdfTooLarge(
                f"{self.source}: reading this PDF took longer than "
                f"{self.limits.max_seconds:g} s, so it was stopped.",
                "The file may be damaged or built to exhaust the reader; import the article's "
                "page or Crossref record instead.",
            )

    def too_large(self, what: str, limit: int) -> PdfTooLarge:
        return PdfTooLarge(
            f"{self.source}: {what} decompresses to more than {limit // MiB} MB, so it was not "
            "read (a decompression bomb, or a file far larger than an article).",
            "Import the article's page or Crossref record instead.",
        )

    def stream_output(self, size: int) -> None:
        """Called while one stream is being inflated, with its output so far."""
        if size > self.limits.max_stream_bytes:
            raise self.too_large("one of its streams", self.limits.max_stream_bytes)
        if self.total + size > self.limits.max_total_bytes:
            raise self.too_large("its content", self.limits.max_total_bytes)
        self.check_time()

    def charge(self, size: int) -> None:
        """A stream finished decoding to ``size`` bytes."""
        if size > self.limits.max_stream_bytes:
            raise self.too_large("one of its streams", self.limits.max_stream_bytes)
        self.total += size
        if self.total > self.limits.max_total_bytes:
            raise self.too_large("its content", self.limits.max_total_bytes)
        self.check_time()


_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar(
    "scholardesk_pdf_budget", default=None
)


def _inflate(data: bytes, budget: _Budget) -> bytes:
    """zlib.decompress within the budget; like pdfminer, a stream whose checksum (or end) is
    damaged keeps what could be inflated, and one that is not zlib at all becomes empty."""
    inflater = zlib.decompressobj()
    parts: list[bytes] = []
    size = 0
    pending = data
    try:
        while True:
            piece = inflater.decompress(pending, _INFLATE_CHUNK)
            parts.append(piece)
            size += len(piece)
            budget.stream_output(size)
            pending = inflater.unconsumed_tail
            if inflater.eof or (not pending and len(piece) < _INFLATE_CHUNK):
                break
    except zlib.error:
        logger.debug("Damaged flate stream in %s (%d bytes kept)", budget.source, size)
    return b"".join(parts)


class _BoundedZlib:
    """Stands in for the ``zlib`` module inside ``pdfminer.pdftypes``."""

    error = zlib.error
    MAX_WBITS = zlib.MAX_WBITS

    @staticmethod
    def decompress(data: bytes, *args: Any, **kwargs: Any) -> bytes:
        budget = _BUDGET.get()
        if budget is None or args or kwargs:
            return zlib.decompress(data, *args, **kwargs)
        return _inflate(data, budget)

    @staticmethod
    def decompressobj(*args: Any, **kwargs: Any) -> Any:
        return zlib.decompressobj(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)


def _bounded_lzwdecode(original: Callable[[bytes], bytes]) -> Callable[[bytes], bytes]:
    def lzwdecode(data: bytes) -> bytes:
        budget = _BUDGET.get()
        if budget is None:
            return bytes(original(data))
        from pdfminer.lzw import LZWDecoder

        parts: list[bytes] = []
        size = 0
        try:
            for piece in LZWDecoder(io.BytesIO(data)).run():
                parts.append(piece)
                size += len(piece)
                if len(parts) % 256 == 0:
                    budget.stream_output(size)
        finally:
            budget.stream_output(size)
        return b"".join(parts)

    return lzwdecode


def _counting_decode(original: Any) -> Any:
    def decode(self: Any) -> None:
        original(self)
        budget = _BUDGET.get()
        if budget is not None:
            budget.charge(len(self.data or b""))

    return decode


def _timed_fillbuf(original: Any) -> Any:
    def fillbuf(self: Any) -> Any:
        budget = _BUDGET.get()
        if budget is not None:
            budget.check_time()
        return original(self)

    return fillbuf


_installed = False


def _install_hooks() -> None:
    """Patch pdfminer once (idempotent); the hooks act only while a budget is active."""
    global _installed
    if _installed:
        return
    from pdfminer import pdfinterp, pdftypes, psparser

    pdftypes.zlib = _BoundedZlib()  # type: ignore[assignment]
    pdftypes.lzwdecode = _bounded_lzwdecode(pdftypes.lzwdecode)
    pdftypes.PDFStream.decode = _counting_decode(pdftypes.PDFStream.decode)  # type: ignore[method-assign]
    psparser.PSBaseParser.fillbuf = _timed_fillbuf(psparser.PSBaseParser.fillbuf)  # type: ignore[method-assign]
    pdfinterp.PDFContentParser.fillbuf = _timed_fillbuf(pdfinterp.PDFContentParser.fillbuf)  # type: ignore[method-assign]
    _installed = True


def _info_string(value: object) -> str:
    if isinstance(value, bytes):
        if value.startswith(b"\xfe\xff"):
            return value[2:].decode("utf-16-be", errors="replace")
        return value.decode("latin-1", errors="replace")
    return str(value) if value is not None else ""


class PdfReader:
    """One PDF, opened within ``limits`` (see the module text). ``source`` names the file in
    messages."""

    def __init__(self, data: bytes, source: str, limits: PdfLimits | None = None) -> None:
        _install_hooks()
        logging.getLogger("pdfminer").setLevel(logging.ERROR)  # odd operators: not our news
        self.source = source
        self.limits = limits or PdfLimits()
        self._budget = _Budget(self.limits, source)
        self._read = 0
        self._resources: Any = None
        self.info: dict[str, str] = {}
        with self._guard():
            from pdfminer.pdfdocument import PDFDocument
            from pdfminer.pdfpage import PDFPage
            from pdfminer.pdfparser import PDFParser

            self._document = PDFDocument(PDFParser(io.BytesIO(data)))
            self.pages: list[Any] = []
            for page in PDFPage.create_pages(self._document):
                self.pages.append(page)
                if len(self.pages) >= MAX_LISTED_PAGES:
                    break
                if len(self.pages) % 100 == 0:
                    self._budget.check_time()
        self._read_info()

    @property
    def page_count(self) -> int:
        return len(self.pages)

    def _read_info(self) -> None:
        from pdfminer.pdftypes import resolve1

        with self._guard():
            for entry in self._document.info or []:
                if not isinstance(entry, dict):
                    continue
                for key, value in entry.items():
                    try:
                        self.info[str(key)] = _info_string(resolve1(value))
                    except PdfTooLarge:
                        raise
                    except Exception:  # a damaged info entry: the dates do not need it
                        logger.debug("Unreadable PDF info entry %s in %s", key, self.source)

    @contextmanager
    def _guard(self) -> Iterator[None]:
        token = _BUDGET.set(self._budget)
        try:
            yield
        except ScholarDeskError:
            raise
        except MemoryError as exc:
            raise PdfTooLarge(
                f"{self.source}: this PDF needs more memory than is available.",
                "Import the article's page or Crossref record instead.",
            ) from exc
        except RecursionError as exc:
            raise PdfDamaged(f"This PDF is damaged: {self.source} (its objects nest without "
                             "end).") from exc
        except Exception as exc:  # pdfminer's internal errors on broken files
            logger.debug("pdfminer failed on %s: %r", self.source, exc)
            raise PdfDamaged(
                f"This PDF is damaged: {self.source}.",
                "Download it again, or import the article's page or Crossref record instead.",
            ) from exc
        finally:
            _BUDGET.reset(token)

    def _next_page(self, index: int) -> Any:
        if self._read >= self.limits.max_pages:
            raise PdfTooLarge(
                f"{self.source}: only {self.limits.max_pages} pages of a PDF are read.",
            )
        self._budget.check_time()
        self._read += 1
        return self.pages[index]

    def _manager(self) -> Any:
        if self._resources is None:
            from pdfminer.pdfinterp import PDFResourceManager

            self._resources = PDFResourceManager()  # fonts are parsed once per file
        return self._resources

    def text(self, index: int) -> str:
        """The text of page ``index`` (pdfminer's TextConverter with default layout)."""
        from pdfminer.converter import TextConverter
        from pdfminer.layout import LAParams
        from pdfminer.pdfinterp import PDFPageInterpreter

        with self._guard():
            page = self._next_page(index)
            out = io.StringIO()
            device = _timed_device(TextConverter, self._budget)(
                self._manager(), out, laparams=LAParams()
            )
            try:
                PDFPageInterpreter(self._manager(), device).process_page(page)
            finally:
                device.close()
            return out.getvalue()

    def layout(self, index: int, laparams: Any = None) -> Any:
        """The layout (``LTPage``) of page ``index``."""
        from pdfminer.converter import PDFPageAggregator
        from pdfminer.layout import LAParams
        from pdfminer.pdfinterp import PDFPageInterpreter

        with self._guard():
            page = self._next_page(index)
            device = _timed_device(PDFPageAggregator, self._budget)(
                self._manager(), laparams=laparams or LAParams()
            )
            PDFPageInterpreter(self._manager(), device).process_page(page)
            return device.get_result()


def _timed_device(base: Any, budget: _Budget) -> Any:
    """A pdfminer device class that checks the time every 512 characters it is given."""

    class Timed(base):  # type: ignore[misc,valid-type]
        _chars = 0

        def render_char(self, *args: Any, **kwargs: Any) -> Any:
            self._chars += 1
            if self._chars % 512 == 0:
                budget.check_time()
            return super().render_char(*args, **kwargs)

    return Timed
