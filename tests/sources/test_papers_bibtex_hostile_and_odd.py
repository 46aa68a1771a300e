"""The BibTeX reader on hostile files and on the shapes JabRef's, biber's and bibtexparser's own
test files have (written here: those files are not in the shared fixtures)."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

from scholardesk.domain.papers import Paper
from scholardesk.sources.bibtex import (
    TITLE_LATEX,
    parse_bibtex,
    parse_bibtex_entries,
    read_bibtex_file,
    resolve_inheritance,
    write_bibtex,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "papers"


def _by_key(result: object) -> dict[str, object]:
    return {r.record_ref: r for _, r in result.records}  # type: ignore[attr-defined]


# --- @string macro bomb ----------------------------------------------------------------------

def _macro_bomb(levels: int = 39) -> str:
    lines = ['@string{a0 = "xx"}']
    lines += [f"@string{{a{i} = a{i - 1} # a{i - 1}}}" for i in range(1, levels + 1)]
    lines.append(f"@article{{bomb, title = a{levels}, author = {{X Y}}, year = 2020}}")
    lines.append("@article{fine, title = {A Fine Entry}, author = {A B}, year = 2021, journal = a3}")
    return "\n".join(lines) + "\n"


def test_a_macro_bomb_is_refused_in_bounded_time_and_memory_and_the_rest_imports(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bomb.bib"
    path.write_text(_macro_bomb(), encoding="utf-8")
    assert path.stat().st_size < 1200  # about 1 KB that would expand to 2^40 characters
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = read_bibtex_file(path)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert elapsed < 2.0
    assert peak < 50 * 2**20
    records = _by_key(result)
    assert list(records) == ["fine"]
    assert records["fine"].venue == "x" * 16  # a3: a macro under the cap still expands
    first = result.errors[0]
    assert (first.source, first.record) == (str(path), "line 17 (@string a16)")
    assert "more than 100,000 characters" in first.message
    bomb = next(e for e in result.errors if e.record == "line 41 (bomb)")
    assert "the entry was not imported" in bomb.message and "'a39'" in bomb.message


def test_many_references_to_a_large_macro_exhaust_the_file_budget() -> None:
    # 20 doublings (1 MB) stay under the per-value cap only if cut at 2^16; then 200 entries
    # each pulling 65,536 characters would be 13 MB from a file of a few KB.
    lines = ['@string{m0 = "xx"}'] + [f"@string{{m{i} = m{i - 1} # m{i - 1}}}" for i in range(1, 16)]
    lines += [f"@misc{{e{i}, title = {{Entry {i}}}, note = m15}}" for i in range(200)]
    text = "\n".join(lines)
    result = parse_bibtex(text, "budget.bib")
    assert 0 < len(result.records) < 200
    assert all("more text than the file can reasonably hold" in e.message for e in result.errors)
    assert len(result.records) + len(result.errors) == 200


# --- encodings -------------------------------------------------------------------------------

_ENTRY = "@book{test1,\n  year = {1999},\n  author = {Edward Encalcer},\n  title = {Söme title 机器},\n}\n"


@pytest.mark.parametrize(
    ("encoding", "bom", "label"),
    [
        ("utf-16-le", b"\xff\xfe", "UTF-16-LE"),
        ("utf-16-be", b"\xfe\xff", "UTF-16-BE"),
        ("utf-16-le", b"", "UTF-16-LE"),
        ("utf-16-be", b"", "UTF-16-BE"),
    ],
)
def test_utf16_files_with_and_without_a_bom_are_read(
    tmp_path: Path, encoding: str, bom: bytes, label: str
) -> None:
    path = tmp_path / "utf16.bib"
    path.write_bytes(bom + _ENTRY.encode(encoding))
    result = read_bibtex_file(path)
    assert result.errors == []
    assert [r.title for _, r in result.records] == ["Söme title 机器"]
    assert [n.message.split(" (")[0] for n in result.notices] == [f"read as {label}"]


@pytest.mark.parametrize(
    ("declaration", "encoding", "title"),
    [
        ("% Encoding: ISO8859_1\n", "latin-1", "Söme title"),  # JabRef
        ("% -*- mode: bibtex; coding: latin-2 -*-\n", "iso8859-2", "Šome title"),  # Emacs
        ("% Encoding: windows-1250\n", "cp1250", "Łódź"),
    ],
)
def test_a_declared_encoding_is_honoured_and_reported(
    tmp_path: Path, declaration: str, encoding: str, title: str
) -> None:
    path = tmp_path / "declared.bib"
    path.write_bytes((declaration + _ENTRY.replace("Söme title 机器", title)).encode(encoding))
    result = read_bibtex_file(path)
    assert [r.title for _, r in result.records] == [title]
    assert len(result.notices) == 1 and "as the file declares" in result.notices[0].message


@pytest.mark.parametrize(
    ("encoding", "title"),
    [
        ("latin-1", "Söme title"),  # biber's encoding3.bib: was "S鰉e title" (read as GB18030)
        ("latin-1", "Problèmes de la pensée française"),
        ("iso8859-2", "Żółć i Łęcki"),
        ("iso8859-2", "Příliš žluťoučký kůň"),
        ("gb18030", "机器人柔性手腕的球面齿轮设计研究"),
        ("gbk", "宋论"),
        ("big5", "機器人柔性手腕的球面齒輪設計研究"),
    ],
)
def test_an_undeclared_legacy_encoding_is_detected_and_reported(
    tmp_path: Path, encoding: str, title: str
) -> None:
    path = tmp_path / "legacy.bib"
    path.write_bytes(_ENTRY.replace("Söme title 机器", title).encode(encoding))
    result = read_bibtex_file(path)
    assert [r.title for _, r in result.records] == [title]
    assert len(result.notices) == 1
    assert "not UTF-8 and declares no encoding" in result.notices[0].message


def test_utf8_is_read_without_a_notice(tmp_path: Path) -> None:
    path = tmp_path / "utf8.bib"
    path.write_bytes(_ENTRY.encode("utf-8"))
    assert read_bibtex_file(path).notices == []


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"", "the file is empty"),
        (b"Just some notes, no entries.\n", "no BibTeX entries"),
        (b"@string{x = {y}}\n@comment{nothing}\n", "no BibTeX entries"),
        (b"@set{s, entryset = {a,b}}\n", "only 1 @set/@xdata container"),
    ],
)
def test_a_file_that_yields_nothing_says_why(tmp_path: Path, content: bytes, why: str) -> None:
    path = tmp_path / "nothing.bib"
    path.write_bytes(content)
    result = read_bibtex_file(path)
    assert result.records == []
    assert [(e.source, e.record) for e in result.errors] == [(str(path), "file")]
    assert why in result.errors[0].message


# --- math in titles --------------------------------------------------------------------------

def test_math_in_titles_keeps_its_meaning_and_the_export_keeps_the_latex() -> None:
    text = r"""
