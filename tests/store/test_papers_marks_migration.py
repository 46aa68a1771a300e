"""Migration 0002u/0005p (issue #18): a library made before people existed keeps every mark.
Status, rating and notes move out of ``papers`` into the owner's ``paper_marks``; tags, feed
triage, feed rules and submissions become the owner's; search still finds the notes."""

from __future__ import annotations

from pathlib import Path

from alembic import command

from scholardesk.domain.papers import PaperFilter
from scholardesk.services.papers import PapersService
from scholardesk.services.submissions import SubmissionsService
from scholardesk.store import migrate
from scholardesk.store.db import Database
from scholardesk.store.papers_feed_repo import PapersFeedRepository
from scholardesk.store.papers_repo import WORDS_COLUMNS, words_row

BEFORE = ("0002q_papers_search_postgres_fts", "0002f_papers_feed", "0005_submissions")


def _old_library(path: Path) -> Database:
    db = Database(f"sqlite:///{path}")
    cfg = migrate.alembic_config(db.url)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        for revision in BEFORE:
            command.upgrade(cfg, revision)
        for pid, title, status, rating, notes in (
            (1, "Conformer: convolution-augmented transformer", "read", 5, "复现了 the CTC head"),
            (2, "Whisper at scale", "unread", 0, ""),
            (3, "面向语音识别的自监督学习", "reading", 2, ""),
        ):
            conn.exec_driver_sql(
                "INSERT INTO papers(id, title, authors_json, authors_text, abstract, categories,"
                " venue, entry_type, bibtex_key, published, updated, links_json, extra_json,"
                " status, rating, notes, is_sample, added_at, modified_at) VALUES (?, ?, '[]',"
                " 'A. Author', '', '', '', 'article', '', '', '', '{}', '{}', ?, ?, ?, 0,"
                " '2025-01-01', '2025-01-01')", (pid, title, status, rating, notes))
            conn.exec_driver_sql(  # the trigram index as 0002a's code wrote it
                "INSERT INTO papers_fts(rowid, title, notes) VALUES (?, ?, ?)", (pid, title, notes))
            conn.exec_driver_sql(
                f"INSERT INTO papers_words_fts(rowid, {WORDS_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
                words_row(pid, title, "A. Author", "", "", ""))
        conn.exec_driver_sql("INSERT INTO paper_tags(paper_id, tag) VALUES (1, 'asr'), (3, 'asr')")
        conn.exec_driver_sql(
            "INSERT INTO papers_feed_states(work_key, state, tag, changed_at) "
            "VALUES ('2401.00001', 'not_interested', '', '2025-01-01')")
        conn.exec_driver_sql(
            "INSERT INTO papers_feed_rules(kind, value, created_at) "
            "VALUES ('include', 'speech', '2025-01-01')")
        conn.exec_driver_sql(
            "INSERT INTO submissions(title, venue, manuscript_id, system, role, notes,"
            " created_at, updated_at, is_sample) VALUES ('My paper', 'TASLP', '', '', '', '',"
            " '2025-01-01', '2025-01-01', 0)")
    return db


def test_marks_tags_triage_and_submissions_become_the_owners(tmp_path: Path) -> None:
    db = _old_library(tmp_path / "old.sqlite")
    migrate.upgrade(db)
    svc = PapersService(db)
    conformer, whisper, chinese = svc.get(1), svc.get(2), svc.get(3)
    assert (conformer.status, conformer.rating, conformer.notes) == (
        "read", 5, "复现了 the CTC head")
    assert (whisper.status, whisper.rating, whisper.notes) == ("unread", 0, "")
    assert (chinese.status, chinese.rating) == ("reading", 2)
    assert conformer.tags == chinese.tags == ("asr",)
    assert svc.list_ids(PaperFilter(tag="asr")) == [3, 1]
    assert svc.list_ids(PaperFilter(status="unread")) == [2]
    assert svc.list_ids(PaperFilter(), sort="rating", descending=True) == [1, 3, 2]
    with db.reading() as session:
        feed = PapersFeedRepository(session)
        assert feed.states() == {"2401.00001": "not_interested"}
        assert [(r.kind, r.value) for r in feed.rules()] == [("include", "speech")]
    assert [s.title for s in SubmissionsService(db).all()] == ["My paper"]
    db.dispose()


def test_the_title_index_is_rebuilt_and_notes_are_still_found(tmp_path: Path) -> None:
    db = _old_library(tmp_path / "old.sqlite")
    migrate.upgrade(db)
    svc = PapersService(db)
    assert [r.id for r in svc.search("former")] == [1]  # a substring inside a title word
    assert [r.id for r in svc.search("复现")] == [1]  # the owner's note
    assert svc.list_ids(PaperFilter(query="CTC head")) == [1]
    with db.engine.begin() as conn:
        columns = {r[1] for r in conn.exec_driver_sql("PRAGMA table_info(papers)")}
        assert not {"status", "rating", "notes"} & columns  # the papers table is everyone's
        conn.exec_driver_sql("INSERT INTO papers_fts(papers_fts) VALUES ('integrity-check')")
    svc.update([2], notes="try the distilled model")  # a new note is found at once
    assert [r.id for r in svc.search("distilled")] == [2]
    svc.delete([1])  # the title index's delete trigger still has what it indexed
    assert svc.search("former") == []
    db.dispose()
