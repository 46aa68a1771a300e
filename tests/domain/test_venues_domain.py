"""Venue rules: category names, name keys, metric values, iCalendar text."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scholardesk.domain.venue_names import normalise_name, query_tokens, split_remark
from scholardesk.domain.venues import (
    DeadlineRow,
    dblp_key_from_url,
    deadlines_to_ics,
    metric_number,
    normalise_category,
    normalise_metric,
)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("（数据库/数据挖掘/内容检索）", "DB"),
        ("(数据库／数据挖掘／内容检索)", "DB"),
        ("数据库 / 数据挖掘 / 内容检索", "DB"),
        ("计算机体系结构/并行与分布计算/存储系统", "DS"),
        ("（人工智能）", "AI"),
        ("Artificial Intelligence", "AI"),
        ("ai", "AI"),
        ("交叉／综合／新兴", "MX"),
        ("Quantum Cooking", None),
    ],
)
def test_category_names_in_any_punctuation(text: str, code: str | None) -> None:
    assert normalise_category(text) == code


def test_name_keys() -> None:
    assert normalise_name("NeurIPS 2023") == "neurips"
    assert normalise_name("Proc. CVPR") == "cvpr"
    assert normalise_name("Proceedings of the 37th AAAI Conference on Artificial Intelligence") == (
        "aaai conference on artificial intelligence"
    )
    assert normalise_name("Data &amp; Knowledge Engineering") == "data and knowledge engineering"
    assert normalise_name("ＮｅｕｒＩＰＳ") == "neurips"  # full-width letters (NFKC)
    assert normalise_name("IEEE/CVF Computer Vision") == "ieee cvf computer vision"


@given(st.text(max_size=60))
def test_name_keys_are_idempotent(text: str) -> None:
    once = normalise_name(text)
    assert normalise_name(once) == once


def test_query_tokens_mark_abbreviations() -> None:
    assert query_tokens("IEEE Trans. Pattern Anal. Mach. Intell.") == [
        ("ieee", False), ("trans", True), ("pattern", False), ("anal", True), ("mach", True),
        ("intell", True),
    ]


def test_split_remark() -> None:
    assert split_remark("ACM Transactions on Speech and Language Processing (2013年已停刊)") == (
        "ACM Transactions on Speech and Language Processing", "2013年已停刊"
    )
    assert split_remark("IEEE Transactions on Very Large Scale Integration (VLSI) Systems") == (
        "IEEE Transactions on Very Large Scale Integration (VLSI) Systems", ""
    )


def test_dblp_keys() -> None:
    assert dblp_key_from_url("http://dblp.uni-trier.de/db/conf/nips/") == "conf/nips"
    assert dblp_key_from_url("https://dblp.org/db/journals/tcasI/index.html") == "journals/tcasI"
    assert dblp_key_from_url("http://digital-library.theiet.org/content/journals/iet-its") == ""


def test_metric_values() -> None:
    assert metric_number("impact_factor", "4.6") == 4.6
    assert metric_number("acceptance_rate", "26.1%") == pytest.approx(0.261)
    assert metric_number("jcr_quartile", "Q2") == 2
    assert metric_number("cas_zone", "2区") == 2
    assert metric_number("top", "yes") == 1
    assert metric_number("impact_factor", "") is None
    assert normalise_metric("IF") == "impact_factor"
    assert normalise_metric("影响因子") == "impact_factor"
    assert normalise_metric("5-year IF") == "impact_factor_5y"
    assert normalise_metric("h_index") is None


def _row(**kw: object) -> DeadlineRow:
    base: dict[str, object] = dict(
        venue="NeurIPS", venue_id=1, year=2025, kind="paper",
        deadline_utc=datetime(2025, 5, 16, 11, 59, 59, tzinfo=UTC), timezone="AoE",
        local_text="2025-05-15 23:59:59", link="https://neurips.cc/Conferences/2025",
        place="San Diego Convention Center, USA", ccf_rank="A",
    )
    base.update(kw)
    return DeadlineRow(**base)  # type: ignore[arg-type]


def test_ics_is_rfc5545_shaped() -> None:
    long_place = "A very long place name, with commas; and semicolons " * 3
    text = deadlines_to_ics(
        [_row(), _row(kind="abstract", place=long_place), _row(deadline_utc=None, local_text="TBD")],
        now=datetime(2025, 1, 1, tzinfo=UTC),
    )
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    lines = text.split("\r\n")[:-1]
    assert all(len(line.encode()) <= 75 for line in lines)
    assert text.count("BEGIN:VEVENT") == 2  # the TBD deadline has no date to put in a calendar
    assert "DTSTART:20250516T115959Z" in lines
    assert "SUMMARY:NeurIPS 2025 paper deadline" in lines
    unfolded = text.replace("\r\n ", "")
    assert "LOCATION:A very long place name\\, with commas\\; and semicolons" in unfolded
    uids = [line for line in lines if line.startswith("UID:")]
    assert len(uids) == len(set(uids))
