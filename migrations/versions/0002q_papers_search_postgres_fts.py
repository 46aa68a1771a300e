"""Papers search on PostgreSQL (issue #18): full-text search as FTS5's word index on SQLite.

On PostgreSQL only (SQLite keeps its FTS5 indexes; this revision does nothing there): a stored
generated column ``search_words`` (tsvector) with the words of the title (weight A), authors
(B), venue (C), abstract and categories (D), and a GIN index on it. The text is tokenised the
way SQLite's word index is (``papers_repo.words_row``, ``unicode61``): the ``simple``
configuration (no stemming, no stopwords: every word is a word), punctuation and spaces
separate words (``cs.CL`` is "cs" "cl", ``foo_bar`` is "foo" "bar"), each CJK character
a word of its own (a Chinese substring is a phrase of one-character words). A separator lexeme
``~`` between the fields keeps a phrase from running from one field into the next.
``store/papers_search_pg.py`` queries it with ``@@`` tsqueries (``<->`` phrases, ``:*`` the
last word's prefix, ``:A``… a field prefix), ranks with ``ts_rank`` on it, and can filter a
walk of the primary key newest-first on it cheaply (early stop for a common word).

The trigram indexes of 0002p on authors, venue and abstract are dropped: words in those fields
are answered by the new index, and substrings are searched in titles and notes only (as on
SQLite); each of them cost every import (title, notes and categories keep theirs).

The column lives outside the ORM on purpose (``store/migrate.py``'s drift check knows it):
PostgreSQL computes it on every insert and update.

Revision ID: 0002q_papers_search_postgres_fts
Revises: 0002p_papers_search_postgres
Create Date: 2026-12-09
"""

from __future__ import annotations

from alembic import op

revision = "0002q_papers_search_postgres_fts"
down_revision = "0002p_papers_search_postgres"
branch_labels = None
depends_on = None

COLUMN = "search_words"
# 0002p's trigram indexes that the word index replaces (name -> column)
DROPPED_TRIGRAM = {"ix_papers_trgm_authors": "authors_text", "ix_papers_trgm_venue": "venue",
                   "ix_papers_trgm_abstract": "abstract"}
INDEX = "ix_papers_tsv_search_words"
# the CJK ranges of papers_repo._CJK (the word index spaces these out one character a word)
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"


def _words(column: str) -> str:
    spaced = f"regexp_replace(coalesce({column}, ''), '([{_CJK}])', ' \\1 ', 'g')"
    only_words = f"regexp_replace({spaced}, '[[:punct:][:space:]]+', ' ', 'g')"
    return f"to_tsvector('simple'::regconfig, {only_words})"


def vector_expression() -> str:
    sep = "'''~''\\:1'::tsvector"  # \\: a colon, not a bind parameter, to text()
    parts = [f"setweight({_words('title')}, 'A')", f"setweight({_words('authors_text')}, 'B')",
             f"setweight({_words('venue')}, 'C')", f"setweight({_words('abstract')}, 'D')",
             f"setweight({_words('categories')}, 'D')"]
    return f" || {sep} || ".join(parts)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"ALTER TABLE papers ADD COLUMN IF NOT EXISTS {COLUMN} tsvector "
               f"GENERATED ALWAYS AS ({vector_expression()}) STORED")
    op.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON papers USING gin ({COLUMN})")
    for name in DROPPED_TRIGRAM:
        op.execute(f"DROP INDEX IF EXISTS {name}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, col in DROPPED_TRIGRAM.items():
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON papers USING gin ({col} gin_trgm_ops)")
    op.execute(f"DROP INDEX IF EXISTS {INDEX}")
    op.execute(f"ALTER TABLE papers DROP COLUMN IF EXISTS {COLUMN}")
