"""The arXiv metadata snapshot (``arxiv-metadata-oai-snapshot.json``, Kaggle / Cornell): JSON
lines, one paper per line, plain or ``.gz`` / ``.zip``, 2.7 million lines in 4.6 GB.

Each line is an object with ``id, submitter, authors, title, comments, journal-ref, doi,
report-no, categories, license, abstract, versions, update_date, authors_parsed``, e.g.::

    {"id": "0704.0002", "submitter": "Louis Theran", "authors": "Ileana Streinu and Louis
     Theran", "title": "Sparsity-certifying Graph Decompositions", "comments": "To appear in
     Graphs and Combinatorics", "journal-ref": null, "doi": null, "report-no": null,
     "categories": "math.CO cs.CG", "license": "http://arxiv.org/licenses/nonexclusive-distrib/1.0/",
     "abstract": "  We describe a new algorithm, ...\\n", "versions": [{"version": "v1", "created":
     "Sat, 31 Mar 2007 02:26:18 GMT"}, {"version": "v2", ...}], "update_date": "2008-12-13",
     "authors_parsed": [["Streinu", "Ileana", ""], ["Theran", "Louis", ""]]}

``SnapshotReader`` yields ``(line number, PaperRecord)`` while it reads: memory stays at one
line whatever the file's size. A line that is not JSON (a truncated last line, a damaged
one), or not a paper, is a bad record named by its line number; the others are read. A
category filter (``cs.*``, ``cs.CL,stat.ML``: shell patterns, any of the paper's categories)
is applied to the raw line before it is parsed, so importing one archive out of the whole
snapshot costs little more than reading the file.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from scholardesk.domain.paper_ids import normalise_doi, parse_arxiv_id
from scholardesk.domain.papers import PaperRecord
from scholardesk.domain.text_clean import clean_text, latex_to_unicode
from scholardesk.sources.import_stream import ReadStats, open_input, sniff

MAX_LINE = 64 * 1024 * 1024  # a longer "line" is damage (no newline), not a paper
PROGRESS_EVERY = 20_000  # lines between progress ticks when a filter drops most of them
SNAPSHOT_KEYS = frozenset({"authors_parsed", "versions", "submitter", "update_date"})

_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_RFC_DATE = re.compile(r"(\d{1,2})\s+([A-Za-z]{3})\w*\s+(\d{4})")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_RAW_CATEGORIES = re.compile(rb'"categories"\s*:\s*"([^"\\]*)"')
_NEW_STYLE_ID = re.compile(r"(\d{2})(\d{2})\.\d{4,5}")


def looks_like_snapshot(path: Path) -> bool:
    """JSON lines whose first line is one arXiv metadata object (also inside .gz / .zip)."""
    head = sniff(path, 4)
    if not (head.startswith((b"\x1f\x8b", b"PK\x03\x04")) or head.lstrip().startswith(b"{")):
        return False
    try:
        with open_input(path) as opened:
            first = opened.stream.readline(1024 * 1024)
    except Exception:  # noqa: BLE001 - an unreadable file is not a snapshot; its reader says why
        return False
    try:
        obj = json.loads(first)
    except ValueError:
        return False
    return isinstance(obj, dict) and "id" in obj and "title" in obj and bool(
        SNAPSHOT_KEYS & obj.keys())


def category_matcher(patterns: str | Sequence[str]) -> Callable[[Sequence[str]], bool] | None:
    """``"cs.*,stat.ML"`` (or a list) → a test on a paper's categories; None for no filter."""
    if isinstance(patterns, str):
        patterns = [patterns]
    parts = [p.strip() for raw in patterns for p in raw.replace(";", ",").split(",")]
    parts = [p for p in parts if p]
    if not parts:
        return None
    regex = re.compile("|".join(fnmatch.translate(p) for p in parts), re.IGNORECASE)
    match = regex.match

    def wanted(categories: Sequence[str]) -> bool:
        return any(match(c) for c in categories)

    return wanted


def _date(created: Any) -> str:
    """``"Mon, 2 Apr 2007 19:18:42 GMT"`` → ``"2007-04-02"``."""
    if not isinstance(created, str):
        return ""
    m = _RFC_DATE.search(created)
    if m is None:
        return ""
    month = _MONTHS.get(m.group(2).lower())
    return f"{m.group(3)}-{month:02d}-{int(m.group(1)):02d}" if month else ""


def _name(parts: Any) -> str:
    """``["Streinu", "Ileana", ""]`` (last, first, suffix) → ``"Ileana Streinu"``."""
    if not isinstance(parts, list) or not parts:
        return ""
    last = str(parts[0] or "").strip()
    first = str(parts[1] or "").strip() if len(parts) > 1 else ""
    suffix = str(parts[2] or "").strip() if len(parts) > 2 else ""
    name = " ".join(p for p in (first, last, suffix) if p)
    if "\\" in name or "{" in name:
        name = latex_to_unicode(name)
    return name


_AND = re.compile(r",\s*(?:and\s+)?|\s+and\s+")


def _authors(obj: dict[str, Any]) -> tuple[str, ...]:
    parsed = obj.get("authors_parsed")
    if isinstance(parsed, list) and parsed:
        return tuple(n for n in (_name(p) for p in parsed) if n)
    raw = obj.get("authors")
    if not isinstance(raw, str):
        return ()
    if "\\" in raw or "{" in raw:
        raw = latex_to_unicode(raw)
    return tuple(n for n in (clean_text(a) for a in _AND.split(raw)) if n)


