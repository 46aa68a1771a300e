"""Papers: what importers produce (``PaperRecord``), what the library stores (``Paper``), and
the rules that join them: dedupe keys, merging that keeps the richest fields, validation and
citation formatting. Pure; no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache

from scholardesk.domain.text_clean import normalise_title, surname

READING_STATUSES = ("unread", "reading", "read")
LINK_KINDS = ("url", "pdf", "code", "openreview", "project")

# Fields a BibTeX export carries beyond the core ones (kept from imports, never searched).
EXTRA_FIELDS = (
    "volume",
    "number",
    "pages",
    "publisher",
    "address",
    "edition",
    "school",
    "institution",
    "organization",
    "month",
    "series",
    "note",
    "isbn",
    "issn",
    "editor",  # a chapter's or conference paper's editors: GB/T "[C]//EDITORS. Proceedings"
    "urldate",  # when it was read online: GB/T's "/OL" form and citation date
)


@dataclass(frozen=True)
class PaperRecord:
    """One paper as a source describes it, cleaned, before it meets the library."""

    title: str
    source_kind: str  # "bibtex" | "arxiv" | "crossref" | "manual" | "sample"
    source_ref: str  # file path, URL, or id: where this record came from
    record_ref: str = ""  # key / line / id inside the source
    authors: tuple[str, ...] = ()
    year: int | None = None
    abstract: str = ""
    doi: str | None = None
    arxiv_id: str | None = None
    arxiv_version: int | None = None
    categories: tuple[str, ...] = ()
    venue: str = ""
    entry_type: str = "article"
    bibtex_key: str = ""
    published: str = ""  # ISO date (first version) when known
    updated: str = ""  # ISO date (latest version) when known
    links: Mapping[str, str] = field(default_factory=dict)
    extra: Mapping[str, str] = field(default_factory=dict)
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Provenance:
    source_kind: str
    source_ref: str
    record_ref: str
    imported_at: datetime | None = None


@dataclass(frozen=True)
class PaperRow:
    """What one line of the papers table shows (a cheap snapshot)."""

    id: int
    title: str
    authors: tuple[str, ...]
    year: int | None
    venue: str
    arxiv_id: str | None
    doi: str | None
    status: str
    rating: int
    tags: tuple[str, ...]
    is_sample: bool = False

    @property
    def authors_short(self) -> str:
        if not self.authors:
            return ""
        if len(self.authors) <= 3:
            return ", ".join(self.authors)
        return f"{self.authors[0]}, {self.authors[1]}, … {self.authors[-1]}"

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "authors": list(self.authors),
            "year": self.year,
            "arxiv_id": self.arxiv_id,
            "doi": self.doi,
            "venue": self.venue,
        }


@dataclass(frozen=True)
class Paper:
    """A paper in the library, with everything the detail pane shows."""

    id: int
    title: str
    authors: tuple[str, ...] = ()
    year: int | None = None
    abstract: str = ""
    doi: str | None = None
    arxiv_id: str | None = None
    arxiv_version: int | None = None
    categories: tuple[str, ...] = ()
    venue: str = ""
    entry_type: str = "article"
    bibtex_key: str = ""
    published: str = ""
    updated: str = ""
    links: Mapping[str, str] = field(default_factory=dict)
    extra: Mapping[str, str] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    status: str = "unread"
    rating: int = 0
    notes: str = ""
    is_sample: bool = False
    added_at: datetime | None = None
    provenance: tuple[Provenance, ...] = ()

    def row(self) -> PaperRow:
        return PaperRow(
            self.id,
            self.title,
            self.authors,
            self.year,
            self.venue,
            self.arxiv_id,
            self.doi,
            self.status,
            self.rating,
            self.tags,
            self.is_sample,
        )

    def to_json(self) -> dict[str, object]:
        return {
            **self.row().to_json(),
            "arxiv_version": self.arxiv_version,
            "abstract": self.abstract,
            "categories": list(self.categories),
            "entry_type": self.entry_type,
            "bibtex_key": self.bibtex_key,
            "published": self.published,
            "links": dict(self.links),
            "extra": dict(self.extra),
            "tags": list(self.tags),
            "status": self.status,
            "rating": self.rating,
            "notes": self.notes,
            "sources": [
                {"kind": p.source_kind, "source": p.source_ref, "record": p.record_ref}
                for p in self.provenance
            ],
        }

    @property
    def best_url(self) -> str:
        if self.links.get("url"):
            return self.links["url"]
        if self.arxiv_id:
            return f"https://arxiv.org/abs/{self.arxiv_id}"
        if self.doi:
            return f"https://doi.org/{self.doi}"
        return self.links.get("pdf", "")


@dataclass(frozen=True)
class PaperFilter:
    """What the table and the CLI list: all conditions are ANDed; empty means no condition."""

    query: str = ""
    tag: str = ""
    status: str = ""
    category: str = ""
    year_from: int | None = None
    year_to: int | None = None
    ids: tuple[int, ...] | None = None
    sample: bool | None = None


@dataclass(frozen=True)
class PaperPage:
    """One window of the Papers table: the ids of rows ``offset`` .. ``offset + len(ids)``,
    how many rows the result has, and whether a search matched more papers than it shows
    (``more``: the table says "more than N")."""

    ids: tuple[int, ...]
    offset: int
    total: int
    more: bool = False


@dataclass(frozen=True)
class Subscription:
    """An arXiv category (``cs.CL``) or saved query (``all:"speech enhancement"``)."""

    id: int
    kind: str  # "category" | "query"
    query: str
    last_checked_at: datetime | None = None
    last_published: str = ""

    @property
    def search_query(self) -> str:
        return f"cat:{self.query}" if self.kind == "category" else self.query

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "query": self.query,
            "last_checked": self.last_checked_at.isoformat() if self.last_checked_at else None,
            "last_published": self.last_published or None,
        }


SORT_COLUMNS = ("added", "title", "authors", "year", "venue", "status", "rating")


# --- validation ----------------------------------------------------------------------------

class InvalidRecord(ValueError):
    """A record that cannot become a paper (the message says why)."""


def validate(record: PaperRecord) -> PaperRecord:
    if not record.title.strip():
        raise InvalidRecord("the record has no title")
    if len(record.title) > 2000:
        raise InvalidRecord("the title is longer than 2000 characters (is a brace missing?)")
    if record.year is not None and not 1000 <= record.year <= 2200:
        record = replace(record, year=None)
    return record


_YEAR = re.compile(r"(?<!\d)(1\d{3}|2[01]\d{2})(?!\d)")


def parse_year(text: str | int | None) -> int | None:
    """The first plausible 4-digit year: ``1865（清同治四年）`` → 1865, ``1957/1990`` → 1957."""
    if text is None:
        return None
    if isinstance(text, int):
        return text if 1000 <= text <= 2200 else None
    m = _YEAR.search(str(text))
    return int(m.group(1)) if m else None


# --- dedupe keys ---------------------------------------------------------------------------

@lru_cache(maxsize=8192)
def _title_key(title: str, first_author: str, year: int | None) -> str | None:
    norm = normalise_title(title)
    first = normalise_title(surname(first_author))
    if not norm or (len(norm) < 4 and not (first and year)):
        return None
    return f"{norm}|{first}|{year or ''}"


def title_key(title: str, authors: Iterable[str], year: int | None) -> str | None:
    """Normalised title + first author's surname + year; None when that is too little to
    identify a paper (a very short title with no author or no year)."""
    return _title_key(title, next(iter(authors), ""), year)


def dedupe_keys(record: PaperRecord) -> dict[str, str]:
    keys: dict[str, str] = {}
    if record.arxiv_id:
        keys["arxiv_id"] = record.arxiv_id
    if record.doi:
        keys["doi"] = record.doi.lower()
    tk = title_key(record.title, record.authors, record.year)
    if tk:
        keys["title_key"] = tk
    return keys


# --- merging -------------------------------------------------------------------------------

def _richer_text(old: str, new: str) -> str:
    return new if len(new) > len(old) else old


def merge_record(existing: PaperRecord, incoming: PaperRecord) -> PaperRecord:
    """The same work seen twice: keep whatever is richer, field by field.

    Idempotent (merging the same record again changes nothing), so re-importing a file is a
    no-op. Existing non-empty values win, except: the longer abstract and author list win, a
    newer arXiv version wins, and a venue from a publisher (journal_ref, BibTeX, Crossref)
    fills an empty venue.
    """
    links = dict(existing.links)
    for kind, url in incoming.links.items():
        if url and not links.get(kind):
            links[kind] = url
    extra = dict(existing.extra)
    for k, v in incoming.extra.items():
        if v and not extra.get(k):
            extra[k] = v
    categories = existing.categories + tuple(
        c for c in incoming.categories if c not in existing.categories
    )
    version = existing.arxiv_version
    if incoming.arxiv_version and (not version or incoming.arxiv_version > version):
        version = incoming.arxiv_version
    authors = existing.authors
    if len(incoming.authors) > len(authors):
        authors = incoming.authors
    tags = existing.tags + tuple(t for t in incoming.tags if t not in existing.tags)
    entry_type = existing.entry_type
    if (
        entry_type in ("misc", "online", "unpublished", "article")
        and incoming.venue
        and not existing.venue
    ):
        entry_type = incoming.entry_type
    return replace(
        existing,
        title=existing.title or incoming.title,
        authors=authors,
        year=existing.year or incoming.year,
        abstract=_richer_text(existing.abstract, incoming.abstract),
        doi=existing.doi or incoming.doi,
        arxiv_id=existing.arxiv_id or incoming.arxiv_id,
        arxiv_version=version,
        categories=categories,
        venue=existing.venue or incoming.venue,
        entry_type=entry_type,
        bibtex_key=existing.bibtex_key or incoming.bibtex_key,
        published=existing.published or incoming.published,
        updated=max(existing.updated, incoming.updated),
        links=links,
        extra=extra,
        tags=tags,
    )


def paper_as_record(paper: Paper) -> PaperRecord:
    return PaperRecord(
        title=paper.title,
        source_kind="library",
        source_ref="",
        authors=paper.authors,
        year=paper.year,
        abstract=paper.abstract,
        doi=paper.doi,
        arxiv_id=paper.arxiv_id,
        arxiv_version=paper.arxiv_version,
        categories=paper.categories,
        venue=paper.venue,
        entry_type=paper.entry_type,
        bibtex_key=paper.bibtex_key,
        published=paper.published,
        updated=paper.updated,
        links=paper.links,
        extra=paper.extra,
        tags=paper.tags,
    )


def same_content(a: PaperRecord, b: PaperRecord) -> bool:
    fields = (
        "title", "authors", "year", "abstract", "doi", "arxiv_id", "arxiv_version", "categories",
        "venue", "entry_type", "bibtex_key", "published", "updated", "tags",
    )
    if any(getattr(a, f) != getattr(b, f) for f in fields):
        return False
    return dict(a.links) == dict(b.links) and dict(a.extra) == dict(b.extra)


_KEY_JUNK = re.compile(r"[^a-z0-9]+")
_STOP = frozenset({"the", "a", "an", "on", "of", "for", "and", "with", "from", "towards", "toward"})


def suggest_bibtex_key(title: str, authors: Iterable[str], year: int | None) -> str:
    """``vaswani2017attention``: first author's surname, year, first significant title word
    (ASCII-folded; Chinese names and titles fall back to ``anon`` / ``paper``)."""
    from scholardesk.domain.text_clean import fold

    first = next(iter(authors), "")
    name = _KEY_JUNK.sub("", fold(surname(first))) if first else ""
    words = [w for w in _KEY_JUNK.split(fold(title)) if w and w not in _STOP and len(w) > 2]
    return f"{name or 'anon'}{year or ''}{words[0] if words else 'paper'}"


# --- tags ----------------------------------------------------------------------------------

def normalise_tag(tag: str) -> str:
    return " ".join(tag.split()).strip().lower()[:80]


# --- citation ------------------------------------------------------------------------------
# The formatter lives in domain/citations.py (GB/T 7714, APA, IEEE over one parsed view).

def citation_gbt7714(paper: Paper) -> str:
    """A GB/T 7714—2015 reference-list entry; see ``scholardesk.domain.citations``."""
    from scholardesk.domain.citations import format_citation

    return format_citation(paper, "gbt7714")
