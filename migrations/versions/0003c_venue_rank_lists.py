"""Venues: ISSN / eISSN on venues and the rank-list files imported (ShowJCR CSVs).

Revision ID: 0003c_venue_rank_lists
Revises: 0003b_venue_editions_by_year
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003c_venue_rank_lists"
down_revision = "0003b_venue_editions_by_year"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("venues", schema=None) as batch_op:
        batch_op.add_column(sa.Column("issn", sa.String(length=9), server_default="",
                                      nullable=False))
        batch_op.add_column(sa.Column("eissn", sa.String(length=9), server_default="",
                                      nullable=False))
        batch_op.create_index(batch_op.f("ix_venues_issn"), ["issn"], unique=False)
        batch_op.create_index(batch_op.f("ix_venues_eissn"), ["eissn"], unique=False)
    op.create_table(
        "venue_list_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("list_kind", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("report", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_venue_list_files")),
        sa.UniqueConstraint("name", name=op.f("uq_venue_list_files_name")),
    )


def downgrade() -> None:
    op.drop_table("venue_list_files")
    with op.batch_alter_table("venues", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_venues_eissn"))
        batch_op.drop_index(batch_op.f("ix_venues_issn"))
        batch_op.drop_column("eissn")
        batch_op.drop_column("issn")
