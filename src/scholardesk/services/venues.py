"""Venues use cases: the CCF catalogue, venue matching, metrics, conference deadlines.

Each public method that writes is one user action and one transaction. Matching is served from
an in-memory ``VenueMatcher`` built from the catalogue on first use and rebuilt after writes.
Other areas (papers, submissions) use ``match(text)`` and ``rank_for(text)``.
"""

from __future__ import annotations

import builtins
import dataclasses
import hashlib
import json
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from scholardesk.core.config import Paths, Settings
from scholardesk.core.errors import InputError, NetworkError, NotFoundError, ScholarDeskError
from scholardesk.core.progress import Progress, no_progress
from scholardesk.core.resources import resource_path
from scholardesk.domain.changes import VENUES, Changes
from scholardesk.domain.importing import ImportReport, RecordError
from scholardesk.domain.venue_names import normalise_name, split_remark
from scholardesk.domain.venues import (
    CCF_EDITION,
    CONFERENCE,
    CcfChange,
    CcfEntry,
    CcfRank,
    DeadlineRow,
    RankLabel,
    Venue,
    VenueDetail,
    VenueKey,
    VenueMatch,
    VenueMetric,
    ccf_history,
    dblp_key_from_url,
    deadlines_to_ics,
    metric_number,
    normalise_metric,
)
from scholardesk.store.db import Database
from scholardesk.store.venues_repo import VenueFilter, VenuesRepository

if TYPE_CHECKING:
    from scholardesk.analysis.venue_matching import VenueMatcher
    from scholardesk.sources.ccfddl import CcfddlData
    from scholardesk.sources.http import PoliteClient

logger = logging.getLogger(__name__)

CCFDDL_SOURCE = "ccf-deadlines"
DEFAULT_ALLCONF_URL = "https://ccfddl.github.io/conference/allconf.yml"
DEFAULT_CCF_PDF_URL = (
    "https://raw.githubusercontent.com/ccfddl/ccf-deadlines/main/.readme_assets/"
    "ccf_recommended_2022.pdf"
)

__all__ = ["CcfImportReport", "ListFileReport", "ListsImportReport", "VenueFilter",
           "VenuesService"]


@dataclass
class CcfImportReport(ImportReport):
    """Counts of venues relative to what the library held: ``imported`` venues added,
    ``updated`` venues whose fields or ranks changed, ``skipped`` venues unchanged,
    ``removed`` venues whose rank of this edition the catalogue no longer lists.
    ``struck_out``: rows the catalogue itself strikes out (shown, never imported)."""

    removed: int = 0
    struck_out: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # "journal AI A" → rows

    def to_json(self) -> dict[str, object]:
        data = super().to_json()
        data["removed"] = self.removed
        data["struck_out"] = self.struck_out
        return data


@dataclass
class ListFileReport:
    """One rank-list file: rows read, venues matched / added, values refused (with why)."""

    path: str
    list_kind: str = ""
    year: int = 0
    source: str = ""
    rows_read: int = 0
    matched: int = 0
    added: int = 0
    refused: list[RecordError] = field(default_factory=list)
    refused_count: int = 0
    values_added: int = 0
    values_updated: int = 0
    values_removed: int = 0
    ranks_changed: int = 0
    unchanged: bool = False  # imported before with the same content: not read again
    error: str = ""  # the file was refused whole (nothing imported from it)
    changes: Changes = field(default_factory=Changes)

    def summary(self) -> dict[str, object]:
        return {
            "file": Path(self.path).name, "path": self.path, "list": self.list_kind,
            "year": self.year, "source": self.source, "rows_read": self.rows_read,
            "matched": self.matched, "added": self.added, "refused_count": self.refused_count,
            "values_added": self.values_added, "values_updated": self.values_updated,
            "values_removed": self.values_removed, "ranks_changed": self.ranks_changed,
            "unchanged": self.unchanged, "error": self.error or None,
        }

    def to_json(self) -> dict[str, object]:
        return {**self.summary(), "refused": [e.to_json() for e in self.refused]}


@dataclass
class ListsImportReport:
    files: list[ListFileReport] = field(default_factory=list)
    cancelled: bool = False

    @property
    def failed(self) -> list[ListFileReport]:
        return [f for f in self.files if f.error]

    def to_json(self) -> dict[str, object]:
        return {"files": [f.to_json() for f in self.files], "cancelled": self.cancelled}


