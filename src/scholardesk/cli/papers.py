"""``scholardesk papers add | import | search | list | show | cite | edit | delete | export |
subscribe | unsubscribe | subscriptions | fetch-new | venues``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from scholardesk.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    CliContext,
    add_bom_flag,
    add_json_flag,
    print_json,
)
from scholardesk.core.i18n import tr
from scholardesk.domain.importing import ImportReport
from scholardesk.domain.papers import READING_STATUSES, PaperFilter, PaperRow


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = sub.add_parser("papers", help="papers: add, import, search, export, follow arXiv")
    cmds = group.add_subparsers(dest="papers_command", metavar="ACTION", required=True)

    add = cmds.add_parser("add", help="add by arXiv id/URL or DOI (network), or BibTeX text")
    add.add_argument("ids", nargs="+", metavar="ID_OR_URL", help="arXiv ids, DOIs, URLs; - reads stdin")
    add.add_argument("--no-enrich", action="store_true",
                     help="do not ask Crossref where arXiv papers with a DOI were published")
    add_json_flag(add)
    add.set_defaults(handler=_add)

    imp = cmds.add_parser("import", help="import .bib, arXiv Atom .xml (or saved .json) files, "
                          "and the arXiv metadata snapshot (JSON lines, .gz, .zip)")
    imp.add_argument("files", nargs="+", type=Path, metavar="FILE")
    imp.add_argument("--categories", default="", metavar="PATTERNS",
                     help="only papers in these arXiv categories, e.g. 'cs.*' or 'cs.CL,stat.ML'")
    add_json_flag(imp)
    imp.set_defaults(handler=_import)

    search = cmds.add_parser("search", help="full-text search (title, abstract, authors, venue, notes)")
    search.add_argument("query")
    search.add_argument("--limit", type=int, default=20)
    add_json_flag(search)
    search.set_defaults(handler=_search)

    lst = cmds.add_parser("list", help="list papers, newest first")
    _filter_args(lst)
    lst.add_argument("--limit", type=int, default=None)
    add_json_flag(lst)
    lst.set_defaults(handler=_list)

    show = cmds.add_parser("show", help="everything about one paper")
    show.add_argument("id", type=int)
    show.add_argument("--cite", choices=["gbt7714", "apa", "ieee", "bibtex"],
                      help="print a citation instead")
    add_json_flag(show)
    show.set_defaults(handler=_show)

    cite = cmds.add_parser("cite", help="reference-list entries (GB/T 7714, APA, IEEE, BibTeX)")
    cite.add_argument("ids", nargs="+", type=int, metavar="ID")
    cite.add_argument("--style", default="gbt7714", help="gbt7714 (default), apa, ieee or bibtex")
    add_json_flag(cite)
    cite.set_defaults(handler=_cite)

    edit = cmds.add_parser("edit", help="set status, rating, notes, tags on one or more papers")
    edit.add_argument("ids", nargs="+", type=int, metavar="ID")
    edit.add_argument("--status", choices=READING_STATUSES)
    edit.add_argument("--rating", type=int, choices=range(6), metavar="0-5")
    edit.add_argument("--notes")
    edit.add_argument("--tag", action="append", default=[], help="add a tag (repeatable)")
    edit.add_argument("--untag", action="append", default=[], help="remove a tag (repeatable)")
    edit.set_defaults(handler=_edit)

    delete = cmds.add_parser("delete", help="remove papers from the library")
    delete.add_argument("ids", nargs="+", type=int, metavar="ID")
    delete.add_argument("--force", action="store_true",
                        help="also when other members of a shared library marked or tagged them")
    delete.set_defaults(handler=_delete)

    export = cmds.add_parser("export", help="export to BibTeX, CSV or JSON")
    export.add_argument("--format", choices=["bibtex", "csv", "json"], default="bibtex")
    export.add_argument("--out", type=Path, help="file to write (default: standard output)")
    export.add_argument("--ids", type=int, nargs="+", help="only these papers")
    export.add_argument("--with-ranks", action="store_true",
                        help="add each venue's ranks (CCF · CAS zone · JCR · IF): a CSV column, "
                             "a BibTeX 'ranks' field, a JSON key")
    _filter_args(export)
    add_bom_flag(export)
    export.set_defaults(handler=_export)

    subscribe = cmds.add_parser("subscribe", help="follow an arXiv category or a saved query")
    subscribe.add_argument("category", nargs="?", help="e.g. cs.CL, cs.SD, eess.AS")
    subscribe.add_argument("--query", help='an arXiv search query, e.g. all:"speech enhancement"')
    subscribe.set_defaults(handler=_subscribe)

    unsubscribe = cmds.add_parser("unsubscribe", help="stop following a category or query")
    unsubscribe.add_argument("category", nargs="?")
    unsubscribe.add_argument("--query")
    unsubscribe.set_defaults(handler=_unsubscribe)

    subs = cmds.add_parser("subscriptions", help="list followed categories and queries")
    add_json_flag(subs)
    subs.set_defaults(handler=_subscriptions)

    fetch = cmds.add_parser("fetch-new", help="bring in what appeared on arXiv since the last check")
    add_json_flag(fetch)
    fetch.set_defaults(handler=_fetch_new)

    venues = cmds.add_parser("venues", help="the raw venue strings in the library")
    add_json_flag(venues)
    venues.set_defaults(handler=_venues)

    from scholardesk.cli import papers_feed, papers_resolve, papers_zotero

    papers_resolve.register(cmds)
    papers_zotero.register(cmds)
    papers_feed.register(cmds)


def _filter_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tag")
    parser.add_argument("--status", choices=READING_STATUSES)
    parser.add_argument("--category", help="arXiv category, e.g. cs.CL")
    parser.add_argument("--year-from", type=int)
    parser.add_argument("--year-to", type=int)
    parser.add_argument("--query", dest="text", default="", help="full-text condition")


def _filter(args: argparse.Namespace) -> PaperFilter:
    return PaperFilter(
        query=args.text or "",
        tag=(args.tag or "").strip().lower(),
        status=args.status or "",
        category=args.category or "",
        year_from=args.year_from,
        year_to=args.year_to,
        ids=tuple(args.ids) if getattr(args, "ids", None) else None,
    )


def _print_report(report: ImportReport, as_json: bool) -> int:
    if as_json:
        print_json(report.to_json())
    else:
        print(tr("{imported} imported, {updated} merged into existing papers, {skipped} skipped.",
                 imported=report.imported, updated=report.updated, skipped=report.skipped))
        for n in report.notices:
            print(tr("notice: {source}: {message}", source=n.source, message=n.message),
                  file=sys.stderr)
        for e in report.errors:
            print(tr("error: {source} [{record}]: {message}",
                     source=e.source, record=e.record, message=e.message), file=sys.stderr)
    return EXIT_FAILED if report.errors else EXIT_OK


def _print_rows(rows: list[PaperRow], as_json: bool) -> int:
    if as_json:
        print_json([r.to_json() for r in rows])
    else:
        for r in rows:
            ident = r.arxiv_id and f"arXiv:{r.arxiv_id}" or r.doi or ""
            print(f"{r.id:>6}  {r.year or '    '}  {r.title}")
            line = "  ".join(x for x in (r.authors_short, r.venue, ident) if x)
            if line:
                print(f"{'':>14}{line}")
        if not rows:
            print(tr("No papers match."), file=sys.stderr)
    return EXIT_OK if rows else EXIT_FAILED


def _add(ctx: CliContext, args: argparse.Namespace) -> int:
    inputs = list(args.ids)
    if inputs == ["-"]:
        inputs = [sys.stdin.read()]
    with ctx.progress() as progress:
        report = ctx.services.papers.add(inputs, progress, enrich=not args.no_enrich)
    return _print_report(report, args.json)


def _import(ctx: CliContext, args: argparse.Namespace) -> int:
    with ctx.progress() as progress:
        report = ctx.services.papers.import_files(args.files, progress, args.categories)
    return _print_report(report, args.json)


def _search(ctx: CliContext, args: argparse.Namespace) -> int:
    return _print_rows(ctx.services.papers.search(args.query, args.limit), args.json)


def _list(ctx: CliContext, args: argparse.Namespace) -> int:
    return _print_rows(ctx.services.papers.list_papers(_filter(args), args.limit), args.json)


def _show(ctx: CliContext, args: argparse.Namespace) -> int:
    svc = ctx.services.papers
    if args.cite:
        print(svc.citation(args.id, args.cite))
        return EXIT_OK
    paper = svc.get(args.id)
    if args.json:
        print_json(paper.to_json())
        return EXIT_OK
    print(paper.title)
    print(", ".join(paper.authors))
    for label, value in (
        (tr("Year"), paper.year), (tr("Venue"), paper.venue), (tr("DOI"), paper.doi),
        (tr("arXiv"), paper.arxiv_id), (tr("Categories"), " ".join(paper.categories)),
        (tr("Status"), paper.status), (tr("Rating"), "★" * paper.rating),
        (tr("Tags"), ", ".join(paper.tags)), (tr("Link"), paper.best_url),
    ):
        if value:
            print(f"{label}: {value}")
    if paper.notes:
        print(f"{tr('Notes')}: {paper.notes}")
    if paper.abstract:
        print()
        print(paper.abstract)
    return EXIT_OK


def _cite(ctx: CliContext, args: argparse.Namespace) -> int:
    svc = ctx.services.papers
    entries = [(paper_id, svc.citation(paper_id, args.style)) for paper_id in args.ids]
    if args.json:
        print_json([{"id": i, "style": args.style, "citation": c} for i, c in entries])
    else:
        for _i, text in entries:
            print(text.rstrip("\n"))
    return EXIT_OK


def _edit(ctx: CliContext, args: argparse.Namespace) -> int:
    ctx.services.papers.update(
        args.ids, status=args.status, rating=args.rating, notes=args.notes,
        add_tags=args.tag, remove_tags=args.untag,
    )
    print(tr("Updated {n} papers.", n=len(args.ids)))
    return EXIT_OK


def _delete(ctx: CliContext, args: argparse.Namespace) -> int:
    from scholardesk.core.errors import InputError

    others = ctx.services.papers.others_marking(args.ids)
    if others and not args.force:
        raise InputError(
            tr("Not deleted: {people} marked or tagged these papers in this shared library, and "
               "deleting a paper deletes it for everyone, with their marks.",
               people=", ".join(f"{p} ({n})" for p, n in others.items())),
            tr("Add --force to delete them anyway."),
        )
    ctx.services.papers.delete(args.ids)
    print(tr("Deleted {n} papers.", n=len(args.ids)))
    return EXIT_OK


def _export(ctx: CliContext, args: argparse.Namespace) -> int:
    svc = ctx.services.papers
    ranks: Callable[[Sequence[str]], dict[str, str]] | None = None
    if args.with_ranks:
        venues = ctx.services.venues

        def rank_texts(names: Sequence[str]) -> dict[str, str]:
            return {str(k): label.text for k, label in venues.rank_labels(names).items()}

        ranks = rank_texts

    if args.out is None:
        with ctx.progress() as progress:
            text = svc.export_text(args.format, _filter(args), progress, ranks=ranks)
        sys.stdout.write(text)
        return EXIT_OK
    with ctx.progress() as progress:
        n = svc.export(args.format, args.out, _filter(args), progress, bom=args.bom,
                       ranks=ranks)
    print(tr("Exported {n} papers to {path}.", n=n, path=args.out), file=sys.stderr)
    return EXIT_OK


def _kind_and_query(args: argparse.Namespace) -> tuple[str, str]:
    from scholardesk.core.errors import InputError

    if args.query:
        return "query", args.query
    if args.category:
        return "category", args.category
    raise InputError("Name an arXiv category (e.g. cs.CL) or give --query.")


def _subscribe(ctx: CliContext, args: argparse.Namespace) -> int:
    kind, query = _kind_and_query(args)
    added = ctx.services.papers.subscribe(query, kind)
    print(tr("Subscribed to {query}.", query=query) if added
          else tr("Already subscribed to {query}.", query=query))
    return EXIT_OK


def _unsubscribe(ctx: CliContext, args: argparse.Namespace) -> int:
    kind, query = _kind_and_query(args)
    removed = ctx.services.papers.unsubscribe(query, kind)
    print(tr("Unsubscribed from {query}.", query=query) if removed
          else tr("Not subscribed to {query}.", query=query))
    return EXIT_OK if removed else EXIT_FAILED


def _subscriptions(ctx: CliContext, args: argparse.Namespace) -> int:
    subs = ctx.services.papers.subscriptions()
    if args.json:
        print_json([s.to_json() for s in subs])
    else:
        for s in subs:
            checked = s.last_checked_at.isoformat(sep=" ") if s.last_checked_at else tr("never")
            print(f"{s.kind:<9} {s.query:<30} {tr('last checked')}: {checked}")
    return EXIT_OK


def _fetch_new(ctx: CliContext, args: argparse.Namespace) -> int:
    with ctx.progress() as progress:
        report = ctx.services.papers.fetch_new(progress)
    return _print_report(report, args.json)


def _venues(ctx: CliContext, args: argparse.Namespace) -> int:
    venues = ctx.services.papers.distinct_venues()
    if args.json:
        print_json([{"venue": v, "papers": n} for v, n in venues])
    else:
        for v, n in venues:
            print(f"{n:>6}  {v}")
    return EXIT_OK
