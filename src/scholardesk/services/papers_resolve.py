"""Papers: find where each preprint was published — propose (stored for review), then apply.

``propose(ids)`` asks the services cheapest first and stops as soon as it is confident:
the arXiv entry's own ``journal_ref`` / DOI already in the library (no request) → Semantic
Scholar (title match, checked against the arXiv id; lookup by arXiv id) → DBLP → OpenAlex →
Crossref. It stops when one publication reaches ``STOP_CONFIDENCE`` or when two services know
the paper only as a preprint. Each paper's answer is stored with its date in its own
transaction (a crash or a cancel loses nothing; the next run goes on where it stopped, and
"not published (yet)" is asked again only after ``RECHECK_DAYS``). A service that fails
(429/5xx after the client's retries, garbage, no answer) is skipped for that paper with a
note; the others still count and the batch goes on.

``apply(proposal_ids)`` sets venue (linked to the catalogue when it names a catalogue venue),
DOI, published year, pages/volume and entry type, keeps the arXiv id, records the provenance
of each field, and merges a paper that already holds the published DOI into this one.
Applying again changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scholardesk.core.config import Settings
from scholardesk.core.errors import NetworkError
from scholardesk.core.progress import Progress, no_progress
from scholardesk.domain.changes import PAPERS, Changes
from scholardesk.domain.papers import Paper
from scholardesk.domain.published_versions import (
    AMBIGUOUS,
    NOT_FOUND,
    PUBLISHED,
    SKIPPED,
    Candidate,
    Proposal,
    Resolution,
    Target,
    Verdict,
    decide,
    is_preprint_doi,
    is_preprint_venue,
    judge,
    settled_unpublished,
    ties_to,
    year_in,
)
from scholardesk.store.db import Database
from scholardesk.store.papers_resolve_repo import PapersResolveRepository

if TYPE_CHECKING:
    from scholardesk.domain.venues import VenueMatch
    from scholardesk.sources.http import PoliteClient
    from scholardesk.sources.resolve_http import RequestCount

logger = logging.getLogger(__name__)

DEFAULT_MIN_CONFIDENCE = 0.85
RECHECK_DAYS = 30  # "not published (yet)" is asked again after this long
VENUE_LINK_MIN = 0.85
LOAD_CHUNK = 200
# Seconds between two requests to one service (their published etiquette).
SERVICE_INTERVALS = {"semanticscholar": 1.0, "dblp": 1.0, "openalex": 0.1}
_ENTRY_TYPES = {"conference": "inproceedings", "journal": "article"}


def host_intervals(settings: Settings) -> dict[str, float]:
    """Pacing for the resolver's services, by the host each is configured at."""
    out = {}
    for name, interval in SERVICE_INTERVALS.items():
        host = urlsplit(settings.service_url(name)).netloc
        if host:
            out[host] = interval
    crossref = urlsplit(settings.service_url("crossref")).netloc
    if crossref:
        out[crossref] = 1.0 / settings.crossref_rate
    return out


@dataclass
class ResolveReport:
    proposals: list[Proposal] = field(default_factory=list)
    requests: int = 0  # answers that came from the network
    cached: int = 0  # answers read from the cache
    resolved: int = 0  # papers asked about in this run (the others reused a stored answer)
    changes: Changes = field(default_factory=Changes)

    @property
    def requests_per_paper(self) -> float:
        return self.requests / self.resolved if self.resolved else 0.0


@dataclass
class ApplyReport:
    applied: list[int] = field(default_factory=list)  # paper ids changed
    unchanged: list[int] = field(default_factory=list)
    merged: list[tuple[int, int]] = field(default_factory=list)  # (kept, merged into it)
    changes: Changes = field(default_factory=Changes)

    def to_json(self) -> dict[str, object]:
        return {"applied": self.applied, "unchanged": self.unchanged,
                "merged": [{"kept": k, "merged": m} for k, m in self.merged]}


