"""Papers: where each preprint was published (the resolver's proposals and answers).

Revision ID: 0002r_papers_resolutions
Revises: 0002a_papers_fts_insert
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002r_papers_resolutions"
down_revision = "0002a_papers_fts_insert"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "paper_resolutions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("venue", sa.Text(), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("doi", sa.String(length=255), nullable=True),
        sa.Column("pages", sa.String(length=60), nullable=False),
        sa.Column("volume", sa.String(length=60), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("sources_json", sa.Text(), nullable=False),
        sa.Column("fields_json", sa.Text(), nullable=False),
        sa.Column("rejected_json", sa.Text(), nullable=False),
        sa.Column("notes_json", sa.Text(), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.Column("checked_at", sa.DateTime(), nullable=False),
        sa.Column("applied_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["paper_id"], ["papers.id"],
            name=op.f("fk_paper_resolutions_paper_id_papers"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paper_resolutions")),
        sa.UniqueConstraint("paper_id", name=op.f("uq_paper_resolutions_paper_id")),
    )
    with op.batch_alter_table("paper_resolutions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_paper_resolutions_status"), ["status"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("paper_resolutions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_paper_resolutions_status"))
    op.drop_table("paper_resolutions")
