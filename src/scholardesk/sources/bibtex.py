"""BibTeX / biblatex reading and writing, written for this app (no third-party parser).

Why our own: it must keep going past a malformed entry and say which line it was on, it must
be fast (100,000 entries in seconds), and it must understand biblatex (``journaltitle``,
``date``, ``eprinttype = {arxiv}``) and the GB/T 7714 files Chinese theses use.

Reading: the text is cut at every ``@type{`` / ``@type(`` that starts a line (or follows a
closing brace); each piece is parsed alone, so an unbalanced brace spoils one entry, not the
file. ``@string`` macros (and the month names) are expanded, ``#`` concatenation works,
``@comment``/``@preamble`` are skipped and ``@set``/``@xdata`` are containers, not papers.

Hostile or odd input: what a macro may expand to is capped (one value, and the whole file: 39
doubling ``@string`` lines in a 1 KB file would otherwise need 2^39 characters); a ``%`` comment
after a field is skipped as BibTeX and biber do; a citation key used twice keeps the first entry
(BibTeX's rule) and reports the second. The file's encoding is taken from its byte-order mark,
its declaration (Emacs ``-*- coding: … -*-``, JabRef ``% Encoding: …``), UTF-8, UTF-16 without a
mark, or else detected, and any encoding other than UTF-8 is reported as a notice.
"""

from __future__ import annotations

