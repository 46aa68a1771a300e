"""``scholardesk reviews import | import-submissions | collect | articles | stats | compare |
journals | add | official``."""

from __future__ import annotations

import argparse
from pathlib import Path

from scholardesk.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    CliContext,
    add_bom_flag,
    add_json_flag,
    print_json,
)
from scholardesk.core.i18n import tr, trn
from scholardesk.domain.importing import RecordError
from scholardesk.domain.reviews import INTERVALS, MIN_ARTICLES, ArticleQuery, IntervalStats

INTERVAL_HELP = "|".join(INTERVALS)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = sub.add_parser("reviews", help="review-time statistics from articles' dates")
    cmds = group.add_subparsers(dest="reviews_command", metavar="ACTION", required=True)

    imp = cmds.add_parser(
        "import", help="import Crossref JSON, PubMed/JATS XML, saved pages, PDFs or CSV"
    )
    imp.add_argument("files", nargs="+", type=Path, metavar="FILE")
    imp.add_argument("--journal", default="", help="journal name or ISSN for files without one")
    add_json_flag(imp)
    imp.set_defaults(handler=_import)

    mine = cmds.add_parser(
        "import-submissions",
        help='add your own accepted manuscripts (Submissions) as the source "my submissions"',
    )
    mine.add_argument("--remove", action="store_true",
                      help='take every "my submissions" record out of the statistics again')
    add_json_flag(mine)
    mine.set_defaults(handler=_import_submissions)

    col = cmds.add_parser("collect", help="collect a journal's article dates from the network")
    col.add_argument("--journal", required=True, help="ISSN (or name, looked up at Crossref)")
    col.add_argument("--source", choices=["crossref", "pubmed", "pages"], default="crossref")
    col.add_argument("--from", dest="date_from", default="", help="first publication date")
    col.add_argument("--to", dest="date_to", default="", help="last publication date")
    col.add_argument("--max", dest="max_articles", type=int, default=None, help="stop after N")
    add_json_flag(col)
    col.set_defaults(handler=_collect)

    arts = cmds.add_parser("articles", help="one row per article: dates, days, flags")
    _add_filters(arts)
    arts.add_argument("--limit", type=int, default=None)
    arts.add_argument("--csv", type=Path, help="write the rows to a CSV file")
    arts.add_argument("--xlsx", type=Path, help="write the rows to an Excel file")
    add_bom_flag(arts)
    add_json_flag(arts)
    arts.set_defaults(handler=_articles)

    stats = cmds.add_parser("stats", help="review-time statistics of a journal")
    _add_filters(stats)
    stats.add_argument("--interval", default="received-accepted", metavar=INTERVAL_HELP,
                       choices=list(INTERVALS))
    stats.add_argument("--by", choices=["year", "type"], default=None)
    stats.add_argument("--csv", type=Path, help="write the summary to a CSV file")
    stats.add_argument("--xlsx", type=Path, help="write the summary to an Excel file")
    add_bom_flag(stats)
    add_json_flag(stats)
    stats.set_defaults(handler=_stats)

    cmp_ = cmds.add_parser("compare", help="several journals side by side")
    cmp_.add_argument("journals", nargs="+", metavar="JOURNAL")
    cmp_.add_argument("--interval", default="received-accepted", choices=list(INTERVALS))
    cmp_.add_argument("--keyword", default="")
    add_json_flag(cmp_)
    cmp_.set_defaults(handler=_compare)

    jl = cmds.add_parser("journals", help="journals with stored article dates")
    add_json_flag(jl)
    jl.set_defaults(handler=_journals)

    add = cmds.add_parser("add", help="enter one article's dates by hand")
    add.add_argument("--journal", required=True, help="name or ISSN")
    for name in ("doi", "title", "received", "revised", "accepted", "online", "published"):
        add.add_argument(f"--{name}", default="")
    add.add_argument("--type", dest="article_type", default="")
    add_json_flag(add)
    add.set_defaults(handler=_add)

    off = cmds.add_parser("official", help="record a journal's own published figure")
    off.add_argument("--journal", required=True)
    off.add_argument("--interval", default="received-accepted", choices=list(INTERVALS))
    off.add_argument("--days", type=float, required=True)
    off.add_argument("--note", default="")
    off.set_defaults(handler=_official)


