"""The arXiv metadata snapshot (JSON lines) read line by line: fields, bad lines by number,
compressed files, the category filter, and memory that does not grow with the file."""

from __future__ import annotations

import gzip
import json
import tracemalloc
import zipfile
from pathlib import Path

from scholardesk.sources.arxiv_snapshot import (
    SnapshotReader,
    category_matcher,
    looks_like_snapshot,
    snapshot_record,
)
from scholardesk.sources.import_stream import MAX_LISTED_ERRORS

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "papers" / \
    "arxiv-metadata-oai-snapshot-sample.json"
GOOD_IDS = ["0704.0001", "0704.0002", "0704.0003", "1706.03762", "1810.04805", "1512.03385",
            "1412.6980", "hep-th/9711200", "2005.14165"]


def read(path: Path, categories: str = "") -> tuple[SnapshotReader, dict[str, tuple[int, object]]]:
    reader = SnapshotReader(path, categories)
    found = {rec.arxiv_id: (line, rec) for line, rec in reader}
    return reader, found  # type: ignore[return-value]


def test_the_sample_gives_its_nine_papers_and_names_the_three_bad_lines() -> None:
    reader, found = read(SAMPLE)
    assert list(found) == GOOD_IDS
    errors = {e.record: e.message for e in reader.stats.errors.report()}
    assert list(errors) == ["line 6", "line 11", "line 12"]
    assert errors["line 6"].startswith("not valid JSON: Expecting ','")
    assert errors["line 11"] == "arXiv paper 0704.0006 has no title"
    assert "the line is cut off" in errors["line 12"]
    assert reader.stats.records == 9
    assert reader.stats.bytes_read == reader.stats.total_bytes == SAMPLE.stat().st_size


def test_a_snapshot_line_becomes_a_full_record() -> None:
    _, found = read(SAMPLE)
    line, attention = found["1706.03762"]
    assert line == 4
    assert attention.title == "Attention Is All You Need"  # type: ignore[attr-defined]
    assert attention.authors[:2] == ("Ashish Vaswani", "Noam Shazeer")  # type: ignore[attr-defined]
    assert len(attention.authors) == 8  # type: ignore[attr-defined]
    assert (attention.arxiv_version, attention.year) == (7, 2017)  # type: ignore[attr-defined]
    assert (attention.published, attention.updated) == ("2017-06-12", "2023-08-02")  # type: ignore[attr-defined]
    assert attention.categories == ("cs.CL", "cs.LG")  # type: ignore[attr-defined]
    assert attention.entry_type == "misc" and attention.venue == ""  # type: ignore[attr-defined]
    assert attention.extra == {"note": "15 pages, 5 figures"}  # type: ignore[attr-defined]
    assert attention.abstract.startswith("The dominant sequence transduction models are based on complex recurrent or convolutional")  # type: ignore[attr-defined]
    assert attention.source_kind == "arxiv" and attention.record_ref == "1706.03762"  # type: ignore[attr-defined]

    _, diphoton = found["0704.0001"]
    assert diphoton.title == ("Calculation of prompt diphoton production cross sections at "  # type: ignore[attr-defined]
                              "Tevatron and LHC energies")
    assert diphoton.authors[0] == "C. Balázs"  # type: ignore[attr-defined]
    assert diphoton.doi == "10.1103/physrevd.76.013009"  # type: ignore[attr-defined]
    assert diphoton.venue == "Phys.Rev.D76:013009,2007" and diphoton.entry_type == "article"  # type: ignore[attr-defined]

    _, maldacena = found["hep-th/9711200"]
    assert (maldacena.year, maldacena.arxiv_version) == (1997, 3)  # type: ignore[attr-defined]


def test_authors_without_authors_parsed_come_from_the_authors_string() -> None:
    record = snapshot_record({"id": "0704.0002", "title": "T", "authors":
                              "Ileana Streinu, J. M. Smith and Louis Theran"}, "x")
    assert record.authors == ("Ileana Streinu", "J. M. Smith", "Louis Theran")
    assert record.year == 2007  # from the id when there are no versions


def test_gz_and_zip_read_like_the_plain_file(tmp_path: Path) -> None:
    gz = tmp_path / "arxiv-metadata-oai-snapshot.json.gz"
    gz.write_bytes(gzip.compress(SAMPLE.read_bytes()))
    zipped = tmp_path / "arxiv.zip"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(SAMPLE, "arxiv-metadata-oai-snapshot.json")
    for path in (gz, zipped):
        assert looks_like_snapshot(path)
        reader, found = read(path)
        assert list(found) == GOOD_IDS
        assert [e.record for e in reader.stats.errors.report()] == ["line 6", "line 11", "line 12"]
        assert reader.stats.bytes_read == reader.stats.total_bytes > 0


def test_our_json_export_is_not_taken_for_a_snapshot(tmp_path: Path) -> None:
    ours = tmp_path / "papers.json"
    ours.write_text(json.dumps([{"id": 1, "title": "A"}], indent=2), encoding="utf-8")
    assert looks_like_snapshot(SAMPLE)
    assert not looks_like_snapshot(ours)


def test_categories_filter_while_reading() -> None:
    reader, found = read(SAMPLE, "cs.*")
    assert list(found) == ["0704.0002", "1706.03762", "1810.04805", "1512.03385", "1412.6980",
                           "2005.14165"]
    assert reader.stats.filtered == 4  # hep-ph, physics.gen-ph, hep-th, cond-mat (line 11)
    _, found = read(SAMPLE, "cs.CV, hep-*")
    assert list(found) == ["0704.0001", "1512.03385", "hep-th/9711200"]
    wanted = category_matcher("math.CO")
    assert wanted is not None and wanted(["cs.CG", "math.CO"]) and not wanted(["math.PR"])
    assert category_matcher(" , ") is None


def test_many_bad_lines_are_counted_and_the_first_ones_listed(tmp_path: Path) -> None:
    good = SAMPLE.read_text(encoding="utf-8").splitlines()[0]
    path = tmp_path / "damaged.json"
    path.write_text(good + "\n" + "{not json\n" * 250 + good.replace("0704.0001", "0704.0009")
                    + "\n", encoding="utf-8")
    reader, found = read(path)
    assert list(found) == ["0704.0001", "0704.0009"]
    listed = reader.stats.errors.report()
    assert len(listed) == MAX_LISTED_ERRORS + 1
    assert listed[0].record == "line 2" and listed[MAX_LISTED_ERRORS - 1].record == "line 101"
    assert listed[-1].message.startswith("150 more bad records are not listed (250 in all)")


def test_memory_stays_flat_on_a_50_mb_snapshot(tmp_path: Path) -> None:
    objects = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()[:5]]
    path = tmp_path / "big.json"
    n = 0
    with path.open("w", encoding="utf-8") as fh:
        while fh.tell() < 50 * 2**20:
            for obj in objects:
                n += 1
                fh.write(json.dumps({**obj, "id": f"{1001 + n // 99999}.{n % 99999:05d}"}) + "\n")
    reader = SnapshotReader(path)
    tracemalloc.start()
    try:
        count = sum(1 for _ in reader)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count > 50_000
    assert reader.stats.bytes_read == path.stat().st_size
    assert peak < 8 * 2**20, f"peak {peak / 2**20:.1f} MB while reading a 50 MB file"
