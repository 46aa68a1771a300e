"""Papers: bring a Zotero library in, and keep it in step on every later import.

The first import stores every regular item through the papers import (same dedupe keys and
merge as BibTeX and arXiv: DOI, arXiv id, title + first author + year; the Zotero item key is
kept as provenance). What each item became is remembered per Zotero library
(``zotero_items``: item key → paper, change stamp), so a later import

- leaves unchanged items alone (nothing is read back or written),
- updates changed items: Zotero's fields win, the library fills what Zotero leaves empty,
  tags are added and a tag removed in Zotero is removed here (only tags that came from
  Zotero: ``zotero_items.tags``; the user's own tags stay), status, rating and the user's
  notes stay,
- adds new items,
- leaves out items whose paper the user deleted here (``zotero_items.paper_id`` NULL, by ON
  DELETE SET NULL) unless they changed in Zotero since ("skipped (deleted here)"), and
- reports items removed from Zotero (or moved to its trash) without deleting the papers.

A paper with a Zotero attachment can be opened in place (``attached_pdf``, ``zotero_link``)
and its review dates read from that PDF (``read_review_dates``, the review-times PDF reader).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

from scholardesk.core.errors import Cancelled, InputError, ScholarDeskError
from scholardesk.core.progress import Progress, no_progress
from scholardesk.domain.changes import PAPERS, Changes
from scholardesk.domain.importing import ImportReport, RecordError
from scholardesk.domain.papers import Paper, merge_record, same_content
from scholardesk.store.papers_repo import PapersRepository
from scholardesk.store.zotero_repo import ItemRow, KnownItem, ZoteroRepository

if TYPE_CHECKING:
    from scholardesk.services.papers import PapersService
    from scholardesk.services.reviews import ReviewsService
    from scholardesk.sources.zotero import ZoteroItem


@dataclass
class ZoteroImportReport(ImportReport):
    library: str = ""  # the data folder read
    unchanged: int = 0
    removed_in_zotero: list[dict[str, object]] = field(default_factory=list)
    # deleted here and unchanged in Zotero since: left out ("skipped (deleted here)")
    deleted_here: list[dict[str, object]] = field(default_factory=list)
    items: dict[str, int] = field(default_factory=dict)  # regular items by Zotero type
    in_trash: int = 0
    standalone: int = 0
    attachments: int = 0
    attachments_missing: int = 0
    annotations: int = 0
    notes: int = 0

    def to_json(self) -> dict[str, object]:
        return {
            **super().to_json(),
            "library": self.library,
            "unchanged": self.unchanged,
            "removed_in_zotero": self.removed_in_zotero,
            "skipped_deleted_here": self.deleted_here,
            "attachments": {"files": self.attachments, "missing": self.attachments_missing,
                            "annotations": self.annotations},
            "notes": self.notes,
            "items": self.items,
            "in_trash": self.in_trash,
            "standalone": self.standalone,
        }


def attached_pdf(paper: Paper) -> Path | None:
    """The paper's PDF on this computer, as recorded: its ``file:`` PDF link (a stored Zotero
    PDF that was there at import), else the first ``.pdf`` among its Zotero attachments
    (stored or linked; perhaps missing). None: no local PDF is recorded."""
    link = paper.links.get("pdf", "")
    if link.lower().startswith("file:"):
        parsed = urlparse(link)
        return Path(url2pathname(unquote(parsed.path)))
    for line in paper.extra.get("zotero_attachments", "").splitlines():
        if line.strip().lower().endswith(".pdf"):
            return Path(line.strip())
    return None


def zotero_link(paper: Paper) -> str:
    """Where the paper's item is in Zotero: the stored ``zotero://select/...`` link (a group
    library's ``groups/ID/items/KEY`` as imported), else one made from its Zotero key."""
    link = paper.links.get("zotero", "")
    if link:
        return link
    key = paper.extra.get("zotero_key", "")
    return f"zotero://select/library/items/{key}" if key else ""


@dataclass
class ReviewDates:
    """What reading a paper's attached PDF for its review history found."""

    paper_id: int
    file: str
    dates: dict[str, str] = field(default_factory=dict)  # received/revised/accepted/... ISO
    journal: str = ""
    doi: str = ""
    stored: str = ""  # "imported" | "updated" | "unchanged" | "" (nothing stored)
    errors: list[RecordError] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)

    @property
    def found(self) -> bool:
        return any(k in self.dates for k in ("received", "revised", "accepted"))

    def to_json(self) -> dict[str, object]:
        return {"paper_id": self.paper_id, "file": self.file, "found": self.found,
                "dates": self.dates, "journal": self.journal, "doi": self.doi,
                "stored": self.stored, "errors": [e.to_json() for e in self.errors]}


