"""Review times: article histories, crawl state, journals' official figures.

Revision ID: 0004_reviews
Revises: 0001_foundation
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_reviews"
down_revision = "0001_foundation"
branch_labels = ("reviews",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=600), nullable=False),
        sa.Column("doi", sa.String(length=300), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("abstract", sa.Text(), nullable=False),
        sa.Column("journal", sa.String(length=500), nullable=False),
        sa.Column("journal_key", sa.String(length=500), nullable=False),
        sa.Column("issn", sa.String(length=9), nullable=False),
        sa.Column("eissn", sa.String(length=9), nullable=False),
        sa.Column("article_type", sa.String(length=100), nullable=False),
        sa.Column("received", sa.Date(), nullable=True),
        sa.Column("revised", sa.Date(), nullable=True),
        sa.Column("accepted", sa.Date(), nullable=True),
        sa.Column("online", sa.Date(), nullable=True),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("revisions", sa.Text(), nullable=False),
        sa.Column("flags", sa.String(length=300), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("source_url", sa.Text(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_articles")),
        sa.UniqueConstraint("key", name=op.f("uq_review_articles_key")),
    )
    with op.batch_alter_table("review_articles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_articles_doi"), ["doi"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_review_articles_journal_key"), ["journal_key"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_review_articles_issn"), ["issn"], unique=False)
        batch_op.create_index(batch_op.f("ix_review_articles_eissn"), ["eissn"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_review_articles_accepted"), ["accepted"], unique=False
        )
    op.create_table(
        "review_crawls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("journal", sa.String(length=500), nullable=False),
        sa.Column("date_from", sa.String(length=10), nullable=False),
        sa.Column("date_to", sa.String(length=10), nullable=False),
        sa.Column("cursor", sa.Text(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("seen", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_crawls")),
        sa.UniqueConstraint(
            "source", "journal", "date_from", "date_to", name=op.f("uq_review_crawls_source")
        ),
    )
    op.create_table(
        "review_official",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("journal", sa.String(length=500), nullable=False),
        sa.Column("interval", sa.String(length=30), nullable=False),
        sa.Column("days", sa.Float(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_official")),
        sa.UniqueConstraint("journal", "interval", name=op.f("uq_review_official_journal")),
    )


def downgrade() -> None:
    op.drop_table("review_official")
    op.drop_table("review_crawls")
    with op.batch_alter_table("review_articles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_articles_accepted"))
        batch_op.drop_index(batch_op.f("ix_review_articles_eissn"))
        batch_op.drop_index(batch_op.f("ix_review_articles_issn"))
        batch_op.drop_index(batch_op.f("ix_review_articles_journal_key"))
        batch_op.drop_index(batch_op.f("ix_review_articles_doi"))
    op.drop_table("review_articles")
