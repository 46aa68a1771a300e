"""What ``library push`` / ``library pull`` read and write beyond the areas' own repositories.

Takes a Session, never commits. The dedupe itself is the areas' own (``PapersRepository``'s
keys, ``ReviewsRepository.upsert``'s key); here are only the bulk reads a sync needs.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session

from scholardesk.core.errors import InputError, ScholarDeskError
from scholardesk.domain.reviews import ArticleHistory
from scholardesk.domain.venues import ConferenceEdition, Deadline
from scholardesk.store import migrate
from scholardesk.store.db import Database, sqlite_file_of
from scholardesk.store.models.experiments import ExperimentRow, ExperimentSourceRow, RunRow
from scholardesk.store.models.onnx_models import OnnxModelRow
from scholardesk.store.models.papers import PaperModel
from scholardesk.store.models.reviews import ReviewArticle
from scholardesk.store.models.venues import (
    CcfRankRow,
    ConferenceEditionRow,
    DeadlineRowModel,
    VenueAliasRow,
    VenueListFileRow,
    VenueRow,
)
from scholardesk.store.reviews_repo import _to_domain
from scholardesk.store.venues_repo import VenuesRepository

CHUNK = 500


@dataclass(frozen=True)
class UserFields:
    """A paper's reading status, rating and notes as stored."""

    status: str
    rating: int
    notes: str


