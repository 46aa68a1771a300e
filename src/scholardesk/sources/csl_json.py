"""CSL JSON (Zotero's and Better BibTeX's "CSL JSON" export: a JSON array of CSL items) →
paper records.

The file is read item by item (``CslJsonReader``: ijson, as our own JSON reader), so a large
export never sits in memory, and a bad item is named by its position and left out while the
rest comes in. ``looks_like_csl_json`` tells such a file apart from ScholarDesk's own
JSON export by the shape of its first items (CSL's ``author``/``issued``/``container-title``/
``type`` against our ``authors``/``entry_type``/``bibtex_key``).

Mapping: ``title``; ``author`` in order (``family``/``given`` with particles and suffix, or
``literal``; Chinese names family first without a space), editors when there is no author;
``issued`` (``date-parts``, else ``raw``/``literal``) → year and the ISO date when complete;
``container-title`` (else ``event-title``/``event``, ``publisher``) → venue; ``DOI``, ``URL``,
the arXiv id (URL, DOI or ``number``), ``type`` → our entry type; ``citation-key`` (else a
``Citation Key:`` line in ``note``, else an ``id`` that looks like a key) → the citation key,
kept with the item's ``id`` as provenance.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from scholardesk.core.errors import InputError
from scholardesk.domain.importing import RecordError
from scholardesk.domain.paper_ids import normalise_doi, parse_arxiv_id
from scholardesk.domain.papers import PaperRecord, normalise_tag, parse_year
from scholardesk.domain.text_clean import clean_text, fix_url

SOURCE_KIND = "csl"
PEEK_ITEMS = 5

# CSL item type → our entry type (BibTeX's names, as the other importers use).
ENTRY_TYPES: Mapping[str, str] = {
    "article-journal": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "review": "article",
    "review-book": "article",
    "paper-conference": "inproceedings",
    "article": "misc",  # a preprint
    "book": "book",
    "chapter": "incollection",
    "entry-encyclopedia": "incollection",
    "entry-dictionary": "incollection",
    "entry": "incollection",
    "thesis": "phdthesis",
    "report": "techreport",
    "webpage": "online",
    "post-weblog": "online",
    "post": "online",
    "software": "software",
    "dataset": "dataset",
    "patent": "patent",
    "standard": "standard",
    "manuscript": "unpublished",
}
CSL_MARKERS = frozenset({"issued", "container-title", "author", "citation-key", "type",
                         "DOI", "URL", "editor"})
OUR_MARKERS = frozenset({"authors", "entry_type", "bibtex_key", "arxiv_id"})
VENUE_FIELDS = ("container-title", "event-title", "event", "collection-title")
EXTRA_MAP = (
    ("volume", "volume"), ("issue", "number"), ("page", "pages"), ("publisher", "publisher"),
    ("publisher-place", "address"), ("edition", "edition"), ("ISBN", "isbn"),
    ("ISSN", "issn"), ("language", "language"), ("genre", "type"),
    ("container-title-short", "journal_abbreviation"), ("title-short", "short_title"),
    ("collection-title", "series"),
)
_MASTERS = re.compile(r"master|硕士|m\.\s?s|m\.\s?a|mphil", re.IGNORECASE)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_NOTE_KEY = re.compile(r"^\s*citation key\s*:\s*(\S+)\s*$", re.IGNORECASE | re.M)
_KEY_LIKE = re.compile(r"[^\s,{}()=\"#%'~\\/]+")


def _first_items(path: Path, n: int = PEEK_ITEMS) -> list[Any]:
    import ijson

    from scholardesk.sources.import_stream import open_input

    out: list[Any] = []
    with open_input(path) as opened:
        stream = opened.stream
        head = stream.peek(64) if hasattr(stream, "peek") else b""  # type: ignore[attr-defined]
        if head.startswith(b"\xef\xbb\xbf"):
            stream.read(3)
            head = head[3:]
        if head.lstrip()[:1] != b"[":
            return out  # CSL JSON is an array (ours may be {"papers": [...]})
        try:
            for item in ijson.items(stream, "item", use_float=True):
                out.append(item)
                if len(out) >= n:
                    break
        except (ijson.JSONError, UnicodeDecodeError):
            pass
    return out


def looks_like_csl_json(path: Path) -> bool:
    """Whether ``path`` (plain, ``.gz`` or ``.zip``) is a CSL JSON array and not ScholarDesk's
    own JSON export: its first items have CSL's keys and none of ours."""
    try:
        items = [i for i in _first_items(path) if isinstance(i, dict)]
    except InputError:
        return False
    if any(set(i) & OUR_MARKERS for i in items):
        return False
    return any(set(i) & CSL_MARKERS for i in items)


