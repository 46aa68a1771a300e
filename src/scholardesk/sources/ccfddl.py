"""Reads the ccf-deadlines data (https://github.com/ccfddl/ccf-deadlines).

Layout: ``conference/<SUB>/<name>.yml`` (a list of conferences, each with editions and a
timeline of deadlines), ``conference/types.yml`` (the categories), ``accept_rates/<SUB>/*.yml``
(acceptance-rate history). The published ``allconf.yml`` is all conference files in one list.

Deadlines are local times ("2025-05-15 23:59:59") in the edition's ``timezone``: ``UTC-12`` ...
``UTC+12``, ``UTC``, ``AoE`` (anywhere on earth = UTC-12) or ``PT`` (US Pacific, with daylight
saving). They are converted to UTC here; the original text and timezone are kept. ``TBD``
deadlines have no time. A file that is not valid YAML, or a record without the required fields,
becomes a RecordError naming the file and record; the other files and records are still read.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any

from scholardesk.core.errors import InputError
from scholardesk.domain.importing import RecordError
from scholardesk.domain.venues import (
    ABSTRACT,
    PAPER,
    AcceptRate,
    ConferenceEdition,
    ConferenceRecord,
    Deadline,
)

logger = logging.getLogger(__name__)

ALLCONF_URL = "https://ccfddl.github.io/conference/allconf.yml"
_OFFSET_RE = re.compile(r"^UTC\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)
_DT_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d")


def zone_for(name: str) -> tzinfo:
    """The tzinfo for a ccf-deadlines timezone string."""
    text = (name or "").strip()
    upper = text.upper()
    if upper in ("", "UTC", "UTC+0", "UTC-0", "GMT", "Z"):
        return UTC
    if upper == "AOE":
        return timezone(timedelta(hours=-12), "AoE")
    if upper in ("PT", "PST", "PDT"):
        from zoneinfo import ZoneInfo

        return ZoneInfo("America/Los_Angeles")
    if upper in ("ET", "EST", "EDT"):
        from zoneinfo import ZoneInfo

        return ZoneInfo("America/New_York")
    m = _OFFSET_RE.match(text)
    if m:
        sign = -1 if m.group(1) == "-" else 1
        delta = timedelta(hours=int(m.group(2)), minutes=int(m.group(3) or 0))
        if delta > timedelta(hours=14):
            raise ValueError(f"timezone offset out of range: {name!r}")
        return timezone(sign * delta)
    raise ValueError(f"unknown timezone {name!r}")


def to_utc(local: object, tz_name: str) -> datetime | None:
    """A deadline in the edition's timezone → aware UTC; None for TBD/empty."""
    if local is None:
        return None
    if isinstance(local, datetime):
        naive = local.replace(tzinfo=None)
    elif isinstance(local, date):
        naive = datetime(local.year, local.month, local.day, 23, 59, 59)
    else:
        text = str(local).strip()
        if not text or text.upper() in ("TBD", "TBA", "N/A"):
            return None
        for fmt in _DT_FORMATS:
            try:
                naive = datetime.strptime(text, fmt)
            except ValueError:
                continue
            if fmt == "%Y-%m-%d":
                naive = naive.replace(hour=23, minute=59, second=59)
            break
        else:
            raise ValueError(f"unreadable deadline {text!r}")
    return naive.replace(tzinfo=zone_for(tz_name)).astimezone(UTC)


def _local_text(value: object) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value).strip() if value is not None else ""


@dataclass
class CcfddlData:
    conferences: list[ConferenceRecord] = field(default_factory=list)
    accept_rates: list[AcceptRate] = field(default_factory=list)
    categories: dict[str, tuple[str, str]] = field(default_factory=dict)
    errors: list[RecordError] = field(default_factory=list)
    files: int = 0


def _load_yaml(text: str, source: str, errors: list[RecordError]) -> Any:
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "file"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        errors.append(RecordError(source, where, f"not valid YAML: {problem}"))
        return None