class VenuesService:
    area = VENUES

    def __init__(
        self,
        db: Database,
        paths: Paths,
        settings: Settings,
        http: Callable[[], PoliteClient] | None = None,
    ) -> None:
        self.db = db
        self.paths = paths
        self.settings = settings
        self._http = http
        self._matcher: VenueMatcher | None = None
        self._labels: dict[int, RankLabel] | None = None
        self._lock = threading.Lock()

    # -- matching ----------------------------------------------------------------------------
    def matcher(self) -> VenueMatcher:
        with self._lock:
            if self._matcher is None:
                from scholardesk.analysis.venue_matching import VenueMatcher

                with self.db.reading() as session:
                    repo = self._repo(session)
                    venues = repo.list_venues()
                    aliases = repo.aliases()
                self._matcher = VenueMatcher(venues, aliases)
            return self._matcher

    def use_settings(self, settings: Settings) -> None:
        """New settings (Settings dialog): the shown CCF edition may have changed, so the
        cached rank labels and matcher are rebuilt on next use."""
        self.settings = settings
        self._invalidate()

    def _invalidate(self) -> None:
        with self._lock:
            self._matcher = None
            self._labels = None

    def match(self, text: str) -> VenueMatch | None:
        """The catalogue venue a venue string names (with a confidence), or None."""
        return self.matcher().match(text)

    def match_many(self, texts: Iterable[str]) -> list[VenueMatch | None]:
        return self.matcher().match_many(texts)

    def rank_for(self, text: str) -> CcfRank | None:
        """The CCF rank of the venue a string names, or None."""
        found = self.match(text)
        return found.venue.ccf if found is not None else None

    def badges(
        self, venue_strings: Iterable[str], min_confidence: float = 0.85
    ) -> dict[str, VenueMatch]:
        """For papers: raw venue string → its confident catalogue match (the CCF badge)."""
        matcher = self.matcher()
        out: dict[str, VenueMatch] = {}
        for text in set(venue_strings):
            found = matcher.match(text)
            if found is not None and found.confidence >= min_confidence:
                out[text] = found
        return out

    def strings_with_rank(self, venue_strings: Iterable[str], ranks: Iterable[str]) -> list[str]:
        """The venue strings whose venue has one of ``ranks`` (A/B/C): the papers' rank filter
        is ``papers.ids_with_venues(venues.strings_with_rank(papers.distinct venues, ...))``."""
        wanted = {r.upper() for r in ranks}
        return sorted(
            text for text, found in self.badges(venue_strings).items()
            if found.venue.ccf is not None and found.venue.ccf.rank in wanted
        )

    # -- catalogue ---------------------------------------------------------------------------
    def import_ccf(self, path: Path, progress: Progress | None = None) -> CcfImportReport:
        """Import the catalogue from the official PDF or a catalogue CSV. The PDF is all or
        nothing (one transaction); a CSV imports its valid rows and reports the others."""
        progress = progress or no_progress()
        path = Path(path)
        if not path.is_file():
            raise InputError(f"{path} does not exist.", "Choose the CCF catalogue PDF or CSV.")
        with path.open("rb") as fh:
            is_pdf = b"%PDF" in fh.read(1024)
        struck = 0
        errors: list[RecordError] = []
        if is_pdf:
            from scholardesk.sources.ccf_pdf import parse_ccf_pdf

            parsed = parse_ccf_pdf(path, progress)
            entries, struck = parsed.entries, len(parsed.removed)
        elif path.suffix.lower() in (".csv", ".txt"):
            from scholardesk.sources.venue_metrics_csv import read_catalogue

            entries, errors = read_catalogue(path)
        else:
            raise InputError(
                f"{path.name} is neither a PDF nor a CSV file.",
                "Choose the official CCF catalogue PDF or a catalogue CSV.",
            )
        # the PDF is the whole edition: its ranks no longer listed are removed
        report = self._store_entries(entries, progress, complete=is_pdf)
        report.errors.extend(errors)
        report.struck_out = struck
        return report

    def import_ccf_entries(
        self, entries: Sequence[CcfEntry], progress: Progress | None = None
    ) -> CcfImportReport:
        """Store already-read catalogue rows (one transaction)."""
        return self._store_entries(entries, progress or no_progress())

    def _store_entries(
        self, entries: Sequence[CcfEntry], progress: Progress, sample: bool = False,
        complete: bool = False,
    ) -> CcfImportReport:
        report = CcfImportReport()
        seen: set[int] = set()
        outcomes: dict[int, str] = {}  # venue id → its strongest outcome in this import
        strength = {"skipped": 0, "updated": 1, "imported": 2}
        kept: dict[str, set[tuple[int, str]]] = {}
        with self.db.transaction() as session:
            repo = self._repo(session)
            for i, entry in enumerate(entries):
                if i % 50 == 0:
                    progress.report(i, len(entries), "Saving the catalogue")
                venue_id, outcome = repo.upsert_ccf_entry_of(entry, sample=sample, seen=seen)
                if strength[outcome] > strength[outcomes.get(venue_id, "skipped")] or (
                    venue_id not in outcomes
                ):
                    outcomes[venue_id] = outcome
                kept.setdefault(entry.edition, set()).add((venue_id, entry.category))
                key = f"{entry.kind} {entry.category} {entry.rank}"
                report.counts[key] = report.counts.get(key, 0) + 1
            if complete:
                for edition, keep in kept.items():
                    lost = repo.remove_ccf_ranks_except(edition, keep)
                    report.removed += len(lost - set(outcomes))
                    for venue_id in lost & set(outcomes):
                        if outcomes[venue_id] == "skipped":
                            outcomes[venue_id] = "updated"
                if not sample:  # the full catalogue replaces the sample (TSLP, struck out)
                    repo.delete_sample()
        for outcome in outcomes.values():
            setattr(report, outcome, getattr(report, outcome) + 1)
        report.changes = Changes.of(VENUES)
        self._invalidate()
        return report

    def download_ccf(self, url: str | None = None, progress: Progress | None = None) -> CcfImportReport:
        """Download the official PDF (or the page linking to it) and import it."""
        progress = progress or no_progress()
        # Settings › "CCF catalogue address": the PDF itself or the CCF page that links to it
        url = url or self.settings.ccf_catalogue_url or DEFAULT_CCF_PDF_URL
        response = self._client().get(url, progress=progress)
        body = response.body
        if b"%PDF" not in body[:1024]:
            link = _pdf_link(response.text(), response.url)
            if link is None:
                raise NetworkError(
                    f"{url} is not a PDF and links to none.",
                    "Set the catalogue address in the import dialog to the PDF itself.",
                )
            body = self._client().get(link, progress=progress).body
        target = self.paths.cache_dir / "ccf_catalogue.pdf"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
        return self.import_ccf(target, progress)

    def export_ccf(self, path: Path, flt: VenueFilter | None = None, bom: bool = True) -> int:
        from scholardesk.sources.venue_metrics_csv import write_catalogue

        entries = [
            CcfEntry(
                kind=v.kind, category=r.category, rank=r.rank, abbr=v.abbr, name=v.name,
                publisher=v.publisher, dblp_url=v.dblp_url, note=r.note, edition=r.edition,
            )
            for v in self.list(flt)
            for r in v.ccf_all
        ]
        return write_catalogue(Path(path), entries, bom=bom)

    def list(self, flt: VenueFilter | None = None) -> builtins.list[Venue]:
        with self.db.reading() as session:
            return self._repo(session).list_venues(flt)

    def publishers(self) -> builtins.list[str]:
        with self.db.reading() as session:
            return self._repo(session).publishers()

    def count(self) -> int:
        with self.db.reading() as session:
            return self._repo(session).count()

    def get(self, venue_id: int) -> Venue:
        with self.db.reading() as session:
            venue = self._repo(session).get(venue_id)
        if venue is None:
            raise NotFoundError(f"No venue with id {venue_id}.")
        return venue

    def detail(self, venue_id: int) -> VenueDetail:
        with self.db.reading() as session:
            repo = self._repo(session)
            venue = repo.get(venue_id)
            if venue is None:
                raise NotFoundError(f"No venue with id {venue_id}.")
            return VenueDetail(
                venue=venue,
                metrics=tuple(repo.metrics(venue_id)),
                deadlines=tuple(repo.deadlines(venue_id=venue_id, include_tbd=True)),
                aliases=tuple(repo.aliases_of(venue_id)),
            )

    def add_alias(self, venue_id: int, alias: str) -> Changes:
        with self.db.transaction() as session:
            self._repo(session).add_alias(venue_id, alias)
        self._invalidate()
        return Changes.of(VENUES)

    # -- metrics -----------------------------------------------------------------------------
    def import_metrics(self, path: Path, progress: Progress | None = None) -> ImportReport:
        from scholardesk.sources.venue_metrics_csv import read_metrics

        progress = progress or no_progress()
        records, errors = read_metrics(Path(path))
        report = ImportReport(errors=list(errors))
        matcher = self.matcher()
        with self.db.transaction() as session:
            repo = self._repo(session)
            for i, rec in enumerate(records):
                progress.report(i, len(records), "Importing metrics")
                venue = _resolve(matcher, rec.venue, rec.kind)
                if venue is None:
                    report.errors.append(RecordError(
                        str(path), f"line {rec.line}",
                        f"venue {rec.venue!r} is not in the catalogue (import the catalogue or "
                        "use its exact name)",
                    ))
                    continue
                metric = VenueMetric(venue.id, rec.year, rec.source, rec.metric, rec.value,
                                     metric_number(rec.metric, rec.value), rec.note)
                outcome = repo.upsert_metric(metric)
                setattr(report, outcome, getattr(report, outcome) + 1)
        report.errors.sort(key=_line_number)
        report.changes = Changes.of(VENUES)
        return report

    def set_metric(
        self, venue_id: int, year: int, source: str, metric: str, value: str, note: str = ""
    ) -> Changes:
        name = normalise_metric(metric)
        if name is None:
            raise InputError(f"Unknown metric {metric!r}.")
        if not source.strip():
            raise InputError("Every metric value needs a source (e.g. JCR 2025).")
        if not 1900 <= year <= 2100:
            raise InputError(f"{year} is not a year.")
        with self.db.transaction() as session:
            self._repo(session).upsert_metric(
                VenueMetric(venue_id, year, source.strip(), name, value.strip(),
                            metric_number(name, value), note)
            )
        return Changes.of(VENUES)

    def delete_metric(self, venue_id: int, year: int, source: str, metric: str) -> Changes:
        with self.db.transaction() as session:
            self._repo(session).delete_metric(venue_id, year, source, metric)
        return Changes.of(VENUES)

    # -- deadlines ---------------------------------------------------------------------------
    def sync_deadlines(
        self, source: str | Path | None = None, progress: Progress | None = None
    ) -> ImportReport:
        """Import ccf-deadlines data from a folder/file or a URL (default: allconf.yml)."""
        from scholardesk.sources import ccfddl

        progress = progress or no_progress()
        text = str(source) if source is not None else DEFAULT_ALLCONF_URL
        progress.report(0, None, "Reading the deadline data")
        if text.startswith(("http://", "https://")):
            data = ccfddl.fetch_allconf(self._client(), text, progress)
        else:
            data = ccfddl.read_path(Path(text))
        return self._store_deadlines(data, progress)

    def _store_deadlines(self, data: CcfddlData, progress: Progress) -> ImportReport:
        report = ImportReport(errors=list(data.errors))
        matcher = self.matcher()
        conferences = [v for v in matcher.venues if v.kind == CONFERENCE]
        by_dblp = {v.dblp_key.lower(): v for v in conferences if v.dblp_key}
        by_abbr: dict[str, Venue] = {}
        for v in conferences:
            if v.abbr:
                by_abbr.setdefault(v.abbr.casefold(), v)
        venue_for_title: dict[str, int] = {}
        with self.db.transaction() as session:
            repo = self._repo(session)
            total = len(data.conferences)
            for i, record in enumerate(data.conferences):
                progress.report(i, total, f"Deadlines: {record.title}")
                with session.begin_nested():
                    hit = by_dblp.get(f"conf/{record.dblp}".lower()) if record.dblp else None
                    hit = hit or by_abbr.get(record.title.casefold())
                    if hit is None:
                        found = matcher.match(record.description or record.title)
                        if found and found.venue.kind == CONFERENCE and found.confidence >= 0.9:
                            hit = found.venue
                    venue_id = repo.ensure_conference(
                        record.title, record.description, record.dblp,
                        hit.id if hit is not None else None,
                    )
                    venue_for_title[record.title.casefold()] = venue_id
                    for edition in record.editions:
                        outcome = repo.upsert_edition(venue_id, edition)
                        setattr(report, outcome, getattr(report, outcome) + 1)
            for rate in data.accept_rates:
                venue_id_or_none = venue_for_title.get(rate.title.casefold())
                if venue_id_or_none is None:
                    hit = by_abbr.get(rate.title.casefold())
                    venue_id_or_none = hit.id if hit is not None else None
                if venue_id_or_none is None:
                    report.errors.append(RecordError(
                        CCFDDL_SOURCE, rate.title,
                        f"acceptance rates for {rate.title!r}, a conference not in the data",
                    ))
                    continue
                for metric, value, number in (
                    ("acceptance_rate", f"{rate.rate:.1%}" if rate.rate is not None else "",
                     rate.rate),
                    ("submitted", str(rate.submitted or ""), rate.submitted),
                    ("accepted", str(rate.accepted or ""), rate.accepted),
                ):
                    if not value:
                        continue
                    outcome = repo.upsert_metric(VenueMetric(
                        venue_id_or_none, rate.year, CCFDDL_SOURCE, metric, value,
                        float(number) if number is not None else None, rate.source_url,
                    ))
                    setattr(report, outcome, getattr(report, outcome) + 1)
        report.changes = Changes.of(VENUES)
        self._invalidate()
        return report

    def deadlines(
        self, after: datetime | None = None, venue_ids: Iterable[int] | None = None,
        include_tbd: bool = False,
    ) -> builtins.list[DeadlineRow]:
        with self.db.reading() as session:
            return self._repo(session).deadlines(
                after=after, include_tbd=include_tbd, venue_ids=venue_ids
            )

    def upcoming(self, now: datetime | None = None) -> builtins.list[DeadlineRow]:
        return self.deadlines(after=now or datetime.now(UTC))

    def write_ics(self, rows: Sequence[DeadlineRow], path: Path) -> int:
        events = [r for r in rows if r.deadline_utc is not None]
        Path(path).write_text(deadlines_to_ics(list(events)), encoding="utf-8", newline="")
        return len(events)

    # -- rank lists (ShowJCR CSV files: CCF editions, JCR, CAS, warning lists, XR) ------------
    def import_lists(
        self, paths: Sequence[Path], progress: Progress | None = None, force: bool = False
    ) -> ListsImportReport:
        """Import rank-list files or folders of them. Each file is one transaction: a file
        whose header matches no list is refused whole and the others still import. A file
        imported before with the same content is not read again (``force`` reads it)."""
        from scholardesk.sources.rank_lists import list_files

        progress = progress or no_progress()
        files = list_files([Path(p) for p in paths])
        report = ListsImportReport()
        blobs: list[tuple[str, bytes]] = []
        for file in files:
            try:
                blobs.append((str(file), file.read_bytes()))
            except OSError as exc:
                report.files.append(ListFileReport(str(file), error=f"cannot be read: {exc}"))
        for i, (name, data) in enumerate(_list_order(blobs)):
            progress.report(i, len(blobs), f"Importing {Path(name).name}")
            report.files.append(self._import_list_blob(name, data, force))
        self._invalidate()
        return report

    def _import_list_blob(self, name: str, data: bytes, force: bool) -> ListFileReport:
        from scholardesk.analysis.venue_matching import ListIndex
        from scholardesk.sources.rank_lists import CCF, parse_list

        file_name = Path(name).name
        sha = hashlib.sha256(data).hexdigest()
        if not force:
            with self.db.reading() as session:
                previous = self._repo(session).list_file(file_name)
            if previous is not None and previous[0] == sha:
                old = json.loads(previous[1] or "{}")
                return ListFileReport(
                    name, list_kind=str(old.get("list", "")), year=int(old.get("year", 0)),
                    source=str(old.get("source", "")), rows_read=int(old.get("rows_read", 0)),
                    matched=int(old.get("matched", 0)),
                    refused_count=int(old.get("refused_count", 0)), unchanged=True,
                )
        try:
            parsed = parse_list(data, name)
        except InputError as exc:
            return ListFileReport(name, error=exc.message)
        result = ListFileReport(name, list_kind=parsed.list_kind, year=parsed.year,
                                source=parsed.source, rows_read=parsed.rows_read,
                                refused=list(parsed.refused))
        with self.db.transaction() as session:
            repo = self._repo(session)
            index = ListIndex(repo.venue_keys(), repo.aliases())
            next_id = max(index.keys, default=0) + 1
            new_venues: list[dict[str, object]] = []
            identifiers: dict[int, tuple[str, str]] = {}
            aliases: list[tuple[int, str]] = []
            wanted: dict[tuple[int, int, str], tuple[str, float | None, str]] = {}
            ranks: dict[tuple[int, str], tuple[str, str]] = {}
            year = parsed.year
            matched: set[int] = set()
            added: set[int] = set()
            file_names = {normalise_name(r.name) for r in parsed.rows}
            for row in parsed.rows:
                dblp = dblp_key_from_url(row.dblp_url)
                use_abbr = row.abbr if parsed.list_kind in (CCF, "xr") else ""
                others = [row.name_zh] if row.name_zh and row.name_zh != row.name else []
                venue_id, how = index.find(row.kind, row.name, (row.issn, row.eissn),
                                           use_abbr, dblp, others)
                if venue_id is not None and how in ("abbr", "dblp"):
                    # an abbreviation or DBLP key shared with another venue of this file
                    # (SEC, AsiaCCS → CCS) is not this venue: only a renamed one is
                    own = normalise_name(row.name)
                    theirs = index.keys[venue_id].name_key
                    if theirs != own and theirs in file_names:
                        venue_id = None
                    elif theirs != own:  # a renamed venue: its new name finds it from now on
                        others = [*others, row.name]
                if venue_id is None:
                    venue_id = next_id
                    next_id += 1
                    key = normalise_name(row.name)
                    if (row.kind, key) in index.name_keys:  # same title, another ISSN
                        key = f"{key} {row.issn or row.eissn or venue_id}"
                    new_venues.append({
                        "id": venue_id, "kind": row.kind, "abbr": row.abbr[:80],
                        "name": row.name[:400], "name_key": key[:400],
                        "publisher": row.publisher[:200], "dblp_key": dblp,
                        "dblp_url": row.dblp_url[:400], "is_sample": False,
                        "issn": row.issn, "eissn": row.eissn,
                    })
                    index.add(VenueKey(venue_id, row.kind, row.name, key, row.abbr, row.issn,
                                       row.eissn, dblp, parsed.list_kind == CCF))
                    added.add(venue_id)
                else:
                    if venue_id not in added:
                        matched.add(venue_id)
                    known = index.keys[venue_id]
                    if venue_id not in added and (row.issn or row.eissn) and not (
                        known.issn or known.eissn
                    ):
                        identifiers[venue_id] = (row.issn, row.eissn)
                        index.keys[venue_id] = dataclasses.replace(
                            known, issn=row.issn, eissn=row.eissn)
                    for issn in (row.issn, row.eissn):
                        index.add_issn(venue_id, issn)
                for other in others:
                    aliases.append((venue_id, other))
                    index.add_name(row.kind, other, venue_id)
                for v in row.values:
                    wanted[(venue_id, year, v.metric)] = (v.value[:120], v.number, v.note)
                if row.merged_into:
                    wanted[(venue_id, year, "ccf_merged_into")] = (row.merged_into[:120], None,
                                                                  "")
                if parsed.list_kind == CCF:
                    ranks[(venue_id, row.category)] = (row.rank, "")
            repo.add_venues_bulk_with_ids(new_venues)
            repo.set_identifiers([(vid, a, b) for vid, (a, b) in identifiers.items()])
            for venue_id, alias in aliases:
                repo.add_alias(venue_id, alias, source=parsed.source)
            existing = repo.metrics_of_source(parsed.source)
            inserts: list[VenueMetric] = []
            updates: list[tuple[int, VenueMetric]] = []
            for (venue_id, y, metric), (value, number, note) in wanted.items():
                m = VenueMetric(venue_id, y, parsed.source, metric, value, number, note)
                old_row = existing.pop((venue_id, y, metric), None)
                if old_row is None:
                    inserts.append(m)
                elif old_row[1:] != (value, number, note):
                    updates.append((old_row[0], m))
            deletes = [rid for rid, *_rest in existing.values()]
            repo.write_metrics(parsed.source, inserts, updates, deletes)
            result.values_added, result.values_updated = len(inserts), len(updates)
            result.values_removed = len(deletes)
            if parsed.list_kind == CCF:
                stored = repo.ranks_of_edition(parsed.edition)
                for (venue_id, category), (rank, note) in ranks.items():
                    old_rank = stored.pop((venue_id, category), None)
                    if old_rank is None:
                        repo.add_rank(venue_id, parsed.edition, category, rank, note)
                        result.ranks_changed += 1
                    elif old_rank.rank != rank:
                        old_rank.rank = rank
                        result.ranks_changed += 1
                for stale in stored.values():
                    repo.delete_rank(stale)
                    result.ranks_changed += 1
                # a full CCF edition replaces the sample: the venues it lists become the
                # user's, the others (TSLP, struck out since 2013) go
                for venue_id in matched:
                    repo.adopt(venue_id)
                repo.delete_sample()
            result.matched, result.added = len(matched), len(added)
            result.refused_count = len(result.refused)
            repo.record_list_file(file_name, parsed.list_kind, parsed.year, sha,
                                  json.dumps(result.summary()), datetime.now(UTC))
        result.changes = Changes.of(VENUES)
        return result

    def update_lists(
        self, progress: Progress | None = None, cancel: Callable[[], bool] | None = None
    ) -> ListsImportReport:
        """Download the rank-list files from Settings › rank_lists_url (default: ShowJCR's
        files on GitHub) and import those that changed. A file that fails to download or
        to read is reported and the others still import; a file is only written to the cache
        once it has arrived whole."""
        from scholardesk.sources.rank_lists import SHOWJCR_BASE_URL, SHOWJCR_FILES

        progress = progress or no_progress()
        base = (self.settings.rank_lists_url or SHOWJCR_BASE_URL).rstrip("/") + "/"
        folder = self.paths.cache_dir / "rank_lists"
        folder.mkdir(parents=True, exist_ok=True)
        report = ListsImportReport()
        client = self._client()
        for i, name in enumerate(SHOWJCR_FILES):
            if cancel is not None and cancel():
                report.cancelled = True
                break
            progress.report(i, len(SHOWJCR_FILES), f"Downloading {name}")
            url = base + quote(name)
            try:
                response = client.get(url)
                if response.status != 200:
                    raise NetworkError(f"{url} answered HTTP {response.status}.")
                body = response.body
            except ScholarDeskError as exc:
                report.files.append(ListFileReport(url, error=exc.message))
                continue
            target = folder / name
            tmp = target.with_suffix(".part")
            tmp.write_bytes(body)
            tmp.replace(target)
            report.files.append(self._import_list_blob(str(target), body, False))
        self._invalidate()
        return report

    def list_files(self) -> builtins.list[tuple[str, str, int, str]]:
        """The rank-list files imported: (name, kind, year, sha256)."""
        with self.db.reading() as session:
            return self._repo(session).list_files()

    def ccf_editions(self) -> builtins.list[str]:
        """The CCF editions in the library, newest first."""
        with self.db.reading() as session:
            return self._repo(session).ccf_editions()

    def shown_edition(self) -> str:
        """The CCF edition shown by default (Settings › ccf_edition, else the newest)."""
        with self.db.reading() as session:
            return self._repo(session).shown_edition() or ""

    def ccf_history(self, venue: Venue) -> str:
        """"IJCAI · CCF B (2026) · A (2022) · A (2019)"."""
        history = ccf_history(venue.ccf_all, self.shown_edition())
        return f"{venue.label} · {history}" if history else venue.label

    def ccf_changes(self, old: str, new: str) -> builtins.list[CcfChange]:
        """What changed from CCF edition ``old`` to ``new``: added, removed, upgraded,
        downgraded, renamed, merged (the 2019 list's 合并/更名为 column)."""
        with self.db.reading() as session:
            repo = self._repo(session)
            editions = repo.ccf_editions()
            for edition in (old, new):
                if edition not in editions:
                    raise NotFoundError(
                        f"The library has no CCF {edition} edition.",
                        f"Import it first (venues import-lists). Editions: "
                        f"{', '.join(editions) or 'none'}.")
            ranks: dict[str, dict[int, tuple[str, str]]] = {old: {}, new: {}}
            for venue_id, edition, category, rank in repo.all_ranks():
                if edition in ranks:
                    best = ranks[edition].get(venue_id)
                    if best is None or rank < best[0]:
                        ranks[edition][venue_id] = (rank, category)
            names: dict[tuple[int, int], tuple[str, str]] = {}
            merged: dict[int, str] = {}
            for venue_id, year, source, metric, value, _n in repo.label_metrics(
                    ["ccf_name", "ccf_merged_into"]):
                if not source.startswith("CCF "):
                    continue
                if metric == "ccf_merged_into" and str(year) == old:
                    merged[venue_id] = value
            for venue_id, year, value, note in repo.ccf_names():
                names[(venue_id, year)] = (value, note)
            venues = {v.id: v for v in repo.list_venues()}
        out: builtins.list[CcfChange] = []
        for venue_id in sorted(set(ranks[old]) | set(ranks[new])):
            v = venues.get(venue_id)
            if v is None:
                continue
            was, now = ranks[old].get(venue_id), ranks[new].get(venue_id)
            abbr, name = v.abbr, v.name
            base = {"kind": v.kind, "abbr": abbr, "name": name,
                    "category": (now or was or ("", ""))[1]}
            if was is None and now is not None:
                out.append(CcfChange("added", new_rank=now[0], **base))
            elif now is None and was is not None:
                target = merged.get(venue_id, "")
                change = "removed"
                if target and "停刊" not in target:
                    change = "renamed"
                out.append(CcfChange(change, old_rank=was[0], note=target, **base))
            elif was is not None and now is not None:
                if now[0] < was[0]:
                    out.append(CcfChange("upgraded", old_rank=was[0], new_rank=now[0], **base))
                elif now[0] > was[0]:
                    out.append(CcfChange("downgraded", old_rank=was[0], new_rank=now[0], **base))
                before = names.get((venue_id, int(old))) if old.isdigit() else None
                after = names.get((venue_id, int(new))) if new.isdigit() else None
                if before and after and normalise_name(before[1]) != normalise_name(after[1]):
                    out.append(CcfChange("renamed", old_rank=was[0], new_rank=now[0],
                                         note=f"{before[1]} → {after[1]}", **base))
        order = {"added": 0, "removed": 1, "upgraded": 2, "downgraded": 3, "renamed": 4}
        out.sort(key=lambda c: (order.get(c.change, 9), c.category, c.abbr or c.name))
        return out

    def show(self, venue_id: int) -> dict[str, object]:
        """Everything known about a venue, per list and year, each value with its source."""
        detail = self.detail(venue_id)
        v = detail.venue
        with self.db.reading() as session:
            issn, eissn = self._repo(session).identifiers(venue_id)
        lists: dict[str, dict[str, object]] = {}
        for m in detail.metrics:
            entry = lists.setdefault(m.source, {"source": m.source, "year": m.year, "values": {}})
            values = entry["values"]
            assert isinstance(values, dict)
            values[m.metric] = {"value": m.value, "number": m.number, "note": m.note}
        return {
            "id": v.id, "abbr": v.abbr, "name": v.name, "kind": v.kind,
            "publisher": v.publisher, "issn": issn, "eissn": eissn, "dblp": v.dblp_url,
            "aliases": list(detail.aliases),
            "ccf": v.ccf.to_json() if v.ccf else None,
            "ccf_history": [r.to_json() for r in v.ccf_all],
            "ccf_label": self.ccf_history(v),
            "lists": sorted(lists.values(), key=lambda e: (-int(str(e["year"])),
                                                          str(e["source"]))),
        }

    def rank_labels(self, venues: Iterable[str | int]) -> dict[str | int, RankLabel]:
        """For the Papers table: each venue string (or venue id) → its compact rank label
        (``CCF A · 1区 Top · Q1 · IF 20.8``, ``warned`` when on the newest warning list).
        Strings that match no venue confidently are left out. Batch and cached: after the
        first call (which builds the label table) a call for 100 rows takes well under
        20 ms."""
        table = self._label_table()
        matcher = self.matcher()
        out: dict[str | int, RankLabel] = {}
        for item in venues:
            if isinstance(item, int):
                label = table.get(item)
            else:
                found = matcher.match(item)
                label = table.get(found.venue.id) if found and found.confidence >= 0.85 else None
            if label is not None:
                out[item] = label
        return out

    def _label_table(self) -> dict[int, RankLabel]:
        with self._lock:
            if self._labels is not None:
                return self._labels
        with self.db.reading() as session:
            repo = self._repo(session)
            edition = repo.shown_edition()
            rows = repo.label_metrics(["impact_factor", "jcr_quartile", "cas_zone", "top",
                                       "warning", "ccf_chinese", "ccf_t"])
            ranks = repo.all_ranks()
        best_ccf: dict[int, str] = {}
        for venue_id, ed, _category, rank in ranks:
            if ed == edition and (venue_id not in best_ccf or rank < best_ccf[venue_id]):
                best_ccf[venue_id] = rank
        newest: dict[tuple[int, str], tuple[int, str, float | None]] = {}
        warning_year = 0
        for venue_id, year, _source, metric, value, number in rows:
            if metric == "warning":
                warning_year = max(warning_year, year)
            key = (venue_id, metric)
            if key not in newest or year > newest[key][0]:
                newest[key] = (year, value, number)
        table: dict[int, RankLabel] = {}
        for venue_id in set(best_ccf) | {vid for vid, _m in newest}:
            def get(metric: str, vid: int = venue_id) -> tuple[int, str, float | None] | None:
                return newest.get((vid, metric))
            ccf = best_ccf.get(venue_id, "")
            zone, top, quart, impact, warn = (get("cas_zone"), get("top"), get("jcr_quartile"),
                                              get("impact_factor"), get("warning"))
            parts = [f"CCF {ccf}"] if ccf else []
            chinese, level = get("ccf_chinese"), get("ccf_t")
            if chinese and not ccf:
                parts.append(f"CCF {chinese[1]} (中文)")
            if level:
                parts.append(f"CCF-{level[1]}")
            top_flag = bool(top and top[1] == "yes")
            zone_n = int(zone[2]) if zone and zone[2] is not None else None
            if zone_n is not None:
                parts.append(f"{zone_n}区" + (" Top" if top_flag else ""))
            if quart:
                parts.append(quart[1])
            if impact and impact[2] is not None:
                parts.append(f"IF {impact[2]:g}")
            warned = bool(warn and warn[0] == warning_year)
            table[venue_id] = RankLabel(
                venue_id, " · ".join(parts), ccf=ccf, cas_zone=zone_n, top=top_flag,
                quartile=quart[1] if quart else "",
                impact_factor=impact[2] if impact else None, warned=warned,
                warning=f"{warn[1]} ({warn[0]})" if warn else "",
            )
        with self._lock:
            self._labels = table
        return table

    # -- sample ------------------------------------------------------------------------------
    def load_sample(self) -> None:
        doc: dict[str, Any] = json.loads(
            resource_path("sample", "venues.json").read_text(encoding="utf-8")
        )
        edition = str(doc.get("edition") or CCF_EDITION)
        entries = []
        for item in doc["catalogue"]:
            name, remark = split_remark(item["name"])
            entries.append(CcfEntry(
                kind=item["kind"], category=item["category"], rank=item["rank"],
                abbr=item.get("abbr", ""), name=name, publisher=item.get("publisher", ""),
                dblp_url=item.get("dblp_url", ""), serial=int(item.get("serial", 0)),
                note=remark, edition=edition,
            ))
        self._store_entries(entries, no_progress(), sample=True)
        matcher = self.matcher()
        with self.db.transaction() as session:
            repo = self._repo(session)
            for m in doc.get("metrics", []):
                venue = _resolve(matcher, m["venue"], m.get("kind", ""))
                if venue is None:
                    logger.warning("Sample metric for unknown venue %s", m["venue"])
                    continue
                repo.upsert_metric(VenueMetric(
                    venue.id, int(m["year"]), m["source"], m["metric"], m["value"],
                    metric_number(m["metric"], m["value"]), m.get("note", ""),
                ), sample=True)

    def delete_sample(self) -> int:
        with self.db.transaction() as session:
            removed = self._repo(session).delete_sample()
        self._invalidate()
        return removed

    # -- helpers -----------------------------------------------------------------------------
    def _repo(self, session: Any) -> VenuesRepository:
        return VenuesRepository(session, edition=self.settings.ccf_edition)

    def _client(self) -> PoliteClient:
        if self._http is None:
            raise NetworkError("No network client is configured.")
        return self._http()


