"""Writing review-time tables to CSV, XLSX (openpyxl) and JSON files.

Tables arrive as (columns, rows) of plain values, so that the same writer serves the summary
and the per-article rows. Files are written to a temporary name and renamed, so a failed
export never leaves half a file behind. Cells go through ``domain.spreadsheet``: no cell is
ever a formula (CSV: OWASP quote prefix; XLSX: text stored as text), CSV has a BOM unless
``bom=False``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from scholardesk.core.errors import InputError
from scholardesk.domain.spreadsheet import is_risky_text, write_csv_file, xlsx_cell

FORMATS = ("csv", "xlsx", "json")


def format_of(path: Path, fmt: str | None = None) -> str:
    kind = (fmt or path.suffix.lstrip(".")).lower()
    if kind not in FORMATS:
        raise InputError(
            f"Cannot export to {path.name}: unknown format {kind!r}.",
            "Use a .csv, .xlsx or .json file name.",
        )
    return kind


def write_table(
    path: Path,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    fmt: str | None = None,
    sheet: str = "data",
    bom: bool = True,
) -> Path:
    kind = format_of(path, fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    try:
        if kind == "csv":
            write_csv_file(tmp, columns, rows, bom=bom)
        elif kind == "json":
            data = [dict(zip(columns, row, strict=False)) for row in rows]
            tmp.write_text(
                json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
            )
        else:
            from openpyxl import Workbook

            wb = Workbook()
            ws = wb.active
            ws.title = sheet[:31]
            for row in [columns, *rows]:
                cells = [xlsx_cell(v) for v in row]
                ws.append([value for value, _ in cells])
                for cell, (value, is_text) in zip(ws[ws.max_row], cells, strict=False):
                    if is_text:
                        cell.data_type = "s"  # text, never a formula
                        cell.quotePrefix = is_risky_text(value)
            ws.freeze_panes = "A2"
            wb.save(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(f"Cannot write {path}: {exc.strerror or exc}.") from exc
    return path

