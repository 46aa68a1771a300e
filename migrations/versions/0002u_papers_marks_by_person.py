"""Papers: reading status, rating, notes, tags, feed triage and feed rules belong to a person.

A shared library has several people (``store.people``). Status, rating and notes move from
``papers`` into ``paper_marks`` (one row per person and paper, only for papers someone marked);
``paper_tags``, ``papers_feed_states`` and ``papers_feed_rules`` gain a ``person`` column in
their keys. What was marked before this revision becomes the marks of whoever upgrades (in a
personal library: its owner, ""; on a server: the upgrader's name or role).

SQLite: ``papers_fts`` (trigram) indexed title and notes; notes are no longer one text per
paper, so it is rebuilt over titles only (one pass over the papers), and a person's notes are
searched in ``paper_marks`` (``papers_repo``). Its triggers are recreated for the title alone.

Revision ID: 0002u_papers_marks_by_person
Revises: 0002q_papers_search_postgres_fts, 0002f_papers_feed
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

revision = "0002u_papers_marks_by_person"
down_revision = ("0002q_papers_search_postgres_fts", "0002f_papers_feed")
branch_labels = None
depends_on = None

PERSON = sa.String(length=80)


def _person() -> str:
    return str(context.config.attributes.get("person", "") or "")


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _fts_triggers(columns: str) -> None:
    """``papers_fts`` over ``columns`` of papers, rebuilt, with its update/delete triggers."""
    for trigger in ("papers_fts_insert", "papers_fts_delete", "papers_fts_update"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS papers_fts")
    op.execute(f"CREATE VIRTUAL TABLE papers_fts USING fts5({columns}, "
               "content='papers', content_rowid='id', tokenize='trigram')")
    op.execute("INSERT INTO papers_fts(papers_fts) VALUES ('rebuild')")
    new = ", ".join(f"new.{c.strip()}" for c in columns.split(","))
    old = ", ".join(f"old.{c.strip()}" for c in columns.split(","))
    op.execute("CREATE TRIGGER papers_fts_delete AFTER DELETE ON papers BEGIN "
               f"INSERT INTO papers_fts(papers_fts, rowid, {columns}) "
               f"VALUES ('delete', old.id, {old}); END")
    op.execute(f"CREATE TRIGGER papers_fts_update AFTER UPDATE OF {columns} ON papers BEGIN "
               f"INSERT INTO papers_fts(papers_fts, rowid, {columns}) "
               f"VALUES ('delete', old.id, {old}); "
               f"INSERT INTO papers_fts(rowid, {columns}) VALUES (new.id, {new}); END")


def _rekey(table: str, columns: list[sa.Column], key: list[str], copy: str) -> None:
    """Give ``table`` a ``person`` column in its primary key ``key``. PostgreSQL alters it in
    place; SQLite cannot change a primary key, so the table is rebuilt (``copy``: the SELECT
    that fills the new one, ``:person`` the upgrader)."""
    person = _person()
    if not _sqlite():
        op.add_column(table, sa.Column("person", PERSON, nullable=False, server_default=""))
        op.get_bind().execute(sa.text(f"UPDATE {table} SET person = :person"),
                              {"person": person})
        op.alter_column(table, "person", server_default=None)
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT pk_{table}, "
                   f"ADD CONSTRAINT pk_{table} PRIMARY KEY ({', '.join(key)})")
        return
    op.create_table(f"{table}_rekeyed", *columns,
                    sa.PrimaryKeyConstraint(*key, name=f"pk_{table}"))
    op.get_bind().execute(sa.text(f"INSERT INTO {table}_rekeyed {copy}"), {"person": person})
    op.drop_table(table)
    op.rename_table(f"{table}_rekeyed", table)


def upgrade() -> None:
    person = _person()
    op.create_table(
        "paper_marks",
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("person", PERSON, nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("modified_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["paper_id"], ["papers.id"], ondelete="CASCADE",
                                name="fk_paper_marks_paper_id_papers"),
        sa.PrimaryKeyConstraint("paper_id", "person", name="pk_paper_marks"),
    )
    op.create_index("ix_paper_marks_person_status", "paper_marks",
                    ["person", "status", "paper_id"])
    op.create_index("ix_paper_marks_person_rating", "paper_marks",
                    ["person", "rating", "paper_id"])
    op.get_bind().execute(sa.text(
        "INSERT INTO paper_marks (paper_id, person, status, rating, notes, modified_at) "
        "SELECT id, :person, status, rating, notes, modified_at FROM papers "
        "WHERE status <> 'unread' OR rating <> 0 OR notes <> ''"), {"person": person})

    op.drop_index("ix_paper_tags_tag", table_name="paper_tags")
    _rekey("paper_tags", [
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("person", PERSON, nullable=False),
        sa.Column("tag", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(["paper_id"], ["papers.id"], ondelete="CASCADE",
                                name="fk_paper_tags_paper_id_papers"),
    ], ["paper_id", "person", "tag"], "SELECT paper_id, :person, tag FROM paper_tags")
    op.create_index("ix_paper_tags_person_tag", "paper_tags", ["person", "tag"])

    _rekey("papers_feed_states", [
        sa.Column("work_key", sa.String(length=64), nullable=False),
        sa.Column("person", PERSON, nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("tag", sa.String(length=80), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
    ], ["work_key", "person"],
        "SELECT work_key, :person, state, tag, changed_at FROM papers_feed_states")

    with op.batch_alter_table("papers_feed_rules") as batch_op:
        batch_op.add_column(sa.Column("person", PERSON, nullable=False, server_default=""))
        batch_op.drop_constraint("uq_papers_feed_rules_kind", type_="unique")
        batch_op.create_unique_constraint("uq_papers_feed_rules_person",
                                          ["person", "kind", "value"])
    op.get_bind().execute(sa.text("UPDATE papers_feed_rules SET person = :person"),
                          {"person": person})

    # the papers table keeps only what is everyone's
    if _sqlite():
        for trigger in ("papers_fts_insert", "papers_fts_delete", "papers_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS papers_fts")
    for index in ("ix_papers_status", "ix_papers_sort_rating", "ix_papers_pgsort_rating",
                  "ix_papers_trgm_notes"):
        op.execute(f"DROP INDEX IF EXISTS {index}")
    for column in ("status", "rating", "notes"):
        op.execute(f"ALTER TABLE papers DROP COLUMN {column}")
    if _sqlite():
        _fts_triggers("title")


def downgrade() -> None:
    """The upgrader's marks go back into ``papers`` (other people's are dropped)."""
    person = _person()
    sqlite = _sqlite()
    if sqlite:
        for trigger in ("papers_fts_insert", "papers_fts_delete", "papers_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS papers_fts")
    op.add_column("papers", sa.Column("status", sa.String(10), nullable=False,
                                      server_default="unread"))
    op.add_column("papers", sa.Column("rating", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("papers", sa.Column("notes", sa.Text(), nullable=False, server_default=""))
    op.get_bind().execute(sa.text(
        "UPDATE papers SET status = m.status, rating = m.rating, notes = m.notes "
        "FROM paper_marks AS m WHERE m.paper_id = papers.id AND m.person = :person"),
        {"person": person})
    op.create_index("ix_papers_status", "papers", ["status"])
    op.create_index("ix_papers_sort_rating", "papers", ["rating"])
    op.drop_table("paper_marks")
    if sqlite:
        _fts_triggers("title, notes")

    with op.batch_alter_table("papers_feed_rules") as batch_op:
        batch_op.drop_constraint("uq_papers_feed_rules_person", type_="unique")
    op.get_bind().execute(sa.text("DELETE FROM papers_feed_rules WHERE person <> :person"),
                          {"person": person})
    with op.batch_alter_table("papers_feed_rules") as batch_op:
        batch_op.drop_column("person")
        batch_op.create_unique_constraint("uq_papers_feed_rules_kind", ["kind", "value"])

    for table, key in (("papers_feed_states", "work_key"), ("paper_tags", "paper_id, tag")):
        op.get_bind().execute(sa.text(f"DELETE FROM {table} WHERE person <> :person"),
                              {"person": person})
        if not sqlite:
            op.execute(f"ALTER TABLE {table} DROP CONSTRAINT pk_{table}, "
                       f"ADD CONSTRAINT pk_{table} PRIMARY KEY ({key})")
    op.drop_index("ix_paper_tags_person_tag", table_name="paper_tags")
    for table, key in (("papers_feed_states", ["work_key"]), ("paper_tags", ["paper_id", "tag"])):
        with op.batch_alter_table(table, recreate="always" if sqlite else "auto") as batch_op:
            if sqlite:
                batch_op.create_primary_key(f"pk_{table}", key)
            batch_op.drop_column("person")
    op.create_index("ix_paper_tags_tag", "paper_tags", ["tag"])
