"""``scholardesk papers import SNAPSHOT --categories PATTERNS`` end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scholardesk.cli import main

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "papers" / \
    "arxiv-metadata-oai-snapshot-sample.json"


def test_import_a_snapshot_with_categories(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    code = main(["--home", str(home), "papers", "import", str(SAMPLE), "--categories",
                 "cs.CL,cs.CV", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1  # the damaged lines are errors
    assert report["imported"] == 4
    assert [e["record"] for e in report["errors"]] == ["line 6", "line 12"]
    assert report["notices"][0]["message"] == (
        "6 papers outside the categories cs.CL,cs.CV were left out")
    main(["--home", str(home), "papers", "list", "--json"])
    listed = json.loads(capsys.readouterr().out)
    assert sorted(p["arxiv_id"] for p in listed) == ["1512.03385", "1706.03762", "1810.04805",
                                                     "2005.14165"]


def test_import_without_categories_takes_every_paper(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--home", str(tmp_path / "home"), "papers", "import", str(SAMPLE)])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.out.startswith("9 imported, 0 merged into existing papers, 0 skipped.")
    assert "[line 12]" in captured.err and "the line is cut off" in captured.err
