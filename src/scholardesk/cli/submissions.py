"""``scholardesk submissions ...``: manuscripts, pasted status histories, timelines, alerts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scholardesk.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    CliContext,
    add_bom_flag,
    add_json_flag,
    print_json,
)
from scholardesk.core.errors import InputError
from scholardesk.core.i18n import tr, trn
from scholardesk.domain.submissions import ROLES, SYSTEMS, Stage


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = sub.add_parser("submissions", help="your manuscripts and their status histories")
    cmds = group.add_subparsers(dest="submissions_command", metavar="ACTION", required=True)

    imp = cmds.add_parser(
        "import-text",
        help="read a pasted status history (one event per line or separated by '/')",
    )
    imp.add_argument("file", help="text file, or - for standard input")
    imp.add_argument("--venue", default="", help="journal or conference the history is from")
    imp.add_argument("--title", default="", help="manuscript title")
    imp.add_argument("--manuscript-id", default="", help="the system's manuscript number")
    imp.add_argument("--after", type=int, help="submission ID this one follows (a chain)")
    imp.add_argument(
        "--strict", action="store_true", help="import nothing if any line cannot be read"
    )
    add_json_flag(imp)
    imp.set_defaults(handler=_import_text)

    lst = cmds.add_parser("list", help="all submissions with current stage and days in stage")
    lst.add_argument("--stuck", action="store_true", help="only those past the stuck limits")
    add_json_flag(lst)
    lst.set_defaults(handler=_list)

    tl = cmds.add_parser("timeline", help="time in each stage, rounds, outcome")
    tl.add_argument("id", type=int)
    add_json_flag(tl)
    tl.set_defaults(handler=_timeline)

    add = cmds.add_parser("add", help="add a submission (a manuscript at one venue)")
    add.add_argument("--venue", required=True)
    add.add_argument("--title", default="")
    add.add_argument("--manuscript-id", default="")
    add.add_argument("--system", default="", help=f"one of: {', '.join(SYSTEMS)}")
    add.add_argument("--role", default="", help=f"e.g. {', '.join(ROLES)}")
    add.add_argument("--paper-id", type=int, help="the paper of the library this manuscript is")
    add.add_argument("--after", type=int, help="submission ID this one follows (a chain)")
    add_json_flag(add)
    add.set_defaults(handler=_add)

    ev = cmds.add_parser("event", help="record a status change")
    ev.add_argument("id", type=int)
    ev.add_argument("--date", required=True, help="e.g. 2022-06-05, 2022.06.05, 2022年6月5日")
    ev.add_argument("--status", required=True, help="the status text as the system showed it")
    ev.add_argument(
        "--stage", choices=[str(s) for s in Stage], help="override the recognised stage"
    )
    add_json_flag(ev)
    ev.set_defaults(handler=_event)

    stuck = cmds.add_parser("stuck", help="manuscripts past the stuck limits")
    add_json_flag(stuck)
    stuck.set_defaults(handler=_stuck)

    th = cmds.add_parser("thresholds", help="show or set the stuck limits in days")
    th.add_argument("--with-editor", type=int, help="days With Editor before an alert")
    th.add_argument("--under-review", type=int, help="days Under Review before an alert")
    th.add_argument(
        "--set", action="append", default=[], metavar="STAGE=DAYS",
        help='any other stage, e.g. "Decision in Process=30"',
    )
    add_json_flag(th)
    th.set_defaults(handler=_thresholds)

    email = cmds.add_parser("email", help="a polite status-inquiry e-mail draft")
    email.add_argument("id", type=int)
    email.add_argument("--lang", dest="email_lang", choices=["en", "zh"], default="en")
    add_json_flag(email)
    email.set_defaults(handler=_email)

    exp = cmds.add_parser("export", help="write timelines to JSON or CSV (by the file suffix)")
    exp.add_argument("file", type=Path)
    add_json_flag(exp)
    add_bom_flag(exp)
    exp.set_defaults(handler=_export)

    imf = cmds.add_parser("import", help="read a JSON or CSV export")
    imf.add_argument("file", type=Path)
    add_json_flag(imf)
    imf.set_defaults(handler=_import_file)

    done = cmds.add_parser(
        "completed", help="accepted manuscripts as received/revised/accepted records"
    )
    add_json_flag(done)
    done.set_defaults(handler=_completed)

    rm = cmds.add_parser("delete", help="delete submissions and their events")
    rm.add_argument("ids", type=int, nargs="+")
    add_json_flag(rm)
    rm.set_defaults(handler=_delete)


def _read_text(name: str) -> str:
    if name == "-":
        return sys.stdin.read()
    path = Path(name)
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"Cannot read {path}: {exc}", "Check the file name.") from exc


def _import_text(ctx: CliContext, args: argparse.Namespace) -> int:
    text = _read_text(args.file)
    result = ctx.services.submissions.import_text(
        text,
        args.venue,
        args.title,
        strict=args.strict,
        manuscript_id=args.manuscript_id,
        previous_id=args.after,
    )
    if args.json:
        print_json(result.to_json())
    else:
        if result.strict_refused:
            print(trn("Nothing imported: {n} line could not be read.",
                      "Nothing imported: {n} lines could not be read.", len(result.errors)))
        else:
            print(
                trn(
                    "Imported {n} event into submission {id} ({skipped} already known).",
                    "Imported {n} events into submission {id} ({skipped} already known).",
                    len(result.events),
                    id=result.submission_id,
                    skipped=result.skipped,
                )
            )
        for p in result.errors:
            print(tr("line {line}: {message}: {content}", line=p.line, message=p.message, content=p.text))
        for p in result.warnings:
            print(
                tr("line {line} (warning): {message}: {content}", line=p.line, message=p.message,
                   content=p.text)
            )
    return EXIT_FAILED if result.errors else EXIT_OK


def _list(ctx: CliContext, args: argparse.Namespace) -> int:
    rows = ctx.services.submissions.summaries()
    if args.stuck:
        rows = [r for r in rows if r.stuck is not None]
    if args.json:
        print_json([r.to_json() for r in rows])
        return EXIT_OK
    if not rows:
        print(tr("No submissions yet."))
        return EXIT_OK
    for r in rows:
        d = r.to_json()
        days = "" if d["days_in_stage"] is None else f" {d['days_in_stage']}d"
        mark = " !" if r.stuck else ""
        indent = "  " * (r.chain_position - 1)
        print(f"{d['id']:>4} {indent}{d['venue']} — {d['current_stage']}{days}{mark}  {d['title']}")
    return EXIT_OK


def _timeline(ctx: CliContext, args: argparse.Namespace) -> int:
    sub, tl = ctx.services.submissions.timeline(args.id)
    data = tl.to_json(sub.venue)
    if args.json:
        print_json(data)
        return EXIT_OK
    print(f"{sub.venue}  {sub.title}")
    for span in tl.stages:
        days = "?" if span.days is None else str(span.days)  # None: dated out of order
        print(f"  {span.start.isoformat()}  {days:>4}d  {span.stage}")
    print(
        tr(
            "rounds: {rounds}  outcome: {outcome}  total days: {days}",
            rounds=tl.rounds,
            outcome=tl.outcome or tr("open"),
            days="?" if tl.total_days is None else tl.total_days,
        )
    )
    for i in tl.out_of_order:
        e = tl.events[i]
        print(
            tr(
                "dates out of order: {date} {raw} is dated before the event above it (a typo?)",
                date=e.date.isoformat(),
                raw=e.raw,
            )
        )
    return EXIT_OK


def _add(ctx: CliContext, args: argparse.Namespace) -> int:
    result = ctx.services.submissions.add(
        args.title,
        args.venue,
        manuscript_id=args.manuscript_id,
        system=args.system,
        role=args.role,
        paper_id=args.paper_id,
        previous_id=args.after,
    )
    if args.json:
        print_json(result.submission.to_json())
    else:
        print(tr("Added submission {id}.", id=result.submission.id))
    return EXIT_OK


def _event(ctx: CliContext, args: argparse.Namespace) -> int:
    result = ctx.services.submissions.add_event(
        args.id, args.date, args.status, Stage(args.stage) if args.stage else None
    )
    if args.json:
        print_json(result.to_json())
    else:
        print(f"{result.event.date.isoformat()}  {result.event.stage}  {result.event.raw}")
        for w in result.warnings:
            print(tr("warning: {message}", message=w))
    return EXIT_OK


def _stuck(ctx: CliContext, args: argparse.Namespace) -> int:
    alerts = ctx.services.submissions.stuck()
    if args.json:
        print_json([a.to_json() for a in alerts])
        return EXIT_OK
    for a in alerts:
        print(
            tr(
                "{id} {venue}: {stage} for {days} days (limit {limit})",
                id=a.submission_id,
                venue=a.venue,
                stage=a.stage,
                days=a.days,
                limit=a.threshold,
            )
        )
    return EXIT_OK


def _thresholds(ctx: CliContext, args: argparse.Namespace) -> int:
    svc = ctx.services.submissions
    current = svc.thresholds()
    changed = False
    if args.with_editor is not None:
        current[Stage.WITH_EDITOR] = args.with_editor
        changed = True
    if args.under_review is not None:
        current[Stage.UNDER_REVIEW] = args.under_review
        changed = True
    for item in args.set:
        name, _, days = item.partition("=")
        try:
            current[Stage(name.strip())] = int(days)
        except ValueError:
            raise InputError(
                f"Cannot read {item!r}.", 'Write it as "STAGE=DAYS", e.g. "Under Review=90".'
            ) from None
        changed = True
    if changed:
        svc.set_thresholds(current)
        current = svc.thresholds()
    data = {str(k): v for k, v in current.items()}
    if args.json:
        print_json(data)
    else:
        for stage, days in data.items():
            print(f"{stage}: {days}")
    return EXIT_OK


def _email(ctx: CliContext, args: argparse.Namespace) -> int:
    draft = ctx.services.submissions.inquiry_email(args.id, args.email_lang)
    if args.json:
        print_json({"subject": draft.subject, "body": draft.body})
    else:
        print(draft.text())
    return EXIT_OK


def _export(ctx: CliContext, args: argparse.Namespace) -> int:
    n = ctx.services.submissions.export_file(args.file, bom=args.bom)
    if args.json:
        print_json({"file": str(args.file), "submissions": n})
    else:
        print(trn("Wrote {n} submission to {file}.", "Wrote {n} submissions to {file}.", n,
                  file=args.file))
    return EXIT_OK


def _import_file(ctx: CliContext, args: argparse.Namespace) -> int:
    with ctx.progress() as progress:
        report = ctx.services.submissions.import_file(args.file, progress)
    if args.json:
        print_json(report.to_json())
    else:
        print(
            tr(
                "{imported} imported, {updated} updated, {skipped} unchanged.",
                imported=report.imported,
                updated=report.updated,
                skipped=report.skipped,
            )
        )
        for e in report.errors:
            print(f"{e.source}: {e.record}: {e.message}")
    return EXIT_FAILED if report.errors else EXIT_OK


def _completed(ctx: CliContext, args: argparse.Namespace) -> int:
    records = ctx.services.submissions.completed_timelines()
    if args.json:
        print_json([r.to_json() for r in records])
    else:
        for r in records:
            revised = r.revised.isoformat() if r.revised else "-"
            print(f"{r.venue}: {r.received.isoformat()} / {revised} / {r.accepted.isoformat()}")
    return EXIT_OK


def _delete(ctx: CliContext, args: argparse.Namespace) -> int:
    ctx.services.submissions.delete(args.ids)
    if args.json:
        print_json({"deleted": args.ids})
    else:
        print(trn("Deleted {n} submission.", "Deleted {n} submissions.", len(args.ids)))
    return EXIT_OK
