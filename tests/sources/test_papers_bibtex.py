"""The BibTeX reader on the real fixtures (biblatex, GB/T 7714 Chinese, Zotero) and bad input."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from scholardesk.domain.papers import Paper
from scholardesk.sources.bibtex import parse_bibtex, read_bibtex_file, split_names, write_bibtex

DATA = Path(__file__).resolve().parents[1] / "data" / "papers"


def _by_key(result: object) -> dict[str, object]:
    return {r.record_ref: r for _, r in result.records}  # type: ignore[attr-defined]


def test_thuthesis_chinese_gbt7714(real_fixture: Callable[[str], Path]) -> None:
    result = read_bibtex_file(real_fixture("bibtex/thuthesis_refs_zh.bib"))
    assert result.errors == []
    assert len(result.records) == 34
    recs = _by_key(result)
    zk = recs["zhangkun1994"]
    assert zk.title == "机器人柔性手腕的球面齿轮设计研究"
    assert zk.authors == ("张昆", "冯立群", "余昌钰")  # "and others" dropped
    assert (zk.year, zk.venue) == (1994, "清华大学学报: 自然科学版")
    assert zk.extra["pages"] == "1--7"
    assert recs["wangfuzhi1865songlun"].year == 1865  # "1865（清同治四年）"
    assert recs["tushuguan1957tushuguanxue"].year == 1957  # "1957/1990"
    assert recs["merkt1995rotational"].authors[0] == "Frédéric Merkt"
    assert recs["atkinson1982experimental"].authors[2] == "W Demtröder"
    assert recs["who1970factors"].authors == ("World Health Organization",)
    assert recs["peebles2001probability"].authors == ("Peyton Z. Peebles Jr",)
    assert recs["taylor1981study"].title == "A study of the excited 1Σg+ states in Na2"
    assert recs["zhaoyaodong1998xinshidai"].links["url"] == "http://www.ie.nthu.edu.tw/info/ie.newie.htm"


def test_biblatex_examples_macros_accents_and_eprints(real_fixture: Callable[[str], Path]) -> None:
    result = read_bibtex_file(real_fixture("bibtex/biblatex-examples.bib"))
    assert result.errors == []
    assert len(result.records) == 90  # 100 entries - 8 @string - 2 @set
    assert result.skipped == 2
    recs = _by_key(result)
    aksin = recs["aksin"]
    assert aksin.venue == "J. Organomet. Chem."  # @string jomch, ~ turned into a space
    assert aksin.authors[:4] == ("Özge Aksın", "Hayati Türkmen", "Levent Artok", "Bekir Çetinkaya")
    assert aksin.year == 2006
    baez = recs["baez/article"]
    assert (baez.arxiv_id, baez.arxiv_version) == ("math/0307200", 3)
    assert recs["wassenberg"].arxiv_id == "1008.2849"
    assert recs["wassenberg"].categories == ("cs.DS",)
    assert recs["angenendt"].venue == "Revue d'Histoire Ecclésiastique"
    # crossref inheritance: the child gets the collection's title as booktitle
    assert recs["westfahl:space"].venue == "Space and Beyond"
    assert recs["westfahl:space"].title.startswith("The True Frontier: Confronting")


def test_zotero_export_and_utf8_names(real_fixture: Callable[[str], Path]) -> None:
    recs = _by_key(read_bibtex_file(real_fixture("bibtex/tensorboard-reducer_paper_references.bib")))
    assert recs["abadi_tensorflow_2015"].authors[0] == "Martín Abadi"
    assert recs["abadi_tensorflow_2015"].title.startswith("TensorFlow: Large-scale")
    fey = recs["fey_fast_2019"]
    assert fey.arxiv_id == "1903.02428" and fey.doi is None  # arXiv DOI → arXiv id
    assert recs["harris_array_2020"].doi == "10.1038/s41586-020-2649-2"
    assert recs["harris_array_2020"].venue == "Nature"
    assert recs["harris_array_2020"].year == 2020


def test_three_articles(real_fixture: Callable[[str], Path]) -> None:
    recs = _by_key(read_bibtex_file(real_fixture("bibtex/pubs_three_articles.bib")))
    assert recs["Schrodinger_1935"].authors == ("E. Schrödinger", "M. Born")
    assert recs["Einstein_1935"].doi == "10.1103/physrev.47.777"
    assert recs["Einstein_1935"].extra["month"] == "may"  # braced: literal
    assert recs["Bell_1964"].venue == "Physics Physique физика"


def test_malformed_entries_are_reported_with_line_and_the_rest_read() -> None:
    path = DATA / "malformed.bib"
    result = read_bibtex_file(path)
    assert [r.record_ref for _, r in result.records] == ["good1", "notitle", "good2"]
    assert [(e.source, e.record) for e in result.errors] == [
        (str(path), "line 9 (broken_brace)"),
        (str(path), "line 14 (missing_comma)"),
    ]
    assert "brace is not closed" in result.errors[0].message
    assert "comma is missing after field 'title'" in result.errors[1].message
    good2 = _by_key(result)["good2"]
    assert good2.title == "Quoted Title with a & sign"
    assert good2.links["url"] == "http://example.org/paper.pdf"
    assert good2.extra["month"] == "6"
    assert _by_key(result)["good1"].authors == ("Hans Müller", "A. Others")


def test_names_split_on_and_outside_braces() -> None:
    assert split_names("A and {B and C Inc.} and D") == ["A", "{B and C Inc.}", "D"]
    assert split_names("Anderson, X and Sandberg, Y") == ["Anderson, X", "Sandberg, Y"]


def test_written_bibtex_reads_back_the_same() -> None:
    papers = [
        Paper(id=1, title="Weights & Biases: 100% of {x}", authors=("Ann Müller", "World Health Organization Geneva Office"),
              year=2020, venue="Proc. of Tests", entry_type="inproceedings",
              doi="10.1234/abc_def", arxiv_id="2401.16650", arxiv_version=2, categories=("cs.SD",),
              extra={"pages": "1--7"}, links={"code": "https://github.com/x/y"}),
        Paper(id=2, title="机器人", authors=("张昆",), year=1994, bibtex_key="zk1994"),
    ]
    text = "".join(write_bibtex(papers))
    back = parse_bibtex(text)
    assert back.errors == []
    a, b = (r for _, r in back.records)
    assert a.title == "Weights & Biases: 100% of x"
    assert a.authors == papers[0].authors
    assert (a.doi, a.arxiv_id, a.arxiv_version, a.venue) == ("10.1234/abc_def", "2401.16650", 2, "Proc. of Tests")
    assert a.links["code"] == "https://github.com/x/y"
    assert (b.title, b.authors, b.bibtex_key) == ("机器人", ("张昆",), "zk1994")


def test_editors_and_urldate_are_kept_for_citations_and_the_export() -> None:
    text = r"""
