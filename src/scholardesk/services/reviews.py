"""Use cases of the review-times area: import and collect article histories, list them,
compute statistics, export, official figures, sample data.

One transaction per user action; imports use a savepoint per record so that one bad record
never leaves anything half-written and the rest of the batch goes on. Collection stores each
fetched page (its records plus the crawl cursor) in one transaction, so an interrupted crawl
continues where it stopped.

Heavy modules (SQLAlchemy, pandas, lxml, pdfminer, requests) are imported inside the methods
that use them.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scholardesk.core.errors import InputError, LibraryError, NotFoundError, ScholarDeskError
from scholardesk.core.i18n import tr
from scholardesk.core.progress import Progress, no_progress
from scholardesk.domain.changes import REVIEWS, Changes
from scholardesk.domain.importing import ImportReport, RecordError
from scholardesk.domain.reviews import (
    DATE_FIELDS,
    INTERVALS,
    ArticleHistory,
    ArticleQuery,
    ArticleRow,
    IntervalStats,
    JournalInfo,
    OfficialFigure,
    normalise_issn,
    normalise_journal,
    validate,
)

if TYPE_CHECKING:
    from scholardesk.analysis.review_stats import HistoryFrame
    from scholardesk.core.config import Paths, Settings
    from scholardesk.domain.submissions import CompletedTimeline
    from scholardesk.sources.http import PoliteClient
    from scholardesk.store.db import Database

logger = logging.getLogger(__name__)

COLLECT_SOURCES = ("crossref", "pubmed", "pages")
MY_SUBMISSIONS = "my submissions"  # the source of the user's own accepted manuscripts
MY_SUBMISSION_URL = "submission:{id}"  # their record key: one record per submission
# ...and whose: in a shared library each member's accepted manuscripts count in the shared
# statistics, and a member's sync adds, updates and removes only their own records
# ("submission:12 alice"; a personal library's owner, "", keeps the plain key).
MY_SUBMISSION_OWNER = " "


# what other members see as the title of a member's manuscript in the shared statistics
SHARED_MANUSCRIPT_TITLE = "(a library member's accepted manuscript)"


def my_submission_url(submission_id: int, person: str) -> str:
    key = MY_SUBMISSION_URL.format(id=submission_id)
    return f"{key}{MY_SUBMISSION_OWNER}{person}" if person else key


def my_submission_owner(url: str) -> str:
    return url.partition(MY_SUBMISSION_OWNER)[2]
SAMPLE_FILE = ("sample", "reviews.csv")
SAMPLE_OFFICIAL = (
    ("9990-0015", "received-accepted", 120.0, "Journal website, 2024 (sample figure)"),
    ("9990-0023", "received-accepted", 60.0, "Editorial, 2023 (sample figure)"),
)

ARTICLE_COLUMNS = [
    "doi", "title", "journal", "issn", "eissn", "article_type", "received", "revised",
    "accepted", "online", "published", "received_accepted_days", "received_revised_days",
    "accepted_online_days", "received_online_days", "flags", "excluded", "source", "source_url",
]  # fmt: skip
STATS_COLUMNS = [
    "journal", "interval", "group", "n", "excluded", "mean_days", "median_days", "p10_days",
    "p25_days", "p75_days", "p90_days", "min_days", "max_days", "within_3_months",
    "within_6_months", "within_12_months", "official_days", "warning",
]  # fmt: skip


@dataclass
class CollectReport:
    """What one ``collect`` run did."""

    source: str
    journal: str
    report: ImportReport = field(default_factory=ImportReport)
    pages: int = 0
    seen: int = 0
    total: int | None = None
    resumed: bool = False
    done: bool = False

    @property
    def changes(self) -> Changes:
        return self.report.changes

    def to_json(self) -> dict[str, object]:
        return {
            "source": self.source,
            "journal": self.journal,
            "pages": self.pages,
            "seen": self.seen,
            "total": self.total,
            "resumed": self.resumed,
            "done": self.done,
            **self.report.to_json(),
        }


@dataclass
class MySubmissionsReport:
    """What ``import_my_submissions`` did: the usual counts, the records it removed (their
    submission is gone or no longer accepted) and one line per accepted manuscript."""

    report: ImportReport = field(default_factory=ImportReport)
    removed: int = 0
    records: list[dict[str, object]] = field(default_factory=list)

    @property
    def changes(self) -> Changes:
        return self.report.changes

    def to_json(self) -> dict[str, object]:
        return {**self.report.to_json(), "removed": self.removed, "records": self.records}


@dataclass(frozen=True)
class JournalSummary:
    """The compact review-time figure another page (Venues) shows for one journal."""

    journal: str
    issn: str
    eissn: str
    stats: IntervalStats  # received → accepted

    @property
    def warning(self) -> str | None:
        return self.stats.warning


@dataclass(frozen=True)
class ReviewsView:
    """Everything the Review times page shows for one filter, computed off the GUI thread."""

    query: ArticleQuery
    journal_label: str
    rows: tuple[ArticleRow, ...]
    stats: tuple[IntervalStats, ...]  # one per interval
    by_year: tuple[IntervalStats, ...]  # for the selected interval
    values: dict[str, Any]  # interval -> numpy array of valid days
    trend: dict[str, tuple[Any, Any, Any]]  # interval -> (years, medians, counts)

    @property
    def excluded_rows(self) -> tuple[ArticleRow, ...]:
        return tuple(r for r in self.rows if r.flags)


def _repo(session: Any) -> Any:
    from scholardesk.store.reviews_repo import ReviewsRepository

    return ReviewsRepository(session)


def _check_interval(interval: str) -> str:
    if interval not in INTERVALS:
        raise InputError(
            f"Unknown interval {interval!r}.", "Choose one of: " + ", ".join(INTERVALS) + "."
        )
    return interval


def _iso(value: str | dt.date | None, what: str) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    from scholardesk.domain.dates import require_date

    return require_date(value, what=what).date.isoformat()


class ReviewsService:
    area = REVIEWS

    def __init__(
        self,
        db: Database,
        http: Callable[[], PoliteClient],
        paths: Paths | None = None,
        settings: Settings | Callable[[], Settings] | None = None,
        crossref_base: str | None = None,
        eutils_base: str | None = None,
        my_submissions: Callable[[], Sequence[CompletedTimeline]] | None = None,
    ) -> None:
        self.db = db
        self._http = http
        self.paths = paths
        # A callable gives the settings of the moment (the user can change them while the app
        # runs); a plain Settings object is kept as it is (tests, scripts).
        self._settings = settings
        self.crossref_base = crossref_base
        self.eutils_base = eutils_base
        self._my_submissions = my_submissions

    @property
    def settings(self) -> Settings | None:
        """The current settings (read at request time, never cached)."""
        s = self._settings
        if s is None:
            return None
        return s() if callable(s) else s

    def contact_email(self) -> str:
        s = self.settings
        return s.contact_email if s is not None else ""

    # --- importing ------------------------------------------------------------------------

    def parse_document(self, data: bytes, name: str) -> tuple[list[tuple[str, ArticleHistory]], list[RecordError]]:
        """Parse one file's bytes: ((record label, history) ..., errors)."""
        from scholardesk.sources.reviews import detect

        kind = detect.detect_format(data, name)
        errors: list[RecordError] = []
        if kind == "csv":
            from scholardesk.sources.reviews.csv_import import parse_csv

            good, bad = parse_csv(data, name)
            errors = [RecordError(name, f"line {line}", msg) for line, msg in bad]
            return [(f"line {line}", h) for line, h in good], errors
        if kind == "crossref":
            from scholardesk.sources.reviews.crossref import parse_crossref

            records = parse_crossref(data, name)
        elif kind == "pubmed":
            from scholardesk.sources.reviews.pubmed import parse_pubmed

            records = parse_pubmed(data, name)
        elif kind == "jats":
            from scholardesk.sources.reviews.jats import parse_jats

            records = parse_jats(data, name)
        elif kind == "html":
            from scholardesk.sources.reviews.publisher_html import parse_html

            records = [parse_html(data, name)]
        else:
            from scholardesk.sources.reviews.pdf import parse_pdf

            records = [parse_pdf(data, name)]
        return [(h.doi or f"#{i + 1}", h) for i, h in enumerate(records)], errors

    def import_files(
        self,
        files: Sequence[Path],
        journal: str = "",
        progress: Progress | None = None,
    ) -> ImportReport:
        """Import files of any supported kind (detected from their content)."""
        progress = progress or no_progress()
        report = ImportReport()
        for i, path in enumerate(files):
            progress.report(i, len(files), tr("Importing {name}", name=path.name))
            try:
                data = path.read_bytes()
            except OSError as exc:
                report.errors.append(RecordError(str(path), "", f"cannot read: {exc.strerror}"))
                continue
            report.merge(self.import_data(data, str(path), journal))
        progress.report(len(files), len(files), tr("Imported {n} files", n=len(files)))
        return report

    def import_data(self, data: bytes, name: str, journal: str = "") -> ImportReport:
        report = ImportReport()
        try:
            records, errors = self.parse_document(data, Path(name).name)
        except ScholarDeskError as exc:
            report.errors.append(RecordError(name, "", exc.message))
            return report
        except Exception as exc:  # a parser crash on odd input must not stop the batch
            logger.exception("Parser failed on %s", name)
            report.errors.append(RecordError(name, "", f"cannot be read: {exc}"))
            return report
        report.errors.extend(RecordError(name, e.record, e.message) for e in errors)
        self._store(records, name, journal, report)
        return report

    def _with_journal(
        self, h: ArticleHistory, journal: str, names: dict[str, str]
    ) -> ArticleHistory:
        """Fill a record's missing journal from the --journal option (PDFs carry none)."""
        if not journal:
            return h
        issn = normalise_issn(journal)
        if not issn:
            return h if h.journal else replace(h, journal=journal)
        updates: dict[str, str] = {}
        if not h.issns:
            updates["issn"] = issn
        if not h.journal and names.get(issn):
            updates["journal"] = names[issn]
        return replace(h, **updates) if updates else h  # type: ignore[arg-type]

    def _store(
        self,
        records: Sequence[tuple[str, ArticleHistory]],
        name: str,
        journal: str,
        report: ImportReport,
        is_sample: bool = False,
    ) -> None:
        now = dt.datetime.now()
        with self.db.transaction() as session:
            repo = _repo(session)
            names: dict[str, str] = {}
            issn = normalise_issn(journal)
            if issn:
                names[issn] = repo.journal_name(issn)
            for label, h in records:
                if not h.has_history:
                    report.skipped += 1
                    continue
                h = self._with_journal(h, journal, names)
                if not h.journal and h.issns:  # an ISSN only (from a PDF's DOI): its title
                    known = names.setdefault(h.issns[0], repo.journal_name(h.issns[0]))
                    h = replace(h, journal=known) if known else h
                if not h.journal and not h.issns:
                    report.errors.append(
                        RecordError(name, label, "no journal name or ISSN; give --journal")
                    )
                    continue
                if is_sample:
                    h = replace(h, is_sample=True)
                try:
                    with session.begin_nested():
                        outcome = repo.upsert(replace(h, fetched_at=h.fetched_at or now), now)
                except LibraryError:  # the library itself (full, read-only, busy): stop
                    raise
                except Exception as exc:  # one bad record: reported, the rest goes on
                    logger.exception("Could not store %s from %s", label, name)
                    report.errors.append(RecordError(name, label, f"not stored: {exc}"))
                    continue
                if outcome == "imported":
                    report.imported += 1
                elif outcome == "updated":
                    report.updated += 1
                else:
                    report.skipped += 1
        if report.imported or report.updated:
            report.changes = report.changes | Changes.of(REVIEWS)

    def add_manual(self, h: ArticleHistory) -> ImportReport:
        """Manual entry of one article's dates."""
        h = replace(h, source="manual").with_defaults()
        if not h.has_history:
            raise InputError("Give at least a received, revised or accepted date.")
        if not h.journal and not h.issns:
            raise InputError("Give the journal name or ISSN.")
        report = ImportReport()
        self._store([(h.doi or h.title or "manual", h)], "manual entry", "", report)
        if report.errors:
            raise InputError(report.errors[0].message)
        return report

    def delete(self, article_id: int) -> Changes:
        with self.db.transaction() as session:
            if not _repo(session).delete(article_id):
                raise NotFoundError(f"No review-time record with id {article_id}.")
        return Changes.of(REVIEWS)

    # --- reading --------------------------------------------------------------------------

    def journals(self) -> list[JournalInfo]:
        with self.db.reading() as session:
            result: list[JournalInfo] = _repo(session).journals()
            return result

    def resolve_journal(self, journal: str) -> tuple[str, str]:
        """(query key, journal title) for an ISSN or a (partial) name; NotFoundError if none."""
        journal = journal.strip()
        if not journal:
            return "", tr("All journals")
        issn = normalise_issn(journal)
        infos = self.journals()
        if issn:
            for info in infos:
                if issn in (info.issn, info.eissn):
                    return issn, info.journal or issn
            return issn, issn
        key = normalise_journal(journal)
        exact = [i for i in infos if normalise_journal(i.journal) == key]
        if exact:
            return exact[0].journal, exact[0].journal
        partial = [i for i in infos if key and key in normalise_journal(i.journal)]
        if len(partial) == 1:
            return partial[0].journal, partial[0].journal
        if len(partial) > 1:
            raise NotFoundError(
                f"{journal!r} matches several journals: "
                + "; ".join(i.label for i in partial[:6]) + ".",
                "Give the ISSN or the full name.",
            )
        raise NotFoundError(
            f"No articles of a journal {journal!r} in the library.",
            "Import or collect its articles first (reviews import / reviews collect).",
        )

    def _query(self, q: ArticleQuery) -> ArticleQuery:
        if q.journal:
            key, _ = self.resolve_journal(q.journal)
            return replace(q, journal=key)
        return q

    def articles(self, q: ArticleQuery | None = None) -> list[ArticleRow]:
        q = self._query(q or ArticleQuery())
        with self.db.reading() as session:
            histories = _repo(session).articles(q)
        return [ArticleRow(h, validate(h)) for h in histories]

    def frame(self, q: ArticleQuery | None = None) -> HistoryFrame:
        from scholardesk.analysis.review_stats import frame_from_rows

        q = self._query(q or ArticleQuery())
        with self.db.reading() as session:
            return frame_from_rows(_repo(session).iter_columns(q))

    def _official(self, journal: str) -> dict[str, OfficialFigure]:
        if not journal:
            return {}
        keys = [journal]
        for info in self.journals():
            if journal in (info.issn, info.eissn) or normalise_journal(info.journal) == normalise_journal(journal):
                keys += [info.issn, info.eissn, info.journal]
        with self.db.reading() as session:
            figures = _repo(session).official(keys)
        return {f.interval: f for f in figures}

    def stats(
        self,
        journal: str = "",
        interval: str = "received-accepted",
        by: str | None = None,
        keyword: str = "",
        date_from: str | dt.date | None = None,
        date_to: str | dt.date | None = None,
        article_type: str = "",
    ) -> list[IntervalStats]:
        """Statistics of one interval for a journal (all journals when empty)."""
        from scholardesk.analysis.review_stats import summarise

        _check_interval(interval)
        if by not in (None, "year", "type"):
            raise InputError(f"Cannot group by {by!r}.", "Use --by year or --by type.")
        key, label = self.resolve_journal(journal)
        q = ArticleQuery(
            journal=key, keyword=keyword, article_type=article_type,
            date_from=as_date(date_from, "from date"), date_to=as_date(date_to, "to date"),
        )
        frame = self.frame(q)
        result = summarise(frame, interval, journal=label, by=by)
        official = self._official(key).get(interval)
        if official is not None:
            result = [replace(s, official_days=official.days, official_note=official.note)
                      for s in result]
        return result

    def compare(self, journals: Sequence[str], interval: str = "received-accepted",
                keyword: str = "") -> list[IntervalStats]:
        """One summary per journal, side by side."""
        out: list[IntervalStats] = []
        for journal in journals:
            out.extend(self.stats(journal, interval, keyword=keyword))
        return out

    def view(self, q: ArticleQuery, interval: str = "received-accepted") -> ReviewsView:
        """The Review times page's data for one filter (runs on a worker thread)."""
        from scholardesk.analysis.review_stats import (
            frame_from_rows,
            interval_values,
            summarise,
            trend_by_year,
        )

        _check_interval(interval)
        key, label = self.resolve_journal(q.journal) if q.journal else ("", tr("All journals"))
        q = replace(q, journal=key)
        with self.db.reading() as session:
            histories = _repo(session).articles(q)
        rows = tuple(ArticleRow(h, validate(h)) for h in histories)
        frame = frame_from_rows(
            (h.journal, h.received, h.revised, h.accepted, h.online, h.article_type)
            for h in histories
        )
        official = self._official(key)
        stats: list[IntervalStats] = []
        for name in INTERVALS:
            [s] = summarise(frame, name, journal=label)
            if name in official:
                s = replace(s, official_days=official[name].days, official_note=official[name].note)
            stats.append(s)
        return ReviewsView(
            query=q,
            journal_label=label,
            rows=rows,
            stats=tuple(stats),
            by_year=tuple(summarise(frame, interval, journal=label, by="year")),
            values={name: interval_values(frame, name) for name in INTERVALS},
            trend={name: trend_by_year(frame, name) for name in INTERVALS},
        )

    # --- official figures -----------------------------------------------------------------

    def set_official(self, journal: str, interval: str, days: float, note: str = "") -> Changes:
        _check_interval(interval)
        if days <= 0:
            raise InputError("The official figure must be a positive number of days.")
        if not journal.strip():
            raise InputError("Name the journal (ISSN or name) the figure belongs to.")
        with self.db.transaction() as session:
            _repo(session).set_official(OfficialFigure(journal.strip(), interval, days, note))
        return Changes.of(REVIEWS)

    # --- export ---------------------------------------------------------------------------

    def export_articles(
        self, path: Path, q: ArticleQuery | None = None, fmt: str | None = None,
        bom: bool = True,
    ) -> Path:
        from scholardesk.sources.reviews.export import write_table

        rows = self.articles(q)
        data = [[r.to_json().get(c) for c in ARTICLE_COLUMNS] for r in rows]
        return write_table(path, ARTICLE_COLUMNS, data, fmt, sheet="articles", bom=bom)

    def export_stats(
        self, path: Path, stats: Sequence[IntervalStats], fmt: str | None = None,
        bom: bool = True,
    ) -> Path:
        from scholardesk.sources.reviews.export import write_table

        data = [[s.to_json().get(c, s.group if c == "group" else None) for c in STATS_COLUMNS]
                for s in stats]
        return write_table(path, STATS_COLUMNS, data, fmt, sheet="summary", bom=bom)

    # --- collecting -----------------------------------------------------------------------

    def collect(
        self,
        journal: str,
        source: str = "crossref",
        date_from: str | dt.date | None = None,
        date_to: str | dt.date | None = None,
        max_articles: int | None = None,
        progress: Progress | None = None,
    ) -> CollectReport:
        """Collect a journal's article histories from the network (resumable, cancellable)."""
        progress = progress or no_progress()
        if source not in COLLECT_SOURCES:
            raise InputError(
                f"Unknown source {source!r}.", "Choose one of: " + ", ".join(COLLECT_SOURCES) + "."
            )
        if not journal.strip():
            raise InputError("Name the journal to collect (ISSN or name).")
        start, end = _iso(date_from, "from date"), _iso(date_to, "to date")
        from scholardesk.sources.reviews import fetch

        http = self._http()
        base = self.crossref_base or fetch.CROSSREF_API
        progress.report(0, None, tr("Looking up {journal}", journal=journal))
        issn, _title = fetch.crossref_issn(http, journal.strip(), progress, base=base)
        result = CollectReport(source=source, journal=issn)
        with self.db.reading() as session:
            state = _repo(session).crawl_state(source, issn, start, end)
        cursor = "*" if source != "pubmed" else "0"
        if state and not state["done"] and state["cursor"]:
            cursor = state["cursor"]
            result.resumed = True
            result.pages, result.seen, result.total = state["pages"], state["seen"], state["total"]
        if source == "pubmed":
            self._collect_pubmed(http, issn, start, end, int(cursor), max_articles, progress, result)
        else:
            self._collect_crossref(http, issn, start, end, cursor, max_articles, progress, result,
                                   pages=source == "pages")
        return result

    def _save_page(
        self,
        result: CollectReport,
        records: list[tuple[str, ArticleHistory]],
        errors: list[RecordError],
        cursor: str,
        done: bool,
        start: str,
        end: str,
        name: str,
    ) -> None:
        report = ImportReport(errors=list(errors))
        self._store(records, name, result.journal, report)
        with self.db.transaction() as session:
            _repo(session).save_crawl(
                result.source, result.journal, start, end, cursor=cursor, pages=result.pages,
                seen=result.seen, total=result.total, done=done,
            )
        result.report.merge(report)
        result.done = done

    def _collect_crossref(
        self, http: PoliteClient, issn: str, start: str, end: str, cursor: str,
        max_articles: int | None, progress: Progress, result: CollectReport, pages: bool,
    ) -> None:
        from scholardesk.core.errors import NetworkError
        from scholardesk.sources.http import AnswerError, RetryLaterError
        from scholardesk.sources.reviews import fetch

        base = self.crossref_base or fetch.CROSSREF_API
        robots = fetch.RobotsCache(http)
        limit = max_articles or 1_000_000
        while True:
            progress.report(result.seen, min(limit, result.total or limit),
                            tr("Crossref {issn}: {n} articles", issn=issn, n=result.seen))
            rows = max(1, min(100, limit - result.seen))
            try:
                page = fetch.crossref_works_page(http, issn, cursor, progress, date_from=start,
                                                 date_to=end, rows=rows, base=base)
            except (AnswerError, RetryLaterError):
                raise  # the server's answer was unusable, not the cursor: keep the saved state
            except NetworkError:
                if not result.resumed or cursor == "*":
                    raise
                logger.info("Stored Crossref cursor expired; starting %s again", issn)
                cursor, result.resumed = "*", False
                continue
            result.pages += 1
            result.total = page.total if page.total is not None else result.total
            items = page.items[: max(0, limit - result.seen)]
            result.seen += len(items)
            errors: list[RecordError] = []
            if pages:
                records = self._fetch_pages(http, robots, items, progress, errors, result)
            else:
                records = [(it.history.doi or it.landing_url, it.history) for it in items]
            finished = not page.items or page.next_cursor is None or (
                result.total is not None and result.seen >= result.total)
            next_cursor = page.next_cursor or ""
            self._save_page(result, records, errors, next_cursor, finished, start, end,
                            f"{base}/journals/{issn}/works")
            if finished or result.seen >= limit:
                return
            cursor = next_cursor

    def _fetch_pages(
        self, http: PoliteClient, robots: Any, items: list[Any], progress: Progress,
        errors: list[RecordError], result: CollectReport,
    ) -> list[tuple[str, ArticleHistory]]:
        """Publisher pages of the listed works that Crossref gives no history for."""
        from scholardesk.core.errors import NetworkError
        from scholardesk.sources.reviews import fetch

        with self.db.reading() as session:
            missing = _repo(session).keys_without_history(it.history.key for it in items)
        records: list[tuple[str, ArticleHistory]] = []
        for i, item in enumerate(items):
            h = item.history
            if h.has_history:
                records.append((h.doi, h))
                continue
            if h.key not in missing or not item.landing_url:
                continue
            progress.report(i, len(items), tr("Reading {url}", url=item.landing_url))
            try:
                page = fetch.fetch_page(http, robots, item.landing_url, progress)
            except InputError as exc:
                errors.append(RecordError(item.landing_url, h.doi, exc.message))
                continue
            except NetworkError as exc:
                errors.append(RecordError(item.landing_url, h.doi, str(exc)))
                continue
            merged = replace(
                page, doi=h.doi or page.doi, journal=h.journal or page.journal,
                issn=h.issn or page.issn, eissn=h.eissn or page.eissn,
                title=page.title or h.title, article_type=h.article_type or page.article_type,
            )
            records.append((h.doi, merged))
        return records

    def _collect_pubmed(
        self, http: PoliteClient, issn: str, start: str, end: str, retstart: int,
        max_articles: int | None, progress: Progress, result: CollectReport,
    ) -> None:
        from scholardesk.sources.reviews import fetch

        base = self.eutils_base or fetch.EUTILS_API
        limit = max_articles or 1_000_000
        while True:
            email = self.contact_email()  # the address of the moment, for every request
            progress.report(result.seen, min(limit, result.total or limit),
                            tr("PubMed {issn}: {n} articles", issn=issn, n=result.seen))
            size = max(1, min(100, limit - result.seen))
            ids, count = fetch.pubmed_search(http, issn, retstart, progress, date_from=start,
                                             date_to=end, retmax=size, base=base, email=email)
            result.total = count
            result.pages += 1
            histories = fetch.pubmed_fetch(http, ids, progress, base=base, email=email) if ids else []
            result.seen += len(ids)
            retstart += len(ids)
            finished = not ids or retstart >= count
            self._save_page(result, [(h.doi or h.source_url, h) for h in histories], [],
                            str(retstart), finished, start, end, f"{base}/efetch.fcgi")
            if finished or result.seen >= limit:
                return

    # --- the user's own submissions ("my submissions") ---------------------------------------

    def import_my_submissions(self, progress: Progress | None = None) -> MySubmissionsReport:
        """Bring the user's own accepted manuscripts (the Submissions area) in as a separate
        source, ``"my submissions"``, so that they count in the statistics of their journal.

        A journal is identified by name (NFKC, case, punctuation and a trailing note such as
        "（二区top）" ignored) against the journals that already have articles here; a match
        gives the record that journal's title and ISSNs, so that it is found by ISSN as well.
        Running it again is a sync: unchanged records are skipped, changed ones updated, and
        records whose submission is gone or no longer accepted are removed. Sample submissions
        never come in. A manuscript whose title is already listed for that journal from
        another source (Crossref, PubMed, ...) is not added a second time.
        """
        progress = progress or no_progress()
        if self._my_submissions is None:
            raise ScholarDeskError(
                "The submissions area is not connected to the review-time statistics here."
            )
        progress.report(0, None, tr("Reading my submissions"))
        timelines = list(self._my_submissions())
        infos = self.journals()
        result = MySubmissionsReport()
        report = result.report
        now = dt.datetime.now()
        with self.db.transaction() as session:
            repo = _repo(session)
            me = self.db.person
            existing = {h.source_url: h for h in repo.by_source(MY_SUBMISSIONS)
                        if my_submission_owner(h.source_url) == me}
            wanted: set[str] = set()
            for i, t in enumerate(timelines):
                progress.report(i, len(timelines), tr("Adding my submissions"))
                h = history_from_timeline(t, match_journal(t.venue, infos), me)
                line: dict[str, object] = {
                    "submission_id": t.submission_id, "venue": t.venue, "journal": h.journal,
                    "issn": h.issn, "eissn": h.eissn, "received": h.received.isoformat()
                    if h.received else None, "accepted": h.accepted.isoformat()
                    if h.accepted else None, "received_accepted_days": h.days("received-accepted"),
                }
                result.records.append(line)
                if _listed_elsewhere(repo, h):
                    line["status"] = "duplicate"
                    report.skipped += 1
                    continue
                if me:  # a shared library: the dates count for everyone, the title stays yours
                    h = replace(h, title=SHARED_MANUSCRIPT_TITLE)
                wanted.add(h.source_url)
                old = existing.get(h.source_url)
                try:
                    with session.begin_nested():
                        if old is None:
                            outcome = repo.upsert(replace(h, fetched_at=now), now)
                        elif replace(old, id=None, fetched_at=None) == h:
                            outcome = "skipped"
                        else:
                            repo.overwrite(old.id, h, now)
                            outcome = "updated"
                except LibraryError:  # the library itself (full, read-only, busy): stop
                    raise
                except Exception as exc:  # one bad record: reported, the rest goes on
                    logger.exception("Could not store submission %s", t.submission_id)
                    report.errors.append(RecordError(
                        MY_SUBMISSIONS, f"submission {t.submission_id}", f"not stored: {exc}"))
                    line["status"] = "error"
                    continue
                line["status"] = outcome
                if outcome == "imported":
                    report.imported += 1
                elif outcome == "updated":
                    report.updated += 1
                else:
                    report.skipped += 1
            for url, old in existing.items():
                if url not in wanted and old.id is not None:
                    repo.delete(old.id)
                    result.removed += 1
        progress.report(len(timelines), len(timelines), tr("Added my submissions"))
        if report.imported or report.updated or result.removed:
            report.changes = Changes.of(REVIEWS)
        return result

    def remove_my_submissions(self) -> MySubmissionsReport:
        """Take every "my submissions" record out of the statistics again."""
        result = MySubmissionsReport()
        with self.db.transaction() as session:
            repo = _repo(session)
            for h in repo.by_source(MY_SUBMISSIONS):
                if my_submission_owner(h.source_url) != self.db.person:
                    continue  # another member's: theirs to remove
                if h.id is not None and repo.delete(h.id):
                    result.removed += 1
        if result.removed:
            result.report.changes = Changes.of(REVIEWS)
        return result

    # --- a journal's summary for other pages ---------------------------------------------------

    def summary_for(self, names: Sequence[str], issns: Sequence[str] = ()) -> JournalSummary | None:
        """Received → accepted statistics of the journal known by one of these ISSNs or names
        (exact after normalisation: never a substring), or None when it has no articles here."""
        infos = self.journals()
        info: JournalInfo | None = None
        for issn in filter(None, (normalise_issn(i) for i in issns)):
            info = next((j for j in infos if issn in (j.issn, j.eissn)), None)
            if info:
                break
        if info is None:
            for name in names:
                info = match_journal(name, infos, allow_issn=False)
                if info:
                    break
        if info is None:
            return None
        [stats] = self.stats(info.query, "received-accepted")
        return JournalSummary(info.journal, info.issn, info.eissn, stats)

    # --- sample data ----------------------------------------------------------------------

    def load_sample(self) -> None:
        from scholardesk.core.resources import resource_path
        from scholardesk.sources.reviews.csv_import import parse_csv

        path = resource_path(*SAMPLE_FILE)
        good, bad = parse_csv(path.read_bytes(), str(path))
        if bad:
            logger.warning("Sample review data has %d bad rows", len(bad))
        report = ImportReport()
        self._store([(f"line {n}", h) for n, h in good], str(path), "", report, is_sample=True)
        with self.db.transaction() as session:
            repo = _repo(session)
            for journal, interval, days, note in SAMPLE_OFFICIAL:
                repo.set_official(OfficialFigure(journal, interval, days, note), is_sample=True)

    def delete_sample(self) -> int:
        with self.db.transaction() as session:
            n: int = _repo(session).delete_sample()
            return n


