"""PapersService on a migrated SQLite library with the real fixtures."""

from __future__ import annotations

import csv
import gc
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from scholardesk.core.config import Settings
from scholardesk.core.errors import InputError, NotFoundError
from scholardesk.domain.changes import PAPERS
from scholardesk.domain.papers import PaperFilter
from scholardesk.services.context import Services
from scholardesk.services.papers import PapersService
from scholardesk.sources.http import HttpPolicy, PoliteClient
from scholardesk.store.db import Database

DATA = Path(__file__).resolve().parents[1] / "data" / "papers"
ALL_BIB = (
    "bibtex/biblatex-examples.bib",
    "bibtex/pubs_three_articles.bib",
    "bibtex/tensorboard-reducer_paper_references.bib",
    "bibtex/thuthesis_refs_zh.bib",
)
ALL_ARXIV = (
    "arxiv/arxivpy_id_list_1111.2011v2.xml",
    "arxiv/arxivpy_recorded_2026_id_1707.08567.json",
    "arxiv/arxivpy_recorded_2026_q_testing_s0_m10.json",
    "arxiv/arxivpy_search_au_del_maestro.xml",
)


@pytest.fixture
def svc(db: Database) -> PapersService:
    return PapersService(db)


def networked(db: Database, server: Any) -> PapersService:
    client = PoliteClient(HttpPolicy(timeout_s=2, max_retries=1, backoff_s=0.01))
    settings = Settings(extra={
        "arxiv_api_url": f"{server.base_url}/api/query",
        "crossref_api_url": server.base_url,
    })
    return PapersService(db, lambda: settings, lambda: client)


def test_import_all_fixtures_then_reimport_changes_nothing(
    svc: PapersService, real_fixture: Callable[[str], Path]
) -> None:
    files = [real_fixture(f) for f in ALL_BIB + ALL_ARXIV]
    first = svc.import_files(files)
    assert first.errors == []
    # 90 + 3 + 11 + 34 BibTeX papers and 22 arXiv entries. biblatex-examples holds four works
    # twice (baez/article = baez/online by arXiv id; knuth:ct, kullback:reprint and vangennep
    # have ":related" twins with the same title, author and year), merged; its 2 @set skipped.
    assert first.imported == 156
    assert (first.updated, first.skipped) == (1, 3 + 2)
    assert first.changes.touches(PAPERS)
    assert svc.count() == 156
    again = svc.import_files(files)
    assert (again.imported, again.updated, again.skipped, again.errors) == (0, 0, 162, [])
    assert not again.changes
    assert svc.count() == 156


def test_malformed_file_imports_the_valid_records(svc: PapersService) -> None:
    path = DATA / "malformed.bib"
    report = svc.import_files([path])
    assert report.imported == 2
    assert [(e.source, e.record) for e in report.errors] == [
        (str(path), "line 9 (broken_brace)"),
        (str(path), "line 14 (missing_comma)"),
        (str(path), "line 19 (notitle)"),
    ]
    assert "no title" in report.errors[2].message
    assert svc.import_files([path]).imported == 0
    missing = svc.import_files([DATA / "nope.bib"])
    assert missing.errors[0].message == "file not found"


