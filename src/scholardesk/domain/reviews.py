"""Review-time records: one article's history dates, validation flags and result types.

An :class:`ArticleHistory` holds the dates printed on (or deposited for) one article —
received, first revised version, accepted, first online, issue publication — with the journal
it appeared in (title and ISSNs, stored on the article so that review statistics never depend
on the venues tables), where the record came from and when.

Date meanings (every source is mapped onto these):

- ``received``: manuscript first received / submitted;
- ``revised``: the first revised version received (the earliest of several; all are kept in
  ``revisions``) — "received→revised" is the usual proxy for the time to a first decision;
- ``accepted``: accepted for publication;
- ``online``: the first date the article was publicly online (accepted manuscript, "first
  online", "available online", "published online" — the earliest of those the page lists);
- ``published``: the issue / print publication date, when given.

Validation (:func:`validate`) flags impossible or implausible histories. An accepted date
before the received date, or a review time over five years, leaves the whole article out of
the statistics (it is listed as excluded with the reason); smaller problems leave out only the
intervals they touch.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from dataclasses import dataclass, field, replace

# --- intervals ------------------------------------------------------------------------------

INTERVALS: dict[str, tuple[str, str]] = {
    "received-accepted": ("received", "accepted"),
    "received-revised": ("received", "revised"),
    "accepted-online": ("accepted", "online"),
    "received-online": ("received", "online"),
}
DEFAULT_INTERVAL = "received-accepted"
DATE_FIELDS = ("received", "revised", "accepted", "online", "published")

SOURCES = ("crossref", "pubmed", "jats", "html", "pdf", "csv", "manual")

MIN_ARTICLES = 20  # fewer than this: the warning of the by-hand method (DIGEST line 108)
MAX_REVIEW_DAYS = int(5 * 365.25)  # "a review time over 5 years"

# --- flags ----------------------------------------------------------------------------------

ACCEPTED_BEFORE_RECEIVED = "accepted_before_received"
REVIEW_OVER_5_YEARS = "review_over_5_years"
REVISED_BEFORE_RECEIVED = "revised_before_received"
ONLINE_BEFORE_ACCEPTED = "online_before_accepted"
ONLINE_BEFORE_RECEIVED = "online_before_received"
PRODUCTION_OVER_5_YEARS = "production_over_5_years"

# Which intervals each flag leaves out ("*" = the whole article).
FLAG_EXCLUDES: dict[str, frozenset[str]] = {
    ACCEPTED_BEFORE_RECEIVED: frozenset({"*"}),
    REVIEW_OVER_5_YEARS: frozenset({"*"}),
    REVISED_BEFORE_RECEIVED: frozenset({"received-revised"}),
    ONLINE_BEFORE_ACCEPTED: frozenset({"accepted-online"}),
    ONLINE_BEFORE_RECEIVED: frozenset({"received-online"}),
    PRODUCTION_OVER_5_YEARS: frozenset({"accepted-online", "received-online"}),
}

FLAG_REASONS: dict[str, str] = {
    ACCEPTED_BEFORE_RECEIVED: "accepted date is before the received date",
    REVIEW_OVER_5_YEARS: "review time over 5 years",
    REVISED_BEFORE_RECEIVED: "revised date is before the received date",
    ONLINE_BEFORE_ACCEPTED: "online date is before the accepted date",
    ONLINE_BEFORE_RECEIVED: "online date is before the received date",
    PRODUCTION_OVER_5_YEARS: "online more than 5 years after acceptance (digitised back issue?)",
}


def _days(a: dt.date | None, b: dt.date | None) -> int | None:
    if a is None or b is None:
        return None
    return (b - a).days


# --- identifiers ------------------------------------------------------------------------------

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_DOI_SHAPE = re.compile(r"^10\.\d{4,9}/\S+$")
_ISSN_SHAPE = re.compile(r"^(\d{4})-?(\d{3}[\dXx])$")


def normalise_doi(value: str | None) -> str:
    """``https://doi.org/10.1038/SREP16696`` → ``10.1038/srep16696``; "" when not a DOI."""
    if not value:
        return ""
    text = _DOI_PREFIX.sub("", value.strip()).strip().rstrip(".").lower()
    return text if _DOI_SHAPE.match(text) else ""


def normalise_issn(value: str | None) -> str:
    """``2041210x`` → ``2041-210X``; "" when not an ISSN."""
    if not value:
        return ""
    m = _ISSN_SHAPE.match(value.strip())
    return f"{m.group(1)}-{m.group(2).upper()}" if m else ""


def looks_like_issn(value: str) -> bool:
    return bool(normalise_issn(value))


