"""One date parser for every place that reads dates written by people or publishers.

Used by the submissions area (pasted status histories) and the review-times area (publisher
pages, PDF footnotes, Crossref assertion strings). Pure Python, no network, no third-party
dependency.

Forms understood (case-insensitive, full-width digits and punctuation accepted):

- numeric, year first: ``2013-09-20``, ``2022.06.05``, ``2020/12/03``, ``2024.5.20``,
  ISO date-times ``2013-09-20T10:00:00Z``
- Chinese: ``2021年5月5日``, ``2021年5月5号``, ``2025年3月`` (month precision), ``2021年`` (year)
- day month-name year: ``5th May 2021``, ``21 July 2015``, ``17 November 2017, 00:00:00``,
  ``05-Jun-2022``, ``5 Sept. 2021``
- month-name day year: ``July 21, 2015``, ``Sept. 5th, 2021``, ``Jun 05 2022``
- month-name year: ``March 2025`` (month precision)
- numeric, year last: ``21.07.2015``, ``07/21/2015`` (day/month order decided by a part over 12,
  otherwise by ``dayfirst``; such a date is marked ``ambiguous``)
- only when the whole text is the date (``parse_date``): ``2025-03``, ``2025.3`` (month) and
  ``2021`` (year).

An optional time may follow (``12:30``, ``12:30:15``, ``, 00:00:00``, ``T08:00``, ``3:05 pm``).

``parse_date(text)`` reads a text that *is* a date and returns a :class:`ParsedDate` or ``None``;
``require_date(text)`` does the same but raises :class:`InputError`; ``find_dates(text)``
locates every date inside free text (``"2022.06.05 submitted to journal2022.06.07 with editor"``)
and returns :class:`DateMatch` objects with their character offsets in the original text.
Impossible dates (``2021-02-30``) are never returned.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from scholardesk.core.errors import InputError

Precision = Literal["day", "month", "year"]
_PRECISION_RANK: dict[str, int] = {"year": 0, "month": 1, "day": 2}

MIN_YEAR = 1800
MAX_YEAR = 2199

MONTHS: dict[str, int] = {
    "january": 1, "jan": 1,
    "february": 2, "feb": 2,
    "march": 3, "mar": 3,
    "april": 4, "apr": 4,
    "may": 5,
    "june": 6, "jun": 6,
    "july": 7, "jul": 7,
    "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10,
    "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip


@dataclass(frozen=True)
class ParsedDate:
    """A calendar date as precise as the text said, with an optional time of day."""

    year: int
    month: int | None = None
    day: int | None = None
    time: dt.time | None = None
    ambiguous: bool = False  # a numeric d/m/y whose day and month could be swapped

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return "day"
        if self.month is not None:
            return "month"
        return "year"

    @property
    def date(self) -> dt.date:
        """The date; a partial date gives the first day of its month or year."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def datetime(self) -> dt.datetime | None:
        """Date and time when a time was given, else None."""
        if self.time is None:
            return None
        return dt.datetime.combine(self.date, self.time)

    def iso(self) -> str:
        """``2021-05-05``, ``2021-05`` or ``2021`` by precision (no time)."""
        if self.day is not None:
            return self.date.isoformat()
        if self.month is not None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def iso_datetime(self) -> str:
        """:meth:`iso` plus ``THH:MM[:SS]`` when a time is known."""
        if self.time is None or self.day is None:
            return self.iso()
        fmt = "%H:%M:%S" if self.time.second else "%H:%M"
        return f"{self.iso()}T{self.time.strftime(fmt)}"

    def at_least(self, precision: Precision) -> bool:
        return _PRECISION_RANK[self.precision] >= _PRECISION_RANK[precision]


@dataclass(frozen=True)
class DateMatch:
    """A date found inside a longer text; ``start``/``end`` index the original text."""

    start: int
    end: int
    text: str
    value: ParsedDate


# --- normalisation that keeps character offsets -------------------------------------------

_FULLWIDTH = {0xFF10 + i: ord("0") + i for i in range(10)}
_FULLWIDTH.update(
    {
        ord("／"): ord("/"),
        ord("．"): ord("."),
        ord("－"): ord("-"),
        ord("："): ord(":"),
        ord("，"): ord(","),
        ord("\u3000"): ord(" "),
        ord("\u00a0"): ord(" "),
        ord("\u2010"): ord("-"),
        ord("\u2011"): ord("-"),
        ord("\u2012"): ord("-"),
        ord("\u2013"): ord("-"),
        ord("\u2014"): ord("-"),
    }
)