def as_date(value: str | dt.date | None, what: str) -> dt.date | None:
    iso = _iso(value, what)
    return dt.date.fromisoformat(iso) if iso else None


def history_from_fields(fields: dict[str, str]) -> ArticleHistory:
    """A manual entry (CLI options or the GUI dialog) → ArticleHistory; InputError if a date
    cannot be read."""
    from scholardesk.domain.dates import require_date

    dates: dict[str, dt.date | None] = {}
    for name in DATE_FIELDS:
        text = (fields.get(name) or "").strip()
        dates[name] = require_date(text, what=f"{name} date").date if text else None
    issn = normalise_issn(fields.get("issn", ""))
    journal = (fields.get("journal") or "").strip()
    if not issn and normalise_issn(journal):
        issn, journal = normalise_issn(journal), ""
    revised = dates.pop("revised")
    return ArticleHistory(
        doi=fields.get("doi", ""),
        title=fields.get("title", ""),
        journal=journal,
        issn=issn,
        article_type=fields.get("article_type", ""),
        revisions=(revised,) if revised else (),
        source="manual",
        source_url=fields.get("url", ""),
        **dates,  # type: ignore[arg-type]
    )


def iter_intervals() -> Iterable[str]:
    return iter(INTERVALS)


_TRAILING_NOTE = re.compile(r"\s*[(（\[【][^()（）\[\]【】]*[)）\]】]\s*$")


