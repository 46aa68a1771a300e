"""``scholardesk venues ...``: the CCF catalogue, venue ranks, metrics and deadlines."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from scholardesk.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    CliContext,
    add_bom_flag,
    add_json_flag,
    print_json,
)
from scholardesk.core.errors import InputError, NotFoundError
from scholardesk.core.i18n import tr
from scholardesk.domain.importing import ImportReport
from scholardesk.domain.venues import KINDS, METRICS, RANKS, normalise_category

if TYPE_CHECKING:
    from scholardesk.services.venues import CcfImportReport, ListsImportReport


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = sub.add_parser("venues", help="CCF ranks, venue matching, metrics, deadlines")
    cmds = group.add_subparsers(dest="venues_command", metavar="ACTION", required=True)

    imp = cmds.add_parser("import-ccf", help="import the CCF catalogue (official PDF or CSV)")
    imp.add_argument("file", type=Path, metavar="FILE.pdf|FILE.csv")
    add_json_flag(imp)
    imp.set_defaults(handler=_import_ccf)

    dl = cmds.add_parser("download-ccf", help="download the official CCF PDF and import it")
    dl.add_argument("--url", help="address of the PDF (or of a page linking to it)")
    add_json_flag(dl)
    dl.set_defaults(handler=_download_ccf)

    exp = cmds.add_parser("export-ccf", help="write the catalogue as CSV (edit, re-import)")
    exp.add_argument("file", type=Path, metavar="FILE.csv")
    add_bom_flag(exp)
    exp.set_defaults(handler=_export_ccf)

    rank = cmds.add_parser("rank", help="the CCF rank of a venue written any way")
    rank.add_argument("name", nargs="+", help="e.g. NIPS, 'Proc. CVPR', 'Neural Networks'")
    add_json_flag(rank)
    rank.set_defaults(handler=_rank)

    lst = cmds.add_parser("list", help="list catalogue venues")
    lst.add_argument("--category", help="category code (AI, DB, ...) or name")
    lst.add_argument("--rank", choices=RANKS)
    lst.add_argument("--kind", choices=KINDS)
    lst.add_argument("--publisher")
    lst.add_argument("--search", help="text in the abbreviation or name")
    fmt = lst.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="machine-readable JSON output")
    fmt.add_argument("--csv", action="store_true", help="CSV output")
    lst.set_defaults(handler=_list)

    sync = cmds.add_parser("sync-deadlines", help="import ccf-deadlines data (folder, file, URL)")
    sync.add_argument("--from", dest="source", metavar="PATH_OR_URL",
                      help="ccf-deadlines folder, a YAML file, or a URL (default: allconf.yml)")
    add_json_flag(sync)
    sync.set_defaults(handler=_sync)

    dls = cmds.add_parser("deadlines", help="conference deadlines (upcoming by default)")
    dls.add_argument("--after", metavar="YYYY-MM-DD", help="deadlines from this day (UTC)")
    dls.add_argument("--venue", action="append", default=[], help="only this venue (repeatable)")
    dls.add_argument("--ics", type=Path, metavar="FILE", help="also write an iCalendar file")
    dls.add_argument("--tz", metavar="AREA/CITY",
                     help="show deadlines in this time zone (default: the system's)")
    add_json_flag(dls)
    dls.set_defaults(handler=_deadlines)

    met = cmds.add_parser("metrics", help="journal metrics by year and source")
    met_cmds = met.add_subparsers(dest="metrics_command", metavar="ACTION", required=True)
    mi = met_cmds.add_parser("import", help="import metrics from CSV (venue,year,source,metric,value)")
    mi.add_argument("file", type=Path, metavar="FILE.csv")
    add_json_flag(mi)
    mi.set_defaults(handler=_metrics_import)
    ms = met_cmds.add_parser("show", help="the metrics history of a venue")
    ms.add_argument("name", nargs="+")
    add_json_flag(ms)
    ms.set_defaults(handler=_metrics_show)
    mset = met_cmds.add_parser("set", help="set one value")
    mset.add_argument("name")
    mset.add_argument("--year", type=int, required=True)
    mset.add_argument("--source", required=True)
    mset.add_argument("--metric", required=True, help=", ".join(METRICS))
    mset.add_argument("--value", required=True)
    mset.set_defaults(handler=_metrics_set)

    papers = cmds.add_parser("papers", help="papers in the library with their CCF badge")
    papers.add_argument("--rank", action="append", choices=RANKS, default=[],
                        help="only papers at venues of this CCF rank (repeatable)")
    add_json_flag(papers)
    papers.set_defaults(handler=_papers)

    il = cmds.add_parser("import-lists",
                         help="import rank lists (ShowJCR CSV: CCF, JCR, CAS, warning, XR)")
    il.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                    help="CSV files or folders of them")
    il.add_argument("--force", action="store_true", help="read files imported before again")
    add_json_flag(il)
    il.set_defaults(handler=_import_lists)

    ul = cmds.add_parser("update-lists",
                         help="download the current rank lists and import the changed ones")
    add_json_flag(ul)
    ul.set_defaults(handler=_update_lists)

    ch = cmds.add_parser("ccf-changes", help="what changed between two CCF editions")
    ch.add_argument("--from", dest="old", required=True, metavar="EDITION", help="e.g. 2022")
    ch.add_argument("--to", dest="new", required=True, metavar="EDITION", help="e.g. 2026")
    add_json_flag(ch)
    ch.set_defaults(handler=_ccf_changes)

    show = cmds.add_parser("show", help="everything known about a venue, per list and year")
    show.add_argument("name", nargs="+")
    add_json_flag(show)
    show.set_defaults(handler=_show)

    alias = cmds.add_parser("alias", help="teach the matcher another name for a venue")
    alias.add_argument("venue", help="the venue (as matched today)")
    alias.add_argument("alias", help="the other name")
    alias.set_defaults(handler=_alias)


def _report(report: ImportReport, as_json: bool, extra: dict[str, object] | None = None) -> int:
    data = report.to_json()
    if extra:
        data.update(extra)
    if as_json:
        print_json(data)
    else:
        print(tr("{imported} imported, {updated} updated, {skipped} unchanged.",
                 imported=report.imported, updated=report.updated, skipped=report.skipped))
        for err in report.errors:
            print(f"  {err.source} [{err.record}]: {err.message}", file=sys.stderr)
    return EXIT_FAILED if report.errors else EXIT_OK


def _ccf_report(report: CcfImportReport, as_json: bool) -> int:
    if not as_json and (report.removed or report.struck_out):
        print(tr("{removed} venues no longer listed (rank removed); {struck} rows struck out "
                 "in the catalogue itself (not imported).",
                 removed=report.removed, struck=report.struck_out))
    return _report(report, as_json)


def _import_ccf(ctx: CliContext, args: argparse.Namespace) -> int:
    with ctx.progress() as progress:
        report = ctx.services.venues.import_ccf(args.file, progress)
    return _ccf_report(report, args.json)


def _download_ccf(ctx: CliContext, args: argparse.Namespace) -> int:
    with ctx.progress() as progress:
        report = ctx.services.venues.download_ccf(args.url, progress)
    return _ccf_report(report, args.json)


def _export_ccf(ctx: CliContext, args: argparse.Namespace) -> int:
    n = ctx.services.venues.export_ccf(args.file, bom=args.bom)
    print(tr("Wrote {n} catalogue rows to {path}.", n=n, path=args.file))
    return EXIT_OK


def _rank(ctx: CliContext, args: argparse.Namespace) -> int:
    query = " ".join(args.name)
    found = ctx.services.venues.match(query)
    if found is None:
        if args.json:
            print_json({"query": query, "venue": None, "ccf": None, "confidence": 0.0})
        print(tr("No catalogue venue matches “{query}”.", query=query), file=sys.stderr)
        return EXIT_FAILED
    if args.json:
        print_json(found.to_json())
        return EXIT_OK
    v = found.venue
    rank = (
        tr("CCF {rank} ({category}, {edition})", rank=v.ccf.rank, category=v.ccf.category,
           edition=v.ccf.edition)
        if v.ccf else tr("not ranked by CCF")
    )
    print(f"{v.abbr or '-'}  {v.name}  [{v.kind}]  {rank}  "
          + tr("confidence {value}", value=f"{found.confidence:.2f}"))
    if v.ccf_all:
        print(f"  {ctx.services.venues.ccf_history(v)}")
    return EXIT_OK


def _category(text: str | None) -> str | None:
    if not text:
        return None
    code = normalise_category(text)
    if code is None:
        raise InputError(f"Unknown CCF category {text!r}.",
                         "Use a code such as AI, DB, SE, NW, SC, DS, CT, CG, HI, MX.")
    return code


def _list(ctx: CliContext, args: argparse.Namespace) -> int:
    from scholardesk.services.venues import VenueFilter

    flt = VenueFilter(category=_category(args.category), rank=args.rank, kind=args.kind,
                      publisher=args.publisher, search=args.search)
    venues = ctx.services.venues.list(flt)
    if args.json:
        print_json([
            {"abbr": v.abbr, "name": v.name, "kind": v.kind, "publisher": v.publisher,
             "ccf": v.ccf.to_json() if v.ccf else None,
             "ccf_history": [r.to_json() for r in v.ccf_all]}
            for v in venues
        ])
    elif args.csv:
        from scholardesk.domain.spreadsheet import csv_text  # cells escaped; no BOM on stdout

        sys.stdout.write(csv_text(
            ["abbr", "name", "kind", "publisher", "rank", "category", "edition"],
            ([v.abbr, v.name, v.kind, v.publisher, v.ccf.rank if v.ccf else "",
              v.ccf.category if v.ccf else "", v.ccf.edition if v.ccf else ""] for v in venues),
            lineterminator="\r\n",
        ))
    else:
        svc = ctx.services.venues
        for v in venues:
            rank = f"{v.ccf.category}-{v.ccf.rank}" if v.ccf else "-"
            history = f"  [{svc.ccf_history(v).split(' · ', 1)[-1]}]" if args.rank else ""
            print(f"{rank:5} {v.kind[:4]:4} {v.abbr or '-':12} {v.name}{history}")
    return EXIT_OK


def _sync(ctx: CliContext, args: argparse.Namespace) -> int:
    with ctx.progress() as progress:
        report = ctx.services.venues.sync_deadlines(args.source, progress)
    return _report(report, args.json)


def _parse_day(text: str) -> datetime:
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError as exc:
        raise InputError(f"{text!r} is not a date.", "Write it as YYYY-MM-DD.") from exc


def _user_zone(name: str | None) -> tuple[tzinfo, str]:
    """The zone deadlines are shown in, and its name: ``--tz`` (an IANA name such as
    Asia/Shanghai), else the system's (its IANA name when the system says it)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if name:
        try:
            return ZoneInfo(name), name
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise InputError(tr("{name!r} is not a time zone.", name=name),
                             tr("Give an IANA name such as Asia/Shanghai or Europe/Berlin."),
                             ) from exc
    system = _system_zone_name()
    if system:
        try:
            return ZoneInfo(system), system
        except (ZoneInfoNotFoundError, ValueError):
            pass
    local = datetime.now().astimezone().tzinfo or UTC
    return local, datetime.now(local).strftime("%Z")


