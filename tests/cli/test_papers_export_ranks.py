"""``papers export --with-ranks``: each paper's venue ranks (CCF · CAS zone · JCR · IF, from
the imported ShowJCR lists) as a CSV column, a BibTeX ``ranks`` field and a JSON key; the
export without the option is as before."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from scholardesk.cli import main


def papers(home: Path, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["--home", str(home), "papers", *args]) == 0
    return capsys.readouterr().out


def test_export_with_ranks_in_csv_bibtex_and_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], real_fixture: Callable[[str], Path]
) -> None:
    home = tmp_path / "home"
    lists = [real_fixture(f"showjcr/{n}") for n in ("CCF2026-UTF8.csv", "FQBJCR2025-UTF8.csv")]
    assert main(["--home", str(home), "venues", "import-lists", *map(str, lists)]) == 0
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@article{tpami, title = {Deep pattern analysis}, author = {Li, A.}, year = {2024},\n"
        "  journal = {IEEE Transactions on Pattern Analysis and Machine Intelligence}}\n"
        "@inproceedings{ws, title = {A workshop paper}, author = {Wu, B.}, year = {2024},\n"
        "  booktitle = {Workshop on Things Nobody Ranks}}\n", encoding="utf-8")
    papers(home, capsys, "import", str(bib))
    capsys.readouterr()

    rows = list(csv.DictReader(io.StringIO(papers(home, capsys, "export", "--format", "csv",
                                                  "--with-ranks"))))
    ranks = {r["title"]: r["ranks"] for r in rows}
    assert ranks == {"Deep pattern analysis": "CCF A · 1区 Top", "A workshop paper": ""}

    text = papers(home, capsys, "export", "--with-ranks")
    assert "  ranks = {CCF A · 1区 Top}\n}" in text
    assert text.count("ranks = ") == 1  # an unranked venue gets no field

    shown = json.loads(papers(home, capsys, "export", "--format", "json", "--with-ranks"))
    assert {p["title"]: p["ranks"] for p in shown} == {
        "Deep pattern analysis": "CCF A · 1区 Top", "A workshop paper": None}

    plain = papers(home, capsys, "export", "--format", "csv")
    assert "ranks" not in plain.splitlines()[0] and "ranks = " not in papers(home, capsys, "export")