def _text(value: object) -> str:
    if isinstance(value, list):  # some exporters give a list of strings
        value = value[0] if value else ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    return clean_text(value) if isinstance(value, str) else ""


def person_name(person: object) -> str:
    """One CSL name: ``literal``, else given + particles + family (+ suffix); a Chinese
    name family first without a space (``{"family": "张", "given": "三"}`` → ``张三``)."""
    if not isinstance(person, dict):
        return ""
    literal = _text(person.get("literal"))
    if literal:
        return literal
    family = " ".join(p for p in (_text(person.get("non-dropping-particle")),
                                  _text(person.get("family"))) if p)
    given = " ".join(p for p in (_text(person.get("given")),
                                 _text(person.get("dropping-particle"))) if p)
    suffix = _text(person.get("suffix"))
    if _CJK.search(family) and (not given or _CJK.search(given)):
        return family + given
    name = " ".join(p for p in (given, family) if p)
    return f"{name}, {suffix}" if suffix and name else name


def _names(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(n for n in (person_name(p) for p in value) if n)


def issued_date(value: object) -> tuple[int | None, str]:
    """(year, ISO date when year, month and day are all there) of a CSL date."""
    if not isinstance(value, dict):
        return parse_year(_text(value)), ""
    parts = value.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        first = parts[0]
        try:
            numbers = [int(str(x)) for x in first[:3]]
        except ValueError:
            numbers = []
        if numbers:
            year = parse_year(numbers[0])
            if year is not None and len(numbers) == 3:
                try:
                    return year, dt.date(year, numbers[1], numbers[2]).isoformat()
                except ValueError:  # 30 February
                    pass
            return year, ""
    for key in ("raw", "literal"):
        year = parse_year(_text(value.get(key)))
        if year is not None:
            return year, ""
    return None, ""


def _citation_key(item: Mapping[str, Any]) -> str:
    for name in ("citation-key", "citation_key", "citationKey"):
        key = _text(item.get(name))
        if key:
            return key
    note = item.get("note")
    if isinstance(note, str) and (m := _NOTE_KEY.search(note)):
        return m.group(1)  # Zotero's CSL export carries Better BibTeX's key in Extra → note
    ident = item.get("id")
    if isinstance(ident, str) and _KEY_LIKE.fullmatch(ident.strip()) and not ident.strip().isdigit():
        return ident.strip()
    return ""


def item_to_record(item: object, source: str, index: int) -> PaperRecord:
    """One CSL item as a paper record; ``ValueError`` says what is wrong with it."""
    if not isinstance(item, dict):
        raise ValueError("expected a CSL item (a JSON object)")
    title = _text(item.get("title"))
    if not title:
        raise ValueError("the item has no title")
    csl_type = _text(item.get("type"))
    authors = _names(item.get("author")) or _names(item.get("editor"))
    year, published = issued_date(item.get("issued"))
    doi = normalise_doi(_text(item.get("DOI")))
    url = fix_url(_text(item.get("URL")))
    arxiv = None
    for candidate in (url, doi or "", _text(item.get("number")),
                      _text(item.get("archive_location"))):
        if candidate and (arxiv := parse_arxiv_id(candidate)) is not None:
            break
    if arxiv is not None and doi and doi.startswith("10.48550/"):
        doi = None  # arXiv's own DOI: the arXiv id is the key
    venue = next((_text(item.get(n)) for n in VENUE_FIELDS if _text(item.get(n))), "")
    if not venue and csl_type in ("book", "thesis", "report", "chapter"):
        venue = _text(item.get("publisher"))
    entry_type = ENTRY_TYPES.get(csl_type, "misc")
    if csl_type == "thesis" and _MASTERS.search(_text(item.get("genre"))):
        entry_type = "mastersthesis"
    key = _citation_key(item)
    ident = item.get("id")
    extra: dict[str, str] = {"csl_type": csl_type} if csl_type else {}
    if ident not in (None, ""):
        extra["csl_id"] = str(ident)
    for src, dst in EXTRA_MAP:
        value = _text(item.get(src))
        if value and dst not in extra:
            extra[dst] = value
    note = str(item.get("note") or "").strip()
    if note:
        extra["csl_note"] = clean_text(note)
    links = {"url": url} if url else {}
    keywords = item.get("keyword")
    tags: tuple[str, ...] = ()
    if isinstance(keywords, str):
        tags = tuple(dict.fromkeys(t for t in (normalise_tag(k) for k in
                                               re.split(r"[,;，；]", keywords)) if t))
    return PaperRecord(
        title=title,
        source_kind=SOURCE_KIND,
        source_ref=source,
        record_ref=key or (str(ident) if ident not in (None, "") else f"item {index}"),
        authors=authors,
        year=year,
        abstract=_text(item.get("abstract")),
        doi=doi,
        arxiv_id=arxiv.id if arxiv else None,
        arxiv_version=arxiv.version if arxiv else None,
        venue=venue,
        entry_type=entry_type,
        bibtex_key=key,
        published=published,
        links=links,
        extra=extra,
        tags=tags,
    )


class CslJsonReader:
    """The items of a CSL JSON file (plain, ``.gz`` or ``.zip``) as ``(where, record)`` while
    the file is read (ijson, one item at a time, as ``paper_json.PaperJsonReader``); a bad
    item is one error named by its position (1-based) and id, and the rest comes in; a syntax
    error ends the reading there, the items before it imported. ``stats`` follows it."""

    def __init__(self, path: Path) -> None:
        from scholardesk.sources.import_stream import ReadStats

        self.path = path
        self.source = str(path)
        self.stats = ReadStats(self.source)

    def __iter__(self) -> Iterator[tuple[str, PaperRecord]]:
        import ijson

        from scholardesk.sources.import_stream import open_input

        stats, errors, source = self.stats, self.stats.errors, self.source
        index = 0
        with open_input(self.path) as opened:
            stats.total_bytes = opened.total_bytes
            stream = opened.stream
            head = stream.peek(64) if hasattr(stream, "peek") else b""  # type: ignore[attr-defined]
            if head.startswith(b"\xef\xbb\xbf"):
                stream.read(3)
            try:
                for item in ijson.items(stream, "item", use_float=True):
                    index += 1
                    if index % 256 == 0:
                        stats.bytes_read = opened.position()
                    try:
                        record = item_to_record(item, source, index)
                    except (ValueError, TypeError, AttributeError) as exc:
                        ident = item.get("id") if isinstance(item, dict) else None
                        where = f"item {index}" + (f" ({ident})" if ident not in (None, "")
                                                   else "")
                        errors.add(where, str(exc))
                        continue
                    stats.records += 1
                    yield f"item {index} ({record.record_ref})", record
            except (ijson.JSONError, UnicodeDecodeError) as exc:
                where = f"after item {index}" if index else "at the start"
                errors.add("file", f"not valid JSON {where} (near byte {opened.position():,}): "
                                   f"{exc}; the items before it are imported")
            stats.bytes_read = opened.position()
        if index == 0 and not errors.count:
            errors.add("file", "the CSL JSON array is empty")


def read_csl_json(path: Path) -> tuple[list[tuple[str, PaperRecord]], list[RecordError]]:
    """Every item of a CSL JSON file at once (for small files and tests)."""
    reader = CslJsonReader(path)
    records = list(reader)
    return records, reader.stats.errors.report()
