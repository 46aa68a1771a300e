"""Citations: GB/T 7714—2015 against the standard's own examples, APA 7th and IEEE, one parsed
view of a paper (names with particles, arXiv ``journal_ref`` parsed into the real journal)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from scholardesk.core.errors import InputError
from scholardesk.domain.citations import (
    STYLES,
    Name,
    format_citation,
    parse_name,
    parse_venue_ref,
    work_of,
)
from scholardesk.domain.papers import Paper, PaperRecord, citation_gbt7714
from scholardesk.sources.atom import parse_atom, read_atom_file
from scholardesk.sources.bibtex import entry_to_record, parse_bibtex_entries

CITED = date(2024, 1, 2)


def _paper(r: PaperRecord, **extra: str) -> Paper:
    return Paper(
        id=1, title=r.title, authors=r.authors, year=r.year, doi=r.doi, arxiv_id=r.arxiv_id,
        arxiv_version=r.arxiv_version, venue=r.venue, entry_type=r.entry_type,
        published=r.published, updated=r.updated, links=r.links, extra={**r.extra, **extra},
    )


# --- GB/T 7714—2015: the standard's examples ---------------------------------------------------
#
# The fixture holds the standard's example references as BibTeX entries (the inputs); the
# expected strings below are the entries as the standard prints them.
#
# What the comparison normalises, and why:
# - punctuation width: the standard prescribes the marks (". " ", " ": " "//" "[J]") but its
#   Chinese sources print full-width ones inside titles and journal names ("（自然科学版）",
#   "蓝田生物群：…") where the standard's examples set half-width ones; the width is the
#   typesetter's choice, so "：（），" compare equal to ": ( ) , ";
# - the space after "DOI:": the examples set it tight ("DOI:10.…"), we print "DOI: 10.…" as
#   elsewhere after a colon in an entry ("2012, 57(34): 3219").
# - title case: titles are transcribed as the source gives them (8.2); the fixture's entries
#   title-case Western titles for a style package that sentence-cases them, so those cases give
#   the title as the standard transcribes it and the test formats that title.
# Editor and urldate come through the BibTeX importer, as a user's import keeps them.

GBT_EXAMPLES = [
    ("gbt7714.4.4.2:6", "Shaking without quaking",
     "KANAMORI H. Shaking without quaking[J]. Science, 1998, 279(5359): 2063."),
    ("gbt7714.4.4.2:1", None,
     "袁训来, 陈哲, 肖书海, 等. 蓝田生物群: 一个认识多细胞生物起源和早期演化的新窗口[J]. "
     "科学通报, 2012, 57(34): 3219."),
    ("gbt7714.4.4.2:8", "Next-generation sequencing: from understanding biology to personalized medicine",
     "FRESE K S, KATUS H A, MEDER B. Next-generation sequencing: from understanding biology to "
     "personalized medicine[J/OL]. Biology, 2013, 2(1): 378-398[2013-03-19]. "
     "http://www.mdpi.com/2079-7737/2/1/378. DOI:10.3390/biology2010378."),
    ("gbt7714.A.8:1", None, "杨洪升. 四库馆私家抄校书考略[J]. 文献, 2013(1): 56-75."),
    ("gbt7714.A.8:3", None,
     "于潇, 刘义, 柴跃廷, 等. 互联网药品可信交易环境中主体资质审核备案模式[J]. "
     "清华大学学报(自然科学版), 2012, 52(11): 1518-1523."),
    ("gbt7714.A.8:4", None,
     "陈建军. 从数字地球到智慧地球[J/OL]. 国土资源导刊, 2010, 7(10): 93[2013-03-20]. "
     "http://d.g.wanfangdata.com.cn/Periodical_hunandz201010038.aspx. "
     "DOI:10.3969/j.issn.1672-5603.2010.10.038."),
    ("gbt7714.A.8:5", "Carbon isotope evidence for the stepwise oxidation of the Proterozoic environment",
     "DES MARAIS D J, STRAUSS H, SUMMONS R E, et al. Carbon isotope evidence for the stepwise "
     "oxidation of the Proterozoic environment[J]. Nature, 1992, 359: 605-609."),
    ("gbt7714.4.1.2:5", None, "徐光宪, 王祥云. 物质结构[M]. 北京: 科学出版社, 2010."),
    ("gbt7714.A.4:2", None,
     "吴云芳. 面向中文信息处理的现代汉语并列结构研究[D/OL]. 北京: 北京大学, 2003[2013-10-14]. "
     "http://thesis.lib.pku.edu.cn/dlib/List.asp?lang=gb&type=Reader&DocGroupID=4&DocID=6328."),
    ("gbt7714.10.2.4:1", None,
     "张忠智. 科技书刊的总编(主编)的角色要求[C]//中国科学技术期刊编辑学会. "
     "中国科学技术期刊编辑学会建会十周年学术研讨会论文汇编. "
     "北京: 中国科学技术期刊编辑学会学术委员会, 1997: 33-34."),
    ("gbt7714.A.7:3", None,
     "汪学军. 中国农业转基因生物研发进展与安全管理[C]//国家环境保护总局生物安全管理办公室. "
     "中国国家生物安全框架实施国际合作项目研讨会论文集. 北京: 中国环境科学出版社, 2002: 22-25."),
    ("gbt7714.4.6.2:3", "Origins and concepts of digital literacy",
     "BAWDEN D. Origins and concepts of digital literacy[EB/OL]. (2008-05-04)[2013-03-08]. "
     "http://www.soi.city.ac.uk/~dbawden/digital%20literacy%20chapter.pdf."),
    ("gbt7714.4.6.2:5", "UNIMARC and metadata: Dublin Core",
     "HOPKINSON A. UNIMARC and metadata: Dublin Core[EB/OL]. (2009-04-22)[2013-03-27]. "
     "http://archive.ifla.org/IV/ifla64/138-161e.htm."),
    ("gbt7714.A.3:5", "Factors regulating the immune response: report of WHO Scientific Group",
     "World Health Organization. Factors regulating the immune response: report of WHO "
     "Scientific Group[R]. Geneva: WHO, 1970."),
]


def _typeset_free(text: str) -> str:
    for full, half in (("：", ": "), ("（", "("), ("）", ")"), ("，", ", ")):
        text = text.replace(full, half)
    text = re.sub(r"DOI:\s*", "DOI:", text)
    return " ".join(text.split())


@pytest.fixture
def gbt_entries(real_fixture: Callable[[str], Path]) -> dict[str, Paper]:
    path = real_fixture("gbt7714/gbt7714-2015-examples.bib")
    parsed = parse_bibtex_entries(path.read_text(encoding="utf-8"), str(path))
    papers = {}
    for entry in parsed.entries:
        papers[entry.key] = _paper(entry_to_record(entry, str(path)))
    return papers


def test_the_fixture_holds_the_standards_examples(real_fixture: Callable[[str], Path]) -> None:
    text = real_fixture("gbt7714/gbt7714-2015-examples.bib").read_text(encoding="utf-8")
    assert text.count("\n@") == 224
    assert "GB/T 7714—2015" in text.splitlines()[0]


@pytest.mark.parametrize(("key", "title", "standard"), GBT_EXAMPLES, ids=[k for k, _, _ in GBT_EXAMPLES])
def test_gbt7714_prints_the_standards_example(
    gbt_entries: dict[str, Paper], key: str, title: str | None, standard: str
) -> None:
    paper = gbt_entries[key]
    if title is not None:
        paper = replace(paper, title=title)
    assert _typeset_free(format_citation(paper, "gbt7714", CITED)) == _typeset_free(standard)


def test_gbt7714_example_comparison_is_not_blind_to_what_the_standard_fixes(
    gbt_entries: dict[str, Paper],
) -> None:
    """The normalisation only forgives punctuation width: names, order and marks still count."""
    text = format_citation(gbt_entries["gbt7714.A.8:3"], "gbt7714", CITED)
    assert _typeset_free(text) != _typeset_free(text.replace(", 等", ", et al."))
    assert _typeset_free(text) != _typeset_free(text.replace("52(11)", "52, 11"))


# --- the issue's case: an arXiv paper with a journal_ref ---------------------------------------

@pytest.fixture
def murray(real_fixture: Callable[[str], Path]) -> Paper:
    feed = read_atom_file(real_fixture("arxiv/arxivpy_id_list_1111.2011v2.xml"))
    (record,) = feed.records
    assert (record.venue, record.year) == ("Phys. Rev. B 85, 115117 (2012)", 2011)
    return _paper(record)


def test_gbt7714_for_an_arxiv_paper_names_the_journal_and_the_publication_year(murray: Paper) -> None:
    assert format_citation(murray, "gbt7714", CITED) == (
        "MURRAY J M, DEL MAESTRO A, TESANOVIC Z. Quantum Criticality for Extended Nodes on a "
        "Bethe Lattice in the Large Connectivity Limit[J]. Phys. Rev. B, 2012, 85(11): 115117. "
        "DOI: 10.1103/physrevb.85.115117."
    )
    assert citation_gbt7714(murray) == format_citation(murray, "gbt7714")  # the old path


def test_apa_for_the_same_paper(murray: Paper) -> None:
    assert format_citation(murray, "apa") == (
        "Murray, J. M., Del Maestro, A., & Tesanovic, Z. (2012). Quantum Criticality for Extended "
        "Nodes on a Bethe Lattice in the Large Connectivity Limit. Phys. Rev. B, 85(11), 115117. "
        "https://doi.org/10.1103/physrevb.85.115117"
    )


def test_ieee_for_the_same_paper(murray: Paper) -> None:
    assert format_citation(murray, "ieee") == (
        "J. M. Murray, A. Del Maestro, and Z. Tesanovic, “Quantum Criticality for Extended Nodes "
        "on a Bethe Lattice in the Large Connectivity Limit,” Phys. Rev. B, vol. 85, no. 11, "
        "p. 115117, 2012, doi: 10.1103/physrevb.85.115117."
    )


def test_an_arxiv_preprint_is_an_electronic_resource(real_fixture: Callable[[str], Path]) -> None:
    wrapper = json.loads(real_fixture("arxiv/arxivpy_recorded_2026_id_1707.08567.json").read_text())
    (record,) = parse_atom(wrapper["body"]).records
    paper = _paper(record)
    text = format_citation(paper, "gbt7714", CITED)
    assert ", et al. Proceedings of Workshop AEW10" in text  # 25 Western authors: three, et al.
    assert text.endswith(
        "Proceedings of Workshop AEW10: Concepts in Information Theory and Communications"
        "[EB/OL]. (2017-07-27)[2024-01-02]. https://arxiv.org/abs/1707.08567."
    )
    assert format_citation(paper, "apa").endswith(
        "(2017). Proceedings of Workshop AEW10: Concepts in Information Theory and Communications "
        "(arXiv:1707.08567). arXiv. https://doi.org/10.48550/arXiv.1707.08567"
    )
    assert format_citation(paper, "ieee").endswith(
        " et al., “Proceedings of Workshop AEW10: Concepts in Information Theory and "
        "Communications,” arXiv:1707.08567, 2017."
    )


def test_a_preprint_written_as_an_arxiv_journal_in_bibtex_is_still_a_preprint() -> None:
    paper = Paper(id=1, title="Attention Is All You Need", year=2017, arxiv_id="1706.03762",
                  authors=("Ashish Vaswani", "Noam Shazeer"), venue="arXiv preprint arXiv:1706.03762",
                  published="2017-06-12", updated="2017-12-06")
    assert format_citation(paper, "gbt7714", CITED) == (
        "VASWANI A, SHAZEER N. Attention Is All You Need[EB/OL]. (2017-12-06)[2024-01-02]. "
        "https://arxiv.org/abs/1706.03762."
    )


# --- the shared parsed view ----------------------------------------------------------------------

@pytest.mark.parametrize(("text", "name"), [
    ("James M. Murray", Name("Murray", "James M.")),
    ("Adrian Del Maestro", Name("Del Maestro", "Adrian")),
    ("Karen van der Merwe", Name("van der Merwe", "Karen")),
    ("Yves Van de Peer", Name("Van de Peer", "Yves")),
    ("David J. Des Marais", Name("Des Marais", "David J.")),
    ("Ludwig von Beethoven", Name("von Beethoven", "Ludwig")),
    ("Di Wu", Name("Wu", "Di")),
    ("Stéfan J. van der Walt", Name("van der Walt", "Stéfan J.")),  # five words, one person  # a given name, not the particle "di"
    ("Peyton Z. Peebles Jr", Name("Peebles", "Peyton Z.", "Jr")),
    ("Murray, James M.", Name("Murray", "James M.")),
    ("张三", Name("张三", whole=True)),
    ("World Health Organization", Name("World Health Organization", whole=True)),
])
def test_names_split_into_family_and_given(text: str, name: Name) -> None:
    assert parse_name(text) == name


def test_initials() -> None:
    assert parse_name("Jean-Pierre Serre").initials == ("J-P",)
    assert parse_name("Alexander A. Myburg").initials == ("A", "A")
    assert parse_name("J.M. Hayes").initials == ("J", "M")


@pytest.mark.parametrize(("ref", "parts"), [
    ("Phys. Rev. B 85, 115117 (2012)", ("Phys. Rev. B", "85", "", "115117", "2012")),
    ("Int. J. Mod. Phys. B, 26, 1244002 (2012)", ("Int. J. Mod. Phys. B", "26", "", "1244002", "2012")),
    ("Physical Review B 82, 060515(R) (2010)", ("Physical Review B", "82", "", "060515(R)", "2010")),
    ("Annals of Physics 324, 523 (2009).", ("Annals of Physics", "324", "", "523", "2009")),
    ("International Journal of Software Engineering & Applications (IJSEA), Vol.3, No.1, January 2012",
     ("International Journal of Software Engineering & Applications (IJSEA)", "3", "1", "", "2012")),
    ("Proc. 2023 IEEE International Conference on Software Testing, Verification and Validation "
     "Workshops (ICSTW), pp. 66-69",
     ("Proc. 2023 IEEE International Conference on Software Testing, Verification and Validation "
      "Workshops (ICSTW)", "", "", "66-69", "2023")),
    ("In Proc. ACM SIGSOFT International Symposium on Software Testing and Analysis (ISSTA 2020), "
     "pages 14-26. ACM, 2020",
     ("Proc. ACM SIGSOFT International Symposium on Software Testing and Analysis (ISSTA 2020)",
      "", "", "14-26", "2020")),
])
def test_arxiv_journal_refs_are_parsed(ref: str, parts: tuple[str, ...]) -> None:
    """Every journal_ref shape in the arXiv fixtures (del Maestro's search, the 2026 search)."""
    v = parse_venue_ref(ref)
    assert (v.container, v.volume, v.issue, v.pages, v.year) == parts


def test_a_conference_journal_ref_makes_a_conference_paper() -> None:
    paper = Paper(id=1, title="Mutation testing in the wild", authors=("Ann Lee",), year=2022,
                  arxiv_id="2201.00001", venue="Proc. 2023 IEEE International Conference on "
                  "Software Testing, Verification and Validation Workshops (ICSTW), pp. 66-69")
    w = work_of(paper)
    assert (w.kind, w.year, w.pages) == ("conference", "2023", "66-69")
    assert format_citation(paper, "gbt7714") == (
        "LEE A. Mutation testing in the wild[C]//Proc. 2023 IEEE International Conference on "
        "Software Testing, Verification and Validation Workshops (ICSTW). 2023: 66-69."
    )


# --- conference, book, thesis in every style -----------------------------------------------------

CONFERENCE = Paper(
    id=2, title="Deep Residual Learning for Image Recognition", entry_type="inproceedings",
    authors=("Kaiming He", "Xiangyu Zhang", "Shaoqing Ren", "Jian Sun"), year=2016,
    venue="Proceedings of the IEEE Conference on Computer Vision and Pattern Recognition",
    doi="10.1109/cvpr.2016.90",
    extra={"pages": "770--778", "address": "Las Vegas", "publisher": "IEEE"},
)
BOOK = Paper(id=3, title="Pattern Recognition and Machine Learning", entry_type="book",
             authors=("Christopher M. Bishop",), year=2006,
             extra={"publisher": "Springer", "address": "New York", "edition": "2"})
THESIS = Paper(id=4, title="Learning Deep Generative Models", entry_type="phdthesis",
               authors=("Ruslan Salakhutdinov",), year=2009,
               extra={"school": "University of Toronto", "address": "Toronto"})
CHINESE = Paper(id=5, title="机器人柔性手腕的球面齿轮设计研究", authors=("张昆", "冯立群", "余昌钰", "李四"),
                year=1994, venue="清华大学学报: 自然科学版",
                extra={"volume": "34", "number": "2", "pages": "1--7"})


@pytest.mark.parametrize(("paper", "style", "expected"), [
    (CONFERENCE, "gbt7714",
     "HE K, ZHANG X, REN S, et al. Deep Residual Learning for Image Recognition[C]//Proceedings "
     "of the IEEE Conference on Computer Vision and Pattern Recognition. Las Vegas: IEEE, 2016: "
     "770-778. DOI: 10.1109/cvpr.2016.90."),
    (CONFERENCE, "apa",
     "He, K., Zhang, X., Ren, S., & Sun, J. (2016). Deep Residual Learning for Image Recognition. "
     "In Proceedings of the IEEE Conference on Computer Vision and Pattern Recognition "
     "(pp. 770–778). IEEE. https://doi.org/10.1109/cvpr.2016.90"),
    (CONFERENCE, "ieee",
     "K. He, X. Zhang, S. Ren, and J. Sun, “Deep Residual Learning for Image Recognition,” in "
     "Proceedings of the IEEE Conference on Computer Vision and Pattern Recognition, Las Vegas: "
     "IEEE, 2016, pp. 770–778, doi: 10.1109/cvpr.2016.90."),
    (BOOK, "gbt7714",
     "BISHOP C M. Pattern Recognition and Machine Learning[M]. 2nd ed. New York: Springer, 2006."),
    (BOOK, "apa",
     "Bishop, C. M. (2006). Pattern Recognition and Machine Learning (2nd ed.). Springer."),
    (BOOK, "ieee",
     "C. M. Bishop, Pattern Recognition and Machine Learning, 2nd ed. New York: Springer, 2006."),
    (THESIS, "gbt7714",
     "SALAKHUTDINOV R. Learning Deep Generative Models[D]. Toronto: University of Toronto, 2009."),
    (THESIS, "apa",
     "Salakhutdinov, R. (2009). Learning Deep Generative Models [Doctoral dissertation, "
     "University of Toronto]."),
    (THESIS, "ieee",
     "R. Salakhutdinov, “Learning Deep Generative Models,” Ph.D. dissertation, University of "
     "Toronto, Toronto, 2009."),
    (CHINESE, "gbt7714",
     "张昆, 冯立群, 余昌钰, 等. 机器人柔性手腕的球面齿轮设计研究[J]. 清华大学学报: 自然科学版, "
     "1994, 34(2): 1-7."),
    (CHINESE, "apa",
     "张昆, 冯立群, 余昌钰, & 李四. (1994). 机器人柔性手腕的球面齿轮设计研究. 清华大学学报: 自然科学版, "
     "34(2), 1–7."),
    (CHINESE, "ieee",
     "张昆, 冯立群, 余昌钰, and 李四, “机器人柔性手腕的球面齿轮设计研究,” 清华大学学报: 自然科学版, "
     "vol. 34, no. 2, pp. 1–7, 1994."),
], ids=lambda v: v if isinstance(v, str) and len(v) < 10 else (v.entry_type if isinstance(v, Paper) else ""))
def test_styles(paper: Paper, style: str, expected: str) -> None:
    assert format_citation(paper, style, CITED) == expected


def test_author_lists_are_cut_where_each_style_says() -> None:
    names = tuple(f"Author{i} Person" for i in range(1, 23))
    paper = Paper(id=6, title="T", authors=names, year=2020, venue="J", extra={"volume": "1"})
    apa = format_citation(paper, "apa")
    assert apa.startswith("Person, A., Person, A., ")  # family, initials
    assert apa.count("Person, A.") == 20 and ", . . . Person, A. (2020)" in apa  # 19, …, last
    assert format_citation(replace(paper, authors=names[:6]), "ieee").count("Person") == 6
    assert format_citation(replace(paper, authors=names[:7]), "ieee").startswith(
        "A. Person et al., “T,”")
    assert format_citation(replace(paper, authors=names[:3]), "gbt7714").startswith(
        "PERSON A, PERSON A, PERSON A. T[J].")


@pytest.mark.parametrize(("entry_type", "code"), [
    ("patent", "[P]"), ("standard", "[S]"), ("software", "[CP]"), ("proceedings", "[C]"),
    ("archive", "[A]"), ("techreport", "[R]"), ("misc", "[Z]"), ("online", "[EB/OL]"),
    ("newspaper", "[N]"), ("mvbook", "[M]"), ("mvproceedings", "[C]"),
])
def test_gbt7714_type_codes(entry_type: str, code: str) -> None:
    paper = Paper(id=7, title="T", authors=("张三",), year=2001, entry_type=entry_type)
    assert f"T{code}." in format_citation(paper, "gbt7714", CITED)


def test_an_unknown_style_names_the_styles() -> None:
    with pytest.raises(InputError) as err:
        format_citation(CHINESE, "chicago")
    assert "chicago" in str(err.value)
    assert all(s in str(err.value) for s in STYLES)


def test_an_imported_conference_paper_names_its_editors_and_a_web_page_its_citation_date() -> None:
    text = r"""
@inproceedings{conf1,
  author = {Zhang, Wei and Smith, John}, title = {A fast method},
  editor = {Brown, Alice and Green, Bob},
  booktitle = {Proceedings of the 10th Conference on Things},
  address = {Berlin}, publisher = {Springer}, year = {2020}, pages = {10--20},
}
@book{bk1,
  author = {杨保军}, title = {新闻道德论}, address = {北京}, publisher = {中国人民大学出版社},
  year = {2010}, urldate = {2012-11-01}, url = {http://apabi.lib.pku.edu.cn/book/1},
}
"""
    parsed = parse_bibtex_entries(text, "mine.bib")
    conf, book = (_paper(entry_to_record(e, "mine.bib")) for e in parsed.entries)
    assert format_citation(conf, "gbt7714") == (
        "ZHANG W, SMITH J. A fast method[C]//BROWN A, GREEN B. Proceedings of the 10th "
        "Conference on Things. Berlin: Springer, 2020: 10-20."
    )
    assert format_citation(book, "gbt7714") == (
        "杨保军. 新闻道德论[M/OL]. 北京: 中国人民大学出版社, 2010[2012-11-01]. "
        "http://apabi.lib.pku.edu.cn/book/1."
    )
    assert "In A. Brown & B. Green (Eds.)" in format_citation(conf, "apa")