def _system_zone_name() -> str:
    """The system time zone's IANA name: $TZ, else where /etc/localtime points."""
    import os

    tz = os.environ.get("TZ", "").lstrip(":")
    if tz and "/" in tz and not tz.startswith("/"):
        return tz
    try:
        target = os.path.realpath("/etc/localtime")
    except OSError:
        return ""
    marker = "zoneinfo/"
    return target.split(marker, 1)[1] if marker in target else ""


def _deadlines(ctx: CliContext, args: argparse.Namespace) -> int:
    zone, zone_name = _user_zone(args.tz)
    svc = ctx.services.venues
    after = _parse_day(args.after) if args.after else datetime.now(UTC)
    venue_ids = None
    if args.venue:
        venue_ids = []
        for name in args.venue:
            found = svc.match(name)
            if found is None:
                raise NotFoundError(f"No catalogue venue matches {name!r}.")
            venue_ids.append(found.venue.id)
    rows = svc.deadlines(after=after, venue_ids=venue_ids)
    if args.ics:
        n = svc.write_ics(rows, args.ics)
        print(tr("Wrote {n} deadlines to {path}.", n=n, path=args.ics), file=sys.stderr)
    if args.json:
        print_json([
            {**{k: v for k, v in r.to_json().items()
                if k in ("venue", "year", "kind", "deadline_utc", "timezone", "local", "link",
                         "ccf")},
             # the same moment in the user's zone (ISO 8601 with its offset)
             "your_time": r.deadline_utc.astimezone(zone).isoformat() if r.deadline_utc else None,
             "your_timezone": zone_name}
            for r in rows
        ])
    else:
        for r in rows:
            if r.deadline_utc:
                when = r.deadline_utc.strftime("%Y-%m-%d %H:%M UTC")
                yours = r.deadline_utc.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")
            else:
                when = yours = tr("TBD")
            print(f"{when}  {yours} ({zone_name})  {r.venue} {r.year}  {r.kind:8}  "
                  f"({r.local_text} {r.timezone})")
    return EXIT_OK