@article{logn, title = {An $O(\log n)$ Algorithm}, author = {A B}, year = 2000}
@article{sqrt, title = {Matching in $O(\sqrt{E})$ Time}, author = {C D}, year = 2001}
@inproceedings{topk, title = {Top-\(^\mbox{k}\) Queries}, author = {E F}, year = 2002}
@article{plain, title = {No Math {Here}}, author = {G H}, year = 2003}
"""
    recs = _by_key(parse_bibtex(text))
    assert recs["logn"].title == "An O(log n) Algorithm"
    assert recs["sqrt"].title == "Matching in O(√E) Time"
    assert recs["topk"].title == "Top-^k Queries"
    assert recs["logn"].extra[TITLE_LATEX] == r"An $O(\log n)$ Algorithm"
    assert TITLE_LATEX not in recs["plain"].extra  # nothing lost, nothing kept
    papers = [
        Paper(id=i, title=r.title, authors=r.authors, year=r.year, extra=r.extra, bibtex_key=k)
        for i, (k, r) in enumerate(recs.items())
    ]
    exported = "".join(write_bibtex(papers))
    assert r"title = {An $O(\log n)$ Algorithm}" in exported
    assert r"title = {Top-\(^\mbox{k}\) Queries}" in exported
    assert "title_latex" not in exported
    again = _by_key(parse_bibtex(exported))
    assert {k: r.title for k, r in again.items()} == {k: r.title for k, r in recs.items()}


def test_a_kept_latex_title_that_no_longer_matches_is_not_exported() -> None:
    paper = Paper(id=1, title="A different title", extra={TITLE_LATEX: r"$O(\log n)$"})
    assert "title = {A different title}" in "".join(write_bibtex([paper]))


# --- DOIs written as URLs --------------------------------------------------------------------

def test_dois_written_as_urls_or_with_prefixes_are_kept() -> None:
    text = """
