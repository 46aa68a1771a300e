"""Read a pasted status history into events, reporting what could not be read.

Accepted shapes (mixed freely)::

    2022.06.05 submitted to journal / 2022.06.07 with editor / 2022.06.09 under review
    2020/12/03 Submitted to Journal
    Under Review 2022-06-09                 (status first, one date at the end)
    Venue: Ocean Engineering                (starts the next venue of the same manuscript)

One event per line, or several on a line separated by ``/``, ``;`` or nothing at all (notes
copied from a web page often lose their line breaks: ``...journal2022.06.07 with editor``).
Any date form of :mod:`scholardesk.domain.dates` works. Nothing is guessed silently:

- a line with no readable date is an *error* (with its line number) and gives no event;
- a date with no status words is an error;
- status words no rule knows give stage Other and a *warning*;
- a date earlier than the event before it gives a warning (probably a typo); the order the
  user wrote is kept, never re-sorted;
- text before the first date of a line that also has a status after its date is a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from scholardesk.domain.dates import ParsedDate, find_dates
from scholardesk.domain.submissions import Stage, clean_status, normalise_status

_HEADER = re.compile(
    r"^\s*(?:#+\s*|==+\s*|(?:venue|journal|conference|期刊|会议|投稿期刊|转投期刊)\s*[:：]\s*)"
    r"(?P<venue>[^=#].*?)\s*=*\s*$",
    re.IGNORECASE,
)
_SPLIT_CHARS = " \t/／|｜;；,，、。.→->"


@dataclass(frozen=True)
class ParsedEvent:
    line: int
    date: ParsedDate
    raw: str
    stage: Stage
    venue: str | None = None  # from the last "Venue:" header above it, if any
    segment: int = 0  # counts "Venue:" headers above it (each starts the next venue)


@dataclass(frozen=True)
class LineProblem:
    line: int
    text: str
    message: str

    def to_json(self) -> dict[str, object]:
        return {"line": self.line, "text": self.text, "message": self.message}


@dataclass(frozen=True)
class ParsedHistory:
    events: tuple[ParsedEvent, ...]
    errors: tuple[LineProblem, ...]  # lines (or parts) that gave no event
    warnings: tuple[LineProblem, ...] = ()  # events kept, but look at them
    venues: tuple[str, ...] = field(default=())  # "Venue:" headers in order

    @property
    def ok(self) -> bool:
        return not self.errors


def _strip_status(text: str) -> str:
    return clean_status(text.strip(_SPLIT_CHARS))


def parse_history(text: str, *, dayfirst: bool = True) -> ParsedHistory:
    events: list[ParsedEvent] = []
    errors: list[LineProblem] = []
    warnings: list[LineProblem] = []
    venues: list[str] = []
    venue: str | None = None
    segment = 0
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        stripped = line.strip()
        if not stripped:
            continue
        header = _HEADER.match(stripped)
        matches = find_dates(stripped, dayfirst=dayfirst, min_precision="month")
        if header is not None and not matches:
            venue = header.group("venue").strip()
            venues.append(venue)
            segment += 1
            continue
        if not matches:
            errors.append(LineProblem(number, stripped, "no readable date on this line"))
            continue
        pieces: list[tuple[ParsedDate, str, str]] = []  # (date, status, date text)
        before = _strip_status(stripped[: matches[0].start])
        after_first = _strip_status(
            stripped[matches[0].end : matches[1].start if len(matches) > 1 else len(stripped)]
        )
        if len(matches) == 1 and before and not after_first:
            # "Under Review 2022-06-09": the status comes first
            pieces.append((matches[0].value, before, matches[0].text))
            before = ""
        else:
            for i, m in enumerate(matches):
                end = matches[i + 1].start if i + 1 < len(matches) else len(stripped)
                pieces.append((m.value, _strip_status(stripped[m.end : end]), m.text))
        if before:
            warnings.append(
                LineProblem(number, before, "text before the first date was not used")
            )
        for date, status, date_text in pieces:
            if not status:
                errors.append(LineProblem(number, date_text, "a date with no status after it"))
                continue
            stage = normalise_status(status)
            event = ParsedEvent(number, date, status, stage, venue, segment)
            if stage is Stage.OTHER:
                warnings.append(
                    LineProblem(number, status, "unknown status words; kept with stage Other")
                )
            if date.precision != "day":
                warnings.append(
                    LineProblem(number, date_text, "only the month is known; counted from the 1st")
                )
            previous = next((e for e in reversed(events) if e.segment == segment), None)
            if previous is not None and date.date < previous.date.date:
                warnings.append(
                    LineProblem(
                        number,
                        f"{date_text} {status}",
                        f"dated before the event above it ({previous.date.iso()}); "
                        "kept in the order written, check for a typo",
                    )
                )
            events.append(event)
    return ParsedHistory(tuple(events), tuple(errors), tuple(warnings), tuple(venues))
