"""DOIs in the forms BibTeX files and pasted links carry them."""

from __future__ import annotations

import pytest

from scholardesk.domain.paper_ids import normalise_doi, parse_identifier


@pytest.mark.parametrize(
    ("text", "doi"),
    [
        ("http://doi.acm.org/10.1145/1015330.1015332", "10.1145/1015330.1015332"),
        ("https://dx.doi.org/10.1016/j.aop.2008.08.003", "10.1016/j.aop.2008.08.003"),
        ("https://www.doi.org/10.1038/srep16696", "10.1038/srep16696"),
        ("http://doi.ieeecomputersociety.org/10.1109/TPAMI.2010.1", "10.1109/tpami.2010.1"),
        ("doi:10.1038/srep16696", "10.1038/srep16696"),
        ("DOI: 10.1038/srep16696", "10.1038/srep16696"),
        ("DOI 10.1038/srep16696", "10.1038/srep16696"),
        ("https://dl.acm.org/doi/abs/10.1145/3290605.3300233?casa_token=x", "10.1145/3290605.3300233"),
        ("https://onlinelibrary.wiley.com/doi/full/10.1002/asi.24100#sec1", "10.1002/asi.24100"),
        ("https://doi.org/10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0",
         "10.1002/(sici)1097-4571(199806)49:8<693::aid-asi4>3.0.co;2-0"),
        ("https://example.org/files/10.1145/not-a-doi", None),  # a web page is not a resolver
        ("https://arxiv.org/abs/2401.16650", None),
    ],
)
def test_doi_urls_and_prefixes_become_the_bare_doi(text: str, doi: str | None) -> None:
    assert normalise_doi(text) == doi


def test_a_pasted_publisher_link_is_a_doi() -> None:
    ident = parse_identifier("http://doi.acm.org/10.1145/1015330.1015332")
    assert ident is not None and (ident.kind, ident.value) == ("doi", "10.1145/1015330.1015332")