def _add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--journal", default="", help="ISSN (print or electronic) or name")
    parser.add_argument("--keyword", default="", help="in title or abstract")
    parser.add_argument("--from", dest="date_from", default="", help="accepted on/after DATE")
    parser.add_argument("--to", dest="date_to", default="", help="accepted on/before DATE")
    parser.add_argument("--type", dest="article_type", default="", help="article type")


def _import(ctx: CliContext, args: argparse.Namespace) -> int:
    with ctx.progress() as progress:
        report = ctx.services.reviews.import_files(args.files, args.journal, progress)
    # a file is refused when it, or a record in it, could not be imported: exit status 1
    refused = len({err.source for err in report.errors})
    if args.json:
        print_json({**report.to_json(), "refused_files": refused})
    else:
        print(tr("Imported {imported}, updated {updated}, skipped {skipped}.",
                 imported=report.imported, updated=report.updated, skipped=report.skipped))
        if refused:
            print(trn("{n} file refused:", "{n} files refused:", refused))
        _print_errors(report.errors)
    return EXIT_FAILED if refused else EXIT_OK


def _import_submissions(ctx: CliContext, args: argparse.Namespace) -> int:
    svc = ctx.services.reviews
    with ctx.progress() as progress:
        result = svc.remove_my_submissions() if args.remove else svc.import_my_submissions(
            progress)
    if args.json:
        print_json(result.to_json())
        return EXIT_FAILED if result.report.errors else EXIT_OK
    if args.remove:
        print(tr("Removed {n} \"my submissions\" records.", n=result.removed))
        return EXIT_OK
    r = result.report
    print(tr("My submissions: imported {imported}, updated {updated}, unchanged {skipped}, "
             "removed {removed}.", imported=r.imported, updated=r.updated, skipped=r.skipped,
             removed=result.removed))
    for line in result.records:
        days = line["received_accepted_days"]
        status = line.get("status", "")
        note = f"  [{tr('already listed from another source')}]" if status == "duplicate" else ""
        print(f"  {line['journal']}: {line['received']} → {line['accepted']} ({days} d){note}")
    if not result.records:
        print(tr("No accepted manuscripts in Submissions yet."))
    _print_errors(r.errors)
    return EXIT_FAILED if r.errors else EXIT_OK


def _collect(ctx: CliContext, args: argparse.Namespace) -> int:
    with ctx.progress() as progress:
        result = ctx.services.reviews.collect(
            args.journal, args.source, args.date_from or None, args.date_to or None,
            args.max_articles, progress,
        )
    if args.json:
        print_json(result.to_json())
    else:
        r = result.report
        print(tr("{journal}: {seen} works read in {pages} pages; imported {imported}, updated "
                 "{updated}, skipped {skipped}.", journal=result.journal, seen=result.seen,
                 pages=result.pages, imported=r.imported, updated=r.updated, skipped=r.skipped))
        if not result.done:
            print(tr("Not finished: run the same command again to continue."))
        _print_errors(r.errors)
    return EXIT_OK


def _print_errors(errors: list[RecordError]) -> None:
    for err in errors:
        where = f"{err.source} [{err.record}]" if err.record else err.source
        print(f"  {where}: {err.message}")