@inproceedings{conf1,
  author = {Zhang, Wei and Smith, John}, title = {A fast method},
  editor = {Brown, Alice and Green, Bob},
  booktitle = {Proceedings of the 10th Conference on Things},
  address = {Berlin}, publisher = {Springer}, year = {2020}, pages = {10--20},
}
@online{web1,
  author = {Bawden, David}, title = {Origins and concepts of digital literacy},
  url = {http://www.soi.city.ac.uk/~dbawden/digital%20literacy%20chapter.pdf},
  date = {2008-05-04}, urldate = {2013-03-08},
}
"""
    records = _by_key(parse_bibtex(text))
    conf, web = records["conf1"], records["web1"]
    assert conf.extra["editor"] == "Brown, Alice and Green, Bob"  # type: ignore[attr-defined]
    assert conf.authors == ("Wei Zhang", "John Smith")  # type: ignore[attr-defined]
    assert web.extra["urldate"] == "2013-03-08"  # type: ignore[attr-defined]

    paper = Paper(id=1, title="A fast method", authors=("Wei Zhang",), entry_type="inproceedings",
                  extra={"editor": "Brown, Alice", "urldate": "2024-01-02"})
    written = "".join(write_bibtex([paper]))
    assert "editor = {Brown, Alice}" in written and "urldate = {2024-01-02}" in written
