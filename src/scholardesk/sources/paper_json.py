"""ScholarDesk's own JSON paper list (what ``papers export --format json`` writes; the sample
library ships in it too) → records, plus the user fields (status, rating, notes) to apply.

``read_papers_json`` reads a (small) file at once; ``PaperJsonReader`` streams a file of any
size (see its docstring for why ijson)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scholardesk.core.errors import InputError
from scholardesk.domain.importing import RecordError
from scholardesk.domain.paper_ids import normalise_doi, parse_arxiv_id
from scholardesk.domain.papers import (
    READING_STATUSES,
    PaperRecord,
    normalise_tag,
    parse_year,
)
from scholardesk.domain.text_clean import clean_text, fix_url


@dataclass(frozen=True)
class JsonPaper:
    record: PaperRecord
    status: str = ""
    rating: int = 0
    notes: str = ""


def item_to_paper(item: dict[str, Any], source: str, index: int) -> JsonPaper:
    if not isinstance(item, dict):
        raise ValueError("expected an object")
    title = clean_text(str(item.get("title") or ""))
    if not title:
        raise ValueError("the record has no title")
    authors = item.get("authors") or []
    if isinstance(authors, str):
        authors = [a.strip() for a in authors.split(";")]
    arxiv = parse_arxiv_id(str(item.get("arxiv_id") or ""))
    version = item.get("arxiv_version")
    links = {k: fix_url(str(v)) for k, v in (item.get("links") or {}).items() if v}
    extra = {str(k): clean_text(str(v)) for k, v in (item.get("extra") or {}).items() if v}
    status = str(item.get("status") or "")
    rating = item.get("rating") or 0
    record = PaperRecord(
        title=title,
        source_kind="json",
        source_ref=source,
        record_ref=str(item.get("bibtex_key") or item.get("id") or f"item {index}"),
        authors=tuple(clean_text(str(a)) for a in authors if a),
        year=parse_year(item.get("year")),
        abstract=clean_text(str(item.get("abstract") or "")),
        doi=normalise_doi(str(item.get("doi") or "")),
        arxiv_id=arxiv.id if arxiv else None,
        arxiv_version=int(version) if isinstance(version, int) else (arxiv.version if arxiv else None),
        categories=tuple(str(c) for c in item.get("categories") or []),
        venue=clean_text(str(item.get("venue") or "")),
        entry_type=str(item.get("entry_type") or "article"),
        bibtex_key=str(item.get("bibtex_key") or ""),
        published=str(item.get("published") or ""),
        links=links,
        extra=extra,
        tags=tuple(t for t in (normalise_tag(str(x)) for x in item.get("tags") or []) if t),
    )
    return JsonPaper(
        record,
        status if status in READING_STATUSES else "",
        int(rating) if isinstance(rating, int) and 0 <= rating <= 5 else 0,
        str(item.get("notes") or ""),
    )


def read_papers_json(path: Path) -> tuple[list[JsonPaper], list[RecordError]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    except (ValueError, RecursionError) as exc:  # RecursionError: nested too deeply
        return [], [RecordError(str(path), "file", f"not valid JSON: {exc}")]
    items = data.get("papers") if isinstance(data, dict) else data
    if not isinstance(items, list):
        return [], [RecordError(str(path), "file", "expected a list of papers")]
    papers: list[JsonPaper] = []
    errors: list[RecordError] = []
    for i, item in enumerate(items, 1):
        try:
            papers.append(item_to_paper(item, str(path), i))
        except (ValueError, TypeError) as exc:
            errors.append(RecordError(str(path), f"item {i}", str(exc)))
    return papers, errors


class PaperJsonReader:
    """``read_papers_json`` streaming: iterate over ``(where, JsonPaper)`` while the file is
    read (a list of papers, or ``{"papers": [...]}``; plain, ``.gz`` or ``.zip``), holding one
    paper at a time; ``stats`` follows the reading.

    Why ijson: it parses incrementally in C (yajl2_c backend, a 135 KB wheel with no
    dependencies), as fast per record as ``json.loads`` of the whole file, and gives one
    array element at a time. A bounded incremental parser of our own would have to re-create
    JSON's string escapes and number rules for no gain. A syntax error ends the reading there:
    the papers before it are imported and the error says after which paper and at which byte.
    """

    def __init__(self, path: Path) -> None:
        from scholardesk.sources.import_stream import ReadStats

        self.path = path
        self.source = str(path)
        self.stats = ReadStats(self.source)

    def __iter__(self) -> Iterator[tuple[str, JsonPaper]]:
        import ijson

        from scholardesk.sources.import_stream import open_input

        stats, errors, source = self.stats, self.stats.errors, self.source
        with open_input(self.path) as opened:
            stats.total_bytes = opened.total_bytes
            stream = opened.stream
            head = stream.peek(64) if hasattr(stream, "peek") else b""  # type: ignore[attr-defined]
            first = head.lstrip()[:1]
            if first == b"\xef":  # a UTF-8 byte-order mark
                stream.read(3)
                first = head[3:].lstrip()[:1]
            prefix = "papers.item" if first == b"{" else "item"
            index = 0
            try:
                for item in ijson.items(stream, prefix, use_float=True):
                    index += 1
                    if index % 256 == 0:
                        stats.bytes_read = opened.position()
                    try:
                        paper = item_to_paper(item, source, index)
                    except (ValueError, TypeError, AttributeError) as exc:
                        errors.add(f"item {index}", str(exc))
                        continue
                    stats.records += 1
                    yield f"item {index}", paper
            except (ijson.JSONError, UnicodeDecodeError) as exc:
                where = f"after item {index}" if index else "at the start"
                errors.add("file", f"not valid JSON {where} (near byte "
                                   f"{opened.position():,}): {exc}; the papers before it are "
                                   "imported")
            stats.bytes_read = opened.position()
        if index == 0 and not errors.count:
            kind = "an object without a 'papers' list" if first == b"{" else "no papers"
            errors.add("file", f"expected a list of papers, found {kind}")
