"""SQL for the published-version resolver: the stored answer per paper, and merging a paper
into another (a preprint and its published version found as two papers).

Takes a Session, never commits. Paper rows are read and written through ``PapersRepository``
so that both search indexes stay in sync.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from scholardesk.domain.papers import Paper, merge_record
from scholardesk.domain.published_versions import Proposal, Rejected, Resolution
from scholardesk.store.models.papers import PaperModel, PaperSourceModel
from scholardesk.store.models.papers_resolve import PaperResolutionModel
from scholardesk.store.papers_repo import PapersRepository

R = PaperResolutionModel
P = PaperModel
PREPRINT_DOI_LIKE = ("10.48550/arxiv.%", "10.1101/%", "10.7287/peerj.preprints%")


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


@dataclass(frozen=True)
class Stored:
    checked_at: datetime
    status: str
    state: str


class PapersResolveRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.papers = PapersRepository(session)

    # -- which papers ---------------------------------------------------------------------------
    def preprint_ids(self) -> list[int]:
        """Papers that are preprints: an arXiv id, or a preprint DOI."""
        conds = [P.arxiv_id.is_not(None), *(P.doi.like(p) for p in PREPRINT_DOI_LIKE)]
        return list(self.session.scalars(select(P.id).where(or_(*conds)).order_by(P.id)))

    def load(self, ids: Sequence[int]) -> list[Paper]:
        return self.papers.papers(ids)

    def stored(self, paper_ids: Iterable[int]) -> dict[int, Stored]:
        out: dict[int, Stored] = {}
        ids = sorted(set(paper_ids))
        for i in range(0, len(ids), 500):
            for pid, checked, status, state in self.session.execute(
                select(R.paper_id, R.checked_at, R.status, R.state).where(
                    R.paper_id.in_(ids[i:i + 500]))
            ):
                out[pid] = Stored(checked, status, state)
        return out

    # -- proposals ------------------------------------------------------------------------------
    def save(
        self, paper_id: int, res: Resolution, venue_id: int | None, requests: int,
        checked_at: datetime | None = None,
    ) -> None:
        """Store the latest answer for a paper. An applied proposal that the new answer
        repeats stays applied (re-running changes nothing)."""
        values = {
            "status": res.status, "venue": res.venue, "venue_id": venue_id, "kind": res.kind,
            "year": res.year, "doi": res.doi, "pages": res.pages, "volume": res.volume,
            "confidence": res.confidence,
            "sources_json": json.dumps(list(res.sources)),
            "fields_json": json.dumps(res.fields, sort_keys=True),
            "rejected_json": json.dumps([r.to_json() for r in res.rejected], ensure_ascii=False),
            "notes_json": json.dumps(list(res.notes), ensure_ascii=False),
            "requests": requests, "checked_at": checked_at or _now(),
        }
        row = self.session.scalar(select(R).where(R.paper_id == paper_id))
        if row is None:
            self.session.add(R(paper_id=paper_id, state="pending", applied_at=None, **values))
            self.session.flush()
            return
        same = (row.status, row.venue, row.year, row.doi, row.pages) == (
            res.status, res.venue, res.year, res.doi, res.pages)
        for k, v in values.items():
            setattr(row, k, v)
        if not same:
            row.state, row.applied_at = "pending", None

    def proposals(
        self, paper_ids: Sequence[int] | None = None, ids: Sequence[int] | None = None,
        pending: bool = False,
    ) -> list[Proposal]:
        stmt = select(R, P.title, P.arxiv_id).join(P, P.id == R.paper_id).order_by(R.paper_id)
        if paper_ids is not None:
            stmt = stmt.where(R.paper_id.in_(list(paper_ids)))
        if ids is not None:
            stmt = stmt.where(R.id.in_(list(ids)))
        if pending:
            stmt = stmt.where(R.state == "pending", R.status.in_(("published", "ambiguous")))
        return [_proposal(row, title, arxiv_id) for row, title, arxiv_id in self.session.execute(stmt)]

    def mark_applied(self, proposal_id: int) -> None:
        self.session.execute(
            update(R).where(R.id == proposal_id).values(state="applied", applied_at=_now()))

    def dismiss(self, proposal_ids: Sequence[int]) -> None:
        self.session.execute(update(R).where(R.id.in_(list(proposal_ids))).values(state="dismissed"))

    def counts(self) -> dict[str, int]:
        rows = self.session.execute(select(R.status, func.count()).group_by(R.status))
        return {s: int(n) for s, n in rows}

    # -- applying -------------------------------------------------------------------------------
    def paper_with_doi(self, doi: str, other_than: int) -> int | None:
        return self.session.scalar(
            select(P.id).where(P.doi == doi.lower(), P.id != other_than).order_by(P.id))

    def merge_into(self, keep: int, drop: int) -> None:
        """``drop`` becomes part of ``keep``: the richest fields of both (``merge_record``),
        both ids (arXiv id and DOI), every person's tags and marks (notes both kept, the
        further reading status, the higher rating: ``PapersRepository.move_marks``), every
        provenance row; then ``drop`` is deleted."""
        both = {p.id: p for p in self.papers.papers([keep, drop], with_provenance=False)}
        b = both[drop]
        records = self.papers.records([keep, drop])
        merged = merge_record(records[keep], records[drop])
        merged = replace(merged, doi=merged.doi or b.doi, arxiv_id=merged.arxiv_id or b.arxiv_id)
        self.papers.move_marks(keep, drop)
        sources = [
            (keep, s.source_kind, s.source_ref, s.record_ref)
            for s in self.session.scalars(
                select(PaperSourceModel).where(PaperSourceModel.paper_id == drop))
        ]
        sources.append((keep, "merge", f"paper {drop}", b.doi or b.arxiv_id or b.title))
        self.session.execute(delete(R).where(R.paper_id == drop))
        self.papers.delete([drop])  # first: the DOI / arXiv id move to ``keep`` below
        self.papers.update_from_record(keep, merged)
        self.papers.adopt([keep])
        self.papers.add_sources(sources)

    def record_provenance(self, paper_id: int, fields: dict[str, tuple[str, str]]) -> None:
        """One provenance row per field set: (field → (source, value))."""
        self.papers.add_sources([
            (paper_id, "resolve", source, f"{name}: {value}")
            for name, (source, value) in sorted(fields.items())
        ])


def _proposal(row: PaperResolutionModel, title: str, arxiv_id: str | None) -> Proposal:
    return Proposal(
        id=row.id, paper_id=row.paper_id, title=title, arxiv_id=arxiv_id, status=row.status,
        state=row.state, confidence=row.confidence, venue=row.venue, venue_id=row.venue_id,
        kind=row.kind, year=row.year, doi=row.doi, pages=row.pages, volume=row.volume,
        sources=tuple(json.loads(row.sources_json)), fields=json.loads(row.fields_json),
        rejected=tuple(Rejected(r.get("source", ""), r.get("title", ""), r.get("venue", ""),
                                r.get("year"), r.get("doi"), r.get("reason", ""))
                       for r in json.loads(row.rejected_json)),
        notes=tuple(json.loads(row.notes_json)), requests=row.requests,
        checked_at=row.checked_at,
    )
