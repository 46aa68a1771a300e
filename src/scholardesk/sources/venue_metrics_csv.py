"""CSV files of venue data: journal metrics by year and source, and the CCF catalogue export.

Metrics CSV (UTF-8, header row; extra columns are ignored):

    venue,year,source,metric,value[,note][,kind]
    Neural Networks,2024,JCR 2025,impact_factor,6.3
    Neural Networks,2025,CAS 2025,cas_zone,2区,Top
    TPAMI,2024,JCR 2025,jcr_quartile,Q1

``venue`` is any name or abbreviation the venue matcher resolves; ``kind`` (journal or
conference) settles names shared by a journal and a conference. ``metric`` is one of
``impact_factor, impact_factor_5y, jcr_quartile, cas_zone, cas_zone_sub, top, warning,
acceptance_rate, submitted, accepted, apc`` (common spellings such as ``IF`` or ``影响因子``
are accepted). Every value keeps its year and source: the same venue, year and metric from two
sources are two rows.

Catalogue CSV: ``kind,category,rank,abbr,name,publisher,dblp_url,edition,note`` — what
``venues export-ccf`` writes and ``venues import-ccf FILE.csv`` reads back (for corrections).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scholardesk.core.errors import InputError
from scholardesk.domain.importing import RecordError
from scholardesk.domain.venues import (
    CCF_EDITION,
    KINDS,
    METRICS,
    RANKS,
    CcfEntry,
    normalise_category,
    normalise_metric,
)

METRIC_COLUMNS = ("venue", "year", "source", "metric", "value")
CATALOGUE_COLUMNS = ("kind", "category", "rank", "abbr", "name", "publisher", "dblp_url",
                     "edition", "note")


@dataclass(frozen=True)
class MetricRecord:
    line: int
    venue: str
    year: int
    source: str
    metric: str
    value: str
    note: str = ""
    kind: str = ""


def _reader(path: Path) -> csv.DictReader[str]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:  # a quoted \r stays a \r
            text = fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path} cannot be read: {exc}", "Save the file as UTF-8 CSV.") from exc
    reader = csv.DictReader(io.StringIO(text))
    reader.fieldnames = [(f or "").strip().lower() for f in (reader.fieldnames or [])]
    return reader


def _getter(row: dict[str, str | None]) -> Callable[[str], str]:
    from scholardesk.domain.spreadsheet import unescape_text

    def get(key: str) -> str:  # a cell our own export escaped reads back as it was
        return unescape_text((row.get(key) or "").strip())

    return get


def _csv_error(path: Path, exc: csv.Error) -> InputError:
    return InputError(
        f"{path} cannot be read as CSV ({exc}).",
        "A cell is far longer than a table cell can be, or a quote is never closed; "
        "save the table again as CSV.",
    )


def read_metrics(path: Path) -> tuple[list[MetricRecord], list[RecordError]]:
    try:
        return _read_metrics(Path(path))
    except csv.Error as exc:  # e.g. one cell over the csv module's 128 KB field limit
        raise _csv_error(Path(path), exc) from exc


def _read_metrics(path: Path) -> tuple[list[MetricRecord], list[RecordError]]:
    reader = _reader(path)
    missing = [c for c in METRIC_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(
            f"{path.name} lacks the column(s) {', '.join(missing)}.",
            "A metrics CSV needs the header: venue,year,source,metric,value",
        )
    records: list[MetricRecord] = []
    errors: list[RecordError] = []
    for line, row in enumerate(reader, 2):
        get = _getter(row)
        venue, year_text, source, metric_text, value = (get(c) for c in METRIC_COLUMNS)
        where = f"line {line}"
        if not venue:
            errors.append(RecordError(str(path), where, "no venue"))
            continue
        try:
            year = int(float(year_text))
            if not 1900 <= year <= 2100:
                raise ValueError
        except (ValueError, OverflowError):  # OverflowError: int(float("1e309"))
            errors.append(RecordError(str(path), where, f"year {year_text!r} is not a year"))
            continue
        metric = normalise_metric(metric_text)
        if metric is None:
            errors.append(RecordError(
                str(path), where,
                f"unknown metric {metric_text!r} (use one of {', '.join(METRICS)})",
            ))
            continue
        if not source:
            errors.append(RecordError(str(path), where, "no source (every value needs one)"))
            continue
        if not value:
            errors.append(RecordError(str(path), where, "no value"))
            continue
        kind = get("kind").lower()
        if kind and kind not in KINDS:
            errors.append(RecordError(str(path), where, f"kind {kind!r} is not journal/conference"))
            continue
        records.append(MetricRecord(line, venue, year, source, metric, value, get("note"), kind))
    return records, errors


def read_catalogue(path: Path) -> tuple[list[CcfEntry], list[RecordError]]:
    try:
        return _read_catalogue(Path(path))
    except csv.Error as exc:
        raise _csv_error(Path(path), exc) from exc


def _read_catalogue(path: Path) -> tuple[list[CcfEntry], list[RecordError]]:
    reader = _reader(path)
    missing = [c for c in ("kind", "category", "rank", "name") if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(
            f"{path.name} is not a catalogue CSV (no column {', '.join(missing)}).",
            "Export the catalogue from ScholarDesk to see the expected columns.",
        )
    entries: list[CcfEntry] = []
    errors: list[RecordError] = []
    for line, row in enumerate(reader, 2):
        get = _getter(row)
        where = f"line {line}"
        kind = get("kind").lower()
        category = normalise_category(get("category"))
        rank = get("rank").upper()
        name = get("name")
        if kind not in KINDS:
            errors.append(RecordError(str(path), where, f"kind {get('kind')!r} is not journal/conference"))
        elif category is None:
            errors.append(RecordError(str(path), where, f"unknown category {get('category')!r}"))
        elif rank not in RANKS:
            errors.append(RecordError(str(path), where, f"rank {get('rank')!r} is not A, B or C"))
        elif not name:
            errors.append(RecordError(str(path), where, "no name"))
        else:
            entries.append(CcfEntry(
                kind=kind, category=category, rank=rank, abbr=get("abbr"), name=name,
                publisher=get("publisher"), dblp_url=get("dblp_url"), note=get("note"),
                edition=get("edition") or CCF_EDITION,
            ))
    return entries, errors


def write_catalogue(path: Path, entries: list[CcfEntry], bom: bool = True) -> int:
    """The catalogue as CSV for a spreadsheet (cells escaped, UTF-8 with a BOM by default)."""
    from scholardesk.domain.spreadsheet import write_csv_file

    write_csv_file(
        Path(path), CATALOGUE_COLUMNS,
        ([e.kind, e.category, e.rank, e.abbr, e.name, e.publisher, e.dblp_url, e.edition, e.note]
         for e in entries),
        bom=bom,
    )
    return len(entries)
