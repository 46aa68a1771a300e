"""Papers: bring a Zotero library in, and keep it in step on every later import.

The first import stores every regular item through the papers import (same dedupe keys and
merge as BibTeX and arXiv: DOI, arXiv id, title + first author + year; the Zotero item key is
kept as provenance). What each item became is remembered per Zotero library
(``zotero_items``: item key → paper, change stamp), so a later import

- leaves unchanged items alone (nothing is read back or written),
- updates changed items: Zotero's fields win, the library fills what Zotero leaves empty,
  tags are added (the user's own tags stay), status, rating and the user's notes stay,
- adds new items, and
- reports items removed from Zotero (or moved to its trash) without deleting the papers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from scholardesk.core.progress import Progress, no_progress
from scholardesk.domain.changes import PAPERS, Changes
from scholardesk.domain.importing import ImportReport
from scholardesk.domain.papers import merge_record, same_content
from scholardesk.store.papers_repo import PapersRepository
from scholardesk.store.zotero_repo import ZoteroRepository

if TYPE_CHECKING:
    from scholardesk.services.papers import PapersService
    from scholardesk.sources.zotero import ZoteroItem


@dataclass
class ZoteroImportReport(ImportReport):
    library: str = ""  # the data folder read
    unchanged: int = 0
    removed_in_zotero: list[dict[str, object]] = field(default_factory=list)
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
            "attachments": {"files": self.attachments, "missing": self.attachments_missing,
                            "annotations": self.annotations},
            "notes": self.notes,
            "items": self.items,
            "in_trash": self.in_trash,
            "standalone": self.standalone,
        }


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
    from scholardesk.services.papers import _Incoming
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
    changed: list[tuple[ZoteroItem, tuple[int, str, str]]] = []
    for item in lib.items:
        known = state.get(item.key)
        if known is None:
            new.append(item)
        elif known[1] == item.stamp:
            report.unchanged += 1
        else:
            changed.append((item, known))

    if changed:
        progress.report(0, len(changed), "Updating papers from Zotero")
        again = _update(papers, lib.identity, changed, report)
        new.extend(again)
    if new:
        stored = papers._store(
            [_Incoming(i.record, notes=i.notes, where=f"{i.key} ({i.item_type})") for i in new],
            progress,
        )
        report.merge(stored)
        _remember_new(papers, lib.identity, new)

    present = {i.key for i in lib.items}
    gone = {k: v[0] for k, v in state.items() if k not in present}
    if gone:
        with papers.db.transaction() as session:
            rows = {r.id: r for r in PapersRepository(session).rows(sorted(set(gone.values())))}
            ZoteroRepository(session).forget(lib.identity, gone)
        for key, pid in sorted(gone.items()):
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
    changed: Sequence[tuple[ZoteroItem, tuple[int, str, str]]],
    report: ZoteroImportReport,
) -> list[ZoteroItem]:
    """Changed items onto their papers (one transaction); returns the items whose paper is
    gone (to be imported as new)."""
    missing: list[ZoteroItem] = []
    with papers.db.transaction() as session:
        repo = PapersRepository(session)
        ids = [known[0] for _, known in changed]
        current = repo.records(ids)
        notes = {p.id: p.notes for p in repo.papers(ids)}
        rows: list[tuple[str, int, str, str]] = []
        for item, (pid, _stamp, old_notes) in changed:
            before = current.get(pid)
            if before is None:
                missing.append(item)
                continue
            merged = merge_record(item.record, before)  # Zotero's values win, ours fill gaps
            merged = replace(merged, tags=tuple(sorted(set(merged.tags))))  # as stored
            touched = False
            if not same_content(merged, before):
                repo.update_from_record(pid, merged)
                touched = True
            text = merged_notes(notes.get(pid, ""), old_notes, item.notes)
            if text != notes.get(pid, ""):
                repo.set_fields([pid], notes=text)
                touched = True
            if touched:
                report.updated += 1
            else:
                report.unchanged += 1
            rows.append((item.key, pid, item.stamp, item.notes))
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
            identity, [(i.key, pid, i.stamp, i.notes) for i, pid in pairs]
        )
