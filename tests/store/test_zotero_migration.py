"""Migration 0002z2: zotero_items keeps its rows, gains the Zotero tags, and remembers a
paper deleted here (ON DELETE SET NULL) instead of losing the row."""

from __future__ import annotations

from pathlib import Path

from alembic import command

from scholardesk.store import migrate
from scholardesk.store.db import Database


def test_upgrade_keeps_zotero_rows_and_a_deleted_paper_leaves_its_row(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    db = Database(f"sqlite:///{path}")
    cfg = migrate.alembic_config(db.url)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002z_papers_zotero_items")
        conn.exec_driver_sql(
            "INSERT INTO papers (id, title, authors_json, authors_text, abstract, categories, "
            "venue, entry_type, bibtex_key, published, updated, links_json, extra_json, status, "
            "rating, notes, is_sample, added_at, modified_at) VALUES (7, 'Kalman', '[]', '', "
            "'', '', '', 'article', '', '', '', '{}', '{}', 'unread', 0, '', 0, "
            "'2026-01-01 00:00:00', '2026-01-01 00:00:00')")
        conn.exec_driver_sql(  # the repository indexes new papers (no insert trigger)
            "INSERT INTO papers_fts(rowid, title, notes) VALUES (7, 'Kalman', '')")
        conn.exec_driver_sql(
            "INSERT INTO zotero_items (library_ref, item_key, paper_id, stamp, notes, "
            "imported_at) VALUES ('zotero:u', 'CQ6HJJHW', 7, '3|x', 'n', '2026-01-01 00:00:00')")
    assert migrate.prepare_library(db, path, tmp_path / "backups").up_to_date
    with db.engine.begin() as conn:
        assert conn.exec_driver_sql(
            "SELECT item_key, paper_id, stamp, notes, tags FROM zotero_items").all() == [
            ("CQ6HJJHW", 7, "3|x", "n", "")]
        conn.exec_driver_sql("DELETE FROM papers WHERE id = 7")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT item_key, paper_id FROM zotero_items").all() == [
            ("CQ6HJJHW", None)]
    db.dispose()