def parse_conferences(text: str, source: str) -> tuple[list[ConferenceRecord], list[RecordError]]:
    """One conference file (or allconf.yml): the valid records, and one error per bad one."""
    errors: list[RecordError] = []
    data = _load_yaml(text, source, errors)
    if data is None:
        return [], errors
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        return [], [RecordError(source, "file", "expected a list of conferences")]
    records: list[ConferenceRecord] = []
    for index, item in enumerate(data, 1):
        label = f"#{index}"
        try:
            if not isinstance(item, dict):
                raise ValueError("not a mapping")
            label = str(item.get("title") or label)
            records.append(_conference(item, source))
        except (ValueError, TypeError, KeyError) as exc:
            errors.append(RecordError(source, label, str(exc)))
    return records, errors


def _conference(item: dict[str, Any], source: str) -> ConferenceRecord:
    title = str(item.get("title") or "").strip()
    if not title:
        raise ValueError("missing 'title'")
    rank = item.get("rank") or {}
    editions: list[ConferenceEdition] = []
    keys: set[tuple[int, str]] = set()
    for conf in item.get("confs") or []:
        if not isinstance(conf, dict):
            raise ValueError("an entry of 'confs' is not a mapping")
        year = int(conf.get("year") or 0)
        if not year:
            raise ValueError("an edition has no 'year'")
        tz_name = str(conf.get("timezone") or "UTC").strip()
        zone_for(tz_name)  # raises on an unknown timezone
        deadlines: list[Deadline] = []
        counters = {ABSTRACT: 0, PAPER: 0}
        for entry in conf.get("timeline") or []:
            if not isinstance(entry, dict):
                raise ValueError(f"{year}: a timeline entry is not a mapping")
            comment = str(entry.get("comment") or "").strip()
            for key, kind in (("abstract_deadline", ABSTRACT), ("deadline", PAPER)):
                if key not in entry:
                    continue
                raw = entry[key]
                try:
                    when = to_utc(raw, tz_name)
                except ValueError as exc:
                    raise ValueError(f"{year}: {exc}") from exc
                deadlines.append(
                    Deadline(kind, when, _local_text(raw) or "TBD", tz_name, comment,
                             counters[kind])
                )
                counters[kind] += 1
        # an edition is its year and id: ica3pp.yml uses ``id: ica3pp`` for every year
        edition_id = str(conf.get("id") or f"{title.lower()}{year % 100:02d}")
        base, n = edition_id, 1
        while (year, edition_id) in keys:  # the same year and id twice: keep both
            n += 1
            edition_id = f"{base}-{n}"
        keys.add((year, edition_id))
        editions.append(
            ConferenceEdition(
                title=title, year=year,
                edition_id=edition_id,
                link=str(conf.get("link") or ""), date_text=str(conf.get("date") or ""),
                place=str(conf.get("place") or ""), timezone=tz_name,
                deadlines=tuple(deadlines),
            )
        )
    return ConferenceRecord(
        title=title, description=str(item.get("description") or "").strip(),
        category=str(item.get("sub") or "").strip(),
        ccf_rank=str(rank.get("ccf") or "").strip() if isinstance(rank, dict) else "",
        dblp=str(item.get("dblp") or "").strip(), editions=tuple(editions), source=source,
    )


def _number(value: object) -> float | None:
    if value is None or value == "":
        return None
    text = value if isinstance(value, (int, float)) else str(value).strip().replace(",", ".").rstrip("%")
    try:
        number = float(text)
    except (ValueError, OverflowError):  # OverflowError: an int beyond any float
        return None
    return number if math.isfinite(number) else None  # 1e309 or .inf is no count or rate


def parse_accept_rates(text: str, source: str) -> tuple[list[AcceptRate], list[RecordError]]:
    errors: list[RecordError] = []
    data = _load_yaml(text, source, errors)
    if data is None:
        return [], errors
    if isinstance(data, dict):
        data = [data]
    out: list[AcceptRate] = []
    for item in data if isinstance(data, list) else []:
        if not isinstance(item, dict) or not item.get("title"):
            errors.append(RecordError(source, "?", "an entry without 'title'"))
            continue
        title = str(item["title"]).strip()
        for rate in item.get("accept_rates") or []:
            try:
                year = int(rate["year"])
            except (KeyError, TypeError, ValueError, OverflowError):  # OverflowError: year .inf
                errors.append(RecordError(source, title, "an acceptance rate without a year"))
                continue
            submitted = _number(rate.get("submitted"))
            accepted = _number(rate.get("accepted"))
            value: float | None
            if submitted and accepted is not None:
                value = accepted / submitted
            else:
                value = _number(rate.get("rate"))
                if value is not None and value > 1:
                    value /= 100.0
            out.append(
                AcceptRate(
                    title=title, year=year,
                    submitted=int(submitted) if submitted is not None else None,
                    accepted=int(accepted) if accepted is not None else None,
                    rate=value, text=str(rate.get("str") or ""),
                    source_url=str(rate.get("source") or ""),
                )
            )
    return out, errors


