"""``scholardesk venues ...`` end to end, JSON checked through capsys."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from scholardesk.cli import main

DATA = Path(__file__).resolve().parents[1] / "data" / "venues"


def run(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> tuple[int, Any]:
    code = main(["--home", str(home), "venues", *args])
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip().startswith(("{", "[")) else out


@pytest.fixture
def lib(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    home = tmp_path / "home"
    code, report = run(capsys, home, "import-ccf", str(DATA / "catalogue_small.csv"), "--json")
    assert code == 1  # three bad rows are reported
    assert report["imported"] == 7 and len(report["errors"]) == 3
    assert report["errors"][0] == {
        "source": str(DATA / "catalogue_small.csv"), "record": "line 9",
        "message": "kind 'workshop' is not journal/conference",
    }
    return home


def test_rank(lib: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run(capsys, lib, "rank", "NeurIPS 2023", "--json")
    assert code == 0
    assert data == {
        "query": "NeurIPS 2023",
        "venue": {"abbr": "NeurIPS", "name": "Conference on Neural Information Processing Systems",
                  "kind": "conference"},
        "ccf": {"rank": "A", "category": "AI", "edition": "2022"},
        "confidence": 0.95, "method": "abbr",
    }
    code, data = run(capsys, lib, "rank", "Neural", "Networks", "--json")
    assert data["venue"]["kind"] == "journal" and data["ccf"]["rank"] == "B"
    code, text = run(capsys, lib, "rank", "IEEE", "Trans.", "Pattern", "Anal.", "Mach.", "Intell.")
    assert code == 0 and "TPAMI" in text and "CCF A" in text


def test_rank_nothing_matches(lib: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--home", str(lib), "venues", "rank", "ICLR"])
    captured = capsys.readouterr()
    assert code == 1
    assert "No catalogue venue matches “ICLR”." in captured.err


def test_list(lib: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run(capsys, lib, "list", "--category", "人工智能", "--rank", "A", "--json")
    assert code == 0
    assert [(v["abbr"], v["kind"]) for v in data] == [
        ("TPAMI", "journal"), ("CVPR", "conference"), ("NeurIPS", "conference")
    ]
    assert data[0]["ccf"] == {"rank": "A", "category": "AI", "edition": "2022"}
    assert data[0]["publisher"] == "IEEE"
    code, text = run(capsys, lib, "list", "--kind", "journal", "--csv")
    lines = text.strip().splitlines()
    assert lines[0] == "abbr,name,kind,publisher,rank,category,edition" and len(lines) == 4
    code = main(["--home", str(lib), "venues", "list", "--category", "Cooking"])
    assert code == 2 and "Unknown CCF category" in capsys.readouterr().err


def test_import_a_pdf_that_is_not_the_catalogue(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], real_fixture: Callable[[str], Path]
) -> None:
    code = main(["--home", str(tmp_path / "h"), "venues", "import-ccf",
                 str(real_fixture("pdf/cermine_example1_intpsychogeriatrics_2014.pdf"))])
    assert code == 2 and "not the CCF catalogue" in capsys.readouterr().err


def test_deadlines_sync_list_and_ics(lib: Path, capsys: pytest.CaptureFixture[str],
                                     real_fixture: Callable[[str], Path], tmp_path: Path) -> None:
    code, report = run(capsys, lib, "sync-deadlines", "--from",
                       str(real_fixture("ccfddl")), "--json")
    assert code == 0 and report["errors"] == [] and report["imported"] > 90
    ics = tmp_path / "deadlines.ics"
    code, rows = run(capsys, lib, "deadlines", "--after", "2025-05-01", "--json", "--ics", str(ics),
                     "--tz", "Asia/Shanghai")
    assert code == 0
    nips = [r for r in rows if r["venue"] == "NeurIPS" and r["year"] == 2025]
    assert nips == [
        {"venue": "NeurIPS", "year": 2025, "kind": "abstract",
         "deadline_utc": "2025-05-12T11:59:59Z", "timezone": "AoE",
         "local": "2025-05-11 23:59:59", "link": "https://neurips.cc/Conferences/2025", "ccf": "A",
         "your_time": "2025-05-12T19:59:59+08:00", "your_timezone": "Asia/Shanghai"},
        {"venue": "NeurIPS", "year": 2025, "kind": "paper",
         "deadline_utc": "2025-05-16T11:59:59Z", "timezone": "AoE",
         "local": "2025-05-15 23:59:59", "link": "https://neurips.cc/Conferences/2025", "ccf": "A",
         "your_time": "2025-05-16T19:59:59+08:00", "your_timezone": "Asia/Shanghai"},
    ]
    vldb = next(r for r in rows if r["venue"] == "VLDB")
    assert vldb["timezone"] == "PT"
    text = ics.read_text(encoding="utf-8")
    assert text.count("BEGIN:VEVENT") == len(rows)
    assert "DTSTART:20250516T115959Z" in text
    code, only = run(capsys, lib, "deadlines", "--after", "2025-05-01", "--venue", "NIPS", "--json")
    assert {r["venue"] for r in only} == {"NeurIPS"}


def test_deadlines_in_the_users_time_zone(lib: Path, capsys: pytest.CaptureFixture[str],
                                          real_fixture: Callable[[str], Path],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    run(capsys, lib, "sync-deadlines", "--from", str(real_fixture("ccfddl")), "--json")
    args = ("deadlines", "--after", "2025-05-01", "--venue", "NeurIPS")
    code, text = run(capsys, lib, *args, "--tz", "America/Los_Angeles")
    assert code == 0
    paper = next(line for line in text.splitlines() if "NeurIPS 2025  paper" in line)
    # UTC, then the same moment in Los Angeles (daylight time in May), then the venue's own
    assert paper.startswith("2025-05-16 11:59 UTC  2025-05-16 04:59 PDT (America/Los_Angeles)")
    assert paper.endswith("(2025-05-15 23:59:59 AoE)")
    code, text = run(capsys, lib, *args, "--tz", "Asia/Shanghai")
    assert "2025-05-16 11:59 UTC  2025-05-16 19:59 CST (Asia/Shanghai)" in text

    code, rows = run(capsys, lib, *args, "--tz", "America/Los_Angeles", "--json")
    paper_row = next(r for r in rows if r["year"] == 2025 and r["kind"] == "paper")
    assert paper_row["deadline_utc"] == "2025-05-16T11:59:59Z"
    assert paper_row["your_time"] == "2025-05-16T04:59:59-07:00"

    monkeypatch.setenv("TZ", "Asia/Shanghai")  # the system's zone is the default
    code, rows = run(capsys, lib, *args, "--json")
    assert {r["your_timezone"] for r in rows} == {"Asia/Shanghai"}
    assert next(r for r in rows if r["year"] == 2025 and r["kind"] == "paper")["your_time"] == (
        "2025-05-16T19:59:59+08:00")

    code = main(["--home", str(lib), "venues", "deadlines", "--tz", "Mars/Olympus"])
    assert code == 2
    assert "'Mars/Olympus' is not a time zone" in capsys.readouterr().err


def test_metrics(lib: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, report = run(capsys, lib, "metrics", "import", str(DATA / "metrics.csv"), "--json")
    assert code == 1 and report["imported"] == 7 and len(report["errors"]) == 4
    code, data = run(capsys, lib, "metrics", "show", "Neural", "Networks", "--json")
    ifs = [(m["year"], m["source"], m["value"]) for m in data["metrics"]
           if m["metric"] == "impact_factor"]
    assert ifs == [(2021, "JCR 2022", "7.8"), (2022, "JCR 2023", "6.0"), (2023, "JCR 2024", "6.3"),
                   (2023, "LetPub", "6.4")]
    code, _ = run(capsys, lib, "metrics", "set", "TPAMI", "--year", "2024", "--source", "JCR 2025",
                  "--metric", "IF", "--value", "20.8")
    assert code == 0


def test_alias(lib: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, lib, "rank", "Pattern Analysis Journal")[0] == 1
    code, _ = run(capsys, lib, "alias", "TPAMI", "Pattern Analysis Journal")
    assert code == 0
    code, data = run(capsys, lib, "rank", "Pattern Analysis Journal", "--json")
    assert data["venue"]["abbr"] == "TPAMI" and data["method"] == "alias"


def test_papers_with_their_ccf_badge_and_rank_filter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from scholardesk.app import open_services
    from scholardesk.core.config import Paths

    home = tmp_path / "home"
    services = open_services(Paths.resolve(home))
    try:
        services.venues.load_sample()
        services.papers.load_sample()
    finally:
        services.close()
    code, rows = run(capsys, home, "papers", "--rank", "A", "--json")
    assert code == 0
    assert sorted((r["title"][:20], r["matched"]) for r in rows) == [
        ("Attention Is All You", "NeurIPS"), ("Deep Residual Learni", "CVPR"),
        ("wav2vec 2.0: A Frame", "NeurIPS"),
    ]
    assert all(r["ccf"]["rank"] == "A" for r in rows)
    code, every = run(capsys, home, "papers", "--json")
    iclr = next(r for r in every if "ICLR" in r["venue"])
    assert iclr["ccf"] is None  # ICLR is not in the CCF catalogue: no guessed badge
    bert = next(r for r in every if r["title"].startswith("BERT"))
    assert bert["ccf"]["rank"] == "B" and bert["matched"] == "NAACL"


def test_rank_lists_import_changes_show_and_rank(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], real_fixture: Callable[[str], Path]
) -> None:
    home = tmp_path / "lists"
    files = [str(real_fixture(f"showjcr/{n}")) for n in
             ("CCF2019-UTF8.csv", "CCF2022-UTF8.csv", "CCF2026-UTF8.csv", "GJQKYJMD2025.csv")]
    code, report = run(capsys, home, "import-lists", *files, "--json")
    assert code == 0
    assert [(f["file"], f["rows_read"]) for f in report["files"]] == [
        ("CCF2019-UTF8.csv", 612), ("CCF2022-UTF8.csv", 644), ("CCF2026-UTF8.csv", 681),
        ("GJQKYJMD2025.csv", 5)]
    code, again = run(capsys, home, "import-lists", *files, "--json")
    assert all(f["unchanged"] for f in again["files"])
    code, changes = run(capsys, home, "ccf-changes", "--from", "2022", "--to", "2026", "--json")
    assert code == 0
    ijcai = [c for c in changes["changes"] if c["abbr"] == "IJCAI"]
    assert ijcai == [{"change": "downgraded", "kind": "conference", "abbr": "IJCAI",
                      "name": "International Joint Conference on Artificial Intelligence",
                      "category": "AI", "from": "A", "to": "B", "note": ""}]
    code, shown = run(capsys, home, "show", "IJCAI", "--json")
    assert shown["ccf_label"] == "IJCAI · CCF B (2026) · A (2022) · A (2019)"
    code, text = run(capsys, home, "rank", "IJCAI")
    assert "CCF B (AI, 2026)" in text and "A (2022) · A (2019)" in text
    bad = tmp_path / "notes.csv"
    bad.write_text("title,author\nx,y\n", encoding="utf-8")
    code, _ = run(capsys, home, "import-lists", str(bad))
    assert code == 1
