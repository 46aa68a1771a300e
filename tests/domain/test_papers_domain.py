"""Identifiers, text cleaning, dedupe keys and merging of papers."""

from __future__ import annotations

import pytest

from scholardesk.domain.paper_ids import (
    ArxivId,
    looks_like_bibtex,
    normalise_doi,
    parse_arxiv_id,
    parse_identifier,
)
from scholardesk.domain.papers import (
    Paper,
    PaperRecord,
    citation_gbt7714,
    dedupe_keys,
    merge_record,
    parse_year,
    same_content,
    title_key,
)
from scholardesk.domain.text_clean import clean_text, fix_url, latex_to_unicode, surname


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2401.16650", ArxivId("2401.16650")),
        ("arXiv:2401.16650v2", ArxivId("2401.16650", 2)),
        ("https://arxiv.org/abs/2401.16650", ArxivId("2401.16650")),
        ("https://arxiv.org/pdf/2401.16650v1.pdf", ArxivId("2401.16650", 1)),
        ("http://arxiv.org/pdf/2401.16650v3", ArxivId("2401.16650", 3)),
        ("https://http://arxiv.org/abs/1706.03762", ArxivId("1706.03762")),
        ("hep-th/9901001", ArxivId("hep-th/9901001")),
        ("arXiv:cond-mat/0412498v1", ArxivId("cond-mat/0412498", 1)),
        ("math.GT/0309136", ArxivId("math.GT/0309136")),
        ("10.48550/arXiv.1903.02428", ArxivId("1903.02428")),
        ("1234.5", None),
        ("10.1103/PhysRevB.85.115117", None),
        ("", None),
    ],
)
def test_arxiv_ids_in_every_form(text: str, expected: ArxivId | None) -> None:
    assert parse_arxiv_id(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10.1103/PhysRevB.85.115117", "10.1103/physrevb.85.115117"),
        ("doi:10.1038/srep16696", "10.1038/srep16696"),
        ("https://doi.org/10.1103%2Fphysrev.47.777", "10.1103/physrev.47.777"),
        ("http://dx.doi.org/10.1016/j.aop.2008.08.003.", "10.1016/j.aop.2008.08.003"),
        ("not a doi", None),
    ],
)
def test_dois_are_normalised(text: str, expected: str | None) -> None:
    assert normalise_doi(text) == expected


def test_identifier_kinds() -> None:
    assert parse_identifier("arXiv:2401.16650v2") is not None
    ident = parse_identifier("https://doi.org/10.1038/srep16696")
    assert ident is not None and (ident.kind, ident.value) == ("doi", "10.1038/srep16696")
    assert parse_identifier("hello") is None
    assert looks_like_bibtex("@article{x, title={y}}")
    assert not looks_like_bibtex("2401.16650 10.1038/x")


def test_clean_text_unescapes_entities_and_repairs_mojibake() -> None:
    assert clean_text("Tom&#39;s  &amp;amp;\n model") == "Tom's & model"
    assert clean_text("Aurora Ram\u00c3\u00adrez") == "Aurora Ramírez"
    assert clean_text("São Paulo") == "São Paulo"


def test_fix_url_repairs_doubled_schemes() -> None:
    assert fix_url("https://http://arxiv.org/abs/1706.03762") == "http://arxiv.org/abs/1706.03762"
    assert fix_url("http:/example.org/x") == "http://example.org/x"
    assert fix_url("www.example.org") == "https://www.example.org"
    assert fix_url("https://a.org/?a=1&amp;b=2") == "https://a.org/?a=1&b=2"


@pytest.mark.parametrize(
    ("latex", "unicode"),
    [
        ("Fr{\\'e}d{\\'e}ric", "Frédéric"),
        ('Demtr{\\"o}der', "Demtröder"),
        ("Aks{\\i}n, {\\\"O}zge", "Aksın, Özge"),
        ("{\\c{C}}etinkaya", "Çetinkaya"),
        ("Erd\\H{o}s", "Erdős"),
        ("\\v{S}koda", "Škoda"),
        ("Use Weights \\& Biases", "Use Weights & Biases"),
        ("A study of the excited {1$\\Sigma$g+} states", "A study of the excited 1Σg+ states"),
        ("In Honore Salvatoris~-- Vom Sinn", "In Honore Salvatoris – Vom Sinn"),
        ("{\\cyrchar\\cyrf}{\\cyrchar\\cyri}", "фи"),
        ("An \\texttt{article} entry", "An article entry"),
        ("{{TensorFlow}}: {{Large-scale}} ML", "TensorFlow: Large-scale ML"),
        ("plain text", "plain text"),
    ],
)
def test_latex_to_unicode(latex: str, unicode: str) -> None:
    assert latex_to_unicode(latex) == unicode


def test_surnames() -> None:
    assert surname("Adrian Del Maestro") == "Maestro"
    assert surname("Peyton Z. Peebles Jr") == "Peebles"
    assert surname("Merkt, Frédéric") == "Merkt"
    assert surname("张昆") == "张昆"


def test_odd_years() -> None:
    assert parse_year("1865（清同治四年）") == 1865
    assert parse_year("1957/1990") == 1957
    assert parse_year("2020-09") == 2020
    assert parse_year("n.d.") is None


def test_title_keys_match_titles_written_differently() -> None:
    a = title_key("Attention Is All You Need", ["Ashish Vaswani"], 2017)
    b = title_key("Attention is all you need.", ["Vaswani, Ashish"], 2017)
    assert a == b
    assert title_key("宋论", ["王夫之"], 1865) is not None
    assert title_key("AB", [], None) is None


def _rec(**kw: object) -> PaperRecord:
    base: dict[str, object] = {"title": "T", "source_kind": "test", "source_ref": "x"}
    base.update(kw)
    return PaperRecord(**base)  # type: ignore[arg-type]


def test_merge_keeps_the_richest_fields_and_is_idempotent() -> None:
    v1 = _rec(title="Paper", authors=("A B",), arxiv_id="2401.16650", arxiv_version=1,
              abstract="short", categories=("cs.CL",))
    bib = _rec(title="Paper", authors=("A B", "C D"), doi="10.1/x", venue="ACL 2024",
               abstract="a much longer abstract", links={"code": "https://github.com/x"})
    v2 = _rec(title="Paper", arxiv_id="2401.16650", arxiv_version=2, categories=("cs.SD",))
    merged = merge_record(merge_record(v1, bib), v2)
    assert merged.authors == ("A B", "C D")
    assert merged.abstract == "a much longer abstract"
    assert (merged.doi, merged.venue, merged.arxiv_version) == ("10.1/x", "ACL 2024", 2)
    assert merged.categories == ("cs.CL", "cs.SD")
    assert merged.links["code"] == "https://github.com/x"
    assert same_content(merge_record(merged, bib), merged)
    assert same_content(merge_record(merged, v1), merged)
    assert set(dedupe_keys(merged)) == {"arxiv_id", "doi", "title_key"}


def test_gbt7714_citation() -> None:
    p = Paper(id=1, title="机器人柔性手腕的球面齿轮设计研究", authors=("张昆", "冯立群", "余昌钰", "X"),
              year=1994, venue="清华大学学报: 自然科学版",
              extra={"volume": "34", "number": "2", "pages": "1--7"})
    assert citation_gbt7714(p) == (
        "张昆, 冯立群, 余昌钰, 等. 机器人柔性手腕的球面齿轮设计研究[J]. "
        "清华大学学报: 自然科学版, 1994, 34(2): 1-7."
    )
