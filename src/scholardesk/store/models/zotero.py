"""What the Zotero import remembers: which paper each Zotero item became, and the item's
change stamp when it was last read, so that the next import brings only what changed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from scholardesk.store.models.base import Base


class ZoteroItemModel(Base):
    __tablename__ = "zotero_items"

    # The Zotero library (its installation's localUserKey) and the item's key in it.
    library_ref: Mapped[str] = mapped_column(String(80), primary_key=True)
    item_key: Mapped[str] = mapped_column(String(32), primary_key=True)
    paper_id: Mapped[int] = mapped_column(ForeignKey("papers.id", ondelete="CASCADE"), index=True)
    stamp: Mapped[str] = mapped_column(Text)  # version | dateModified | ... of item and children
    notes: Mapped[str] = mapped_column(Text, default="")  # the Zotero notes last written
    imported_at: Mapped[datetime] = mapped_column(DateTime)
