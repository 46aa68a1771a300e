"""Library-wide key/value facts (e.g. whether the sample data was loaded)."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from scholardesk.store.models.base import Base


class LibraryMeta(Base):
    __tablename__ = "library_meta"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
