"""Where was a preprint published? The pure rules that judge the candidates the web services
return and decide, with a confidence, or say "not published (yet)" / "ambiguous".

A candidate is accepted only when its title is the paper's title (or the service itself ties
it to the paper's arXiv id / preprint DOI and the title is close), the authors overlap, the
year is plausible (published year ≥ arXiv year − 1 and ≤ arXiv year + 4) and it names a real
venue (CoRR / arXiv and other preprint servers are the preprint itself). Everything else is
kept as *rejected*, with the reason, and never applied. Accepted candidates that name the same
publication (same DOI, or the same venue and year) form one group; sources agreeing raise the
confidence (1 − Π(1 − cᵢ)), so two agreeing sources beat one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from rapidfuzz import fuzz

from scholardesk.domain.text_clean import fold, normalise_title, surname

PUBLISHED = "published"
NOT_FOUND = "not_found"
AMBIGUOUS = "ambiguous"
SKIPPED = "skipped"  # e.g. a paper without a title
STATUSES = (PUBLISHED, NOT_FOUND, AMBIGUOUS, SKIPPED)

TITLE_MIN = 0.90  # title similarity a candidate needs on its own
TITLE_MIN_TIED = 0.60  # ... when the service ties it to our arXiv id / preprint DOI
SINGLE_CAP = 0.80  # one source, matched on title/authors/year only
TIED_CAP = 0.90  # one source that names our arXiv id / preprint DOI
STOP_CONFIDENCE = 0.90  # confident enough to ask no further service
AMBIGUITY_MARGIN = 0.20  # a rival publication this close to the best one → ambiguous
YEARS_BEFORE, YEARS_AFTER = 1, 4

ARXIV_DOI_PREFIX = "10.48550/arxiv."
_PREPRINT_VENUES = {
    "arxiv", "arxivorg", "corr", "arxivcornelluniversity", "biorxiv", "medrxiv", "ssrn",
    "researchsquare", "preprintsorg", "techrxiv", "chemrxiv", "psyarxiv", "peerjpreprints",
    "biorxivcoldspringharborlaboratory", "medrxivcoldspringharborlaboratory",
    "electronicjournalssrn", "zenodo", "openreviewnet",
}
_PREPRINT_DOI_PREFIXES = (ARXIV_DOI_PREFIX, "10.1101/", "10.7287/peerj.preprints", "10.2139/ssrn",
                          "10.21203/rs.", "10.20944/preprints", "10.36227/techrxiv",
                          "10.26434/chemrxiv", "10.31234/osf.io")
_ACRONYM_STOP = {"of", "on", "in", "and", "the", "for", "a", "an", "to", "at", "de"}
_YEAR = re.compile(r"\b(19|20)\d{2}\b")


@dataclass(frozen=True)
class Target:
    """The library paper being resolved."""

    title: str
    authors: tuple[str, ...] = ()
    year: int | None = None
    arxiv_id: str | None = None
    doi: str | None = None  # its DOI when that is a preprint DOI (arXiv DataCite, bioRxiv, ...)

    @property
    def preprint_dois(self) -> set[str]:
        out = set()
        if self.arxiv_id:
            out.add(ARXIV_DOI_PREFIX + self.arxiv_id.lower())
        if self.doi and is_preprint_doi(self.doi):
            out.add(self.doi.lower())
        return out


@dataclass(frozen=True)
class Candidate:
    """One record a web service offers as (perhaps) the published version."""

    source: str  # semanticscholar | dblp | openalex | crossref | arxiv
    title: str
    authors: tuple[str, ...] = ()
    year: int | None = None
    venue: str = ""
    kind: str = ""  # journal | conference | ""
    doi: str | None = None
    pages: str = ""
    volume: str = ""
    arxiv_id: str | None = None  # the arXiv id the service says this record is
    preprint_dois: tuple[str, ...] = ()  # Crossref relation has-preprint
    published_dois: tuple[str, ...] = ()  # Crossref relation is-preprint-of (of a preprint)
    is_preprint: bool = False  # the record is a preprint (type, or its only venue is a server)
    ref: str = ""  # the record's id at the source (S2 paperId, DBLP key, OpenAlex W-id, DOI)


@dataclass(frozen=True)
class Rejected:
    source: str
    title: str
    venue: str
    year: int | None
    doi: str | None
    reason: str

    def to_json(self) -> dict[str, object]:
        return {"source": self.source, "title": self.title, "venue": self.venue,
                "year": self.year, "doi": self.doi, "reason": self.reason}


@dataclass(frozen=True)
class Accepted:
    candidate: Candidate
    confidence: float
    title_similarity: float


@dataclass(frozen=True)
class Verdict:
    """What one source said about the paper, judged."""

    accepted: tuple[Accepted, ...] = ()
    rejected: tuple[Rejected, ...] = ()
    unpublished: bool = False  # the source knows this paper, and only as a preprint


@dataclass(frozen=True)
class Resolution:
    status: str
    confidence: float = 0.0
    venue: str = ""
    kind: str = ""
    year: int | None = None
    doi: str | None = None
    pages: str = ""
    volume: str = ""
    sources: tuple[str, ...] = ()
    fields: dict[str, str] = field(default_factory=dict)  # field → the source it came from
    rejected: tuple[Rejected, ...] = ()
    notes: tuple[str, ...] = ()  # sources skipped and why, rival publications
    venues: tuple[str, ...] = ()  # every spelling of the venue the agreeing sources gave

    @property
    def confident(self) -> bool:
        """Sure enough to ask no further service: a venue and its year are known."""
        return (self.status == PUBLISHED and self.confidence >= STOP_CONFIDENCE
                and bool(self.venue) and self.year is not None)


def is_preprint_doi(doi: str) -> bool:
    d = doi.lower()
    return d.startswith(_PREPRINT_DOI_PREFIXES)


def is_preprint_venue(venue: str) -> bool:
    key = normalise_title(venue)
    return bool(key) and (key in _PREPRINT_VENUES or key.startswith("arxiv"))


def title_similarity(a: str, b: str) -> float:
    """0..1; the whole titles, and also the parts after a "Name:" prefix ("ChemCrow: ...")."""
    def variants(t: str) -> list[str]:
        out = [normalise_title(t)]
        if ":" in t:
            out.append(normalise_title(t.split(":", 1)[1]))
        return [v for v in out if v]

    best = 0.0
    for x in variants(a):
        for y in variants(b):
            best = max(best, fuzz.ratio(x, y) / 100.0)
    return best


def _surnames(authors: Iterable[str]) -> set[str]:
    out = set()
    for name in authors:
        s = normalise_title(surname(re.sub(r"\s+\d{4}$", "", name)))
        if s:
            out.add(s)
    return out


def author_overlap(ours: Sequence[str], theirs: Sequence[str]) -> float | None:
    """Share of the shorter author list found in the other (by surname); None if one is empty."""
    a, b = _surnames(ours), _surnames(theirs)
    if not a or not b:
        return None
    return len(a & b) / min(len(a), len(b))


def plausible_year(arxiv_year: int | None, published_year: int | None) -> bool:
    if arxiv_year is None or published_year is None:
        return True
    return arxiv_year - YEARS_BEFORE <= published_year <= arxiv_year + YEARS_AFTER


def ties_to(target: Target, c: Candidate) -> bool:
    """The service itself says this record is our paper (arXiv id, preprint DOI relation)."""
    if target.arxiv_id and c.arxiv_id and c.arxiv_id.lower() == target.arxiv_id.lower():
        return True
    ours = target.preprint_dois
    return bool(ours and {d.lower() for d in c.preprint_dois} & ours)


def judge(target: Target, candidates: Sequence[Candidate]) -> Verdict:
    """Accept or reject each candidate of one source."""
    accepted: list[Accepted] = []
    rejected: list[tuple[float, Rejected]] = []
    unpublished = False
    for c in candidates:
        sim = title_similarity(target.title, c.title)
        tied = ties_to(target, c)

        def reject(reason: str, c: Candidate = c, sim: float = sim) -> None:
            rejected.append((sim, Rejected(c.source, c.title, c.venue, c.year, c.doi, reason)))

        if sim < (TITLE_MIN_TIED if tied else TITLE_MIN):
            reject(f"a different title (similarity {sim:.2f})")
            continue
        overlap = author_overlap(target.authors, c.authors)
        if overlap is not None and overlap == 0:
            reject("no author in common")
            continue
        preprint = c.is_preprint or (bool(c.venue) and is_preprint_venue(c.venue)) or bool(
            c.doi and is_preprint_doi(c.doi))
        if preprint:
            if tied or sim >= TITLE_MIN:
                unpublished = True
            reject("the preprint itself (" + (c.venue or "preprint server") + "), not a publication")
            continue
        if not c.venue and not c.doi:
            unpublished = unpublished or tied
            reject("names no venue and no DOI")
            continue
        if not plausible_year(target.year, c.year):
            reject(f"published {c.year}, implausible for a preprint of {target.year}")
            continue
        score = 0.6 + 0.2 * min(1.0, max(0.0, (sim - TITLE_MIN) / (1 - TITLE_MIN)))
        if overlap is not None and overlap >= 0.5:
            score += 0.1
        if tied:
            score += 0.15
        accepted.append(Accepted(c, round(min(TIED_CAP if tied else SINGLE_CAP, score), 3), sim))
    rejected.sort(key=lambda x: -x[0])
    return Verdict(tuple(accepted), tuple(r for _, r in rejected[:5]), unpublished)


def acronym_of(short: str, long: str) -> bool:
    """"NIPS" ~ "Neural Information Processing Systems" (initials, in order, stopwords out)."""
    letters = normalise_title(_YEAR.sub("", short))
    words = [w for w in re.findall(r"[a-z0-9]+", fold(long)) if w not in _ACRONYM_STOP]
    initials = "".join(w[0] for w in words)
    if not letters or len(letters) < 2 or len(letters) > len(initials) or not letters.isalpha():
        return False
    it = iter(initials)
    return all(ch in it for ch in letters)


def same_venue(a: str, b: str) -> bool:
    ka, kb = normalise_title(_YEAR.sub("", a)), normalise_title(_YEAR.sub("", b))
    if not ka or not kb:
        return False
    if ka == kb or fuzz.token_sort_ratio(fold(a), fold(b)) >= 90:
        return True
    return acronym_of(a, b) or acronym_of(b, a) or _abbreviates(a, b) or _abbreviates(b, a)


def _abbreviates(short: str, long: str) -> bool:
    """"Nat. Mac. Intell." ~ "Nature Machine Intelligence": word by word, prefixes."""
    s = [w for w in re.findall(r"[a-z0-9]+", fold(short)) if w not in _ACRONYM_STOP]
    g = [w for w in re.findall(r"[a-z0-9]+", fold(long)) if w not in _ACRONYM_STOP]
    return len(s) == len(g) > 1 and all(y.startswith(x) for x, y in zip(s, g, strict=True))


def _same_publication(
    x: Candidate, y: Candidate, venue_key: Callable[[str], str | None]
) -> bool:
    if x.doi and y.doi:
        return x.doi.lower() == y.doi.lower()
    if x.year and y.year and abs(x.year - y.year) > 1:
        return False
    kx, ky = venue_key(x.venue), venue_key(y.venue)
    if kx and ky:  # both name catalogue venues
        return kx == ky
    if same_venue(x.venue, y.venue):
        return True
    # The same paper, the same year, the venue spelled two ways no rule joins ("NeurIPS" and
    # "Neural Information Processing Systems"): one publication. A year apart: a rival.
    return x.year is None or y.year is None or x.year == y.year


def _best_venue(cands: Sequence[Candidate]) -> Candidate:
    """The candidate whose venue is spelled out best (journal name over "Nat. Mac. Intell.")."""
    named = [c for c in cands if c.venue]
    if not named:
        return cands[0]
    return max(named, key=lambda c: (c.venue.count(".") == 0, len(c.venue)))


def decide(
    target: Target,
    verdicts: Sequence[Verdict],
    notes: Sequence[str] = (),
    venue_key: Callable[[str], str | None] = lambda _v: None,
) -> Resolution:
    """Everything the sources said → one resolution."""
    rejected = tuple(r for v in verdicts for r in v.rejected)
    accepted = [a for v in verdicts for a in v.accepted]
    if not accepted:
        return Resolution(NOT_FOUND, 0.0, rejected=rejected, notes=tuple(notes))
    groups: list[list[Accepted]] = []
    for a in accepted:
        for g in groups:
            if any(_same_publication(a.candidate, b.candidate, venue_key) for b in g):
                g.append(a)
                break
        else:
            groups.append([a])

    def group_confidence(g: list[Accepted]) -> float:
        per_source: dict[str, float] = {}
        for a in g:
            per_source[a.candidate.source] = max(per_source.get(a.candidate.source, 0), a.confidence)
        miss = 1.0
        for c in per_source.values():
            miss *= 1 - c
        return round(1 - miss, 3)

    scored = sorted(((group_confidence(g), g) for g in groups), key=lambda x: -x[0])
    best_conf, best = scored[0]
    cands = [a.candidate for a in sorted(best, key=lambda a: -a.confidence)]
    sources = tuple(dict.fromkeys(c.source for c in cands))
    fields: dict[str, str] = {}

    def pick(attr: str) -> object:
        for c in cands:
            value = getattr(c, attr)
            if value:
                fields[attr] = c.source
                return value
        return None

    venue_c = _best_venue(cands)
    if venue_c.venue:
        fields["venue"] = venue_c.source
    doi = pick("doi")
    year = pick("year")
    pages = pick("pages")
    volume = pick("volume")
    kind = venue_c.kind or str(pick("kind") or "")
    out_notes = list(notes)
    status = PUBLISHED
    for conf, g in scored[1:]:
        rival = _best_venue([a.candidate for a in g])
        out_notes.append(
            f"{', '.join(dict.fromkeys(a.candidate.source for a in g))} suggest "
            f"{rival.venue or rival.doi} {rival.year or ''} instead (confidence {conf:.2f})".strip()
        )
        if conf >= best_conf - AMBIGUITY_MARGIN:
            status = AMBIGUOUS
    return Resolution(
        status=status,
        confidence=best_conf,
        venue=venue_c.venue,
        kind=kind,
        year=year if isinstance(year, int) else None,
        doi=str(doi).lower() if doi else None,
        pages=str(pages or ""),
        volume=str(volume or ""),
        sources=sources,
        fields=fields,
        rejected=rejected,
        notes=tuple(out_notes),
        venues=tuple(dict.fromkeys(c.venue for c in cands if c.venue)),
    )


def settled_unpublished(verdicts: Sequence[Verdict]) -> bool:
    """Two sources that know the paper only as a preprint, and none that found more."""
    return not any(v.accepted for v in verdicts) and sum(v.unpublished for v in verdicts) >= 2


def year_in(text: str) -> int | None:
    m = _YEAR.search(text or "")
    return int(m.group()) if m else None


@dataclass(frozen=True)
class Proposal:
    """A stored resolution of one library paper: what applying it would set."""

    id: int  # proposal id (apply takes these)
    paper_id: int
    title: str
    arxiv_id: str | None
    status: str
    state: str  # pending | applied | dismissed
    confidence: float
    venue: str = ""
    venue_id: int | None = None
    kind: str = ""
    year: int | None = None
    doi: str | None = None
    pages: str = ""
    volume: str = ""
    sources: tuple[str, ...] = ()
    fields: dict[str, str] = field(default_factory=dict)
    rejected: tuple[Rejected, ...] = ()
    notes: tuple[str, ...] = ()
    requests: int = 0
    checked_at: datetime | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.paper_id, "proposal_id": self.id, "arxiv_id": self.arxiv_id,
            "title": self.title, "status": self.status, "state": self.state,
            "venue": self.venue or None, "year": self.year if self.status != NOT_FOUND else None,
            "doi": self.doi, "pages": self.pages or None, "confidence": self.confidence,
            "sources": list(self.sources), "fields": dict(self.fields),
            "rejected": [r.to_json() for r in self.rejected], "notes": list(self.notes),
            "requests": self.requests,
            "checked_at": self.checked_at.isoformat(sep=" ") if self.checked_at else None,
        }