def _days(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _query(args: argparse.Namespace) -> ArticleQuery:
    from scholardesk.services.reviews import as_date

    return ArticleQuery(
        journal=args.journal,
        keyword=args.keyword,
        date_from=as_date(args.date_from or None, "from date"),
        date_to=as_date(args.date_to or None, "to date"),
        article_type=args.article_type,
        limit=getattr(args, "limit", None),
    )


def _articles(ctx: CliContext, args: argparse.Namespace) -> int:
    svc = ctx.services.reviews
    q = _query(args)
    if args.csv:
        print(svc.export_articles(args.csv, q, "csv", bom=args.bom))
    if args.xlsx:
        print(svc.export_articles(args.xlsx, q, "xlsx"))
    if args.csv or args.xlsx:
        return EXIT_OK
    rows = svc.articles(q)
    if args.json:
        print_json([r.to_json() for r in rows])
        return EXIT_OK
    for r in rows:
        h = r.history
        days = h.days("received-accepted")
        flag = f"  [{'; '.join(r.reasons)}]" if r.flags else ""
        print(f"{h.doi or h.source_url:40} {h.received or '-'} → {h.accepted or '-'} "
              f"{'' if days is None else days:>5}  {h.journal[:40]}{flag}")
    return EXIT_OK if rows else EXIT_FAILED


def _print_stats(stats: list[IntervalStats]) -> None:
    for s in stats:
        label = f"{s.group} " if s.group else ""
        if s.n == 0:
            print(f"{label}{s.journal} {s.interval}: n=0 ({tr('excluded')} {s.excluded})")
            continue
        print(
            f"{label}{s.journal} {s.interval}: n={s.n} {tr('excluded')}={s.excluded} "
            f"{tr('median')}={_days(s.median_days)} {tr('mean')}={_days(s.mean_days)} "
            f"p25–p75={_days(s.p25_days)}–{_days(s.p75_days)} "
            f"min–max={_days(s.min_days)}–{_days(s.max_days)}"
            + (f" {tr('official')}={_days(s.official_days)}" if s.official_days else "")
        )
        if s.warning:  # the JSON keeps the English text of domain.reviews
            print("  " + tr("warning: {message}", message=trn(
                "Only {n} article with this interval; fewer than {min} make the figures "
                "unreliable (or the topic is outside the journal's scope).",
                "Only {n} articles with this interval; fewer than {min} make the figures "
                "unreliable (or the topic is outside the journal's scope).",
                s.n, min=MIN_ARTICLES)))


def _stats(ctx: CliContext, args: argparse.Namespace) -> int:
    svc = ctx.services.reviews
    stats = svc.stats(args.journal, args.interval, args.by, args.keyword,
                      args.date_from or None, args.date_to or None, args.article_type)
    if args.csv:
        print(svc.export_stats(args.csv, stats, "csv", bom=args.bom))
    if args.xlsx:
        print(svc.export_stats(args.xlsx, stats, "xlsx"))
    if args.csv or args.xlsx:
        return EXIT_OK
    if args.json:
        data = [s.to_json() for s in stats]
        print_json(data if args.by else data[0])
    else:
        _print_stats(stats)
    return EXIT_OK


def _compare(ctx: CliContext, args: argparse.Namespace) -> int:
    stats = ctx.services.reviews.compare(args.journals, args.interval, args.keyword)
    if args.json:
        print_json([s.to_json() for s in stats])
    else:
        _print_stats(stats)
    return EXIT_OK


def _journals(ctx: CliContext, args: argparse.Namespace) -> int:
    journals = ctx.services.reviews.journals()
    if args.json:
        print_json([{"journal": j.journal, "issn": j.issn, "eissn": j.eissn,
                     "articles": j.articles} for j in journals])
    else:
        for j in journals:
            print(f"{j.articles:6}  {j.label}")
    return EXIT_OK


def _add(ctx: CliContext, args: argparse.Namespace) -> int:
    from scholardesk.services.reviews import history_from_fields

    fields = {k: getattr(args, k) for k in ("journal", "doi", "title", "received", "revised",
                                            "accepted", "online", "published", "article_type")}
    report = ctx.services.reviews.add_manual(history_from_fields(fields))
    if args.json:
        print_json(report.to_json())
    else:
        print(tr("Saved."))
    return EXIT_OK


def _official(ctx: CliContext, args: argparse.Namespace) -> int:
    ctx.services.reviews.set_official(args.journal, args.interval, args.days, args.note)
    print(tr("Saved."))
    return EXIT_OK
