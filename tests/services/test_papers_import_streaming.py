"""Streaming import (issue #16): records go in as batches while the file is read; progress in
bytes and papers; cancel keeps what was committed; running again continues without
duplicates; --categories; a disk too small is refused before it fills."""

from __future__ import annotations

import gzip
import json
import sqlite3
from pathlib import Path

import pytest

from scholardesk.core.errors import Cancelled, DiskFullError
from scholardesk.core.progress import Progress, ProgressState
from scholardesk.services import papers as papers_module
from scholardesk.services.context import Services

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "papers" / \
    "arxiv-metadata-oai-snapshot-sample.json"


def snapshot(tmp_path: Path, n: int) -> Path:
    """``n`` snapshot lines made from the sample's first paper, each with its own id."""
    first = json.loads(SAMPLE.read_text(encoding="utf-8").splitlines()[0])
    path = tmp_path / "arxiv-metadata-oai-snapshot.json"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({**first, "id": f"0801.{i:05d}", "doi": None,
                                 "title": f"Paper number {i} on diphoton production"}) + "\n")
    return path


def library_ids(services: Services) -> list[str]:
    return sorted(r.arxiv_id or "" for r in services.papers.list_papers())


def test_batches_are_committed_while_the_file_is_read(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(papers_module, "STREAM_BATCH", 4)
    path = snapshot(tmp_path, 10)
    seen: list[tuple[int, int | None, str, int]] = []

    def listener(state: ProgressState) -> None:  # another connection sees what is committed
        seen.append((state.done, state.total, state.message, services.papers.count()))

    report = services.papers.import_files([path], Progress(listener))
    assert (report.imported, report.errors) == (10, [])
    assert [count for *_, count in seen] == [0, 4, 8, 10]
    done, total, message, _ = seen[-1]
    assert done == total == path.stat().st_size
    assert message == f"Importing papers: 10 from {path.name}"
    assert all(0 <= d <= path.stat().st_size for d, *_ in seen)


def test_the_sample_snapshot_imports_with_its_bad_lines_reported(services: Services) -> None:
    report = services.papers.import_files([SAMPLE])
    assert report.imported == 9
    assert [e.record for e in report.errors] == ["line 6", "line 11", "line 12"]
    attention = services.papers.search("Attention Is All You Need")
    assert [r.arxiv_id for r in attention] == ["1706.03762"]
    paper = services.papers.get(attention[0].id)
    assert (paper.provenance[0].source_kind, paper.provenance[0].record_ref) == ("arxiv", "1706.03762")


def test_cancel_keeps_the_committed_batches_and_a_rerun_continues_without_duplicates(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(papers_module, "STREAM_BATCH", 3)
    path = snapshot(tmp_path, 10)
    progress = Progress()
    reports = 0

    def cancel_during_the_second_batch(state: ProgressState) -> None:
        nonlocal reports
        reports += 1
        if reports == 2:  # the user presses Cancel while the second batch is being stored
            progress.cancel()

    progress._listener = cancel_during_the_second_batch
    with pytest.raises(Cancelled):
        services.papers.import_files([path], progress)
    assert services.papers.count() == 6  # two batches were committed, the third never began

    again = services.papers.import_files([path])
    assert (again.imported, again.skipped, again.errors) == (4, 6, [])
    assert library_ids(services) == [f"0801.{i:05d}" for i in range(10)]
    third = services.papers.import_files([path])
    assert (third.imported, third.updated, third.skipped) == (0, 0, 10)
    assert services.papers.count() == 10


def test_categories_keep_only_matching_papers_and_say_how_many_were_left_out(
    services: Services,
) -> None:
    report = services.papers.import_files([SAMPLE], categories="cs.*")
    assert report.imported == 6
    assert library_ids(services) == sorted(
        ["0704.0002", "1706.03762", "1810.04805", "1512.03385", "1412.6980", "2005.14165"])
    assert [n.message for n in report.notices] == [
        "4 papers outside the categories cs.* were left out"]


def test_categories_filter_other_formats_too(services: Services, tmp_path: Path) -> None:
    path = tmp_path / "mine.json"
    path.write_text(json.dumps([
        {"title": "A speech paper", "categories": ["eess.AS"], "authors": ["A. Li"], "year": 2020},
        {"title": "A language paper", "categories": ["cs.CL"], "authors": ["B. Wu"], "year": 2021},
    ]), encoding="utf-8")
    report = services.papers.import_files([path], categories="cs.CL")
    assert report.imported == 1
    assert [r.title for r in services.papers.list_papers()] == ["A language paper"]


def test_a_gzipped_snapshot_imports_like_the_plain_one(services: Services, tmp_path: Path) -> None:
    gz = tmp_path / "arxiv-metadata-oai-snapshot.json.gz"
    gz.write_bytes(gzip.compress(SAMPLE.read_bytes()))
    report = services.papers.import_files([gz])
    assert report.imported == 9 and len(report.errors) == 3


@pytest.mark.sqlite_only("the free space of the SQLite file's folder")
def test_too_little_free_space_stops_before_the_first_batch(
    services: Services, tmp_path: Path
) -> None:
    services.papers.free_space = lambda folder: 1024 * 1024  # type: ignore[method-assign]
    with pytest.raises(DiskFullError, match="not enough disk space to finish this import"):
        services.papers.import_files([snapshot(tmp_path, 10)])
    assert services.papers.count() == 0


@pytest.mark.sqlite_only("the free space of the SQLite file's folder")
def test_the_free_space_is_checked_against_the_growth_seen_so_far(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(papers_module, "STREAM_BATCH", 500)
    asked: list[Path] = []

    def free_space(folder: Path) -> int:  # room for the reserve and a little more
        asked.append(folder)
        return papers_module.DISK_RESERVE + 200_000

    services.papers.free_space = free_space  # type: ignore[method-assign]
    path = snapshot(tmp_path, 3000)
    with pytest.raises(DiskFullError) as caught:
        services.papers.import_files([path])
    assert "500 papers stored so far are kept" in caught.value.message
    assert "run the same import again: it continues where it stopped" in caught.value.hint
    assert services.papers.count() == 500
    assert asked and asked[0] == services.db.sqlite_file.parent  # type: ignore[union-attr]
    with sqlite3.connect(services.db.sqlite_file) as conn:  # type: ignore[arg-type]
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)

    services.papers.free_space = lambda folder: 10 * 2**30  # type: ignore[method-assign]
    report = services.papers.import_files([path])
    assert (report.imported, report.skipped) == (2500, 500)
    assert services.papers.count() == 3000
