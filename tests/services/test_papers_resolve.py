"""Finding where preprints were published: the recorded answers of Semantic Scholar,
OpenAlex and Crossref (../shared/fixtures/resolve) and hand-written DBLP answers
(tests/data/papers/resolve) replayed by a local server through the real clients."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from scholardesk.core.config import Settings
from scholardesk.domain.papers import PaperRecord
from scholardesk.services.context import Services
from scholardesk.sources.http import HttpPolicy, PoliteClient
from scholardesk.store.papers_repo import PapersRepository

DATA = Path(__file__).resolve().parents[1] / "data" / "papers" / "resolve"
S2 = "/s2/graph/v1/paper/search/match"
DBLP = "/dblp/search/publ/api"
OPENALEX = "/openalex/works"
CROSSREF = "/crossref/works"

VASWANI = ("Ashish Vaswani", "Noam Shazeer", "Niki Parmar", "Jakob Uszkoreit", "Llion Jones",
           "Aidan N. Gomez", "Lukasz Kaiser", "Illia Polosukhin")
ATTENTION = PaperRecord("Attention Is All You Need", "arxiv", "test", authors=VASWANI, year=2017,
                        arxiv_id="1706.03762", categories=("cs.CL",))
CHEMCROW = PaperRecord(
    "ChemCrow: Augmenting large-language models with chemistry tools", "arxiv", "test",
    authors=("Andres M Bran", "Sam Cox", "Oliver Schilter", "Carlo Baldassari",
             "Andrew D White", "Philippe Schwaller"),
    year=2023, arxiv_id="2304.05376")
PAPERQA = PaperRecord(
    "PaperQA: Retrieval-Augmented Generative Agent for Scientific Research", "arxiv", "test",
    authors=("Jakub Lála", "Odhran O'Donoghue", "Aleksandar Shtedritski", "Sam Cox",
             "Samuel G. Rodriques", "Andrew D. White"),
    year=2023, arxiv_id="2312.07559")


def ok(body: bytes) -> tuple[int, dict[str, str], bytes]:
    return (200, {"Content-Type": "application/json"}, body)


@pytest.fixture
def resolver(services: Services, local_server, real_fixture):  # type: ignore[no-untyped-def]
    base = local_server.base_url
    services.settings = Settings(
        contact_email="me@example.org",
        service_urls={"semanticscholar": f"{base}/s2", "dblp": f"{base}/dblp",
                      "openalex": f"{base}/openalex", "crossref": f"{base}/crossref"},
    )
    services._http = PoliteClient(HttpPolicy(max_retries=0, backoff_s=0.0,
                                             cache_dir=services.paths.cache_dir))

    def route(path: str, *answers: tuple[int, dict[str, str], bytes | None]) -> None:
        local_server.routes[path] = list(answers)

    def fixture(rel: str) -> bytes:
        return real_fixture(f"resolve/{rel}").read_bytes()

    def add(record: PaperRecord) -> int:
        services.papers.import_records([record])
        return services.papers.list_ids()[0]

    class R:
        service = services.papers_resolve
        server = local_server

    r = R()
    r.route = route  # type: ignore[attr-defined]
    r.fixture = fixture  # type: ignore[attr-defined]
    r.add = add  # type: ignore[attr-defined]
    return r


def paths(server) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.split("?", 1)[0] for p in server.requests]


def test_attention_is_neurips_2017_from_semantic_scholar_alone(resolver, services) -> None:  # type: ignore[no-untyped-def]
    resolver.route(S2, ok(resolver.fixture(
        "semanticscholar/Future-House_paper-qa_s2_match_attention_is_all_you_need.json")))
    resolver.route(DBLP, ok((DATA / "dblp_attention.json").read_bytes()))
    pid = resolver.add(ATTENTION)

    [p] = resolver.service.propose([pid]).proposals

    assert (p.status, p.venue, p.year, p.pages) == (
        "published", "Neural Information Processing Systems", 2017, "5998-6008")
    assert p.sources == ("semanticscholar", "dblp") and p.confidence >= 0.95  # two agree
    assert p.fields["year"] == "dblp"  # S2's year of a merged record is the preprint's
    assert paths(resolver.server) == [S2, DBLP]  # confident: OpenAlex, Crossref not asked
    assert services.papers.get(pid).venue == ""  # only proposed, nothing applied yet


def test_wrong_crossref_title_match_is_rejected_with_its_reason_and_a_failing_source_skipped(
    resolver,  # type: ignore[no-untyped-def]
) -> None:
    resolver.route(S2, (429, {"Retry-After": "0"}, b"Too Many Requests"))
    resolver.route(DBLP, ok((DATA / "dblp_attention.json").read_bytes()))
    resolver.route(OPENALEX, (200, {}, b"<html>gateway says hello</html>"))
    resolver.route(CROSSREF, ok(resolver.fixture(
        "crossref/Future-House_paper-qa_crossref_query_title_attention_wrong_match.json")))
    pid = resolver.add(ATTENTION)

    [p] = resolver.service.propose([pid]).proposals

    assert (p.status, p.venue, p.year, p.sources) == ("published", "NIPS", 2017, ("dblp",))
    assert p.confidence < 0.85  # one source on title and authors alone: for review, not --apply
    reasons = {(r.source, r.title): r.reason for r in p.rejected}
    assert reasons[("crossref", "Self-Attention with Relative Position Representations")].startswith(
        "a different title")
    assert reasons[("dblp", "Attention Is All You Need")].startswith("the preprint itself (CoRR)")
    assert any(n.startswith("Semantic Scholar skipped") and "429" in n for n in p.notes)
    assert any(n.startswith("OpenAlex skipped") for n in p.notes)
    assert paths(resolver.server) == [S2, DBLP, OPENALEX, CROSSREF]


def test_chemcrow_is_nature_machine_intelligence(resolver) -> None:  # type: ignore[no-untyped-def]
    resolver.route(S2, ok(resolver.fixture(
        "semanticscholar/Future-House_paper-qa_s2_match_chemcrow_2304.05376.json")))
    resolver.route(DBLP, ok((DATA / "dblp_chemcrow.json").read_bytes()))
    pid = resolver.add(CHEMCROW)

    [p] = resolver.service.propose([pid]).proposals

    assert (p.status, p.venue, p.year, p.doi, p.pages) == (
        "published", "Nature Machine Intelligence", 2024, "10.1038/s42256-024-00832-8",
        "525-535")
    assert p.confidence >= 0.95 and len(resolver.server.requests) == 2


def test_openalex_preprint_and_article_as_two_works_agree_with_dblp(resolver) -> None:  # type: ignore[no-untyped-def]
    resolver.route(S2, (0, {}, None))  # the connection closes without an answer
    resolver.route(DBLP, ok((DATA / "dblp_chemcrow.json").read_bytes()))
    resolver.route(OPENALEX, ok(resolver.fixture(
        "openalex/Future-House_paper-qa_openalex_title_search_chemcrow.json")))
    pid = resolver.add(CHEMCROW)

    [p] = resolver.service.propose([pid]).proposals

    assert p.status == "published" and p.doi == "10.1038/s42256-024-00832-8"
    assert p.venue == "Nature Machine Intelligence" and p.year == 2024
    assert set(p.sources) == {"dblp", "openalex"} and p.confidence >= 0.9  # two agree
    rejected = {(r.source, r.title): r.reason for r in p.rejected}
    assert "the preprint itself" in rejected[
        ("openalex", "ChemCrow: Augmenting large-language models with chemistry tools")]
    assert CROSSREF not in paths(resolver.server)  # confident: Crossref was not asked


def test_paperqa_is_not_published_and_that_answer_is_remembered(resolver) -> None:  # type: ignore[no-untyped-def]
    resolver.route(S2, ok(resolver.fixture(
        "semanticscholar/Future-House_paper-qa_s2_match_paperqa_2312.07559.json")))
    resolver.route(DBLP, ok((DATA / "dblp_paperqa.json").read_bytes()))
    pid = resolver.add(PAPERQA)

    first = resolver.service.propose([pid])
    [p] = first.proposals

    assert p.status == "not_found" and p.venue == "" and p.checked_at is not None
    assert paths(resolver.server) == [S2, DBLP]  # two services know it only as a preprint
    again = resolver.service.propose([pid])
    assert again.requests == 0 and again.resolved == 0  # remembered with its date
    assert again.proposals[0].checked_at == p.checked_at
    assert len(resolver.server.requests) == 2
    assert resolver.service.proposals(pending=True) == []  # nothing to review


def test_paperqa_false_positive_of_crossref_rejected_when_others_fail(resolver) -> None:  # type: ignore[no-untyped-def]
    resolver.route(S2, ok(b'{"data": "not a list"}'))
    resolver.route(DBLP, ok((DATA / "dblp_empty.json").read_bytes()))
    resolver.route(OPENALEX, ok(resolver.fixture(
        "openalex/Future-House_paper-qa_openalex_title_search_paperqa_2312.07559.json")))
    resolver.route(CROSSREF, ok(resolver.fixture(
        "crossref/Future-House_paper-qa_crossref_query_title_paperqa_wrong_match.json")))
    pid = resolver.add(PAPERQA)

    [p] = resolver.service.propose([pid]).proposals

    assert p.status == "not_found"
    assert any(r.source == "crossref" and r.title == "Retrieval augmented scientific claim verification"
               and r.reason.startswith("a different title") for r in p.rejected)
    assert any(r.source == "openalex" and "the preprint itself" in r.reason for r in p.rejected)
    assert any(n.startswith("Semantic Scholar skipped") for n in p.notes)


def test_a_paper_without_title_is_reported_and_skipped(resolver, services) -> None:  # type: ignore[no-untyped-def]
    pid = resolver.add(ATTENTION)
    with services.db.transaction() as session:
        session.execute(text("UPDATE papers SET title = '' WHERE id = :id"), {"id": pid})

    [p] = resolver.service.propose([pid]).proposals

    assert p.status == "skipped" and "no title" in p.notes[0]
    assert resolver.server.requests == []


def test_apply_links_the_venue_keeps_the_arxiv_id_records_provenance_and_is_idempotent(
    resolver, services,  # type: ignore[no-untyped-def]
) -> None:
    services.venues.load_sample()  # a catalogue with NeurIPS in it
    resolver.route(S2, ok(resolver.fixture(
        "semanticscholar/Future-House_paper-qa_s2_match_attention_is_all_you_need.json")))
    resolver.route(DBLP, ok((DATA / "dblp_attention.json").read_bytes()))
    pid = resolver.add(ATTENTION)
    [p] = resolver.service.propose([pid]).proposals
    assert p.venue_id is not None  # named a catalogue venue

    report = resolver.service.apply_confident()

    paper = services.papers.get(pid)
    assert report.applied == [pid]
    assert (paper.arxiv_id, paper.year, paper.entry_type, paper.extra["pages"]) == (
        "1706.03762", 2017, "inproceedings", "5998-6008")
    assert services.venues.badges([paper.venue])  # the CCF badge appears
    provenance = {s.record_ref.split(":", 1)[0] for s in paper.provenance if s.source_kind == "resolve"}
    assert {"venue", "entry_type", "pages"} <= provenance
    assert resolver.service.proposals(pending=True) == []

    before = services.papers.get(pid)
    assert resolver.service.apply([p.id]).applied == []
    assert resolver.service.propose([pid], recheck=True).proposals[0].state == "applied"
    assert resolver.service.apply_confident().applied == []
    assert services.papers.get(pid) == before


def test_published_version_already_in_the_library_is_merged_into_the_preprint(
    resolver, services,  # type: ignore[no-untyped-def]
) -> None:
    resolver.route(S2, ok(resolver.fixture(
        "semanticscholar/Future-House_paper-qa_s2_match_chemcrow_2304.05376.json")))
    resolver.route(DBLP, ok((DATA / "dblp_chemcrow.json").read_bytes()))
    services.papers.import_records([PaperRecord(
        "Augmenting large language models with chemistry tools", "bibtex", "refs.bib",
        authors=CHEMCROW.authors, year=2024, doi="10.1038/s42256-024-00832-8",
        venue="Nature Machine Intelligence", tags=("chemistry",))])
    published_id = services.papers.list_ids()[0]
    services.papers.update([published_id], status="read", notes="read the journal version")
    preprint_id = resolver.add(CHEMCROW)
    services.papers.update([preprint_id], notes="from arXiv", add_tags=["agents"])
    assert preprint_id != published_id and services.papers.count() == 2
    with services.db.transaction() as session:  # another member of a shared library
        session.info["person"] = "bob"
        bob = PapersRepository(session)
        bob.set_fields([published_id], rating=4, notes="bob: cite this one")
        bob.add_tags([published_id], ["bob-reading"])

    [p] = resolver.service.propose([preprint_id]).proposals
    report = resolver.service.apply([p.id])

    assert report.merged == [(preprint_id, published_id)]
    assert services.papers.count() == 1
    merged = services.papers.get(preprint_id)
    assert (merged.arxiv_id, merged.doi) == ("2304.05376", "10.1038/s42256-024-00832-8")
    assert set(merged.tags) == {"chemistry", "agents"} and merged.status == "read"
    assert "from arXiv" in merged.notes and "read the journal version" in merged.notes
    assert {s.source_kind for s in merged.provenance} >= {"bibtex", "merge", "resolve"}
    assert services.papers.search("journal version")[0].id == preprint_id
    with services.db.reading() as session:  # bob's marks moved too, still his alone
        session.info["person"] = "bob"
        bob = PapersRepository(session)
        assert bob.marks_for([preprint_id]) == {
            preprint_id: {"status": "unread", "rating": 4, "notes": "bob: cite this one"}}
        assert bob.tags_for([preprint_id]) == {preprint_id: ("bob-reading",)}
    again = resolver.service.apply([p.id])
    assert again.applied == [] and services.papers.count() == 1


def test_whole_library_in_one_run_is_resumable_after_cancel(resolver, services) -> None:  # type: ignore[no-untyped-def]
    from scholardesk.core.errors import Cancelled
    from scholardesk.core.progress import Progress

    resolver.route(S2, ok(resolver.fixture(
        "semanticscholar/Future-House_paper-qa_s2_match_paperqa_2312.07559.json")))
    resolver.route(DBLP, ok((DATA / "dblp_paperqa.json").read_bytes()))
    services.papers.import_records([PAPERQA, PaperRecord(
        "A paper that is not a preprint", "bibtex", "x.bib", year=2020, venue="Neurocomputing")])
    seen: list[int] = []

    def stop_after_first(state) -> None:  # type: ignore[no-untyped-def]
        seen.append(state.done)
        if state.done >= 1:
            progress.cancel()

    progress = Progress(stop_after_first)
    services.papers.import_records([replace_id(PAPERQA, "2312.07560")])
    with pytest.raises(Cancelled):
        resolver.service.propose(None, progress)
    stored = resolver.service.proposals(pending=False)
    assert len(stored) == 1  # the first paper's answer was kept

    report = resolver.service.propose(None)
    assert report.resolved == 1 and len(report.proposals) == 2  # only the rest was asked
    assert {p.arxiv_id for p in report.proposals} == {"2312.07559", "2312.07560"}


def replace_id(record: PaperRecord, arxiv_id: str) -> PaperRecord:
    from dataclasses import replace

    return replace(record, arxiv_id=arxiv_id, title=record.title + " (second)")


def test_settings_name_every_service_address_and_the_environment_wins(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    s = Settings(service_urls={"dblp": "https://dblp.uni-trier.de"})
    assert s.service_url("dblp") == "https://dblp.uni-trier.de"
    assert s.service_url("openalex") == "https://api.openalex.org"
    monkeypatch.setenv("SCHOLARDESK_SERVICE_SEMANTICSCHOLAR", "http://127.0.0.1:8000")
    assert s.service_url("semanticscholar") == "http://127.0.0.1:8000"
    saved = json.loads(json.dumps(s.__dict__))
    assert saved["service_urls"] == {"dblp": "https://dblp.uni-trier.de"}


def test_semantic_scholar_key_is_sent_as_x_api_key(resolver, services) -> None:  # type: ignore[no-untyped-def]
    class Seen:
        headers: list[str] = []

    original = resolver.server.RequestHandlerClass.do_GET

    def spy(handler) -> None:  # type: ignore[no-untyped-def]
        Seen.headers.append(handler.headers.get("x-api-key", ""))
        original(handler)

    resolver.server.RequestHandlerClass.do_GET = spy
    try:
        services.settings.semantic_scholar_api_key = "secret-key"
        resolver.route(S2, ok(resolver.fixture(
            "semanticscholar/Future-House_paper-qa_s2_match_attention_is_all_you_need.json")))
        resolver.service.propose([resolver.add(ATTENTION)])
    finally:
        resolver.server.RequestHandlerClass.do_GET = original
    assert Seen.headers[0] == "secret-key"  # to Semantic Scholar
    assert set(Seen.headers[1:]) == {""}  # and to no other service


