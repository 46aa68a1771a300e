"""The shared date parser: every supported form round-trips, and dates are found in free text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scholardesk.core.errors import InputError
from scholardesk.domain.dates import ParsedDate, find_dates, parse_date, require_date

MONTH_NAMES = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
MONTH_ABBR = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"


DAY_FORMS: dict[str, Callable[[dt.date], str]] = {
    "iso": lambda d: d.isoformat(),
    "dots": lambda d: f"{d.year}.{d.month:02d}.{d.day:02d}",
    "slashes": lambda d: f"{d.year}/{d.month:02d}/{d.day:02d}",
    "dots-unpadded": lambda d: f"{d.year}.{d.month}.{d.day}",
    "chinese": lambda d: f"{d.year}年{d.month}月{d.day}日",
    "chinese-hao": lambda d: f"{d.year}年{d.month}月{d.day}号",
    "ordinal-day-month": lambda d: f"{_ordinal(d.day)} {MONTH_NAMES[d.month - 1]} {d.year}",
    "day-month": lambda d: f"{d.day} {MONTH_NAMES[d.month - 1]} {d.year}",
    "day-abbr": lambda d: f"{d.day} {MONTH_ABBR[d.month - 1]}. {d.year}",
    "day-abbr-dash": lambda d: f"{d.day:02d}-{MONTH_ABBR[d.month - 1]}-{d.year}",
    "month-day-comma": lambda d: f"{MONTH_NAMES[d.month - 1]} {d.day}, {d.year}",
    "abbr-day": lambda d: f"{MONTH_ABBR[d.month - 1]} {d.day:02d} {d.year}",
    "sept": lambda d: f"{'Sept.' if d.month == 9 else MONTH_ABBR[d.month - 1]} {d.day}, {d.year}",
    "lower": lambda d: f"{d.day} {MONTH_NAMES[d.month - 1].lower()} {d.year}",
    "upper": lambda d: f"{d.day} {MONTH_NAMES[d.month - 1].upper()} {d.year}",
    "fullwidth": lambda d: f"{d.year}．{d.month:02d}．{d.day:02d}".translate(
        {ord(str(i)): 0xFF10 + i for i in range(10)}
    ),
}

MONTH_FORMS: dict[str, Callable[[dt.date], str]] = {
    "chinese-month": lambda d: f"{d.year}年{d.month}月",
    "month-year": lambda d: f"{MONTH_NAMES[d.month - 1]} {d.year}",
    "abbr-year": lambda d: f"{MONTH_ABBR[d.month - 1]}. {d.year}",
}

dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))
times = st.times().map(lambda t: t.replace(microsecond=0))


@settings(max_examples=300, deadline=None)
@given(day=dates, form=st.sampled_from(sorted(DAY_FORMS)))
def test_every_day_form_round_trips(day: dt.date, form: str) -> None:
    text = DAY_FORMS[form](day)
    parsed = parse_date(text)
    assert parsed is not None, text
    assert parsed.date == day
    assert parsed.precision == "day"
    assert parsed.time is None


@settings(max_examples=150, deadline=None)
@given(day=dates, form=st.sampled_from(sorted(MONTH_FORMS)))
def test_month_forms_have_month_precision(day: dt.date, form: str) -> None:
    text = MONTH_FORMS[form](day)
    parsed = parse_date(text)
    assert parsed is not None, text
    assert (parsed.year, parsed.month, parsed.day) == (day.year, day.month, None)
    assert parsed.precision == "month"
    assert parsed.iso() == f"{day.year:04d}-{day.month:02d}"


@settings(max_examples=150, deadline=None)
@given(day=dates, time=times, form=st.sampled_from(["iso", "dots", "day-month", "month-day-comma"]))
def test_time_after_the_date(day: dt.date, time: dt.time, form: str) -> None:
    joiner = "T" if form == "iso" else (", " if form == "day-month" else " ")
    text = f"{DAY_FORMS[form](day)}{joiner}{time.strftime('%H:%M:%S')}"
    parsed = parse_date(text)
    assert parsed is not None, text
    assert parsed.datetime == dt.datetime.combine(day, time)


@settings(max_examples=200, deadline=None)
@given(
    days=st.lists(dates, min_size=1, max_size=5),
    form=st.sampled_from(sorted(DAY_FORMS)),
    words=st.lists(
        st.sampled_from(["submitted to journal", "with editor", "审稿中", "（转投）", " / ", "；"]),
        min_size=5,
        max_size=5,
    ),
)
def test_find_dates_in_running_text(days: list[dt.date], form: str, words: list[str]) -> None:
    text = "".join(f"{DAY_FORMS[form](d)} {w}" for d, w in zip(days, words, strict=False))
    found = find_dates(text)
    assert [m.value.date for m in found] == days
    for m in found:
        assert text[m.start : m.end] == m.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2013-09-20", ParsedDate(2013, 9, 20)),
        ("2022.06.05", ParsedDate(2022, 6, 5)),
        ("2020/12/03", ParsedDate(2020, 12, 3)),
        ("2024.5.20", ParsedDate(2024, 5, 20)),
        ("5th May 2021", ParsedDate(2021, 5, 5)),
        ("21 July 2015", ParsedDate(2015, 7, 21)),
        ("July 21, 2015", ParsedDate(2015, 7, 21)),
        ("17 November 2017, 00:00:00", ParsedDate(2017, 11, 17, dt.time(0, 0))),
        ("2021年5月5日", ParsedDate(2021, 5, 5)),
        ("2025年3月", ParsedDate(2025, 3)),
        ("March 2025", ParsedDate(2025, 3)),
        ("Sept. 2019", ParsedDate(2019, 9)),
        ("2021", ParsedDate(2021)),
        ("2025-03", ParsedDate(2025, 3)),
        ("3 Jan 2020 3:05 pm", ParsedDate(2020, 1, 3, dt.time(15, 5))),
        ("2013-09-20T10:11:12Z", ParsedDate(2013, 9, 20, dt.time(10, 11, 12))),
        ("21.07.2015", ParsedDate(2015, 7, 21)),
        ("07/21/2015", ParsedDate(2015, 7, 21)),
        ("  (2022.06.05)  ", ParsedDate(2022, 6, 5)),
    ],
)
def test_known_forms(text: str, expected: ParsedDate) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text", ["", "   ", "hello", "2021-02-30", "2021-13-01", "31 June 2020", "1.2.3", "v2.0", "25:99"]
)
def test_not_dates(text: str) -> None:
    assert parse_date(text) is None


def test_ambiguous_numeric_day_month_is_marked() -> None:
    first = parse_date("05/06/2021")
    assert first == ParsedDate(2021, 6, 5, ambiguous=True)
    assert parse_date("05/06/2021", dayfirst=False) == ParsedDate(2021, 5, 6, ambiguous=True)


def test_require_date_names_the_text() -> None:
    assert require_date("2022.06.05").iso() == "2022-06-05"
    with pytest.raises(InputError, match="'soon'"):
        require_date("soon")


def test_precision_and_iso() -> None:
    d = parse_date("2022.06.05 12:30")
    assert d is not None and d.iso_datetime() == "2022-06-05T12:30"
    assert ParsedDate(2025, 3).iso() == "2025-03"
    assert ParsedDate(2025).precision == "year"
    assert ParsedDate(2025, 3).date == dt.date(2025, 3, 1)


def test_find_dates_concatenated_history_from_seed() -> None:
    # Seed line 8225 lost its line breaks: a step label ends in digits right before the date.
    text = "2021/08/12 论文修改1-2-12021/08/12 Manuscript Resubmitted2021/08/14 Minor Revisions"
    assert [m.value.iso() for m in find_dates(text)] == ["2021-08-12", "2021-08-12", "2021-08-14"]


def test_find_dates_min_precision() -> None:
    text = "2022年9月份入学，2023年12月做完，2024年的7-8月份"
    assert [m.value.iso() for m in find_dates(text)] == ["2022-09", "2023-12"]
    assert [m.value.iso() for m in find_dates(text, min_precision="year")] == [
        "2022-09",
        "2023-12",
        "2024",
    ]
    assert find_dates("received 2021-05-04, accepted 9 June 2021", min_precision="day")[1].text == (
        "9 June 2021"
    )


def test_find_dates_is_fast() -> None:
    import time

    text = "2022.06.05 submitted to journal2022.06.07 with editor 审稿中 " * 2000
    started = time.perf_counter()
    assert len(find_dates(text)) == 4000
    assert time.perf_counter() - started < 2.0
