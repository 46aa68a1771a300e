"""Papers: import (BibTeX, arXiv Atom, our JSON), add by id (arXiv, DOI via Crossref), follow
arXiv categories and queries, dedupe and merge, organise, search, export.

One public method = one user action. Imports write in batches, each batch one transaction, so
nothing is half-written and 100,000 entries go in at thousands per second. Heavy modules
(requests, the source parsers) are imported inside the methods that use them.
"""

from __future__ import annotations

import gc
import json
import logging
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from scholardesk.core.config import Settings
from scholardesk.core.errors import DiskFullError, InputError, NetworkError, NotFoundError
from scholardesk.core.progress import Progress, no_progress
from scholardesk.core.resources import resource_path
from scholardesk.domain.changes import PAPERS, Changes
from scholardesk.domain.importing import ImportReport, RecordError
from scholardesk.domain.paper_ids import looks_like_bibtex, parse_identifier, split_identifiers
from scholardesk.domain.papers import (
    LINK_KINDS,
    READING_STATUSES,
    InvalidRecord,
    Paper,
    PaperFilter,
    PaperPage,
    PaperRecord,
    PaperRow,
    Subscription,
    merge_record,
    normalise_tag,
    same_content,
    suggest_bibtex_key,
    title_key,
    validate,
)
from scholardesk.store.db import Database
from scholardesk.store.papers_repo import PapersRepository

if TYPE_CHECKING:
    from scholardesk.services.zotero_import import ZoteroImportReport
    from scholardesk.sources.arxiv_source import ArxivApi
    from scholardesk.sources.crossref_works import CrossrefWorks
    from scholardesk.sources.http import PoliteClient
    from scholardesk.sources.import_stream import ReadStats

logger = logging.getLogger(__name__)

BATCH = 5000
STREAM_BATCH = 2000  # records per transaction while a file is streamed in
DISK_RESERVE = 32 * 1024 * 1024  # free space kept beyond the estimate (SQLite's journal, logs)
EXPORT_FORMATS = ("bibtex", "csv", "json")
CSV_COLUMNS = (
    "id", "title", "authors", "year", "venue", "doi", "arxiv_id", "categories", "entry_type",
    "status", "rating", "tags", "url", "pdf", "code", "notes",
)
FIRST_FETCH_LIMIT = 100  # a new subscription brings the latest 100, not the whole category
FETCH_LIMIT = 1000


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """A bulk import allocates millions of objects and no reference cycles; the cyclic garbage
    collector would rescan them all again and again (15% of a 100,000-entry import). Paused
    for the import only; reference counting frees memory as usual."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass
class IncomingPaper:
    """A record on its way into the library, with what the user set on it where it came from
    (Zotero, another library): stored by the import's dedupe and merge (``store_in``)."""

    record: PaperRecord
    status: str = ""
    rating: int = 0
    notes: str = ""
    where: str = ""  # how errors name the record, e.g. "line 12 (smith2020)"


def _only_categories(
    items: Iterable[IncomingPaper], wanted: Callable[[Sequence[str]], bool], stats: ReadStats
) -> Iterator[IncomingPaper]:
    """``--categories`` for the readers that do not filter themselves."""
    for item in items:
        if wanted(item.record.categories):
            yield item
        else:
            stats.filtered += 1


def _patterns_text(categories: str | Sequence[str]) -> str:
    return categories if isinstance(categories, str) else ",".join(categories)


def _library_bytes(db_file: Path) -> int:
    """The library's size on disk: the database and its write-ahead log."""
    total = 0
    for f in (db_file, db_file.with_name(db_file.name + "-wal")):
        try:
            total += f.stat().st_size
        except OSError:
            continue
    return total