def test_same_work_from_arxiv_doi_and_bibtex_is_one_paper(
    svc: PapersService, real_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    svc.import_files([real_fixture("arxiv/arxivpy_id_list_1111.2011v2.xml")])
    bib = tmp_path / "mine.bib"
    bib.write_text(
        "@article{murray2012,\n title={Quantum criticality for extended nodes on a Bethe lattice"
        " in the large connectivity limit},\n author={Murray, James M. and Del Maestro, Adrian"
        " and Tesanovic, Zlatko},\n journal={Physical Review B}, year={2012},\n"
        " doi={10.1103/PhysRevB.85.115117}, pages={115117},\n"
        " code={https://github.com/example/bethe}\n}\n"
        "@misc{v1, title={Quantum Criticality for Extended Nodes}, eprint={1111.2011v1},"
        " archiveprefix={arXiv}}\n",
        encoding="utf-8",
    )
    report = svc.import_files([bib])
    assert (report.imported, report.updated) == (0, 1)
    assert svc.count() == 1
    (row,) = svc.list_papers()
    paper = svc.get(row.id)
    assert paper.arxiv_version == 2  # the newer version wins
    assert paper.venue == "Phys. Rev. B 85, 115117 (2012)"  # arXiv's journal_ref came first
    assert paper.extra["pages"] == "115117"
    assert paper.links["code"] == "https://github.com/example/bethe"
    kinds = [(p.source_kind, p.record_ref) for p in paper.provenance]
    assert kinds == [("arxiv", "1111.2011v2"), ("bibtex", "murray2012"), ("bibtex", "v1")]


def test_search_english_chinese_and_two_character_queries(
    svc: PapersService, real_fixture: Callable[[str], Path]
) -> None:
    svc.import_files([real_fixture(f) for f in ALL_BIB + ALL_ARXIV])
    # 2 characters: no trigram, so the LIKE fallback must find the Chinese title
    hits = svc.search("机器")
    assert [h.title for h in hits] == ["机器人柔性手腕的球面齿轮设计研究"]
    assert svc.search("齿轮设计")[0].title == "机器人柔性手腕的球面齿轮设计研究"
    assert {h.title for h in svc.search("清华大学")} >= {"机器人柔性手腕的球面齿轮设计研究"}
    assert svc.search("Bethe lattice")[0].arxiv_id == "1111.2011"  # title + abstract
    assert all(
        any("Del Maestro" in a for a in h.authors) for h in svc.search("Del Maestro", limit=100)
    )
    assert len(svc.search("Del Maestro", limit=100)) == 11  # 10 + the Bethe lattice paper
    organomet = {h.venue for h in svc.search("Organomet")}  # venue field
    assert organomet == {"J. Organomet. Chem.", "Organometallics"}
    assert svc.search("schrödinger")[0].title.startswith("Discussion of Probability")
    assert svc.search("zzqqxx") == []
    assert svc.search("   ") == []
    # mixed long + short terms
    assert [h.title for h in svc.search("齿轮 机器")] == ["机器人柔性手腕的球面齿轮设计研究"]


def test_notes_are_searchable_and_filters_combine(
    svc: PapersService, real_fixture: Callable[[str], Path]
) -> None:
    svc.import_files([real_fixture(f) for f in ALL_ARXIV])
    (bethe,) = svc.search("Bethe")
    changes = svc.update([bethe.id], status="reading", rating=4, notes="读过：有意思的临界行为",
                         add_tags=["Quantum ", "to-cite"])
    assert changes.touches(PAPERS)
    assert svc.search("临界行为")[0].id == bethe.id
    assert svc.list_papers(PaperFilter(tag="quantum"))[0].id == bethe.id
    assert [r.id for r in svc.list_papers(PaperFilter(status="reading"))] == [bethe.id]
    cs_se = svc.list_papers(PaperFilter(category="cs.SE"))
    assert len(cs_se) == 9
    assert all(r.year and r.year >= 2020 for r in svc.list_papers(PaperFilter(category="cs.SE", year_from=2020)))
    old_se = svc.list_papers(PaperFilter(query="testing", category="cs.SE", year_to=2012))
    assert [r.arxiv_id for r in old_se] == ["1202.4527"]
    svc.update([bethe.id], remove_tags=["quantum"])
    assert svc.get(bethe.id).tags == ("to-cite",)
    with pytest.raises(InputError):
        svc.update([bethe.id], status="done")
    with pytest.raises(InputError):
        svc.update([bethe.id], rating=9)
    facets = svc.facets()
    assert ("to-cite", 1) in facets.tags and ("cs.SE", 9) in facets.categories


def test_export_bibtex_round_trips_without_duplicates(
    svc: PapersService, real_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    svc.import_files([real_fixture(f) for f in ALL_BIB + ALL_ARXIV])
    count = svc.count()
    out = tmp_path / "library.bib"
    assert svc.export("bibtex", out) == count
    report = svc.import_files([out])
    assert report.errors == []
    assert report.imported == 0
    assert svc.count() == count
    # and into an empty library: every paper comes back
    other = tmp_path / "other.sqlite"
    from scholardesk.store import migrate

    db2 = Database(f"sqlite:///{other}")
    migrate.upgrade(db2)
    fresh = PapersService(db2)
    back = fresh.import_files([out])
    assert (back.imported, back.errors) == (count, [])
    assert fresh.search("机器")[0].title == "机器人柔性手腕的球面齿轮设计研究"
    db2.dispose()


def test_export_csv_json_and_a_tag(svc: PapersService, real_fixture: Callable[[str], Path]) -> None:
    svc.import_files([real_fixture("bibtex/thuthesis_refs_zh.bib")])
    ids = [r.id for r in svc.search("Na2", limit=100)]
    svc.update(ids, add_tags=["na2"])
    rows = list(csv.DictReader(io.StringIO(svc.export_text("csv", PaperFilter(tag="na2")))))
    assert len(rows) == len(ids) == 6
    assert {r["tags"] for r in rows} == {"na2"}
    data = json.loads(svc.export_text("json", PaperFilter(ids=(ids[0],))))
    assert data[0]["tags"] == ["na2"] and data[0]["venue"]
    with pytest.raises(InputError):
        svc.export_text("docx")


def test_delete_and_get(svc: PapersService, real_fixture: Callable[[str], Path]) -> None:
    svc.import_files([real_fixture("bibtex/pubs_three_articles.bib")])
    ids = svc.list_ids()
    svc.delete(ids[:1])
    assert svc.count() == 2
    with pytest.raises(NotFoundError):
        svc.get(ids[0])


def test_venue_hooks(svc: PapersService, real_fixture: Callable[[str], Path]) -> None:
    svc.import_files([real_fixture("bibtex/thuthesis_refs_zh.bib")])
    venues = dict(svc.distinct_venues())
    assert venues["J Chem Phys"] == 5
    ids = svc.ids_with_venues(["J Chem Phys"])
    assert len(ids) == 5
    assert set(svc.venues_for(ids).values()) == {"J Chem Phys"}


def test_sample_library_loads_once_and_deletes_cleanly(services: Services) -> None:
    assert services.papers in services.sample_providers()
    services.papers.load_sample()
    assert services.papers.count() == 9
    own = services.papers.import_files([DATA / "malformed.bib"])
    assert own.imported == 2
    whisper = services.papers.search("Weak Supervision")[0]
    assert whisper.is_sample and "speech" in whisper.tags
    assert services.papers.delete_sample() == 9
    assert services.papers.count() == 2


def _fts_consistent(db: Database) -> None:
    """Both search indexes hold exactly one row per paper, and the trigram index matches the
    papers table (FTS5's integrity check with rank=1 compares it with its content table).
    PostgreSQL has no such index to drift (its trigram indexes are the database's own)."""
    if not db.is_sqlite:
        return
    with db.engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO papers_fts(papers_fts, rank) VALUES('integrity-check', 1)")
        conn.exec_driver_sql("INSERT INTO papers_words_fts(papers_words_fts) VALUES('integrity-check')")
        papers = conn.exec_driver_sql("SELECT count(*) FROM papers").scalar()
        trigram = conn.exec_driver_sql("SELECT count(*) FROM papers_fts_docsize").scalar()
        words = conn.exec_driver_sql("SELECT count(*) FROM papers_words_fts").scalar()
    assert papers == trigram == words


def test_search_indexes_stay_in_sync_through_import_merge_edit_and_delete(
    services: Services, db: Database, real_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    svc = services.papers
    svc.load_sample()  # sample papers carry notes: set after the insert, through the trigger
    svc.import_files([real_fixture(f) for f in ALL_BIB + ALL_ARXIV])
    _fts_consistent(db)
    (bethe,) = svc.search("Bethe")
    svc.update([bethe.id], notes="临界行为 notes")
    merge = tmp_path / "merge.bib"
    merge.write_text(
        "@article{m, title={Quantum criticality for extended nodes on a Bethe lattice in the"
        " large connectivity limit}, author={Murray, James M.}, year={2012},"
        " eprint={1111.2011v3}, archiveprefix={arXiv}, abstract={A much longer abstract than"
        " before: " + "words " * 400 + "}}\n",
        encoding="utf-8",
    )
    assert svc.import_files([merge]).updated == 1
    assert svc.search("临界行为")[0].id == bethe.id
    svc.delete(svc.list_ids()[:5])
    _fts_consistent(db)
    assert svc.search("Bethe lattice")[0].id == bethe.id


def _dedupe_bib(path: Path) -> Path:
    path.write_text(
        "@misc{a1, title={Streaming Conformer Alignment}, author={Wang, A.}, year={2023},"
        " eprint={2301.00001v1}, archiveprefix={arXiv}}\n"
        "@article{b, title={Robust Speech Features}, author={Li, B. and Chen, C.}, year={2020},"
        " doi={10.5555/Robust.1}, journal={Neurocomputing}}\n"
        "@misc{a2, title={Streaming Conformer Alignment}, author={Wang, A. and Kim, D.},"
        " year={2023}, eprint={2301.00001v2}, archiveprefix={arXiv}, abstract={We align.}}\n"
        "@inproceedings{b2, title={ROBUST speech-features!}, author={Li, Bo}, year={2020},"
        " booktitle={Interspeech}, pages={1--4}}\n"
        "@article{c, title={Unrelated Work}, author={Rossi, E.}, year={2019}}\n"
        "@article{b3, title={Something else entirely}, author={Nguyen, F.}, year={2021},"
        " doi={https://doi.org/10.5555/ROBUST.1}}\n"
        "@article{d1, title={Graph Learning at Scale}, author={Kim, G.}, year={2022}}\n"
        "@article{d2, title={Graph learning at scale}, author={Kim, Gil}, year={2022},"
        " journal={ICLR}}\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("batch", [2, 3, 5000])
def test_dedupe_and_merge_do_not_depend_on_batch_boundaries(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    import scholardesk.services.papers as papers_service

    monkeypatch.setattr(papers_service, "BATCH", batch)
    svc = PapersService(db)
    bib = _dedupe_bib(tmp_path / "dupes.bib")
    report = svc.import_files([bib])
    assert report.errors == []
    # a1+a2 by arXiv id, b+b2 by title+first author+year, b+b3 by DOI (any case), d1+d2 by title
    assert report.imported == 4
    assert report.imported + report.updated + report.skipped == 8
    assert svc.count() == 4
    by_title = {r.title: svc.get(r.id) for r in svc.list_papers()}
    a = by_title["Streaming Conformer Alignment"]
    assert (a.arxiv_id, a.arxiv_version, a.abstract) == ("2301.00001", 2, "We align.")
    assert a.authors == ("A. Wang", "D. Kim")
    b = by_title["Robust Speech Features"]
    assert (b.doi, b.venue, b.extra.get("pages")) == ("10.5555/robust.1", "Neurocomputing", "1--4")
    assert [p.record_ref for p in b.provenance] == ["b", "b2", "b3"]
    assert by_title["Graph Learning at Scale"].venue == "ICLR"
    _fts_consistent(db)
    gc.enable()  # the suite runs with automatic gc off (tests/conftest.py); the import must restore it
    try:
        again = svc.import_files([bib])
        assert gc.isenabled()  # paused during the import only
    finally:
        gc.disable()
    assert (again.imported, again.updated, again.skipped) == (0, 0, 8)


# -- network --------------------------------------------------------------------------------

def test_add_arxiv_ids_dois_and_bad_input(
    db: Database, local_server: Any, real_fixture: Callable[[str], Path]
) -> None:
    local_server.routes["/api/query"] = [
        (200, {}, real_fixture("arxiv/arxivpy_recorded_2026_id_1707.08567.json").read_text() and
         json.loads(real_fixture("arxiv/arxivpy_recorded_2026_id_1707.08567.json").read_text())["body"].encode())
    ]
    local_server.routes["/works/10.1038/srep16696"] = [
        (200, {}, real_fixture("crossref/habanero_work_springer_srep16696.json").read_bytes())
    ]
    local_server.routes["/works/10.9999/unknown"] = [(404, {}, b"Resource not found.")]
    svc = networked(db, local_server)
    report = svc.add([
        "https://arxiv.org/abs/1707.08567v1 arXiv:2101.00001",
        "https://doi.org/10.1038/srep16696", "doi:10.9999/unknown", "not-an-id",
    ])
    assert report.imported == 2
    messages = {e.record: e.message for e in report.errors}
    assert "does not know this id" in messages["2101.00001"]
    assert "Crossref does not know this DOI" in messages["10.9999/unknown"]
    assert "not an arXiv id" in messages["not-an-id"]
    assert {r.title[:20] for r in svc.list_papers()} == {"Proceedings of Works", "Single-molecule FRET"}
    # adding again merges, nothing new
    assert svc.add(["1707.08567"]).imported == 0


def test_add_arxiv_paper_gets_its_venue_from_crossref(db: Database, local_server: Any) -> None:
    feed = (
        b'<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">'
        b"<entry><id>http://arxiv.org/abs/2401.16650v1</id><title>A Paper</title>"
        b"<published>2024-01-30T00:00:00Z</published><author><name>Ann Example</name></author>"
        b"<arxiv:doi>10.1038/srep16696</arxiv:doi></entry></feed>"
    )
    work = {"message": {"DOI": "10.1038/srep16696", "title": ["A Paper"], "type": "journal-article",
                        "container-title": ["Scientific Reports"]}}
    local_server.routes["/api/query"] = [(200, {}, feed)]
    local_server.routes["/works/10.1038/srep16696"] = [(200, {}, json.dumps(work).encode())]
    svc = networked(db, local_server)
    assert svc.add(["2401.16650"]).imported == 1
    assert svc.list_papers()[0].venue == "Scientific Reports"


def test_network_down_reports_each_id(db: Database, local_server: Any) -> None:
    local_server.routes["/api/query"] = [(200, {}, None)]
    local_server.routes["*"] = [(503, {}, b"down")]
    svc = networked(db, local_server)
    report = svc.add(["2401.16650", "2401.16651", "10.1234/abc"])
    assert report.imported == 0
    assert [e.record for e in report.errors] == ["2401.16650", "2401.16651", "10.1234/abc"]
    assert "did not answer" in report.errors[0].message
    assert "503" in report.errors[2].message


def test_subscriptions_fetch_only_what_is_new(db: Database, local_server: Any) -> None:
    from tests.sources.test_papers_network import atom_page

    svc = networked(db, local_server)
    assert svc.subscribe("cs.CL")
    assert not svc.subscribe("cs.CL")
    with pytest.raises(InputError):
        svc.subscribe("speech enhancement")
    assert svc.subscribe('all:"speech enhancement"', kind="query")
    local_server.routes["/api/query"] = [
        (200, {}, atom_page([("2401.00002v1", "2024-01-02"), ("2401.00001v1", "2024-01-01")], 2)),
        (200, {}, atom_page([("2401.00002v1", "2024-01-02")], 1)),
    ]
    first = svc.fetch_new()
    assert first.imported == 2 and first.per_subscription == {"cs.CL": 2, 'all:"speech enhancement"': 0}
    assert all(r.status == "unread" for r in svc.list_papers())
    subs = {s.query: s for s in svc.subscriptions()}
    assert subs["cs.CL"].last_published == "2024-01-02" and subs["cs.CL"].last_checked_at
    # next time arXiv lists one new paper above the ones already seen
    local_server.routes["/api/query"] = [
        (200, {}, atom_page([("2401.00003v1", "2024-01-03"), ("2401.00002v1", "2024-01-02"),
                             ("2312.99999v1", "2023-12-31")], 500)),
    ]
    second = svc.fetch_new()
    assert second.imported == 1
    assert "search_query=cat%3Acs.CL" in local_server.requests[2]
    assert svc.unsubscribe("cs.CL") and not svc.unsubscribe("cs.CL")


def test_fetch_new_without_subscriptions_says_what_to_do(svc: PapersService) -> None:
    with pytest.raises(InputError, match="subscribe"):
        svc.fetch_new()


def test_reimporting_short_titles_without_author_or_year_adds_nothing(svc: PapersService) -> None:
    # JabRef's simple-search-library.bib shape: "Test", "ab", "T" with no author and no year.
    path = DATA / "simple_search_library.bib"
    first = svc.import_files([path])
    assert first.errors == []
    assert svc.count() == first.imported == 8  # two entries titled "T" stay two papers
    for _ in range(2):
        again = svc.import_files([path])
        assert (again.imported, again.updated, again.errors) == (0, 0, [])
        assert svc.count() == 8


def test_the_encoding_used_is_a_notice_and_an_empty_file_is_an_error(
    svc: PapersService, tmp_path: Path
) -> None:
    latin1 = tmp_path / "latin1.bib"
    latin1.write_bytes("@book{test1, year = {1999}, title = {Söme title}}".encode("latin-1"))
    empty = tmp_path / "empty.bib"
    empty.write_bytes(b"% nothing here\n")
    report = svc.import_files([latin1, empty])
    assert report.imported == 1
    assert svc.list_papers()[0].title == "Söme title"
    assert [(n.source, n.record) for n in report.notices] == [(str(latin1), "file")]
    assert "cp1252" in report.notices[0].message
    assert [(e.source, e.record) for e in report.errors] == [(str(empty), "file")]
    assert report.to_json()["notices"] == [n.to_json() for n in report.notices]


def test_a_math_title_is_searchable_as_text_and_exported_as_latex(
    svc: PapersService,
) -> None:
    svc.import_bibtex_text(r"@article{k, title = {An $O(\log n)$ Heap}, author = {A B}, year = 2001}")
    assert [r.title for r in svc.search("log n")] == ["An O(log n) Heap"]
    exported = svc.export_text("bibtex", PaperFilter())
    assert r"title = {An $O(\log n)$ Heap}" in exported