def _metrics_import(ctx: CliContext, args: argparse.Namespace) -> int:
    with ctx.progress() as progress:
        report = ctx.services.venues.import_metrics(args.file, progress)
    return _report(report, args.json)


def _venue(ctx: CliContext, name: str):  # type: ignore[no-untyped-def]
    found = ctx.services.venues.match(name)
    if found is None:
        raise NotFoundError(f"No catalogue venue matches {name!r}.")
    return found.venue


def _metrics_show(ctx: CliContext, args: argparse.Namespace) -> int:
    venue = _venue(ctx, " ".join(args.name))
    detail = ctx.services.venues.detail(venue.id)
    if args.json:
        print_json({"venue": venue.to_json(), "metrics": [m.to_json() for m in detail.metrics]})
        return EXIT_OK
    print(f"{venue.abbr or '-'}  {venue.name}")
    for m in detail.metrics:
        print(f"  {m.year}  {m.metric:18} {m.value:>10}  ({m.source})")
    return EXIT_OK


def _metrics_set(ctx: CliContext, args: argparse.Namespace) -> int:
    venue = _venue(ctx, args.name)
    ctx.services.venues.set_metric(venue.id, args.year, args.source, args.metric, args.value)
    print(tr("Saved."))
    return EXIT_OK


def _alias(ctx: CliContext, args: argparse.Namespace) -> int:
    venue = _venue(ctx, args.venue)
    ctx.services.venues.add_alias(venue.id, args.alias)
    print(tr("“{alias}” now means {venue}.", alias=args.alias, venue=venue.abbr or venue.name))
    return EXIT_OK


