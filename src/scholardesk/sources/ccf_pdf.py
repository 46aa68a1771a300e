"""Reads the official CCF catalogue PDF (中国计算机学会推荐国际学术会议和期刊目录, 2022).

The PDF is a sequence of sections: a heading "中国计算机学会推荐国际学术期刊" (刊物 in some
places) or "...会议", a category line in brackets (full-width or half-width, sometimes none), then
one table per rank ("一、A 类" ...) with the columns 序号 / 简称 / 全称 / 出版社 / 网址. Tables
run over page breaks, names wrap over several lines, some rows have no abbreviation.

Rather than guessing columns from text positions, this parser reads the table grid the PDF
draws (thin filled rectangles): vertical rules give the five columns, their ends and the
full-width horizontal rules give the rows. Each text line is cut where there is a wide gap
(pdfminer sometimes joins two cells into one line) and put into the cell under its centre.

The catalogue marks changes against the 2019 edition: red text = new entries, yellow
highlight = upgraded, cyan highlight with a strike-through line = removed. Removed rows are
left out (and reported); new/upgraded rows carry that note.

pdfminer is imported inside the functions (it is slow to import and only needed here).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scholardesk.core.errors import InputError
from scholardesk.core.progress import Progress, no_progress
from scholardesk.domain.venue_names import split_remark
from scholardesk.domain.venues import (
    CATEGORIES,
    CCF_EDITION,
    CONFERENCE,
    JOURNAL,
    CcfEntry,
    normalise_category,
)
from scholardesk.sources.pdf_reader import PdfLimits, PdfReader

logger = logging.getLogger(__name__)

TITLE_MARK = "中国计算机学会推荐国际学术会议和期刊目录"
_RANK_RE = re.compile(r"[一二三四]、?\s*([ABC])\s*类")
_EDITION_RE = re.compile(r"[（(]\s*(\d{4})\s*年\s*[)）]")
_GAP_PT = 8.0  # a horizontal gap wider than this inside one pdfminer line separates cells
_TOL = 2.5  # points; positions closer than this are the same rule
# the 2022 catalogue: 73 pages, 1 MB, read in ~4 s; these leave room for a few times that
CCF_LIMITS = PdfLimits(max_pages=300, max_stream_bytes=64 << 20, max_total_bytes=512 << 20,
                       max_seconds=120.0)
MAX_FILE_BYTES = 64 << 20


@dataclass(frozen=True)
class _Seg:
    text: str
    x0: float
    x1: float
    y0: float
    y1: float
    red: bool

    @property
    def xc(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def yc(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass
class CcfParseResult:
    entries: list[CcfEntry] = field(default_factory=list)
    removed: list[CcfEntry] = field(default_factory=list)  # struck out in the PDF
    warnings: list[str] = field(default_factory=list)
    edition: str = CCF_EDITION
    pages: int = 0

    def counts(self) -> dict[tuple[str, str, str], int]:
        out: dict[tuple[str, str, str], int] = {}
        for e in self.entries:
            key = (e.kind, e.category, e.rank)
            out[key] = out.get(key, 0) + 1
        return out


def _is_red(color: Any) -> bool:
    if isinstance(color, (tuple, list)) and len(color) == 3:
        r, g, b = (float(c) for c in color)
        return r > 0.8 and g < 0.3 and b < 0.3
    return False


def _segments(line: Any) -> Iterator[_Seg]:
    """Cut one pdfminer text line into runs separated by wide gaps."""
    from pdfminer.layout import LTChar

    run: list[Any] = []
    prev_x1: float | None = None

    def flush() -> _Seg | None:
        chars = [c for c in run if isinstance(c, LTChar)]
        text = "".join(c.get_text() for c in run).strip()
        if not chars or not text:
            return None
        reds = sum(1 for c in chars if _is_red(getattr(c.graphicstate, "ncolor", None)))
        return _Seg(
            text,
            min(c.x0 for c in chars), max(c.x1 for c in chars),
            min(c.y0 for c in chars), max(c.y1 for c in chars),
            reds * 2 > len(chars),
        )

    for item in line:
        if isinstance(item, LTChar):
            if prev_x1 is not None and item.x0 - prev_x1 > _GAP_PT and run:
                seg = flush()
                if seg:
                    yield seg
                run = []
            prev_x1 = item.x1
        run.append(item)
    seg = flush()
    if seg:
        yield seg


def _text_lines(container: Any) -> Iterator[Any]:
    from pdfminer.layout import LTTextContainer, LTTextLine

    if isinstance(container, LTTextLine):
        yield container
    elif isinstance(container, LTTextContainer):
        for child in container:
            yield from _text_lines(child)


def _cluster(values: Iterable[float], tol: float = _TOL) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tol:
            continue
        out.append(v)
    return out


@dataclass
class _Page:
    segs: list[_Seg]
    vrules: list[tuple[float, float, float]]  # x, y0, y1
    hrules: list[tuple[float, float, float]]  # y, x0, x1
    yellow: list[tuple[float, float, float, float]]


def _read_page(layout: Any) -> _Page:
    from pdfminer.layout import LTCurve

    segs: list[_Seg] = []
    vrules: list[tuple[float, float, float]] = []
    hrules: list[tuple[float, float, float]] = []
    yellow: list[tuple[float, float, float, float]] = []
    for el in layout:
        if isinstance(el, LTCurve):  # LTRect and LTLine are LTCurves
            w, h = el.x1 - el.x0, el.y1 - el.y0
            if w <= 2.0 and h > 3.0:
                vrules.append(((el.x0 + el.x1) / 2, el.y0, el.y1))
            elif h <= 2.0 and w > 0.5:
                hrules.append(((el.y0 + el.y1) / 2, el.x0, el.x1))
            elif getattr(el, "fill", False):
                color = el.non_stroking_color
                if isinstance(color, (tuple, list)) and len(color) == 3:
                    r, g, b = (float(c) for c in color)
                    if r > 0.8 and g > 0.8 and b < 0.3:
                        yellow.append((el.x0, el.y0, el.x1, el.y1))
            continue
        for line in _text_lines(el):
            segs.extend(_segments(line))
    return _Page(segs, vrules, hrules, yellow)


@dataclass
class _Row:
    top: float
    bottom: float
    cells: list[list[_Seg]]


def _table_rows(page: _Page) -> tuple[list[_Row], list[_Seg]]:
    """Rows of the page's table (cells of segments) and the segments outside the table."""
    if not page.vrules:
        return [], list(page.segs)
    xs = _cluster(x for x, _, _ in page.vrules)
    if len(xs) != 6:
        raise _LayoutError(f"a table with {len(xs) - 1} columns instead of 5")
    left, right = xs[0], xs[-1]
    width = right - left
    bounds = [y for _, y0, y1 in page.vrules for y in (y0, y1)]
    # full-width horizontal rules (cell borders drawn per column add up to the table width)
    by_y: dict[float, float] = {}
    for y, x0, x1 in page.hrules:
        key = round(y)
        by_y[key] = by_y.get(key, 0.0) + (min(x1, right) - max(x0, left))
    bounds.extend(y for y, covered in by_y.items() if covered >= 0.8 * width)
    ys = _cluster(bounds)
    rows: list[_Row] = []
    for lo, hi in zip(ys, ys[1:], strict=False):
        mid = (lo + hi) / 2
        if hi - lo < 4:
            continue
        if not any(y0 - _TOL <= mid <= y1 + _TOL for _, y0, y1 in page.vrules):
            continue  # the gap between two tables
        rows.append(_Row(hi, lo, [[] for _ in range(5)]))
    outside: list[_Seg] = []
    for seg in page.segs:
        row = next((r for r in rows if r.bottom <= seg.yc <= r.top), None)
        if row is None or not (left <= seg.xc <= right):
            outside.append(seg)
            continue
        col = max(0, min(4, sum(1 for x in xs[1:-1] if seg.xc > x)))
        row.cells[col].append(seg)
    rows.sort(key=lambda r: -r.top)
    return rows, outside


