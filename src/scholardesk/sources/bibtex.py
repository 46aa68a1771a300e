"""BibTeX / biblatex reading and writing, written for this app (no third-party parser).

Why our own: it must keep going past a malformed entry and say which line it was on, it must
be fast (100,000 entries in seconds), and it must understand biblatex (``journaltitle``,
``date``, ``eprinttype = {arxiv}``) and the GB/T 7714 files Chinese theses use.

Reading: the text is cut at every ``@type{`` / ``@type(`` that starts a line (or follows a
closing brace); each piece is parsed alone, so an unbalanced brace spoils one entry, not the
file. ``@string`` macros (and the month names) are expanded, ``#`` concatenation works,
``@comment``/``@preamble`` are skipped and ``@set``/``@xdata`` are containers, not papers.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from scholardesk.core.errors import InputError
from scholardesk.domain.importing import RecordError
from scholardesk.domain.paper_ids import normalise_doi, parse_arxiv_id
from scholardesk.domain.papers import (
    EXTRA_FIELDS,
    Paper,
    PaperRecord,
    parse_year,
    suggest_bibtex_key,
)
from scholardesk.domain.text_clean import fix_url, latex_to_unicode, normalise_space

logger = logging.getLogger(__name__)

# An entry starts at ``@type{`` / ``@type(`` that begins a line (after spaces or tabs) or follows
# a closing brace. The regex starts with the literal ``@`` (a fast scan over a 100 MB file); the
# "begins a line" test is done by ``_entry_starts`` on the few characters before it.
_AT_ENTRY = re.compile(r"@[ \t]*([A-Za-z]+)[ \t]*([{(])")
_BRACES = re.compile(r"[{}]")
_QUOTE_OR_BRACE = re.compile(r'["{}]')
_NAME = re.compile(r"\s*([^\s=,{}\"#()]+)\s*")
_NUMBER = re.compile(r"\s*(\d+)\s*")
_KEY = re.compile(r"\s*([^,\s{}()]*)\s*,")
# The common case, ``name = {no nested braces}`` or ``name = 2020``, in one regex match;
# anything else (nesting, quotes, macros, #) goes through the scanner.
_SIMPLE_FIELD = re.compile(
    r"[\s,]*([^\s=,{}\"#()]+)[ \t]*=[ \t]*(?:\{([^{}]*)\}|(\d+))(?=\s*[,})])"
)
# The same for a braced value, found with str.find (memchr) instead of a character-class loop:
# ``name = {`` here, then the closing brace, no opening brace before it, then ``,`` ``}`` ``)``.
_BRACED_FIELD_HEAD = re.compile(r"[\s,]*([^\s=,{}\"#()]+)[ \t]*=[ \t]*\{")
_FIELD_END = re.compile(r"\s*[,})]")
_MONTHS = {
    m: str(i)
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_SKIPPED_TYPES = frozenset({"comment", "preamble"})
_CONTAINER_TYPES = frozenset({"set", "xdata"})


class BibParseError(ValueError):
    pass


@dataclass
class BibEntry:
    entry_type: str
    key: str
    fields: dict[str, str]
    line: int


@dataclass
class BibFile:
    entries: list[BibEntry] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)
    skipped: int = 0  # @set / @xdata containers


class _Scanner:
    def __init__(self, text: str, start: int, end: int) -> None:
        self.text = text
        self.pos = start
        self.end = end

    def skip_ws(self) -> None:
        text, pos, end = self.text, self.pos, self.end
        while pos < end and text[pos] in " \t\r\n":
            pos += 1
        self.pos = pos

    def peek(self) -> str:
        self.skip_ws()
        return self.text[self.pos] if self.pos < self.end else ""

    def braced(self) -> str:
        """Read ``{...}`` (balanced) starting at the current ``{``; returns the inside."""
        text = self.text
        start = self.pos + 1
        depth = 0
        pos = self.pos
        while True:
            m = _BRACES.search(text, pos, self.end)
            if m is None:
                raise BibParseError("a brace is not closed")
            if m.group() == "{":
                depth += 1
            else:
                depth -= 1
                if depth == 0:
                    self.pos = m.end()
                    return text[start : m.start()]
            pos = m.end()

    def quoted(self) -> str:
        text = self.text
        start = self.pos + 1
        depth = 0
        pos = start
        while True:
            m = _QUOTE_OR_BRACE.search(text, pos, self.end)
            if m is None:
                raise BibParseError('a quoted value is not closed (missing ")')
            ch = m.group()
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth < 0:
                    raise BibParseError('a quoted value is not closed (missing ")')
            elif depth == 0 and text[m.start() - 1] != "\\":
                self.pos = m.end()
                return text[start : m.start()]
            pos = m.end()


def _value(sc: _Scanner, macros: dict[str, str]) -> str:
    parts: list[str] = []
    while True:
        ch = sc.peek()
        if ch == "{":
            parts.append(sc.braced())
        elif ch == '"':
            parts.append(sc.quoted())
        elif ch and ch.isdigit():
            m = _NUMBER.match(sc.text, sc.pos, sc.end)
            assert m is not None
            parts.append(m.group(1))
            sc.pos = m.end()
        elif ch:
            m = _NAME.match(sc.text, sc.pos, sc.end)
            if m is None:
                raise BibParseError(f"unexpected {ch!r} where a value should be")
            name = m.group(1)
            sc.pos = m.end()
            low = name.lower()
            if low in macros:
                parts.append(macros[low])
            elif low in _MONTHS:
                parts.append(_MONTHS[low])
            else:
                parts.append(name)  # an undefined @string: bibtex warns and uses it as is
        else:
            raise BibParseError("a field has no value")
        if sc.peek() == "#":
            sc.pos += 1
            continue
        return "".join(parts)


def _fields(sc: _Scanner, macros: dict[str, str], closing: str) -> dict[str, str]:
    out: dict[str, str] = {}
    text, end = sc.text, sc.end
    find = text.find
    while True:
        m = _BRACED_FIELD_HEAD.match(text, sc.pos, end)
        if m is not None:
            start = m.end()
            close = find("}", start, end)
            if close >= 0 and find("{", start, close) < 0 and _FIELD_END.match(text, close + 1, end):
                name = m.group(1).lower()
                if name not in out:
                    out[name] = text[start:close]
                sc.pos = close + 1
                continue
        m = _SIMPLE_FIELD.match(text, sc.pos, end)
        if m is not None:
            name = m.group(1).lower()
            value = m.group(2) if m.group(2) is not None else m.group(3)
            if name not in out:
                out[name] = value
            sc.pos = m.end()
            continue
        ch = sc.peek()
        while ch == ",":
            sc.pos += 1
            ch = sc.peek()
        if ch == closing or not ch:
            return out
        m = _NAME.match(sc.text, sc.pos, sc.end)
        if m is None:
            raise BibParseError(f"unexpected {ch!r} where a field name should be")
        name = m.group(1).lower()
        sc.pos = m.end()
        if sc.peek() != "=":
            raise BibParseError(f"field {name!r} has no '=' (is a comma missing before it?)")
        sc.pos += 1
        value = _value(sc, macros)
        out.setdefault(name, value)
        ch = sc.peek()
        if ch not in (",", closing, ""):
            raise BibParseError(f"a comma is missing after field {name!r}")


def parse_bibtex_entries(text: str, source: str = "") -> BibFile:
    """Split ``text`` into entries; a malformed entry becomes a RecordError with its line."""
    result = BibFile()
    macros: dict[str, str] = {}
    starts = _entry_starts(text)
    counted = [0, 1]  # offset counted up to, line number there

    def line_of(offset: int) -> int:
        # entries come in order, so counting newlines incrementally is linear overall
        counted[1] += text.count("\n", counted[0], offset)
        counted[0] = offset
        return counted[1]

    for i, (_start, type_start, entry_type, opening, body_start) in enumerate(starts):
        entry_type = entry_type.lower()
        if entry_type in _SKIPPED_TYPES:
            continue
        end = starts[i + 1][0] if i + 1 < len(starts) else len(text)
        closing = "}" if opening == "{" else ")"
        sc = _Scanner(text, body_start, end)
        line = line_of(type_start)
        try:
            if entry_type == "string":
                body = _fields(sc, macros, closing)
                for name, value in body.items():
                    macros[name] = value
                continue
            key_match = _KEY.match(text, sc.pos, end)
            if key_match is None:
                raise BibParseError("the entry has no citation key followed by a comma")
            sc.pos = key_match.end()
            fields = _fields(sc, macros, closing)
            if sc.peek() != closing:
                raise BibParseError(
                    f"the entry is not closed with {closing!r} before the next entry"
                )
        except BibParseError as exc:
            label = _guess_key(text, body_start, end)
            result.errors.append(
                RecordError(source, f"line {line}" + (f" ({label})" if label else ""), str(exc))
            )
            continue
        if entry_type in _CONTAINER_TYPES:
            result.skipped += 1
            continue
        result.entries.append(BibEntry(entry_type, key_match.group(1), fields, line))
    return result


def _entry_starts(text: str) -> list[tuple[int, int, str, str, int]]:
    """(start, offset of the type name, type, opening bracket, offset after it) of every entry;
    start includes the spaces or tabs before the ``@``."""
    out: list[tuple[int, int, str, str, int]] = []
    for m in _AT_ENTRY.finditer(text):
        start = m.start()
        while start > 0 and text[start - 1] in " \t":
            start -= 1
        if start == 0 or text[start - 1] in "\n}":
            out.append((start, m.start(1), m.group(1), m.group(2), m.end()))
    return out


def _guess_key(text: str, start: int, end: int) -> str:
    m = re.compile(r"\s*([^,\s{}()]+)\s*,").match(text, start, end)
    return m.group(1) if m else ""


# --- entries → records -----------------------------------------------------------------------

_AND = re.compile(r"\s+and\s+", re.IGNORECASE)


def split_names(value: str) -> list[str]:
    """``A and B and {C and D Inc.}`` → three names (an ``and`` inside braces is literal)."""
    if not value:
        return []
    if "{" not in value:
        return [n for n in _AND.split(value.strip()) if n.strip()]
    names: list[str] = []
    depth = 0
    start = 0
    i = 0
    n = len(value)
    while i < n:
        ch = value[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0 and ch in " \t\n":
            m = _AND.match(value, i)
            if m:
                names.append(value[start:i])
                start = m.end()
                i = m.end()
                continue
        i += 1
    names.append(value[start:])
    return [x for x in (s.strip() for s in names) if x]


def _split_commas(name: str) -> list[str]:
    if "{" not in name:
        return [p.strip() for p in name.split(",")]
    parts: list[str] = []
    depth = 0
    buf: list[str] = []
    for ch in name:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(buf).strip())
            buf = []
        else:
            buf.append(ch)
    parts.append("".join(buf).strip())
    return parts


@lru_cache(maxsize=65536)  # the same authors recur across a library
def display_name(name: str) -> str:
    """A BibTeX name as people write it: ``Merkt, Fr{\\'e}d{\\'e}ric`` → ``Frédéric Merkt``,
    ``Peebles, Jr, Peyton Z.`` → ``Peyton Z. Peebles Jr``, ``{World Health Organization}``
    and ``张昆`` unchanged."""
    parts = _split_commas(name)
    if len(parts) == 2 and parts[1]:
        name = f"{parts[1]} {parts[0]}"
    elif len(parts) >= 3:
        name = f"{parts[2]} {parts[0]} {parts[1]}"
    else:
        name = parts[0]
    return latex_to_unicode(name)


def _authors(fields: dict[str, str]) -> tuple[str, ...]:
    raw = fields.get("author") or fields.get("editor") or ""
    names = [display_name(n) for n in split_names(raw)]
    return tuple(n for n in names if n and n.lower() != "others")


_LINK_KINDS = (
    ("pdf", ("pdf", "file")),
    ("code", ("code", "github")),
    ("openreview", ("openreview",)),
    ("project", ("project",)),
)
_LINK_FIELDS = frozenset(n for _, names in _LINK_KINDS for n in names)
_EXTRA_SET = frozenset(EXTRA_FIELDS)
_CLASS_SEP = re.compile(r"[,;\s]+")
_ISO_DATE = re.compile(r"\d{4}-\d{2}(-\d{2})?")


def entry_to_record(entry: BibEntry, source: str) -> PaperRecord:
    f = entry.fields
    title = latex_to_unicode(f.get("title", ""))
    subtitle = latex_to_unicode(f.get("subtitle", ""))
    if subtitle:
        title = f"{title}: {subtitle}"
    links: dict[str, str] = {}
    url = fix_url(f.get("url", ""))
    doi = normalise_doi(f.get("doi"))
    arxiv = None
    eprint_type = (f.get("eprinttype") or f.get("archiveprefix") or "").lower()
    if f.get("eprint") and (eprint_type == "arxiv" or not eprint_type):
        arxiv = parse_arxiv_id(f["eprint"])
    if arxiv is None and url:
        arxiv = parse_arxiv_id(url)
    if arxiv is None and doi:
        arxiv = parse_arxiv_id(doi)
    if arxiv is not None and doi and doi.startswith("10.48550/"):
        doi = None  # the arXiv DOI is the arXiv id, not a publication
    if doi is None and url and "doi.org/" in url:
        doi = normalise_doi(url)
    if url:
        links["url"] = url
    if f.keys() & _LINK_FIELDS:
        for kind, names in _LINK_KINDS:
            for n in names:
                if f.get(n) and "://" in f[n]:
                    links[kind] = fix_url(f[n])
                    break
    venue_raw = (
        f.get("journal") or f.get("journaltitle") or f.get("booktitle") or f.get("eventtitle") or ""
    )
    categories: tuple[str, ...] = ()
    cls = f.get("eprintclass") or f.get("primaryclass") or ""
    if arxiv is not None and cls:
        categories = tuple(c.strip() for c in _CLASS_SEP.split(cls) if "." in c.strip())
    extra = {}
    if f.keys() & _EXTRA_SET:
        for name in EXTRA_FIELDS:
            value = f.get(name)
            if value:
                extra[name] = normalise_space(value) if name == "pages" else latex_to_unicode(value)
    date = f.get("date", "")
    year = parse_year(f.get("year")) or parse_year(date)
    published = date if date and _ISO_DATE.fullmatch(date.strip()) else ""
    return PaperRecord(
        title=title,
        source_kind="bibtex",
        source_ref=source,
        record_ref=entry.key or f"line {entry.line}",
        authors=_authors(f),
        year=year,
        abstract=latex_to_unicode(f.get("abstract", "")),
        doi=doi,
        arxiv_id=arxiv.id if arxiv else None,
        arxiv_version=arxiv.version if arxiv else None,
        categories=categories,
        venue=latex_to_unicode(venue_raw),
        entry_type=entry.entry_type,
        bibtex_key=entry.key,
        published=published.strip(),
        links=links,
        extra=extra,
    )


def _resolve_crossrefs(entries: list[BibEntry]) -> None:
    """biblatex ``crossref``: a child inherits the parent's title as booktitle, and its year."""
    by_key = {e.key.lower(): e for e in entries}
    for e in entries:
        parent_key = e.fields.get("crossref", "").lower()
        parent = by_key.get(parent_key)
        if parent is None or parent is e:
            continue
        if "booktitle" not in e.fields and "title" in parent.fields:
            e.fields["booktitle"] = parent.fields["title"]
        for name in ("year", "date", "publisher", "address", "editor"):
            if name not in e.fields and name in parent.fields:
                e.fields[name] = parent.fields[name]


@dataclass
class BibParseResult:
    records: list[tuple[int, PaperRecord]]  # (line, record)
    errors: list[RecordError]
    skipped: int


def parse_bibtex(text: str, source: str = "") -> BibParseResult:
    """Parse BibTeX text into cleaned records; bad entries become errors, the rest go on."""
    parsed = parse_bibtex_entries(text, source)
    _resolve_crossrefs(parsed.entries)
    records: list[tuple[int, PaperRecord]] = []
    errors = list(parsed.errors)
    for entry in parsed.entries:
        try:
            records.append((entry.line, entry_to_record(entry, source)))
        except Exception as exc:  # one odd entry must not stop the file
            logger.exception("Could not read BibTeX entry %s in %s", entry.key, source)
            errors.append(RecordError(source, f"line {entry.line} ({entry.key})", str(exc)))
    return BibParseResult(records, errors, parsed.skipped)


def read_bibtex_file(path: Path) -> BibParseResult:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")  # older Chinese .bib files
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
    return parse_bibtex(text, str(path))


# --- writing ---------------------------------------------------------------------------------

_SPECIAL = re.compile(r"([&%#_$])")


def _escape(value: str) -> str:
    value = _SPECIAL.sub(r"\\\1", value)
    # Unbalanced braces would break the file: drop them (they carry no meaning in Unicode text).
    if value.count("{") != value.count("}"):
        value = value.replace("{", "").replace("}", "")
    return value


def make_key(paper: Paper, taken: set[str]) -> str:
    if paper.bibtex_key and re.fullmatch(r"[^\s,{}()=\"#%'~\\]+", paper.bibtex_key):
        key = paper.bibtex_key
    else:
        key = suggest_bibtex_key(paper.title, paper.authors, paper.year)
    base, n = key, 1
    while key in taken:
        n += 1
        key = f"{base}_{n}"
    taken.add(key)
    return key


def paper_to_bibtex(paper: Paper, taken: set[str]) -> str:
    entry_type = paper.entry_type or "article"
    if paper.arxiv_id and not paper.venue and entry_type == "article":
        entry_type = "misc"
    fields: list[tuple[str, str]] = [("title", paper.title)]
    if paper.authors:
        fields.append(("author", " and ".join(_protect_name(a) for a in paper.authors)))
    if paper.venue:
        venue_field = "booktitle" if entry_type in ("inproceedings", "incollection") else "journal"
        fields.append((venue_field, paper.venue))
    if paper.year:
        fields.append(("year", str(paper.year)))
    for name in EXTRA_FIELDS:
        if paper.extra.get(name):
            fields.append((name, paper.extra[name]))
    if paper.doi:
        fields.append(("doi", paper.doi))
    if paper.arxiv_id:
        version = f"v{paper.arxiv_version}" if paper.arxiv_version else ""
        fields.append(("eprint", paper.arxiv_id + version))
        fields.append(("archiveprefix", "arXiv"))
        if paper.categories:
            fields.append(("primaryclass", paper.categories[0]))
    url = paper.links.get("url", "")
    if url:
        fields.append(("url", url))
    for kind in ("pdf", "code", "openreview", "project"):
        if paper.links.get(kind):
            fields.append((kind, paper.links[kind]))
    if paper.abstract:
        fields.append(("abstract", paper.abstract))
    if paper.tags:
        fields.append(("keywords", ", ".join(paper.tags)))
    key = make_key(paper, taken)
    body = ",\n".join(
        f"  {name} = {{{value if name in ('url', 'pdf', 'code', 'openreview', 'project', 'doi') else _escape(value)}}}"
        for name, value in fields
    )
    return f"@{entry_type}{{{key},\n{body}\n}}\n"


def _protect_name(name: str) -> str:
    escaped = _escape(name)
    # A corporate author ("World Health Organization") must not be split into first/last.
    if " and " in name.lower() or "," in name or len(name.split()) > 3:
        return "{" + escaped + "}"
    return escaped


def write_bibtex(papers: Iterable[Paper]) -> Iterator[str]:
    taken: set[str] = set()
    for paper in papers:
        yield paper_to_bibtex(paper, taken)
        yield "\n"
