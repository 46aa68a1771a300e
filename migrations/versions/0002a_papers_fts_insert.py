"""Papers: new papers are added to ``papers_fts`` by the repository, not by a trigger.

An AFTER INSERT trigger that writes to an FTS5 table makes every inserted row its own statement
transaction, and FTS5 flushes its pending index data at each one: a 100,000-paper import spent
7 of its 12 SQL seconds there. ``PapersRepository`` (the only code that inserts papers) now
writes the title/notes index rows itself, in one executemany next to the papers insert, inside
the same transaction. The UPDATE and DELETE triggers stay.

Revision ID: 0002a_papers_fts_insert
Revises: 0002_papers
Create Date: 2026-11-28
"""

from __future__ import annotations

from alembic import op

revision = "0002a_papers_fts_insert"
down_revision = "0002_papers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS papers_fts_insert")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE TRIGGER papers_fts_insert AFTER INSERT ON papers BEGIN "
            "INSERT INTO papers_fts(rowid, title, notes) VALUES (new.id, new.title, new.notes); END"
        )
