"""``library push`` / ``library pull``: copy a personal library into a shared one, and back,
without duplicates.

What travels: papers with their tags, provenance, reading status, rating and notes;
review-time articles; venues with their aliases, CCF ranks, metric values, rank-list files and
conference editions; experiments with their runs, results and curves; the ONNX model registry;
submissions with their status histories. Each area by its own keys, and everywhere **the copy
being written to keeps its own values**: the source adds what is missing and fills what is
empty, a different value already there is ``kept``.

The rules:

- **Papers** go through the papers area's own import path (``PapersService.store_in``):
  the same dedupe (arXiv id, then DOI, then normalised title + first author + year; a paper
  with none of these by its provenance) and the same field-by-field merge as any import, so
  the same work is one paper on both sides and running a sync twice adds nothing.
- **Yours, not everyone's**: tags, status, rating, notes, feed triage and submissions belong
  to a person (``store.people``). A personal library has one (you); in the shared one you are
  your Settings name or your database role. A push writes your personal marks as yours in the
  shared library and a pull brings back only yours: other members' marks never travel.
- **Tags** are united; **provenance** rows are copied (the ones already there are kept).
- **Status, rating and notes: the copy being written to wins when it has a value.** The
  source only fills what the target lacks (status "unread", no rating, empty notes). A sync
  never overwrites what you already set there (a later edit on that side). Papers where both
  sides set a different value are counted as ``fields_kept``.
- **Review-time articles** dedupe by their key (DOI, else the article's URL, else journal +
  title) and merge as the reviews area merges (the stored record keeps its values and gains
  the dates it lacked).
- **Venues** (shared reference data) by their natural key, kind + normalised name (the
  unique key of the venues table), else by an ISSN only one venue of that kind has; a venue
  already there gains the identifiers it lacked and the aliases (by alias key) it lacked.
  **CCF ranks** by (venue, edition, category); **metric values** by (venue, year, source,
  metric); **rank-list files** by their name and version (sha256), as the list import's
  re-import detection knows them: a list the target lacks is recorded there with its values,
  a list the target holds in another version keeps that version and its values (``kept``).
  **Conference editions** by (venue, year, edition id): the target's fields win, the source
  fills empty ones and adds the deadlines (kind + number) it lacks.
- **Experiments** by name; **runs** by their fingerprint (the experiments area's duplicate
  key: model, dataset, split, protocol, seed, hardware, framework, params, source, reference,
  results), counted: a run recorded twice on purpose arrives twice, once. Results and curves
  travel with a new run; the import sources (content hashes) travel too, so re-importing the
  same file on the other side is still a no-op.
- **Models** by the ONNX file's sha256. Only the registry entry travels (name, path, task,
  inputs/outputs, labels, assets); the file stays where it is: a shared library on a server
  has no file store and other members cannot read your data folder. On the other side the
  model shows until it is run, then says its file is gone and how to put it back.
- **Submissions** with their status histories, by venue + title along their chains (as the
  submissions import does), events by date + text; yours only (see above).
- Sample data is never copied, nor the review records made from your own submissions
  (personal); both are counted as ``left_out``.

The source is opened read-only (one consistent snapshot); the target is written one
transaction per batch (2,000 papers, review articles or submissions; 500 runs of one
experiment; the venue area whole, so a rank list arrives whole or not at all). ``dry_run`` writes everything in one transaction and rolls it back,
so its counts are exactly what a real run would report.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from scholardesk.core.errors import InputError
from scholardesk.core.progress import Progress, no_progress
from scholardesk.domain.changes import (
    EXPERIMENTS,
    MODELS,
    PAPERS,
    REVIEWS,
    SUBMISSIONS,
    VENUES,
    Changes,
)
from scholardesk.domain.experiments import NewRun, RunRecord, Series
from scholardesk.domain.importing import RecordError
from scholardesk.domain.papers import (
    InvalidRecord,
    Paper,
    PaperFilter,
    dedupe_keys,
    paper_as_record,
    validate,
)
from scholardesk.domain.submissions import Submission
from scholardesk.domain.venues import ConferenceEdition, VenueMetric
from scholardesk.store.experiments_repo import ExperimentsRepository
from scholardesk.store.library_sync_repo import (
    ExperimentSyncRepository,
    LibrarySyncRepository,
    ListFile,
    ModelSyncRepository,
    UserFields,
    VenueIdentity,
    VenueSyncRepository,
    display_url,
    library_url,
    open_other_library,
    same_library,
)
from scholardesk.store.models_repo import ModelsRepository
from scholardesk.store.papers_repo import PapersRepository
from scholardesk.store.reviews_repo import ReviewsRepository
from scholardesk.store.submissions_repo import NewSubmission, SubmissionsRepository
from scholardesk.store.venues_repo import VenuesRepository

if TYPE_CHECKING:
    from scholardesk.services.papers import IncomingPaper
    from scholardesk.store.db import Database

Session = Any  # a store session (SQLAlchemy stays in store/)
BATCH = 2000  # papers (review articles, submissions) per target transaction
RUN_BATCH = 500  # experiment runs (with their curves) per target transaction
NOT_COVERED: tuple[str, ...] = ()  # every area travels


@dataclass
class AreaCounts:
    added: int = 0
    merged: int = 0  # already there: gained fields (metadata, tags, dates)
    skipped: int = 0  # already there as it is
    left_out: int = 0  # sample data, personal records: not copied
    kept: int = 0  # already there with a different value of its own, which stays
    errors: list[RecordError] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {"added": self.added, "merged": self.merged, "skipped": self.skipped,
                "left_out": self.left_out, "kept": self.kept,
                "errors": [e.to_json() for e in self.errors]}

    @property
    def changed(self) -> bool:
        return bool(self.added or self.merged)


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
    venues: AreaCounts = field(default_factory=AreaCounts)
    rank_lists: AreaCounts = field(default_factory=AreaCounts)  # rank-list files
    venue_metrics: AreaCounts = field(default_factory=AreaCounts)  # CCF ranks, metric values
    conference_editions: AreaCounts = field(default_factory=AreaCounts)
    experiments: AreaCounts = field(default_factory=AreaCounts)  # runs
    experiments_added: int = 0  # experiments (by name) new on the target
    models: AreaCounts = field(default_factory=AreaCounts)
    submissions: AreaCounts = field(default_factory=AreaCounts)
    changes: Changes = field(default_factory=Changes)

    def areas(self) -> dict[str, AreaCounts]:
        """Every area's counts by its report key, in report order."""
        return {"papers": self.papers, "review_articles": self.review_articles,
                "venues": self.venues, "rank_lists": self.rank_lists,
                "venue_metrics": self.venue_metrics,
                "conference_editions": self.conference_editions,
                "experiments": self.experiments, "models": self.models,
                "submissions": self.submissions}

    @property
    def errors(self) -> list[RecordError]:
        return [e for counts in self.areas().values() for e in counts.errors]

    def to_json(self) -> dict[str, object]:
        return {
            "direction": self.direction,
            "from": self.source,
            "to": self.target,
            "dry_run": self.dry_run,
            "papers": {**self.papers.to_json(), "fields_filled": self.fields_filled,
                       "fields_kept": self.fields_kept},
            "review_articles": self.review_articles.to_json(),
            "venues": self.venues.to_json(),
            "rank_lists": self.rank_lists.to_json(),
            "venue_metrics": self.venue_metrics.to_json(),
            "conference_editions": self.conference_editions.to_json(),
            "experiments": {**self.experiments.to_json(),
                            "experiments_added": self.experiments_added},
            "models": self.models.to_json(),
            "submissions": self.submissions.to_json(),
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
        self._paper_ids: dict[int, int] = {}  # source paper id → target paper id, this run

    def push(self, to: str, dry_run: bool = False, progress: Progress | None = None) -> SyncReport:
        """Everything of this library into the library at ``to`` (a URL or a file)."""
        url = self._other_url(to)
        target = open_other_library(url, read_only=False, person=self.db.person_name)
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
        other = open_other_library(url, read_only=True, person=self.db.person_name)
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
        self._paper_ids = {}
        with source.reading() as src, self._batches(target, report.dry_run) as batch:
            self._papers(src, batch, report, progress)
            self._reviews(src, batch, report, progress)
            self._venues(src, batch, report, progress)
            self._experiments(src, batch, report, progress)
            self._models(src, batch, report)
            self._submissions(src, batch, report, progress)
        if not report.dry_run:
            touched = Changes()
            if report.papers.changed or report.fields_filled:
                touched = touched | Changes.of(PAPERS)
            if report.review_articles.changed:
                touched = touched | Changes.of(REVIEWS)
            if any(c.changed for c in (report.venues, report.rank_lists, report.venue_metrics,
                                       report.conference_editions)):
                touched = touched | Changes.of(VENUES)
            if report.experiments.changed or report.experiments_added:
                touched = touched | Changes.of(EXPERIMENTS)
            if report.models.changed:
                touched = touched | Changes.of(MODELS)
            if report.submissions.changed:
                touched = touched | Changes.of(SUBMISSIONS)
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
        from scholardesk.services.papers import IncomingPaper, PapersService

        source_repo = PapersRepository(src)
        ids = source_repo.ids(PaperFilter(sample=False), "added", descending=False)
        report.papers.left_out = source_repo.count() - len(ids)
        store = PapersService(self.db)  # its import path; the repository decides the library
        for start in range(0, len(ids), BATCH):
            progress.report(start, len(ids), "Copying papers")
            papers = source_repo.papers(ids[start : start + BATCH], with_provenance=True)
            items = [self._incoming(p, report.source, IncomingPaper) for p in papers]
            with batch() as session:
                repo = PapersRepository(session)
                stored = store.store_in(repo, items)
                self._user_fields(session, repo, papers, items, report)
            report.papers.added += stored.imported
            report.papers.merged += stored.updated
            report.papers.skipped += stored.skipped
            report.papers.errors.extend(stored.errors)
        progress.report(len(ids), len(ids), "Copying papers")

    @staticmethod
    def _incoming(paper: Paper, source_label: str, make: type[IncomingPaper]) -> IncomingPaper:
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
                     items: list[IncomingPaper], report: SyncReport) -> None:
        """After the batch is stored: the rest of each paper's provenance, and status, rating
        and notes where the target has none."""
        targets = self._target_ids(repo, items)
        fields_repo = LibrarySyncRepository(session)
        current = fields_repo.user_fields(t for t in targets if t is not None)
        sources: list[tuple[int, str, str, str]] = []
        for paper, target_id in zip(papers, targets, strict=True):
            if target_id is None or target_id not in current:
                continue
            self._paper_ids[paper.id] = target_id
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
    def _target_ids(repo: PapersRepository, items: list[IncomingPaper]) -> list[int | None]:
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

    # -- venues and their metrics: shared reference data, by their natural keys -----------------
    def _venues(self, src: Session, batch: Callable[[], AbstractContextManager[Session]],
                report: SyncReport, progress: Progress) -> None:
        source = VenueSyncRepository(src)
        every = source.venues()
        keep = [v for v in every if not v.is_sample]
        sample_ids = {v.id for v in every if v.is_sample}
        report.venues.left_out = len(sample_ids)
        lists = source.list_files()
        if not keep and not lists:
            return
        progress.report(0, None, "Copying venues and their metrics")
        ranks = [r for r in source.ranks() if r[0] not in sample_ids]
        aliases = [a for a in source.aliases() if a[0] not in sample_ids]
        metrics = [m for m in VenuesRepository(src).metrics() if m.venue_id not in sample_ids]
        editions = [e for e in source.editions() if e[0] not in sample_ids]
        # one transaction for the whole area: a rank list arrives whole or not at all
        with batch() as session:
            target = VenueSyncRepository(session)
            area = VenuesRepository(session)
            ids, matched, gained = self._venue_ids(target, area, keep, report.venues)
            have = {key for _, _, key, _ in target.aliases()}
            new_aliases = []
            for vid, alias, key, origin in aliases:
                if key not in have and vid in ids:
                    have.add(key)
                    new_aliases.append((ids[vid], alias, key, origin))
                    gained.add(vid)
            target.add_aliases(new_aliases)
            report.venues.merged += len(gained & matched)
            report.venues.skipped += len(matched - gained)
            other_version = self._rank_lists(target, area, lists, report.rank_lists)
            self._ranks(target, area, ranks, ids, report.venue_metrics)
            self._metric_values(area, metrics, ids, other_version, report.venue_metrics)
            self._editions(target, area, editions, ids, report.conference_editions)

    @staticmethod
    def _venue_ids(target: VenueSyncRepository, area: VenuesRepository,
                   venues: list[VenueIdentity], counts: AreaCounts
                   ) -> tuple[dict[int, int], set[int], set[int]]:
        """Source venue id → target venue id, by the venues' natural key (kind + normalised
        name), else by an ISSN only one venue of that kind has; missing ones are added, the
        matched ones gain the identifiers they lacked. Returns (ids, matched, gained)."""
        existing = target.venues()
        by_key = {(v.kind, v.name_key): v for v in existing}
        by_issn: dict[tuple[str, str], set[int]] = {}
        for v in existing:
            for issn in (v.issn, v.eissn):
                if issn:
                    by_issn.setdefault((v.kind, issn), set()).add(v.id)
        by_id = {v.id: v for v in existing}
        ids: dict[int, int] = {}
        matched: set[int] = set()
        gained: set[int] = set()
        new: list[VenueIdentity] = []
        for v in venues:
            mine = by_key.get((v.kind, v.name_key))
            if mine is None:
                found = set().union(*(by_issn.get((v.kind, i), set())
                                      for i in (v.issn, v.eissn) if i))
                mine = by_id[found.pop()] if len(found) == 1 else None
            if mine is None:
                new.append(v)
                continue
            ids[v.id] = mine.id
            matched.add(v.id)
            values = {f: getattr(v, f) for f in VENUE_FIELDS
                      if getattr(v, f) and not getattr(mine, f)}
            if values:
                target.fill_venue_fields(mine.id, values)
                by_id[mine.id] = mine = replace(mine, **values)
                gained.add(v.id)
            if mine.is_sample:  # real data now: "delete sample data" keeps it
                area.adopt(mine.id)
                by_id[mine.id] = replace(mine, is_sample=False)
                gained.add(v.id)
        for v, new_id in zip(new, target.add_venues(new), strict=True):
            ids[v.id] = new_id
        counts.added += len(new)
        return ids, matched, gained

    @staticmethod
    def _rank_lists(target: VenueSyncRepository, area: VenuesRepository, lists: list[ListFile],
                    counts: AreaCounts) -> set[str]:
        """Rank-list files by their identity (the file name) and version (its hash): a list
        the target lacks is recorded as imported there (re-importing that file on the target
        is then "unchanged"); a list the target holds in another version stays as it is, and
        the metric sources of those lists are returned (their values are not copied)."""
        mine = {f.name: f for f in target.list_files()}
        other_version: set[str] = set()
        for f in lists:
            held = mine.get(f.name)
            if held is None:
                area.record_list_file(f.name, f.list_kind, f.year, f.sha256, f.report,
                                      f.imported_at)
                counts.added += 1
            elif held.sha256 == f.sha256:
                counts.skipped += 1
            else:
                counts.kept += 1
                if f.source:
                    other_version.add(f.source)
        return other_version

    @staticmethod
    def _ranks(target: VenueSyncRepository, area: VenuesRepository,
               ranks: list[tuple[int, str, str, str, str]], ids: dict[int, int],
               counts: AreaCounts) -> None:
        """CCF ranks by (venue, edition, category); the target's own rank is kept."""
        stored = {(v, ed, cat): (rank, note) for v, ed, cat, rank, note in target.ranks()}
        for vid, edition, category, rank, note in ranks:
            key = (ids[vid], edition, category)
            held = stored.get(key)
            if held is None:
                area.add_rank(ids[vid], edition, category, rank, note)
                stored[key] = (rank, note)
                counts.added += 1
            elif held == (rank, note):
                counts.skipped += 1
            else:
                counts.kept += 1

    @staticmethod
    def _metric_values(area: VenuesRepository, metrics: list[VenueMetric], ids: dict[int, int],
                       other_version: set[str], counts: AreaCounts) -> None:
        """Metric values by (venue, year, source, metric) — the venues area's key; a value the
        target holds differently, or of a list it holds in another version, is kept."""
        stored = {(m.venue_id, m.year, m.source, m.metric): (m.value, m.number, m.note)
                  for m in area.metrics()}
        inserts: dict[str, list[VenueMetric]] = {}
        for m in metrics:
            if m.source in other_version:
                counts.kept += 1
                continue
            moved = replace(m, venue_id=ids[m.venue_id])
            key = (moved.venue_id, m.year, m.source, m.metric)
            held = stored.get(key)
            if held is None:
                inserts.setdefault(m.source, []).append(moved)
                stored[key] = (m.value, m.number, m.note)
                counts.added += 1
            elif held == (m.value, m.number, m.note):
                counts.skipped += 1
            else:
                counts.kept += 1
        for source, values in inserts.items():
            area.write_metrics(source, values, [], [])

    @staticmethod
    def _editions(target: VenueSyncRepository, area: VenuesRepository,
                  editions: list[tuple[int, ConferenceEdition]], ids: dict[int, int],
                  counts: AreaCounts) -> None:
        """Conference editions by (venue, year, edition id), merged by ``merge_edition``."""
        stored = {(v, e.year, e.edition_id): e for v, e in target.editions()}
        for vid, edition in editions:
            key = (ids[vid], edition.year, edition.edition_id)
            held = stored.get(key)
            if held is None:
                area.upsert_edition(ids[vid], edition)
                stored[key] = edition
                counts.added += 1
                continue
            merged = merge_edition(held, edition)
            if merged == held:
                counts.skipped += 1
            else:
                area.upsert_edition(ids[vid], merged)
                stored[key] = merged
                counts.merged += 1

    # -- experiments: by experiment name and run fingerprint -------------------------------------
    def _experiments(self, src: Session, batch: Callable[[], AbstractContextManager[Session]],
                     report: SyncReport, progress: Progress) -> None:
        source = ExperimentSyncRepository(src)
        source_area = ExperimentsRepository(src)
        every = source_area.runs()
        described = dict(source.experiments())  # not sample data
        runs: dict[str, list[RunRecord]] = {name: [] for name in described}
        for run in every:
            if not run.is_sample:
                runs.setdefault(run.experiment, []).append(run)
        counts = report.experiments
        counts.left_out = sum(1 for r in every if r.is_sample)
        imports: dict[str, list[tuple[str, str, str]]] = {}
        for name, uri, kind, content_hash in source.sources():
            imports.setdefault(name, []).append((uri, kind, content_hash))
        imported_from = source.run_sources()
        done = 0
        total = sum(len(r) for r in runs.values())
        for name, exp_runs in runs.items():
            target_counts: Counter[str] = Counter()
            seen: Counter[str] = Counter()
            for start in range(0, max(len(exp_runs), 1), RUN_BATCH):
                progress.report(done, total, "Copying experiment runs")
                chunk = exp_runs[start : start + RUN_BATCH]
                curves: dict[int, list[Series]] = {}
                for s in source_area.series([r.id for r in chunk]):
                    curves.setdefault(s.run_id, []).append(s.series)
                with batch() as session:
                    repo = ExperimentsRepository(session)
                    sync = ExperimentSyncRepository(session)
                    if start == 0:
                        if repo.experiment_id(name) is None:
                            report.experiments_added += 1
                        exp_id = repo.ensure_experiment(name, description=described.get(name, ""))
                        target_counts = sync.fingerprint_counts(name)
                        for uri, kind, content_hash in imports.get(name, ()):
                            if not repo.source_known(exp_id, content_hash):
                                repo.add_source(exp_id, uri, kind, content_hash)
                    else:
                        exp_id = repo.ensure_experiment(name)
                    source_ids = sync.source_ids()
                    for run in chunk:
                        new = as_new_run(run, curves.get(run.id, ()))
                        fingerprint = new.fingerprint()
                        seen[fingerprint] += 1
                        if seen[fingerprint] <= target_counts[fingerprint]:
                            counts.skipped += 1  # this run (or its kept duplicate) is there
                            continue
                        origin = source_ids.get((name, imported_from.get(run.id, "")))
                        repo.add_run(exp_id, new, source_id=origin)
                        counts.added += 1
                done += len(chunk)
        progress.report(total, total, "Copying experiment runs")

    # -- models: by the ONNX file's hash; the registry entry, not the file ---------------------
    def _models(self, src: Session, batch: Callable[[], AbstractContextManager[Session]],
                report: SyncReport) -> None:
        rows = ModelSyncRepository(src).models()
        counts = report.models
        counts.left_out = ModelsRepository(src).count() - len(rows)
        if not rows:
            return
        with batch() as session:
            sync = ModelSyncRepository(session)
            have = sync.hashes()
            new = []
            for row in rows:
                if row["sha256"] in have:
                    counts.skipped += 1
                    continue
                have.add(row["sha256"])
                new.append(row)
            sync.add_models(new)
            counts.added += len(new)

    # -- submissions: by venue + title along their chains, events by date + text ---------------
    def _submissions(self, src: Session, batch: Callable[[], AbstractContextManager[Session]],
                     report: SyncReport, progress: Progress) -> None:
        every = SubmissionsRepository(src).all()
        keep = chain_order([s for s in every if not s.is_sample])
        counts = report.submissions
        counts.left_out = len(every) - len(keep)
        target_ids: dict[int, int] = {}
        for start in range(0, len(keep), BATCH):
            progress.report(start, len(keep), "Copying submissions")
            now = dt.datetime.now()
            with batch() as session:
                repo = SubmissionsRepository(session)
                for sub in keep[start : start + BATCH]:
                    previous = target_ids.get(sub.previous_id) if sub.previous_id else None
                    found = repo.find(sub.venue, sub.title, previous)
                    paper = self._paper_ids.get(sub.paper_id) if sub.paper_id else None
                    filled = False
                    if found is None:
                        found = repo.add(NewSubmission(
                            sub.title, sub.venue, sub.manuscript_id, sub.system, sub.role,
                            paper, previous, sub.notes), now)
                        counts.added += 1
                        added = True
                    else:
                        added = False
                        held = repo.get(found)
                        assert held is not None
                        values = fill_submission(held, sub, paper)
                        if values:
                            repo.update(found, now, **values)
                            filled = True
                    new_events = 0
                    for event in sub.events:
                        if not repo.has_event(found, event.date, event.raw):
                            repo.add_event(found, replace(event, id=None))
                            new_events += 1
                    if not added:
                        if new_events or filled:
                            counts.merged += 1
                        else:
                            counts.skipped += 1
                    target_ids[sub.id] = found


