"""``library push`` / ``library pull``: copy a personal library into a shared one, and back,
without duplicates.

What travels (the areas covered): papers with their tags, provenance, reading status, rating
and notes; review-time articles. Venues and their metrics, experiments, models and
submissions do not travel yet (``NOT_COVERED``, listed in every report).

The rules:

- **Papers** go through the papers area's own import path (``PapersService._store_batch``):
  the same dedupe (arXiv id, then DOI, then normalised title + first author + year; a paper
  with none of these by its provenance) and the same field-by-field merge as any import, so
  the same work is one paper on both sides and running a sync twice adds nothing.
- **Tags** are united; **provenance** rows are copied (the ones already there are kept).
- **Status, rating and notes: the copy being written to wins when it has a value.** The
  source only fills what the target lacks (status "unread", no rating, empty notes). A sync
  never overwrites what someone already set there: in a shared library that is another
  member's reading, in a personal one it is your own later edit. Papers where both sides set
  a different value are counted as ``fields_kept``.
- **Review-time articles** dedupe by their key (DOI, else the article's URL, else journal +
  title) and merge as the reviews area merges (the stored record keeps its values and gains
  the dates it lacked).
- Sample data is never copied, nor the review records made from your own submissions
  (personal); both are counted as ``left_out``.

The source is opened read-only (one consistent snapshot); the target is written one
transaction per batch. ``dry_run`` writes everything in one transaction and rolls it back,
so its counts are exactly what a real run would report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from scholardesk.core.errors import InputError
from scholardesk.core.progress import Progress, no_progress
from scholardesk.domain.changes import PAPERS, REVIEWS, Changes
from scholardesk.domain.importing import ImportReport, RecordError
from scholardesk.domain.papers import (
    InvalidRecord,
    Paper,
    PaperFilter,
    dedupe_keys,
    paper_as_record,
    validate,
)
from scholardesk.store.library_sync_repo import (
    LibrarySyncRepository,
    UserFields,
    display_url,
    library_url,
    open_other_library,
    same_library,
)
from scholardesk.store.papers_repo import PapersRepository
from scholardesk.store.reviews_repo import ReviewsRepository

if TYPE_CHECKING:
    from scholardesk.services.papers import _Incoming
    from scholardesk.store.db import Database

Session = Any  # a store session (SQLAlchemy stays in store/)
BATCH = 2000  # papers (or review articles) per target transaction
NOT_COVERED = ("venues", "venue metrics", "experiments", "models", "submissions")


@dataclass
class AreaCounts:
    added: int = 0
    merged: int = 0  # already there: gained fields (metadata, tags, dates)
    skipped: int = 0  # already there as it is
    left_out: int = 0  # sample data, personal records: not copied
    errors: list[RecordError] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {"added": self.added, "merged": self.merged, "skipped": self.skipped,
                "left_out": self.left_out, "errors": [e.to_json() for e in self.errors]}


@dataclass
class SyncReport:
    direction: str  # "push" | "pull"
    source: str
    target: str
    dry_run: bool = False
    papers: AreaCounts = field(default_factory=AreaCounts)
    fields_filled: int = 0  # papers whose status/rating/notes the source filled in
    fields_kept: int = 0  # papers where the target's own different value was kept
    review_articles: AreaCounts = field(default_factory=AreaCounts)
    changes: Changes = field(default_factory=Changes)

    def to_json(self) -> dict[str, object]:
        return {
            "direction": self.direction,
            "from": self.source,
            "to": self.target,
            "dry_run": self.dry_run,
            "papers": {**self.papers.to_json(), "fields_filled": self.fields_filled,
                       "fields_kept": self.fields_kept},
            "review_articles": self.review_articles.to_json(),
            "not_covered": list(NOT_COVERED),
        }


def fill_user_fields(target: UserFields, source: UserFields) -> tuple[dict[str, object], bool]:
    """What the source fills in on the target (only what the target lacks), and whether the
    target kept a value of its own that differs from the source's."""
    values: dict[str, object] = {}
    kept = False
    if source.status != "unread":
        if target.status == "unread":
            values["status"] = source.status
        elif target.status != source.status:
            kept = True
    if source.rating:
        if not target.rating:
            values["rating"] = source.rating
        elif target.rating != source.rating:
            kept = True
    if source.notes.strip():
        if not target.notes.strip():
            values["notes"] = source.notes
        elif target.notes.strip() != source.notes.strip():
            kept = True
    return values, kept


