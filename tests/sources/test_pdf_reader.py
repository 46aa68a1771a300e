"""Untrusted PDFs are read within limits: decompressed size, pages and time; a damaged PDF is
reported as damaged, not with pdfminer's internal message.

The flate bomb of the review (1 MB of zlib that inflates to 1.4 GB of zeros) is generated here,
in 1 MB chunks, once per module; both readers of PDFs (``reviews import`` and
``venues import-ccf``) must refuse it quickly and without holding the inflated data.
"""

from __future__ import annotations

import time
import tracemalloc
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from scholardesk.core.errors import InputError
from scholardesk.sources.ccf_pdf import parse_ccf_pdf
from scholardesk.sources.pdf_reader import PdfLimits, PdfReader, PdfTooLarge
from scholardesk.sources.reviews.pdf import parse_pdf

MiB = 1 << 20
TEXT = b"BT /F1 12 Tf 72 700 Td (Received 1 May 2020; Accepted 2 June 2020) Tj ET"


def make_pdf(contents: list[bytes], flate: bool = True, mediabox: bytes = b"[0 0 612 792]") -> bytes:
    """A minimal valid PDF: one page per content stream (already compressed when ``flate``)."""
    n = len(contents)
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(n)), n),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, stream in enumerate(contents):
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox %s /Contents %d 0 R "
                    b"/Resources << /Font << /F1 3 0 R >> >> >>" % (mediabox, 5 + 2 * i))
        filt = b" /Filter /FlateDecode" if flate else b""
        objs.append(b"<< /Length %d%s >>\nstream\n%s\nendstream" % (len(stream), filt, stream))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, obj)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def zeros_bomb(total: int) -> bytes:
    """zlib of ``total`` zero bytes, compressed in 1 MB chunks (never held whole)."""
    packer = zlib.compressobj(9)
    chunk = bytes(MiB)
    return b"".join([packer.compress(chunk) for _ in range(total // MiB)] + [packer.flush()])


@pytest.fixture(scope="module")
def bomb_pdf() -> bytes:
    data = make_pdf([zeros_bomb(1400 * MiB)])
    assert len(data) < 2 * MiB  # ~1.4 MB on disk
    return data


def _bounded(call: Callable[[], object], seconds: float, megabytes: int) -> BaseException:
    tracemalloc.start()
    start = time.perf_counter()
    try:
        call()
    except BaseException as exc:  # noqa: BLE001 - returned for the caller's assertions
        caught: BaseException = exc
    else:
        pytest.fail("the bomb was read without an error")
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    elapsed = time.perf_counter() - start
    assert elapsed < seconds, f"took {elapsed:.1f} s"
    assert peak < megabytes * MiB, f"peak {peak / MiB:.0f} MB"
    return caught


@pytest.mark.timeout(120)
def test_reviews_import_refuses_the_flate_bomb_quickly_and_in_little_memory(bomb_pdf: bytes) -> None:
    exc = _bounded(lambda: parse_pdf(bomb_pdf, "bomb.pdf"), seconds=10, megabytes=150)
    assert isinstance(exc, PdfTooLarge)
    assert "bomb.pdf" in exc.message and "decompresses to more than 32 MB" in exc.message


@pytest.mark.timeout(120)
def test_ccf_import_refuses_the_flate_bomb_quickly_and_in_little_memory(
    bomb_pdf: bytes, tmp_path: Path
) -> None:
    path = tmp_path / "ccf.pdf"
    path.write_bytes(bomb_pdf)
    exc = _bounded(lambda: parse_ccf_pdf(path), seconds=10, megabytes=200)
    assert isinstance(exc, InputError)
    assert "ccf.pdf" in exc.message and "decompresses to more than" in exc.message


def test_a_smaller_bomb_against_a_lower_stream_limit() -> None:
    data = make_pdf([zeros_bomb(8 * MiB)])
    with pytest.raises(PdfTooLarge, match="one of its streams decompresses to more than 1 MB"):
        PdfReader(data, "small-bomb.pdf", PdfLimits(max_stream_bytes=1 * MiB)).text(0)


def test_many_streams_together_against_the_total_limit() -> None:
    page = zlib.compress(TEXT + b" " * (600 * 1024))  # 600 KB per page: each stream allowed
    reader = PdfReader(make_pdf([page] * 4), "many.pdf",
                       PdfLimits(max_stream_bytes=1 * MiB, max_total_bytes=2 * MiB))
    assert "Received 1 May 2020" in reader.text(0)
    with pytest.raises(PdfTooLarge, match="its content decompresses to more than 2 MB"):
        for index in range(reader.page_count):
            reader.text(index)


def test_the_time_budget_stops_a_slow_page() -> None:
    # 8 MB of zeros as page content: within the size limits, but slow for pdfminer to parse
    data = make_pdf([zlib.compress(bytes(8 * MiB))])
    reader = PdfReader(data, "slow.pdf", PdfLimits(max_seconds=0.5))
    start = time.perf_counter()
    with pytest.raises(PdfTooLarge, match="took longer than 0.5 s"):
        reader.text(0)
    assert time.perf_counter() - start < 3


def test_only_max_pages_pages_are_read() -> None:
    reader = PdfReader(make_pdf([zlib.compress(TEXT)] * 5), "five.pdf", PdfLimits(max_pages=2))
    assert reader.page_count == 5
    reader.text(0)
    reader.text(4)
    with pytest.raises(PdfTooLarge, match="only 2 pages"):
        reader.text(1)


def test_pdfminer_internal_errors_read_as_a_damaged_pdf(tmp_path: Path) -> None:
    # a MediaBox that is a number: pdfminer fails with "'int' object is not iterable"
    data = make_pdf([zlib.compress(TEXT)], mediabox=b"5")
    with pytest.raises(InputError) as caught:
        parse_pdf(data, "broken.pdf")
    assert caught.value.message == "This PDF is damaged: broken.pdf."
    assert "not iterable" not in str(caught.value)
    path = tmp_path / "broken-ccf.pdf"
    path.write_bytes(data)
    with pytest.raises(InputError, match="This PDF is damaged: broken-ccf.pdf"):
        parse_ccf_pdf(path)


def test_a_good_pdf_reads_as_before_and_pdfminer_is_unlimited_outside_a_reader() -> None:
    assert parse_pdf(make_pdf([zlib.compress(TEXT)]), "ok.pdf").received is not None
    from pdfminer.pdftypes import LITERALS_FLATE_DECODE, PDFStream

    big = PDFStream({"Filter": LITERALS_FLATE_DECODE[0]}, zlib.compress(bytes(40 * MiB)))
    assert len(big.get_data()) == 40 * MiB  # the limits belong to PdfReader, not to pdfminer
