"""arXiv API Atom feeds → paper records.

Reads both what the API returns today (namespaces on the root, ``https`` ids) and the 2016
format (namespaces on each element), from raw ``.xml`` or from a saved-response JSON wrapper
``{"url", "status_code", "body"}``. A feed that is not XML is one error naming the line; an
entry without id or title is an error naming the entry; the others are read.
``AtomStreamReader`` reads a saved feed of any size entry by entry.
"""

from __future__ import annotations

import json
import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from scholardesk.core.errors import InputError
from scholardesk.domain.importing import RecordError
from scholardesk.domain.paper_ids import normalise_doi, parse_arxiv_id
from scholardesk.domain.papers import PaperRecord
from scholardesk.domain.text_clean import clean_text, fix_url

logger = logging.getLogger(__name__)

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


@dataclass
class AtomFeed:
    records: list[PaperRecord] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)
    total_results: int | None = None
    start_index: int = 0
    items_per_page: int | None = None
    entries_seen: int = 0


def _text(elem: ET.Element | None) -> str:
    return clean_text(elem.text) if elem is not None and elem.text else ""


def _date(value: str) -> str:
    return value[:10] if re.match(r"\d{4}-\d{2}-\d{2}", value) else ""


def parse_entry(entry: ET.Element, source: str) -> PaperRecord:
    raw_id = _text(entry.find(f"{ATOM}id"))
    if "api/errors" in raw_id:
        raise ValueError(f"arXiv reported an error: {_text(entry.find(f'{ATOM}summary'))}")
    arxiv = parse_arxiv_id(raw_id)
    if arxiv is None:
        raise ValueError(f"the entry id {raw_id!r} is not an arXiv id")
    title = _text(entry.find(f"{ATOM}title"))
    if not title:
        raise ValueError(f"arXiv entry {arxiv} has no title")
    authors = tuple(
        name
        for a in entry.findall(f"{ATOM}author")
        if (name := _text(a.find(f"{ATOM}name")))
    )
    links: dict[str, str] = {}
    doi = normalise_doi(_text(entry.find(f"{ARXIV}doi")))
    for link in entry.findall(f"{ATOM}link"):
        href = fix_url(link.get("href"))
        if not href:
            continue
        if link.get("title") == "pdf" or link.get("type") == "application/pdf":
            links["pdf"] = href
        elif link.get("title") == "doi" and doi is None:
            doi = normalise_doi(href)
    primary = entry.find(f"{ARXIV}primary_category")
    cats: list[str] = []
    if primary is not None and primary.get("term"):
        cats.append(primary.get("term", ""))
    for c in entry.findall(f"{ATOM}category"):
        term = c.get("term") or ""
        if term and term not in cats:
            cats.append(term)
    published = _date(_text(entry.find(f"{ATOM}published")))
    updated = _date(_text(entry.find(f"{ATOM}updated")))
    extra: dict[str, str] = {}
    comment = _text(entry.find(f"{ARXIV}comment"))
    if comment:
        extra["note"] = comment
    journal_ref = _text(entry.find(f"{ARXIV}journal_ref"))
    return PaperRecord(
        title=title,
        source_kind="arxiv",
        source_ref=source,
        record_ref=str(arxiv),
        authors=authors,
        year=int(published[:4]) if published else None,
        abstract=_text(entry.find(f"{ATOM}summary")),
        doi=doi,
        arxiv_id=arxiv.id,
        arxiv_version=arxiv.version,
        categories=tuple(cats),
        venue=journal_ref,
        entry_type="article" if journal_ref else "misc",
        published=published,
        updated=updated,
        links=links,
        extra=extra,
    )


