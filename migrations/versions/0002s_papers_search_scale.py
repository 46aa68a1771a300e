"""Papers at scale (issue #16): a contentless word index with titles and categories, sort indexes.

- ``papers_words_fts`` kept a second copy of every abstract, author list and venue (FTS5's
  ``_content`` table: 1.3 KB of a 4.1 KB paper). It is now contentless (``content=''``): the
  index alone, the text stays in ``papers``. It also gets the title and the categories, so that
  1–2 letter words (``AI``, ``of``), Chinese 2-character words in titles (机器), ``ti:`` and
  ``cat:`` use the index instead of a LIKE scan of the whole table, and bm25 can rank on the
  title. It is rebuilt from the papers table (about a minute per million papers).
- Indexes for the sortable columns (added = id, lower(title), lower(authors), lower(venue),
  rating), so that the Papers table's first window and a window at row 900,000 are index walks.

Revision ID: 0002s_papers_search_scale
Revises: 0002z2_papers_zotero_tags_deleted
Create Date: 2026-12-01
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0002s_papers_search_scale"
down_revision = "0002z2_papers_zotero_tags_deleted"
branch_labels = None
depends_on = None

TOKENIZE = "tokenize='unicode61 remove_diacritics 2'"
COLUMNS = "title, authors, venue, abstract, categories"
SORT_INDEXES = {
    "ix_papers_sort_added": "id",
    "ix_papers_sort_title": "lower(title)",
    "ix_papers_sort_authors": "lower(authors_text)",
    "ix_papers_sort_venue": "lower(venue)",
    "ix_papers_sort_rating": "rating",
}
BATCH = 5000
# As store.papers_repo.cjk_spaced at the time of this revision (frozen here on purpose).
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+")


def _spaced(text: str) -> str:
    if text.isascii():
        return text
    return _CJK.sub(lambda m: " " + "  ".join(m.group()) + " ", text)


def upgrade() -> None:
    for name, expr in SORT_INDEXES.items():
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON papers ({expr})")
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    op.execute("DROP TABLE IF EXISTS papers_words_fts")
    op.execute(
        f"CREATE VIRTUAL TABLE papers_words_fts USING fts5({COLUMNS}, content='', {TOKENIZE})"
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.text(
                "SELECT id, title, authors_text, venue, abstract, categories FROM papers "
                "WHERE id > :last ORDER BY id LIMIT :n"
            ),
            {"last": last, "n": BATCH},
        ).fetchall()
        if not rows:
            break
        bind.exec_driver_sql(
            f"INSERT INTO papers_words_fts(rowid, {COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
            [(r[0], _spaced(r[1]), _spaced(r[2]), _spaced(r[3]), _spaced(r[4]), r[5].strip())
             for r in rows],
        )
        last = rows[-1][0]
    op.execute("INSERT INTO papers_words_fts(papers_words_fts) VALUES ('optimize')")


def downgrade() -> None:
    for name in SORT_INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    op.execute("DROP TABLE IF EXISTS papers_words_fts")
    op.execute(f"CREATE VIRTUAL TABLE papers_words_fts USING fts5(authors, venue, abstract, {TOKENIZE})")
    last = 0
    while True:
        rows = bind.execute(
            sa.text("SELECT id, authors_text, venue, abstract FROM papers WHERE id > :last "
                    "ORDER BY id LIMIT :n"),
            {"last": last, "n": BATCH},
        ).fetchall()
        if not rows:
            break
        bind.exec_driver_sql(
            "INSERT INTO papers_words_fts(rowid, authors, venue, abstract) VALUES (?, ?, ?, ?)",
            [(r[0], _spaced(r[1]), _spaced(r[2]), _spaced(r[3])) for r in rows],
        )
        last = rows[-1][0]
