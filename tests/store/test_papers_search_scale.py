"""Search and paging at scale (issue #16): every query shape through the indexes, windows by
position equal to the full ordered list, the count, and an old library's word index rebuilt."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from alembic import command

from scholardesk.domain.papers import PaperFilter, PaperRecord
from scholardesk.services.papers import PapersService
from scholardesk.store import migrate
from scholardesk.store.db import Database
from scholardesk.store.papers_repo import PapersRepository, Term, parse_query

ARXIV = ("arxiv/arxivpy_search_au_del_maestro.xml", "arxiv/arxivpy_id_list_1111.2011v2.xml")
BIB = ("bibtex/thuthesis_refs_zh.bib", "bibtex/biblatex-examples.bib",
       "bibtex/pubs_three_articles.bib")


@pytest.fixture
def svc(db: Database, real_fixture: Callable[[str], Path]) -> PapersService:
    service = PapersService(db)
    service.import_files([real_fixture(f) for f in ARXIV + BIB])
    return service


def record(title: str, abstract: str = "", authors: tuple[str, ...] = ("A. Author",),
           **kw: object) -> PaperRecord:
    return PaperRecord(title=title, source_kind="test", source_ref="t", record_ref=title,
                       authors=authors, abstract=abstract, year=2020, **kw)  # type: ignore[arg-type]


def titles(svc: PapersService, query: str) -> list[str]:
    return [r.title for r in svc.search(query, 100)]


def test_a_query_is_parsed_into_terms_with_fields_phrases_and_stopwords() -> None:
    assert parse_query('au:"Del Maestro" ti:lattice cat:cs.CL http://x.org') == [
        Term("Del Maestro", "authors", True), Term("lattice", "title"),
        Term("cs.CL", "categories"), Term("http://x.org"),
    ]
    # unquoted stopwords are not matched when there are other words; a phrase keeps them
    assert parse_query("state of the art") == [Term("state"), Term("art")]
    assert parse_query('"state of the art"') == [Term("state of the art", quoted=True)]
    assert parse_query("the") == [Term("the")]  # nothing else to search for


def test_a_quoted_phrase_matches_those_words_in_that_order_only(svc: PapersService) -> None:
    svc.import_records([
        record("Speech recognition at the state of the art", "We report results."),
        record("The art of the state machine", "A tutorial."),
        record("Vision models", "Our method is state of the artificial intelligence field."),
    ])
    assert titles(svc, '"state of the art"') == ["Speech recognition at the state of the art"]
    # without quotes: both words, any order, stopwords ignored
    assert set(titles(svc, "state of the art")) >= {
        "Speech recognition at the state of the art", "The art of the state machine"}
    # the last word is completed (search as you type)
    assert titles(svc, "state of the artif") == ["Vision models"]
    assert titles(svc, "speech recog") == ["Speech recognition at the state of the art"]


def test_field_prefixes_search_one_column(svc: PapersService) -> None:
    del_maestro = titles(svc, 'au:"Del Maestro"')
    assert len(del_maestro) == 11  # the 10 entries of the au:del_maestro answer + Bethe lattice
    assert titles(svc, "au:Maestro") == del_maestro
    assert titles(svc, "au:lattice") == []  # a title word, not an author
    in_title = titles(svc, "ti:lattice")
    assert in_title and all("lattice" in t.lower() for t in in_title)
    # cat: counts what the category facet counts
    facets = dict(svc.facets().categories)
    assert len(titles(svc, "cat:cond-mat.stat-mech")) == facets["cond-mat.stat-mech"] == 6
    assert len(titles(svc, "cat:quant-ph")) == facets["quant-ph"]
    assert titles(svc, "ti:机器") == ["机器人柔性手腕的球面齿轮设计研究"]


def test_one_and_two_letter_words_are_whole_words_not_substrings(svc: PapersService) -> None:
    svc.import_records([
        record("AI agents for chemistry"), record("Main results on a chain"),
        record("Generating 3D scenes", "A 3D model."), record("Scenes in 2D"),
    ])
    assert titles(svc, "AI") == ["AI agents for chemistry"]  # not "mAIn", not "chAIn"
    assert titles(svc, "3D scenes") == ["Generating 3D scenes"]


def test_chinese_two_character_words_in_any_field(svc: PapersService) -> None:
    svc.import_records([
        record("面向语音识别的自监督学习", "本文研究机器翻译。", authors=("王伟", "李静")),
    ])
    found = set(titles(svc, "机器"))
    assert found == {"机器人柔性手腕的球面齿轮设计研究", "面向语音识别的自监督学习"}
    assert titles(svc, "语音") == ["面向语音识别的自监督学习"]  # a title word
    assert titles(svc, "au:王伟") == ["面向语音识别的自监督学习"]
    assert titles(svc, "机器 学习") == ["面向语音识别的自监督学习"]  # abstract + title


def test_a_paper_that_is_more_about_a_word_ranks_first(svc: PapersService) -> None:
    svc.import_records([
        record("Solar cells I", "Perovskite perovskite perovskite films; perovskite layers."),
        record("Solar cells II", "We mention perovskite once among many other words here."),
    ])
    # bm25, not newest first: the older paper says it four times
    assert titles(svc, "perovskite")[:2] == ["Solar cells I", "Solar cells II"]
    svc.import_records([record("Perovskite tandem cells", "Tandem.")])
    assert titles(svc, "perovskite")[0] == "Perovskite tandem cells"  # a title word weighs most


SORTS = ("added", "title", "authors", "year", "venue", "status", "rating")


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("descending", [True, False])
def test_windows_by_position_equal_the_full_ordered_list(
    svc: PapersService, sort: str, descending: bool
) -> None:
    ids = svc.list_ids(PaperFilter(), sort, descending)
    assert len(ids) > 60
    first = svc.list_page(PaperFilter(), sort, descending, 0, 25)
    assert first.total == len(ids) == svc.count() and not first.more
    assert list(first.ids) == ids[:25]
    windows = list(first.ids)
    for offset in range(25, len(ids), 25):
        windows += svc.list_window(PaperFilter(), sort, descending, offset, 25)
    assert windows == ids
    # and with a filter: the same windows of the filtered list
    flt = PaperFilter(year_from=2000)
    some = svc.list_ids(flt, sort, descending)
    page = svc.list_page(flt, sort, descending, 0, 10)
    assert page.total == len(some)
    assert list(page.ids) + svc.list_window(flt, sort, descending, 10, 10_000) == some


def test_a_search_page_is_its_whole_result_and_says_when_it_is_capped(
    svc: PapersService, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = svc.list_page(PaperFilter(query="Del Maestro"), "year", True, 0, 200)
    assert page.total == len(page.ids) == 11 and not page.more
    assert list(page.ids) == svc.list_ids(PaperFilter(query="Del Maestro"), "year", True)
    monkeypatch.setattr(PapersRepository, "TABLE_CAP", 5)
    capped = svc.list_page(PaperFilter(query="Del Maestro"), "title", False, 0, 200)
    assert capped.total == 5 and capped.more  # the table says "more than 5"
    assert [r.title.lower() for r in svc.rows(capped.ids)] == sorted(
        r.title.lower() for r in svc.rows(capped.ids))


def test_an_old_library_is_upgraded_to_the_new_word_index_and_finds_the_same(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.sqlite"
    db = Database(f"sqlite:///{path}")
    cfg = migrate.alembic_config(db.url)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002z2_papers_zotero_tags_deleted")
        # two papers as the old code stored them (words index with its own copy of the text)
        for pid, title, authors, abstract in (
            (1, "机器人柔性手腕的球面齿轮设计研究", "常 欣", "本文 研究 机器人"),
            (2, "A Luttinger liquid core inside helium-4", "Adrian Del Maestro", "AI for helium"),
        ):
            conn.exec_driver_sql(
                "INSERT INTO papers(id, title, authors_json, authors_text, abstract, categories,"
                " venue, entry_type, bibtex_key, published, updated, links_json, extra_json,"
                " status, rating, notes, is_sample, added_at, modified_at) VALUES (?, ?, '[]', ?,"
                " ?, ' cond-mat.other ', '', 'article', '', '', '', '{}', '{}', 'unread', 0, '',"
                " 0, '2025-01-01', '2025-01-01')", (pid, title, authors, abstract))
            conn.exec_driver_sql("INSERT INTO papers_fts(rowid, title, notes) VALUES (?, ?, '')",
                                 (pid, title))
            conn.exec_driver_sql("INSERT INTO papers_words_fts(rowid, authors, venue, abstract)"
                                 " VALUES (?, ?, '', ?)", (pid, authors, abstract))
    migrate.upgrade(db)
    svc = PapersService(db)
    assert [r.id for r in svc.search("机器")] == [1]  # a 2-character title word: word index
    assert [r.id for r in svc.search("au:Maestro")] == [2]
    assert [r.id for r in svc.search("AI helium")] == [2]
    assert [r.id for r in svc.search("cat:cond-mat.other")] == [2, 1]
    with db.engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO papers_words_fts(papers_words_fts) VALUES('integrity-check')")
        # contentless: the text is only in papers (no second copy of every abstract)
        assert conn.exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE name = 'papers_words_fts_content'"
        ).scalar() == 0
    svc.delete([1])  # the contentless index takes the paper out with its old text
    assert svc.search("机器") == []
    db.dispose()


def test_a_new_library_uses_8_kb_pages_and_an_existing_one_keeps_its_own(tmp_path: Path) -> None:
    import sqlite3

    db = Database(f"sqlite:///{tmp_path / 'new.sqlite'}")
    migrate.upgrade(db)
    db.dispose()
    with sqlite3.connect(tmp_path / "new.sqlite") as conn:
        assert conn.execute("PRAGMA page_size").fetchone()[0] == 8192
    old = tmp_path / "old.sqlite"
    with sqlite3.connect(old) as conn:  # made by an older ScholarDesk: 4 KB pages
        conn.execute("PRAGMA page_size=4096")
        conn.execute("CREATE TABLE t(x)")
    db = Database(f"sqlite:///{old}")
    migrate.upgrade(db)
    db.dispose()
    with sqlite3.connect(old) as conn:
        assert conn.execute("PRAGMA page_size").fetchone()[0] == 4096
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
