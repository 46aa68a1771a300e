"""Metrics and catalogue CSV files."""

from __future__ import annotations

from pathlib import Path

import pytest

from scholardesk.core.errors import InputError
from scholardesk.sources.venue_metrics_csv import read_catalogue, read_metrics, write_catalogue

DATA = Path(__file__).resolve().parents[1] / "data" / "venues"


def test_metrics_rows_and_errors() -> None:
    records, errors = read_metrics(DATA / "metrics.csv")
    assert [(r.venue, r.year, r.source, r.metric, r.value) for r in records[:4]] == [
        ("Neural Networks", 2021, "JCR 2022", "impact_factor", "7.8"),
        ("Neural Networks", 2022, "JCR 2023", "impact_factor", "6.0"),
        ("Neural Networks", 2023, "JCR 2024", "impact_factor", "6.3"),
        ("Neural Networks", 2023, "LetPub", "impact_factor", "6.4"),
    ]
    assert records[0].kind == "journal" and records[4].note == "Top"
    assert len(records) == 8
    assert [(e.record, e.message.split(" ")[0]) for e in errors] == [
        ("line 10", "year"), ("line 11", "no"), ("line 12", "unknown"),
    ]


def test_metrics_without_the_columns(tmp_path: Path) -> None:
    bad = tmp_path / "m.csv"
    bad.write_text("journal,if\nNN,6.3\n", encoding="utf-8")
    with pytest.raises(InputError, match="venue"):
        read_metrics(bad)


def test_catalogue_round_trip(tmp_path: Path) -> None:
    entries, errors = read_catalogue(DATA / "catalogue_small.csv")
    assert [e.abbr or e.name for e in entries] == [
        "NeurIPS", "CVPR", "ICANN", "Neural Networks", "TPAMI", "TKDE", "VLDB"
    ]
    assert entries[0].category == "AI" and entries[5].category == "DB"  # 人工智能, full-width
    assert [e.record for e in errors] == ["line 9", "line 10", "line 11"]
    out = tmp_path / "c.csv"
    assert write_catalogue(out, entries) == 7
    again, errors2 = read_catalogue(out)
    assert again == entries and errors2 == []