DATE_FIELDS = ("received", "revised", "accepted", "online", "published")


def read_review_dates(
    papers: PapersService, reviews: ReviewsService, paper_id: int,
    progress: Progress | None = None,
) -> ReviewDates:
    """Read the received / revised / accepted dates printed in the paper's attached PDF (the
    review-times PDF reader) and store them as the article's history for the review-time
    statistics; the paper's venue names the journal and its DOI and title fill the PDF's gaps."""
    progress = progress or no_progress()
    paper = papers.get(paper_id)
    path = attached_pdf(paper)
    if path is None:
        raise InputError(
            f"Paper {paper_id} has no PDF attachment.",
            "Attach the PDF in Zotero and import the library again, or read the file with "
            "'reviews import FILE.pdf'.",
        )
    if not path.is_file():
        raise InputError(
            f"The PDF of paper {paper_id} is not on this computer: {path}.",
            "Let Zotero download the file (open it once in Zotero), then try again.",
        )
    progress.report(0, 1, f"Reading {path.name}")
    result = ReviewDates(paper_id, str(path))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    try:
        records, errors = reviews.parse_document(data, path.name)
    except Cancelled:
        raise
    except ScholarDeskError as exc:  # no dates printed, a scan without text, not a PDF
        result.errors.append(RecordError(str(path), "", str(exc)))
        return result
    result.errors.extend(RecordError(str(path), e.record, e.message) for e in errors)
    found = [(label, h) for label, h in records if h.has_history]
    if not found:
        return result
    label, h = found[0]
    h = replace(h, doi=h.doi or (paper.doi or ""), title=h.title or paper.title)
    result.dates = {k: d.isoformat() for k in DATE_FIELDS if (d := getattr(h, k)) is not None}
    report = ImportReport()
    reviews._store([(label, h)], str(path), paper.venue, report)
    result.errors.extend(report.errors)
    result.journal = h.journal or paper.venue
    result.doi = h.doi
    result.stored = ("imported" if report.imported else "updated" if report.updated
                     else "unchanged" if report.skipped else "")
    result.changes = report.changes
    progress.report(1, 1, path.name)
    return result


def merged_notes(current: str, old_zotero: str, new_zotero: str) -> str:
    """The paper's notes after Zotero's notes changed from ``old_zotero`` to ``new_zotero``:
    the part Zotero wrote is replaced, whatever the user wrote here stays."""
    if new_zotero == old_zotero or (new_zotero and new_zotero in current):
        return current
    if old_zotero and old_zotero in current:
        return current.replace(old_zotero, new_zotero, 1).strip()
    if not new_zotero:
        return current
    return f"{current.rstrip()}\n\n{new_zotero}" if current.strip() else new_zotero


