"""``scholardesk papers ...`` end to end on a temporary library."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from scholardesk.cli import main

DATA = Path(__file__).resolve().parents[1] / "data" / "papers"


def run(home: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any]:
    code = main(["--home", str(home), "papers", *args])
    out = capsys.readouterr().out
    try:
        return code, json.loads(out)
    except ValueError:
        return code, out


def test_import_search_list_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], real_fixture: Callable[[str], Path]
) -> None:
    home = tmp_path / "home"
    bib = real_fixture("bibtex/thuthesis_refs_zh.bib")
    atom = real_fixture("arxiv/arxivpy_recorded_2026_q_testing_s0_m10.json")
    code, report = run(home, capsys, "import", str(bib), str(atom), "--json")
    assert code == 0
    assert report == {"imported": 44, "updated": 0, "skipped": 0, "errors": []}
    code, again = run(home, capsys, "import", str(bib), "--json")
    assert again == {"imported": 0, "updated": 0, "skipped": 34, "errors": []}

    code, hits = run(home, capsys, "search", "机器", "--json")
    assert code == 0
    assert hits == [{
        "id": hits[0]["id"], "title": "机器人柔性手腕的球面齿轮设计研究",
        "authors": ["张昆", "冯立群", "余昌钰"], "year": 1994, "arxiv_id": None, "doi": None,
        "venue": "清华大学学报: 自然科学版",
    }]
    code, hits = run(home, capsys, "search", "mutation testing", "--limit", "3", "--json")
    assert 1 <= len(hits) <= 3 and all(h["arxiv_id"] for h in hits)
    code, none = run(home, capsys, "search", "zzqqxx", "--json")
    assert (code, none) == (1, [])

    zk = hits and run(home, capsys, "search", "机器人", "--json")[1][0]["id"]
    assert run(home, capsys, "edit", str(zk), "--tag", "GB/T", "--status", "read")[0] == 0
    code, tagged = run(home, capsys, "list", "--tag", "gb/t", "--json")
    assert [t["id"] for t in tagged] == [zk]
    code, cite = run(home, capsys, "show", str(zk), "--cite", "gbt7714")
    assert cite.strip() == "张昆, 冯立群, 余昌钰. 机器人柔性手腕的球面齿轮设计研究[J]. 清华大学学报: 自然科学版, 1994, 34(2): 1-7."
    code, shown = run(home, capsys, "show", str(zk), "--json")
    assert shown["status"] == "read" and shown["tags"] == ["gb/t"]
    assert shown["sources"][0]["kind"] == "bibtex"
    assert run(home, capsys, "edit", str(zk), "--rating", "4", "--notes", "复现了")[0] == 0
    code, text = run(home, capsys, "show", str(zk))
    assert "Rating: ★★★★" in text and "Notes: 复现了" in text  # not only in --json

    out = tmp_path / "out.bib"
    assert main(["--home", str(home), "papers", "export", "--format", "bibtex", "--out", str(out)]) == 0
    capsys.readouterr()
    assert out.read_text(encoding="utf-8").count("\n@") + 1 == 44
    code, rt = run(home, capsys, "import", str(out), "--json")
    assert (rt["imported"], rt["errors"]) == (0, [])
    code, csv_text = run(home, capsys, "export", "--format", "csv", "--tag", "gb/t")
    assert csv_text.splitlines()[0].startswith("id,title,authors,year,venue")
    assert len(csv_text.splitlines()) == 2

    code, venues = run(home, capsys, "venues", "--json")
    assert {"venue": "J Chem Phys", "papers": 5} in venues


def test_bad_input_exits_1_with_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    code, report = run(home, capsys, "import", str(DATA / "malformed.bib"), "--json")
    assert code == 1
    assert report["imported"] == 2
    assert [e["record"] for e in report["errors"]] == [
        "line 9 (broken_brace)", "line 14 (missing_comma)", "line 19 (notitle)"
    ]
    assert main(["--home", str(home), "papers", "show", "999"]) == 2
    assert "no paper with id 999" in capsys.readouterr().err


def test_subscribe_and_fetch_new_against_a_local_server(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], local_server: Any
) -> None:
    from tests.sources.test_papers_network import atom_page

    home = tmp_path / "home"
    home.mkdir()
    (home / "settings.json").write_text(json.dumps({
        "arxiv_interval_s": 0, "publisher_rate": 1000, "max_retries": 1,
        "extra": {"arxiv_api_url": f"{local_server.base_url}/api/query"},
    }), encoding="utf-8")
    local_server.routes["/api/query"] = [
        (200, {}, atom_page([("2401.00002v1", "2024-01-02"), ("2401.00001v1", "2024-01-01")], 2))
    ]
    assert main(["--home", str(home), "papers", "subscribe", "eess.AS"]) == 0
    capsys.readouterr()
    code, report = run(home, capsys, "fetch-new", "--json")
    assert code == 0
    assert report["imported"] == 2 and report["subscriptions"] == {"eess.AS": 2}
    code, subs = run(home, capsys, "subscriptions", "--json")
    assert subs[0]["query"] == "eess.AS" and subs[0]["last_published"] == "2024-01-02"
    code, listed = run(home, capsys, "list", "--status", "unread", "--json")
    assert len(listed) == 2


def test_cite_prints_reference_list_entries_in_each_style(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], real_fixture: Callable[[str], Path]
) -> None:
    home = tmp_path / "home"
    atom = real_fixture("arxiv/arxivpy_id_list_1111.2011v2.xml")
    assert run(home, capsys, "import", str(atom), "--json")[1]["imported"] == 1
    (paper,) = run(home, capsys, "list", "--json")[1]
    pid = str(paper["id"])

    code, gbt = run(home, capsys, "cite", pid)  # GB/T 7714 unless told otherwise
    assert code == 0
    assert gbt.strip() == (
        "MURRAY J M, DEL MAESTRO A, TESANOVIC Z. Quantum Criticality for Extended Nodes on a "
        "Bethe Lattice in the Large Connectivity Limit[J]. Phys. Rev. B, 2012, 85(11): 115117. "
        "DOI: 10.1103/physrevb.85.115117."
    )
    code, apa = run(home, capsys, "cite", pid, "--style", "apa")
    assert apa.strip().startswith("Murray, J. M., Del Maestro, A., & Tesanovic, Z. (2012). ")
    code, ieee = run(home, capsys, "cite", pid, pid, "--style", "ieee", "--json")
    assert [c["style"] for c in ieee] == ["ieee", "ieee"]
    assert ieee[0]["id"] == paper["id"]
    assert ieee[0]["citation"].startswith("J. M. Murray, A. Del Maestro, and Z. Tesanovic, “")
    code, shown = run(home, capsys, "show", pid, "--cite", "apa")
    assert shown.strip() == apa.strip()

    assert main(["--home", str(home), "papers", "cite", pid, "--style", "chicago"]) == 2
    err = capsys.readouterr().err
    assert "Unknown citation style 'chicago'" in err
    assert "gbt7714, apa, ieee" in err


def test_deleting_papers_another_member_marked_needs_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from scholardesk.domain.papers import PaperFilter
    from scholardesk.store.db import Database
    from scholardesk.store.papers_repo import PapersRepository

    home = tmp_path / "home"
    bib = tmp_path / "lab.bib"
    bib.write_text("@article{a, title={Conformer for speech}, author={A. Author}, year={2024}}\n"
                   "@article{b, title={Whisper at scale}, author={B. Author}, year={2023}}\n",
                   encoding="utf-8")
    assert main(["--home", str(home), "papers", "import", str(bib)]) == 0
    db = Database(f"sqlite:///{home / 'library.sqlite'}")
    with db.transaction() as session:  # bob, another member (as a shared library scopes it)
        session.info["person"] = "bob"
        repo = PapersRepository(session)
        conformer = repo.ids(PaperFilter(), "title", False)[0]
        repo.set_fields([conformer], notes="bob's reading notes")
    db.dispose()
    capsys.readouterr()
    code = main(["--home", str(home), "papers", "delete", str(conformer)])
    err = capsys.readouterr().err
    assert code != 0 and "bob (1)" in err and "--force" in err
    assert len(run(home, capsys, "list", "--json")[1]) == 2  # nothing deleted
    assert run(home, capsys, "delete", "--force", str(conformer))[0] == 0
    assert [p["title"] for p in run(home, capsys, "list", "--json")[1]] == ["Whisper at scale"]