VENUE_FIELDS = ("abbr", "publisher", "dblp_key", "dblp_url", "issn", "eissn")


def merge_edition(held: ConferenceEdition, incoming: ConferenceEdition) -> ConferenceEdition:
    """The target's edition keeps its own values; the incoming one fills its empty fields and
    adds the deadlines (by kind and number) it lacks."""
    filled = {f: getattr(incoming, f) for f in ("link", "date_text", "place", "timezone")
              if getattr(incoming, f) and not getattr(held, f)}
    have = {(d.kind, d.seq) for d in held.deadlines}
    extra = tuple(d for d in incoming.deadlines if (d.kind, d.seq) not in have)
    deadlines = tuple(sorted(held.deadlines + extra, key=lambda d: (d.kind, d.seq)))
    return replace(held, **filled, deadlines=deadlines)


def fill_submission(held: Submission, incoming: Submission,
                    paper_id: int | None) -> dict[str, object]:
    """What the incoming copy of a submission fills in on the one already there: its
    manuscript id, system, role, notes and paper (the target's own values stay)."""
    values: dict[str, object] = {
        f: getattr(incoming, f) for f in ("manuscript_id", "system", "role", "notes")
        if getattr(incoming, f).strip() and not getattr(held, f).strip()
    }
    if paper_id is not None and held.paper_id is None:
        values["paper_id"] = paper_id
    return values