def import_zotero(
    papers: PapersService, path: Path | str | None, progress: Progress | None = None
) -> ZoteroImportReport:
    from scholardesk.services.papers import IncomingPaper
    from scholardesk.sources.zotero import read_zotero

    progress = progress or no_progress()
    progress.report(0, 0, "Reading the Zotero library")
    lib = read_zotero(path)
    report = ZoteroImportReport(
        library=str(lib.data_dir), items=lib.counts_by_type(), in_trash=lib.in_trash,
        standalone=lib.standalone,
    )
    report.errors.extend(lib.errors)
    report.notices.extend(lib.notices)
    for item in lib.items:
        files = [a for a in item.attachments if a.link_mode != "link"]
        report.attachments += len(files)
        report.attachments_missing += sum(1 for a in files if a.exists is False)
        report.annotations += item.annotations
        report.notes += bool(item.notes)

    with papers.db.reading() as session:
        state = ZoteroRepository(session).state(lib.identity)
    new: list[ZoteroItem] = []
    changed: list[tuple[ZoteroItem, KnownItem]] = []
    for item in lib.items:
        known = state.get(item.key)
        if known is None:
            new.append(item)
        elif known.stamp == item.stamp:
            if known.paper_id is None:  # deleted here, unchanged in Zotero: stays deleted
                report.deleted_here.append({"key": item.key, "title": item.record.title})
            else:
                report.unchanged += 1
        elif known.paper_id is None:  # deleted here, but changed in Zotero since: back
            new.append(item)
        else:
            changed.append((item, known))

    if changed:
        progress.report(0, len(changed), "Updating papers from Zotero")
        again = _update(papers, lib.identity, changed, report)
        new.extend(again)
    if new:
        stored = papers._store(
            [IncomingPaper(i.record, notes=i.notes, where=f"{i.key} ({i.item_type})") for i in new],
            progress,
        )
        report.merge(stored)
        _remember_new(papers, lib.identity, new)

    present = {i.key for i in lib.items}
    gone = {k: v.paper_id for k, v in state.items() if k not in present}
    if gone:
        with papers.db.transaction() as session:
            ids = sorted({pid for pid in gone.values() if pid is not None})
            rows = {r.id: r for r in PapersRepository(session).rows(ids)}
            ZoteroRepository(session).forget(lib.identity, gone)
        for key, pid in sorted(gone.items()):
            if pid is None:  # deleted here too: nothing to say
                continue
            row = rows.get(pid)
            report.removed_in_zotero.append(
                {"key": key, "paper_id": pid, "title": row.title if row else ""}
            )
    if report.imported or report.updated or report.removed_in_zotero:
        report.changes = Changes.of(PAPERS)
    else:
        report.changes = Changes()
    return report


def _update(
    papers: PapersService,
    identity: str,
    changed: Sequence[tuple[ZoteroItem, KnownItem]],
    report: ZoteroImportReport,
) -> list[ZoteroItem]:
    """Changed items onto their papers (one transaction); returns the items whose paper is
    gone (to be imported as new). A tag Zotero gave last time and no longer gives is
    removed; tags the user added here stay."""
    missing: list[ZoteroItem] = []
    with papers.db.transaction() as session:
        repo = PapersRepository(session)
        ids = [known.paper_id for _, known in changed if known.paper_id is not None]
        current = repo.records(ids)
        notes = {p.id: p.notes for p in repo.papers(ids)}
        rows: list[ItemRow] = []
        for item, known in changed:
            pid = known.paper_id
            before = current.get(pid) if pid is not None else None
            if pid is None or before is None:
                missing.append(item)
                continue
            removed = set(known.tags) - set(item.record.tags)
            merged = merge_record(item.record, before)  # Zotero's values win, ours fill gaps
            merged = replace(merged, tags=tuple(sorted(set(merged.tags) - removed)))  # as stored
            touched = False
            if not same_content(merged, before):
                repo.update_from_record(pid, merged)
                gone_tags = sorted(removed & set(before.tags))
                if gone_tags:
                    repo.remove_tags([pid], gone_tags)
                touched = True
            text = merged_notes(notes.get(pid, ""), known.notes, item.notes)
            if text != notes.get(pid, ""):
                repo.set_fields([pid], notes=text)
                touched = True
            if touched:
                report.updated += 1
            else:
                report.unchanged += 1
            rows.append(ItemRow(item.key, pid, item.stamp, item.notes, item.record.tags))
        ZoteroRepository(session).save(identity, rows)
    return missing


def _remember_new(papers: PapersService, identity: str, items: Sequence[ZoteroItem]) -> None:
    """Which paper each newly stored item became (found by its provenance), and its notes
    added where the item joined a paper that was already in the library."""
    with papers.db.transaction() as session:
        repo = PapersRepository(session)
        found = repo.match_sources(
            (i.record.source_kind, i.record.source_ref, i.record.record_ref) for i in items
        )
        pairs = [
            (i, found[(i.record.source_kind, i.record.source_ref, i.record.record_ref)])
            for i in items
            if (i.record.source_kind, i.record.source_ref, i.record.record_ref) in found
        ]
        with_notes = [pid for i, pid in pairs if i.notes]
        notes = {p.id: p.notes for p in repo.papers(with_notes)} if with_notes else {}
        for item, pid in pairs:
            if item.notes and pid in notes:
                text = merged_notes(notes[pid], "", item.notes)
                if text != notes[pid]:
                    repo.set_fields([pid], notes=text)
                    notes[pid] = text
        ZoteroRepository(session).save(
            identity, [ItemRow(i.key, pid, i.stamp, i.notes, i.record.tags) for i, pid in pairs]
        )