class _LayoutError(Exception):
    pass


def _join(segs: list[_Seg], url: bool = False) -> str:
    parts = [s.text for s in sorted(segs, key=lambda s: (-round(s.yc), s.x0))]
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if not out:
            out = part
        elif url or out.endswith("-") or out.endswith("/"):
            out += part
        else:
            out += " " + part
    out = unicodedata.normalize("NFKC", out)
    return re.sub(r"\s+", " ", out).strip()


def _struck(seg: _Seg, hrules: list[tuple[float, float, float]]) -> bool:
    h = seg.y1 - seg.y0
    for y, x0, x1 in hrules:
        if seg.y0 + 0.25 * h < y < seg.y1 - 0.25 * h:
            overlap = min(x1, seg.x1) - max(x0, seg.x0)
            if overlap > 0.5 * (seg.x1 - seg.x0):
                return True
    return False


def _highlighted(seg: _Seg, rects: list[tuple[float, float, float, float]]) -> bool:
    return any(
        x0 - 1 <= seg.xc <= x1 + 1 and y0 - 1 <= seg.yc <= y1 + 1 for x0, y0, x1, y1 in rects
    )


def _heading_text(seg: _Seg) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", seg.text))


def parse_ccf_pdf(path: Path, progress: Progress | None = None) -> CcfParseResult:
    """Parse the catalogue. Raises InputError when the file is not a (readable) CCF catalogue
    or its layout is not the one this parser knows; then nothing should be imported."""
    from pdfminer.layout import LAParams

    progress = progress or no_progress()
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path} does not exist.", "Choose the CCF catalogue PDF file.")
    with path.open("rb") as fh:
        head = fh.read(1024)
    if b"%PDF" in head and path.stat().st_size > MAX_FILE_BYTES:
        raise InputError(
            f"{path.name} is larger than {MAX_FILE_BYTES >> 20} MB: not the CCF catalogue.",
            "Choose the official CCF catalogue PDF (about 1 MB).",
        )
    if b"%PDF" not in head:
        raise InputError(
            f"{path.name} is not a PDF file.",
            "Choose the official CCF catalogue PDF (or a catalogue CSV exported by ScholarDesk).",
        )
    # limits on pages, decompressed size and time (a flate bomb must not exhaust the machine);
    # pdfminer's internal errors become "This PDF is damaged: ..."
    reader = PdfReader(path.read_bytes(), path.name, CCF_LIMITS)
    total = reader.page_count

    result = CcfParseResult(pages=total)
    kind: str | None = None
    category: str | None = None
    rank: str | None = None
    want_category = False
    seen_title = False
    last_serial: dict[tuple[str, str, str], int] = {}
    try:
        laparams = LAParams()
        for index in range(total):
            progress.report(index, total, f"Reading page {index + 1} of {total}")
            layout = reader.layout(index, laparams)
            page = _read_page(layout)
            if not seen_title:
                seen_title = any(TITLE_MARK in _heading_text(seg) for seg in page.segs)
                if not seen_title:
                    if index >= 2:
                        break  # three pages without the catalogue's title: not the catalogue
                    continue
            try:
                rows, outside = _table_rows(page)
            except _LayoutError as exc:
                raise InputError(
                    f"{path.name}, page {index + 1}: {exc}.",
                    "The catalogue's layout is not the one ScholarDesk knows; nothing was "
                    "imported. Import a catalogue CSV instead.",
                ) from exc
            events: list[tuple[float, object]] = [(s.yc, s) for s in outside]
            events += [(r.top, r) for r in rows]
            for _y, item in sorted(events, key=lambda e: -e[0]):
                if isinstance(item, _Seg):
                    text = _heading_text(item)
                    if TITLE_MARK in text:
                        seen_title = True
                        continue
                    if m := _EDITION_RE.search(text):
                        result.edition = m.group(1)
                        continue
                    if "推荐国际学术" in text:
                        if "会议" in text:
                            kind = CONFERENCE
                        elif "期刊" in text or "刊物" in text:
                            kind = JOURNAL
                        category, rank, want_category = None, None, True
                        continue
                    if want_category and (code := normalise_category(text)):
                        category, want_category = code, False
                        continue
                    if m := _RANK_RE.search(text):
                        rank = m.group(1)
                        continue
                    continue
                assert isinstance(item, _Row)
                entry = _row_entry(item, page, kind, category, rank, result.edition)
                if entry is None:
                    continue
                if kind is None or category is None or rank is None:
                    raise InputError(
                        f"{path.name}, page {index + 1}: a table row ({entry.name!r}) comes "
                        "before its section heading.",
                        "This does not look like the CCF catalogue; nothing was imported.",
                    )
                key = (kind, category, rank)
                expected = last_serial.get(key, 0) + 1
                if entry.serial and entry.serial != expected:
                    result.warnings.append(
                        f"page {index + 1}: {kind} {category} {rank}: row {entry.serial} "
                        f"follows row {expected - 1}"
                    )
                if entry.serial:
                    last_serial[key] = entry.serial
                target = result.removed if entry.note == "removed" else result.entries
                target.append(entry)
    except (ValueError, KeyError, TypeError) as exc:  # our own reading of the page layout
        raise InputError(f"This PDF is damaged: {path.name} ({exc}).") from exc
    progress.report(total, total, "Checking the catalogue")
    _validate(path, result, seen_title)
    return result


