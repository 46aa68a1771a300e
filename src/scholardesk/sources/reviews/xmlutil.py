"""Safe XML parsing for the review parsers (no network, no entity expansion)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from scholardesk.core.errors import InputError


def parse_xml(data: bytes, source: str) -> Any:
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
    )
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(
            f"{source} is not well-formed XML ({exc}).",
            "The file is probably truncated; download it again.",
        ) from exc


def text_of(node: Any) -> str:
    if node is None:
        return ""
    return " ".join("".join(node.itertext()).split())


def local(tag: Any) -> str:
    """The tag name without a namespace."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def ymd(node: Any, year: str = "year", month: str = "month", day: str = "day") -> dt.date | None:
    """A date from <year>/<month>/<day> children (case as given); None unless day precision."""
    if node is None:
        return None
    values: dict[str, str] = {}
    for child in node:
        values[local(child.tag).lower()] = (child.text or "").strip()
    try:
        y = int(values.get(year.lower(), ""))
        m_text = values.get(month.lower(), "")
        m = int(m_text) if m_text.isdigit() else _MONTHS.get(m_text[:3].lower(), 0)
        d = int(values.get(day.lower(), ""))
        return dt.date(y, m, d)
    except ValueError:
        return None


_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
