"""The CCF catalogue PDF parser on the real 2022 catalogue (73 pages, parsed once per session)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from scholardesk.core.errors import InputError
from scholardesk.domain.venues import CATEGORIES, CONFERENCE, JOURNAL
from scholardesk.sources.ccf_pdf import CcfParseResult, parse_ccf_pdf

PDF = "ccfddl/.readme_assets/ccf_recommended_2022.pdf"

# Counted by inspection of the PDF: the last 序号 of each table, minus struck-out rows.
EXPECTED = {
    JOURNAL: {
        "DS": (6, 9, 13), "NW": (3, 6, 11), "SC": (3, 4, 9), "SE": (4, 12, 9),
        "DB": (4, 13, 15), "CT": (3, 13, 11), "CG": (3, 10, 13), "AI": (4, 21, 37),
        "HI": (2, 7, 4), "MX": (3, 15, 14),
    },
    CONFERENCE: {
        "DS": (10, 26, 26), "NW": (4, 10, 20), "SC": (6, 11, 26), "SE": (10, 19, 27),
        "DB": (5, 12, 13), "CT": (5, 9, 11), "CG": (4, 13, 15), "AI": (7, 13, 20),
        "HI": (4, 7, 13), "MX": (3, 6, 10),
    },
}


def ccf_pdf_path() -> Path:
    """Like conftest's real_fixture, usable from a session-scoped fixture."""
    root = Path(os.environ.get(
        "SCHOLARDESK_FIXTURES", Path(__file__).resolve().parents[2].parent / "shared" / "fixtures"
    ))
    path = root / PDF
    if not path.exists():
        message = f"real-data fixture {path} is absent (set SCHOLARDESK_FIXTURES)"
        if os.environ.get("SCHOLARDESK_REQUIRE_FIXTURES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path


def parsed_catalogue(config: pytest.Config) -> CcfParseResult:
    """The real catalogue, parsed once per test session (cached on the pytest config, so
    every venues test module shares one parse)."""
    cached: CcfParseResult | None = getattr(config, "_venues_ccf2022", None)
    if cached is None:
        cached = parse_ccf_pdf(ccf_pdf_path())
        config._venues_ccf2022 = cached  # type: ignore[attr-defined]
    return cached


@pytest.fixture(scope="session")
def ccf2022(request: pytest.FixtureRequest) -> CcfParseResult:
    return parsed_catalogue(request.config)


def by(result: CcfParseResult, **fields: str) -> list:  # type: ignore[type-arg]
    return [e for e in result.entries if all(getattr(e, k) == v for k, v in fields.items())]


def test_every_table_has_the_counted_number_of_rows(ccf2022: CcfParseResult) -> None:
    counts = ccf2022.counts()
    for kind, per_category in EXPECTED.items():
        for code, ranks in per_category.items():
            got = tuple(counts.get((kind, code, rank), 0) for rank in "ABC")
            assert got == ranks, (kind, code)
    assert len(ccf2022.entries) == 646
    assert sum(counts.values()) == 646
    assert {e.category for e in ccf2022.entries} == {c.code for c in CATEGORIES}
    assert ccf2022.edition == "2022"
    assert ccf2022.pages == 73
    assert ccf2022.warnings == []  # 序号 run 1..n in every table, across page breaks


def test_ai_a_conferences(ccf2022: CcfParseResult) -> None:
    rows = by(ccf2022, kind=CONFERENCE, category="AI", rank="A")
    assert [e.abbr for e in rows] == ["AAAI", "NeurIPS", "ACL", "CVPR", "ICCV", "ICML", "IJCAI"]
    assert [e.serial for e in rows] == list(range(1, 8))
    neurips = rows[1]
    assert neurips.name == "Conference on Neural Information Processing Systems"
    assert neurips.publisher == "MIT Press"
    assert neurips.dblp_url == "http://dblp.uni-trier.de/db/conf/nips/"
    assert neurips.dblp_key == "conf/nips"
    assert rows[3].name == "IEEE/CVF Computer Vision and Pattern Recognition Conference"


def test_wrapped_names_missing_abbreviations_and_split_urls(ccf2022: CcfParseResult) -> None:
    # a name wrapped over two lines
    tocs = by(ccf2022, abbr="TCAD")[0]
    assert tocs.name == "IEEE Transactions on Computer-Aided Design of Integrated Circuits and Systems"
    # wrapped after a hyphen: joined without a space
    pacmhci = by(ccf2022, abbr="PACMHCI")[0]
    assert pacmhci.name == "Proceedings of the ACM on Human-Computer Interaction"
    # a wrapped abbreviation ("CCF-" / "THPC")
    assert by(ccf2022, abbr="CCF-THPC")[0].name == "CCF Transactions on High Performance Computing"
    # a URL split over two lines
    assert by(ccf2022, abbr="TSMC")[0].dblp_url == "https://dblp.org/db/journals/tsmc/tsmc12.html"
    # rows without an abbreviation
    nn = by(ccf2022, name="Neural Networks")
    assert len(nn) == 1 and nn[0].abbr == "" and nn[0].kind == JOURNAL and nn[0].rank == "B"
    assert nn[0].dblp_key == "journals/nn"
    # a three-line name in the SIGCOMM row
    sigcomm = by(ccf2022, abbr="SIGCOMM")[0]
    assert sigcomm.name == ("ACM International Conference on Applications, Technologies, "
                            "Architectures, and Protocols for Computer Communication")
    # '&' kept, no HTML entities
    assert by(ccf2022, abbr="DKE")[0].name == "Data & Knowledge Engineering"


def test_categories_are_normalised_whatever_the_heading_style(ccf2022: CcfParseResult) -> None:
    # DB conferences: "(数据库／数据挖掘／内容检索)" with full-width slashes in the PDF
    assert [e.abbr for e in by(ccf2022, kind=CONFERENCE, category="DB", rank="A")] == [
        "SIGMOD", "SIGKDD", "ICDE", "SIGIR", "VLDB"
    ]
    # HI journals sit under "中国计算机学会推荐国际学术刊物" (刊物, not 期刊)
    assert [e.abbr for e in by(ccf2022, kind=JOURNAL, category="HI", rank="A")] == [
        "TOCHI", "IJHCS"
    ]
    # DS conferences: a category line without brackets
    assert by(ccf2022, kind=CONFERENCE, category="DS", rank="A")[0].abbr == "PPoPP"


def test_marks_against_the_2019_edition(ccf2022: CcfParseResult) -> None:
    removed = {(e.abbr, e.category, e.rank) for e in ccf2022.removed}
    assert removed == {("MICPRO", "DS", "C"), ("LISP", "CT", "C"), ("TSLP", "AI", "B")}
    assert not by(ccf2022, abbr="MICPRO")
    assert by(ccf2022, abbr="TACL")[0].note == "new"  # red in the PDF
    assert by(ccf2022, abbr="NAACL")[0].note == "upgraded"  # highlighted
    assert sum(1 for e in ccf2022.entries if e.note.startswith("new")) == 37
    assert sum(1 for e in ccf2022.entries if e.note == "upgraded") == 10


def test_venues_listed_in_two_categories(ccf2022: CcfParseResult) -> None:
    tomm = [(e.category, e.rank) for e in ccf2022.entries if e.abbr == "TOMM"]
    assert sorted(tomm) == [("CG", "B"), ("NW", "B")]


def test_a_pdf_that_is_not_the_catalogue(real_fixture: Callable[[str], Path]) -> None:
    other = real_fixture("pdf/cermine_example2_bmc_hsr_2014.pdf")
    with pytest.raises(InputError, match="not the CCF catalogue"):
        parse_ccf_pdf(other)


def test_a_file_that_is_not_a_pdf(tmp_path: Path) -> None:
    fake = tmp_path / "catalogue.pdf"
    fake.write_text("序号,刊物简称\n1,TOCS\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a PDF"):
        parse_ccf_pdf(fake)


def test_a_truncated_catalogue_is_refused(tmp_path: Path) -> None:
    data = ccf_pdf_path().read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: len(data) // 3])
    with pytest.raises(InputError):
        parse_ccf_pdf(cut)


def test_remarks_in_names_are_split_off(ccf2022: CcfParseResult) -> None:
    tools = by(ccf2022, abbr="TOOLS")[0]
    assert tools.name == "International Conference on Objects, Models, Components, Patterns"
    assert tools.note == "2019年停办"