import codecs
import logging
import re
from collections.abc import Iterable, Iterator, Sequence
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
_NAME = re.compile(r"\s*([^\s=,{}\"#()%]+)\s*")
_NUMBER = re.compile(r"\s*(\d+)\s*")
_KEY = re.compile(r"\s*([^,\s{}()]*)\s*,")
# The common case, ``name = {no nested braces}`` or ``name = 2020``, in one regex match;
# anything else (nesting, quotes, macros, #) goes through the scanner.
_SIMPLE_FIELD = re.compile(
    r"[\s,]*([^\s=,{}\"#()%]+)[ \t]*=[ \t]*(?:\{([^{}]*)\}|(\d+))(?=\s*[,})])"
)
# The same for a braced value, found with str.find (memchr) instead of a character-class loop:
# ``name = {`` here, then the closing brace, no opening brace before it, then ``,`` ``}`` ``)``.
_BRACED_FIELD_HEAD = re.compile(r"[\s,]*([^\s=,{}\"#()%]+)[ \t]*=[ \t]*\{")
_FIELD_END = re.compile(r"\s*[,})]")
_MONTHS = {
    m: str(i)
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_SKIPPED_TYPES = frozenset({"comment", "preamble"})
_CONTAINER_TYPES = frozenset({"set", "xdata"})
_STRING_NAME = re.compile(r"\s*([^\s=,{}\"#()%]+)\s*=")

# What @string macros may expand to: one value, and all expansions of one file together
# (a base allowance plus a multiple of the file's size, so big honest files are never refused).
MAX_MACRO_VALUE = 100_000
MACRO_BUDGET_BASE = 4_000_000
MACRO_BUDGET_PER_CHAR = 4


class BibParseError(ValueError):
    pass


class _MacroLimitError(BibParseError):
    pass


class _Macros:
    """The file's @string macros and what expanding them has cost so far."""

    def __init__(self, text_length: int) -> None:
        self.values: dict[str, str] = {}
        self.refused: dict[str, int] = {}  # macro name -> line of the refused @string
        self.budget = MACRO_BUDGET_BASE + MACRO_BUDGET_PER_CHAR * text_length

    def expand(self, name: str, size_so_far: int) -> str | None:
        value = self.values.get(name)
        if value is None:
            if name in self.refused:
                raise _MacroLimitError(
                    f"it uses the @string macro {name!r}, which was refused at line "
                    f"{self.refused[name]}"
                )
            return None
        if size_so_far + len(value) > MAX_MACRO_VALUE:
            raise _MacroLimitError(
                f"@string macros expand to more than {MAX_MACRO_VALUE:,} characters in one value "
                "(a macro bomb?)"
            )
        self.budget -= len(value)
        if self.budget < 0:
            raise _MacroLimitError(
                "the file's @string macros have expanded to more text than the file can "
                "reasonably hold (a macro bomb?); entries that use macros from here on are refused"
            )
        return value


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
    containers: list[BibEntry] = field(default_factory=list)  # @xdata (and @set) entries


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


def _value(sc: _Scanner, macros: _Macros) -> str:
    parts: list[str] = []
    size = 0
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
            expanded = macros.expand(low, size)
            if expanded is not None:
                parts.append(expanded)
            elif low in _MONTHS:
                parts.append(_MONTHS[low])
            else:
                parts.append(name)  # an undefined @string: bibtex warns and uses it as is
        else:
            raise BibParseError("a field has no value")
        size += len(parts[-1])
        if _peek_past_comments(sc) == "#":
            sc.pos += 1
            continue
        return "".join(parts)


def _peek_past_comments(sc: _Scanner) -> str:
    """The next character, skipping ``%`` comments to the end of their line (BibTeX and biber
    accept ``title = {A}, % why`` inside an entry)."""
    ch = sc.peek()
    while ch == "%":
        newline = sc.text.find("\n", sc.pos, sc.end)
        sc.pos = sc.end if newline < 0 else newline + 1
        ch = sc.peek()
    return ch


def _fields(sc: _Scanner, macros: _Macros, closing: str) -> dict[str, str]:
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
        ch = _peek_past_comments(sc)
        while ch == ",":
            sc.pos += 1
            ch = _peek_past_comments(sc)
        if ch == closing or not ch:
            return out
        m = _NAME.match(sc.text, sc.pos, sc.end)
        if m is None:
            raise BibParseError(f"unexpected {ch!r} where a field name should be")
        name = m.group(1).lower()
        sc.pos = m.end()
        if _peek_past_comments(sc) != "=":
            raise BibParseError(f"field {name!r} has no '=' (is a comma missing before it?)")
        sc.pos += 1
        _peek_past_comments(sc)
        value = _value(sc, macros)
        out.setdefault(name, value)
        ch = _peek_past_comments(sc)
        if ch not in (",", closing, ""):
            raise BibParseError(f"a comma is missing after field {name!r}")


@dataclass
class _ParseState:
    """What parsing carries from one piece of a streamed file to the next."""

    macros: _Macros
    first_seen: dict[str, int] = field(default_factory=dict)  # casefolded key -> its line
    line: int = 1  # line number where the next piece starts


def parse_bibtex_entries(
    text: str, source: str = "", state: _ParseState | None = None
) -> BibFile:
    """Split ``text`` into entries; a malformed entry becomes a RecordError with its line.
    ``state``: ``text`` is one piece of a longer file (macros, keys and lines go on)."""
    result = BibFile()
    macros = state.macros if state is not None else _Macros(len(text))
    # citation key (casefolded) -> line of its first entry
    first_seen: dict[str, int] = state.first_seen if state is not None else {}
    starts = _entry_starts(text)
    counted = [0, state.line if state is not None else 1]  # offset counted up to, line there
    if state is not None:
        state.line += text.count("\n")

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
                try:
                    body = _fields(sc, macros, closing)
                except _MacroLimitError as exc:
                    m = _STRING_NAME.match(text, body_start, end)
                    name = m.group(1).lower() if m else ""
                    if name:
                        macros.refused[name] = line
                        macros.values.pop(name, None)
                    result.errors.append(RecordError(
                        source,
                        f"line {line} (@string {name})" if name else f"line {line} (@string)",
                        f"the macro was not defined: {exc}",
                    ))
                    continue
                for name, value in body.items():
                    macros.values[name] = value
                    macros.refused.pop(name, None)
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
            message = str(exc)
            if isinstance(exc, _MacroLimitError):
                message = f"the entry was not imported: {message}"
            result.errors.append(
                RecordError(source, f"line {line}" + (f" ({label})" if label else ""), message)
            )
            continue
        key = key_match.group(1)
        folded = key.casefold()
        if key and folded in first_seen:
            result.errors.append(RecordError(
                source, f"line {line} ({key})",
                f"the citation key {key!r} was already used at line {first_seen[folded]}; as "
                "BibTeX does, the first entry is kept and this one is not imported",
            ))
            continue
        if key:
            first_seen[folded] = line
        if entry_type in _CONTAINER_TYPES:
            result.skipped += 1
            result.containers.append(BibEntry(entry_type, key, fields, line))
            continue
        result.entries.append(BibEntry(entry_type, key, fields, line))
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


# Where a title's LaTeX says more than its Unicode text can (math), the raw title is kept in
# ``extra`` under this name and written back by the BibTeX export.
TITLE_LATEX = "title_latex"
_MATH_MARKS = ("$", "\\(", "\\[", "\\ensuremath")


def _raw_title(f: dict[str, str]) -> str:
    raw = normalise_space(f.get("title", ""))
    if f.get("subtitle"):
        raw = f"{raw}: {normalise_space(f['subtitle'])}"
    return raw


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
    if doi is None and url:
        doi = normalise_doi(url)  # a resolver (doi.org, doi.acm.org …) or a publisher's /doi/ page
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
    if not venue_raw and entry.entry_type.startswith("in"):
        venue_raw = f.get("maintitle", "")  # a chapter of a multi-volume work
    categories: tuple[str, ...] = ()
    cls = f.get("eprintclass") or f.get("primaryclass") or ""
    if arxiv is not None and cls:
        categories = tuple(c.strip() for c in _CLASS_SEP.split(cls) if "." in c.strip())
    extra = {}
    if f.keys() & _EXTRA_SET or "location" in f:
        for name in EXTRA_FIELDS:
            value = f.get(name) or (f.get("location") if name == "address" else None)
            if value:
                extra[name] = normalise_space(value) if name == "pages" else latex_to_unicode(value)
    raw_title = f.get("title", "")
    if ("$" in raw_title or "\\" in raw_title) and any(m in raw_title for m in _MATH_MARKS):
        extra[TITLE_LATEX] = _raw_title(f)
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


# Never inherited from a crossref / xdata parent: biblatex's own list, plus what identifies a
# publication (a child that took its proceedings' DOI would be merged with the proceedings).
_NOT_INHERITED = frozenset({
    "ids", "crossref", "xref", "xdata", "entryset", "entrysubtype", "execute", "label",
    "options", "presort", "related", "relatedoptions", "relatedstring", "relatedtype",
    "shorthand", "shorthandintro", "sortkey",
    "doi", "eprint", "eprinttype", "eprintclass", "archiveprefix", "primaryclass", "url",
    "urldate", "abstract", "annotation", "file", "pdf", "keywords",
})
_TITLE_PARTS = ("title", "subtitle", "titleaddon")
_NOT_INHERITED_WITH_TITLE = _NOT_INHERITED | frozenset(
    {*_TITLE_PARTS, "shorttitle", "sorttitle", "indextitle", "indexsorttitle"}
)
# biblatex's default inheritance (manual, appendix B): parent types, child types, where the
# parent's title parts go in the child, and whether its author is also the child's bookauthor.
_TITLE_RULES: tuple[tuple[frozenset[str], frozenset[str], str, bool], ...] = (
    (frozenset({"mvbook"}), frozenset({"book", "inbook", "bookinbook", "suppbook"}), "main", True),
    (frozenset({"mvcollection", "mvreference"}),
     frozenset({"collection", "reference", "incollection", "inreference", "suppcollection"}),
     "main", False),
    (frozenset({"mvproceedings"}), frozenset({"proceedings", "inproceedings"}), "main", False),
    (frozenset({"book"}), frozenset({"inbook", "bookinbook", "suppbook"}), "book", True),
    (frozenset({"collection", "reference"}),
     frozenset({"incollection", "inreference", "suppcollection"}), "book", False),
    (frozenset({"proceedings"}), frozenset({"inproceedings"}), "book", False),
    (frozenset({"periodical"}), frozenset({"article", "suppperiodical"}), "journal", False),
)
_TYPE_ALIASES = {"conference": "inproceedings"}


def _title_rule(parent_type: str, child_type: str) -> tuple[str, bool] | None:
    parent_type = _TYPE_ALIASES.get(parent_type, parent_type)
    child_type = _TYPE_ALIASES.get(child_type, child_type)
    for parents, children, prefix, bookauthor in _TITLE_RULES:
        if parent_type in parents and child_type in children:
            return prefix, bookauthor
    return None


def _inherit(parent: BibEntry, child: BibEntry, from_xdata: bool) -> None:
    fields = child.fields
    rule = None if from_xdata else _title_rule(parent.entry_type, child.entry_type)
    skip = _NOT_INHERITED
    if rule is not None:
        prefix, bookauthor = rule
        for part in _TITLE_PARTS:
            target = prefix + part  # booktitle, mainsubtitle, journaltitle ...
            if part in parent.fields and target not in fields:
                fields[target] = parent.fields[part]
        if bookauthor and "author" in parent.fields and "bookauthor" not in fields:
            fields["bookauthor"] = parent.fields["author"]
        skip = _NOT_INHERITED_WITH_TITLE
    for name, value in parent.fields.items():
        if name not in skip and name not in fields:
            fields[name] = value


def _keys_in(value: str) -> list[str]:
    return [k.strip().lower() for k in value.split(",") if k.strip()]


def resolve_inheritance(entries: list[BibEntry], containers: Sequence[BibEntry] = ()) -> None:
    """biblatex ``xdata`` and ``crossref``: a child takes what it lacks from its parents, the
    title parts where biblatex puts them (a proceedings' title is an inproceedings' booktitle,
    a book's title an inbook's booktitle, a multi-volume work's its maintitle, a periodical's an
    article's journaltitle). Chains are followed, loops and missing parents ignored."""
    by_key: dict[str, BibEntry] = {}
    for e in (*containers, *entries):
        by_key.setdefault(e.key.lower(), e)
    for e in (*containers, *entries):
        for alias in _keys_in(e.fields.get("ids", "")):
            by_key.setdefault(alias, e)
    done: set[int] = set()
    active: set[int] = set()

    def resolve(e: BibEntry) -> None:
        if id(e) in done or id(e) in active:
            return
        active.add(id(e))
        for key in _keys_in(e.fields.get("xdata", "")):
            parent = by_key.get(key)
            if parent is not None and parent is not e and id(parent) not in active:
                resolve(parent)
                _inherit(parent, e, from_xdata=True)
        crossref = e.fields.get("crossref", "").strip().lower()
        parent = by_key.get(crossref) if crossref else None
        if parent is not None and parent is not e and id(parent) not in active:
            resolve(parent)
            _inherit(parent, e, from_xdata=False)
        active.discard(id(e))
        done.add(id(e))

    for e in entries:
        if "xdata" in e.fields or "crossref" in e.fields:
            resolve(e)


@dataclass
class BibParseResult:
    records: list[tuple[int, PaperRecord]]  # (line, record)
    errors: list[RecordError]
    skipped: int
    notices: list[RecordError] = field(default_factory=list)  # e.g. the encoding used


def parse_bibtex(text: str, source: str = "") -> BibParseResult:
    """Parse BibTeX text into cleaned records; bad entries become errors, the rest go on."""
    parsed = parse_bibtex_entries(text, source)
    resolve_inheritance(parsed.entries, parsed.containers)
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
    decoded = decode_bibtex_bytes(raw)
    result = parse_bibtex(decoded.text, str(path))
    if decoded.notice:
        result.notices.append(RecordError(str(path), "file", decoded.notice))
    if not result.records and not result.errors:
        why = "no BibTeX entries (@article{…}, @book{…} …) were found in the file"
        if result.skipped:
            why += f"; it holds only {result.skipped} @set/@xdata container(s)"
        elif not decoded.text.strip():
            why = "the file is empty"
        result.errors.append(RecordError(str(path), "file", why))
    return result


# --- encodings -------------------------------------------------------------------------------

@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str  # Python codec name, e.g. "utf-8", "utf-16-le", "cp1252"
    notice: str = ""  # set when the encoding is not UTF-8: which one, and why


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_DECLARATIONS = (
    re.compile(rb"-\*-.*?\bcoding:\s*([\w.:-]+).*?-\*-"),  # Emacs, first two lines
    re.compile(rb"^[ \t]*%+[ \t]*Encoding:[ \t]*([\w.:-]+)", re.IGNORECASE | re.MULTILINE),  # JabRef
    re.compile(rb"^[ \t]*%+[ \t]*!TeX[ \t]+encoding[ \t]*=[ \t]*([\w.:-]+)", re.IGNORECASE | re.MULTILINE),
)
# Tried in this order when a file is neither UTF-8 nor declares its encoding; the most
# plausible reading wins (ties go to the earlier one). GB18030 comes before the Cyrillic code
# pages: Cyrillic text is rarely valid GB18030 (an odd-length word leaves a lead byte before a
# space), while a short Chinese title can read as four Cyrillic capitals.
_CANDIDATES = (
    "cp1252", "iso8859-2", "cp1250", "iso8859-15", "gb18030", "big5", "shift_jis", "euc_kr",
    "cp1251", "koi8-r", "iso8859-7",
)
_MULTIBYTE = frozenset({"gb18030", "gbk", "gb2312", "big5", "big5hkscs", "cp950", "shift_jis",
                        "cp932", "euc_jp", "euc_kr", "cp949", "euc_jis_2004", "johab"})


def decode_bibtex_bytes(raw: bytes) -> DecodedText:
    """A .bib file's text: byte-order mark, UTF-16 without one, declared encoding, UTF-8,
    else the most plausible of the usual legacy encodings (charset-normalizer breaking ties
    between the East Asian ones)."""
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            text = raw[len(bom):].decode(codec, errors="replace")
            notice = "" if codec == "utf-8" else f"read as {codec.upper()} (byte-order mark)"
            return DecodedText(text, codec, notice)
    utf16 = _utf16_without_bom(raw)
    if utf16 is not None:
        try:
            text = raw.decode(utf16)
        except UnicodeDecodeError:
            pass
        else:
            return DecodedText(text, utf16, f"read as {utf16.upper()} (no byte-order mark)")
    declared = _declared_encoding(raw)
    if declared is not None:
        name, label = declared
        try:
            text = raw.decode(name)
        except UnicodeDecodeError:
            pass  # the declaration is wrong: fall through to detection
        else:
            notice = "" if name == "utf-8" else f"read as {label}, as the file declares"
            return DecodedText(text, name, notice)
    try:
        return DecodedText(raw.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    codec, text = _detect(raw)
    return DecodedText(
        text, codec,
        f"the file is not UTF-8 and declares no encoding; read as {codec} (detected). If "
        "accented letters look wrong, add a first line such as '% Encoding: ISO8859_1' "
        "(JabRef's) naming the file's encoding, or save it as UTF-8",
    )


def _utf16_without_bom(raw: bytes) -> str | None:
    """UTF-16 text with no byte-order mark: ASCII characters leave a NUL in every other byte."""
    head = raw[:4096]
    half = len(head) // 2
    if half < 2:
        return None
    even = head[0::2].count(0)
    odd = head[1::2].count(0)
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _declared_encoding(raw: bytes) -> tuple[str, str] | None:
    head = raw[:4096]
    first_lines = b"\n".join(head.split(b"\n", 2)[:2])
    for i, pattern in enumerate(_DECLARATIONS):
        m = pattern.search(first_lines if i == 0 else head)
        if m is None:
            continue
        label = m.group(1).decode("ascii", errors="replace")
        name = _codec_name(label)
        if name is None:
            continue
        if name.startswith(("utf-16", "utf-32")):
            continue  # the declaration was readable as ASCII, so the file is not UTF-16/32
        return name, label
    return None


def _codec_name(label: str) -> str | None:
    """A declared encoding as Python names it: JabRef's Java names (``ISO8859_1``, ``Cp1252``)
    and Emacs's (``latin-1``, ``iso-latin-2-unix``) included."""
    base = re.sub(r"-(?:unix|dos|mac)$", "", label.strip().lower())
    base = re.sub(r"^iso-latin-", "latin", base)
    for candidate in (base, base.replace("-", ""), base.replace("_", "-")):
        try:
            return codecs.lookup(candidate).name
        except LookupError:
            continue
    return None


def _detect(raw: bytes) -> tuple[str, str]:
    scored: list[tuple[float, int, str, str]] = []
    for order, codec in enumerate(_CANDIDATES):
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        scored.append((_plausibility(text, codec), -order, codec, text))
    if not scored:
        return "latin-1", raw.decode("latin-1")
    best = max(score for score, *_ in scored)
    tied = [(codec, text) for score, _, codec, text in sorted(scored, reverse=True) if score == best]
    tied.sort(key=lambda ct: _CANDIDATES.index(ct[0]))
    if len(tied) > 1 and all(codec in _MULTIBYTE for codec, _ in tied):
        from charset_normalizer import from_bytes

        guess = from_bytes(raw, cp_isolation=[codec for codec, _ in tied]).best()
        if guess is not None:
            name = codecs.lookup(guess.encoding).name
            for codec, text in tied:
                if codecs.lookup(codec).name == name:
                    return codec, text
    return tied[0]


def _script(ch: str) -> str:
    o = ord(ch)
    if 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF:
        return "han"
    if 0x3040 <= o <= 0x30FF:
        return "kana"
    if 0xAC00 <= o <= 0xD7AF:
        return "hangul"
    if 0x0400 <= o <= 0x04FF:
        return "cyrillic"
    if 0x0370 <= o <= 0x03FF:
        return "greek"
    if o <= 0x024F or 0x1E00 <= o <= 0x1EFF:
        return "latin"
    return "other"


# Lead bytes of the frequent characters of each East Asian encoding (GB2312 level 1, Big5's
# common characters, JIS level 1 kanji, KS X 1001 hangul): a real text is mostly these, a
# Cyrillic or Latin text misread as one mostly is not.
_COMMON_LEAD = {
    "gb18030": (0xB0, 0xD7), "big5": (0xA4, 0xC6), "shift_jis": (0x88, 0x9F), "euc_kr": (0xB0, 0xC8),
}


def _frequency(run: str, codec: str) -> float:
    bounds = _COMMON_LEAD.get(codec)
    if bounds is None:
        return 0.0
    low, high = bounds
    total = 0.0
    for ch in run:
        try:
            lead = ch.encode(codec)[0]
        except UnicodeEncodeError:
            lead = 0
        total += 0.5 if low <= lead <= high else -0.5
    return total


def _plausibility(text: str, codec: str = "") -> float:
    """How much a decoding reads like bibliography text: accented Latin letters inside words,
    CJK in runs (not one ideograph glued between ASCII letters, as ``S鰉e`` is), Cyrillic
    and Greek in words of their own; controls, private-use characters and symbols count
    against."""
    import unicodedata

    score = 0.0
    n = len(text)
    i = 0
    while i < n:
        ch = text[i]
        if ch < "\x80":
            i += 1
            continue
        cat = unicodedata.category(ch)
        if cat[0] != "L":
            score += 0.25 if cat[0] in "PZ" else -5.0 if cat[0] == "C" else -0.25
            i += 1
            continue
        script = _script(ch)
        j = i
        while j < n and text[j] >= "\x80" and unicodedata.category(text[j])[0] == "L" and _script(
            text[j]
        ) == script:
            j += 1
        run = j - i
        before = text[i - 1] if i else " "
        after = text[j] if j < n else " "
        ascii_neighbour = (before.isascii() and before.isalpha()) or (
            after.isascii() and after.isalpha()
        )
        if script in ("han", "kana", "hangul"):
            sandwiched = before.isascii() and before.isalpha() and after.isascii() and after.isalpha()
            score += -2.0 * run if run == 1 and sandwiched else 2.0 * run if run > 1 else 1.0
            if script != "kana":
                score += _frequency(text[i:j], codec)
        elif script == "latin":
            score += (1.0 if ascii_neighbour else 0.5) * run if run <= 4 else -0.5 * run
        elif script in ("cyrillic", "greek"):
            score += -1.0 * run if ascii_neighbour else 1.0 * run
        else:
            score -= run
        i = j
    return score


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
    raw_title = _kept_latex_title(paper)
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
    verbatim = {"url", "pdf", "code", "openreview", "project", "doi"}
    body = ",\n".join(
        f"  {name} = {{{value if name in verbatim else _escape(value)}}}"
        if not (name == "title" and raw_title) else f"  title = {{{raw_title}}}"
        for name, value in fields
    )
    return f"@{entry_type}{{{key},\n{body}\n}}\n"


def _kept_latex_title(paper: Paper) -> str:
    """The title's original LaTeX (math and all), if it was kept and still says what the
    title says; else empty (the Unicode title is written, escaped)."""
    raw = paper.extra.get(TITLE_LATEX, "")
    if not raw or raw.count("{") != raw.count("}"):
        return ""
    return raw if latex_to_unicode(raw) == paper.title else ""


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


class BibtexStreamReader:
    """Iterate over ``(line, record)`` of a ``.bib`` file (plain, ``.gz`` or ``.zip``) while it
    is read; ``stats`` follows the reading.

    A file up to ``WHOLE_FILE_LIMIT`` is read at once (``read_bibtex_file``: the encoding
    detected from the whole text). A larger one is streamed: its encoding is taken from the
    first 64 KB (byte-order mark, declaration, UTF-8, else detected there); it is decoded and
    parsed in pieces of about ``STREAM_CHUNK`` cut at an entry start, with ``@string`` macros,
    duplicate keys and line numbers carried across pieces. ``crossref`` / ``xdata``: a first,
    cheap pass collects the keys that are referenced; only those entries (and
    ``@xdata``/``@set`` containers) are kept, and the children wait for their parents until
    the end of the file (BibTeX wants parents after children), so memory holds the
    inheritance families, not the file.
    """

    def __init__(self, path: Path) -> None:
        from scholardesk.sources.import_stream import ReadStats

        self.path = path
        self.source = str(path)
        self.stats = ReadStats(self.source)

    def __iter__(self) -> Iterator[tuple[int, PaperRecord]]:
        from scholardesk.sources.import_stream import sniff

        stats = self.stats
        size = self.path.stat().st_size
        if size > WHOLE_FILE_LIMIT and not sniff(self.path, 4).startswith(
                (b"\x1f\x8b", b"PK\x03\x04")):
            yield from self._stream(size)
            return
        from scholardesk.sources.import_stream import open_input

        with open_input(self.path) as opened:
            raw = opened.stream.read()
        decoded = decode_bibtex_bytes(raw)
        del raw
        result = parse_bibtex(decoded.text, self.source)
        if decoded.notice:
            stats.notices.append(RecordError(self.source, "file", decoded.notice))
        stats.total_bytes = stats.bytes_read = size
        for e in result.errors:
            stats.errors.add(e.record, e.message)
        stats.skipped += result.skipped
        if not result.records and not result.errors and not result.skipped:
            why = "the file is empty" if not decoded.text.strip() else \
                "no BibTeX entries (@article{…}, @book{…} …) were found in the file"
            stats.errors.add("file", why)
        for line, record in result.records:
            stats.records += 1
            yield line, record

    def _encoding(self, head: bytes) -> tuple[str, int]:
        """(codec, bytes of byte-order mark to skip) from the file's first bytes."""
        for bom, codec in _BOMS:
            if head.startswith(bom):
                if codec != "utf-8":
                    self._notice(f"read as {codec.upper()} (byte-order mark)")
                return codec, len(bom)
        utf16 = _utf16_without_bom(head)
        if utf16 is not None:
            self._notice(f"read as {utf16.upper()} (no byte-order mark)")
            return utf16, 0
        declared = _declared_encoding(head)
        if declared is not None:
            if declared[0] != "utf-8":
                self._notice(f"read as {declared[1]}, as the file declares")
            return declared[0], 0
        try:
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
            return "utf-8", 0
        except UnicodeDecodeError:
            codec, _text = _detect(head)
            self._notice(f"the file is not UTF-8 and declares no encoding; read as {codec} "
                         "(detected from its beginning)")
            return codec, 0

    def _notice(self, message: str) -> None:
        self.stats.notices.append(RecordError(self.source, "file", message))

    def _pieces(self, codec: str, skip: int) -> Iterator[str]:
        """The decoded text in pieces of about ``STREAM_CHUNK`` bytes, each ending at a line
        end (the last one at the end of the file)."""
        decoder = codecs.getincrementaldecoder(codec)(errors="replace")
        carry = ""
        try:
            fh = self.path.open("rb")
        except OSError as exc:
            raise InputError(f"Cannot read {self.path}: {exc.strerror or exc}.") from exc
        with fh:
            fh.read(skip)
            while True:
                chunk = fh.read(STREAM_CHUNK)
                self.stats.bytes_read = fh.tell()
                text = carry + decoder.decode(chunk, final=not chunk)
                if not chunk:
                    if text:
                        yield text
                    return
                cut = text.rfind("\n") + 1
                if cut == 0:
                    carry = text
                    continue
                carry = text[cut:]
                yield text[:cut]

    def _stream(self, size: int) -> Iterator[tuple[int, PaperRecord]]:
        from scholardesk.sources.import_stream import sniff

        stats, source = self.stats, self.source
        stats.total_bytes = size
        codec, skip = self._encoding(sniff(self.path, 65536))
        referenced: set[str] = set()
        for piece in self._pieces(codec, skip):
            for m in _REFERENCE.finditer(piece):
                referenced.update(_keys_in(m.group(1) or m.group(2) or ""))
        stats.bytes_read = 0
        state = _ParseState(_Macros(size))
        parents: dict[str, BibEntry] = {}
        containers: list[BibEntry] = []
        waiting: list[BibEntry] = []
        buffer = ""
        pieces = self._pieces(codec, skip)
        while True:
            piece = next(pieces, None)
            final = piece is None
            buffer += piece or ""
            starts = _entry_starts(buffer)
            if not final:
                if len(starts) < 2 and len(buffer) < 16 * STREAM_CHUNK:
                    continue  # the entry goes on in the next piece
                cut = starts[-1][0] if starts and starts[-1][0] > 0 else len(buffer)
                text, buffer = buffer[:cut], buffer[cut:]
            else:
                text, buffer = buffer, ""
            parsed = parse_bibtex_entries(text, source, state)
            for e in parsed.errors:
                stats.errors.add(e.record, e.message)
            stats.skipped += parsed.skipped
            containers.extend(parsed.containers)
            for c in parsed.containers:
                parents.setdefault(c.key.lower(), c)
            for entry in parsed.entries:
                if entry.key.lower() in referenced:
                    parents.setdefault(entry.key.lower(), entry)
                if "xdata" in entry.fields or "crossref" in entry.fields:
                    waiting.append(entry)  # its parents may come later in the file
                    continue
                yield from self._records(entry)
            if final:
                break
        resolve_inheritance(waiting, list(parents.values()))
        for entry in waiting:
            yield from self._records(entry)
        stats.bytes_read = size

    def _records(self, entry: BibEntry) -> Iterator[tuple[int, PaperRecord]]:
        try:
            record = entry_to_record(entry, self.source)
        except Exception as exc:  # one odd entry must not stop the file
            logger.exception("Could not read BibTeX entry %s in %s", entry.key, self.source)
            self.stats.errors.add(f"line {entry.line} ({entry.key})", str(exc))
            return
        self.stats.records += 1
        yield entry.line, record


WHOLE_FILE_LIMIT = 16 * 1024 * 1024  # larger .bib files are streamed
STREAM_CHUNK = 4 * 1024 * 1024
_REFERENCE = re.compile(r"\b(?:crossref|xdata)\s*=\s*(?:\{([^{}]*)\}|\"([^\"]*)\")", re.IGNORECASE)
