"""The ShowJCR rank-list CSVs, every one of the 22 real files: kind and year from the header
and the file name, counts, and values spot-checked for well-known venues."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from scholardesk.core.errors import InputError
from scholardesk.sources.rank_lists import parse_list, read_list

# file → (kind, year, rows read, rows kept, values refused)
FILES = {
    "CCF2019-UTF8.csv": ("ccf", 2019, 612, 612, 0),
    "CCF2022-UTF8.csv": ("ccf", 2022, 644, 644, 0),
    "CCF2026-UTF8.csv": ("ccf", 2026, 681, 681, 0),
    "CCFChinese2019-UTF8.csv": ("ccf_cn", 2019, 37, 37, 0),
    "CCFT2022-UTF8.csv": ("ccf_t", 2022, 68, 68, 0),
    "CCFT2025-UTF8.csv": ("ccf_t", 2025, 68, 68, 0),
    "JCR2020-UTF8.csv": ("jcr", 2020, 13048, 13048, 28),
    "JCR2021-UTF8.csv": ("jcr", 2021, 21430, 21430, 9006),
    "JCR2022-UTF8.csv": ("jcr", 2022, 21522, 21522, 9985),
    "JCR2023-UTF8.csv": ("jcr", 2023, 21848, 21848, 5859),
    "JCR2024-UTF8.csv": ("jcr", 2024, 22249, 22249, 5546),
    "JCR2025-UTF8.csv": ("jcr", 2025, 22643, 22643, 6692),
    "FQBJCR2021-UTF8.csv": ("cas", 2021, 12422, 12422, 0),
    "FQBJCR2022-UTF8.csv": ("cas", 2022, 12359, 12359, 0),
    "FQBJCR2023-UTF8.csv": ("cas", 2023, 13812, 13812, 0),
    "FQBJCR2025-UTF8.csv": ("cas", 2025, 21772, 21772, 0),
    "GJQKYJMD2020.csv": ("warning", 2020, 65, 65, 0),
    "GJQKYJMD2021.csv": ("warning", 2021, 35, 35, 0),
    "GJQKYJMD2023.csv": ("warning", 2023, 28, 28, 0),
    "GJQKYJMD2024.csv": ("warning", 2024, 24, 24, 0),
    "GJQKYJMD2025.csv": ("warning", 2025, 5, 5, 0),
    "XR2026Conferences-UTF8.csv": ("xr", 2026, 15, 15, 0),
}


@pytest.mark.parametrize("name", sorted(FILES))
def test_every_showjcr_file_is_recognised_and_read(
    name: str, real_fixture: Callable[[str], Path]
) -> None:
    parsed = read_list(real_fixture(f"showjcr/{name}"))
    assert (parsed.list_kind, parsed.year, parsed.rows_read, len(parsed.rows),
            len(parsed.refused)) == FILES[name]


def _row(name: str, journal: str, real_fixture: Callable[[str], Path]):  # type: ignore[no-untyped-def]
    parsed = read_list(real_fixture(f"showjcr/{name}"))
    return next(r for r in parsed.rows if r.name.casefold() == journal.casefold() or
                r.abbr == journal)


def _values(row) -> dict[str, tuple[str, float | None, str]]:  # type: ignore[no-untyped-def]
    return {v.metric: (v.value, v.number, v.note) for v in row.values}


def test_ccf_ranks_per_edition(real_fixture: Callable[[str], Path]) -> None:
    for name, rank in (("CCF2019-UTF8.csv", "A"), ("CCF2022-UTF8.csv", "A"),
                       ("CCF2026-UTF8.csv", "B")):
        ijcai = _row(name, "IJCAI", real_fixture)
        assert (ijcai.kind, ijcai.category, ijcai.rank) == ("conference", "AI", rank)
    iclr = _row("CCF2026-UTF8.csv", "ICLR", real_fixture)
    assert (iclr.rank, iclr.name) == ("A", "International Conference on Learning Representations")
    assert _row("CCF2026-UTF8.csv", "INTERSPEECH", real_fixture).rank == "B"
    assert _row("CCF2022-UTF8.csv", "INTERSPEECH", real_fixture).rank == "C"
    tmm = _row("CCF2026-UTF8.csv", "TMM", real_fixture)
    assert (tmm.kind, tmm.rank) == ("journal", "A")
    taslp = _row("CCF2019-UTF8.csv", "TASLP", real_fixture)
    assert taslp.merged_into == "IEEE-ACM Transactions on Audio Speech and Language Processing"


def test_jcr_layouts_from_one_column_to_six_categories(real_fixture: Callable[[str], Path]) -> None:
    j20 = _row("JCR2020-UTF8.csv", "CA-A CANCER JOURNAL FOR CLINICIANS", real_fixture)
    assert _values(j20)["impact_factor"][:2] == ("508.702", 508.702)
    j24 = _values(_row("JCR2024-UTF8.csv", "CA-A CANCER JOURNAL FOR CLINICIANS", real_fixture))
    assert j24["jcr_quartile_1"] == ("Q1", 1.0, "ONCOLOGY") and j24["wos_index"][0] == "SCIE"
    assert j24["jcr_rank_1"][:2] == ("1/326", 1.0)
    tpami = _row("JCR2025-UTF8.csv",
                 "IEEE TRANSACTIONS ON PATTERN ANALYSIS AND MACHINE INTELLIGENCE", real_fixture)
    values = _values(tpami)
    assert (tpami.issn, tpami.eissn) == ("0162-8828", "1939-3539")
    assert values["jcr_quartile"][0] == "Q1" and values["impact_factor"][1] is not None
    assert values["jcr_quartile_1"][2]  # the category of each quartile is kept


def test_cas_zones_with_their_rank(real_fixture: Callable[[str], Path]) -> None:
    row = _row("FQBJCR2025-UTF8.csv", "2D Materials", real_fixture)
    values = _values(row)
    assert values["cas_zone"] == ("3 [168/495]", 3.0, "材料科学")
    assert values["top"][0] == "no" and (row.issn, row.eissn) == ("2053-1583", "")  # one ISSN
    assert values["cas_zone_sub_1"][0] == "3 [168/436]"
    lancet = _values(_row("FQBJCR2022-UTF8.csv", "LANCET", real_fixture))
    assert lancet["cas_zone"][:2] == ("1", 1.0) and lancet["top"][0] == "yes"


def test_warning_lists_level_then_reason(real_fixture: Callable[[str], Path]) -> None:
    assert _values(_row("GJQKYJMD2020.csv", "Metals", real_fixture))["warning"] == (
        "低", None, "level")
    assert _values(_row("GJQKYJMD2025.csv", "Wireless Personal Communications",
                        real_fixture))["warning"] == ("论文工厂", None, "reason")


def test_unreadable_values_are_refused_and_the_row_kept(real_fixture: Callable[[str], Path]) -> None:
    parsed = read_list(real_fixture("showjcr/JCR2022-UTF8.csv"))
    messages = {e.message for e in parsed.refused}
    assert "IF(2022) '<0.1': not a number (value left out)" in messages
    assert any("'N/A'" in m for m in messages)
    lines = {int(e.record.split()[1]) for e in parsed.refused if "<0.1" in e.message}
    rows = [r for r in parsed.rows if r.line in lines]
    assert len(rows) == 721 and all("impact_factor" not in _values(r) for r in rows)
    assert sum("jcr_quartile" in _values(r) for r in rows) > 0  # the rest of the row is kept


def test_a_header_that_matches_no_list_names_the_file_and_the_header() -> None:
    with pytest.raises(InputError, match=r"notes\.csv.*title,author,year"):
        parse_list(b"title,author,year\nA,B,2020\n", "notes.csv")
