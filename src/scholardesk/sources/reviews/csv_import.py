"""CSV of article histories (spreadsheets, manual collections) → ArticleHistory.

One row per article, a header row naming the columns (case-insensitive; order free):

``doi, title, journal, issn, eissn, article_type, received, revised, accepted, online,
published, url, abstract``

Only ``journal`` (or ``issn``) and at least one of ``received``/``revised``/``accepted`` are
needed. Dates in any form the shared date parser reads (2022-06-05, 2022.06.05, 5 June 2022,
June 5, 2022, 2022年6月5日). Several revisions may be given in ``revised`` separated by ``;``.
Chinese headers (期刊, 收稿日期, 修回日期, 录用日期, 上线日期 ...) work too.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from scholardesk.core.errors import InputError
from scholardesk.domain.dates import parse_date
from scholardesk.domain.reviews import ArticleHistory

COLUMNS = (
    "doi", "title", "journal", "issn", "eissn", "article_type", "received", "revised",
    "accepted", "online", "published", "url", "abstract",
)  # fmt: skip

_ALIASES = {
    "journal_title": "journal", "container_title": "journal", "期刊": "journal",
    "题名": "title", "标题": "title", "print_issn": "issn", "electronic_issn": "eissn",
    "e_issn": "eissn", "type": "article_type", "submitted": "received",
    "收稿日期": "received", "修回日期": "revised", "录用日期": "accepted",
    "first_online": "online", "上线日期": "online", "网络出版日期": "online",
    "出版日期": "published", "source_url": "url", "link": "url",
}  # fmt: skip


def _key(header: str) -> str:
    key = header.strip().lstrip("\ufeff").lower().replace(" ", "_").replace("-", "_")
    return _ALIASES.get(key, key)


def _date(value: str, column: str) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    parsed = parse_date(value)
    if parsed is None or parsed.precision != "day":
        raise InputError(f"cannot read the {column} date {value!r} (a full date is needed)")
    return parsed.date


def parse_csv(
    data: bytes, source: str = "csv"
) -> tuple[list[tuple[int, ArticleHistory]], list[tuple[int, str]]]:
    """(line, record) for each good row and (line, message) for each bad one."""
    try:
        return _parse_csv(data, source)
    except csv.Error as exc:  # e.g. one cell over the csv module's 128 KB field limit
        raise InputError(
            f"{source} cannot be read as CSV ({exc}).",
            "A cell is far longer than a table cell can be, or a quote is never closed; "
            "save the table again as CSV.",
        ) from exc


def _parse_csv(
    data: bytes, source: str
) -> tuple[list[tuple[int, ArticleHistory]], list[tuple[int, str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = [_key(h) for h in next(reader)]
    except StopIteration as exc:
        raise InputError(f"{source} is empty.") from exc
    known = set(COLUMNS)
    if not known & set(header) or not {"received", "accepted", "revised"} & set(header):
        raise InputError(
            f"{source} has no received/accepted columns in its header row.",
            "Name the columns: " + ", ".join(COLUMNS) + ".",
        )
    good: list[tuple[int, ArticleHistory]] = []
    bad: list[tuple[int, str]] = []
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        values = {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header)}
        try:
            revisions = tuple(
                d
                for part in values.get("revised", "").split(";")
                if (d := _date(part, "revised")) is not None
            )
            record = ArticleHistory(
                doi=values.get("doi", ""),
                title=values.get("title", ""),
                journal=values.get("journal", ""),
                issn=values.get("issn", ""),
                eissn=values.get("eissn", ""),
                article_type=values.get("article_type", ""),
                received=_date(values.get("received", ""), "received"),
                revisions=revisions,
                accepted=_date(values.get("accepted", ""), "accepted"),
                online=_date(values.get("online", ""), "online"),
                published=_date(values.get("published", ""), "published"),
                abstract=values.get("abstract", ""),
                source="csv",
                source_url=values.get("url", ""),
            ).with_defaults()
        except InputError as exc:
            bad.append((line, exc.message))
            continue
        if not record.journal and not record.issns:
            bad.append((line, "no journal name or ISSN"))
            continue
        if not record.has_history:
            bad.append((line, "no received, revised or accepted date"))
            continue
        good.append((line, record))
    return good, bad
