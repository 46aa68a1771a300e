"""``scholardesk papers resolve``: where were these preprints published?"""

from __future__ import annotations

import argparse

from scholardesk.cli.common import EXIT_FAILED, EXIT_OK, CliContext, add_json_flag, print_json
from scholardesk.core.errors import InputError
from scholardesk.core.i18n import tr
from scholardesk.domain.published_versions import Proposal


def register(cmds: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from scholardesk.services.papers_resolve import DEFAULT_MIN_CONFIDENCE

    res = cmds.add_parser(
        "resolve", help="find where preprints were published (network); --apply to store it")
    res.add_argument("ids", nargs="*", type=int, metavar="ID")
    res.add_argument("--all", action="store_true", help="every preprint in the library")
    res.add_argument("--apply", action="store_true",
                     help="apply the published versions at or above --min-confidence")
    res.add_argument("--min-confidence", type=float, default=DEFAULT_MIN_CONFIDENCE,
                     metavar="X", help=f"0..1 (default {DEFAULT_MIN_CONFIDENCE})")
    res.add_argument("--recheck", action="store_true",
                     help="ask again even where a recent answer is stored")
    res.add_argument("--show-proposals", action="store_true",
                     help="list the proposals waiting for review (no network)")
    res.add_argument("--accept", type=int, nargs="+", metavar="PROPOSAL_ID",
                     help="apply these proposals (ids from --show-proposals)")
    add_json_flag(res)
    res.set_defaults(handler=_resolve)


def _line(p: Proposal) -> str:
    where = f"{p.venue} {p.year or ''}".strip() if p.venue else ""
    if p.status == "published":
        text = tr("published in {where} (confidence {c:.2f}; {sources})", where=where,
                  c=p.confidence, sources=", ".join(p.sources))
    elif p.status == "ambiguous":
        text = tr("ambiguous: perhaps {where} (confidence {c:.2f})", where=where, c=p.confidence)
    elif p.status == "not_found":
        text = tr("not published (yet), checked {date}", date=f"{p.checked_at:%Y-%m-%d}"
                  if p.checked_at else "?")
    else:
        text = tr("skipped: {why}", why="; ".join(p.notes))
    arxiv = f"arXiv:{p.arxiv_id}" if p.arxiv_id else ""
    return f"{p.paper_id:>6}  [{p.id}] {arxiv:<18} {text}\n        {p.title[:90]}"


def _resolve(ctx: CliContext, args: argparse.Namespace) -> int:
    service = ctx.services.papers_resolve
    if args.show_proposals:
        pending = service.proposals(pending=True)
        if args.json:
            print_json([p.to_json() for p in pending])
        else:
            for p in pending:
                print(_line(p))
        return EXIT_OK
    if args.accept:
        report = service.apply(args.accept)
        if args.json:
            print_json(report.to_json())
        else:
            print(tr("{n} papers updated, {m} merged.", n=len(report.applied), m=len(report.merged)))
        return EXIT_OK
    if not args.ids and not args.all:
        raise InputError("Name the papers to resolve, or use --all.",
                         "e.g. `scholardesk papers resolve 12 15` or `--all`.")
    if not 0 <= args.min_confidence <= 1:
        raise InputError("--min-confidence is a number from 0 to 1.")
    with ctx.progress() as progress:
        report = service.propose(None if args.all else args.ids, progress, args.recheck)
    applied = None
    if args.apply:
        applied = service.apply_confident([p.paper_id for p in report.proposals],
                                          args.min_confidence)
        report.proposals = service.proposals(
            pending=False, paper_ids=[p.paper_id for p in report.proposals])
    if args.json:
        print_json([p.to_json() for p in report.proposals])
    else:
        for p in report.proposals:
            print(_line(p))
            for r in p.rejected[:3]:
                print("        " + tr("rejected ({source}): {title} — {reason}", source=r.source,
                                      title=r.title[:60], reason=r.reason))
        print(tr("{n} papers asked about, {r} requests ({per:.1f} per paper).",
                 n=report.resolved, r=report.requests, per=report.requests_per_paper))
        if applied is not None:
            print(tr("{n} papers updated, {m} merged.", n=len(applied.applied),
                     m=len(applied.merged)))
    return EXIT_OK if any(p.status == "published" for p in report.proposals) else EXIT_FAILED
