"""Venues: journals and conferences, their CCF ranks, metrics by year and source, deadlines.

Pure data and rules only (no I/O). The CCF categories follow the official 2022 catalogue
(中国计算机学会推荐国际学术会议和期刊目录); their short codes (DS, NW, ...) are the ones the
ccf-deadlines project uses, so the PDF, the CSV export and the deadline YAML agree.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime

JOURNAL = "journal"
CONFERENCE = "conference"
KINDS = (JOURNAL, CONFERENCE)
RANKS = ("A", "B", "C")
CCF_EDITION = "2022"


@dataclass(frozen=True)
class Category:
    code: str
    name_zh: str
    name_en: str


CATEGORIES: tuple[Category, ...] = (
    Category("DS", "计算机体系结构/并行与分布计算/存储系统",
             "Computer Architecture/Parallel Programming/Storage Technology"),
    Category("NW", "计算机网络", "Network System"),
    Category("SC", "网络与信息安全", "Network and System Security"),
    Category("SE", "软件工程/系统软件/程序设计语言",
             "Software Engineering/Operating System/Programming Language Design"),
    Category("DB", "数据库/数据挖掘/内容检索", "Database/Data Mining/Information Retrieval"),
    Category("CT", "计算机科学理论", "Computing Theory"),
    Category("CG", "计算机图形学与多媒体", "Graphics"),
    Category("AI", "人工智能", "Artificial Intelligence"),
    Category("HI", "人机交互与普适计算", "Computer-Human Interaction"),
    Category("MX", "交叉/综合/新兴", "Interdiscipline/Mixture/Emerging"),
)
CATEGORY_BY_CODE = {c.code: c for c in CATEGORIES}


def _category_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[\s()（）\[\]【】]", "", text)
    return text.replace("／", "/").casefold()


_CATEGORY_KEYS = {
    **{_category_key(c.name_zh): c.code for c in CATEGORIES},
    **{_category_key(c.name_en): c.code for c in CATEGORIES},
    **{c.code.casefold(): c.code for c in CATEGORIES},
}


def normalise_category(text: str) -> str | None:
    """The category code for a category name written any way (full-width ／（, brackets,
    spaces, Chinese or English, or the code itself); None when it is not a CCF category."""
    return _CATEGORY_KEYS.get(_category_key(text))


def category_label(code: str, language: str = "en") -> str:
    cat = CATEGORY_BY_CODE.get(code)
    if cat is None:
        return code
    return cat.name_zh if language.startswith("zh") else cat.name_en


@dataclass(frozen=True)
class CcfEntry:
    """One row of the CCF catalogue as read from the PDF or the CSV export."""

    kind: str  # journal | conference
    category: str  # category code, e.g. "AI"
    rank: str  # A | B | C
    abbr: str
    name: str
    publisher: str = ""
    dblp_url: str = ""
    serial: int = 0  # 序号 in its table (0 when unknown, e.g. from a CSV)
    note: str = ""  # "new" (red in the PDF), "upgraded" (highlighted), "" otherwise
    edition: str = CCF_EDITION

    @property
    def dblp_key(self) -> str:
        return dblp_key_from_url(self.dblp_url)


_DBLP_RE = re.compile(r"/db/(conf|journals)/([^/\s]+)", re.IGNORECASE)


def dblp_key_from_url(url: str) -> str:
    """``http://dblp.uni-trier.de/db/conf/nips/`` → ``conf/nips``; "" when not a DBLP link."""
    m = _DBLP_RE.search(url or "")
    if not m:
        return ""
    key = m.group(2)
    if key.endswith(".html"):
        key = key.rsplit(".", 1)[0]
    return f"{m.group(1).lower()}/{key}"


@dataclass(frozen=True)
class CcfRank:
    edition: str
    category: str
    rank: str
    note: str = ""

    def to_json(self) -> dict[str, str]:
        return {"rank": self.rank, "category": self.category, "edition": self.edition}