def normalise_journal(name: str) -> str:
    """A key for matching journal names: NFKC, casefold, '&'→'and', punctuation dropped."""
    text = unicodedata.normalize("NFKC", html.unescape(name or "")).casefold()
    text = text.replace("&", " and ")
    text = re.sub(r"^the\s+", "", text)
    text = re.sub(r"[^\w]+", " ", text)
    return " ".join(text.split())


def clean_text(value: str | None) -> str:
    """Unescape entities, drop markup (JATS/HTML tags in titles), collapse whitespace."""
    if not value:
        return ""
    text = re.sub(r"<[^>]+>", "", value)
    return " ".join(html.unescape(text).split())


# --- the record -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleHistory:
    doi: str = ""
    title: str = ""
    journal: str = ""
    issn: str = ""  # print ISSN (or the only ISSN known when its kind is not given)
    eissn: str = ""  # electronic ISSN
    article_type: str = ""
    received: dt.date | None = None
    revised: dt.date | None = None
    accepted: dt.date | None = None
    online: dt.date | None = None
    published: dt.date | None = None
    revisions: tuple[dt.date, ...] = ()
    abstract: str = ""
    source: str = "manual"
    source_url: str = ""
    fetched_at: dt.datetime | None = None
    is_sample: bool = False
    id: int | None = None

    @property
    def key(self) -> str:
        """The duplicate key: the DOI, else the source URL, else journal + title."""
        if self.doi:
            return f"doi:{self.doi}"
        if self.source_url:
            return f"url:{self.source_url}"
        return f"title:{normalise_journal(self.journal)}|{normalise_journal(self.title)}"

    @property
    def has_history(self) -> bool:
        """Whether the record carries any review-history date (else it is useless here)."""
        return any(d is not None for d in (self.received, self.revised, self.accepted))

    @property
    def issns(self) -> tuple[str, ...]:
        return tuple(i for i in (self.issn, self.eissn) if i)

    @property
    def year(self) -> int | None:
        """The year of acceptance (else of online publication, else of receipt)."""
        for d in (self.accepted, self.online, self.received):
            if d is not None:
                return d.year
        return None

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else self.source_url

    @property
    def flags(self) -> tuple[str, ...]:
        return validate(self)

    def days(self, interval: str) -> int | None:
        start, end = INTERVALS[interval]
        return _days(getattr(self, start), getattr(self, end))

    def included_days(self, interval: str) -> int | None:
        """Days for ``interval`` when valid for the statistics, else None."""
        value = self.days(interval)
        if value is None or excluded_intervals(self.flags) & {"*", interval}:
            return None
        return value

    def with_defaults(self) -> ArticleHistory:
        """Normalised identifiers, ``revised`` = earliest revision, sorted revisions."""
        revisions = tuple(sorted(set(self.revisions) | ({self.revised} if self.revised else set())))
        return replace(
            self,
            doi=normalise_doi(self.doi) or "",
            title=clean_text(self.title),
            journal=clean_text(self.journal),
            issn=normalise_issn(self.issn),
            eissn=normalise_issn(self.eissn),
            article_type=self.article_type.strip(),
            revised=revisions[0] if revisions else None,
            revisions=revisions,
            abstract=clean_text(self.abstract),
        )


def validate(h: ArticleHistory) -> tuple[str, ...]:
    """The validation flags of one record (empty when nothing is wrong)."""
    flags: list[str] = []
    review = _days(h.received, h.accepted)
    if review is not None and review < 0:
        flags.append(ACCEPTED_BEFORE_RECEIVED)
    if review is not None and review > MAX_REVIEW_DAYS:
        flags.append(REVIEW_OVER_5_YEARS)
    first_revision = _days(h.received, h.revised)
    if first_revision is not None and first_revision < 0:
        flags.append(REVISED_BEFORE_RECEIVED)
    production = _days(h.accepted, h.online)
    if production is not None and production < 0:
        flags.append(ONLINE_BEFORE_ACCEPTED)
    if production is not None and production > MAX_REVIEW_DAYS:
        flags.append(PRODUCTION_OVER_5_YEARS)
    total = _days(h.received, h.online)
    if total is not None and total < 0:
        flags.append(ONLINE_BEFORE_RECEIVED)
    return tuple(flags)


def excluded_intervals(flags: tuple[str, ...] | list[str]) -> frozenset[str]:
    out: set[str] = set()
    for flag in flags:
        out |= FLAG_EXCLUDES.get(flag, frozenset())
    return frozenset(out)


def is_excluded(flags: tuple[str, ...] | list[str]) -> bool:
    """Whether the whole article is left out of the statistics."""
    return "*" in excluded_intervals(flags)


