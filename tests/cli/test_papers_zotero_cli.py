"""``scholardesk papers import-zotero``."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from scholardesk.cli import main


def test_import_zotero_json_then_again_unchanged(
    tmp_path: Path, real_fixture: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "Zotero"
    folder.mkdir()
    shutil.copyfile(real_fixture("zotero/yuanluochen_zotero7.sqlite"), folder / "zotero.sqlite")
    home = tmp_path / "home"
    assert main(["--home", str(home), "papers", "import-zotero", str(folder), "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert (first["imported"], first["updated"], first["unchanged"]) == (12, 0, 0)
    assert first["attachments"] == {"files": 12, "missing": 12, "annotations": 0}
    assert first["removed_in_zotero"] == [] and first["errors"] == []
    assert main(["--home", str(home), "papers", "import-zotero", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "0 added, 0 updated, 12 unchanged" in out


def test_import_zotero_from_a_folder_that_is_not_zotero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--home", str(tmp_path / "home"), "papers", "import-zotero", str(tmp_path)])
    assert code != 0
    assert "not a Zotero data folder" in capsys.readouterr().err


def test_review_dates_of_a_papers_attached_pdf(
    tmp_path: Path, real_fixture: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "Zotero"
    storage = folder / "storage" / "FME3YJWP"
    storage.mkdir(parents=True)
    shutil.copyfile(real_fixture("zotero/yuanluochen_zotero7.sqlite"), folder / "zotero.sqlite")
    shutil.copyfile(real_fixture("pdf/cermine_test2_hindawi_rrp_2010.pdf"),
                    storage / ("Simon - 2010 - Kalman filtering with state constraints a survey "
                               "of linear and nonlinear algorithms.pdf"))
    home = tmp_path / "home"
    assert main(["--home", str(home), "papers", "import-zotero", str(folder)]) == 0
    assert main(["--home", str(home), "papers", "list", "--json"]) == 0
    capsys.readouterr()
    assert main(["--home", str(home), "papers", "search", "Kalman", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert main(["--home", str(home), "papers", "review-dates", str(row["id"]), "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["found"] is True and got["stored"] == "imported"
    assert got["dates"]["received"] == "2010-11-09" and got["dates"]["accepted"] == "2010-12-25"
    assert main(["--home", str(home), "papers", "review-dates", str(row["id"])]) == 0
    assert "Already in the review times." in capsys.readouterr().out


def test_reimport_after_deleting_here_says_skipped(
    tmp_path: Path, real_fixture: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "Zotero"
    folder.mkdir()
    shutil.copyfile(real_fixture("zotero/chen-zhihui_zotero5_2018.sqlite"),
                    folder / "zotero.sqlite")
    home = tmp_path / "home"
    assert main(["--home", str(home), "papers", "import-zotero", str(folder)]) == 0
    capsys.readouterr()
    assert main(["--home", str(home), "papers", "list", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)[0]
    assert main(["--home", str(home), "papers", "delete", str(first["id"])]) == 0
    capsys.readouterr()
    assert main(["--home", str(home), "papers", "import-zotero", str(folder), "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["imported"] == 0 and [d["title"] for d in got["skipped_deleted_here"]] == [
        first["title"]]
    assert main(["--home", str(home), "papers", "import-zotero", str(folder)]) == 0
    assert "1 skipped (deleted here" in capsys.readouterr().out