def parse_atom(data: bytes | str, source: str = "") -> AtomFeed:
    feed = AtomFeed()
    try:
        root = ET.fromstring(data)
    except LookupError as exc:  # <?xml encoding="..."?> names no codec Python knows
        feed.errors.append(RecordError(source, "line 1", f"not a valid Atom feed: {exc}"))
        return feed
    except ET.ParseError as exc:
        line, _col = exc.position
        feed.errors.append(
            RecordError(source, f"line {line}", f"not a valid Atom feed: {exc.msg if hasattr(exc, 'msg') else exc}")
        )
        return feed
    if root.tag != f"{ATOM}feed":
        feed.errors.append(RecordError(source, "feed", "not an Atom feed (no <feed> element)"))
        return feed
    total = root.find(f"{OPENSEARCH}totalResults")
    if total is not None and total.text and total.text.strip().isdigit():
        feed.total_results = int(total.text)
    start = root.find(f"{OPENSEARCH}startIndex")
    if start is not None and start.text and start.text.strip().isdigit():
        feed.start_index = int(start.text)
    per_page = root.find(f"{OPENSEARCH}itemsPerPage")
    if per_page is not None and per_page.text and per_page.text.strip().isdigit():
        feed.items_per_page = int(per_page.text)
    for i, entry in enumerate(root.findall(f"{ATOM}entry"), 1):
        feed.entries_seen += 1
        try:
            feed.records.append(parse_entry(entry, source))
        except ValueError as exc:
            ref = _text(entry.find(f"{ATOM}id")) or f"entry {i}"
            feed.errors.append(RecordError(source, ref, str(exc)))
    return feed


def read_atom_file(path: Path) -> AtomFeed:
    """A saved arXiv response: raw Atom XML, or the JSON wrapper ``{url, status_code, body}``."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    stripped = raw.lstrip()
    if stripped.startswith(b"{"):
        try:
            wrapper = json.loads(raw)
        except (ValueError, RecursionError) as exc:  # RecursionError: nested too deeply
            return AtomFeed(errors=[RecordError(str(path), "file", f"not valid JSON: {exc}")])
        body = wrapper.get("body") if isinstance(wrapper, dict) else None
        if not isinstance(body, str):
            return AtomFeed(
                errors=[RecordError(str(path), "file", "JSON without a 'body' holding Atom XML")]
            )
        status = wrapper.get("status_code", 200)
        if isinstance(status, int) and status >= 400:
            return AtomFeed(
                errors=[RecordError(str(path), "file", f"the saved response is HTTP {status}")]
            )
        # a lone surrogate (an escaped "\ud800" in the JSON) becomes U+FFFD, not a crash
        return parse_atom(body.encode("utf-8", "replace"), str(path))
    return parse_atom(raw, str(path))


def looks_like_atom(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            head = fh.read(2048)
    except OSError:
        return False
    return b"<feed" in head or (b'"body"' in head and b"<feed" in head.replace(b"\\", b""))


class AtomStreamReader:
    """A saved Atom feed of any size, entry by entry (``xml.etree`` ``iterparse``; each entry
    is dropped once read, so memory holds one entry). Iterate for records; ``stats`` follows
    the reading. The saved-response JSON wrapper (a bounded server answer) is read whole."""

    def __init__(self, path: Path) -> None:
        from scholardesk.sources.import_stream import ReadStats

        self.path = path
        self.source = str(path)
        self.stats = ReadStats(self.source)

    def __iter__(self) -> Iterator[PaperRecord]:
        from scholardesk.sources.import_stream import open_input, sniff

        stats, errors, source = self.stats, self.stats.errors, self.source
        if sniff(self.path, 4096).lstrip().startswith(b"{"):
            feed = read_atom_file(self.path)
            stats.total_bytes = stats.bytes_read = self.path.stat().st_size
            for e in feed.errors:
                errors.add(e.record, e.message)
            stats.records = len(feed.records)
            yield from feed.records
            return
        with open_input(self.path) as opened:
            stats.total_bytes = opened.total_bytes
            root: ET.Element | None = None
            index = 0
            try:
                for event, elem in ET.iterparse(opened.stream, events=("start", "end")):
                    if root is None:
                        root = elem
                        if root.tag != f"{ATOM}feed":
                            errors.add("feed", "not an Atom feed (no <feed> element)")
                            return
                        continue
                    if event != "end" or elem.tag != f"{ATOM}entry":
                        continue
                    index += 1
                    try:
                        record = parse_entry(elem, source)
                    except ValueError as exc:
                        errors.add(_text(elem.find(f"{ATOM}id")) or f"entry {index}", str(exc))
                        continue
                    finally:
                        root.clear()  # the entries read so far: memory stays at one entry
                        stats.bytes_read = opened.position()
                    stats.records += 1
                    yield record
            except LookupError as exc:  # <?xml encoding="..."?> names no codec Python knows
                errors.add("line 1", f"not a valid Atom feed: {exc}")
            except ET.ParseError as exc:
                line, _col = exc.position
                errors.add(f"line {line}", f"not a valid Atom feed: {exc}"
                           + ("; the entries before it are imported" if index else ""))
            stats.bytes_read = opened.position()
