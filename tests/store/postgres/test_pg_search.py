"""Search on PostgreSQL with its own means (issue #18): pg_trgm GIN indexes answer substring and
word conditions (Chinese included), results ranked as on SQLite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select, text

from scholardesk.domain.papers import PaperRecord
from scholardesk.services.papers import PapersService
from scholardesk.store import papers_search_pg
from scholardesk.store.db import Database
from scholardesk.store.models.papers import PaperModel
from scholardesk.store.papers_repo import Term, parse_query


def test_a_term_becomes_a_word_boundary_expression_as_fts5_phrases_match() -> None:
    assert papers_search_pg.word_pattern(Term("AI")) == r"\mai\M"  # short: a whole word
    assert papers_search_pg.word_pattern(Term("learn")) == r"\mlearn"  # 3+ letters: a prefix
    assert papers_search_pg.word_pattern(Term("state of the art", quoted=True)) == (
        r"\mstate\W+\mof\W+\mthe\W+\mart\M".replace(r"\W+\m", r"\W+"))
    assert papers_search_pg.word_pattern(Term("机器")) == r"机\W*器"  # CJK: one word a character
    assert papers_search_pg.word_pattern(Term("C++")) == r"\mc\M"
    assert papers_search_pg.word_pattern(Term("++")) == ""


@pytest.fixture
def pg(postgres_databases) -> Iterator[Database]:  # type: ignore[no-untyped-def]
    name = postgres_databases.create()
    database = Database(postgres_databases.url_of(name))
    yield database
    database.dispose()
    postgres_databases.drop(name)


def rec(title: str, abstract: str = "", authors: tuple[str, ...] = ("A. Author",),
        notes: str = "") -> PaperRecord:
    return PaperRecord(title=title, source_kind="test", source_ref="t", record_ref=title,
                       authors=authors, abstract=abstract, year=2020)


def test_the_trigram_indexes_exist_and_answer_a_search(pg: Database) -> None:
    with pg.engine.connect() as conn:
        names = {r[0] for r in conn.execute(text(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'papers' "
            "AND indexdef LIKE '%gin_trgm_ops%'"))}
    assert names == {"ix_papers_trgm_title", "ix_papers_trgm_notes", "ix_papers_trgm_authors",
                     "ix_papers_trgm_venue", "ix_papers_trgm_abstract",
                     "ix_papers_trgm_categories"}
    PapersService(pg).import_records(
        [rec(f"Filler paper {n} about graphs", "Nothing here.") for n in range(300)]
        + [rec("Perovskite solar cells", "Perovskite films.")])
    with pg.transaction() as session:
        session.execute(text("ANALYZE papers"))
        session.execute(text("SET LOCAL enable_seqscan = off"))  # tiny table: force the choice
        cond = papers_search_pg.condition(parse_query("perovskite"))
        sql = str(select(PaperModel.id).where(cond).compile(
            pg.engine, compile_kwargs={"literal_binds": True}))  # %% as the driver wants
        plan = "\n".join(r[0] for r in session.connection().exec_driver_sql("EXPLAIN " + sql))
    assert "ix_papers_trgm_title" in plan and "ix_papers_trgm_abstract" in plan
    assert "Seq Scan" not in plan


def test_chinese_substrings_words_and_ranking_on_postgres(pg: Database) -> None:
    svc = PapersService(pg)
    svc.import_records([
        rec("面向语音识别的自监督学习", "本文研究机器翻译。", authors=("王伟", "李静")),
        rec("Solar cells I", "Perovskite perovskite perovskite films; perovskite layers."),
        rec("Solar cells II", "We mention perovskite once among many other words here."),
        rec("AI agents for chemistry"), rec("Main results on a chain"),
    ])
    titles = lambda q: [r.title for r in svc.search(q, 50)]  # noqa: E731
    assert titles("语音") == titles("机器 学习") == ["面向语音识别的自监督学习"]
    assert titles("au:王伟") == ["面向语音识别的自监督学习"]
    assert titles("AI") == ["AI agents for chemistry"]  # not "mAIn", not "chAIn"
    assert titles("perovskite") == ["Solar cells I", "Solar cells II"]  # four times first
    svc.import_records([rec("Perovskite tandem cells", "Tandem.")])
    assert titles("perovskite")[0] == "Perovskite tandem cells"  # a title word weighs most
