"""Labelled history dates in free text: "Received 9 May 2013; revised ...; accepted ...".

Used on publisher pages (after their markup is stripped), PDF text and pasted text. The label
list covers the publishers' wordings (English and Chinese); longer labels are tried first so
that "revised version received" is a revision, not a receipt, and "Accepted Manuscript
published" an online date, not an acceptance.

Rules: each field takes its first labelled date inside the cluster of labels around the first
"received"/"accepted" label (pages repeat "Published online" for related articles further
down); ``online`` is the earliest online-type date in that cluster; every "revised" date is a
revision, and so is a date written right after the received date with a slash (Portland Press:
"Received 19 July 2013/20 August 2013" = received / revised).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from scholardesk.domain.dates import find_dates

# (pattern, field), most specific first. Field "" = recognised but not stored.
_LABELS: list[tuple[str, str]] = [
    (r"received\s+in\s+(?:its\s+)?(?:final\s+)?revised\s+form", "revised"),
    (r"revised\s+(?:version|manuscript)\s+received", "revised"),
    (r"revision\s+received", "revised"),
    (r"revision\s+requested", ""),
    (r"accepted\s+manuscript\s+(?:published|online)", "online"),
    (r"(?:published\s+as\s+)?immediate\s+publication", "online"),  # Portland Press
    (r"accepted\s+author\s+version\s+posted\s+online", "online"),
    (r"version\s+of\s+record\s+(?:online|published)", "online"),
    (r"date\s+of\s+current\s+version", ""),
    (r"manuscript\s+received", "received"),
    (r"received", "received"),
    (r"submitted", "received"),
    (r"revised", "revised"),
    (r"accepted(?:\s+for\s+publication)?", "accepted"),
    (r"first\s+published(?:\s+online)?", "online"),
    (r"first\s+online", "online"),
    (r"published\s+online", "online"),
    (r"available\s+online", "online"),
    (r"online\s+publication\s+date", "online"),
    (r"date\s+of\s+publication", "online"),
    (r"publication\s+date", "published"),
    (r"issue\s+date", "published"),
    (r"published", "online"),
    (r"收稿日期", "received"),
    (r"收稿", "received"),
    (r"修回日期", "revised"),
    (r"修回", "revised"),
    (r"录用日期", "accepted"),
    (r"接受日期", "accepted"),
    (r"网络首发日期", "online"),
    (r"网络出版日期", "online"),
    (r"出版日期", "published"),
]

# A label directly before a date: searched in the few characters before each date found, so
# the text is scanned once by the date patterns instead of by thirty label alternatives.
_LABEL_BEFORE = re.compile(
    r"(?<![A-Za-z])(?:"
    + "|".join(f"(?P<l{i}>{pat})" for i, (pat, _) in enumerate(_LABELS))
    + r")(?![A-Za-z])(?:\s+on)?\s*[:：]?\s*(?:on\s+)?$",
    re.IGNORECASE,
)
_FIELDS = {f"l{i}": fld for i, (_, fld) in enumerate(_LABELS)}
LOOKBACK = 64
_GLUED_COLON = re.compile(r"(?<=\D)[:：](?=\d)")
_SLASH = re.compile(r"\s*/\s*")

CLUSTER_CHARS = 1500  # labels further than this from the first received/accepted are ignored


@dataclass
class LabelledDates:
    received: dt.date | None = None
    revisions: list[dt.date] = field(default_factory=list)
    accepted: dt.date | None = None
    online: dt.date | None = None
    published: dt.date | None = None

    @property
    def has_history(self) -> bool:
        return self.received is not None or self.accepted is not None or bool(self.revisions)

    @property
    def revised(self) -> dt.date | None:
        return min(self.revisions) if self.revisions else None


def find_labelled(text: str) -> list[tuple[int, str, dt.date]]:
    """Every (position, field, date) where a history label is directly followed by a date."""
    out: list[tuple[int, str, dt.date]] = []
    # the date patterns refuse a date glued to a colon ("收稿日期：2021-05-05"); add a space
    text = _GLUED_COLON.sub(": ", text)
    previous: tuple[int, str] | None = None  # (end, field) of the last labelled date
    for match in find_dates(text, min_precision="month"):
        if (previous is not None and previous[1] in ("received", "revised")
                and _SLASH.fullmatch(text, previous[0], match.start)
                and match.value.precision == "day"):
            # Portland Press: "Received 19 July 2013/20 August 2013" = received / revised
            out.append((match.start, "revised", match.value.date))
            previous = (match.end, "revised")
            continue
        before = text[max(0, match.start - LOOKBACK) : match.start]
        m = _LABEL_BEFORE.search(before)
        if m is None:
            previous = None
            continue
        fld = _FIELDS.get(m.lastgroup or "", "")
        if not fld:
            continue
        if fld != "published" and match.value.precision != "day":
            continue
        out.append((match.start - len(before) + m.start(), fld, match.value.date))
        previous = (match.end, fld)
    return out


def extract_labelled_dates(text: str) -> LabelledDates:
    """The history dates labelled in ``text`` (see the module rules)."""
    text = _GLUED_COLON.sub(": ", " ".join(text.split()))
    hits = find_labelled(text)
    result = LabelledDates()
    anchors = [pos for pos, fld, _ in hits if fld in ("received", "accepted")]
    if not anchors:
        return result
    anchor = anchors[0]
    online: list[dt.date] = []
    for pos, fld, value in hits:
        if abs(pos - anchor) > CLUSTER_CHARS:
            continue
        if fld == "received" and result.received is None:
            result.received = value
        elif fld == "accepted" and result.accepted is None:
            result.accepted = value
        elif fld == "revised":
            result.revisions.append(value)
        elif fld == "online":
            online.append(value)
        elif fld == "published" and result.published is None:
            result.published = value
    result.online = min(online) if online else None
    return result
