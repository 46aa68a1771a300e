"""``scholardesk submissions ...`` JSON shapes and exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from scholardesk.cli import main

DATA = Path(__file__).resolve().parents[1] / "data" / "submissions"


def _run(home: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, object]:
    code = main(["--home", str(home), "submissions", *args])
    out = capsys.readouterr().out
    return code, json.loads(out) if "--json" in args else out


def test_import_text_list_and_timeline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, data = _run(
        tmp_path, capsys, "import-text", str(DATA / "seed109_flattened.txt"),
        "--venue", "Neurocomputing", "--title", "My paper", "--json",
    )  # fmt: skip
    assert code == 0
    assert isinstance(data, dict)
    assert {"submission_id", "events", "errors"} <= set(data)
    assert data["errors"] == [] and len(data["events"]) == 11
    assert data["events"][5] == {
        "date": "2022-08-14", "raw": "major revise", "stage": "Major Revision", "line": 1
    }  # fmt: skip
    sid = data["submission_id"]

    code, rows = _run(tmp_path, capsys, "list", "--json")
    assert code == 0 and isinstance(rows, list)
    assert rows[0]["id"] == sid and rows[0]["current_stage"] == "Accepted"
    assert rows[0]["total_days"] == 130 and rows[0]["stuck"] is False

    code, tl = _run(tmp_path, capsys, "timeline", str(sid), "--json")
    assert code == 0 and isinstance(tl, dict)
    assert {"venue", "events", "stages", "rounds", "outcome", "total_days"} <= set(tl)
    assert tl["venue"] == "Neurocomputing"
    assert tl["events"][0] == {"date": "2022-06-05", "raw": "submitted to journal", "stage": "Submitted"}
    assert tl["stages"][2] == {
        "stage": "Under Review", "start": "2022-06-09", "end": "2022-08-13", "days": 65
    }  # fmt: skip
    assert (tl["rounds"], tl["outcome"], tl["total_days"]) == (2, "Accepted", 130)


def test_import_text_from_stdin_with_errors_and_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (DATA / "bad_lines.txt").read_text(encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    code, data = _run(tmp_path, capsys, "import-text", "-", "--venue", "J", "--strict", "--json")
    assert code == 1
    assert isinstance(data, dict) and data["submission_id"] is None and data["events"] == []
    assert data["errors"][0] == {
        "line": 2, "text": "sometime in June: under review", "message": "no readable date on this line"
    }  # fmt: skip
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    code, data = _run(tmp_path, capsys, "import-text", "-", "--venue", "J", "--json")
    assert code == 1  # imported the readable lines, but says some failed
    assert isinstance(data, dict) and len(data["events"]) == 5 and len(data["errors"]) == 2


def test_add_event_stuck_email_thresholds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, sub = _run(
        tmp_path, capsys, "add", "--venue", "IEEE Sensors Journal", "--title", "T",
        "--manuscript-id", "Sensors-123", "--json",
    )  # fmt: skip
    assert code == 0 and isinstance(sub, dict)
    sid = str(sub["id"])
    code, ev = _run(tmp_path, capsys, "event", sid, "--date", "2020/12/03", "--status", "Submitted to Journal", "--json")
    assert code == 0 and isinstance(ev, dict)
    assert ev["event"]["stage"] == "Submitted" and ev["warnings"] == []
    code, ev = _run(tmp_path, capsys, "event", sid, "--date", "2020-12-06", "--status", "With Editor", "--json")
    assert code == 0
    code, alerts = _run(tmp_path, capsys, "stuck", "--json")
    assert isinstance(alerts, list) and alerts[0]["stage"] == "With Editor" and alerts[0]["threshold"] == 30
    code, th = _run(tmp_path, capsys, "thresholds", "--with-editor", "100000", "--json")
    assert th == {"With Editor": 100000, "Under Review": 90}
    code, alerts = _run(tmp_path, capsys, "stuck", "--json")
    assert alerts == []
    code, mail = _run(tmp_path, capsys, "email", sid, "--json")
    assert isinstance(mail, dict) and "Sensors-123" in mail["subject"]
    code, _out = _run(tmp_path, capsys, "event", sid, "--date", "someday", "--status", "x")
    assert code == 2


def test_export_import_and_unknown_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _run(tmp_path, capsys, "import-text", str(DATA / "seed8225_chain.txt"), "--title", "T", "--json")
    out = tmp_path / "t.csv"
    code, data = _run(tmp_path, capsys, "export", str(out), "--json")
    assert code == 0 and data == {"file": str(out), "submissions": 8}
    code, report = _run(tmp_path / "other", capsys, "import", str(out), "--json")
    assert code == 0 and isinstance(report, dict) and report["imported"] == 8
    code, done = _run(tmp_path / "other", capsys, "completed", "--json")
    assert isinstance(done, list) and done[0]["accepted"] == "2021-08-18"
    assert main(["--home", str(tmp_path), "submissions", "timeline", "999", "--json"]) == 2
    assert "no submission 999" in capsys.readouterr().err


def test_a_history_dated_out_of_order_shows_no_negative_days(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    history = tmp_path / "typo.txt"
    history.write_text(
        "2021/05/04 Submitted to Journal\n2020/05/05 With Editor\n2020/05/06 Reject\n",
        encoding="utf-8",
    )
    code, data = _run(
        tmp_path, capsys, "import-text", str(history), "--venue", "Information Sciences", "--json"
    )
    assert code == 0 and isinstance(data, dict)
    sid = str(data["submission_id"])

    code, out = _run(tmp_path, capsys, "timeline", sid)
    assert code == 0 and isinstance(out, str)
    assert "-" not in "".join(line.split()[1] for line in out.splitlines()[1:4])
    assert "total days: ?" in out
    assert "dates out of order: 2020-05-05 With Editor" in out

    code, tl = _run(tmp_path, capsys, "timeline", sid, "--json")
    assert isinstance(tl, dict)
    assert tl["total_days"] is None and tl["days_to_first_decision"] is None
    assert [s["days"] for s in tl["stages"]] == [None, 1, 0]
    assert [e["date"] for e in tl["out_of_order"]] == ["2020-05-05"]