@dataclass(frozen=True)
class Venue:
    id: int
    kind: str
    abbr: str
    name: str
    publisher: str = ""
    dblp_key: str = ""
    dblp_url: str = ""
    ccf: CcfRank | None = None  # the best rank (a venue can be listed in two categories)
    is_sample: bool = False
    ccf_all: tuple[CcfRank, ...] = ()

    @property
    def label(self) -> str:
        return self.abbr or self.name

    def to_json(self) -> dict[str, object]:
        return {
            "abbr": self.abbr,
            "name": self.name,
            "kind": self.kind,
            "publisher": self.publisher,
            "dblp": self.dblp_url,
            "ccf": self.ccf.to_json() if self.ccf else None,
        }


@dataclass(frozen=True)
class VenueKey:
    """A venue's identity fields (what a rank-list row is matched by)."""

    id: int
    kind: str
    name: str
    name_key: str
    abbr: str
    issn: str
    eissn: str
    dblp_key: str
    has_ccf: bool = False


# -- metrics ---------------------------------------------------------------------------------
METRICS: dict[str, str] = {
    "impact_factor": "Impact factor",
    "impact_factor_5y": "5-year impact factor",
    "jcr_quartile": "JCR quartile",
    "cas_zone": "CAS zone (major)",
    "cas_zone_sub": "CAS zone (minor)",
    "top": "CAS TOP journal",
    "warning": "Warning list",
    "acceptance_rate": "Acceptance rate",
    "submitted": "Submissions",
    "accepted": "Accepted papers",
    "apc": "APC (USD)",
}
NUMERIC_METRICS = frozenset(
    {"impact_factor", "impact_factor_5y", "acceptance_rate", "submitted", "accepted", "apc"}
)
_METRIC_SYNONYMS = {
    "if": "impact_factor", "impact factor": "impact_factor", "影响因子": "impact_factor",
    "5y_if": "impact_factor_5y", "5-year if": "impact_factor_5y", "if5": "impact_factor_5y",
    "five_year_if": "impact_factor_5y", "5年影响因子": "impact_factor_5y",
    "jcr": "jcr_quartile", "quartile": "jcr_quartile", "jcr分区": "jcr_quartile",
    "cas": "cas_zone", "cas_major": "cas_zone", "中科院分区": "cas_zone", "大类": "cas_zone",
    "cas_minor": "cas_zone_sub", "小类": "cas_zone_sub",
    "top期刊": "top", "预警": "warning", "warning_list": "warning",
    "accept_rate": "acceptance_rate", "录用率": "acceptance_rate",
    "submissions": "submitted",
}


def normalise_metric(name: str) -> str | None:
    key = unicodedata.normalize("NFKC", name).strip().casefold()
    key_us = re.sub(r"[\s\-]+", "_", key)
    if key_us in METRICS:
        return key_us
    return _METRIC_SYNONYMS.get(key) or _METRIC_SYNONYMS.get(key_us)


@dataclass(frozen=True)
class VenueMetric:
    venue_id: int
    year: int
    source: str
    metric: str
    value: str  # as given ("Q1", "2区", "4.6", "yes")
    number: float | None = None  # the numeric value where there is one
    note: str = ""

    def to_json(self) -> dict[str, object]:
        return {
            "year": self.year, "source": self.source, "metric": self.metric,
            "value": self.value, "number": self.number, "note": self.note,
        }


def metric_number(metric: str, value: str) -> float | None:
    """A number for charts: 4.6 → 4.6, "26.1%" → 0.261, "Q2" → 2, "2区" → 2, yes/no → 1/0."""
    text = unicodedata.normalize("NFKC", value).strip()
    if not text:
        return None
    low = text.casefold()
    if low in ("yes", "true", "y", "是", "top"):
        return 1.0
    if low in ("no", "false", "n", "否"):
        return 0.0
    m = re.search(r"-?\d+(?:[.,]\d+)?", text)
    if not m:
        return None
    number = float(m.group(0).replace(",", "."))
    if text.endswith("%"):
        number /= 100.0
    return number


# -- deadlines -------------------------------------------------------------------------------
ABSTRACT = "abstract"
PAPER = "paper"


