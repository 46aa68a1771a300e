"""ccf-deadlines YAML on the real data: timezones to UTC, TBD, acceptance rates, broken files."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scholardesk.core.errors import InputError
from scholardesk.sources.ccfddl import parse_conferences, read_path, to_utc, zone_for

DATA = Path(__file__).resolve().parents[1] / "data" / "venues"


@pytest.mark.parametrize(
    ("local", "tz", "utc"),
    [
        ("2025-05-15 23:59:59", "AoE", "2025-05-16 11:59:59"),
        ("2025-05-15 23:59:59", "UTC-12", "2025-05-16 11:59:59"),
        ("2023-08-04 02:59:59", "UTC+8", "2023-08-03 18:59:59"),
        ("2024-05-22 20:00:00", "UTC+0", "2024-05-22 20:00:00"),
        ("2024-05-22 20:00:00", "UTC", "2024-05-22 20:00:00"),
        ("2020-04-01 17:00:00", "PT", "2020-04-02 00:00:00"),  # daylight saving: UTC-7
        ("2020-12-01 17:00:00", "PT", "2020-12-02 01:00:00"),  # winter: UTC-8
        ("2025-01-01", "UTC", "2025-01-01 23:59:59"),
    ],
)
def test_deadlines_to_utc(local: str, tz: str, utc: str) -> None:
    assert to_utc(local, tz) == datetime.strptime(utc, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)


def test_tbd_and_unknown() -> None:
    assert to_utc("TBD", "AoE") is None
    assert to_utc(None, "AoE") is None
    with pytest.raises(ValueError):
        zone_for("Mars/Olympus")
    with pytest.raises(ValueError):
        to_utc("next Tuesday", "UTC")


def test_real_ccfddl_folder(real_fixture: Callable[[str], Path]) -> None:
    data = read_path(real_fixture("ccfddl"))
    assert data.errors == []
    assert len(data.categories) == 10 and data.categories["AI"][0] == "人工智能"
    titles = {c.title for c in data.conferences}
    assert {"NeurIPS", "VLDB", "CVPR", "AAAI", "ACL", "SIGMOD", "ASPLOS", "CHI"} <= titles
    nips = next(c for c in data.conferences if c.title == "NeurIPS")
    assert (nips.category, nips.ccf_rank, nips.dblp) == ("AI", "A", "nips")
    ed25 = next(e for e in nips.editions if e.year == 2025)
    assert ed25.timezone == "AoE" and ed25.place == "San Diego Convention Center, USA"
    kinds = {d.kind: d for d in ed25.deadlines}
    assert kinds["abstract"].when_utc == datetime(2025, 5, 12, 11, 59, 59, tzinfo=UTC)
    assert kinds["paper"].when_utc == datetime(2025, 5, 16, 11, 59, 59, tzinfo=UTC)
    assert kinds["paper"].local_text == "2025-05-15 23:59:59"
    # VLDB: twelve monthly deadlines in Pacific time
    vldb21 = next(e for e in next(c for c in data.conferences if c.title == "VLDB").editions
                  if e.year == 2021)
    assert len(vldb21.deadlines) == 12 and vldb21.timezone == "PT"
    assert vldb21.deadlines[0].when_utc == datetime(2020, 4, 2, 0, 0, tzinfo=UTC)
    # ACL 2027: TBD
    acl27 = next(e for e in next(c for c in data.conferences if c.title == "ACL").editions
                 if e.year == 2027)
    assert [d.when_utc for d in acl27.deadlines] == [None]
    # acceptance rates; CVPR 2025 writes its rate "0,2212484625": computed from the counts
    cvpr25 = next(r for r in data.accept_rates if r.title == "CVPR" and r.year == 2025)
    assert (cvpr25.submitted, cvpr25.accepted) == (13008, 2878)
    assert cvpr25.rate == pytest.approx(2878 / 13008)
    nips23 = next(r for r in data.accept_rates if r.title == "NeurIPS" and r.year == 2023)
    assert nips23.rate == pytest.approx(3218 / 12343)


def test_broken_files_are_reported_per_file_and_the_rest_read() -> None:
    data = read_path(DATA / "ccfddl_mixed")
    by_record = {(Path(e.source).name, e.record): e.message for e in data.errors}
    assert any(name == "broken.yml" and "YAML" in msg for (name, _), msg in by_record.items())
    assert ("good.yml", "WRONGTZ") in by_record
    assert "Mars/Olympus" in by_record[("good.yml", "WRONGTZ")]
    titles = sorted(c.title for c in data.conferences)
    assert titles == ["BEIJINGCONF", "NeurIPS", "VLDB"]
    bj = next(c for c in data.conferences if c.title == "BEIJINGCONF").editions[0].deadlines[0]
    # unquoted in the YAML (a datetime for PyYAML), in UTC+8
    assert bj.when_utc == datetime(2030, 3, 1, 0, 0, tzinfo=UTC)
    assert bj.comment.startswith("unquoted")
    comma = next(r for r in data.accept_rates if r.year == 2030)
    assert comma.rate == pytest.approx(0.2212484625)


def test_a_conference_without_title_is_one_error() -> None:
    records, errors = parse_conferences("- description: no title\n- title: OK\n  confs: []\n", "x.yml")
    assert [r.title for r in records] == ["OK"]
    assert len(errors) == 1 and errors[0].source == "x.yml" and "title" in errors[0].message


def test_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        read_path(tmp_path / "nope")
    with pytest.raises(InputError):
        read_path(tmp_path)


# conference/DS/ica3pp.yml in ccf-deadlines: one ``id`` for every year
ICA3PP_SHAPED = """\
- title: ICA3PP
  description: International Conference on Algorithms and Architectures for Parallel Processing
  sub: DS
  rank:
    ccf: C
  dblp: ica3pp
  confs:
""" + "".join(
    f"""    - year: {year}
      id: ica3pp
      link: https://ica3pp.example.org/{year}
      timeline:
        - deadline: '{year}-05-01 23:59:59'
      timezone: UTC-12
      date: October, {year}
      place: Somewhere
"""
    for year in (2023, 2024, 2025, 2026)
)


def test_a_file_that_reuses_one_id_keeps_every_year_as_its_own_edition() -> None:
    records, errors = parse_conferences(ICA3PP_SHAPED, "conference/DS/ica3pp.yml")
    assert errors == []
    editions = records[0].editions
    assert [(e.year, e.edition_id) for e in editions] == [
        (2023, "ica3pp"), (2024, "ica3pp"), (2025, "ica3pp"), (2026, "ica3pp")]


def test_the_same_year_and_id_twice_are_two_editions() -> None:
    text = ICA3PP_SHAPED.replace("year: 2024", "year: 2023")
    records, _ = parse_conferences(text, "x.yml")
    assert [(e.year, e.edition_id) for e in records[0].editions][:2] == [
        (2023, "ica3pp"), (2023, "ica3pp-2")]
