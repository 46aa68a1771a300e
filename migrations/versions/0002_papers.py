"""Papers: papers, tags, provenance, arXiv subscriptions, and the FTS5 trigram index.

Revision ID: 0002_papers
Revises: 0001_foundation
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_papers"
down_revision = "0001_foundation"
branch_labels = ("papers",)
depends_on = None

FTS_COLUMNS = "title, notes"


def upgrade() -> None:
    op.create_table(
        "papers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("authors_json", sa.Text(), nullable=False),
        sa.Column("authors_text", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("abstract", sa.Text(), nullable=False),
        sa.Column("doi", sa.String(length=255), nullable=True),
        sa.Column("arxiv_id", sa.String(length=64), nullable=True),
        sa.Column("arxiv_version", sa.Integer(), nullable=True),
        sa.Column("title_key", sa.Text(), nullable=True),
        sa.Column("categories", sa.Text(), nullable=False),
        sa.Column("venue", sa.Text(), nullable=False),
        sa.Column("entry_type", sa.String(length=40), nullable=False),
        sa.Column("bibtex_key", sa.String(length=255), nullable=False),
        sa.Column("published", sa.String(length=10), nullable=False),
        sa.Column("updated", sa.String(length=10), nullable=False),
        sa.Column("links_json", sa.Text(), nullable=False),
        sa.Column("extra_json", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("modified_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_papers")),
    )
    with op.batch_alter_table("papers", schema=None) as batch_op:
        for column in ("year", "doi", "arxiv_id", "title_key", "venue", "status"):
            batch_op.create_index(batch_op.f(f"ix_papers_{column}"), [column], unique=False)

    op.create_table(
        "paper_tags",
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["paper_id"], ["papers.id"], name=op.f("fk_paper_tags_paper_id_papers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("paper_id", "tag", name=op.f("pk_paper_tags")),
    )
    with op.batch_alter_table("paper_tags", schema=None) as batch_op:
        batch_op.create_index("ix_paper_tags_tag", ["tag"], unique=False)

    op.create_table(
        "paper_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("source_kind", sa.String(length=20), nullable=False),
        sa.Column("source_ref", sa.Text(), nullable=False),
        sa.Column("record_ref", sa.Text(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["paper_id"], ["papers.id"], name=op.f("fk_paper_sources_paper_id_papers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paper_sources")),
        sa.UniqueConstraint(
            "paper_id", "source_kind", "source_ref", "record_ref", name="uq_paper_sources_origin"
        ),
    )
    with op.batch_alter_table("paper_sources", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_paper_sources_paper_id"), ["paper_id"], unique=False
        )

    op.create_table(
        "paper_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_checked_at", sa.DateTime(), nullable=True),
        sa.Column("last_published", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paper_subscriptions")),
        sa.UniqueConstraint("kind", "query", name="uq_paper_subscriptions_kind"),
    )

    if op.get_bind().dialect.name == "sqlite":
        # External-content FTS5 index over title and notes; trigram finds any substring of 3+
        # characters, so Chinese titles (no spaces between words) are searchable. Shorter
        # queries use LIKE on these two columns.
        op.execute(
            f"CREATE VIRTUAL TABLE papers_fts USING fts5({FTS_COLUMNS}, "
            "content='papers', content_rowid='id', tokenize='trigram')"
        )
        # Authors, venue and abstract go into a word index: CJK characters are spaced out by
        # the repository, so any Chinese substring (even 2 characters, e.g. a name) is a
        # phrase; it costs a fraction of a trigram index on long text.
        op.execute(
            "CREATE VIRTUAL TABLE papers_words_fts USING fts5(authors, venue, abstract, "
            "tokenize='unicode61 remove_diacritics 2')"
        )
        new = ", ".join(f"new.{c.strip()}" for c in FTS_COLUMNS.split(","))
        old = ", ".join(f"old.{c.strip()}" for c in FTS_COLUMNS.split(","))
        op.execute(
            "CREATE TRIGGER papers_fts_insert AFTER INSERT ON papers BEGIN "
            f"INSERT INTO papers_fts(rowid, {FTS_COLUMNS}) VALUES (new.id, {new}); END"
        )
        op.execute(
            "CREATE TRIGGER papers_fts_delete AFTER DELETE ON papers BEGIN "
            f"INSERT INTO papers_fts(papers_fts, rowid, {FTS_COLUMNS}) "
            f"VALUES ('delete', old.id, {old}); END"
        )
        op.execute(
            f"CREATE TRIGGER papers_fts_update AFTER UPDATE OF {FTS_COLUMNS} ON papers BEGIN "
            f"INSERT INTO papers_fts(papers_fts, rowid, {FTS_COLUMNS}) "
            f"VALUES ('delete', old.id, {old}); "
            f"INSERT INTO papers_fts(rowid, {FTS_COLUMNS}) VALUES (new.id, {new}); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("papers_fts_insert", "papers_fts_delete", "papers_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS papers_fts")
        op.execute("DROP TABLE IF EXISTS papers_words_fts")
    op.drop_table("paper_subscriptions")
    with op.batch_alter_table("paper_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_paper_sources_paper_id"))
    op.drop_table("paper_sources")
    with op.batch_alter_table("paper_tags", schema=None) as batch_op:
        batch_op.drop_index("ix_paper_tags_tag")
    op.drop_table("paper_tags")
    with op.batch_alter_table("papers", schema=None) as batch_op:
        for column in ("status", "venue", "title_key", "arxiv_id", "doi", "year"):
            batch_op.drop_index(batch_op.f(f"ix_papers_{column}"))
    op.drop_table("papers")