@dataclass(frozen=True)
class Deadline:
    kind: str  # abstract | paper
    when_utc: datetime | None  # aware UTC; None when "TBD"
    local_text: str  # as written in the source, e.g. "2025-05-15 23:59:59" or "TBD"
    timezone: str  # as written in the source, e.g. "AoE", "UTC-12", "PT"
    comment: str = ""
    seq: int = 0

    @property
    def tbd(self) -> bool:
        return self.when_utc is None


@dataclass(frozen=True)
class ConferenceEdition:
    """One year of a conference, as the ccf-deadlines data describes it."""

    title: str  # short name, e.g. "NeurIPS"
    year: int
    edition_id: str  # e.g. "nips25"
    link: str = ""
    date_text: str = ""
    place: str = ""
    timezone: str = ""
    deadlines: tuple[Deadline, ...] = ()


@dataclass(frozen=True)
class ConferenceRecord:
    """A conference of the ccf-deadlines data with its editions and acceptance rates."""

    title: str
    description: str
    category: str  # sub, e.g. "AI"
    ccf_rank: str  # A/B/C/N
    dblp: str  # suffix, e.g. "nips"
    editions: tuple[ConferenceEdition, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class AcceptRate:
    title: str
    year: int
    submitted: int | None
    accepted: int | None
    rate: float | None
    text: str = ""
    source_url: str = ""


@dataclass(frozen=True)
class DeadlineRow:
    """A deadline ready to show or export (joined with its venue and edition)."""

    venue: str
    venue_id: int
    year: int
    kind: str
    deadline_utc: datetime | None
    timezone: str
    local_text: str
    link: str = ""
    place: str = ""
    date_text: str = ""
    comment: str = ""
    ccf_rank: str = ""
    edition_id: str = ""  # the data's id of the edition (e.g. "nips25")
    seq: int = 0  # n-th deadline of this kind in the edition's timeline

    @property
    def uid(self) -> str:
        """A calendar UID unique per deadline and the same in every export: venue, year,
        edition id, kind and position in the timeline (not the date, so a moved deadline
        updates its event instead of adding one)."""
        key = re.sub(r"[^A-Za-z0-9]+", "-",
                     f"{self.venue}-{self.year}-{self.edition_id}-{self.kind}-{self.seq}")
        return f"{key.strip('-').lower()}@scholardesk"

    def to_json(self) -> dict[str, object]:
        return {
            "venue": self.venue,
            "year": self.year,
            "kind": self.kind,
            "deadline_utc": iso_z(self.deadline_utc) if self.deadline_utc else None,
            "timezone": self.timezone,
            "local": self.local_text,
            "link": self.link,
            "place": self.place,
            "ccf": self.ccf_rank or None,
        }


def iso_z(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class VenueMatch:
    query: str
    venue: Venue
    confidence: float  # 0..1
    method: str  # exact | abbr | alias | dblp | abbreviated | fuzzy

    def to_json(self) -> dict[str, object]:
        v = self.venue
        return {
            "query": self.query,
            "venue": {"abbr": v.abbr, "name": v.name, "kind": v.kind},
            "ccf": v.ccf.to_json() if v.ccf else None,
            "confidence": round(self.confidence, 3),
            "method": self.method,
        }


@dataclass(frozen=True)
class VenueDetail:
    venue: Venue
    metrics: tuple[VenueMetric, ...] = ()
    deadlines: tuple[DeadlineRow, ...] = ()
    aliases: tuple[str, ...] = field(default_factory=tuple)


# -- iCalendar -------------------------------------------------------------------------------
def _ics_escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    )


def _ics_fold(line: str) -> list[str]:
    """RFC 5545 §3.1: lines longer than 75 octets continue on lines starting with a space."""
    out: list[str] = []
    current = ""
    for ch in line:
        limit = 75 if not out else 74
        if len((current + ch).encode("utf-8")) > limit:
            out.append(current)
            current = ch
        else:
            current += ch
    out.append(current)
    return [out[0]] + [" " + part for part in out[1:]]


def deadlines_to_ics(rows: list[DeadlineRow], now: datetime | None = None) -> str:
    """An iCalendar (RFC 5545) file with one event per deadline (TBD deadlines are left out)."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//ScholarDesk//Venue deadlines//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Conference deadlines",
    ]
    used: dict[str, int] = {}
    for row in rows:
        if row.deadline_utc is None:
            continue
        uid = row.uid
        used[uid] = used.get(uid, 0) + 1
        if used[uid] > 1:  # rows built by hand without edition or position
            uid = uid.replace("@", f"-{used[uid]}@", 1)
        when = row.deadline_utc.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        label = "abstract deadline" if row.kind == ABSTRACT else "paper deadline"
        description = f"{row.local_text} ({row.timezone})"
        if row.comment:
            description += f" — {row.comment}"
        if row.ccf_rank:
            description += f"\nCCF {row.ccf_rank}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{when}",
            f"DTEND:{when}",
            f"SUMMARY:{_ics_escape(f'{row.venue} {row.year} {label}')}",
            f"DESCRIPTION:{_ics_escape(description)}",
        ]
        if row.place:
            lines.append(f"LOCATION:{_ics_escape(row.place)}")
        if row.link:
            lines.append(f"URL:{row.link}")
        lines += [
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{_ics_escape(f'{row.venue} {label} in 3 days')}",
            "TRIGGER:-P3D",
            "END:VALARM",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    folded: list[str] = []
    for line in lines:
        folded.extend(_ics_fold(line))
    return "\r\n".join(folded) + "\r\n"


# -- rank lists ------------------------------------------------------------------------------
LIST_METRICS: dict[str, str] = {
    "jcr_quartile": "JCR quartile (best category)",
    "wos_index": "Web of Science index",
    "country": "Country",
    "cas_field": "CAS major field",
    "review": "Review journal",
    "open_access": "Open Access",
    "oa_journal_index": "OA Journal Index",
    "cas_mark": "CAS note",
    "ccf_t": "CCF-T level",
    "ccf_chinese": "CCF Chinese journal rank",
    "ccf_name": "Name in the CCF edition",
    "ccf_merged_into": "CCF: merged into / renamed to",
    "xr_zone": "XR zone",
    "xr_top": "XR Top",
}
METRICS.update({k: v for k, v in LIST_METRICS.items() if k not in METRICS})


def ccf_history(ranks: tuple[CcfRank, ...], edition: str = "") -> str:
    """"CCF B (2026) · A (2022) · A (2019)": the chosen (or newest) edition first, then the
    others newest first; the best rank of each edition."""
    best: dict[str, str] = {}
    for r in ranks:
        if r.edition not in best or r.rank < best[r.edition]:
            best[r.edition] = r.rank
    if not best:
        return ""
    order = sorted(best, key=lambda e: (e.isdigit(), e), reverse=True)
    first = edition or order[0]
    rest = [e for e in order if e != first]
    head = f"CCF {best.get(first, '–')} ({first})"  # "–": not in the shown edition
    return " · ".join([head] + [f"{best[e]} ({e})" for e in rest])


@dataclass(frozen=True)
class RankLabel:
    """The compact rank of a venue for a table cell: ``CCF A · 1区 Top · Q1 · IF 20.8``;
    ``warned`` when the venue is on the newest warning list (shown red)."""

    venue_id: int
    text: str
    ccf: str = ""  # A/B/C of the shown edition
    cas_zone: int | None = None
    top: bool = False
    quartile: str = ""
    impact_factor: float | None = None
    warned: bool = False
    warning: str = ""  # the level or reason, with its year

    @property
    def sort_key(self) -> tuple[int, int, int, float]:
        return ("ABC".find(self.ccf) if self.ccf else 9, self.cas_zone or 9,
                int(self.quartile[1:]) if self.quartile else 9, -(self.impact_factor or 0.0))


@dataclass(frozen=True)
class CcfChange:
    change: str  # added | removed | upgraded | downgraded | renamed | merged
    kind: str
    abbr: str
    name: str
    category: str
    old_rank: str = ""
    new_rank: str = ""
    note: str = ""

    def to_json(self) -> dict[str, str]:
        return {"change": self.change, "kind": self.kind, "abbr": self.abbr, "name": self.name,
                "category": self.category, "from": self.old_rank, "to": self.new_rank,
                "note": self.note}
