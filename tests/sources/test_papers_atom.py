"""arXiv Atom feeds: 2016-format XML, the current format inside JSON wrappers, and bad feeds."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from scholardesk.sources.atom import read_atom_file

DATA = Path(__file__).resolve().parents[1] / "data" / "papers"


def test_classic_xml_with_journal_ref_and_doi(real_fixture: Callable[[str], Path]) -> None:
    feed = read_atom_file(real_fixture("arxiv/arxivpy_id_list_1111.2011v2.xml"))
    assert feed.errors == [] and feed.total_results == 1
    (r,) = feed.records
    assert (r.arxiv_id, r.arxiv_version) == ("1111.2011", 2)
    assert r.title == (
        "Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit"
    )
    assert r.authors == ("James M. Murray", "Adrian Del Maestro", "Zlatko Tesanovic")
    assert r.doi == "10.1103/physrevb.85.115117"
    assert r.venue == "Phys. Rev. B 85, 115117 (2012)"
    assert r.categories == ("cond-mat.str-el", "cond-mat.stat-mech")
    assert (r.published, r.updated, r.year) == ("2011-11-08", "2012-04-02", 2011)
    assert r.links["pdf"] == "http://arxiv.org/pdf/1111.2011v2"
    assert r.abstract.startswith("Theoretical description of anisotropic systems")


def test_search_feed_with_old_style_ids(real_fixture: Callable[[str], Path]) -> None:
    feed = read_atom_file(real_fixture("arxiv/arxivpy_search_au_del_maestro.xml"))
    assert feed.total_results == 31 and len(feed.records) == 10
    ids = [r.arxiv_id for r in feed.records]
    assert ids[:3] == ["1201.4869", "cond-mat/0412498", "cond-mat/0603029"]
    assert all(any("Del Maestro" in a for a in r.authors) for r in feed.records)


def test_json_wrapped_current_format(real_fixture: Callable[[str], Path]) -> None:
    feed = read_atom_file(real_fixture("arxiv/arxivpy_recorded_2026_q_testing_s0_m10.json"))
    assert feed.errors == []
    assert feed.total_results == 214881
    assert len(feed.records) == 10
    first = feed.records[0]
    assert first.arxiv_id == "2202.12139"
    assert first.title.startswith("Testing Deep Learning Models: A First Comparative Study")
    assert first.doi == "10.1109/icstw55395.2022.00035"
    assert first.categories == ("cs.SE", "cs.LG")
    second = feed.records[1]
    assert second.authors[0] == "Aurora Ramírez"  # mojibake in the recorded body, repaired
    ijsea = [r for r in feed.records if r.arxiv_id == "1202.4527"][0]
    assert ijsea.venue.startswith("International Journal of Software Engineering & Applications")

    single = read_atom_file(real_fixture("arxiv/arxivpy_recorded_2026_id_1707.08567.json"))
    (r,) = single.records
    assert (r.arxiv_id, r.arxiv_version, r.published) == ("1707.08567", 1, "2017-07-27")
    assert r.authors[0] == "Kees A. Schouhamer Immink"
    assert r.venue == "" and r.entry_type == "misc"


def test_broken_and_partial_feeds() -> None:
    broken = read_atom_file(DATA / "broken_feed.xml")
    assert broken.records == []
    (err,) = broken.errors
    assert err.record.startswith("line ") and "not a valid Atom feed" in err.message

    partial = read_atom_file(DATA / "partial_feed.xml")
    (r,) = partial.records
    assert r.title == "Synthetic & Doubly Escaped: A Test Entry"
    assert r.abstract == "Line one line two."
    assert r.links["pdf"] == "http://arxiv.org/pdf/2401.16650v2"
    assert r.categories == ("cs.SD", "eess.AS")
    (err,) = partial.errors
    assert err.record == "http://arxiv.org/abs/2401.00001v1" and "no title" in err.message


def test_json_wrapper_with_error_status(tmp_path: Path) -> None:
    path = tmp_path / "saved.json"
    path.write_text('{"url": "x", "status_code": 503, "body": "busy"}', encoding="utf-8")
    feed = read_atom_file(path)
    assert feed.records == [] and "HTTP 503" in feed.errors[0].message