def _paper_order(row: dict[str, object]) -> tuple[str, int]:
    ccf = row["ccf"]
    year = row["year"]
    rank = str(ccf["rank"]) if isinstance(ccf, dict) else "Z"
    return rank, -(year if isinstance(year, int) else 0)


def _papers(ctx: CliContext, args: argparse.Namespace) -> int:
    """Papers (issue 3) × venues: each paper's raw venue string resolved to its CCF rank."""
    papers = ctx.services.papers
    venues = ctx.services.venues
    strings = [v for v, _n in papers.distinct_venues()]
    badges = venues.badges(strings)
    chosen = venues.strings_with_rank(strings, args.rank) if args.rank else strings
    ids = papers.ids_with_venues(chosen)
    rows = papers.rows(ids)
    out = []
    for row in rows:
        found = badges.get(row.venue)
        ccf = found.venue.ccf if found is not None else None
        out.append({
            "id": row.id, "title": row.title, "year": row.year, "venue": row.venue,
            "matched": (found.venue.abbr or found.venue.name) if found else None,
            "ccf": ccf.to_json() if ccf else None,
            "confidence": round(found.confidence, 3) if found else None,
        })
    out.sort(key=_paper_order)
    if args.json:
        print_json(out)
        return EXIT_OK
    for r in out:
        badge = f"CCF-{r['ccf']['rank']}" if r["ccf"] else "  -  "  # type: ignore[index]
        print(f"[{badge}] {r['year'] or '':4} {r['title']}  ({r['venue']})")
    return EXIT_OK


def _lists_report(report: ListsImportReport, as_json: bool) -> int:
    if as_json:
        print_json(report.to_json())
    else:
        for f in report.files:
            name = Path(f.path).name
            if f.error:
                print(tr("{file}: refused: {error}", file=name, error=f.error), file=sys.stderr)
            elif f.unchanged:
                print(tr("{file}: unchanged since the last import.", file=name))
            else:
                print(tr("{file} ({source}): {rows} rows read, {matched} venues matched, "
                         "{added} added, {refused} values refused.", file=name,
                         source=f.source, rows=f.rows_read, matched=f.matched, added=f.added,
                         refused=f.refused_count))
                for err in f.refused[:5]:
                    print(f"  [{err.record}] {err.message}", file=sys.stderr)
                if len(f.refused) > 5:
                    print(tr("  ... and {n} more (see --json).", n=len(f.refused) - 5),
                          file=sys.stderr)
    return EXIT_FAILED if report.failed else EXIT_OK


def _import_lists(ctx: CliContext, args: argparse.Namespace) -> int:
    with ctx.progress() as progress:
        report = ctx.services.venues.import_lists(args.paths, progress, force=args.force)
    return _lists_report(report, args.json)


def _update_lists(ctx: CliContext, args: argparse.Namespace) -> int:
    with ctx.progress() as progress:
        report = ctx.services.venues.update_lists(progress)
    return _lists_report(report, args.json)


def _ccf_changes(ctx: CliContext, args: argparse.Namespace) -> int:
    changes = ctx.services.venues.ccf_changes(args.old, args.new)
    if args.json:
        print_json({"from": args.old, "to": args.new, "changes": [c.to_json() for c in changes]})
        return EXIT_OK
    for c in changes:
        ranks = f"{c.old_rank or '-'} → {c.new_rank or '-'}"
        note = f"  ({c.note})" if c.note else ""
        print(f"{c.change:10} {c.category:3} {ranks:7} {c.abbr or '-':12} {c.name}{note}")
    return EXIT_OK


def _show(ctx: CliContext, args: argparse.Namespace) -> int:
    venue = _venue(ctx, " ".join(args.name))
    data = ctx.services.venues.show(venue.id)
    if args.json:
        print_json(data)
        return EXIT_OK
    print(f"{data['ccf_label']}  {venue.name}")
    if data["issn"] or data["eissn"]:
        print(f"  ISSN {data['issn'] or '-'}  eISSN {data['eissn'] or '-'}")
    for entry in data["lists"]:  # type: ignore[attr-defined]
        values = ", ".join(f"{k}={v['value']}" for k, v in entry["values"].items())
        print(f"  {entry['source']}: {values}")
    return EXIT_OK