def match_journal(venue: str, infos: Sequence[JournalInfo], allow_issn: bool = True) -> JournalInfo | None:
    """The journal with stored articles that ``venue`` names (ISSN, or the name with NFKC, case,
    punctuation and a trailing note such as "（二区top）" ignored); None if none does."""
    issn = normalise_issn(venue) if allow_issn else ""
    if issn:
        return next((i for i in infos if issn in (i.issn, i.eissn)), None)
    by_key = {normalise_journal(i.journal): i for i in infos if i.journal}
    for candidate in (venue, _TRAILING_NOTE.sub("", venue)):
        key = normalise_journal(candidate)
        if key and key in by_key:
            return by_key[key]
    return None


def history_from_timeline(t: CompletedTimeline, info: JournalInfo | None,
                          person: str = "") -> ArticleHistory:
    """One of ``person``'s accepted manuscripts as an article record of source "my submissions".

    Its "published" event (for most systems the day the article went online) is both the
    online and the publication date."""
    journal = info.journal if info else _TRAILING_NOTE.sub("", t.venue).strip() or t.venue
    return ArticleHistory(
        title=t.title,
        journal=journal,
        issn=info.issn if info else "",
        eissn=info.eissn if info else "",
        received=t.received,
        revised=t.revised,
        revisions=(t.revised,) if t.revised else (),
        accepted=t.accepted,
        online=t.published,
        published=t.published,
        source=MY_SUBMISSIONS,
        source_url=my_submission_url(t.submission_id, person),
    ).with_defaults()


def _listed_elsewhere(repo: Any, h: ArticleHistory) -> bool:
    """Whether the same article (same journal, same title) is stored from another source."""
    key = normalise_journal(h.title)
    if not key:
        return False
    # SQL narrows by the title's longest word (dashes and quotes vary between sources), the
    # normalised titles decide
    word = max(re.findall(r"\w+", h.title), key=len)
    journals = [i for i in (h.issn, h.eissn) if i] or [h.journal]
    for journal in journals:
        for other in repo.articles(ArticleQuery(journal=journal, keyword=word, limit=200)):
            if other.source != MY_SUBMISSIONS and normalise_journal(other.title) == key:
                return True
    return False
