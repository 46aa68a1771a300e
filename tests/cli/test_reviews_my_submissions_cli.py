"""``scholardesk reviews import-submissions``: the user's accepted manuscripts (seed histories
pasted through ``submissions import-text``) join a real journal's review-time statistics."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from scholardesk.cli import main

Fixture = Callable[[str], Path]
SUBMISSIONS = Path(__file__).resolve().parents[1] / "data" / "submissions"
ECOLOGY = "crossref/habanero_works_query_ecology_author_boettiger_20items.json"


def _run(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["--home", str(home), *args])
    return code, capsys.readouterr().out


def test_import_submissions_json_text_and_remove(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], real_fixture: Fixture
) -> None:
    home = tmp_path / "home"
    assert _run(capsys, home, "reviews", "import", str(real_fixture(ECOLOGY)))[0] == 0
    code, _ = _run(capsys, home, "submissions", "import-text",
                   str(SUBMISSIONS / "seed109_flattened.txt"),
                   "--venue", "Methods in Ecology & Evolution", "--title", "My model")
    assert code == 0

    code, out = _run(capsys, home, "reviews", "import-submissions", "--json")
    data = json.loads(out)
    assert code == 0
    assert (data["imported"], data["updated"], data["skipped"], data["removed"]) == (1, 0, 0, 0)
    [record] = data["records"]
    assert record["journal"] == "Methods in Ecology and Evolution"
    assert record["issn"] == "2041-210X" and record["received_accepted_days"] == 130
    assert record["status"] == "imported"

    code, out = _run(capsys, home, "reviews", "stats", "--journal", "2041-210X", "--json")
    stats = json.loads(out)
    assert (stats["n"], stats["excluded"], stats["median_days"]) == (5, 1, 100.0)
    code, out = _run(capsys, home, "reviews", "articles", "--journal", "2041-210X", "--json")
    assert [r["source"] for r in json.loads(out)].count("my submissions") == 1

    code, out = _run(capsys, home, "reviews", "import-submissions")
    assert code == 0
    assert "imported 0, updated 0, unchanged 1, removed 0" in out
    assert "Methods in Ecology and Evolution: 2022-06-05 → 2022-10-13 (130 d)" in out

    code, out = _run(capsys, home, "reviews", "import-submissions", "--remove", "--json")
    assert json.loads(out)["removed"] == 1
    code, out = _run(capsys, home, "reviews", "stats", "--journal", "2041-210X", "--json")
    assert json.loads(out)["n"] == 4