def as_new_run(run: RunRecord, series: Sequence[Series]) -> NewRun:
    """A stored run as the experiments area records one (same fields, so same fingerprint)."""
    return NewRun(
        experiment=run.experiment, model=run.model, dataset=run.dataset, split=run.split,
        protocol=run.protocol, seed=run.seed, hardware=run.hardware, framework=run.framework,
        params=dict(run.params), source=run.source, reference=run.reference,
        results=run.results, series=tuple(series), name=run.name, notes=run.notes,
    )


def chain_order(subs: list[Submission]) -> list[Submission]:
    """Each submission after the one it continues from (a previous one not in ``subs`` —
    sample data — counts as none), otherwise in their order."""
    present = {s.id for s in subs}
    placed: set[int] = set()
    ordered: list[Submission] = []
    pending = list(subs)
    while pending:
        ready = [s for s in pending if s.previous_id is None or s.previous_id in placed
                 or s.previous_id not in present]
        if not ready:  # a cycle (cannot be made in the app): keep the order given
            ready = pending
        ordered.extend(replace(s, previous_id=None) if s.previous_id not in present else s
                       for s in ready)
        placed.update(s.id for s in ready if s.id is not None)
        ready_ids = {id(s) for s in ready}
        pending = [s for s in pending if id(s) not in ready_ids]
    return ordered
