"""Reads the rank lists as the community exchanges them: the CSV files of ShowJCR
(https://github.com/hitfyd/ShowJCR, folder ``中科院分区表及JCR原始数据文件``).

Which list a file is and its year come from its header (and its file name); no layout is
assumed: a column is found by its header, so JCR 2020's two columns, JCR 2025's six categories
and CAS 2025's ``3 [168/495]`` zones are read by the same code. Kinds:

- ``ccf``: CCF recommended international venues (2019, 2022, 2026), A/B/C per category;
  2019 adds 合并/更名为 (merged into / renamed to).
- ``ccf_cn``: CCF recommended Chinese journals (2019), A/B/C.
- ``ccf_t``: CCF 计算领域高质量科技期刊分级目录 (T1/T2/T3).
- ``jcr``: Clarivate JCR: impact factor, quartile and rank per category, Web of Science index.
- ``cas``: CAS 中科院分区表 升级版: 大类 zone (with its rank), Top, 小类 zones, Review, OA.
- ``warning``: CAS 国际期刊预警名单: a level (高/中/低) or, since 2024, a reason.
- ``xr``: 新锐期刊分区表, conferences: zone and Top.

A header that matches none of these is an InputError naming the file and its header. A value
that cannot be read (IF ``N/A``, ``<0.1``) is refused with its line and column; the rest of the
row is kept.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from scholardesk.core.errors import InputError
from scholardesk.domain.importing import RecordError
from scholardesk.domain.venues import CONFERENCE, JOURNAL, normalise_category

CCF = "ccf"
CCF_CN = "ccf_cn"
CCF_T = "ccf_t"
JCR = "jcr"
CAS = "cas"
WARNING = "warning"
XR = "xr"
LIST_KINDS = (CCF, CCF_CN, CCF_T, JCR, CAS, WARNING, XR)
SOURCE_LABEL = {
    CCF: "CCF", CCF_CN: "CCF Chinese", CCF_T: "CCF-T", JCR: "JCR", CAS: "CAS",
    WARNING: "CAS warning", XR: "XR",
}

# the files of ShowJCR's data folder, as ``venues update-lists`` downloads them
SHOWJCR_BASE_URL = (
    "https://raw.githubusercontent.com/hitfyd/ShowJCR/master/"
    "%E4%B8%AD%E7%A7%91%E9%99%A2%E5%88%86%E5%8C%BA%E8%A1%A8%E5%8F%8AJCR%E5%8E%9F%E5%A7%8B"
    "%E6%95%B0%E6%8D%AE%E6%96%87%E4%BB%B6/"
)
SHOWJCR_FILES = (
    "CCF2019-UTF8.csv", "CCF2022-UTF8.csv", "CCF2026-UTF8.csv", "CCFChinese2019-UTF8.csv",
    "CCFT2022-UTF8.csv", "CCFT2025-UTF8.csv",
    "JCR2020-UTF8.csv", "JCR2021-UTF8.csv", "JCR2022-UTF8.csv", "JCR2023-UTF8.csv",
    "JCR2024-UTF8.csv", "JCR2025-UTF8.csv",
    "FQBJCR2021-UTF8.csv", "FQBJCR2022-UTF8.csv", "FQBJCR2023-UTF8.csv", "FQBJCR2025-UTF8.csv",
    "GJQKYJMD2020.csv", "GJQKYJMD2021.csv", "GJQKYJMD2023.csv", "GJQKYJMD2024.csv",
    "GJQKYJMD2025.csv", "XR2026Conferences-UTF8.csv",
)

_ISSN_RE = re.compile(r"\b(\d{4})-?(\d{3}[\dXx])\b")
_YEAR_RE = re.compile(r"(?:19|20)\d{2}")
_ZONE_RE = re.compile(r"^\s*([1-4])\s*(?:区)?\s*(?:\[\s*(\d+)\s*/\s*(\d+)\s*\])?\s*$")
_RANK_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
_CATEGORY_WOS_RE = re.compile(r"^(.*?)\s*\((SCIE|SSCI|AHCI|ESCI)\)\s*$")


@dataclass(frozen=True)
class ListValue:
    metric: str
    value: str
    number: float | None = None
    note: str = ""


@dataclass(frozen=True)
class ListRow:
    """One row of a rank list: who the venue is, and the values the list gives it."""

    line: int
    kind: str  # journal | conference
    name: str  # English name when the list has one, else the Chinese name
    abbr: str = ""
    name_zh: str = ""
    issn: str = ""
    eissn: str = ""
    publisher: str = ""
    dblp_url: str = ""
    category: str = ""  # CCF category code
    rank: str = ""  # CCF A/B/C
    merged_into: str = ""  # CCF 2019: 合并/更名为
    values: tuple[ListValue, ...] = ()


@dataclass
class RankList:
    path: str
    list_kind: str
    year: int
    header: tuple[str, ...]
    rows: list[ListRow] = field(default_factory=list)
    refused: list[RecordError] = field(default_factory=list)  # values that could not be read
    rows_read: int = 0

    @property
    def source(self) -> str:
        return f"{SOURCE_LABEL[self.list_kind]} {self.year}"

    @property
    def edition(self) -> str:
        return str(self.year)


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).casefold()


def detect(header: Sequence[str], file_name: str = "") -> tuple[str, int]:
    """(list kind, year) for a header row; InputError when it matches no known list."""
    cols = [_norm(h) for h in header]
    joined = "|".join(cols)
    kind: str | None = None
    if "大类分区" in cols:
        kind = CAS
    elif any(c.startswith(("预警等级", "预警原因")) for c in cols):
        kind = WARNING
    elif "t分区" in cols:
        kind = CCF_T
    elif "会议缩写" in cols and "分区" in cols:
        kind = XR
    elif "ccf推荐类型" in cols and "领域" in cols:
        kind = CCF
    elif "ccf推荐类型" in cols and "journal" in cols:
        kind = CCF_CN
    elif "journal" in cols and any(re.match(r"^if\(\d{4}\)$", c) for c in cols):
        kind = JCR
    if kind is None:
        raise InputError(
            f"{file_name or 'The file'}: its header matches no known rank list: "
            f"{','.join(header)}",
            "Give a ShowJCR CSV file (CCF, CCF-T, JCR, CAS 分区表, 预警名单 or XR).",
        )
    years = _YEAR_RE.findall(joined) or _YEAR_RE.findall(Path(file_name).name)
    if not years:
        raise InputError(f"{file_name}: no year in its header or its file name.",
                         "Keep the year in the file name, e.g. JCR2025-UTF8.csv.")
    return kind, int(years[0])


def _issns(*texts: str) -> list[str]:
    out: list[str] = []
    for text in texts:
        for a, b in _ISSN_RE.findall(text or ""):
            issn = f"{a}-{b.upper()}"
            if issn not in out:
                out.append(issn)
    return out


def _decode(data: bytes, path: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"{path} is neither UTF-8 nor GB18030 text.", "Save it as UTF-8 CSV.")


def read_list(path: Path) -> RankList:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path} cannot be read: {exc}.") from exc
    return parse_list(data, str(path))


def parse_list(data: bytes, source: str) -> RankList:
    """One rank-list CSV (bytes as stored): its kind, year, rows and refused values."""
    try:
        return _parse_list(data, source)
    except csv.Error as exc:  # e.g. one cell over the csv module's 128 KB field limit
        raise InputError(
            f"{source} cannot be read as CSV ({exc}).",
            "A cell is far longer than a table cell can be, or a quote is never closed; "
            "save the list again as CSV.",
        ) from exc


def _parse_list(data: bytes, source: str) -> RankList:
    text = _decode(data, source)
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        raise InputError(f"{source} is empty.", "Give a ShowJCR CSV file.")
    header = [h.strip().lstrip("\ufeff") for h in header]
    kind, year = detect(header, source)
    out = RankList(source, kind, year, tuple(header))
    cols = {_norm(h): i for i, h in enumerate(header)}
    reader_fn = _READERS[kind]
    for line, cells in enumerate(reader, 2):
        if not any(c.strip() for c in cells):
            continue
        out.rows_read += 1
        row = _Row(cells, cols, header, source, line, out.refused)
        parsed = reader_fn(row, year)
        if parsed is None:
            continue
        out.rows.append(parsed)
    return out


class _Row:
    def __init__(self, cells: list[str], cols: dict[str, int], header: Sequence[str],
                 source: str, line: int, refused: list[RecordError]) -> None:
        self.cells, self.cols, self.header = cells, cols, header
        self.source, self.line, self.refused = source, line, refused

    def get(self, *names: str) -> str:
        for name in names:
            i = self.cols.get(_norm(name))
            if i is not None and i < len(self.cells):
                return self.cells[i].strip()
        return ""

    def find(self, pattern: str) -> tuple[str, str]:
        """(header, cell) of the first column whose normalised header matches ``pattern``."""
        rx = re.compile(pattern)
        for key, i in self.cols.items():
            if rx.match(key):
                return self.header[i], self.cells[i].strip() if i < len(self.cells) else ""
        return "", ""

    def refuse(self, column: str, value: str, why: str) -> None:
        self.refused.append(RecordError(
            self.source, f"line {self.line}", f"{column.strip()} {value!r}: {why}"))


def _yes(text: str) -> str | None:
    t = text.strip().casefold()
    if t in ("是", "yes", "y", "top", "true", "1"):
        return "yes"
    if t in ("否", "no", "n", "false", "0"):
        return "no"
    return None


def _flag(row: _Row, out: list[ListValue], metric: str, column: str) -> None:
    raw = row.get(column)
    if not raw:
        return
    flag = _yes(raw)
    if flag is None:
        row.refuse(column, raw, "not yes/no")
        return
    out.append(ListValue(metric, flag, 1.0 if flag == "yes" else 0.0))


def _zone(row: _Row, out: list[ListValue], metric: str, column: str, raw: str,
          note: str = "") -> None:
    if not raw:
        return
    m = _ZONE_RE.match(raw)
    if not m:
        row.refuse(column, raw, "not a zone 1-4")
        return
    value = m.group(1) if not m.group(2) else f"{m.group(1)} [{m.group(2)}/{m.group(3)}]"
    out.append(ListValue(metric, value, float(m.group(1)), note))


def _ccf_rank(text: str) -> str:
    m = re.search(r"[ABC]", text.upper())
    return m.group(0) if m else ""


def _read_ccf(row: _Row, year: int) -> ListRow | None:
    abbr = row.get("刊物简称", "刊物名称", "会议简称", "会议名称")
    name = row.get("Journal")
    category = normalise_category(row.get("领域")) or ""
    kind = CONFERENCE if "会议" in row.get("CCF推荐类别（国际学术刊物/会议）") else JOURNAL
    rank = _ccf_rank(row.get("CCF推荐类型"))
    if not (name or abbr) or not rank or not category:
        row.refuse("row", name or abbr, "no name, category or A/B/C rank")
        return None
    values = (ListValue("ccf_name", abbr[:120], None, name),)
    return ListRow(
        row.line, kind, name or abbr, abbr=abbr, publisher=row.get("出版社"),
        dblp_url=row.get("网址"), category=category, rank=rank,
        merged_into=row.get("合并/更名为"), values=values,
    )


def _read_ccf_cn(row: _Row, year: int) -> ListRow | None:
    name = row.get("Journal")
    rank = _ccf_rank(row.get("CCF推荐类型"))
    if not name or not rank:
        row.refuse("row", name, "no name or A/B/C rank")
        return None
    return ListRow(row.line, JOURNAL, name, name_zh=name, publisher=row.get("主办单位"),
                   values=(ListValue("ccf_chinese", rank),))


def _read_ccf_t(row: _Row, year: int) -> ListRow | None:
    name_zh = row.get("中文刊名")
    name_en = row.get("Journal")
    level = row.get("T分区").upper()
    if not (name_zh or name_en):
        return None
    values: list[ListValue] = []
    if re.fullmatch(r"T[1-3]", level):
        values.append(ListValue("ccf_t", level, float(level[1]), row.get("CN号")))
    elif level:
        row.refuse("T分区", level, "not T1/T2/T3")
    return ListRow(row.line, JOURNAL, name_en or name_zh, name_zh=name_zh,
                   publisher=row.get("主办单位"), values=tuple(values))


def _number(row: _Row, column: str, raw: str) -> float | None:
    try:
        return float(raw.replace(",", ""))
    except ValueError:
        row.refuse(column, raw, "not a number (value left out)")
        return None


def _read_jcr(row: _Row, year: int) -> ListRow | None:
    name = row.get("Journal")
    if not name:
        return None
    values: list[ListValue] = []
    if_col, raw_if = row.find(r"^if\(\d{4}\)$")
    if raw_if:
        number = _number(row, if_col, raw_if)
        if number is not None:
            values.append(ListValue("impact_factor", raw_if, number))
    wos = row.get("Web of Science")
    country = row.get("Country")
    if country:
        values.append(ListValue("country", country))
    quartiles: list[int] = []
    categories: list[tuple[str, str, str, str, str]] = []  # category, Q, rank, their columns
    single_cat = row.get("Category")
    q_col, q = row.find(r"^ifquartile\(\d{4}\)$")
    if single_cat or q_col:
        r_col, r = row.find(r"^(?:if|category)rank\(\d{4}\)$")
        categories.append((single_cat, q, r, q_col, r_col))
    for n in range(1, 7):
        cat = row.get(f"Category_{n}")
        q_col, q = row.find(rf"^ifquartile\(\d{{4}}\)_{n}$")
        r_col, r = row.find(rf"^ifrank\(\d{{4}}\)_{n}$")
        if cat or q or r:
            categories.append((cat, q, r, q_col, r_col))
    for i, (cat, q, r, q_col, r_col) in enumerate(categories, 1):
        m = _CATEGORY_WOS_RE.match(cat)
        if m:  # JCR 2024: "ONCOLOGY(SCIE)"
            cat, wos = m.group(1), wos or m.group(2)
        if q:
            qm = re.fullmatch(r"Q([1-4])", q.upper())
            if qm:
                quartiles.append(int(qm.group(1)))
                values.append(ListValue(f"jcr_quartile_{i}", f"Q{qm.group(1)}",
                                        float(qm.group(1)), cat))
            else:
                row.refuse(q_col, q, "not a quartile Q1-Q4")
        if r:
            rm = _RANK_RE.match(r)
            if rm:
                values.append(ListValue(f"jcr_rank_{i}", f"{rm.group(1)}/{rm.group(2)}",
                                        float(rm.group(1)), cat))
            else:
                row.refuse(r_col, r, "not a rank n/N")
        elif cat and not q:
            values.append(ListValue(f"jcr_category_{i}", cat[:120]))
    if quartiles:
        best = min(quartiles)
        values.append(ListValue("jcr_quartile", f"Q{best}", float(best)))
    if wos:
        values.append(ListValue("wos_index", wos))
    issns = _issns(row.get("ISSN"))
    eissns = _issns(row.get("EISSN", "eISSN"))
    return ListRow(row.line, JOURNAL, name, issn=issns[0] if issns else "",
                   eissn=eissns[0] if eissns else "", values=tuple(values))


def _read_cas(row: _Row, year: int) -> ListRow | None:
    name = row.get("Journal")
    if not name:
        return None
    values: list[ListValue] = []
    field_name = row.get("大类")
    _zone(row, values, "cas_zone", "大类分区", row.get("大类分区"), field_name)
    if field_name:
        values.append(ListValue("cas_field", field_name))
    _flag(row, values, "top", "Top")
    _flag(row, values, "review", "Review")
    _flag(row, values, "open_access", "Open Access")
    _flag(row, values, "oa_journal_index", "OA Journal Index（OAJ）")
    wos = row.get("Web of Science")
    if wos:
        values.append(ListValue("wos_index", wos))
    mark = row.get("标注")
    if mark:
        values.append(ListValue("cas_mark", mark[:120]))
    for n in range(1, 7):
        sub = row.get(f"小类{n}")
        _zone(row, values, f"cas_zone_sub_{n}", f"小类{n}分区", row.get(f"小类{n}分区"), sub)
    issns = _issns(row.get("ISSN", "ISSN/EISSN"))
    return ListRow(row.line, JOURNAL, name, issn=issns[0] if issns else "",
                   eissn=issns[1] if len(issns) > 1 else "", values=tuple(values))


def _read_warning(row: _Row, year: int) -> ListRow | None:
    name = row.get("Journal")
    if not name:
        return None
    column, value = row.find(r"^预警(?:等级|原因)")
    values: tuple[ListValue, ...] = ()
    if value:
        note = "level" if "等级" in column else "reason"
        values = (ListValue("warning", value, None, note),)
    return ListRow(row.line, JOURNAL, name, values=values)


def _read_xr(row: _Row, year: int) -> ListRow | None:
    abbr = row.get("会议缩写")
    name = row.get("Journal")
    if not (abbr or name):
        return None
    values: list[ListValue] = []
    _zone(row, values, "xr_zone", "分区", row.get("分区"))
    top = row.get("Top")
    if top:
        flag = _yes(top)
        values.append(ListValue("xr_top", flag or "yes", 1.0 if flag != "no" else 0.0))
    return ListRow(row.line, CONFERENCE, name or abbr, abbr=abbr, dblp_url="",
                   values=tuple(values))


_READERS = {
    CCF: _read_ccf, CCF_CN: _read_ccf_cn, CCF_T: _read_ccf_t, JCR: _read_jcr, CAS: _read_cas,
    WARNING: _read_warning, XR: _read_xr,
}


def list_files(paths: Sequence[Path]) -> list[Path]:
    """The CSV files named, and those directly inside the folders named (sorted)."""
    out: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            out.extend(sorted(p for p in path.iterdir()
                              if p.is_file() and p.suffix.lower() == ".csv"))
        elif path.is_file():
            out.append(path)
        else:
            raise InputError(f"{path} does not exist.", "Give rank-list CSV files or a folder.")
    return out