def _text(value: Any) -> str:
    # whitespace collapsed first with str.split (5x faster than a regex on an abstract's
    # line breaks); clean_text then only unescapes and repairs
    return clean_text(" ".join(value.split())) if isinstance(value, str) and value else ""


def snapshot_record(obj: Any, source: str) -> PaperRecord:
    """One snapshot object as a record (ValueError says what is wrong with it)."""
    if not isinstance(obj, dict):
        raise ValueError("the line is not a JSON object")
    raw_id = obj.get("id")
    arxiv = parse_arxiv_id(raw_id) if isinstance(raw_id, str) else None
    if arxiv is None:
        raise ValueError(f"{raw_id!r} is not an arXiv id" if raw_id else "the paper has no id")
    title = _text(obj.get("title"))
    if not title:
        raise ValueError(f"arXiv paper {arxiv.id} has no title")
    versions = obj.get("versions")
    version = None
    published = updated = ""
    if isinstance(versions, list) and versions:
        numbers = [int(v["version"][1:]) for v in versions if isinstance(v, dict)
                   and isinstance(v.get("version"), str) and v["version"][1:].isdigit()]
        version = max(numbers) if numbers else None
        first, last = versions[0], versions[-1]
        published = _date(first.get("created")) if isinstance(first, dict) else ""
        updated = _date(last.get("created")) if isinstance(last, dict) else ""
    update_date = obj.get("update_date")
    if not updated and isinstance(update_date, str) and _ISO_DATE.match(update_date):
        updated = update_date[:10]
    year = int(published[:4]) if published else None
    if year is None:
        m = _NEW_STYLE_ID.match(arxiv.id) or re.search(r"/(\d{2})(\d{2})", arxiv.id)
        if m:
            yy = int(m.group(1))
            year = 1900 + yy if yy >= 91 else 2000 + yy
    doi_field = obj.get("doi")
    doi = normalise_doi(doi_field.split()[0]) if isinstance(doi_field, str) and doi_field.strip() \
        else None
    categories = obj.get("categories")
    venue = _text(obj.get("journal-ref"))
    comments = _text(obj.get("comments"))
    return PaperRecord(
        title=title,
        source_kind="arxiv",
        source_ref=source,
        record_ref=arxiv.id,
        authors=_authors(obj),
        year=year,
        abstract=_text(obj.get("abstract")),
        doi=doi,
        arxiv_id=arxiv.id,
        arxiv_version=version or arxiv.version,
        categories=tuple(categories.split()) if isinstance(categories, str) else (),
        venue=venue,
        entry_type="article" if venue else "misc",
        published=published,
        updated=updated,
        extra={"note": comments} if comments else {},
    )


class SnapshotReader:
    """Iterate over ``(line, record)`` of a snapshot file; ``stats`` follows the reading.

    ``categories``: shell patterns (``cs.*``); a paper is kept when one of its categories
    matches one of them. ``tick`` is called every ``PROGRESS_EVERY`` lines (a progress report
    that can also cancel, even while a filter keeps nothing).
    """

    def __init__(
        self,
        path: Path,
        categories: str | Sequence[str] = (),
        tick: Callable[[], None] | None = None,
    ) -> None:
        self.path = path
        self.source = str(path)
        self.stats = ReadStats(self.source)
        self.wanted = category_matcher(categories)
        self.tick = tick

    def __iter__(self) -> Iterator[tuple[int, PaperRecord]]:
        stats, errors, wanted, source = self.stats, self.stats.errors, self.wanted, self.source
        loads = json.loads
        raw_categories = _RAW_CATEGORIES.search
        with open_input(self.path) as opened:
            stats.total_bytes = opened.total_bytes
            position = opened.position
            readline = opened.stream.readline
            line_no = 0
            while True:
                line = readline(MAX_LINE)
                if not line:
                    break
                line_no += 1
                if line_no % PROGRESS_EVERY == 0:
                    stats.bytes_read = position()
                    if self.tick is not None:
                        self.tick()
                if len(line) == MAX_LINE and not line.endswith(b"\n"):
                    while (rest := readline(MAX_LINE)) and not rest.endswith(b"\n"):
                        pass  # the rest of an overlong line
                    errors.add(f"line {line_no}",
                               f"the line is longer than {MAX_LINE // 2**20} MB; not a paper")
                    continue
                if wanted is not None:
                    m = raw_categories(line)
                    if m is not None and not wanted(m.group(1).decode("utf-8", "replace").split()):
                        stats.filtered += 1
                        continue
                if line.isspace():
                    continue
                try:
                    obj = loads(line)
                except ValueError as exc:  # JSONDecodeError, and bytes that are not UTF-8
                    cut = "" if line.endswith(b"\n") else " (the line is cut off: is the file " \
                        "complete?)"
                    errors.add(f"line {line_no}", f"not valid JSON{cut}: {exc}")
                    continue
                try:
                    record = snapshot_record(obj, source)
                except (ValueError, TypeError, AttributeError, KeyError) as exc:
                    errors.add(f"line {line_no}", str(exc))
                    continue
                if wanted is not None and not wanted(record.categories):
                    stats.filtered += 1
                    continue
                stats.records += 1
                if stats.records % 512 == 0:
                    stats.bytes_read = position()
                yield line_no, record
            stats.bytes_read = position()
