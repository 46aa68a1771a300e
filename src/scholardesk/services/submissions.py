"""Use cases of the submissions area: manuscripts, pasted histories, timelines, stuck alerts.

One transaction per user action. ``completed_timelines()`` is the "my submissions" source for
review-time statistics: (venue, received = submitted, revised, accepted) of every accepted
manuscript.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from scholardesk.core.errors import InputError, NotFoundError
from scholardesk.core.progress import Progress, no_progress
from scholardesk.domain.changes import SUBMISSIONS, Changes
from scholardesk.domain.dates import parse_date
from scholardesk.domain.history_text import LineProblem, ParsedHistory, parse_history
from scholardesk.domain.importing import ImportReport, RecordError
from scholardesk.domain.submissions import (
    CompletedTimeline,
    EmailDraft,
    Stage,
    StuckAlert,
    Submission,
    SubmissionEvent,
    SubmissionSummary,
    Timeline,
    chain_root_id,
    chains,
    completed_timeline,
    compute_timeline,
    guess_system,
    inquiry_email,
    normalise_status,
    stuck_alert,
)
from scholardesk.store.db import Database
from scholardesk.store.submissions_repo import NewSubmission, SubmissionsRepository

logger = logging.getLogger(__name__)

EXPORT_FORMAT = "scholardesk-submissions"
CSV_COLUMNS = [
    "submission", "title", "venue", "manuscript_id", "system", "role", "previous",
    "date", "time", "raw", "stage",
]  # fmt: skip


@dataclass(frozen=True)
class SubmissionResult:
    submission: Submission
    changes: Changes = field(default_factory=lambda: Changes.of(SUBMISSIONS))


@dataclass(frozen=True)
class EventResult:
    submission_id: int
    event: SubmissionEvent
    warnings: tuple[str, ...]
    changes: Changes = field(default_factory=lambda: Changes.of(SUBMISSIONS))

    def to_json(self) -> dict[str, object]:
        return {
            "submission_id": self.submission_id,
            "event": {**self.event.to_json(), "id": self.event.id},
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class HistoryImport:
    """What ``import_text`` did: the events it stored and the lines it could not read."""

    submission_id: int | None  # the (first) submission the events went to; None if nothing
    submission_ids: tuple[int, ...]
    events: tuple[SubmissionEvent, ...]  # events stored now (already-known ones are skipped)
    skipped: int
    errors: tuple[LineProblem, ...]
    warnings: tuple[LineProblem, ...]
    strict_refused: bool = False
    changes: Changes = field(default_factory=Changes)

    def to_json(self) -> dict[str, object]:
        return {
            "submission_id": self.submission_id,
            "events": [
                {**e.to_json(), "line": e.line} for e in self.events
            ],
            "errors": [p.to_json() for p in self.errors],
            "warnings": [p.to_json() for p in self.warnings],
            "skipped": self.skipped,
            "submission_ids": list(self.submission_ids),
        }


class SubmissionsService:
    area = SUBMISSIONS

    def __init__(self, db: Database, today: Callable[[], dt.date] = dt.date.today) -> None:
        self.db = db
        self.today = today

    # --- reading -----------------------------------------------------------------------

    def get(self, submission_id: int) -> Submission:
        with self.db.reading() as session:
            sub = SubmissionsRepository(session).get(submission_id)
        if sub is None:
            raise NotFoundError(
                f"There is no submission {submission_id}.",
                "List them with `scholardesk submissions list`.",
            )
        return sub

    def all(self) -> list[Submission]:
        with self.db.reading() as session:
            return SubmissionsRepository(session).all()

    def timeline(self, submission_id: int, today: dt.date | None = None) -> tuple[Submission, Timeline]:
        sub = self.get(submission_id)
        return sub, compute_timeline(sub.events, today or self.today())

    def summaries(self, today: dt.date | None = None) -> list[SubmissionSummary]:
        """One row per submission, chains kept together (oldest venue first)."""
        day = today or self.today()
        with self.db.reading() as session:
            repo = SubmissionsRepository(session)
            subs = repo.all()
            thresholds = repo.thresholds()
        by_id = {s.id: s for s in subs}
        rows: list[SubmissionSummary] = []
        for chain in chains(subs):
            for position, sub in enumerate(chain, 1):
                tl = compute_timeline(sub.events, day)
                warnings = []
                if tl.out_of_order:
                    warnings.append("dates out of order")
                if tl.unknown:
                    warnings.append("unknown status words")
                rows.append(
                    SubmissionSummary(
                        sub,
                        tl,
                        chain_root_id(sub, by_id),
                        position,
                        stuck_alert(sub, tl, thresholds),
                        tuple(warnings),
                    )
                )
        return rows

    def chain_of(self, submission_id: int) -> list[Submission]:
        subs = self.all()
        for chain in chains(subs):
            if any(s.id == submission_id for s in chain):
                return chain
        raise NotFoundError(f"There is no submission {submission_id}.")

    # --- writing -----------------------------------------------------------------------

    def add(
        self,
        title: str,
        venue: str,
        *,
        manuscript_id: str = "",
        system: str = "",
        role: str = "",
        paper_id: int | None = None,
        previous_id: int | None = None,
        notes: str = "",
    ) -> SubmissionResult:
        if not venue.strip():
            raise InputError("A submission needs a venue (journal or conference).")
        with self.db.transaction() as session:
            repo = SubmissionsRepository(session)
            if previous_id is not None and not repo.exists(previous_id):
                raise NotFoundError(f"There is no submission {previous_id} to continue from.")
            new_id = repo.add(
                NewSubmission(
                    title.strip(), venue.strip(), manuscript_id.strip(), system, role,
                    paper_id, previous_id, notes,
                ),
                dt.datetime.now(),
            )
            sub = repo.get(new_id)
        assert sub is not None
        return SubmissionResult(sub)

    def update(self, submission_id: int, **fields: object) -> SubmissionResult:
        with self.db.transaction() as session:
            repo = SubmissionsRepository(session)
            if not repo.exists(submission_id):
                raise NotFoundError(f"There is no submission {submission_id}.")
            if fields.get("previous_id") == submission_id:
                raise InputError("A submission cannot follow itself.")
            repo.update(submission_id, dt.datetime.now(), **fields)
            sub = repo.get(submission_id)
        assert sub is not None
        return SubmissionResult(sub)

    def delete(self, submission_ids: Sequence[int]) -> Changes:
        """Delete these submissions (one transaction). An id that is not one of yours (none
        such, or another member's in a shared library) is refused before anything is deleted."""
        with self.db.transaction() as session:
            repo = SubmissionsRepository(session)
            missing = [i for i in dict.fromkeys(submission_ids) if not repo.exists(i)]
            if missing:
                raise NotFoundError(
                    f"There is no submission {', '.join(map(str, missing))} of yours.",
                    "List them with `scholardesk submissions list`; nothing was deleted.",
                )
            repo.delete(submission_ids)
        return Changes.of(SUBMISSIONS)

    def add_event(
        self,
        submission_id: int,
        date_text: str,
        status: str,
        stage: Stage | None = None,
    ) -> EventResult:
        """Append one event; ``stage`` overrides what the status words say."""
        parsed = parse_date(date_text)
        if parsed is None or parsed.precision == "year":
            raise InputError(
                f"Cannot read the date {date_text!r}.",
                "Write it like 2022-06-05, 2022.06.05, 5 June 2022 or 2022年6月5日.",
            )
        if not status.strip():
            raise InputError("The event needs the status text the system showed.")
        chosen = stage or normalise_status(status)
        warnings: list[str] = []
        if chosen is Stage.OTHER:
            warnings.append(f"unknown status words {status.strip()!r}; kept with stage Other")
        with self.db.transaction() as session:
            repo = SubmissionsRepository(session)
            if not repo.exists(submission_id):
                raise NotFoundError(f"There is no submission {submission_id}.")
            previous = repo.events(submission_id)
            if previous and parsed.date < previous[-1].date:
                warnings.append(
                    f"dated before the last event ({previous[-1].date.isoformat()}); "
                    "kept in the order entered"
                )
            event = SubmissionEvent(
                parsed.date, status.strip(), chosen, parsed.time, parsed.precision
            )
            event_id = repo.add_event(submission_id, event)
        return EventResult(
            submission_id,
            SubmissionEvent(
                event.date, event.raw, event.stage, event.time, event.precision, event_id
            ),
            tuple(warnings),
        )

    def delete_event(self, event_id: int) -> Changes:
        with self.db.transaction() as session:
            if not SubmissionsRepository(session).delete_event(event_id):
                raise NotFoundError(f"There is no event {event_id}.")
        return Changes.of(SUBMISSIONS)

    # --- pasted histories --------------------------------------------------------------

    @staticmethod
    def preview_text(text: str) -> ParsedHistory:
        return parse_history(text)

    def import_text(
        self,
        text: str,
        venue: str = "",
        title: str = "",
        *,
        strict: bool = False,
        manuscript_id: str = "",
        previous_id: int | None = None,
        is_sample: bool = False,
    ) -> HistoryImport:
        """Store a pasted history. Re-importing the same text adds nothing.

        The events go to the submission with this venue and title (created when new); each
        "Venue: X" header line starts the next venue of the same manuscript, chained to the one
        before. With ``strict`` nothing is stored when any line could not be read.
        """
        parsed = parse_history(text)
        if strict and parsed.errors:
            return HistoryImport(
                None, (), (), 0, parsed.errors, parsed.warnings, strict_refused=True
            )
        groups: list[tuple[str, list[SubmissionEvent]]] = []
        segment: int | None = None
        for pe in parsed.events:
            name = pe.venue if pe.venue is not None else venue.strip()
            if not name:
                raise InputError(
                    "Which venue is this history from?",
                    "Give --venue NAME, or start the text with a line 'Venue: NAME'.",
                )
            if segment != pe.segment:
                groups.append((name, []))
                segment = pe.segment
            groups[-1][1].append(
                SubmissionEvent(
                    pe.date.date, pe.raw, pe.stage, pe.date.time, pe.date.precision,
                    line=pe.line,
                )
            )
        stored: list[SubmissionEvent] = []
        ids: list[int] = []
        skipped = 0
        now = dt.datetime.now()
        with self.db.transaction() as session:
            repo = SubmissionsRepository(session)
            if previous_id is not None and not repo.exists(previous_id):
                raise NotFoundError(f"There is no submission {previous_id} to continue from.")
            prev = previous_id
            for index, (name, events) in enumerate(groups):
                sub_id = repo.find(name, title) if index == 0 else repo.find(name, title, prev)
                if sub_id is None:
                    sub_id = repo.add(
                        NewSubmission(
                            title.strip(),
                            name,
                            manuscript_id.strip() if index == 0 else "",
                            guess_system([e.raw for e in events]),
                            previous_id=prev,
                            is_sample=is_sample,
                        ),
                        now,
                    )
                ids.append(sub_id)
                for event in events:
                    if repo.has_event(sub_id, event.date, event.raw):
                        skipped += 1
                        continue
                    event_id = repo.add_event(sub_id, event, adopt=not is_sample)
                    stored.append(
                        SubmissionEvent(
                            event.date, event.raw, event.stage, event.time, event.precision,
                            event_id, event.line,
                        )
                    )
                prev = sub_id
        return HistoryImport(
            ids[0] if ids else None,
            tuple(ids),
            tuple(stored),
            skipped,
            parsed.errors,
            parsed.warnings,
            changes=Changes.of(SUBMISSIONS) if stored or ids else Changes(),
        )

    # --- stuck alerts ------------------------------------------------------------------

    def thresholds(self) -> dict[Stage, int]:
        with self.db.reading() as session:
            return SubmissionsRepository(session).thresholds()

    def set_thresholds(self, thresholds: Mapping[Stage, int]) -> Changes:
        clean: dict[Stage, int] = {}
        for stage, days in thresholds.items():
            if days is None:
                continue
            if int(days) < 1:
                raise InputError(f"The limit for {stage} must be at least one day.")
            clean[Stage(stage)] = int(days)
        with self.db.transaction() as session:
            SubmissionsRepository(session).set_thresholds(clean)
        return Changes.of(SUBMISSIONS)

    def stuck(self, today: dt.date | None = None) -> list[StuckAlert]:
        return [s.stuck for s in self.summaries(today) if s.stuck is not None]

    def inquiry_email(
        self, submission_id: int, language: str = "en", today: dt.date | None = None
    ) -> EmailDraft:
        day = today or self.today()
        sub, tl = self.timeline(submission_id, day)
        return inquiry_email(sub, tl, day, language)

    # --- "my submissions" as a review-time source ---------------------------------------

    def completed_timelines(self) -> list[CompletedTimeline]:
        """Accepted manuscripts as (venue, received, revised, accepted) records for the
        review-time statistics ("my submissions" source). Sample records are left out."""
        today = self.today()
        result: list[CompletedTimeline] = []
        for sub in self.all():
            if sub.is_sample:
                continue
            record = completed_timeline(sub, compute_timeline(sub.events, today))
            if record is not None:
                result.append(record)
        return result

    # --- export / import to share --------------------------------------------------------

    def export_data(self, ids: Iterable[int] | None = None) -> dict[str, object]:
        wanted = set(ids) if ids is not None else None
        subs = [s for s in self.all() if wanted is None or s.id in wanted]
        return {
            "format": EXPORT_FORMAT,
            "version": 1,
            "submissions": [
                {
                    **{k: v for k, v in s.to_json().items() if k != "events"},
                    "events": [
                        {
                            "date": e.date.isoformat(),
                            "time": e.time.isoformat() if e.time else "",
                            "precision": e.precision,
                            "raw": e.raw,
                            "stage": str(e.stage),
                        }
                        for e in s.events
                    ],
                }
                for s in subs
            ],
        }

    def export_file(
        self, path: Path, ids: Iterable[int] | None = None, bom: bool = True
    ) -> int:
        """Write JSON (``.json``) or CSV (one row per event, cells escaped against formula
        injection, UTF-8 with a BOM unless ``bom`` is false); returns the submission count."""
        data = self.export_data(ids)
        subs = data["submissions"]
        assert isinstance(subs, list)
        if path.suffix.lower() == ".csv":
            from scholardesk.domain.spreadsheet import csv_encoding, csv_text

            table: list[list[object]] = []
            for s in subs:
                base = {
                    "submission": s["id"], "title": s["title"], "venue": s["venue"],
                    "manuscript_id": s["manuscript_id"], "system": s["system"],
                    "role": s["role"], "previous": s["previous_id"] or "",
                }  # fmt: skip
                for e in s["events"] or [{"date": "", "time": "", "raw": "", "stage": ""}]:
                    row = {**base, "date": e["date"], "time": e["time"], "raw": e["raw"],
                           "stage": e["stage"]}
                    table.append([row.get(c, "") for c in CSV_COLUMNS])
            path.write_text(csv_text(CSV_COLUMNS, table), encoding=csv_encoding(bom))
        else:
            path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        return len(subs)

    def import_file(
        self, path: Path, progress: Progress | None = None, *, is_sample: bool = False
    ) -> ImportReport:
        """Read a JSON or CSV export. Bad records are reported; re-importing changes nothing."""
        progress = progress or no_progress()
        source = str(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"Cannot read {path}: {exc}", "Check the file name.") from exc
        if path.suffix.lower() == ".csv":
            records, errors = _records_from_csv(text, source)
        else:
            try:
                data = json.loads(text)
            except ValueError as exc:
                raise InputError(
                    f"{path} is not valid JSON ({exc}).",
                    "Export it again from ScholarDesk (File > Export > Submissions).",
                ) from exc
            if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
                raise InputError(
                    f"{path} is not a ScholarDesk submissions export.",
                    f'The file must have "format": "{EXPORT_FORMAT}".',
                )
            raw_subs = data.get("submissions")
            records = raw_subs if isinstance(raw_subs, list) else []
            errors = []
        return self._import_records(records, errors, source, progress, is_sample)

    def _import_records(
        self,
        records: list[object],
        errors: list[RecordError],
        source: str,
        progress: Progress,
        is_sample: bool,
    ) -> ImportReport:
        report = ImportReport(errors=list(errors))
        id_map: dict[object, int] = {}
        now = dt.datetime.now()
        for index, record in enumerate(records):
            progress.report(index, len(records), "Importing submissions")
            key = record.get("id", index) if isinstance(record, dict) else index
            try:
                sub, events = _validate_record(record)
            except InputError as exc:
                report.errors.append(RecordError(source, f"submission {key}", exc.message))
                continue
            with self.db.transaction() as session:
                repo = SubmissionsRepository(session)
                prev = id_map.get(sub.previous_id) if sub.previous_id is not None else None
                existing = repo.find(sub.venue, sub.title, prev)
                if existing is None:
                    existing = repo.add(
                        NewSubmission(
                            sub.title, sub.venue, sub.manuscript_id, sub.system, sub.role,
                            None, prev, sub.notes, is_sample,
                        ),
                        now,
                    )
                    report.imported += 1
                    added = True
                else:
                    added = False
                new_events = 0
                for event in events:
                    if not repo.has_event(existing, event.date, event.raw):
                        repo.add_event(existing, event, adopt=not is_sample)
                        new_events += 1
                if not added:
                    if new_events:
                        report.updated += 1
                    else:
                        report.skipped += 1
                id_map[key] = existing
        if report.imported or report.updated:
            report.changes = Changes.of(SUBMISSIONS)
        return report

    # --- sample data (SampleProvider) ---------------------------------------------------

    def load_sample(self) -> None:
        from scholardesk.core.resources import resource_path

        self.import_file(resource_path("sample", "submissions.json"), is_sample=True)

    def delete_sample(self) -> int:
        with self.db.transaction() as session:
            repo = SubmissionsRepository(session)
            return repo.delete(repo.sample_ids())


def _validate_record(record: object) -> tuple[Submission, list[SubmissionEvent]]:
    if not isinstance(record, dict):
        raise InputError("not an object")
    venue = str(record.get("venue") or "").strip()
    if not venue:
        raise InputError("no venue")
    events: list[SubmissionEvent] = []
    raw_events = record.get("events") or []
    if not isinstance(raw_events, list):
        raise InputError("events is not a list")
    for n, ev in enumerate(raw_events, 1):
        if not isinstance(ev, dict):
            raise InputError(f"event {n} is not an object")
        parsed = parse_date(str(ev.get("date") or ""))
        if parsed is None or parsed.precision == "year":
            raise InputError(f"event {n}: cannot read the date {ev.get('date')!r}")
        raw = str(ev.get("raw") or "").strip()
        if not raw:
            raise InputError(f"event {n}: no status text")
        stage_text = str(ev.get("stage") or "")
        try:
            stage = Stage(stage_text) if stage_text else normalise_status(raw)
        except ValueError:
            stage = normalise_status(raw)
        time_text = str(ev.get("time") or "")
        try:
            time = dt.time.fromisoformat(time_text) if time_text else parsed.time
        except ValueError:
            raise InputError(f"event {n}: cannot read the time {time_text!r}") from None
        events.append(
            SubmissionEvent(parsed.date, raw, stage, time, str(ev.get("precision") or "day"))
        )
    previous = record.get("previous_id")
    sub = Submission(
        id=0,
        title=str(record.get("title") or "").strip(),
        venue=venue,
        manuscript_id=str(record.get("manuscript_id") or ""),
        system=str(record.get("system") or ""),
        role=str(record.get("role") or ""),
        previous_id=previous if isinstance(previous, int) else None,
        notes=str(record.get("notes") or ""),
    )
    return sub, events


def _records_from_csv(text: str, source: str) -> tuple[list[object], list[RecordError]]:
    reader = csv.DictReader(io.StringIO(text))
    missing = {"venue", "date", "raw"} - set(reader.fieldnames or [])
    if missing:
        raise InputError(
            f"{source} lacks the column(s) {', '.join(sorted(missing))}.",
            f"Columns: {', '.join(CSV_COLUMNS)}.",
        )
    records: dict[str, dict[str, object]] = {}
    from scholardesk.domain.spreadsheet import unescape_text

    for row in (
        {k: unescape_text(v) if isinstance(v, str) else v for k, v in r.items()} for r in reader
    ):
        key = (row.get("submission") or "").strip() or f"{row.get('venue')}|{row.get('title')}"
        rec = records.setdefault(
            key,
            {
                "id": int(key) if key.isdigit() else key,
                "title": row.get("title") or "",
                "venue": row.get("venue") or "",
                "manuscript_id": row.get("manuscript_id") or "",
                "system": row.get("system") or "",
                "role": row.get("role") or "",
                "previous_id": int(p) if (p := (row.get("previous") or "").strip()).isdigit()
                else None,
                "events": [],
            },
        )
        if (row.get("date") or "").strip() or (row.get("raw") or "").strip():
            events = rec["events"]
            assert isinstance(events, list)
            events.append(
                {"date": row.get("date"), "time": row.get("time") or "", "raw": row.get("raw"),
                 "stage": row.get("stage") or ""}
            )
    return list(records.values()), []
