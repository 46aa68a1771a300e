"""Papers: what the Zotero import remembers per Zotero item (paper, change stamp).

Revision ID: 0002z_papers_zotero_items
Revises: 0002r_papers_resolutions
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002z_papers_zotero_items"
down_revision = "0002r_papers_resolutions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "zotero_items",
        sa.Column("library_ref", sa.String(length=80), nullable=False),
        sa.Column("item_key", sa.String(length=32), nullable=False),
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("stamp", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["paper_id"], ["papers.id"],
            name=op.f("fk_zotero_items_paper_id_papers"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("library_ref", "item_key", name=op.f("pk_zotero_items")),
    )
    with op.batch_alter_table("zotero_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_zotero_items_paper_id"), ["paper_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("zotero_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_zotero_items_paper_id"))
    op.drop_table("zotero_items")
