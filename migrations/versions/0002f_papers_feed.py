"""Papers feed (the arXiv "New" view): entries per work, triage states, rules, status.

Revision ID: 0002f_papers_feed
Revises: 0002z_papers_zotero_items
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002f_papers_feed"
down_revision = "0002z_papers_zotero_items"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "papers_feed_entries",
        sa.Column("work_key", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("abstract", sa.Text(), nullable=False),
        sa.Column("authors_json", sa.Text(), nullable=False),
        sa.Column("categories", sa.Text(), nullable=False),
        sa.Column("venue", sa.Text(), nullable=False),
        sa.Column("doi", sa.String(length=255), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("pdf_url", sa.Text(), nullable=False),
        sa.Column("published", sa.String(length=10), nullable=False),
        sa.Column("updated", sa.String(length=10), nullable=False),
        sa.Column("subscription", sa.Text(), nullable=False),
        sa.Column("batch_at", sa.DateTime(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("work_key", name=op.f("pk_papers_feed_entries")),
    )
    with op.batch_alter_table("papers_feed_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_papers_feed_entries_batch_at"), ["batch_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_papers_feed_entries_published"), ["published"], unique=False)
    op.create_table(
        "papers_feed_states",
        sa.Column("work_key", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("tag", sa.String(length=80), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("work_key", name=op.f("pk_papers_feed_states")),
    )
    op.create_table(
        "papers_feed_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_papers_feed_rules")),
        sa.UniqueConstraint("kind", "value", name="uq_papers_feed_rules_kind"),
    )
    op.create_table(
        "papers_feed_meta",
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_papers_feed_meta")),
    )


def downgrade() -> None:
    op.drop_table("papers_feed_meta")
    op.drop_table("papers_feed_rules")
    op.drop_table("papers_feed_states")
    with op.batch_alter_table("papers_feed_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_papers_feed_entries_published"))
        batch_op.drop_index(batch_op.f("ix_papers_feed_entries_batch_at"))
    op.drop_table("papers_feed_entries")