def _normalise(text: str) -> str:
    """Half-width digits and separators, one character for one (offsets stay valid)."""
    return text.translate(_FULLWIDTH)


# --- patterns -----------------------------------------------------------------------------

_MON = (
    r"(?P<mon>january|february|march|april|may|june|july|august|september|october|november"
    r"|december|sept|jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)(?![a-z])\.?"
)
_YEAR = r"(?P<y>\d{4})"
# A month name starts a word; in pasted text whose line breaks were lost it may also follow a
# lower-case letter when it is capitalised ("journalJuly 21, 2015").
_MON_START = r"(?:(?<![a-z])|(?-i:(?<=[a-z])(?=[A-Z])))"
_ORD = r"(?:st|nd|rd|th)?"
_TIME = (
    r"(?:(?:\s*,\s*|\s+at\s+|\s+|T)"
    r"(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?(?!\d)"
    r"(?:\s*(?P<ampm>[ap])\.?m\b\.?)?"
    r"(?:\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})(?![A-Za-z\d]))?"
    r")?"
)

_Handler = Callable[["re.Match[str]", bool], "ParsedDate | None"]


def _int(m: re.Match[str], name: str) -> int | None:
    value = m.group(name)
    return int(value) if value else None


def _time_of(m: re.Match[str]) -> dt.time | None | Literal[False]:
    """The time groups as a time; None when absent; False when present but impossible."""
    hour = _int(m, "H")
    if hour is None:
        return None
    minute = _int(m, "M") or 0
    second = _int(m, "S") or 0
    ampm = (m.group("ampm") or "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            return False
        hour = hour % 12 + (12 if ampm == "p" else 0)
    if hour > 23 or minute > 59 or second > 59:
        return False
    return dt.time(hour, minute, second)


def _build(
    year: int,
    month: int | None,
    day: int | None,
    time: dt.time | None | Literal[False] = None,
    ambiguous: bool = False,
) -> ParsedDate | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None:
        if month is None:
            return None
        try:
            dt.date(year, month, day)
        except ValueError:
            return None
    if time is False:
        return None
    if day is None:
        time = None  # a time of day means nothing without a day
    return ParsedDate(year, month, day, time or None, ambiguous)


def _ymd(m: re.Match[str], dayfirst: bool) -> ParsedDate | None:
    return _build(int(m.group("y")), _int(m, "m"), _int(m, "d"), _time_of(m))


def _cn(m: re.Match[str], dayfirst: bool) -> ParsedDate | None:
    return _build(int(m.group("y")), _int(m, "m"), _int(m, "d"), _time_of(m))


def _named(m: re.Match[str], dayfirst: bool) -> ParsedDate | None:
    month = MONTHS[m.group("mon").lower().rstrip(".")]
    day = _int(m, "d") if "d" in m.re.groupindex else None
    time = _time_of(m) if "H" in m.re.groupindex else None
    return _build(int(m.group("y")), month, day, time)


def _dmy_numeric(m: re.Match[str], dayfirst: bool) -> ParsedDate | None:
    a, b = int(m.group("a")), int(m.group("b"))
    ambiguous = False
    if a > 12 >= b:
        day, month = a, b
    elif b > 12 >= a:
        day, month = b, a
    else:
        ambiguous = a != b
        day, month = (a, b) if dayfirst else (b, a)
    return _build(int(m.group("y")), month, day, _time_of(m), ambiguous)


def _ym_numeric(m: re.Match[str], dayfirst: bool) -> ParsedDate | None:
    return _build(int(m.group("y")), int(m.group("m")), None)


def _year_only(m: re.Match[str], dayfirst: bool) -> ParsedDate | None:
    return _build(int(m.group("y")), None, None)


_FLAGS = re.IGNORECASE

# Patterns used both inside free text and for whole-text parsing, most specific first.
# The numeric year-first form deliberately allows a digit just before the year: pasted
# histories lose their line breaks ("论文修改1-2-12021/08/12 Manuscript Resubmitted").
_SEARCH_PATTERNS: list[tuple[re.Pattern[str], _Handler]] = [
    (
        re.compile(
            r"(?<![.:/-])(?P<y>(?:1[89]|2[01])\d\d)(?P<sep>[-./])(?P<m>\d{1,2})(?P=sep)"
            r"(?P<d>\d{1,2})(?!\d|(?P=sep)\d)" + _TIME,
            _FLAGS,
        ),
        _ymd,
    ),
    (
        re.compile(
            r"(?<!\d)" + _YEAR + r"\s*年\s*(?:(?P<m>\d{1,2})\s*月(?:份)?\s*"
            r"(?:(?P<d>\d{1,2})\s*[日号號])?)?" + _TIME,
            _FLAGS,
        ),
        _cn,
    ),
    (
        re.compile(
            r"(?<!\d)(?P<d>\d{1,2})" + _ORD + r"(?:\s+of\s+|\s*[-./]\s*|\s+)" + _MON
            + r"(?:\s*,\s*|\s*[-./]\s*|\s+)" + _YEAR + r"(?!\d)" + _TIME,
            _FLAGS,
        ),
        _named,
    ),
    (
        re.compile(
            _MON_START + _MON + r"(?:\s*[-./]\s*|\s+)(?P<d>\d{1,2})" + _ORD
            + r"(?:\s*,\s*|\s*[-./]\s*|\s+)" + _YEAR + r"(?!\d)" + _TIME,
            _FLAGS,
        ),
        _named,
    ),
    (
        re.compile(_MON_START + _MON + r"\s*,?\s*" + _YEAR + r"(?!\d)", _FLAGS),
        _named,
    ),
    (
        re.compile(
            r"(?<![\d.:/-])(?P<a>\d{1,2})(?P<sep>[-./])(?P<b>\d{1,2})(?P=sep)" + _YEAR
            + r"(?!\d|(?P=sep)\d)" + _TIME,
            _FLAGS,
        ),
        _dmy_numeric,
    ),
]

# Only when the whole text is the date: too easily confused with version numbers or counts.
_WHOLE_ONLY_PATTERNS: list[tuple[re.Pattern[str], _Handler]] = [
    (re.compile(r"(?P<y>(?:1[89]|2[01])\d\d)[-./](?P<m>\d{1,2})", _FLAGS), _ym_numeric),
    (re.compile(r"(?P<y>(?:1[89]|2[01])\d\d)", _FLAGS), _year_only),
]

_STRIP = " \t\r\n,;:()[]{}<>\"'“”‘’「」（）【】。、"


def parse_date(text: str, *, dayfirst: bool = True) -> ParsedDate | None:
    """Read a text that is one date (surrounding spaces and brackets allowed).

    Returns None when the text is not a date this parser knows or the date is impossible.
    ``dayfirst`` decides ``05/06/2021`` (True: 5 June) when neither part is over 12.
    """
    if not text:
        return None
    norm = _normalise(text).strip(_STRIP)
    if not norm:
        return None
    for pattern, handler in _SEARCH_PATTERNS + _WHOLE_ONLY_PATTERNS:
        m = pattern.fullmatch(norm)
        if m is not None:
            value = handler(m, dayfirst)
            if value is not None:
                return value
    return None


def require_date(text: str, *, what: str = "date", dayfirst: bool = True) -> ParsedDate:
    """:func:`parse_date` that raises :class:`InputError` naming the text instead of None."""
    value = parse_date(text, dayfirst=dayfirst)
    if value is None:
        raise InputError(
            f"Cannot read the {what} {text!r}.",
            "Write it like 2022-06-05, 2022.06.05, 5 June 2022, June 5, 2022 or 2022年6月5日.",
        )
    return value


def find_dates(
    text: str, *, dayfirst: bool = True, min_precision: Precision = "month"
) -> list[DateMatch]:
    """Every date inside ``text``, left to right, non-overlapping.

    Where candidate readings overlap the one starting first wins, then the longest.
    Dates less precise than ``min_precision`` are left out (a bare "2021年" is year precision).
    """
    if not text:
        return []
    norm = _normalise(text)
    candidates: list[tuple[int, int, ParsedDate]] = []
    for pattern, handler in _SEARCH_PATTERNS:
        for m in pattern.finditer(norm):
            value = handler(m, dayfirst)
            if value is None or not value.at_least(min_precision):
                continue
            start, end = m.span()
            # an optional time group may have swallowed trailing spaces only; trim them
            while end > start and norm[end - 1].isspace():
                end -= 1
            candidates.append((start, end, value))
    candidates.sort(key=lambda c: (c[0], -(c[1] - c[0])))
    found: list[DateMatch] = []
    last_end = 0
    for start, end, value in candidates:
        if start < last_end:
            continue
        found.append(DateMatch(start, end, text[start:end], value))
        last_end = end
    return found
