"""``scholardesk library push --to URL | pull --from URL``: a personal library and a shared one;
``library people``: who keeps what in this library."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from scholardesk.cli.common import EXIT_FAILED, EXIT_OK, CliContext, add_json_flag, print_json
from scholardesk.core.i18n import tr, trn

if TYPE_CHECKING:
    from scholardesk.domain.people import PersonCounts
    from scholardesk.services.library_sync import SyncReport


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = sub.add_parser(
        "library", help="copy this library into another one (e.g. a shared lab library) and back",
        description="Push this library into another one, or pull another one into this one, "
                    "without duplicates (each area's own keys). Covered: papers with their "
                    "provenance and your tags, status, rating and notes; review-time articles; "
                    "venues, their ranks, rank lists, metrics and deadlines; experiments; the "
                    "model registry; your submissions. Not copied: the arXiv feed (its entries, "
                    "your triage and rules) and arXiv subscriptions.",
    )
    cmds = group.add_subparsers(dest="library_command", metavar="ACTION", required=True)

    push = cmds.add_parser("push", help="copy this library (what the list above covers) into another one")
    push.add_argument("--to", required=True, metavar="URL",
                      help="the other library: a database URL or a library.sqlite file")
    _common(push)
    push.set_defaults(handler=_push)

    pull = cmds.add_parser("pull", help="copy another library (what the list above covers) into this one")
    pull.add_argument("--from", dest="source", required=True, metavar="URL",
                      help="the other library: a database URL or a library.sqlite file")
    _common(pull)
    pull.set_defaults(handler=_pull)

    people = cmds.add_parser(
        "people", help="who keeps what in this library: marks, tags, feed triage, submissions",
        description="Everyone who keeps anything in this library, with how many papers they "
                    "marked (status, rating, notes), tags, feed triage states, feed rules and "
                    "submissions. A personal library has one person, its owner; in a shared "
                    "one you are the name set in Settings, else your database role.")
    add_json_flag(people)
    people.set_defaults(handler=_people)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dry-run", action="store_true",
                        help="report what would be copied, change nothing")
    add_json_flag(parser)


def _push(ctx: CliContext, args: argparse.Namespace) -> int:
    from scholardesk.services.library_sync import LibrarySyncService

    with ctx.progress() as progress:
        report = LibrarySyncService(ctx.services.db).push(args.to, args.dry_run, progress)
    return _print(report, args.json)


def _pull(ctx: CliContext, args: argparse.Namespace) -> int:
    from scholardesk.services.library_sync import LibrarySyncService

    with ctx.progress() as progress:
        report = LibrarySyncService(ctx.services.db).pull(args.source, args.dry_run, progress)
    return _print(report, args.json)


def _print(report: SyncReport, as_json: bool) -> int:
    errors = report.errors
    if as_json:
        print_json(report.to_json())
        return EXIT_FAILED if errors else EXIT_OK
    if report.dry_run:
        print(tr("Dry run: nothing was changed."))
    print(f"{report.source} -> {report.target}")
    p, r = report.papers, report.review_articles
    print(tr("papers: {added} added, {merged} merged, {skipped} already there, "
             "{left_out} left out", added=p.added, merged=p.merged, skipped=p.skipped,
             left_out=p.left_out))
    print(tr("status, rating or notes filled in on {filled} papers; {kept} kept their own "
             "different values", filled=report.fields_filled, kept=report.fields_kept))
    print(tr("review-time articles: {added} added, {merged} merged, {skipped} already there, "
             "{left_out} left out", added=r.added, merged=r.merged, skipped=r.skipped,
             left_out=r.left_out))
    for key, label in (("venues", tr("venues")), ("rank_lists", tr("rank lists")),
                       ("venue_metrics", tr("ranks and metric values")),
                       ("conference_editions", tr("conference editions")),
                       ("experiments", tr("experiment runs")), ("models", tr("models")),
                       ("submissions", tr("submissions"))):
        c = report.areas()[key]
        line = tr("{area}: {added} added, {merged} merged, {skipped} already there, "
                  "{left_out} left out", area=label, added=c.added, merged=c.merged,
                  skipped=c.skipped, left_out=c.left_out)
        if c.kept:
            line += tr("; {kept} kept their own different values", kept=c.kept)
        print(line)
    for e in errors:
        print(tr("error: {source} [{record}]: {message}", source=e.source, record=e.record,
                 message=e.message), file=sys.stderr)
    return EXIT_FAILED if errors else EXIT_OK


def _people(ctx: CliContext, args: argparse.Namespace) -> int:
    people = ctx.services.library.people()
    if args.json:
        print_json({"people": [p.to_json() for p in people]})
        return EXIT_OK
    for p in people:
        print(_person_line(p))
    return EXIT_OK


def person_label(person: str, is_you: bool) -> str:
    """A person as the user reads it: the owner of a personal library has no name."""
    label = person or tr("(the library's owner)")
    return tr("{person} (you)", person=label) if is_you else label


def _person_line(p: PersonCounts) -> str:
    counts = " · ".join((
        trn("{n} paper marked", "{n} papers marked", p.papers_marked),
        trn("{n} tag", "{n} tags", p.tags),
        trn("{n} feed triage state", "{n} feed triage states", p.feed_states),
        trn("{n} feed rule", "{n} feed rules", p.feed_rules),
        trn("{n} submission", "{n} submissions", p.submissions),
    ))
    return f"{person_label(p.person, p.is_you)}: {counts}"
