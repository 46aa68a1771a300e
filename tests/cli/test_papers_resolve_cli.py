"""``scholardesk papers resolve`` over a local server replaying recorded answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scholardesk.cli import main

DATA = Path(__file__).resolve().parents[1] / "data" / "papers" / "resolve"


def run(capsys, *argv: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    code = main(list(argv))
    return code, capsys.readouterr().out


@pytest.fixture
def library(tmp_path, local_server, real_fixture, monkeypatch):  # type: ignore[no-untyped-def]
    home = tmp_path / "home"
    home.mkdir()
    base = local_server.base_url
    (home / "settings.json").write_text(json.dumps({"max_retries": 0}), encoding="utf-8")
    for name in ("semanticscholar", "dblp", "openalex", "crossref"):
        monkeypatch.setenv(f"SCHOLARDESK_SERVICE_{name.upper()}", f"{base}/{name}")
    s2 = real_fixture("resolve/semanticscholar/"
                      "Future-House_paper-qa_s2_match_attention_is_all_you_need.json").read_bytes()
    local_server.routes["/semanticscholar/graph/v1/paper/search/match"] = [(200, {}, s2)]
    local_server.routes["/dblp/search/publ/api"] = [
        (200, {}, (DATA / "dblp_attention.json").read_bytes())]
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@misc{vaswani2017,\n title = {Attention Is All You Need},\n"
        " author = {Vaswani, Ashish and Shazeer, Noam and Parmar, Niki and Uszkoreit, Jakob},\n"
        " year = {2017},\n eprint = {1706.03762},\n archivePrefix = {arXiv}\n}\n",
        encoding="utf-8")
    return home, bib


def test_resolve_proposes_then_applies_and_lists_nothing_left(capsys, library) -> None:  # type: ignore[no-untyped-def]
    home, bib = library
    assert run(capsys, "--home", str(home), "papers", "import", str(bib))[0] == 0

    code, out = run(capsys, "--home", str(home), "papers", "resolve", "--all", "--json")
    [row] = json.loads(out)
    assert code == 0
    assert {k: row[k] for k in ("id", "arxiv_id", "status", "venue", "year")} == {
        "id": 1, "arxiv_id": "1706.03762", "status": "published",
        "venue": "Neural Information Processing Systems", "year": 2017}
    assert row["sources"] == ["semanticscholar", "dblp"] and row["confidence"] >= 0.9
    assert any(r["reason"].startswith("the preprint itself") for r in row["rejected"])
    assert {"doi", "confidence", "rejected"} <= row.keys()

    code, out = run(capsys, "--home", str(home), "papers", "resolve", "--show-proposals", "--json")
    assert [p["id"] for p in json.loads(out)] == [1]

    code, out = run(capsys, "--home", str(home), "papers", "resolve", "1", "--apply", "--json")
    assert json.loads(out)[0]["state"] == "applied"
    shown = json.loads(run(capsys, "--home", str(home), "papers", "show", "1", "--json")[1])
    assert (shown["venue"], shown["arxiv_id"]) == ("Neural Information Processing Systems",
                                                    "1706.03762")
    assert json.loads(run(capsys, "--home", str(home), "papers", "resolve", "--show-proposals",
                          "--json")[1]) == []


def test_resolve_without_ids_says_what_to_do(capsys, library) -> None:  # type: ignore[no-untyped-def]
    home, _ = library
    code = main(["--home", str(home), "papers", "resolve"])
    assert code == 2 and "--all" in capsys.readouterr().err
