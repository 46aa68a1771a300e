"""The BibTeX, Atom and JSON readers stream: a file read in pieces gives exactly what reading
it whole gives, and a large file is read in memory that does not grow with it."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from scholardesk.sources import bibtex
from scholardesk.sources.atom import AtomStreamReader, read_atom_file
from scholardesk.sources.bibtex import BibtexStreamReader, read_bibtex_file
from scholardesk.sources.paper_json import PaperJsonReader, read_papers_json

DATA = Path(__file__).resolve().parents[1] / "data" / "papers"


def peak_of(items: Iterable[object]) -> tuple[int, int]:
    """(items, peak traced bytes) while iterating."""
    tracemalloc.start()
    try:
        count = sum(1 for _ in items)
        return count, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("name", [
    "bibtex/biblatex-examples.bib", "bibtex/thuthesis_refs_zh.bib",
    "gbt7714/gbt7714-2015-examples.bib",
])
def test_a_bib_file_streamed_in_small_pieces_reads_as_it_does_whole(
    name: str, real_fixture: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = real_fixture(name)
    whole = read_bibtex_file(path)
    monkeypatch.setattr(bibtex, "WHOLE_FILE_LIMIT", 0)
    monkeypatch.setattr(bibtex, "STREAM_CHUNK", 1000)  # cuts inside entries and characters
    reader = BibtexStreamReader(path)
    streamed = list(reader)
    assert sorted(streamed, key=lambda lr: lr[0]) == sorted(whole.records, key=lambda lr: lr[0])
    assert reader.stats.errors.report() == whole.errors
    assert reader.stats.skipped == whole.skipped
    assert reader.stats.bytes_read == reader.stats.total_bytes == path.stat().st_size


@pytest.mark.parametrize("name", ["biblatex_inheritance.bib", "malformed.bib",
                                  "comments_and_duplicates.bib"])
def test_inheritance_errors_and_duplicates_survive_streaming(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = DATA / name
    whole = read_bibtex_file(path)
    monkeypatch.setattr(bibtex, "WHOLE_FILE_LIMIT", 0)
    monkeypatch.setattr(bibtex, "STREAM_CHUNK", 64)
    reader = BibtexStreamReader(path)
    assert sorted(reader, key=lambda lr: lr[0]) == sorted(whole.records, key=lambda lr: lr[0])
    assert reader.stats.errors.report() == whole.errors


def test_a_large_bib_file_is_read_in_bounded_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bibtex, "WHOLE_FILE_LIMIT", 1024 * 1024)
    monkeypatch.setattr(bibtex, "STREAM_CHUNK", 256 * 1024)
    path = tmp_path / "big.bib"
    entry = ("@article{{key{i},\n  title = {{Streaming entry number {i} about speech}},\n"
             "  author = {{Wang, Li and Smith, John}},\n  journal = {{Neurocomputing}},\n"
             "  year = {{2020}},\n  abstract = {{" + "word " * 150 + "}},\n}}\n\n")
    with path.open("w", encoding="utf-8") as fh:
        i = 0
        while fh.tell() < 20 * 2**20:
            fh.write(entry.format(i=i))
            i += 1
    count, peak = peak_of(BibtexStreamReader(path))
    assert count == i
    assert peak < 12 * 2**20, f"peak {peak / 2**20:.1f} MB for a 20 MB file"


def _atom_feed(path: Path, n: int, broken_after: int | None = None) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                 '<feed xmlns="http://www.w3.org/2005/Atom" '
                 'xmlns:arxiv="http://arxiv.org/schemas/atom">\n')
        for i in range(n):
            if broken_after is not None and i == broken_after:
                fh.write("<entry><id>http://arxiv.org/abs/2401.99999v1</id><title>x</ti")
                return
            fh.write(f"<entry><id>http://arxiv.org/abs/2401.{i:05d}v1</id>"
                     f"<published>2024-01-02T00:00:00Z</published>"
                     f"<title>Entry {i}</title><summary>{'text ' * 150}</summary>"
                     f"<author><name>A. Author</name></author>"
                     f'<arxiv:primary_category term="cs.CL"/></entry>\n')
        fh.write("</feed>\n")


def test_an_atom_feed_streams_entry_by_entry(tmp_path: Path,
                                             real_fixture: Callable[[str], Path]) -> None:
    for path in (real_fixture("arxiv/arxivpy_search_au_del_maestro.xml"),
                 real_fixture("arxiv/arxivpy_recorded_2026_q_testing_s0_m10.json"),
                 DATA / "partial_feed.xml"):
        reader = AtomStreamReader(path)
        whole = read_atom_file(path)
        assert list(reader) == whole.records
        assert [(e.record, e.message) for e in reader.stats.errors.report()] == \
            [(e.record, e.message) for e in whole.errors]
    big = tmp_path / "big.xml"
    _atom_feed(big, 20_000)
    count, peak = peak_of(AtomStreamReader(big))
    assert count == 20_000 and big.stat().st_size > 15 * 2**20
    assert peak < 4 * 2**20, f"peak {peak / 2**20:.1f} MB"


def test_a_cut_off_atom_feed_keeps_the_entries_before_the_damage(tmp_path: Path) -> None:
    path = tmp_path / "cut.xml"
    _atom_feed(path, 10, broken_after=7)
    reader = AtomStreamReader(path)
    assert [r.arxiv_id for r in reader] == [f"2401.{i:05d}" for i in range(7)]
    [error] = reader.stats.errors.report()
    assert error.record == "line 10" and "the entries before it are imported" in error.message


def test_our_json_streams_paper_by_paper(tmp_path: Path) -> None:
    sample = Path(__file__).resolve().parents[2] / "resources" / "sample" / "papers.json"
    papers, _ = read_papers_json(sample)
    assert [p for _, p in PaperJsonReader(sample)] == papers
    big = tmp_path / "big.json"
    item = {"title": "A paper", "authors": ["Li Wang", "John Smith"], "year": 2020,
            "abstract": "word " * 150, "tags": ["asr"], "status": "read", "rating": 4}
    with big.open("w", encoding="utf-8") as fh:
        fh.write('{"papers": [\n')
        fh.write(",\n".join(json.dumps({**item, "title": f"A paper {i}"}) for i in range(25_000)))
        fh.write("\n]}\n")
    count, peak = peak_of(PaperJsonReader(big))
    assert count == 25_000 and big.stat().st_size > 15 * 2**20
    assert peak < 4 * 2**20, f"peak {peak / 2**20:.1f} MB"


def test_damaged_json_keeps_the_papers_before_the_damage(tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_text('[{"title": "One"}, {"title": "Two"}, {"title": "Three", "year": 20', encoding="utf-8")
    reader = PaperJsonReader(path)
    assert [p.record.title for _, p in reader] == ["One", "Two"]
    [error] = reader.stats.errors.report()
    assert error.record == "file" and error.message.startswith("not valid JSON after item 2")
