"""Papers/Zotero: the Zotero tags last written per item (a tag removed in Zotero is removed
here), and a paper deleted here leaves its item's row with no paper (ON DELETE SET NULL) so
the item does not come back unless it changed in Zotero.

Revision ID: 0002z2_papers_zotero_tags_deleted
Revises: 0002z_papers_zotero_items
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002z2_papers_zotero_tags_deleted"
down_revision = "0002z_papers_zotero_items"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("zotero_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tags", sa.Text(), server_default="", nullable=False))
        batch_op.alter_column("paper_id", existing_type=sa.Integer(), nullable=True)
        batch_op.drop_constraint(batch_op.f("fk_zotero_items_paper_id_papers"),
                                 type_="foreignkey")
        batch_op.create_foreign_key(
            batch_op.f("fk_zotero_items_paper_id_papers"), "papers", ["paper_id"], ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    op.execute("DELETE FROM zotero_items WHERE paper_id IS NULL")
    with op.batch_alter_table("zotero_items", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_zotero_items_paper_id_papers"),
                                 type_="foreignkey")
        batch_op.create_foreign_key(
            batch_op.f("fk_zotero_items_paper_id_papers"), "papers", ["paper_id"], ["id"],
            ondelete="CASCADE",
        )
        batch_op.alter_column("paper_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("tags")
