"""All SQL about the Zotero import's memory (``zotero_items``). Takes a Session, never
commits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from scholardesk.store.models.zotero import ZoteroItemModel

Z = ZoteroItemModel
CHUNK = 500


class ZoteroRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def state(self, library_ref: str) -> dict[str, tuple[int, str, str]]:
        """item key → (paper id, stamp, Zotero notes) of what an earlier import read.
        A paper deleted in ScholarDesk takes its row with it (ON DELETE CASCADE)."""
        rows = self.session.execute(
            select(Z.item_key, Z.paper_id, Z.stamp, Z.notes).where(
                Z.library_ref == library_ref
            )
        )
        return {key: (int(pid), stamp, digest) for key, pid, stamp, digest in rows}

    def save(self, library_ref: str, rows: Sequence[tuple[str, int, str, str]]) -> None:
        """(item key, paper id, stamp, Zotero notes) rows, replacing earlier ones."""
        now = datetime.now().replace(microsecond=0)
        values = [
            {"library_ref": library_ref, "item_key": k, "paper_id": pid, "stamp": stamp,
             "notes": digest, "imported_at": now}
            for k, pid, stamp, digest in rows
        ]
        self.forget(library_ref, (k for k, _, _, _ in rows))
        if values:
            self.session.execute(insert(Z), values)

    def forget(self, library_ref: str, keys: Iterable[str]) -> None:
        key_list = sorted(set(keys))
        for start in range(0, len(key_list), CHUNK):
            self.session.execute(delete(Z).where(
                Z.library_ref == library_ref, Z.item_key.in_(key_list[start : start + CHUNK])
            ))
