"""Library-wide facts (key/value)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from scholardesk.store.models import LibraryMeta


class LibraryMetaRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, key: str) -> str | None:
        row = self.session.get(LibraryMeta, key)
        return row.value if row else None

    def set(self, key: str, value: str) -> None:
        row = self.session.get(LibraryMeta, key)
        if row is None:
            self.session.add(LibraryMeta(key=key, value=value))
        else:
            row.value = value

    def all(self) -> dict[str, str]:
        return {r.key: r.value for r in self.session.scalars(select(LibraryMeta))}