class _DiskGuard:
    """Stops a streamed import before it fills the disk: before each batch, the free space
    must hold what the rest of the file will add at the rate seen so far (library growth per
    byte read), plus a reserve. Checked between transactions, so what is committed is whole."""

    def __init__(
        self, db_file: Path | None, free_space: Callable[[Path], int], stats: ReadStats
    ) -> None:
        self.db_file = db_file
        self.free_space = free_space
        self.stats = stats
        self.start_size = _library_bytes(db_file) if db_file is not None else 0
        self.start_read = stats.bytes_read
        self.largest_batch = 0
        self._before = self.start_size

    def check(self, stored: int) -> None:
        if self.db_file is None:  # another database server: its disk is not ours to see
            return
        now = _library_bytes(self.db_file)
        grown = now - self.start_size
        read = self.stats.bytes_read - self.start_read
        remaining = max(0, self.stats.total_bytes - self.stats.bytes_read)
        need = max(DISK_RESERVE, 2 * self.largest_batch)
        if grown > 0 and read > 0:
            need += int(grown / read * remaining)
        free = self.free_space(self.db_file.parent)
        if free >= need:
            return
        mb = 1024 * 1024
        raise DiskFullError(
            f"not enough disk space to finish this import: the rest of {self.stats.source} "
            f"needs about {need / mb:,.0f} MB in {self.db_file.parent}, and {free / mb:,.0f} MB "
            f"are free; stopped before the disk filled ({stored:,} papers stored so far are "
            "kept)",
            "Free some space (or import fewer papers, e.g. with --categories) and run the same "
            "import again: it continues where it stopped.",
        )

    def committed(self) -> None:
        if self.db_file is None:
            return
        now = _library_bytes(self.db_file)
        self.largest_batch = max(self.largest_batch, now - self._before)
        self._before = now


@dataclass
class FetchReport(ImportReport):
    per_subscription: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return {**super().to_json(), "subscriptions": self.per_subscription}


@dataclass(frozen=True)
class Facets:
    tags: list[tuple[str, int]]
    categories: list[tuple[str, int]]
    total: int