def _resolve(matcher: VenueMatcher, text: str, kind: str = "") -> Venue | None:
    found = matcher.match(text)
    if found is None or found.confidence < 0.85:
        return None
    if kind and found.venue.kind != kind:
        twins = [
            v for v in matcher.venues
            if v.kind == kind and (v.abbr == found.venue.abbr or v.name == found.venue.name)
        ]
        return twins[0] if twins else None
    return found.venue


def _list_order(blobs: Sequence[tuple[str, bytes]]) -> builtins.list[tuple[str, bytes]]:
    """CCF editions first (they name venues and abbreviations), then the newest JCR and CAS
    lists (full names with ISSN) before older ones, then warning lists and the rest."""
    def key(item: tuple[str, bytes]) -> tuple[int, int, str]:
        name = Path(item[0]).name.upper()
        digits = "".join(ch for ch in name if ch.isdigit())[:4]
        year = int(digits) if digits else 0
        group = 0 if name.startswith("CCF") else 1 if name.startswith(("JCR", "FQB")) else 2
        return group, -year if group == 1 else year, name
    return sorted(blobs, key=key)


def _line_number(error: RecordError) -> int:
    digits = "".join(ch for ch in error.record if ch.isdigit())
    return int(digits) if digits else 0


def _pdf_link(page: str, base: str) -> str | None:
    import re
    from urllib.parse import urljoin

    m = re.search(r"""href=["']([^"']+\.pdf)["']""", page, re.IGNORECASE)
    return urljoin(base, m.group(1)) if m else None
