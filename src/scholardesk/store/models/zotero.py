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
    # NULL: the user deleted the paper here (ON DELETE SET NULL records it); the item does
    # not come back on re-import unless it changed in Zotero.
    paper_id: Mapped[int | None] = mapped_column(
        ForeignKey("papers.id", ondelete="SET NULL"), index=True, nullable=True
    )
    stamp: Mapped[str] = mapped_column(Text)  # version | dateModified | ... of item and children
    notes: Mapped[str] = mapped_column(Text, default="")  # the Zotero notes last written
    # The tags Zotero gave the paper last time (one per line), so that a tag removed in Zotero
    # is removed here and the user's own tags stay.
    tags: Mapped[str] = mapped_column(Text, default="", server_default="")
    imported_at: Mapped[datetime] = mapped_column(DateTime)