def parse_types(text: str, source: str) -> dict[str, tuple[str, str]]:
    errors: list[RecordError] = []
    data = _load_yaml(text, source, errors)
    out: dict[str, tuple[str, str]] = {}
    for item in data if isinstance(data, list) else []:
        if isinstance(item, dict) and item.get("sub"):
            out[str(item["sub"])] = (str(item.get("name") or ""), str(item.get("name_en") or ""))
    return out


def _yml_files(folder: Path, data: CcfddlData) -> list[Path]:
    """The YAML files below ``folder``; links out of it are refused (sources/safe_files.py)."""
    from scholardesk.sources.safe_files import walk

    found = walk(folder, keep=lambda p: p.suffix in (".yml", ".yaml"))
    data.errors.extend(RecordError(str(r.link), "file", r.message) for r in found.refused)
    return found.files


def read_path(path: Path) -> CcfddlData:
    """A ccf-deadlines checkout, its ``conference`` folder, or one YAML file."""
    path = Path(path)
    data = CcfddlData()
    if not path.exists():
        raise InputError(f"{path} does not exist.",
                         "Give the ccf-deadlines folder, its conference folder or allconf.yml.")
    if path.is_file():
        _read_conference_file(path, data)
        return data
    conf_dir = path / "conference" if (path / "conference").is_dir() else path
    rates_dir = next(
        (d for d in (path / "accept_rates", path.parent / "accept_rates") if d.is_dir()), None
    )
    for file in _yml_files(conf_dir, data):
        if file.name == "types.yml":
            data.categories = parse_types(file.read_text(encoding="utf-8"), str(file))
            continue
        if rates_dir is not None and rates_dir in file.parents:
            continue
        _read_conference_file(file, data)
    if rates_dir is not None:
        for file in _yml_files(rates_dir, data):
            data.files += 1
            rates, errors = parse_accept_rates(_read_text(file, data), str(file))
            data.accept_rates.extend(rates)
            data.errors.extend(errors)
    if data.files == 0:
        raise InputError(f"{path} holds no ccf-deadlines YAML files.",
                         "Give the ccf-deadlines folder, its conference folder or allconf.yml.")
    return data


def _read_text(file: Path, data: CcfddlData) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        data.errors.append(RecordError(str(file), "file", f"cannot be read: {exc}"))
        return ""


def _read_conference_file(file: Path, data: CcfddlData) -> None:
    data.files += 1
    records, errors = parse_conferences(_read_text(file, data), str(file))
    data.conferences.extend(records)
    data.errors.extend(errors)


def read_text(text: str, source: str) -> CcfddlData:
    """allconf.yml downloaded from the web."""
    records, errors = parse_conferences(text, source)
    return CcfddlData(conferences=records, errors=errors, files=1)


def fetch_allconf(http: Any, url: str, progress: Any = None) -> CcfddlData:
    """Download allconf.yml through the polite client (``services.http``)."""
    from scholardesk.sources.http import AnswerError, redact_url

    response = http.get(url, progress=progress)
    if response.status != 200:
        raise InputError(f"{url} answered HTTP {response.status}.",
                         "Check the address in the deadline sync dialog.")
    data = read_text(response.text(), url)
    if not data.conferences:
        # An error page, a login wall or a truncated file: not a list of conferences.
        why = f" ({data.errors[0].message[:200]})" if data.errors else ""
        raise AnswerError(
            f"{redact_url(response.url or url)} did not answer a ccf-deadlines conference "
            f"list{why}.",
            "Check the address in the deadline sync dialog (allconf.yml), or try again later.",
        )
    return data


def conference_titles(records: Iterable[ConferenceRecord]) -> list[str]:
    return sorted({r.title for r in records})
