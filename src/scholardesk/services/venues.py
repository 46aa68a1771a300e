"""Venues use cases: the CCF catalogue, venue matching, metrics, conference deadlines.

Each public method that writes is one user action and one transaction. Matching is served from
an in-memory ``VenueMatcher`` built from the catalogue on first use and rebuilt after writes.
Other areas (papers, submissions) use ``match(text)`` and ``rank_for(text)``.
"""

from __future__ import annotations

import builtins
import json
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scholardesk.core.config import Paths, Settings
from scholardesk.core.errors import InputError, NetworkError, NotFoundError
from scholardesk.core.progress import Progress, no_progress
from scholardesk.core.resources import resource_path
from scholardesk.domain.changes import VENUES, Changes
from scholardesk.domain.importing import ImportReport, RecordError
from scholardesk.domain.venue_names import split_remark
from scholardesk.domain.venues import (
    CCF_EDITION,
    CONFERENCE,
    CcfEntry,
    CcfRank,
    DeadlineRow,
    Venue,
    VenueDetail,
    VenueMatch,
    VenueMetric,
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

__all__ = ["CcfImportReport", "VenueFilter", "VenuesService"]


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
        self._lock = threading.Lock()

    # -- matching ----------------------------------------------------------------------------
    def matcher(self) -> VenueMatcher:
        with self._lock:
            if self._matcher is None:
                from scholardesk.analysis.venue_matching import VenueMatcher

                with self.db.reading() as session:
                    repo = VenuesRepository(session)
                    venues = repo.list_venues()
                    aliases = repo.aliases()
                self._matcher = VenueMatcher(venues, aliases)
            return self._matcher

    def _invalidate(self) -> None:
        with self._lock:
            self._matcher = None

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
            repo = VenuesRepository(session)
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
            return VenuesRepository(session).list_venues(flt)

    def publishers(self) -> builtins.list[str]:
        with self.db.reading() as session:
            return VenuesRepository(session).publishers()

    def count(self) -> int:
        with self.db.reading() as session:
            return VenuesRepository(session).count()

    def get(self, venue_id: int) -> Venue:
        with self.db.reading() as session:
            venue = VenuesRepository(session).get(venue_id)
        if venue is None:
            raise NotFoundError(f"No venue with id {venue_id}.")
        return venue

    def detail(self, venue_id: int) -> VenueDetail:
        with self.db.reading() as session:
            repo = VenuesRepository(session)
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
            VenuesRepository(session).add_alias(venue_id, alias)
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
            repo = VenuesRepository(session)
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
            VenuesRepository(session).upsert_metric(
                VenueMetric(venue_id, year, source.strip(), name, value.strip(),
                            metric_number(name, value), note)
            )
        return Changes.of(VENUES)

    def delete_metric(self, venue_id: int, year: int, source: str, metric: str) -> Changes:
        with self.db.transaction() as session:
            VenuesRepository(session).delete_metric(venue_id, year, source, metric)
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
            repo = VenuesRepository(session)
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
            return VenuesRepository(session).deadlines(
                after=after, include_tbd=include_tbd, venue_ids=venue_ids
            )

    def upcoming(self, now: datetime | None = None) -> builtins.list[DeadlineRow]:
        return self.deadlines(after=now or datetime.now(UTC))

    def write_ics(self, rows: Sequence[DeadlineRow], path: Path) -> int:
        events = [r for r in rows if r.deadline_utc is not None]
        Path(path).write_text(deadlines_to_ics(list(events)), encoding="utf-8", newline="")
        return len(events)

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
            repo = VenuesRepository(session)
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
            removed = VenuesRepository(session).delete_sample()
        self._invalidate()
        return removed

    # -- helpers -----------------------------------------------------------------------------
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


def _line_number(error: RecordError) -> int:
    digits = "".join(ch for ch in error.record if ch.isdigit())
    return int(digits) if digits else 0


def _pdf_link(page: str, base: str) -> str | None:
    import re
    from urllib.parse import urljoin

    m = re.search(r"""href=["']([^"']+\.pdf)["']""", page, re.IGNORECASE)
    return urljoin(base, m.group(1)) if m else None
