"""``scholardesk papers import-zotero [DIR|zotero.sqlite]``: bring in (or bring up to date)
a Zotero library; ``papers review-dates ID``: the review dates printed in a paper's attached
PDF, into the review times."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scholardesk.cli.common import EXIT_FAILED, EXIT_OK, CliContext, add_json_flag, print_json
from scholardesk.core.i18n import tr


def register(cmds: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    imp = cmds.add_parser(
        "import-zotero",
        help="import a Zotero library (read from a copy); again later: only what changed",
    )
    imp.add_argument(
        "path", nargs="?", type=Path, metavar="DIR_OR_SQLITE",
        help="Zotero data folder or its zotero.sqlite (default: Zotero's data folder)",
    )
    add_json_flag(imp)
    imp.set_defaults(handler=_import_zotero)

    dates = cmds.add_parser(
        "review-dates",
        help="read the received/accepted dates printed in a paper's attached PDF into the "
             "review times",
    )
    dates.add_argument("id", type=int, help="paper id (papers list)")
    add_json_flag(dates)
    dates.set_defaults(handler=_review_dates)


def _review_dates(ctx: CliContext, args: argparse.Namespace) -> int:
    from scholardesk.services.zotero_import import read_review_dates

    with ctx.progress() as progress:
        result = read_review_dates(ctx.services.papers, ctx.services.reviews, args.id, progress)
    if args.json:
        print_json(result.to_json())
        return EXIT_OK if result.found else EXIT_FAILED
    if not result.found:
        print(tr("No review dates found in {file}.", file=result.file))
        for e in result.errors:
            print(e.message, file=sys.stderr)
        return EXIT_FAILED
    print(tr("{file}: {dates}", file=result.file,
             dates=", ".join(f"{k} {v}" for k, v in result.dates.items())))
    if result.stored in ("imported", "updated"):
        print(tr("Added to the review times of {journal}.", journal=result.journal))
    elif result.stored == "unchanged":
        print(tr("Already in the review times."))
    for e in result.errors:
        print(tr("error: {source} [{record}]: {message}",
                 source=e.source, record=e.record, message=e.message), file=sys.stderr)
    return EXIT_OK


def _import_zotero(ctx: CliContext, args: argparse.Namespace) -> int:
    with ctx.progress() as progress:
        report = ctx.services.papers.import_zotero(args.path, progress)
    if args.json:
        print_json(report.to_json())
        return EXIT_FAILED if report.errors else EXIT_OK
    print(tr("Zotero library {path}:", path=report.library))
    print(tr("{imported} added, {updated} updated, {unchanged} unchanged, {skipped} merged "
             "without changes, {removed} removed in Zotero (kept here).",
             imported=report.imported, updated=report.updated, unchanged=report.unchanged,
             skipped=report.skipped, removed=len(report.removed_in_zotero)))
    print(tr("{files} attachment files ({missing} missing), {annotations} annotations, "
             "{trash} items in the trash left out.",
             files=report.attachments, missing=report.attachments_missing,
             annotations=report.annotations, trash=report.in_trash))
    if report.deleted_here:
        print(tr("{n} skipped (deleted here; they come back when they change in Zotero).",
                 n=len(report.deleted_here)))
    for r in report.removed_in_zotero:
        print(tr("removed in Zotero: {key} (paper {id}) {title}",
                 key=r["key"], id=r["paper_id"], title=r["title"]))
    for n in report.notices:
        print(tr("notice: {source}: {message}", source=n.record, message=n.message),
              file=sys.stderr)
    for e in report.errors:
        print(tr("error: {source} [{record}]: {message}",
                 source=e.source, record=e.record, message=e.message), file=sys.stderr)
    return EXIT_FAILED if report.errors else EXIT_OK