def merge(old: ArticleHistory, new: ArticleHistory) -> ArticleHistory:
    """Merge a duplicate (same DOI): keep what ``old`` has, fill its gaps from ``new``.

    Dates that ``old`` lacks come from ``new``; revisions are united. The source and URL of
    the first record are kept (each record keeps where it came from).
    """
    updates: dict[str, object] = {}
    for name in ("doi", "title", "journal", "issn", "eissn", "article_type", "abstract",
                 "source_url"):
        if not getattr(old, name) and getattr(new, name):
            updates[name] = getattr(new, name)
    for name in ("received", "accepted", "online", "published"):
        if getattr(old, name) is None and getattr(new, name) is not None:
            updates[name] = getattr(new, name)
    revisions = tuple(sorted(set(old.revisions) | set(new.revisions)))
    if revisions != old.revisions:
        updates["revisions"] = revisions
        updates["revised"] = revisions[0]
    return replace(old, **updates) if updates else old  # type: ignore[arg-type]


# --- queries and results ----------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleQuery:
    journal: str = ""  # ISSN (print or electronic) or name; "" = every journal
    keyword: str = ""  # in title or abstract, case-insensitive
    date_from: dt.date | None = None  # on the acceptance (else online/received) date
    date_to: dt.date | None = None
    article_type: str = ""
    limit: int | None = None


@dataclass(frozen=True)
class JournalInfo:
    journal: str
    issn: str
    eissn: str
    articles: int

    @property
    def label(self) -> str:
        ids = ", ".join(dict.fromkeys(i for i in (self.issn, self.eissn) if i))
        return f"{self.journal} ({ids})" if ids else self.journal

    @property
    def query(self) -> str:
        return self.issn or self.eissn or self.journal


@dataclass(frozen=True)
class IntervalStats:
    """The statistics of one interval over one group of articles."""

    journal: str
    interval: str
    group: str  # "" for all; the year or article type when grouped
    n: int
    excluded: int
    mean_days: float | None = None
    median_days: float | None = None
    p10_days: float | None = None
    p25_days: float | None = None
    p75_days: float | None = None
    p90_days: float | None = None
    min_days: float | None = None
    max_days: float | None = None
    within_3_months: float | None = None  # share (0..1) of intervals ≤ 91 days
    within_6_months: float | None = None  # ≤ 183 days
    within_12_months: float | None = None  # ≤ 365 days
    official_days: float | None = None  # the journal's own figure, when entered
    official_note: str = ""

    @property
    def warning(self) -> str | None:
        if self.n < MIN_ARTICLES:
            return (
                f"Only {self.n} article(s) with this interval; fewer than {MIN_ARTICLES} make "
                "the figures unreliable (or the topic is outside the journal's scope)."
            )
        return None

    def to_json(self) -> dict[str, object]:
        def r(v: float | None, nd: int = 1) -> float | None:
            return None if v is None else round(float(v), nd)

        data: dict[str, object] = {
            "journal": self.journal,
            "interval": self.interval,
            "n": self.n,
            "excluded": self.excluded,
            "mean_days": r(self.mean_days),
            "median_days": r(self.median_days),
            "p10_days": r(self.p10_days),
            "p25_days": r(self.p25_days),
            "p75_days": r(self.p75_days),
            "p90_days": r(self.p90_days),
            "min_days": r(self.min_days),
            "max_days": r(self.max_days),
            "within_3_months": r(self.within_3_months, 3),
            "within_6_months": r(self.within_6_months, 3),
            "within_12_months": r(self.within_12_months, 3),
            "official_days": r(self.official_days),
            "warning": self.warning,
        }
        if self.group:
            data = {"group": self.group, **data}
        return data


@dataclass(frozen=True)
class OfficialFigure:
    journal: str  # the query key it was entered for (ISSN or name)
    interval: str
    days: float
    note: str = ""


@dataclass(frozen=True)
class ArticleRow:
    """An article as the article table and ``reviews articles`` show it."""

    history: ArticleHistory
    flags: tuple[str, ...] = field(default=())

    @property
    def excluded(self) -> bool:
        return is_excluded(self.flags)

    @property
    def reasons(self) -> list[str]:
        return [FLAG_REASONS.get(f, f) for f in self.flags]

    def to_json(self) -> dict[str, object]:
        h = self.history

        def iso(d: dt.date | None) -> str | None:
            return d.isoformat() if d else None

        return {
            "doi": h.doi,
            "title": h.title,
            "journal": h.journal,
            "issn": h.issn,
            "eissn": h.eissn,
            "article_type": h.article_type,
            "received": iso(h.received),
            "revised": iso(h.revised),
            "accepted": iso(h.accepted),
            "online": iso(h.online),
            "published": iso(h.published),
            **{f"{name.replace('-', '_')}_days": h.days(name) for name in INTERVALS},
            "flags": list(self.flags),
            "excluded": self.excluded,
            "source": h.source,
            "source_url": h.source_url,
        }
