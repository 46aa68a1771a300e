"""All SQL for venues. Takes a Session, returns frozen domain objects, never commits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, func, insert, or_, select, text, update
from sqlalchemy.orm import Session, selectinload

from scholardesk.domain.venue_names import normalise_name
from scholardesk.domain.venues import (
    CONFERENCE,
    CcfEntry,
    CcfRank,
    ConferenceEdition,
    DeadlineRow,
    Venue,
    VenueKey,
    VenueMetric,
)
from scholardesk.store.models.venues import (
    CcfRankRow,
    ConferenceEditionRow,
    DeadlineRowModel,
    VenueAliasRow,
    VenueListFileRow,
    VenueMetricRow,
    VenueRow,
)


@dataclass(frozen=True)
class VenueFilter:
    category: str | None = None
    rank: str | None = None
    kind: str | None = None
    publisher: str | None = None
    search: str | None = None
    edition: str | None = None


def _naive_utc(when: datetime | None) -> datetime | None:
    if when is None:
        return None
    return when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo else when


def _aware(when: datetime | None) -> datetime | None:
    return when.replace(tzinfo=UTC) if when is not None else None


def _to_venue(row: VenueRow, category: str | None = None, edition: str | None = None) -> Venue:
    """The venue with its best rank of ``edition`` (None: of its newest edition; a venue
    that edition does not list has no ``ccf``), in ``category`` when given."""
    ranks = list(row.ranks)
    if category:
        ranks = [r for r in ranks if r.category == category] or ranks
    ranks.sort(key=lambda r: (-int(r.edition) if r.edition.isdigit() else 0, r.rank, r.category))
    all_ranks = tuple(CcfRank(r.edition, r.category, r.rank, r.note) for r in ranks)
    shown = [r for r in all_ranks if edition is None or r.edition == edition]
    return Venue(
        id=row.id, kind=row.kind, abbr=row.abbr, name=row.name, publisher=row.publisher,
        dblp_key=row.dblp_key, dblp_url=row.dblp_url, ccf=shown[0] if shown else None,
        is_sample=row.is_sample, ccf_all=all_ranks,
    )


class VenuesRepository:
    def __init__(self, session: Session, edition: str = "") -> None:
        """``edition``: the CCF edition shown (Settings › ccf_edition); "" = the newest
        edition in the library."""
        self.session = session
        self._edition_setting = edition
        self._edition: str | None = None

    def shown_edition(self) -> str | None:
        if self._edition is None:
            editions = self.ccf_editions()
            self._edition = (
                self._edition_setting if self._edition_setting in editions
                else (editions[0] if editions else "")
            )
        return self._edition or None

    # -- venues ------------------------------------------------------------------------------
    def _find(self, kind: str, name: str, abbr: str = "", dblp_key: str = "") -> VenueRow | None:
        """The venue of this kind with this name; failing that, the one venue with both this
        DBLP key and this abbreviation (a corrected name in a CSV re-import)."""
        key = normalise_name(name)
        row = self.session.scalars(
            select(VenueRow).where(VenueRow.kind == kind, VenueRow.name_key == key)
        ).first()
        if row is not None or not dblp_key:
            return row
        rows = self.session.scalars(
            select(VenueRow).where(VenueRow.kind == kind, VenueRow.dblp_key == dblp_key)
        ).all()
        if len(rows) == 1 and (not abbr or not rows[0].abbr or rows[0].abbr == abbr):
            return rows[0]
        return None

    def upsert_ccf_entry(
        self, entry: CcfEntry, sample: bool = False, seen: set[int] | None = None
    ) -> str:
        """Insert or update one catalogue row; returns "imported", "updated" or "skipped"
        for the row's venue (see ``upsert_ccf_entry_of``)."""
        return self.upsert_ccf_entry_of(entry, sample, seen)[1]

    def upsert_ccf_entry_of(
        self, entry: CcfEntry, sample: bool = False, seen: set[int] | None = None
    ) -> tuple[int, str]:
        """Insert or update one catalogue row: (venue id, "imported" | "updated" | "skipped").

        ``seen``: venues already written by this import. A venue listed in two categories
        (TOMM, DKE, IPL, IJIS) gets its second rank without its fields being rewritten; the
        outcome then says only whether that rank was new or changed."""
        row = self._find(entry.kind, entry.name, entry.abbr, entry.dblp_key)
        outcome = "skipped"
        if row is not None and seen is not None and row.id in seen:
            pass
        elif row is None:
            row = VenueRow(
                kind=entry.kind, abbr=entry.abbr, name=entry.name,
                name_key=normalise_name(entry.name), publisher=entry.publisher,
                dblp_key=entry.dblp_key, dblp_url=entry.dblp_url, is_sample=sample,
            )
            self.session.add(row)
            self.session.flush()
            outcome = "imported"
        else:
            wanted: dict[str, object] = {
                "abbr": entry.abbr or row.abbr,
                "name": entry.name,
                "name_key": normalise_name(entry.name),
                "publisher": entry.publisher or row.publisher,
                "dblp_key": entry.dblp_key or row.dblp_key,
                "dblp_url": entry.dblp_url or row.dblp_url,
            }
            if not sample and row.is_sample:
                wanted["is_sample"] = False  # the user's own import adopts the sample row
            for attr, value in wanted.items():
                if getattr(row, attr) != value:
                    setattr(row, attr, value)
                    outcome = "updated"
        if seen is not None:
            seen.add(row.id)
        rank = self.session.scalars(
            select(CcfRankRow).where(
                CcfRankRow.venue_id == row.id, CcfRankRow.edition == entry.edition,
                CcfRankRow.category == entry.category,
            )
        ).first()
        if rank is None:
            self.session.add(
                CcfRankRow(venue_id=row.id, edition=entry.edition, category=entry.category,
                           rank=entry.rank, note=entry.note)
            )
            if outcome == "skipped":
                outcome = "updated"
        elif (rank.rank, rank.note) != (entry.rank, entry.note):
            rank.rank, rank.note = entry.rank, entry.note
            if outcome == "skipped":
                outcome = "updated"
        return row.id, outcome

    def remove_ccf_ranks_except(self, edition: str, keep: set[tuple[int, str]]) -> set[int]:
        """Delete this edition's ranks whose (venue id, category) is not in ``keep`` (a full
        catalogue re-import that no longer lists them); the venues that lost a rank."""
        rows = self.session.scalars(select(CcfRankRow).where(CcfRankRow.edition == edition)).all()
        lost: set[int] = set()
        for rank in rows:
            if (rank.venue_id, rank.category) not in keep:
                lost.add(rank.venue_id)
                self.session.delete(rank)
        return lost

    def ensure_conference(
        self, title: str, description: str, dblp: str = "", venue_id: int | None = None
    ) -> int:
        """The venue id for a conference of the deadline data (matched or created)."""
        if venue_id is not None:
            return venue_id
        dblp_key = f"conf/{dblp}" if dblp else ""
        row = self._find(CONFERENCE, description or title, title, dblp_key)
        if row is not None and row.is_sample:
            row.is_sample = False  # the user's deadline import adopts the sample venue
        if row is None:
            row = VenueRow(
                kind=CONFERENCE, abbr=title, name=description or title,
                name_key=normalise_name(description or title), publisher="",
                dblp_key=dblp_key, dblp_url="", is_sample=False,
            )
            self.session.add(row)
            self.session.flush()
        return row.id

    def _query(self, flt: VenueFilter | None = None):  # type: ignore[no-untyped-def]
        stmt = select(VenueRow).options(selectinload(VenueRow.ranks))
        flt = flt or VenueFilter()
        if flt.kind:
            stmt = stmt.where(VenueRow.kind == flt.kind)
        if flt.publisher:
            stmt = stmt.where(VenueRow.publisher.ilike(f"%{flt.publisher}%"))
        if flt.category or flt.rank or flt.edition:
            sub = select(CcfRankRow.venue_id)
            if flt.category:
                sub = sub.where(CcfRankRow.category == flt.category)
            if flt.rank:
                sub = sub.where(CcfRankRow.rank == flt.rank)
            edition = flt.edition or self.shown_edition()  # a rank is the shown edition's
            if edition:
                sub = sub.where(CcfRankRow.edition == edition)
            stmt = stmt.where(VenueRow.id.in_(sub))
        if flt.search:
            like = f"%{flt.search}%"
            stmt = stmt.where(or_(VenueRow.abbr.ilike(like), VenueRow.name.ilike(like)))
        return stmt.order_by(VenueRow.kind, VenueRow.abbr, VenueRow.name)

    def list_venues(self, flt: VenueFilter | None = None) -> list[Venue]:
        rows = self.session.scalars(self._query(flt)).all()
        edition = self.shown_edition()
        venues = [_to_venue(r, flt.category if flt else None, edition) for r in rows]
        order = {"A": 0, "B": 1, "C": 2}
        return sorted(
            venues,
            key=lambda v: (
                v.ccf.category if v.ccf else "~", order.get(v.ccf.rank, 9) if v.ccf else 9,
                v.kind != "journal", (v.abbr or v.name).casefold(),
            ),
        )

    def get(self, venue_id: int) -> Venue | None:
        row = self.session.get(VenueRow, venue_id)
        return _to_venue(row, None, self.shown_edition()) if row else None

    def count(self) -> int:
        return int(self.session.scalar(select(func.count(VenueRow.id))) or 0)

    def publishers(self) -> list[str]:
        rows = self.session.scalars(
            select(VenueRow.publisher).where(VenueRow.publisher != "").distinct()
        ).all()
        return sorted(rows, key=str.casefold)

    def delete_sample(self) -> int:
        ids = self.session.scalars(select(VenueRow.id).where(VenueRow.is_sample.is_(True))).all()
        if not ids:
            return 0
        self._delete_children(ids)
        self.session.execute(delete(VenueRow).where(VenueRow.id.in_(ids)))
        return len(ids)

    def _delete_children(self, ids: Sequence[int]) -> None:
        # explicit, so it does not depend on SQLite's foreign_keys pragma
        editions = select(ConferenceEditionRow.id).where(ConferenceEditionRow.venue_id.in_(ids))
        self.session.execute(delete(DeadlineRowModel).where(DeadlineRowModel.edition_id.in_(editions)))
        for model in (ConferenceEditionRow, VenueMetricRow, VenueAliasRow, CcfRankRow):
            self.session.execute(delete(model).where(model.venue_id.in_(ids)))

    # -- aliases -----------------------------------------------------------------------------
    def aliases(self) -> dict[str, int]:
        return {a: v for a, v in self.session.execute(select(VenueAliasRow.alias, VenueAliasRow.venue_id))}

    def aliases_of(self, venue_id: int) -> list[str]:
        return list(
            self.session.scalars(
                select(VenueAliasRow.alias).where(VenueAliasRow.venue_id == venue_id)
            )
        )

    def add_alias(self, venue_id: int, alias: str, source: str = "user") -> bool:
        if source == "user":
            self.adopt(venue_id)
        key = normalise_name(alias)
        if not key:
            return False
        row = self.session.scalars(select(VenueAliasRow).where(VenueAliasRow.alias_key == key)).first()
        if row is not None:
            if row.venue_id == venue_id:
                return False
            row.venue_id, row.alias, row.source = venue_id, alias, source
            return True
        self.session.add(VenueAliasRow(venue_id=venue_id, alias=alias, alias_key=key, source=source))
        return True

    # -- metrics -----------------------------------------------------------------------------
    def adopt(self, venue_id: int) -> None:
        """A user action touched this venue: it is the user's now (no sample mark)."""
        row = self.session.get(VenueRow, venue_id)
        if row is not None and row.is_sample:
            row.is_sample = False

    def upsert_metric(self, m: VenueMetric, sample: bool = False) -> str:
        if not sample:
            self.adopt(m.venue_id)
        row = self.session.scalars(
            select(VenueMetricRow).where(
                VenueMetricRow.venue_id == m.venue_id, VenueMetricRow.year == m.year,
                VenueMetricRow.source == m.source, VenueMetricRow.metric == m.metric,
            )
        ).first()
        if row is None:
            self.session.add(
                VenueMetricRow(venue_id=m.venue_id, year=m.year, source=m.source, metric=m.metric,
                               value=m.value, number=m.number, note=m.note)
            )
            return "imported"
        if (row.value, row.number, row.note) == (m.value, m.number, m.note):
            return "skipped"
        row.value, row.number, row.note = m.value, m.number, m.note
        return "updated"

    def delete_metric(self, venue_id: int, year: int, source: str, metric: str) -> int:
        result = self.session.execute(
            delete(VenueMetricRow).where(
                VenueMetricRow.venue_id == venue_id, VenueMetricRow.year == year,
                VenueMetricRow.source == source, VenueMetricRow.metric == metric,
            )
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def metrics(self, venue_id: int | None = None) -> list[VenueMetric]:
        stmt = select(VenueMetricRow)
        if venue_id is not None:
            stmt = stmt.where(VenueMetricRow.venue_id == venue_id)
        rows = self.session.scalars(
            stmt.order_by(VenueMetricRow.metric, VenueMetricRow.year, VenueMetricRow.source)
        ).all()
        return [
            VenueMetric(r.venue_id, r.year, r.source, r.metric, r.value, r.number, r.note)
            for r in rows
        ]

    # -- editions and deadlines --------------------------------------------------------------
    def upsert_edition(self, venue_id: int, ed: ConferenceEdition) -> str:
        row = self.session.scalars(
            select(ConferenceEditionRow).where(
                ConferenceEditionRow.venue_id == venue_id,
                ConferenceEditionRow.year == ed.year,
                ConferenceEditionRow.edition_id == ed.edition_id,
            )
        ).first()
        outcome = "skipped"
        if row is None:
            row = ConferenceEditionRow(venue_id=venue_id, edition_id=ed.edition_id, year=ed.year,
                                       link=ed.link, date_text=ed.date_text, place=ed.place,
                                       timezone=ed.timezone)
            self.session.add(row)
            self.session.flush()
            outcome = "imported"
        else:
            for attr, value in (("link", ed.link), ("date_text", ed.date_text),
                                ("place", ed.place), ("timezone", ed.timezone)):
                if getattr(row, attr) != value:
                    setattr(row, attr, value)
                    outcome = "updated"
        existing = {
            (d.kind, d.seq): d
            for d in self.session.scalars(
                select(DeadlineRowModel).where(DeadlineRowModel.edition_id == row.id)
            )
        }
        wanted = {(d.kind, d.seq): d for d in ed.deadlines}
        for key, stale in existing.items():
            if key not in wanted:
                self.session.delete(stale)
                outcome = "updated" if outcome == "skipped" else outcome
        for key, d in wanted.items():
            values: dict[str, object] = {
                "deadline_utc": _naive_utc(d.when_utc), "local_text": d.local_text,
                "timezone": d.timezone, "comment": d.comment,
            }
            old = existing.get(key)
            if old is None:
                self.session.add(DeadlineRowModel(edition_id=row.id, kind=d.kind, seq=d.seq, **values))
                outcome = "updated" if outcome == "skipped" else outcome
                continue
            for attr, new_value in values.items():
                if getattr(old, attr) != new_value:
                    setattr(old, attr, new_value)
                    outcome = "updated" if outcome == "skipped" else outcome
        return outcome

    def deadlines(
        self, after: datetime | None = None, venue_id: int | None = None,
        include_tbd: bool = False, venue_ids: Iterable[int] | None = None,
    ) -> list[DeadlineRow]:
        stmt = (
            select(DeadlineRowModel, ConferenceEditionRow, VenueRow)
            .join(ConferenceEditionRow, DeadlineRowModel.edition_id == ConferenceEditionRow.id)
            .join(VenueRow, ConferenceEditionRow.venue_id == VenueRow.id)
        )
        if venue_id is not None:
            stmt = stmt.where(VenueRow.id == venue_id)
        if venue_ids is not None:
            stmt = stmt.where(VenueRow.id.in_(list(venue_ids)))
        if after is not None:
            cond = DeadlineRowModel.deadline_utc >= _naive_utc(after)
            if include_tbd:
                cond = or_(cond, DeadlineRowModel.deadline_utc.is_(None))
            stmt = stmt.where(cond)
        elif not include_tbd:
            stmt = stmt.where(DeadlineRowModel.deadline_utc.is_not(None))
        ranks = {
            vid: rank
            for vid, rank in self.session.execute(
                select(CcfRankRow.venue_id, CcfRankRow.rank).order_by(CcfRankRow.edition)
            )
        }
        out = [
            DeadlineRow(
                venue=v.abbr or v.name, venue_id=v.id, year=e.year, kind=d.kind,
                deadline_utc=_aware(d.deadline_utc), timezone=d.timezone,
                local_text=d.local_text, link=e.link, place=e.place, date_text=e.date_text,
                comment=d.comment, ccf_rank=ranks.get(v.id, ""), edition_id=e.edition_id,
                seq=d.seq,
            )
            for d, e, v in self.session.execute(stmt)
        ]
        far = datetime.max.replace(tzinfo=UTC)
        return sorted(out, key=lambda r: (r.deadline_utc or far, r.venue, r.kind))

    # -- rank lists (ShowJCR files): bulk, for tens of thousands of journals ----------------
    def venue_keys(self) -> list[VenueKey]:
        """Every venue's identity fields, for matching list rows to venues."""
        ccf_ids = set(self.session.scalars(select(CcfRankRow.venue_id).distinct()))
        return [
            VenueKey(r.id, r.kind, r.name, r.name_key, r.abbr, r.issn, r.eissn, r.dblp_key,
                     r.id in ccf_ids)
            for r in self.session.execute(
                select(VenueRow.id, VenueRow.kind, VenueRow.name, VenueRow.name_key,
                       VenueRow.abbr, VenueRow.issn, VenueRow.eissn, VenueRow.dblp_key)
            )
        ]

    def set_identifiers(self, changes: Sequence[tuple[int, str, str]]) -> None:
        """(venue id, ISSN, eISSN) for venues that gained them."""
        if changes:
            self.session.execute(
                update(VenueRow),
                [{"id": vid, "issn": issn, "eissn": eissn} for vid, issn, eissn in changes],
            )

    def metrics_of_source(self, source: str) -> dict[tuple[int, int, str], tuple[int, str, float | None, str]]:
        """(venue id, year, metric) → (row id, value, number, note) for one source."""
        return {
            (vid, year, metric): (rid, value, number, note)
            for rid, vid, year, metric, value, number, note in self.session.execute(
                select(VenueMetricRow.id, VenueMetricRow.venue_id, VenueMetricRow.year,
                       VenueMetricRow.metric, VenueMetricRow.value, VenueMetricRow.number,
                       VenueMetricRow.note).where(VenueMetricRow.source == source)
            )
        }

    def write_metrics(
        self, source: str, inserts: Sequence[VenueMetric],
        updates: Sequence[tuple[int, VenueMetric]], deletes: Sequence[int],
    ) -> None:
        if inserts:
            self.session.execute(insert(VenueMetricRow), [
                {"venue_id": m.venue_id, "year": m.year, "source": source, "metric": m.metric,
                 "value": m.value, "number": m.number, "note": m.note} for m in inserts
            ])
        if updates:
            self.session.execute(update(VenueMetricRow), [
                {"id": rid, "value": m.value, "number": m.number, "note": m.note}
                for rid, m in updates
            ])
        for i in range(0, len(deletes), 500):
            self.session.execute(
                delete(VenueMetricRow).where(VenueMetricRow.id.in_(deletes[i:i + 500])))

    def ranks_of_edition(self, edition: str) -> dict[tuple[int, str], CcfRankRow]:
        return {
            (r.venue_id, r.category): r
            for r in self.session.scalars(select(CcfRankRow).where(CcfRankRow.edition == edition))
        }

    def add_rank(self, venue_id: int, edition: str, category: str, rank: str, note: str) -> None:
        self.session.add(CcfRankRow(venue_id=venue_id, edition=edition, category=category,
                                    rank=rank, note=note))

    def delete_rank(self, rank: CcfRankRow) -> None:
        self.session.delete(rank)

    def ccf_editions(self) -> list[str]:
        """The CCF editions in the library, newest first."""
        rows = self.session.scalars(select(CcfRankRow.edition).distinct()).all()
        return sorted(rows, key=lambda e: (e.isdigit(), e), reverse=True)

    def list_file(self, name: str) -> tuple[str, str] | None:
        """(sha256, report JSON) of the last import of the rank-list file ``name``."""
        row = self.session.scalars(
            select(VenueListFileRow).where(VenueListFileRow.name == name)).first()
        return (row.sha256, row.report) if row else None

    def record_list_file(self, name: str, list_kind: str, year: int, sha256: str,
                         report: str, when: datetime) -> None:
        row = self.session.scalars(
            select(VenueListFileRow).where(VenueListFileRow.name == name)).first()
        if row is None:
            self.session.add(VenueListFileRow(name=name, list_kind=list_kind, year=year,
                                              sha256=sha256, report=report,
                                              imported_at=_naive_utc(when)))
        else:
            row.list_kind, row.year, row.sha256, row.report = list_kind, year, sha256, report
            row.imported_at = _naive_utc(when)  # type: ignore[assignment]

    def list_files(self) -> list[tuple[str, str, int, str]]:
        return [
            (r.name, r.list_kind, r.year, r.sha256)
            for r in self.session.scalars(select(VenueListFileRow).order_by(VenueListFileRow.name))
        ]

    def label_metrics(self, metrics: Sequence[str]) -> list[tuple[int, int, str, str, str, float | None]]:
        """(venue id, year, source, metric, value, number) of these metrics, every venue."""
        return list(self.session.execute(
            select(VenueMetricRow.venue_id, VenueMetricRow.year, VenueMetricRow.source,
                   VenueMetricRow.metric, VenueMetricRow.value, VenueMetricRow.number)
            .where(VenueMetricRow.metric.in_(list(metrics)))
        ).all())

    def all_ranks(self) -> list[tuple[int, str, str, str]]:
        """(venue id, edition, category, rank) of every CCF rank."""
        return list(self.session.execute(
            select(CcfRankRow.venue_id, CcfRankRow.edition, CcfRankRow.category, CcfRankRow.rank)
        ).all())

    def add_venues_bulk_with_ids(self, rows: Sequence[dict[str, object]]) -> None:
        """Insert venues whose ids the caller chose (above every id in use).

        On PostgreSQL an explicit id leaves the table's id sequence behind, and the next insert
        that takes its id from the sequence would collide; the sequence is moved past them."""
        for i in range(0, len(rows), 2000):
            self.session.execute(insert(VenueRow), list(rows[i:i + 2000]))
        if rows and self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{VenueRow.__tablename__}', 'id'), "
                f"(SELECT max(id) FROM {VenueRow.__tablename__}))"))

    def identifiers(self, venue_id: int) -> tuple[str, str]:
        row = self.session.get(VenueRow, venue_id)
        return (row.issn, row.eissn) if row else ("", "")

    def ccf_names(self) -> list[tuple[int, int, str, str]]:
        """(venue id, edition year, abbreviation, full name) as each CCF edition wrote them."""
        return list(self.session.execute(
            select(VenueMetricRow.venue_id, VenueMetricRow.year, VenueMetricRow.value,
                   VenueMetricRow.note)
            .where(VenueMetricRow.metric == "ccf_name")
        ).all())