class PapersService:
    area = PAPERS

    def __init__(
        self,
        db: Database,
        settings: Callable[[], Settings] | None = None,
        http: Callable[[], PoliteClient] | None = None,
    ) -> None:
        self.db = db
        self._settings = settings or Settings
        self._http = http

    @property
    def settings(self) -> Settings:
        """The current settings (they can change while the app runs)."""
        return self._settings()

    # -- network sources ------------------------------------------------------------------------
    def _client(self) -> PoliteClient:
        if self._http is None:
            raise NetworkError("No network client is configured.")
        return self._http()

    def _arxiv(self) -> ArxivApi:
        from scholardesk.sources.arxiv_source import ArxivApi

        return ArxivApi(self._client(), self.settings.service_url("arxiv"))

    def _crossref(self) -> CrossrefWorks:
        from scholardesk.sources.crossref_works import CrossrefWorks

        return CrossrefWorks(self._client(), self.settings.service_url("crossref"))

    # -- importing ------------------------------------------------------------------------------
    def import_files(
        self, paths: Sequence[Path | str], progress: Progress | None = None,
        categories: str | Sequence[str] = (),
    ) -> ImportReport:
        """``.bib`` files, arXiv Atom (``.xml`` or a saved JSON response), our JSON export and
        the arXiv metadata snapshot (JSON lines; plain, ``.gz`` or ``.zip``).

        Streaming: records go into the library in batches of ``STREAM_BATCH``, one
        transaction each, while the file is read, so memory stays flat whatever its size.
        Progress counts bytes (and says how many papers); cancelling keeps the batches already
        committed, and running the same import again continues where it stopped: records
        already in the library match their own paper (arXiv id, DOI, title key) and are
        skipped, so nothing is duplicated. ``categories`` (``"cs.*,stat.ML"``) keeps only
        papers with a matching arXiv category. Before each batch the free disk space is
        compared with what the rest of the file will need at the growth seen so far; too
        little stops the import with ``DiskFullError`` before the disk fills."""
        progress = progress or no_progress()
        report = ImportReport()
        for raw in paths:
            path = Path(raw)
            if not path.is_file():
                report.errors.append(RecordError(str(path), "file", "file not found"))
                continue
            with _cyclic_gc_paused():
                report.merge(self._import_file(path, progress, categories))
        report.changes = Changes.of(PAPERS) if report.imported or report.updated else Changes()
        return report

    def _import_file(
        self, path: Path, progress: Progress, categories: str | Sequence[str]
    ) -> ImportReport:
        from scholardesk.sources.arxiv_snapshot import category_matcher

        wanted = category_matcher(categories)
        stats, items = self._read_stream(
            path, categories, lambda: self._progress(progress, path, stats))
        if wanted is not None and not stats.filters_categories:
            items = _only_categories(items, wanted, stats)
        report = ImportReport()
        guard = _DiskGuard(self.db.sqlite_file, self.free_space, stats)
        batch: list[IncomingPaper] = []
        for item in items:
            batch.append(item)
            if len(batch) >= STREAM_BATCH:
                self._commit_stream_batch(batch, report, progress, path, stats, guard)
                batch = []
        if batch:
            self._commit_stream_batch(batch, report, progress, path, stats, guard)
        self._progress(progress, path, stats)
        report.errors[:0] = stats.errors.report()
        report.notices.extend(stats.notices)
        report.skipped += stats.skipped
        if stats.filtered:
            report.notices.append(RecordError(
                str(path), "file",
                f"{stats.filtered:,} papers outside the categories {_patterns_text(categories)} "
                "were left out",
            ))
        if not stats.records and not stats.errors.count and not stats.filtered \
                and not stats.skipped:  # never "imported 0" without saying why
            report.errors.append(RecordError(str(path), "file", "the file holds nothing to import"))
        return report

    @staticmethod
    def _progress(progress: Progress, path: Path, stats: ReadStats) -> None:
        """Bytes read as the done/total of the bar, the papers read so far in its label."""
        progress.report(stats.bytes_read, stats.total_bytes or None,
                        f"Importing papers: {stats.records:,} from {path.name}")

    def _commit_stream_batch(
        self, batch: Sequence[IncomingPaper], report: ImportReport, progress: Progress, path: Path,
        stats: ReadStats, guard: _DiskGuard,
    ) -> None:
        self._progress(progress, path, stats)  # also where a cancel stops the import
        guard.check(report.imported + report.updated)
        with self.db.transaction() as session:
            self._store_batch(PapersRepository(session), batch, report, False)
        guard.committed()

    @staticmethod
    def free_space(folder: Path) -> int:
        """Free bytes on the disk holding ``folder`` (replaced in tests)."""
        return shutil.disk_usage(folder).free

    def _read_stream(
        self, path: Path, categories: str | Sequence[str], tick: Callable[[], None]
    ) -> tuple[ReadStats, Iterator[IncomingPaper]]:
        """The file's reader: its live statistics and its records, one at a time."""
        from scholardesk.sources import arxiv_snapshot, atom, bibtex, paper_json
        from scholardesk.sources.import_stream import ReadStats, inner_suffix

        suffix = inner_suffix(path)
        if suffix in (".bib", ".bibtex", ".txt"):
            bib = bibtex.BibtexStreamReader(path)
            return bib.stats, (IncomingPaper(r, where=f"line {line} ({r.record_ref})")
                               for line, r in bib)
        if suffix in (".json", ".jsonl", ".ndjson") and arxiv_snapshot.looks_like_snapshot(path):
            snap = arxiv_snapshot.SnapshotReader(path, categories, tick)
            snap.stats.filters_categories = True
            return snap.stats, (IncomingPaper(r, where=f"line {line} ({r.record_ref})")
                                for line, r in snap)
        if suffix in (".xml", ".atom") or atom.looks_like_atom(path):
            feed = atom.AtomStreamReader(path)
            return feed.stats, (IncomingPaper(r) for r in feed)
        if suffix == ".json":
            from scholardesk.sources import csl_json

            if csl_json.looks_like_csl_json(path):  # Zotero / Better BibTeX "CSL JSON"
                csl = csl_json.CslJsonReader(path)
                return csl.stats, (IncomingPaper(r, where=where) for where, r in csl)
            js = paper_json.PaperJsonReader(path)
            return js.stats, (IncomingPaper(p.record, p.status, p.rating, p.notes, where)
                              for where, p in js)
        stats = ReadStats(str(path))
        stats.errors.add("file", "unknown file type; use .bib (BibTeX), .xml (arXiv Atom), "
                                 ".json (ours or the arXiv metadata snapshot), .gz or .zip")
        return stats, iter(())

    def import_zotero(
        self, path: Path | str | None = None, progress: Progress | None = None
    ) -> ZoteroImportReport:
        """A Zotero data folder or ``zotero.sqlite`` (None: the default data folder), read
        from a copy; again later, only what changed (see ``services.zotero_import``)."""
        from scholardesk.services.zotero_import import import_zotero

        with _cyclic_gc_paused():
            return import_zotero(self, path, progress)

    def import_bibtex_text(
        self, text: str, source: str = "pasted text", progress: Progress | None = None
    ) -> ImportReport:
        from scholardesk.sources.bibtex import parse_bibtex

        parsed = parse_bibtex(text, source)
        items = [IncomingPaper(r, where=f"line {line} ({r.record_ref})") for line, r in parsed.records]
        report = self._store(items, progress)
        report.errors[:0] = parsed.errors
        report.skipped += parsed.skipped
        return report

    def import_records(
        self, records: Iterable[PaperRecord], progress: Progress | None = None
    ) -> ImportReport:
        return self._store([IncomingPaper(r) for r in records], progress)

    def store_records_in(self, repo: PapersRepository,
                         records: Iterable[PaperRecord]) -> ImportReport:
        """Store ``records`` with the import's dedupe and merge, inside the caller's open
        transaction (``repo`` is on its session): for a use case that stores papers and rows
        of its own as one action, e.g. the feed's "add to library" with its triage state."""
        return self.store_in(repo, [IncomingPaper(r) for r in records])

    def store_in(self, repo: PapersRepository, items: Sequence[IncomingPaper]) -> ImportReport:
        """``store_records_in`` for records that carry the user's status, rating and notes
        (another library's papers, Zotero items)."""
        report = ImportReport()
        self._store_batch(repo, items, report, False)
        if report.imported or report.updated:
            report.changes = Changes.of(PAPERS)
        return report

    def _store(
        self,
        items: Sequence[IncomingPaper],
        progress: Progress | None = None,
        is_sample: bool = False,
    ) -> ImportReport:
        progress = progress or no_progress()
        report = ImportReport()
        with _cyclic_gc_paused():
            for start in range(0, len(items), BATCH):
                progress.report(start, len(items), "Importing papers")
                with self.db.transaction() as session:
                    self._store_batch(PapersRepository(session), items[start : start + BATCH],
                                      report, is_sample)
        if report.imported or report.updated:
            report.changes = Changes.of(PAPERS)
        return report

    def _store_batch(
        self,
        repo: PapersRepository,
        batch: Sequence[IncomingPaper],
        report: ImportReport,
        is_sample: bool,
    ) -> None:
        # Each valid item with its dedupe keys, in precedence order: arXiv id, DOI, title key.
        valid: list[tuple[IncomingPaper, list[tuple[str, str]]]] = []
        for item in batch:
            r = item.record
            try:
                checked = validate(r)
            except InvalidRecord as exc:
                where = item.where or r.record_ref or "?"
                report.errors.append(RecordError(r.source_ref, where, str(exc)))
                continue
            if checked is not r:
                item, r = replace(item, record=checked), checked
            keys: list[tuple[str, str]] = []
            if r.arxiv_id:
                keys.append(("a", r.arxiv_id))
            if r.doi:
                keys.append(("d", r.doi.lower()))
            tk = title_key(r.title, r.authors, r.year)
            if tk:
                keys.append(("t", tk))
            valid.append((item, keys))
        by_arxiv, by_doi, by_title = repo.match_keys(
            (key for _, keys in valid for kind, key in keys if kind == "a"),
            (key for _, keys in valid for kind, key in keys if kind == "d"),
            (key for _, keys in valid for kind, key in keys if kind == "t"),
        )
        existing = {"a": by_arxiv, "d": by_doi, "t": by_title}
        # A record with no key at all (a short title, no author, year, DOI or arXiv id) is the
        # paper an earlier import of the same entry of the same file made: same file, same
        # entry, same paper. Its title alone would merge unrelated entries titled "Test".
        by_origin = repo.match_sources(
            (item.record.source_kind, item.record.source_ref, item.record.record_ref)
            for item, keys in valid
            if not keys and item.record.source_ref and item.record.record_ref
        )
        new: list[IncomingPaper] = []
        existing_incoming: dict[int, list[IncomingPaper]] = {}
        batch_keys: dict[tuple[str, str], int] = {}
        sources_old: list[tuple[int, str, str, str]] = []
        sources_new: list[tuple[int, str, str, str]] = []
        for item, keys in valid:
            r = item.record
            old_id = None
            for kind, key in keys:
                old_id = existing[kind].get(key)
                if old_id is not None:
                    break
            origin = (r.source_kind, r.source_ref, r.record_ref)
            if not keys:
                old_id = by_origin.get(origin)
            if old_id is not None:
                existing_incoming.setdefault(old_id, []).append(item)
                sources_old.append((old_id, *origin))
                continue
            index = None
            for k in keys:
                index = batch_keys.get(k)
                if index is not None:
                    break
            if index is None:
                index = len(new)
                new.append(item)
                report.imported += 1
            else:
                # The same work twice in one import (arXiv v1 and v2, a DOI and a BibTeX).
                merged = merge_record(new[index].record, r)
                if same_content(merged, new[index].record):
                    report.skipped += 1
                else:
                    new[index] = replace(new[index], record=merged)
                    report.updated += 1
            for k in keys:
                batch_keys.setdefault(k, index)
            m = new[index].record
            if m.arxiv_id:
                batch_keys.setdefault(("a", m.arxiv_id), index)
            if m.doi:
                batch_keys.setdefault(("d", m.doi.lower()), index)
            sources_new.append((index, *origin))

        ids = repo.insert_many(
            [
                i.record if i.record.bibtex_key else replace(
                    i.record,
                    bibtex_key=suggest_bibtex_key(i.record.title, i.record.authors, i.record.year),
                )
                for i in new
            ],
            is_sample=is_sample,
        )
        for pid, item in zip(ids, new, strict=True):
            user: dict[str, object] = {}
            if item.status:
                user["status"] = item.status
            if item.rating:
                user["rating"] = item.rating
            if item.notes:
                user["notes"] = item.notes
            if user:
                repo.set_fields([pid], **user, is_sample=is_sample)
        if existing_incoming:
            current = repo.records(existing_incoming)
            for pid, incoming in existing_incoming.items():
                before = current.get(pid)
                if before is None:
                    continue
                merged = before
                for item in incoming:
                    merged = merge_record(merged, item.record)
                if same_content(merged, before):
                    report.skipped += len(incoming)
                else:
                    repo.update_from_record(pid, merged)
                    report.updated += 1
                    report.skipped += len(incoming) - 1
        repo.add_sources(
            sources_old + [(ids[index], kind, src, rec) for index, kind, src, rec in sources_new]
        )

    # -- adding by identifier (network) -------------------------------------------------------
    def add(
        self, inputs: Sequence[str], progress: Progress | None = None, enrich: bool = True
    ) -> ImportReport:
        """arXiv ids and URLs, DOIs and doi.org URLs, or BibTeX text, mixed as pasted."""
        progress = progress or no_progress()
        text = "\n".join(inputs)
        if looks_like_bibtex(text):
            return self.import_bibtex_text(text, "pasted BibTeX", progress)
        report = ImportReport()
        arxiv_ids: list[str] = []
        dois: list[str] = []
        for token in split_identifiers(text):
            ident = parse_identifier(token)
            if ident is None:
                report.errors.append(RecordError(
                    "input", token, "not an arXiv id, a DOI or BibTeX; check for typos"))
            elif ident.kind == "arxiv":
                full = f"{ident.value}v{ident.version}" if ident.version else ident.value
                if full not in arxiv_ids:
                    arxiv_ids.append(full)
            elif ident.value not in dois:
                dois.append(ident.value)
        records: list[PaperRecord] = []
        if arxiv_ids:
            records.extend(self._fetch_arxiv(arxiv_ids, report, progress, enrich))
        for i, doi in enumerate(dois):
            progress.report(i, len(dois), "Crossref")
            try:
                record = self._crossref().fetch(doi, progress)
            except NetworkError as exc:
                report.errors.append(RecordError("https://api.crossref.org", doi, str(exc)))
                continue
            except ValueError as exc:
                report.errors.append(RecordError("https://api.crossref.org", doi, str(exc)))
                continue
            if record is None:
                report.errors.append(RecordError(
                    "https://api.crossref.org", doi,
                    "Crossref does not know this DOI; check it on https://doi.org/"))
                continue
            records.append(record)
        stored = self._store([IncomingPaper(r) for r in records], progress)
        report.merge(stored)
        report.changes = stored.changes
        return report

    def _fetch_arxiv(
        self, ids: list[str], report: ImportReport, progress: Progress, enrich: bool
    ) -> list[PaperRecord]:
        try:
            feed = self._arxiv().fetch_ids(ids, progress)
        except NetworkError as exc:
            report.errors.extend(RecordError("arXiv", i, str(exc)) for i in ids)
            return []
        report.errors.extend(feed.errors)
        from scholardesk.domain.paper_ids import parse_arxiv_id

        got = {r.arxiv_id for r in feed.records}
        for i in ids:
            parsed = parse_arxiv_id(i)
            if parsed is None or parsed.id not in got:
                report.errors.append(
                    RecordError("arXiv", i, "arXiv does not know this id; check it on arxiv.org"))
        records = list(feed.records)
        if enrich:
            records = [self._venue_from_crossref(r, progress) for r in records]
        return records

    def _venue_from_crossref(self, record: PaperRecord, progress: Progress) -> PaperRecord:
        """An arXiv paper with a DOI but no journal_ref: ask Crossref where it appeared."""
        if record.venue or not record.doi:
            return record
        try:
            published = self._crossref().fetch(record.doi, progress)
        except (NetworkError, ValueError) as exc:
            logger.info("No Crossref venue for %s: %s", record.doi, exc)
            return record
        if published is None or not published.venue:
            return record
        return replace(record, venue=published.venue, entry_type=published.entry_type)

    # -- subscriptions --------------------------------------------------------------------------
    def subscribe(self, query: str, kind: str = "category") -> bool:
        query = query.strip()
        if kind not in ("category", "query"):
            raise InputError(f"Unknown subscription kind {kind!r}.", "Use category or query.")
        if not query:
            raise InputError("Give an arXiv category such as cs.CL, or a search query.")
        if kind == "category" and (" " in query or ":" in query):
            raise InputError(
                f"{query!r} is not an arXiv category.",
                "Categories look like cs.CL or eess.AS; use --query for searches.",
            )
        with self.db.transaction() as session:
            return PapersRepository(session).add_subscription(kind, query)

    def unsubscribe(self, query: str, kind: str = "category") -> bool:
        with self.db.transaction() as session:
            return PapersRepository(session).remove_subscription(kind, query.strip())

    def subscriptions(self) -> list[Subscription]:
        with self.db.reading() as session:
            return PapersRepository(session).subscriptions()

    def fetch_new(self, progress: Progress | None = None) -> FetchReport:
        """Papers that appeared since the last check of each subscription (marked unread)."""
        progress = progress or no_progress()
        report = FetchReport()
        subs = self.subscriptions()
        if not subs:
            raise InputError(
                "There are no subscriptions to fetch.",
                "Subscribe first, e.g. `scholardesk papers subscribe cs.CL`.",
            )
        api = self._arxiv()
        for n, sub in enumerate(subs):
            progress.report(n, len(subs), sub.query)
            limit = FETCH_LIMIT if sub.last_published else FIRST_FETCH_LIMIT
            records: list[PaperRecord] = []
            newest = sub.last_published
            try:
                for feed in api.search_pages(sub.search_query, limit, progress):
                    report.errors.extend(feed.errors)
                    older_seen = False
                    for r in feed.records:
                        if sub.last_published and r.published and r.published < sub.last_published:
                            older_seen = True
                            continue
                        records.append(r)
                        newest = max(newest, r.published)
                    if older_seen:
                        break
            except NetworkError as exc:
                report.errors.append(RecordError("arXiv", sub.search_query, str(exc)))
                continue
            stored = self._store([IncomingPaper(r) for r in records], progress)
            report.merge(stored)
            report.per_subscription[sub.query] = stored.imported
            with self.db.transaction() as session:
                PapersRepository(session).mark_checked(sub.id, newest)
        report.changes = Changes.of(PAPERS) if report.imported or report.updated else Changes()
        return report

    # -- reading --------------------------------------------------------------------------------
    def search(self, query: str, limit: int = 50) -> list[PaperRow]:
        with self.db.reading() as session:
            repo = PapersRepository(session)
            return repo.rows(repo.search(query, limit))

    def list_ids(
        self, flt: PaperFilter | None = None, sort: str = "added", descending: bool = True
    ) -> list[int]:
        with self.db.reading() as session:
            return PapersRepository(session).ids(flt or PaperFilter(), sort, descending)

    def list_page(
        self, flt: PaperFilter | None = None, sort: str = "added", descending: bool = True,
        offset: int = 0, limit: int = 200,
    ) -> PaperPage:
        """The Papers table's first window and its count, from the database (never every id
        of a million-paper library). With a search, the window is the whole capped result."""
        with self.db.reading() as session:
            ids, total, more = PapersRepository(session).page(
                flt or PaperFilter(), sort, descending, offset, limit)
        return PaperPage(tuple(ids), offset if len(ids) < total else 0, total, more)

    def list_window(
        self, flt: PaperFilter | None, sort: str, descending: bool, offset: int, limit: int
    ) -> list[int]:
        """Ids of rows ``offset`` .. ``offset + limit`` of a table without a search."""
        with self.db.reading() as session:
            return PapersRepository(session).ids(
                flt or PaperFilter(), sort, descending, limit, offset)

    def rows(self, ids: Sequence[int]) -> list[PaperRow]:
        with self.db.reading() as session:
            return PapersRepository(session).rows(ids)

    def list_papers(
        self, flt: PaperFilter | None = None, limit: int | None = None
    ) -> list[PaperRow]:
        with self.db.reading() as session:
            repo = PapersRepository(session)
            return repo.rows(repo.ids(flt or PaperFilter(), limit=limit))

    def get(self, paper_id: int) -> Paper:
        with self.db.reading() as session:
            papers = PapersRepository(session).papers([paper_id], with_provenance=True)
        if not papers:
            raise NotFoundError(f"There is no paper with id {paper_id}.")
        return papers[0]

    def count(self) -> int:
        with self.db.reading() as session:
            return PapersRepository(session).count()

    def facets(self) -> Facets:
        with self.db.reading() as session:
            repo = PapersRepository(session)
            return Facets(repo.all_tags(), repo.all_categories(), repo.count())

    # Hooks for the venues feature: raw venue strings, and papers by venue.
    def distinct_venues(self) -> list[tuple[str, int]]:
        with self.db.reading() as session:
            return PapersRepository(session).distinct_venues()

    def venues_for(self, ids: Sequence[int]) -> dict[int, str]:
        with self.db.reading() as session:
            return PapersRepository(session).venues_for(ids)

    def ids_with_venues(self, venues: Iterable[str]) -> list[int]:
        with self.db.reading() as session:
            return PapersRepository(session).ids_with_venues(venues)

    # -- organising -----------------------------------------------------------------------------
    def update(
        self,
        ids: Sequence[int],
        status: str | None = None,
        rating: int | None = None,
        notes: str | None = None,
        add_tags: Iterable[str] = (),
        remove_tags: Iterable[str] = (),
    ) -> Changes:
        """Bulk edit of a selection (one transaction)."""
        values: dict[str, object] = {}
        if status is not None:
            if status not in READING_STATUSES:
                raise InputError(
                    f"Unknown reading status {status!r}.",
                    f"Use one of: {', '.join(READING_STATUSES)}.",
                )
            values["status"] = status
        if rating is not None:
            if not 0 <= rating <= 5:
                raise InputError(f"A rating is 0 to 5 stars, not {rating}.")
            values["rating"] = rating
        if notes is not None:
            values["notes"] = notes
        added = [t for t in (normalise_tag(x) for x in add_tags) if t]
        removed = [t for t in (normalise_tag(x) for x in remove_tags) if t]
        with self.db.transaction() as session:
            repo = PapersRepository(session)
            if values:
                repo.set_fields(ids, **values)
            if added:
                repo.add_tags(ids, added)
            if removed:
                repo.remove_tags(ids, removed)
        return Changes.of(PAPERS)

    def set_links(self, paper_id: int, links: dict[str, str]) -> Changes:
        from scholardesk.domain.text_clean import fix_url

        clean = {k: fix_url(v) for k, v in links.items() if v and v.strip()}
        with self.db.transaction() as session:
            repo = PapersRepository(session)
            # Links the editor does not show (e.g. "zotero") are kept unless named here.
            before = repo.records([paper_id]).get(paper_id)
            for kind, url in (before.links.items() if before else ()):
                if kind not in LINK_KINDS and kind not in links:
                    clean[kind] = url
            repo.set_links(paper_id, clean)
        return Changes.of(PAPERS)

    def delete(self, ids: Sequence[int]) -> Changes:
        """Delete papers, for everyone: in a shared library other members' marks and tags on
        them go too (ask ``others_marking`` first and say so)."""
        with self.db.transaction() as session:
            PapersRepository(session).delete(ids)
        return Changes.of(PAPERS)

    def others_marking(self, ids: Sequence[int]) -> dict[str, int]:
        """Other members with status, rating, notes or tags on some of ``ids``: person → on
        how many of them (empty in a personal library)."""
        with self.db.reading() as session:
            return PapersRepository(session).others_marking(ids)

    def citation(self, paper_id: int, style: str = "gbt7714") -> str:
        """One paper as a reference-list entry: ``gbt7714``, ``apa``, ``ieee`` or ``bibtex``."""
        from scholardesk.domain.citations import STYLES, format_citation

        if style.strip().lower() not in (*STYLES, "bibtex"):
            raise InputError(f"Unknown citation style {style!r}.",
                             f"Use one of: {', '.join((*STYLES, 'bibtex'))}.")
        paper = self.get(paper_id)
        if style.strip().lower() == "bibtex":
            from scholardesk.sources.bibtex import paper_to_bibtex

            return paper_to_bibtex(paper, set())
        return format_citation(paper, style)

    # -- export ---------------------------------------------------------------------------------
    def export_text(
        self, fmt: str, flt: PaperFilter | None = None, progress: Progress | None = None,
        ranks: Callable[[Sequence[str]], Mapping[str, str]] | None = None,
    ) -> str:
        """The library (or a tag, a filter, a selection via ``flt.ids``) as BibTeX/CSV/JSON.
        ``ranks``: venue strings → their rank label (``VenuesService.rank_labels``' text);
        given, CSV gets a ``ranks`` column, BibTeX a ``ranks = {...}`` field, JSON a key."""
        if fmt not in EXPORT_FORMATS:
            raise InputError(f"Unknown export format {fmt!r}.",
                             f"Use one of: {', '.join(EXPORT_FORMATS)}.")
        progress = progress or no_progress()
        ids = self.list_ids(flt, sort="added", descending=False)
        papers: list[Paper] = []
        with self.db.reading() as session:
            repo = PapersRepository(session)
            for start in range(0, len(ids), BATCH):
                progress.report(start, len(ids), "Exporting")
                papers.extend(repo.papers(ids[start : start + BATCH]))
        labels = dict(ranks(sorted({p.venue for p in papers if p.venue}))) if ranks else {}
        if fmt == "bibtex":
            from scholardesk.sources.bibtex import write_bibtex

            if ranks is None:
                return "".join(write_bibtex(papers))
            return "".join(_with_ranks_field(entry, labels.get(p.venue, ""))
                           for p in papers for entry in write_bibtex([p]))
        if fmt == "json":
            return json.dumps([_export_json(p) | ({"ranks": labels.get(p.venue) or None}
                                                  if ranks else {}) for p in papers],
                              ensure_ascii=False, indent=2)
        from scholardesk.domain.spreadsheet import csv_text  # cells escaped (no formulas)

        columns = CSV_COLUMNS + (("ranks",) if ranks else ())
        return csv_text(columns, (
            [
                p.id, p.title, "; ".join(p.authors), p.year or "", p.venue, p.doi or "",
                p.arxiv_id or "", " ".join(p.categories), p.entry_type, p.status, p.rating,
                "; ".join(p.tags), p.best_url, p.links.get("pdf", ""), p.links.get("code", ""),
                p.notes, *([labels.get(p.venue, "")] if ranks else []),
            ]
            for p in papers
        ), lineterminator="\r\n")

    def export(
        self, fmt: str, out: Path, flt: PaperFilter | None = None,
        progress: Progress | None = None, bom: bool = True,
        ranks: Callable[[Sequence[str]], Mapping[str, str]] | None = None,
    ) -> int:
        """Write the export to ``out``; a CSV file gets a UTF-8 BOM (for Excel) unless
        ``bom`` is false; ``ranks`` as in ``export_text``."""
        text = self.export_text(fmt, flt, progress, ranks)
        encoding = "utf-8-sig" if fmt == "csv" and bom else "utf-8"
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            tmp = out.with_name(out.name + ".tmp")
            tmp.write_text(text, encoding=encoding)
            tmp.replace(out)
        except OSError as exc:
            raise InputError(f"Cannot write {out}: {exc.strerror or exc}.") from exc
        return len(self.list_ids(flt))

    # -- sample data ----------------------------------------------------------------------------
    def load_sample(self) -> None:
        from scholardesk.sources.paper_json import read_papers_json

        papers, errors = read_papers_json(resource_path("sample", "papers.json"))
        for e in errors:
            logger.warning("Sample paper skipped: %s", e.message)
        items = [
            IncomingPaper(replace(p.record, source_kind="sample", source_ref="ScholarDesk sample"),
                      p.status, p.rating, p.notes)
            for p in papers
        ]
        self._store(items, is_sample=True)

    def delete_sample(self) -> int:
        with self.db.transaction() as session:
            repo = PapersRepository(session)
            return repo.delete(repo.sample_ids())


def _with_ranks_field(entry: str, label: str) -> str:
    """One written BibTeX entry with a ``ranks = {...}`` field before its closing brace."""
    clean = label.replace("{", "").replace("}", "").replace("\\", "")
    if not clean or not entry.endswith("\n}\n"):
        return entry
    return f"{entry[:-3]},\n  ranks = {{{clean}}}\n}}\n"


def _export_json(p: Paper) -> dict[str, object]:
    data = p.to_json()
    data.pop("sources", None)
    return data
