"""Papers search on PostgreSQL (issue #18): full-text search as FTS5's word index on SQLite.

On PostgreSQL only (SQLite keeps its FTS5 indexes; this revision does nothing there): two stored
generated tsvector columns, each with a GIN index: ``search_head``, the words of the title
(weight A), authors (B), venue (C) and categories (D), and ``search_abstract``, the abstract's.
The text is tokenised the way SQLite's word index is (``papers_repo.words_row``, ``unicode61``):
the ``simple`` configuration (no stemming, no stopwords: every word is a word), punctuation and
spaces separate words (``cs.CL`` is "cs" "cl", ``foo_bar`` is "foo" "bar"), each CJK character
a word of its own (a Chinese substring is a phrase of one-character words). A separator lexeme
``~`` between the fields keeps a phrase from running from one field into the next.
``store/papers_search_pg.py`` queries them with ``@@`` tsqueries (``<->`` phrases, ``:*`` the
last word's prefix, ``:A``… a field prefix) and ranks with ``ts_rank``.

The head is kept in the row, uncompressed (``STORAGE MAIN``, a few hundred bytes): checking a
paper's head costs well under a microsecond, so a prefixed term (``ti:``, ``au:``, ``cat:``)
can walk the primary key newest first and stop early. The abstract's words (1-2 KB) are stored
apart (TOAST) as any long value, so that the rest of the row (title, authors) stays in it.

The trigram indexes of 0002p on authors, venue and abstract are dropped: words in those fields
are answered by the new index, and substrings are searched in titles and notes only (as on
SQLite); each of them cost every import (title, notes and categories keep theirs).

Sort indexes with the id as their second column (``ix_papers_pgsort_*``): SQLite's sort indexes
of 0002s carry the rowid, PostgreSQL's do not, so the first window of the table sorted by
venue or rating (thousands of papers tie) sorted every tie group (50 ms at 100,000 papers);
with the id in the index it is a walk of the index, as on SQLite.

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

COLUMNS = ("search_head", "search_abstract")
INDEXES = {"ix_papers_tsv_head": "search_head", "ix_papers_tsv_abstract": "search_abstract"}
# (year and status tie far less: their indexes of 0002 stay as they are; each index costs imports)
SORT_INDEXES = {"ix_papers_pgsort_venue": "lower(venue), id", "ix_papers_pgsort_rating": "rating, id"}
# 0002p's trigram indexes that the word index replaces (name -> column)
DROPPED_TRIGRAM = {"ix_papers_trgm_authors": "authors_text", "ix_papers_trgm_venue": "venue",
                   "ix_papers_trgm_abstract": "abstract"}
# the CJK ranges of papers_repo._CJK (the word index spaces these out one character a word)
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"


def _words(column: str) -> str:
    spaced = f"regexp_replace(coalesce({column}, ''), '([{_CJK}])', ' \\1 ', 'g')"
    only_words = f"regexp_replace({spaced}, '[[:punct:][:space:]]+', ' ', 'g')"
    return f"to_tsvector('simple'::regconfig, {only_words})"


def head_expression() -> str:
    sep = "'''~''\\:1'::tsvector"  # \\: a colon, not a bind parameter, to text()
    parts = [f"setweight({_words('title')}, 'A')", f"setweight({_words('authors_text')}, 'B')",
             f"setweight({_words('venue')}, 'C')", f"setweight({_words('categories')}, 'D')"]
    return f" || {sep} || ".join(parts)


def abstract_expression() -> str:
    return _words("abstract")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # one statement: the table is rewritten once, after SET STORAGE (existing rows too)
    op.execute(f"ALTER TABLE papers ADD COLUMN IF NOT EXISTS search_head tsvector "
               f"GENERATED ALWAYS AS ({head_expression()}) STORED, "
               "ALTER COLUMN search_head SET STORAGE MAIN, "
               f"ADD COLUMN IF NOT EXISTS search_abstract tsvector "
               f"GENERATED ALWAYS AS ({abstract_expression()}) STORED")
    for name, column in INDEXES.items():
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON papers USING gin ({column})")
    for name in DROPPED_TRIGRAM:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    for name, columns in SORT_INDEXES.items():
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON papers ({columns})")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, col in DROPPED_TRIGRAM.items():
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON papers USING gin ({col} gin_trgm_ops)")
    for name in (*INDEXES, *SORT_INDEXES):
        op.execute(f"DROP INDEX IF EXISTS {name}")
    for column in COLUMNS:
        op.execute(f"ALTER TABLE papers DROP COLUMN IF EXISTS {column}")
