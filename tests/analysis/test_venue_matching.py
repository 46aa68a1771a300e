"""Venue matching against the real CCF 2022 catalogue."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from scholardesk.analysis.venue_matching import VenueMatcher
from scholardesk.domain.venues import CcfRank, Venue

_spec = importlib.util.spec_from_file_location(
    "venues_ccf_pdf_tests", Path(__file__).resolve().parents[1] / "sources" / "test_ccf_pdf.py"
)
assert _spec and _spec.loader
_ccf_tests = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_ccf_tests)


@pytest.fixture(scope="module")
def matcher(request: pytest.FixtureRequest) -> VenueMatcher:
    parsed = _ccf_tests.parsed_catalogue(request.config)
    venues: dict[tuple[str, str], Venue] = {}
    for i, e in enumerate(parsed.entries, 1):
        key = (e.kind, e.name)
        if key not in venues:
            venues[key] = Venue(i, e.kind, e.abbr, e.name, e.publisher, e.dblp_key, e.dblp_url,
                                CcfRank(e.edition, e.category, e.rank))
    return VenueMatcher(list(venues.values()))


@pytest.mark.parametrize(
    ("query", "abbr", "name", "kind", "rank", "method"),
    [
        ("NIPS", "NeurIPS", None, "conference", "A", "alias"),
        ("NeurIPS 2023", "NeurIPS", None, "conference", "A", "abbr"),
        ("Advances in Neural Information Processing Systems", "NeurIPS", None, "conference", "A", None),
        ("Advances in Neural Information Processing Systems 36", "NeurIPS", None, "conference", "A", None),
        ("Proc. CVPR", "CVPR", None, "conference", "A", "abbr"),
        ("IEEE Trans. Pattern Anal. Mach. Intell.", "TPAMI", None, "journal", "A", None),
        ("IEEE Trans. Knowl. Data Eng.", "TKDE", None, "journal", "A", None),
        ("Neural Networks", "", "Neural Networks", "journal", "B", "exact"),
        ("neural networks", "", "Neural Networks", "journal", "B", "exact"),
        ("International Conference on Artificial Neural Networks", "ICANN", None, "conference", "C", "exact"),
        ("Pattern Recognition", "PR", None, "journal", "B", "exact"),
        ("Pattern Recognition Letters", "PRL", None, "journal", "C", "exact"),
        ("Machine Learning", "", "Machine Learning", "journal", "B", "exact"),
        ("Proceedings of the 37th AAAI Conference on Artificial Intelligence", "AAAI", None, "conference", "A", "exact"),
        ("In: Proc. of ICML 2021", "ICML", None, "conference", "A", "abbr"),
        ("European Conference on Computer Vision (ECCV)", "ECCV", None, "conference", "B", "exact"),
        ("Proceedings of the IEEE Conference on Computer Vision and Pattern Recognition (CVPR)",
         "CVPR", None, "conference", "A", None),
        ("conf/nips", "NeurIPS", None, "conference", "A", "dblp"),
        ("Internatonal Conference on Machine Learnng", "ICML", None, "conference", "A", "fuzzy"),
        ("Data &amp; Knowledge Engineering", "DKE", None, "journal", "B", "exact"),
    ],
)
def test_resolves(matcher: VenueMatcher, query: str, abbr: str, name: str | None, kind: str,
                  rank: str, method: str | None) -> None:
    found = matcher.match(query)
    assert found is not None, query
    assert found.venue.abbr == abbr
    assert found.venue.kind == kind
    assert found.venue.ccf is not None and found.venue.ccf.rank == rank
    if name:
        assert found.venue.name == name
    if method:
        assert found.method == method
    assert 0.85 <= found.confidence <= 1.0


@pytest.mark.parametrize(
    "query",
    ["ICLR", "CVPR Workshops", "arXiv preprint arXiv:2301.00001", "Nature", "Networks and",
     "Artificial Neural", "", "   ", "IEEE Transactions"],
)
def test_no_guessing(matcher: VenueMatcher, query: str) -> None:
    assert matcher.match(query) is None


def test_exact_beats_fuzzy_and_never_a_longer_name(matcher: VenueMatcher) -> None:
    # "Neural Networks" is a substring of ICANN, IJCNN and TNNLS: it must stay the journal
    nn = matcher.match("Neural Networks")
    assert nn is not None and nn.confidence == 1.0 and nn.venue.abbr == ""
    # a fuzzy match is never as confident as an exact one
    typo = matcher.match("Internatonal Conference on Machine Learnng")
    exact = matcher.match("International Conference on Machine Learning")
    assert typo is not None and exact is not None
    assert typo.confidence < exact.confidence == 1.0


def test_shared_abbreviations_lower_the_confidence(matcher: VenueMatcher) -> None:
    # AAMAS is a B journal and a B conference
    found = matcher.match("AAMAS")
    assert found is not None and found.confidence < 0.85


def test_many_strings_are_fast(matcher: VenueMatcher) -> None:
    import time

    queries = [f"Proceedings of Some Unknown Workshop number {i}" for i in range(300)]
    start = time.perf_counter()
    matcher.match_many(queries)
    assert time.perf_counter() - start < 2.0  # the benchmark measures the real number
