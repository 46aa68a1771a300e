"""All SQL about the Zotero import's memory (``zotero_items``). Takes a Session, never
commits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from scholardesk.store.models.zotero import ZoteroItemModel

Z = ZoteroItemModel
CHUNK = 500


@dataclass(frozen=True)
class KnownItem:
    """What an earlier import read of one Zotero item."""

    paper_id: int | None  # None: the user deleted the paper here
    stamp: str
    notes: str  # the Zotero notes last written
    tags: tuple[str, ...] = ()  # the Zotero tags last written


@dataclass(frozen=True)
class ItemRow:
    key: str
    paper_id: int | None
    stamp: str
    notes: str
    tags: tuple[str, ...] = ()


class ZoteroRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def state(self, library_ref: str) -> dict[str, KnownItem]:
        """item key → what an earlier import read. A paper deleted in ScholarDesk leaves its
        row with no paper (ON DELETE SET NULL): the deletion is remembered."""
        rows = self.session.execute(
            select(Z.item_key, Z.paper_id, Z.stamp, Z.notes, Z.tags).where(
                Z.library_ref == library_ref
            )
        )
        return {
            key: KnownItem(None if pid is None else int(pid), stamp, notes,
                           tuple(t for t in (tags or "").split("\n") if t))
            for key, pid, stamp, notes, tags in rows
        }

    def save(self, library_ref: str, rows: Sequence[ItemRow]) -> None:
        """Rows replacing earlier ones of the same items."""
        now = datetime.now().replace(microsecond=0)
        values = [
            {"library_ref": library_ref, "item_key": r.key, "paper_id": r.paper_id,
             "stamp": r.stamp, "notes": r.notes, "tags": "\n".join(sorted(set(r.tags))),
             "imported_at": now}
            for r in rows
        ]
        self.forget(library_ref, (r.key for r in rows))
        if values:
            self.session.execute(insert(Z), values)

    def forget(self, library_ref: str, keys: Iterable[str]) -> None:
        key_list = sorted(set(keys))
        for start in range(0, len(key_list), CHUNK):
            self.session.execute(delete(Z).where(
                Z.library_ref == library_ref, Z.item_key.in_(key_list[start : start + CHUNK])
            ))
