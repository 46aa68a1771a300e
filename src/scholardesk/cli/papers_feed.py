"""The arXiv feed on the command line (issue #15):

- ``papers feed [--since DATE] [--tag T] [--top N] [--json]``: the new papers from the
  subscriptions, newest batch first and best first within it;
- ``papers feed update``: ask arXiv for what the subscriptions have that is new;
- ``papers feedback ARXIV_ID --like TAG | --not-interested | --skip | --seen``;
- ``papers rules list|add|remove --include/--exclude/--follow-author/--mute-category VALUE``.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from scholardesk.cli.common import EXIT_FAILED, EXIT_OK, CliContext, add_json_flag, print_json
from scholardesk.core.i18n import tr, trn

RULE_FLAGS = (
    ("include", "include", "a keyword that boosts a paper (title or abstract)"),
    ("exclude", "exclude", "a keyword that hides a paper"),
    ("follow_author", "author", "an author whose papers are boosted and never hidden"),
    ("mute_category", "category", "a primary arXiv category to hide, e.g. cs.CV"),
)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(tr("{text!r} is not a date (YYYY-MM-DD)", text=text)) \
            from exc


def register(cmds: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    feed = cmds.add_parser(
        "feed", help="new arXiv papers from the subscriptions, ranked by what you read"
    )
    feed.add_argument(
        "action", nargs="?", choices=["update"], metavar="update",
        help="ask arXiv for what the subscriptions have that is new",
    )
    feed.add_argument("--since", type=_date, metavar="DATE",
                      help="only papers that arrived on or after this day (YYYY-MM-DD)")
    feed.add_argument("--tag", metavar="TAG", help="only papers suggested for this tag")
    feed.add_argument("--top", type=int, metavar="N", help="only the first N")
    add_json_flag(feed)
    feed.set_defaults(handler=_feed)

    fb = cmds.add_parser("feedback", help="triage a paper of the feed")
    fb.add_argument("arxiv_id", metavar="ARXIV_ID")
    which = fb.add_mutually_exclusive_group(required=True)
    which.add_argument("--like", metavar="TAG", help="add it to the library with this tag")
    which.add_argument("--not-interested", action="store_true",
                       help="hide it and rank papers like it lower")
    which.add_argument("--skip", action="store_true", help="hide it, nothing learnt")
    which.add_argument("--seen", action="store_true", help="mark it as looked at")
    fb.set_defaults(handler=_feedback)

    rules = cmds.add_parser("rules", help="the feed's keyword, author and category rules")
    rules.add_argument("rules_action", choices=["list", "add", "remove"], metavar="list|add|remove",
                       help="list the rules, or add or remove one")
    for dest, _kind, text in RULE_FLAGS:
        rules.add_argument("--" + dest.replace("_", "-"), dest=dest, action="append",
                           default=[], metavar="VALUE", help=text)
    add_json_flag(rules)
    rules.set_defaults(handler=_rules)


def _feed(ctx: CliContext, args: argparse.Namespace) -> int:
    svc = ctx.services.papers_feed
    if args.action == "update":
        with ctx.progress() as progress:
            report = svc.update(progress)
        if args.json:
            print_json(report.to_json())
        else:
            print(trn("{n} new paper", "{n} new papers", report.new))
            if report.newer_versions:
                print(trn("{n} paper has a new version", "{n} papers have a new version",
                          report.newer_versions))
            if report.malformed:
                print(trn("{n} entry could not be read (skipped)",
                          "{n} entries could not be read (skipped)",
                          report.malformed), file=sys.stderr)
            for query, why in report.failed.items():
                print(tr("could not update {query}: {why}", query=query, why=why),
                      file=sys.stderr)
        return EXIT_FAILED if report.failed else EXIT_OK
    with ctx.progress() as progress:
        view = svc.view(since=args.since, tag=args.tag or "", top=args.top, progress=progress)
    if args.json:
        print_json([r.to_json() for r in view.rows])
        return EXIT_OK
    status = view.status
    if status.last_success_at is not None:
        print(tr("Last updated {when}.", when=status.last_success_at.strftime("%Y-%m-%d %H:%M")))
    else:
        print(tr("Never updated: run `scholardesk papers feed update`."))
    if status.last_error:
        print(tr("Could not update: {why}", why=status.last_error), file=sys.stderr)
    if view.note:
        print(view.note)
    for r in view.rows:
        mark = " " if r.seen else "*"
        print(f"{mark}{r.score:6.3f}  {r.arxiv_id:<18} {r.title}")
        details = [", ".join(r.authors[:3]) + (" et al." if len(r.authors) > 3 else ""),
                   " ".join(r.categories)]
        if r.venue:
            details.append(r.venue)
        print("         " + " | ".join(d for d in details if d))
        if r.reasons:
            print("         " + tr("why: {reasons}", reasons="; ".join(r.reasons)))
    if not view.rows:
        print(tr("Nothing new to triage."))
    return EXIT_OK


def _feedback(ctx: CliContext, args: argparse.Namespace) -> int:
    svc = ctx.services.papers_feed
    if args.like:
        svc.like(args.arxiv_id, args.like)
        print(tr("{id}: added to the library with the tag {tag}.", id=args.arxiv_id,
                 tag=args.like))
    elif args.not_interested:
        svc.not_interested(args.arxiv_id)
        print(tr("{id}: not interested; papers like it will rank lower.", id=args.arxiv_id))
    elif args.skip:
        svc.skip(args.arxiv_id)
        print(tr("{id}: skipped.", id=args.arxiv_id))
    else:
        svc.feedback(args.arxiv_id, "seen")
        print(tr("{id}: seen.", id=args.arxiv_id))
    return EXIT_OK


def _rules(ctx: CliContext, args: argparse.Namespace) -> int:
    svc = ctx.services.papers_feed
    given = [(kind, value) for dest, kind, _ in RULE_FLAGS for value in getattr(args, dest)]
    if args.rules_action == "list":
        rules = svc.rules()
        if args.json:
            print_json([{"kind": r.kind, "value": r.value} for r in rules])
        elif not rules:
            print(tr("No rules yet."))
        for r in rules if not args.json else ():
            print(f"{r.kind:<9} {r.value}")
        return EXIT_OK
    if not given:
        print(tr("Say which rule: --include, --exclude, --follow-author or --mute-category."),
              file=sys.stderr)
        return EXIT_FAILED
    changed = 0
    for kind, value in given:
        if args.rules_action == "add":
            changed += svc.add_rule(kind, value)
        else:
            changed += svc.remove_rule(kind, value)
    if args.rules_action == "add":
        print(trn("{n} rule added", "{n} rules added", changed))
    else:
        print(trn("{n} rule removed", "{n} rules removed", changed))
    return EXIT_OK if changed else EXIT_FAILED
