"""The papers feed, the arXiv "New" view (issue #15): what the subscriptions bring, ranked by
what the user reads, triaged with feedback.

- ``update`` asks arXiv (through the ``arxiv`` package, sources/arxiv_client.py) for what each
  subscription has that is newer than the feed's own cursor for it, and keeps one entry per
  work (v1/v2 and cross-lists are one work). arXiv unreachable or answering garbage: the entries
  stay as they were, and the status says when the feed last updated and why it could not. An
  entry that cannot be read is skipped and counted. (``PapersService.fetch_new`` still imports
  straight into the library; the feed is the triage layer in front of it and keeps its own
  cursors, so the two do not steal each other's papers.)
- ``view`` ranks the entries not triaged yet: positives are library papers the user tagged,
  rated or read; negatives are the works marked "not interested"; the rules (chips) drop and
  boost first (domain/papers_feed.py, analysis/papers_feed_ranking.py).
- feedback: ``like`` adds the paper to the library with a tag, ``not_interested``, ``skip``,
  ``mark_seen``. A work keeps its state across days and versions.

One public method = one user action. ``like`` is two steps (the import through
``PapersService``, which deduplicates and owns its transaction, then the state): a failure
between them leaves the paper in the library and the work untriaged, and doing it again is
harmless.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from scholardesk.core.config import Settings
from scholardesk.core.errors import InputError, NetworkError, NotFoundError
from scholardesk.core.progress import Progress, no_progress
from scholardesk.domain.changes import PAPERS, Changes
from scholardesk.domain.importing import RecordError
from scholardesk.domain.paper_ids import parse_arxiv_id
from scholardesk.domain.papers import PaperRecord, normalise_tag
from scholardesk.domain.papers_feed import FeedDoc, FeedRules, apply_rules
from scholardesk.domain.papers_feed_entries import (
    ADDED,
    EXCLUDE,
    FOLLOW_AUTHOR,
    INCLUDE,
    MUTE_CATEGORY,
    NOT_INTERESTED,
    RULE_KINDS,
    SEEN,
    SKIPPED,
    FeedEntry,
    FeedRule,
    FeedStatus,
    LibraryPaper,
)
from scholardesk.store.db import Database
from scholardesk.store.papers_feed_repo import PapersFeedRepository
from scholardesk.store.papers_repo import PapersRepository

if TYPE_CHECKING:
    from scholardesk.services.papers import PapersService
    from scholardesk.sources.arxiv_client import ArxivClient

logger = logging.getLogger(__name__)

FIRST_FETCH_LIMIT = 200  # a new subscription brings its latest 200 into the feed
FETCH_LIMIT = 2000  # at most this many per subscription and update
MIN_POSITIVES = 5
ACTIONS = ("like", "not-interested", "skip", "seen")
_DATE_FMT = "%Y-%m-%dT%H:%M:%S"


def _iso(when: datetime | None) -> str:
    return when.strftime(_DATE_FMT) if when else ""


def _parse_iso(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, _DATE_FMT) if text else None
    except ValueError:
        return None


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


@dataclass
class FeedUpdateReport:
    new: int = 0  # works seen for the first time
    newer_versions: int = 0  # works already in the feed that got a new version
    malformed: int = 0  # entries arXiv sent that could not be read (skipped)
    errors: list[RecordError] = field(default_factory=list)  # malformed entries + failures
    failed: dict[str, str] = field(default_factory=dict)  # subscription → why it failed
    per_subscription: dict[str, int] = field(default_factory=dict)
    changes: Changes = field(default_factory=Changes)

    def to_json(self) -> dict[str, object]:
        return {
            "new": self.new,
            "newer_versions": self.newer_versions,
            "malformed": self.malformed,
            "subscriptions": self.per_subscription,
            "failed": self.failed,
            "errors": [e.to_json() for e in self.errors],
        }


@dataclass(frozen=True)
class FeedRow:
    """One line of the New view."""

    work_key: str
    arxiv_id: str  # with the latest version
    title: str
    score: float
    reasons: tuple[str, ...]
    tags_suggested: tuple[str, ...]
    authors: tuple[str, ...]
    categories: tuple[str, ...]
    venue: str
    published: str
    batch_at: datetime | None
    seen: bool
    pdf_url: str = ""
    abstract: str = ""
    doi: str | None = None
    in_library: bool = False

    def to_json(self) -> dict[str, object]:
        return {
            "arxiv_id": self.arxiv_id,
            "title": self.title,
            "score": round(self.score, 4),
            "reasons": list(self.reasons),
            "tags_suggested": list(self.tags_suggested),
            "seen": self.seen,
            "authors": list(self.authors),
            "categories": list(self.categories),
            "venue": self.venue or None,
            "published": self.published or None,
            "batch": _iso(self.batch_at) or None,
            "pdf": self.pdf_url or None,
            "in_library": self.in_library,
        }


@dataclass(frozen=True)
class FeedView:
    rows: list[FeedRow]
    method: str  # "model" | "keywords"
    note: str  # e.g. "ranked by keywords: only 3 positives"
    dropped: dict[str, str]  # work key → why a rule dropped it
    status: FeedStatus
    positives: int = 0
    negatives: int = 0


def _doc(e: FeedEntry) -> FeedDoc:
    return FeedDoc(e.work_key, e.title, e.abstract, e.authors, e.categories)


def _is_positive(p: LibraryPaper) -> bool:
    return bool(p.tags) or p.rating > 0 or p.status == "read"


def _record(e: FeedEntry, tag: str) -> PaperRecord:
    return PaperRecord(
        title=e.title,
        source_kind="arxiv",
        source_ref="arXiv feed",
        record_ref=e.arxiv_id,
        authors=e.authors,
        year=int(e.published[:4]) if e.published[:4].isdigit() else None,
        abstract=e.abstract,
        doi=e.doi,
        arxiv_id=e.work_key,
        arxiv_version=e.version,
        categories=e.categories,
        venue=e.venue,
        entry_type="article" if e.venue else "misc",
        published=e.published,
        updated=e.updated,
        links={"pdf": e.pdf_url} if e.pdf_url else {},
        extra={"note": e.comment} if e.comment else {},
        tags=(tag,) if tag else (),
    )


class PapersFeedService:
    area = PAPERS

    def __init__(
        self,
        db: Database,
        settings: Callable[[], Settings] | None = None,
        papers: Callable[[], PapersService] | None = None,
        arxiv: Callable[[], ArxivClient] | None = None,
    ) -> None:
        self.db = db
        self._settings = settings or Settings
        self._papers = papers
        self._arxiv = arxiv

    def _client(self) -> ArxivClient:
        if self._arxiv is not None:
            return self._arxiv()
        from scholardesk.sources.arxiv_client import ArxivClient, ArxivClientSettings

        s = self._settings()
        return ArxivClient(ArxivClientSettings(
            base_url=s.service_url("arxiv"), contact_email=s.contact_email, proxy=s.proxy,
            timeout_s=s.timeout_s, delay_s=s.arxiv_interval_s, retries=s.max_retries,
            deadline_s=s.request_deadline_s, max_body_bytes=int(s.max_body_mb * 1_000_000),
        ))

    def _papers_service(self) -> PapersService:
        if self._papers is not None:
            return self._papers()
        from scholardesk.services.papers import PapersService

        return PapersService(self.db, self._settings)

    # -- update ---------------------------------------------------------------------------------
    def update(self, progress: Progress | None = None) -> FeedUpdateReport:
        """New entries from every subscription. A subscription arXiv could not answer for
        keeps what the feed had; the status records when and why."""
        progress = progress or no_progress()
        subs = self._papers_service().subscriptions()
        if not subs:
            raise InputError(
                "There are no subscriptions to bring new papers from.",
                "Subscribe first, e.g. `scholardesk papers subscribe cs.CL`.",
            )
        report = FeedUpdateReport()
        with self.db.reading() as session:
            meta = PapersFeedRepository(session).meta()
        client = self._client()
        started = _now()
        for n, sub in enumerate(subs):
            progress.report(n, len(subs), sub.query)
            cursor = meta.get(f"cursor:{sub.kind}:{sub.query}", "")
            limit = FETCH_LIMIT if cursor else FIRST_FETCH_LIMIT
            got: list[tuple[PaperRecord, str]] = []
            newest = cursor
            malformed: list[RecordError] = []
            try:
                for record, error in client.search(sub.search_query, limit, progress=progress):
                    if error is not None:
                        malformed.append(error)
                        continue
                    assert record is not None
                    if cursor and record.published and record.published < cursor:
                        break  # newest first: everything after this is older still
                    got.append((record, sub.query))
                    newest = max(newest, record.published)
            except NetworkError as exc:
                logger.info("Feed update of %s failed: %s", sub.query, exc)
                report.failed[sub.query] = str(exc)
                report.errors.append(RecordError("arXiv", sub.search_query, str(exc)))
                continue
            report.malformed += len(malformed)
            report.errors.extend(malformed)
            with self.db.transaction() as session:
                repo = PapersFeedRepository(session)
                stored = repo.upsert(got, started)
                repo.set_meta({f"cursor:{sub.kind}:{sub.query}": newest})
            report.new += len(stored.new)
            report.newer_versions += len(stored.newer_version)
            report.per_subscription[sub.query] = len(stored.new)
        status: dict[str, str] = {
            "last_attempt_at": _iso(started),
            "last_error": "; ".join(f"{q}: {why}" for q, why in report.failed.items()),
            "last_malformed": str(report.malformed),
        }
        if len(report.failed) < len(subs):
            status["last_success_at"] = _iso(started)
            status["last_new"] = str(report.new)
        with self.db.transaction() as session:
            PapersFeedRepository(session).set_meta(status)
        if report.new or report.newer_versions:
            report.changes = Changes.of(PAPERS)
        return report

    def status(self) -> FeedStatus:
        with self.db.reading() as session:
            repo = PapersFeedRepository(session)
            meta = repo.meta()
            total, unseen = repo.counts()
        return FeedStatus(
            last_success_at=_parse_iso(meta.get("last_success_at", "")),
            last_attempt_at=_parse_iso(meta.get("last_attempt_at", "")),
            last_error=meta.get("last_error", ""),
            last_new=int(meta.get("last_new", "0") or 0),
            last_malformed=int(meta.get("last_malformed", "0") or 0),
            entries=total,
            unseen=unseen,
        )

    # -- the view -------------------------------------------------------------------------------
    def view(
        self,
        since: date | datetime | None = None,
        tag: str = "",
        top: int | None = None,
        progress: Progress | None = None,
    ) -> FeedView:
        """The entries not triaged yet (seen ones included, flagged), newest batch first and
        best first within a batch; ``tag`` keeps those the ranking suggests for that tag,
        ``top`` the first N."""
        from scholardesk.analysis.papers_feed_ranking import LabelledDoc, rank

        progress = progress or no_progress()
        if isinstance(since, date) and not isinstance(since, datetime):
            since = datetime(since.year, since.month, since.day)
        with self.db.reading() as session:
            repo = PapersFeedRepository(session)
            everything = repo.entries()
            library = repo.library()
            rules = self._rules(repo.rules())
            meta = repo.meta()
            total, unseen_count = repo.counts()
        progress.check()
        positives = [p for p in library if _is_positive(p)]
        positive_works = {p.arxiv_id for p in positives if p.arxiv_id}
        in_library = {p.arxiv_id for p in library if p.arxiv_id}
        shown = [
            e for e in everything
            if e.state in ("", SEEN) and e.work_key not in positive_works
            and (since is None or (e.batch_at is not None and e.batch_at >= since))
        ]
        labelled = [
            LabelledDoc(FeedDoc(f"lib:{p.paper_id}", p.title, p.abstract, p.authors,
                                p.categories), tuple(p.tags), True)
            for p in positives
        ]
        negatives = [e for e in everything if e.state == NOT_INTERESTED]
        labelled.extend(LabelledDoc(_doc(e), (), False) for e in negatives)
        docs = [_doc(e) for e in shown]
        result = rank(labelled, docs, rules=rules, min_positives=MIN_POSITIVES)
        progress.check()
        by_key = {e.work_key: e for e in shown}
        rows: list[FeedRow] = []
        for s in result.scored:
            e = by_key.get(s.key)
            if e is None:
                continue
            if tag and normalise_tag(tag) not in s.tags_suggested:
                continue
            rows.append(FeedRow(
                work_key=e.work_key, arxiv_id=e.arxiv_id, title=e.title, score=float(s.score),
                reasons=tuple(s.reasons), tags_suggested=tuple(s.tags_suggested),
                authors=e.authors, categories=e.categories, venue=e.venue,
                published=e.published, batch_at=e.batch_at, seen=e.state == SEEN,
                pdf_url=e.pdf_url, abstract=e.abstract, doi=e.doi,
                in_library=e.work_key in in_library,
            ))
        # newest batch first, the ranking's order (best first) within a batch
        order = {r.work_key: i for i, r in enumerate(rows)}
        rows.sort(key=lambda r: (-(r.batch_at or datetime.min).timestamp(), order[r.work_key]))
        if top is not None:
            rows = rows[: max(0, top)]
        status = FeedStatus(
            last_success_at=_parse_iso(meta.get("last_success_at", "")),
            last_attempt_at=_parse_iso(meta.get("last_attempt_at", "")),
            last_error=meta.get("last_error", ""),
            last_new=int(meta.get("last_new", "0") or 0),
            last_malformed=int(meta.get("last_malformed", "0") or 0),
            entries=total,
            unseen=unseen_count,
        )
        dropped = apply_rules(docs, rules).dropped if not rules.empty else {}
        return FeedView(rows, result.method, result.note, dropped, status,
                        positives=len(positives), negatives=len(negatives))

    # -- feedback -------------------------------------------------------------------------------
    def _entry(self, arxiv_id: str) -> FeedEntry:
        parsed = parse_arxiv_id(arxiv_id)
        key = parsed.id if parsed is not None else arxiv_id.strip()
        with self.db.reading() as session:
            entry = PapersFeedRepository(session).entry(key)
        if entry is None:
            raise NotFoundError(
                f"{arxiv_id} is not in the feed.",
                "Run `scholardesk papers feed update`, or add it with `papers add`.",
            )
        return entry

    def like(self, arxiv_id: str, tag: str) -> Changes:
        """Add the paper to the library with ``tag`` (a positive from now on)."""
        clean = normalise_tag(tag)
        if not clean:
            raise InputError("Give a tag to file the paper under, e.g. --like speech.")
        entry = self._entry(arxiv_id)
        papers = self._papers_service()
        with self.db.transaction() as session:  # the paper, its tag and the triage state at once
            repo = PapersRepository(session)
            report = papers.store_records_in(repo, [_record(entry, clean)])
            if report.errors:
                raise InputError(
                    f"{entry.arxiv_id} could not be added: {report.errors[0].message}")
            feed = PapersFeedRepository(session)
            ids = feed.library_arxiv_ids([entry.work_key])
            if entry.work_key in ids:  # already there before: the tag is added all the same
                repo.add_tags([ids[entry.work_key]], [clean])
            feed.set_state([entry.work_key], ADDED, clean)
        return Changes.of(PAPERS)

    def not_interested(self, arxiv_id: str) -> Changes:
        """Hide the work; it counts as a negative in the ranking."""
        return self._set(arxiv_id, NOT_INTERESTED)

    def skip(self, arxiv_id: str) -> Changes:
        """Hide the work without teaching the ranking anything."""
        return self._set(arxiv_id, SKIPPED)

    def mark_seen(self, arxiv_ids: Sequence[str]) -> int:
        """Remember that these were looked at (a decision already taken is kept)."""
        keys = [p.id if (p := parse_arxiv_id(a)) is not None else a for a in arxiv_ids]
        with self.db.transaction() as session:
            return PapersFeedRepository(session).mark_seen(keys)

    def _set(self, arxiv_id: str, state: str) -> Changes:
        entry = self._entry(arxiv_id)
        with self.db.transaction() as session:
            PapersFeedRepository(session).set_state([entry.work_key], state)
        return Changes.of(PAPERS)

    def feedback(self, arxiv_id: str, action: str, tag: str = "") -> Changes:
        """One of ACTIONS by name (the CLI's entry point)."""
        if action == "like":
            return self.like(arxiv_id, tag)
        if action == "not-interested":
            return self.not_interested(arxiv_id)
        if action == "skip":
            return self.skip(arxiv_id)
        if action == "seen":
            self._entry(arxiv_id)
            self.mark_seen([arxiv_id])
            return Changes.of(PAPERS)
        raise InputError(f"Unknown feedback {action!r}.", f"Use one of: {', '.join(ACTIONS)}.")

    # -- rules ----------------------------------------------------------------------------------
    @staticmethod
    def _rules(rules: Sequence[FeedRule]) -> FeedRules:
        def of(kind: str) -> tuple[str, ...]:
            return tuple(r.value for r in rules if r.kind == kind)

        return FeedRules(
            include_keywords=of(INCLUDE), exclude_keywords=of(EXCLUDE),
            follow_authors=of(FOLLOW_AUTHOR), mute_categories=of(MUTE_CATEGORY),
        )

    def rules(self) -> list[FeedRule]:
        with self.db.reading() as session:
            return PapersFeedRepository(session).rules()

    def add_rule(self, kind: str, value: str) -> bool:
        kind, value = self._check_rule(kind, value)
        with self.db.transaction() as session:
            return PapersFeedRepository(session).add_rule(kind, value)

    def remove_rule(self, kind: str, value: str) -> bool:
        kind, value = self._check_rule(kind, value)
        with self.db.transaction() as session:
            return PapersFeedRepository(session).remove_rule(kind, value)

    @staticmethod
    def _check_rule(kind: str, value: str) -> tuple[str, str]:
        if kind not in RULE_KINDS:
            raise InputError(f"Unknown rule kind {kind!r}.", f"Use one of: {', '.join(RULE_KINDS)}.")
        value = " ".join(value.split())
        if not value:
            raise InputError("A rule needs a value (a keyword, an author or a category).")
        if kind == MUTE_CATEGORY and (" " in value or ":" in value):
            raise InputError(
                f"{value!r} is not an arXiv category.",
                "Categories look like cs.CV or math (a whole archive).",
            )
        return kind, value

