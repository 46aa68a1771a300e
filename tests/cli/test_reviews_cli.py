"""``scholardesk reviews ...`` end to end on a temporary library with the real fixtures."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from scholardesk.cli import main

Fixture = Callable[[str], Path]
DATA = Path(__file__).resolve().parents[1] / "data" / "reviews"


def _run(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["--home", str(home), "reviews", *args])
    return code, capsys.readouterr().out


def test_import_stats_articles_and_exports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], real_fixture: Fixture
) -> None:
    home = tmp_path / "home"
    code, out = _run(
        capsys, home, "import",
        str(real_fixture("crossref/habanero_works_query_ecology_author_boettiger_20items.json")),
        str(real_fixture("crossref/habanero_work_springer_srep16696.json")),
        str(DATA / "cloudflare_challenge.html"), "--json",
    )
    report = json.loads(out)
    assert code == 1  # a file was refused (the challenge page)
    assert (report["imported"], report["skipped"], report["refused_files"]) == (13, 8, 1)
    assert report["errors"][0]["source"].endswith("cloudflare_challenge.html")
    assert "Cloudflare" in report["errors"][0]["message"]

    code, out = _run(capsys, home, "stats", "--journal", "2041-210X", "--json")
    stats = json.loads(out)
    assert code == 0
    assert {k: stats[k] for k in ("journal", "interval", "n", "excluded", "median_days",
                                  "mean_days", "min_days", "max_days")} == {
        "journal": "Methods in Ecology and Evolution", "interval": "received-accepted",
        "n": 4, "excluded": 1, "median_days": 92.5, "mean_days": 74.5, "min_days": 1.0,
        "max_days": 112.0}
    assert stats["p25_days"] == 64.0 and stats["p75_days"] == 103.0
    assert "fewer than 20" in stats["warning"]

    code, out = _run(capsys, home, "stats", "--journal", "Ecology Letters", "--by", "year", "--json")
    assert [(s["group"], s["median_days"]) for s in json.loads(out)] == [
        ("2018", 42.0), ("2021", 48.0), ("2022", 46.0)]

    code, out = _run(capsys, home, "stats", "--journal", "Scientific Reports",
                     "--interval", "accepted-online", "--json")
    assert json.loads(out)["median_days"] == 31.0

    code, out = _run(capsys, home, "articles", "--journal", "2041-210X", "--json")
    rows = json.loads(out)
    bad = [r for r in rows if r["excluded"]]
    assert [r["doi"] for r in bad] == ["10.1111/2041-210x.13954"]
    assert bad[0]["received_accepted_days"] == -92
    assert bad[0]["flags"] == ["accepted_before_received"]

    csv_out = tmp_path / "stats.csv"
    code, _ = _run(capsys, home, "stats", "--journal", "2041-210X", "--by", "year",
                   "--csv", str(csv_out))
    assert code == 0 and csv_out.read_text(encoding="utf-8-sig").startswith("journal,interval,group")
    xlsx_out = tmp_path / "articles.xlsx"
    code, _ = _run(capsys, home, "articles", "--journal", "2041-210X", "--xlsx", str(xlsx_out))
    assert code == 0 and xlsx_out.stat().st_size > 1000

    code, out = _run(capsys, home, "compare", "2041-210X", "1461-0248", "--json")
    assert [s["n"] for s in json.loads(out)] == [4, 3]


def test_manual_entry_official_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    code, _ = _run(capsys, home, "add", "--journal", "Journal of Examples", "--doi", "10.5555/m1",
                   "--received", "2021.06.05", "--accepted", "5th September 2021")
    assert code == 0
    code, _ = _run(capsys, home, "official", "--journal", "Journal of Examples", "--days", "60")
    assert code == 0
    code, out = _run(capsys, home, "stats", "--journal", "journal of examples", "--json")
    data = json.loads(out)
    assert (data["n"], data["median_days"], data["official_days"]) == (1, 92.0, 60.0)
    capsys.readouterr()
    code = main(["--home", str(home), "reviews", "add", "--journal", "X", "--received", "nope"])
    assert code == 2
    assert "Cannot read the received date" in capsys.readouterr().err
    code = main(["--home", str(home), "reviews", "stats", "--journal", "No Such Journal"])
    assert code == 2
    assert "No articles of a journal" in capsys.readouterr().err


def test_refused_files_give_exit_status_1_and_are_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], real_fixture: Fixture
) -> None:
    home = tmp_path / "home"
    cassette = real_fixture("crossref/habanero_cassette_test_works_with_many_ids.yaml")
    code, out = _run(
        capsys, home, "import", str(real_fixture("crossref/habanero_work_springer_srep16696.json")),
        str(cassette), str(DATA / "cloudflare_challenge.html"),
    )
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "Imported 1, updated 0, skipped 0."
    assert lines[1] == "2 files refused:"
    yaml_line = next(line for line in lines if cassette.name in line)
    assert "is a YAML file" in yaml_line and "header row" not in yaml_line
    code, out = _run(capsys, home, "import",
                     str(real_fixture("crossref/habanero_work_springer_srep16696.json")))
    assert (code, out.strip()) == (0, "Imported 0, updated 0, skipped 1.")


def test_pdfs_import_without_journal_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], real_fixture: Fixture
) -> None:
    home = tmp_path / "home"
    names = ["cermine_example1_intpsychogeriatrics_2014.pdf", "cermine_example2_bmc_hsr_2014.pdf",
             "cermine_test2_hindawi_rrp_2010.pdf"]
    code, out = _run(capsys, home, "import", *[str(real_fixture(f"pdf/{n}")) for n in names],
                     "--json")
    assert (code, json.loads(out)["imported"], json.loads(out)["errors"]) == (0, 3, [])
    code, out = _run(capsys, home, "journals", "--json")
    assert sorted((j["journal"], j["issn"]) for j in json.loads(out)) == [
        ("BMC Health Services Research", "1472-6963"),
        ("International Psychogeriatrics", "1041-6102"),
        ("Rehabilitation Research and Practice", ""),
    ]