class _DryRun(Exception):
    """Raised inside the dry run's transaction to roll it back."""


class LibrarySyncService:
    def __init__(self, db: Database) -> None:
        self.db = db  # the library this process opened (the personal one, usually)

    def push(self, to: str, dry_run: bool = False, progress: Progress | None = None) -> SyncReport:
        """Everything of this library into the library at ``to`` (a URL or a file)."""
        url = self._other_url(to)
        target = open_other_library(url, read_only=False)
        try:
            report = SyncReport("push", display_url(self.db.url), display_url(url), dry_run)
            self._sync(self.db, target, report, progress or no_progress())
        finally:
            target.dispose()
        return report

    def pull(self, source: str, dry_run: bool = False,
             progress: Progress | None = None) -> SyncReport:
        """Everything of the library at ``source`` (a URL or a file) into this one."""
        url = self._other_url(source)
        other = open_other_library(url, read_only=True)
        try:
            report = SyncReport("pull", display_url(url), display_url(self.db.url), dry_run)
            self._sync(other, self.db, report, progress or no_progress())
        finally:
            other.dispose()
        return report

    def _other_url(self, where: str) -> str:
        if not where.strip():
            raise InputError("Give the other library: a library file or a database URL.")
        url = library_url(where)
        if same_library(url, self.db.url):
            raise InputError(
                f"{display_url(url)} is the library this command runs on.",
                "Give another library (push --to, pull --from), or choose this one with --db.",
            )
        return url

    # -- the run ----------------------------------------------------------------------------------
    def _sync(self, source: Database, target: Database, report: SyncReport,
              progress: Progress) -> None:
        with source.reading() as src, self._batches(target, report.dry_run) as batch:
            self._papers(src, batch, report, progress)
            self._reviews(src, batch, report, progress)
        if not report.dry_run:
            touched = Changes()
            if report.papers.added or report.papers.merged or report.fields_filled:
                touched = touched | Changes.of(PAPERS)
            if report.review_articles.added or report.review_articles.merged:
                touched = touched | Changes.of(REVIEWS)
            report.changes = touched

    @contextmanager
    def _batches(
        self, target: Database, dry_run: bool
    ) -> Iterator[Callable[[], AbstractContextManager[Session]]]:
        """A unit of work per batch; in a dry run one for all, rolled back at the end."""
        if not dry_run:
            yield target.transaction
            return
        try:
            with target.transaction() as session:
                yield lambda: nullcontext(session)
                raise _DryRun
        except _DryRun:
            pass

    def _papers(self, src: Session, batch: Callable[[], AbstractContextManager[Session]],
                report: SyncReport, progress: Progress) -> None:
        from scholardesk.services.papers import PapersService, _Incoming

        source_repo = PapersRepository(src)
        ids = source_repo.ids(PaperFilter(sample=False), "added", descending=False)
        report.papers.left_out = source_repo.count() - len(ids)
        store = PapersService(self.db)  # its import path; the repository decides the library
        for start in range(0, len(ids), BATCH):
            progress.report(start, len(ids), "Copying papers")
            papers = source_repo.papers(ids[start : start + BATCH], with_provenance=True)
            items = [self._incoming(p, report.source, _Incoming) for p in papers]
            stored = ImportReport()
            with batch() as session:
                repo = PapersRepository(session)
                store._store_batch(repo, items, stored, False)
                self._user_fields(session, repo, papers, items, report)
            report.papers.added += stored.imported
            report.papers.merged += stored.updated
            report.papers.skipped += stored.skipped
            report.papers.errors.extend(stored.errors)
        progress.report(len(ids), len(ids), "Copying papers")

    @staticmethod
    def _incoming(paper: Paper, source_label: str, make: type[_Incoming]) -> _Incoming:
        origin = (paper.provenance[0] if paper.provenance else None)
        record = paper_as_record(paper)
        if origin is not None:
            record = replace(record, source_kind=origin.source_kind,
                             source_ref=origin.source_ref, record_ref=origin.record_ref)
        else:  # a paper without provenance: this library is where it came from
            record = replace(record, source_kind="library", source_ref=source_label,
                             record_ref=str(paper.id))
        return make(record, paper.status if paper.status != "unread" else "", paper.rating,
                    paper.notes, where=f"paper {paper.id}")

    def _user_fields(self, session: Session, repo: PapersRepository, papers: list[Paper],
                     items: list[_Incoming], report: SyncReport) -> None:
        """After the batch is stored: the rest of each paper's provenance, and status, rating
        and notes where the target has none."""
        targets = self._target_ids(repo, items)
        fields_repo = LibrarySyncRepository(session)
        current = fields_repo.user_fields(t for t in targets if t is not None)
        sources: list[tuple[int, str, str, str]] = []
        for paper, target_id in zip(papers, targets, strict=True):
            if target_id is None or target_id not in current:
                continue
            sources.extend((target_id, s.source_kind, s.source_ref, s.record_ref)
                           for s in paper.provenance[1:])
            mine = UserFields(paper.status, paper.rating, paper.notes)
            values, kept = fill_user_fields(current[target_id], mine)
            if values:
                repo.set_fields([target_id], **values)
                current[target_id] = replace(current[target_id], **values)  # type: ignore[arg-type]
                report.fields_filled += 1
            elif kept:
                report.fields_kept += 1
        repo.add_sources(sources)

    @staticmethod
    def _target_ids(repo: PapersRepository, items: list[_Incoming]) -> list[int | None]:
        """Where each record went: the papers area's keys, in its precedence (arXiv id, DOI,
        title key), else its provenance; None for a record the import refused."""
        keyed: list[dict[str, str] | None] = []
        for item in items:
            try:
                keyed.append(dedupe_keys(validate(item.record)))
            except InvalidRecord:
                keyed.append(None)
        by_arxiv, by_doi, by_title = repo.match_keys(
            (k["arxiv_id"] for k in keyed if k and "arxiv_id" in k),
            (k["doi"] for k in keyed if k and "doi" in k),
            (k["title_key"] for k in keyed if k and "title_key" in k),
        )
        by_origin = repo.match_sources(
            (i.record.source_kind, i.record.source_ref, i.record.record_ref)
            for i, k in zip(items, keyed, strict=True) if k is not None and not k
        )
        out: list[int | None] = []
        for item, keys in zip(items, keyed, strict=True):
            found: int | None = None
            if keys is not None:
                found = (by_arxiv.get(keys.get("arxiv_id", "")) or by_doi.get(keys.get("doi", ""))
                         or by_title.get(keys.get("title_key", "")))
                if not keys:
                    r = item.record
                    found = by_origin.get((r.source_kind, r.source_ref, r.record_ref))
            out.append(found)
        return out

    def _reviews(self, src: Session, batch: Callable[[], AbstractContextManager[Session]],
                 report: SyncReport, progress: Progress) -> None:
        from scholardesk.services.reviews import MY_SUBMISSIONS  # personal: left out

        source_repo = LibrarySyncRepository(src)
        ids = source_repo.review_article_ids(exclude_sources=(MY_SUBMISSIONS,))
        report.review_articles.left_out = ReviewsRepository(src).count() - len(ids)
        counts = report.review_articles
        for start in range(0, len(ids), BATCH):
            progress.report(start, len(ids), "Copying review-time articles")
            articles = source_repo.review_articles(ids[start : start + BATCH])
            with batch() as session:
                repo = ReviewsRepository(session)
                for h in articles:
                    outcome = repo.upsert(replace(h, id=None))
                    if outcome == "imported":
                        counts.added += 1
                    elif outcome == "updated":
                        counts.merged += 1
                    else:
                        counts.skipped += 1