def _chunks(items: Sequence[int], size: int = CHUNK) -> Iterable[Sequence[int]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def library_url(where: str) -> str:
    """A database URL, or the path of a SQLite library file as its URL."""
    where = where.strip()
    if "://" in where:
        try:
            make_url(where)
        except ArgumentError as exc:
            raise InputError(
                f"{where!r} is not a database URL.",
                "Give a library file (library.sqlite) or a URL such as "
                "postgresql+psycopg://alice@HOST/lab_library.",
            ) from exc
        return where
    return f"sqlite:///{Path(where).expanduser().absolute()}"


def display_url(url: str) -> str:
    """The URL as reports show it (never a password)."""
    file = sqlite_file_of(url)
    return str(file) if file is not None else make_url(url).render_as_string(hide_password=True)


def same_library(a: str, b: str) -> bool:
    file_a, file_b = sqlite_file_of(a), sqlite_file_of(b)
    if file_a is not None and file_b is not None:
        return file_a.resolve() == file_b.resolve()
    return make_url(a) == make_url(b)


def open_other_library(url: str, read_only: bool, person: str = "") -> Database:
    """Another existing library at the current schema, to copy from (``read_only``) or into.

    Nothing is created or upgraded here: a missing file, an empty database or an older schema
    each say which command makes it ready (on a shared server, its owner runs upgrades)."""
    shown = display_url(url)
    safe_url = make_url(url).render_as_string(hide_password=True)
    upgrade_hint = f"Run `scholardesk --db {safe_url} db upgrade` once (on a server: as its owner)."
    file = sqlite_file_of(url)
    if file is not None:
        if not file.is_file():
            raise InputError(f"There is no library at {file}.", upgrade_hint + " It creates one.")
        migrate.precheck_sqlite_file(file)  # not SQLite, damaged, newer: refused untouched
    db = Database(url, read_only=read_only, person=person)
    try:
        current = migrate.check_known_revisions(db.engine)
        if not current:
            raise InputError(f"{shown} holds no ScholarDesk library yet.", upgrade_hint)
        if set(current) != set(migrate.head_revisions()):
            raise InputError(
                f"{shown} was written by an older ScholarDesk (its schema needs an upgrade).",
                upgrade_hint,
            )
    except (ScholarDeskError, OSError):
        db.dispose()
        raise
    return db


class LibrarySyncRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def user_fields(self, ids: Iterable[int]) -> dict[int, UserFields]:
        """The acting person's status, rating and notes of the papers ``ids`` (missing ids
        are left out; a paper they never marked has the defaults)."""
        from scholardesk.store.papers_repo import MARK_DEFAULTS, PapersRepository

        wanted = sorted(set(ids))
        marks = PapersRepository(self.session).marks_for(wanted)
        found: dict[int, UserFields] = {}
        P = PaperModel
        for chunk in _chunks(wanted):
            for pid in self.session.scalars(select(P.id).where(P.id.in_(chunk))):
                found[pid] = UserFields(**marks.get(pid, MARK_DEFAULTS))
        return found

    def review_article_ids(self, exclude_sources: Iterable[str] = ()) -> list[int]:
        """Ids of the review-time articles that are not sample data, in insertion order,
        without those of the sources ``exclude_sources`` (e.g. the user's own submissions)."""
        A = ReviewArticle
        stmt = select(A.id).where(A.is_sample.is_(False)).order_by(A.id)
        excluded = list(exclude_sources)
        if excluded:
            stmt = stmt.where(A.source.not_in(excluded))
        return list(self.session.scalars(stmt))

    def review_articles(self, ids: Sequence[int]) -> list[ArticleHistory]:
        """The review-time articles ``ids``, in the order given."""
        found: dict[int, ArticleHistory] = {}
        for chunk in _chunks(list(ids)):
            for row in self.session.scalars(select(ReviewArticle).where(ReviewArticle.id.in_(chunk))):
                found[row.id] = _to_domain(row)
        return [found[i] for i in ids if i in found]


# -- venues and their metrics (shared reference data) ------------------------------------------
@dataclass(frozen=True)
class VenueIdentity:
    """A venue's stored fields; ``(kind, name_key)`` is its natural key (unique)."""

    id: int
    kind: str
    name: str
    name_key: str
    abbr: str
    publisher: str
    dblp_key: str
    dblp_url: str
    issn: str
    eissn: str
    is_sample: bool


@dataclass(frozen=True)
class ListFile:
    """A rank-list file as recorded by its import (its name is its identity, the hash its
    version); ``source`` is the metric source its values are stored under."""

    name: str
    list_kind: str
    year: int
    sha256: str
    report: str
    imported_at: datetime
    source: str





class VenueSyncRepository:
    """Bulk reads and the few writes the venues area's repository has no bulk form of."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def venues(self) -> list[VenueIdentity]:
        V = VenueRow
        return [
            VenueIdentity(*row)
            for row in self.session.execute(
                select(V.id, V.kind, V.name, V.name_key, V.abbr, V.publisher, V.dblp_key,
                       V.dblp_url, V.issn, V.eissn, V.is_sample).order_by(V.id)
            )
        ]

    def add_venues(self, venues: Sequence[VenueIdentity]) -> list[int]:
        """Insert these venues (their ``id`` ignored); the new ids, in order.

        Ids are chosen above every id in use, as the rank-list import chooses them."""
        if not venues:
            return []
        first = int(self.session.scalar(select(func.max(VenueRow.id))) or 0) + 1
        ids = list(range(first, first + len(venues)))
        VenuesRepository(self.session).add_venues_bulk_with_ids([
            {"id": i, "kind": v.kind, "name": v.name, "name_key": v.name_key, "abbr": v.abbr,
             "publisher": v.publisher, "dblp_key": v.dblp_key, "dblp_url": v.dblp_url,
             "issn": v.issn, "eissn": v.eissn, "is_sample": False}
            for i, v in zip(ids, venues, strict=True)
        ])  # on PostgreSQL this also moves the id sequence past them
        return ids

    def fill_venue_fields(self, venue_id: int, values: dict[str, str]) -> None:
        self.session.execute(update(VenueRow).where(VenueRow.id == venue_id).values(**values))

    def ranks(self) -> list[tuple[int, str, str, str, str]]:
        """(venue id, edition, category, rank, note) of every CCF rank."""
        R = CcfRankRow
        return [tuple(r) for r in self.session.execute(  # type: ignore[misc]
            select(R.venue_id, R.edition, R.category, R.rank, R.note).order_by(R.id))]

    def aliases(self) -> list[tuple[int, str, str, str]]:
        """(venue id, alias, alias key, source) of every alias."""
        A = VenueAliasRow
        return [tuple(r) for r in self.session.execute(  # type: ignore[misc]
            select(A.venue_id, A.alias, A.alias_key, A.source).order_by(A.id))]

    def add_aliases(self, rows: Sequence[tuple[int, str, str, str]]) -> None:
        if rows:
            self.session.execute(insert(VenueAliasRow), [
                {"venue_id": v, "alias": a, "alias_key": k, "source": s} for v, a, k, s in rows
            ])

    def list_files(self) -> list[ListFile]:
        out: list[ListFile] = []
        for r in self.session.scalars(select(VenueListFileRow).order_by(VenueListFileRow.id)):
            try:
                source = str(json.loads(r.report or "{}").get("source") or "")
            except ValueError:
                source = ""
            out.append(ListFile(r.name, r.list_kind, r.year, r.sha256, r.report, r.imported_at,
                                source))
        return out

    def editions(self) -> list[tuple[int, ConferenceEdition]]:
        """(venue id, edition with its deadlines) of every conference edition."""
        E, D = ConferenceEditionRow, DeadlineRowModel
        deadlines: dict[int, list[Deadline]] = {}
        for d in self.session.scalars(select(D).order_by(D.edition_id, D.kind, D.seq)):
            when = d.deadline_utc.replace(tzinfo=UTC) if d.deadline_utc is not None else None
            deadlines.setdefault(d.edition_id, []).append(
                Deadline(d.kind, when, d.local_text, d.timezone, d.comment, d.seq))
        return [
            (e.venue_id, ConferenceEdition("", e.year, e.edition_id, e.link, e.date_text,
                                           e.place, e.timezone, tuple(deadlines.get(e.id, ()))))
            for e in self.session.scalars(select(E).order_by(E.id))
        ]


# -- experiments -----------------------------------------------------------------------------
class ExperimentSyncRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def experiments(self) -> list[tuple[str, str]]:
        """(name, description) of the experiments that are not sample data."""
        E = ExperimentRow
        return [(n, d) for n, d in self.session.execute(
            select(E.name, E.description).where(E.is_sample.is_(False)).order_by(E.id))]

    def sources(self) -> list[tuple[str, str, str, str]]:
        """(experiment name, uri, kind, content hash) of every import source."""
        S, E = ExperimentSourceRow, ExperimentRow
        return [tuple(r) for r in self.session.execute(  # type: ignore[misc]
            select(E.name, S.uri, S.kind, S.content_hash)
            .join(E, E.id == S.experiment_id).order_by(S.id))]

    def source_ids(self) -> dict[tuple[str, str], int]:
        """(experiment name, content hash) → source id."""
        S, E = ExperimentSourceRow, ExperimentRow
        return {(n, h): i for i, n, h in self.session.execute(
            select(S.id, E.name, S.content_hash).join(E, E.id == S.experiment_id))}

    def run_sources(self) -> dict[int, str]:
        """run id → the content hash of the source it was imported from."""
        return {rid: h for rid, h in self.session.execute(
            select(RunRow.id, ExperimentSourceRow.content_hash)
            .join(ExperimentSourceRow, ExperimentSourceRow.id == RunRow.source_id))}

    def fingerprint_counts(self, experiment: str) -> Counter[str]:
        """How many runs of ``experiment`` have each fingerprint."""
        E = ExperimentRow
        return Counter({fp: int(n) for fp, n in self.session.execute(
            select(RunRow.fingerprint, func.count(RunRow.id))
            .join(E, E.id == RunRow.experiment_id).where(E.name == experiment)
            .group_by(RunRow.fingerprint))})


# -- models ----------------------------------------------------------------------------------
_MODEL_COLUMNS = ("name", "path", "sha256", "size_bytes", "task", "opset", "ir_version",
                  "producer", "producer_version", "parameters", "inputs_json", "outputs_json",
                  "metadata_json", "labels_json", "assets_json", "added_at")


class ModelSyncRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def models(self) -> list[dict[str, Any]]:
        """The registry rows that are not sample data (every column but id), in order."""
        M = OnnxModelRow
        cols = [getattr(M, c) for c in _MODEL_COLUMNS]
        return [dict(zip(_MODEL_COLUMNS, row, strict=True)) for row in self.session.execute(
            select(*cols).where(M.is_sample.is_(False)).order_by(M.id))]

    def hashes(self) -> set[str]:
        return set(self.session.scalars(select(OnnxModelRow.sha256)))

    def add_models(self, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            self.session.execute(insert(OnnxModelRow), [{**r, "is_sample": False} for r in rows])