def _row_entry(
    row: _Row, page: _Page, kind: str | None, category: str | None, rank: str | None,
    edition: str,
) -> CcfEntry | None:
    serial_text = _join(row.cells[0])
    abbr = _join(row.cells[1])
    name = _join(row.cells[2])
    publisher = _join(row.cells[3])
    url = _join(row.cells[4], url=True).replace(" ", "")
    header = serial_text.startswith("序号") or "全称" in name or "名称" in name or "简称" in abbr
    if header or not (name or abbr):
        return None
    serial = int(serial_text) if serial_text.isdigit() else 0
    text_segs = row.cells[1] + row.cells[2]
    note = ""
    if text_segs and all(_struck(s, page.hrules) for s in row.cells[2] or row.cells[1]):
        note = "removed"
    elif any(_highlighted(s, page.yellow) for s in text_segs):
        note = "upgraded"
    elif any(s.red for s in text_segs):
        note = "new"
    if not name:  # a row with only an abbreviation: use it as the name too
        name = abbr
    name, remark = split_remark(name)
    if remark and note != "removed":
        note = f"{note}; {remark}" if note else remark
    return CcfEntry(
        kind=kind or "", category=category or "", rank=rank or "", abbr=abbr, name=name,
        publisher=publisher, dblp_url=url, serial=serial, note=note, edition=edition,
    )


def _validate(path: Path, result: CcfParseResult, seen_title: bool) -> None:
    hint = "Choose the official CCF catalogue PDF; nothing was imported."
    if not seen_title:
        raise InputError(
            f"{path.name} is not the CCF catalogue (its title "
            f"“{TITLE_MARK}” was not found).",
            hint,
        )
    if not result.entries:
        raise InputError(f"{path.name}: no catalogue tables were found.", hint)
    counts = result.counts()
    missing = [
        f"{kind} {cat.code} {rank}"
        for kind in (JOURNAL, CONFERENCE)
        for cat in CATEGORIES
        for rank in ("A", "B", "C")
        if (kind, cat.code, rank) not in counts
    ]
    if missing:
        raise InputError(
            f"{path.name}: the catalogue's layout changed or the file is incomplete; "
            f"{len(missing)} of 60 tables were not found ({', '.join(missing[:5])}…).",
            "Nothing was imported. Import a catalogue CSV instead.",
        )
    if result.warnings:
        logger.warning("CCF catalogue %s: %s", path.name, "; ".join(result.warnings))