@article{acm, title = {ACM Style}, doi = {http://doi.acm.org/10.1145/1234567.1234568}}
@article{dx, title = {DX Style}, doi = {https://dx.doi.org/10.1016/j.aop.2008.08.003}}
@article{pre, title = {Prefix Style}, doi = {doi:10.1038/srep16696}}
@article{cap, title = {Capital Prefix}, doi = {DOI: 10.1109/5.771073}}
@article{url, title = {Only a URL}, url = {http://doi.acm.org/10.1145/3290605.3300233}}
@article{page, title = {A Publisher Page}, url = {https://dl.acm.org/doi/abs/10.1145/3290605.3300234?x=1}}
@article{web, title = {Just a Web Page}, url = {https://example.org/10.1145/not-a-doi}}
"""
    recs = _by_key(parse_bibtex(text))
    assert {k: r.doi for k, r in recs.items()} == {
        "acm": "10.1145/1234567.1234568",
        "dx": "10.1016/j.aop.2008.08.003",
        "pre": "10.1038/srep16696",
        "cap": "10.1109/5.771073",
        "url": "10.1145/3290605.3300233",
        "page": "10.1145/3290605.3300234",
        "web": None,
    }


# --- biblatex inheritance, comments, repeated keys -------------------------------------------

def test_crossref_and_xdata_children_inherit_by_biblatex_rules() -> None:
    path = DATA / "biblatex_inheritance.bib"
    result = read_bibtex_file(path)
    assert result.errors == []
    recs = _by_key(result)
    paper1 = recs["paper1"]  # proceedings -> inproceedings: title becomes booktitle
    assert paper1.title == "A Paper in the Proceedings"
    assert paper1.venue == "Proceedings of the Tenth Workshop"
    assert (paper1.year, paper1.authors) == (2019, ("Anne Author",))
    assert paper1.extra == {  # the proceedings' editor edits the paper's volume too
        "pages": "1--10", "publisher": "Test Press", "address": "Berlin", "editor": "Ed Itor"
    }
    assert paper1.doi is None  # the proceedings' DOI is not the paper's
    chapter = recs["chapter"]  # book -> inbook: author and title (as booktitle) inherited
    assert (chapter.title, chapter.venue) == ("One Chapter", "The Whole Book")
    assert (chapter.authors, chapter.year) == (("Book Writer",), 2001)
    inper = recs["inper"]  # periodical -> article: title becomes journaltitle
    assert (inper.venue, inper.year) == ("Journal of Periodicals", 2020)
    vol5 = recs["vol5"]  # mvbook -> book: author and year, title as maintitle
    assert (vol5.title, vol5.authors, vol5.year) == ("Kritik der Urtheilskraft", ("Immanuel Kant",), 1902)
    parsed = parse_bibtex_entries(path.read_text(encoding="utf-8"))
    resolve_inheritance(parsed.entries, parsed.containers)
    entries = {e.key: e for e in parsed.entries}
    assert entries["vol5"].fields["maintitle"] == "Gesammelte Schriften"
    assert entries["chapter"].fields["bookauthor"] == "Book Writer"
    assert entries["paper1"].fields["booksubtitle"] == "Theory and Practice"
    xd1 = recs["xd1"]  # xdata, nested xdata, a missing xdata key ignored
    assert xd1.extra == {"publisher": "Macmillan", "address": "New York and London", "note": "A Note"}
    assert recs["loopy"].extra == {"note": "Note"}  # an xdata loop ends, it does not hang
    assert result.skipped == 5  # the @xdata containers are not papers


def test_comments_after_fields_are_accepted_and_a_repeated_key_keeps_the_first() -> None:
    path = DATA / "comments_and_duplicates.bib"
    result = read_bibtex_file(path)
    recs = _by_key(result)
    assert list(recs) == ["gxd1", "dup", "after"]
    assert recs["gxd1"].authors == ("Simon Smith",)
    assert recs["gxd1"].extra == {"publisher": "Press"}
    assert recs["dup"].title == "The First Entry with This Key"
    assert (recs["after"].title, recs["after"].year) == ("After the Duplicate", 2003)
    assert [(e.source, e.record) for e in result.errors] == [(str(path), "line 12 (Dup)")]
    assert "already used at line 7" in result.errors[0].message
