"""Papers search on PostgreSQL (issue #18): pg_trgm GIN indexes, as FTS5 is on SQLite.

On PostgreSQL only (SQLite has its FTS5 indexes of 0002/0002s): the ``pg_trgm`` extension and
one GIN trigram index per searched column (title, notes, authors, venue, abstract,
categories). They answer
the substring (``ILIKE '%…%'``) and word (``~*`` with word boundaries) conditions of
``store/papers_search_pg.py`` without a scan of the table, Chinese included (a trigram is three
characters of any script). On SQLite this revision does nothing.

``pg_trgm`` is a trusted extension (PostgreSQL 13+): the database's owner may create it.

Revision ID: 0002p_papers_search_postgres
Revises: 0002s_papers_search_scale
Create Date: 2026-12-08
"""

from __future__ import annotations

from alembic import op

revision = "0002p_papers_search_postgres"
down_revision = "0002s_papers_search_scale"
branch_labels = None
depends_on = None

# index name -> column (store/migrate.py's drift check knows these live outside the ORM)
TRIGRAM_INDEXES = {
    "ix_papers_trgm_title": "title",
    "ix_papers_trgm_notes": "notes",
    "ix_papers_trgm_authors": "authors_text",
    "ix_papers_trgm_venue": "venue",
    "ix_papers_trgm_abstract": "abstract",
    "ix_papers_trgm_categories": "categories",  # cat: and words in any field include them
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, col in TRIGRAM_INDEXES.items():
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON papers USING gin ({col} gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