class PapersResolveService:
    area = PAPERS

    def __init__(
        self,
        db: Database,
        settings: Callable[[], Settings] | None = None,
        http: Callable[[], PoliteClient] | None = None,
        venue_match: Callable[[str], VenueMatch | None] | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.db = db
        self._settings = settings or Settings
        self._http = http
        self._venue_match = venue_match
        self._now = now or (lambda: datetime.now().replace(microsecond=0))

    # -- proposing ------------------------------------------------------------------------------
    def propose(
        self,
        ids: Sequence[int] | None = None,
        progress: Progress | None = None,
        recheck: bool = False,
    ) -> ResolveReport:
        """Resolve ``ids`` (default: every preprint in the library) and store the answers."""
        progress = progress or no_progress()
        with self.db.reading() as session:
            repo = PapersResolveRepository(session)
            wanted = list(ids) if ids is not None else repo.preprint_ids()
            stored = repo.stored(wanted)
        now = self._now()
        todo = [pid for pid in wanted if recheck or not self._fresh(stored.get(pid), now)]
        report = ResolveReport()
        if todo:
            from scholardesk.sources.resolve_http import RequestCount

            count = RequestCount()
            sources = self._sources(count)
            done = 0
            for start in range(0, len(todo), LOAD_CHUNK):
                with self.db.reading() as session:
                    papers = PapersResolveRepository(session).load(todo[start:start + LOAD_CHUNK])
                for paper in papers:
                    progress.report(done, len(todo), paper.title[:80])
                    before = count.network
                    resolution = self._resolve(paper, sources, progress)
                    venue_id, venue = self._link(resolution)
                    if venue:
                        resolution = replace(resolution, venue=venue)
                    with self.db.transaction() as session:
                        PapersResolveRepository(session).save(
                            paper.id, resolution, venue_id, count.network - before, self._now())
                    done += 1
            report.requests, report.cached, report.resolved = count.network, count.cached, done
            progress.report(done, len(todo), "")
        with self.db.reading() as session:
            report.proposals = PapersResolveRepository(session).proposals(paper_ids=wanted)
        found = {p.paper_id for p in report.proposals}
        missing = [pid for pid in wanted if pid not in found]
        if missing:
            from scholardesk.core.errors import NotFoundError

            raise NotFoundError(f"There is no paper with id {', '.join(map(str, missing))}.")
        order = {pid: i for i, pid in enumerate(wanted)}
        report.proposals.sort(key=lambda p: order[p.paper_id])
        report.changes = Changes.of(PAPERS) if todo else Changes()
        return report

    def _fresh(self, stored: object, now: datetime) -> bool:
        if stored is None:
            return False
        status, checked = getattr(stored, "status", ""), getattr(stored, "checked_at", now)
        if status in (NOT_FOUND, SKIPPED):
            return bool(now - checked < timedelta(days=RECHECK_DAYS))
        return True

    def _sources(self, count: RequestCount) -> dict[str, object]:
        from scholardesk.sources.crossref_search import CrossrefSearch
        from scholardesk.sources.dblp import Dblp
        from scholardesk.sources.openalex import OpenAlex
        from scholardesk.sources.semantic_scholar import SemanticScholar

        if self._http is None:
            raise NetworkError("No network client is configured.")
        http, s = self._http(), self._settings()
        return {
            "semanticscholar": SemanticScholar(
                http, s.service_url("semanticscholar"), s.semantic_scholar_api_key, count),
            "dblp": Dblp(http, s.service_url("dblp"), count),
            "openalex": OpenAlex(http, s.service_url("openalex"), s.contact_email, count),
            "crossref": CrossrefSearch(http, s.service_url("crossref"), s.contact_email, count),
        }

    def _venue_key(self, venue: str) -> str | None:
        if not venue or self._venue_match is None:
            return None
        found = self._venue_match(venue)
        if found is None or found.confidence < VENUE_LINK_MIN:
            return None
        return str(found.venue.id)

    def _link(self, res: Resolution) -> tuple[int | None, str]:
        """The catalogue venue a resolution names, and the spelling that names it."""
        if res.status not in (PUBLISHED, AMBIGUOUS) or self._venue_match is None:
            return None, ""
        for spelling in dict.fromkeys((res.venue, *res.venues)):
            if spelling:
                found = self._venue_match(spelling)
                if found is not None and found.confidence >= VENUE_LINK_MIN:
                    return found.venue.id, spelling
        return None, ""

    def _resolve(self, paper: Paper, sources: dict[str, object], progress: Progress) -> Resolution:
        if not paper.title.strip():
            return Resolution(SKIPPED, notes=("the paper has no title; add one, then resolve it again",))
        target = Target(paper.title, paper.authors, paper.year, paper.arxiv_id,
                        paper.doi if paper.doi and is_preprint_doi(paper.doi) else None)
        verdicts: list[Verdict] = []
        notes: list[str] = []

        def current() -> Resolution:
            return decide(target, verdicts, notes, self._venue_key)

        own = _own_statement(paper)
        if own is not None:
            verdicts.append(judge(target, [own]))
            res = current()
            if res.confident and res.venue:
                return res
        steps: list[tuple[str, Callable[[], list[Candidate]]]] = [
            ("Semantic Scholar", lambda: self._semantic_scholar(target, sources, progress)),
            ("DBLP", lambda: sources["dblp"].search(target.title, progress)),  # type: ignore[attr-defined]
            ("OpenAlex", lambda: sources["openalex"].search_title(target.title, progress)),  # type: ignore[attr-defined]
            ("Crossref", lambda: self._crossref(target, sources, progress)),
        ]
        for name, ask in steps:
            progress.check()
            try:
                candidates = ask()
            except NetworkError as exc:
                logger.info("%s skipped for paper %s: %s", name, paper.id, exc)
                notes.append(f"{name} skipped: {exc}")
                continue
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                logger.info("%s answered something unreadable for paper %s: %s", name, paper.id, exc)
                notes.append(f"{name} skipped: it answered something that could not be read")
                continue
            verdicts.append(judge(target, candidates))
            res = current()
            if res.confident or settled_unpublished(verdicts):
                return res
        return current()

    def _semantic_scholar(
        self, target: Target, sources: dict[str, object], progress: Progress
    ) -> list[Candidate]:
        s2 = sources["semanticscholar"]
        found: list[Candidate] = s2.match_title(target.title, progress)  # type: ignore[attr-defined]
        if target.arxiv_id and not any(ties_to(target, c) for c in found):
            found = found + s2.by_arxiv(target.arxiv_id, progress)  # type: ignore[attr-defined]
        return found

    def _crossref(
        self, target: Target, sources: dict[str, object], progress: Progress
    ) -> list[Candidate]:
        cr = sources["crossref"]
        found: list[Candidate] = cr.bibliographic(target.title, target.authors, progress)  # type: ignore[attr-defined]
        # Our own preprint in Crossref (bioRxiv, PeerJ Preprints...) saying where it appeared.
        for c in found:
            if c.is_preprint and ties_to(target, c) or (
                c.is_preprint and c.doi and target.doi and c.doi == target.doi.lower()):
                for doi in c.published_dois[:1]:
                    published = cr.work(doi, progress)  # type: ignore[attr-defined]
                    found = found + [replace(p, preprint_dois=p.preprint_dois + (c.doi or "",))
                                     for p in published]
        return found

    # -- reviewing ------------------------------------------------------------------------------
    def proposals(self, pending: bool = True, paper_ids: Sequence[int] | None = None
                  ) -> list[Proposal]:
        """Stored answers; ``pending``: published/ambiguous ones not applied or dismissed."""
        with self.db.reading() as session:
            return PapersResolveRepository(session).proposals(paper_ids=paper_ids, pending=pending)

    def dismiss(self, proposal_ids: Sequence[int]) -> Changes:
        with self.db.transaction() as session:
            PapersResolveRepository(session).dismiss(proposal_ids)
        return Changes.of(PAPERS)

    # -- applying -------------------------------------------------------------------------------
    def apply(self, proposal_ids: Sequence[int]) -> ApplyReport:
        """Apply the chosen proposals (one transaction)."""
        report = ApplyReport()
        with self.db.transaction() as session:
            repo = PapersResolveRepository(session)
            for prop in repo.proposals(ids=list(proposal_ids)):
                if prop.status not in (PUBLISHED, AMBIGUOUS) or prop.state == "applied":
                    report.unchanged.append(prop.paper_id)
                    continue
                if self._apply_one(repo, prop, report):
                    report.applied.append(prop.paper_id)
                else:
                    report.unchanged.append(prop.paper_id)
                repo.mark_applied(prop.id)
        if report.applied:
            report.changes = Changes.of(PAPERS)
        return report

    def apply_confident(
        self, paper_ids: Sequence[int] | None = None, min_confidence: float = DEFAULT_MIN_CONFIDENCE
    ) -> ApplyReport:
        """Apply every pending *published* proposal at or above ``min_confidence``."""
        chosen = [p.id for p in self.proposals(pending=True, paper_ids=paper_ids)
                  if p.status == PUBLISHED and p.confidence >= min_confidence]
        return self.apply(chosen)

    def _apply_one(self, repo: PapersResolveRepository, prop: Proposal, report: ApplyReport) -> bool:
        changed = False
        if prop.doi:
            other = repo.paper_with_doi(prop.doi, other_than=prop.paper_id)
            if other is not None:
                repo.merge_into(prop.paper_id, other)
                report.merged.append((prop.paper_id, other))
                changed = True
        record = repo.papers.records([prop.paper_id]).get(prop.paper_id)
        if record is None:
            return changed
        source = ", ".join(prop.sources)
        updates: dict[str, object] = {}
        provenance: dict[str, tuple[str, str]] = {}

        def set_field(name: str, value: object, attr: str | None = None) -> None:
            if value in (None, "") or getattr(record, attr or name) == value:
                return
            updates[attr or name] = value
            provenance[name] = (prop.fields.get(name, source), str(value))

        set_field("venue", prop.venue)
        if prop.doi and (not record.doi or is_preprint_doi(record.doi)):
            set_field("doi", prop.doi)
        set_field("year", prop.year)
        entry_type = _ENTRY_TYPES.get(prop.kind)
        if entry_type:
            set_field("entry_type", entry_type)
        extra = dict(record.extra)
        if prop.arxiv_id and prop.year and record.year and record.year != prop.year:
            extra.setdefault("arxiv_year", str(record.year))
        for name, value in (("pages", prop.pages), ("volume", prop.volume)):
            if value and not extra.get(name):
                extra[name] = value
                provenance[name] = (prop.fields.get(name, source), value)
        if extra != dict(record.extra):
            updates["extra"] = extra
        if updates:
            repo.papers.update_from_record(prop.paper_id, replace(record, **updates))  # type: ignore[arg-type]
            repo.record_provenance(prop.paper_id, provenance)
            changed = True
        return changed


def _own_statement(paper: Paper) -> Candidate | None:
    """What the arXiv entry itself says (journal_ref kept as the venue, a publisher DOI)."""
    venue = paper.venue if paper.venue and not is_preprint_venue(paper.venue) else ""
    doi = paper.doi if paper.doi and not is_preprint_doi(paper.doi) else None
    if not (venue or doi) or not paper.arxiv_id:
        return None
    return Candidate(
        source="arxiv", title=paper.title, authors=paper.authors,
        year=year_in(venue), venue=venue, doi=doi, arxiv_id=paper.arxiv_id,
        ref=f"arXiv:{paper.arxiv_id}",
    )
