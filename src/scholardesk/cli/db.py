"""``scholardesk db upgrade | check | backup``."""

from __future__ import annotations

import argparse
from pathlib import Path

from scholardesk.cli.common import EXIT_FAILED, EXIT_OK, CliContext, add_json_flag, print_json


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = sub.add_parser("db", help="library database maintenance")
    cmds = group.add_subparsers(dest="db_command", metavar="ACTION", required=True)

    up = cmds.add_parser("upgrade", help="back up and upgrade the schema to the latest revision")
    add_json_flag(up)
    up.set_defaults(handler=_upgrade)

    check = cmds.add_parser("check", help="integrity check and schema revision")
    add_json_flag(check)
    check.set_defaults(handler=_check)

    backup = cmds.add_parser("backup", help="copy the library file into the backups folder")
    backup.add_argument("--to", type=Path, help="folder for the copy (default: DATA/backups)")
    add_json_flag(backup)
    backup.set_defaults(handler=_backup)


def _print_status(status: dict[str, object], as_json: bool) -> None:
    if as_json:
        print_json(status)
        return
    print(f"library:   {status['url']}")
    print(f"revision:  {', '.join(status['revision']) or '(empty)'}")  # type: ignore[arg-type]
    print(f"head:      {', '.join(status['head'])}")  # type: ignore[arg-type]
    print(f"integrity: {status['integrity']}")
    print(f"person:    {person_line(str(status['person']), str(status['person_source']))}")


def person_line(person: str, source: str) -> str:
    """Who is acting, and where the name comes from (``db check`` / ``db upgrade``)."""
    if source == "settings":
        return f"{person} (the name in Settings)"
    if source == "role":
        return f"{person} (your database role)"
    return "you (a personal library has one person)"


def _upgrade(ctx: CliContext, args: argparse.Namespace) -> int:
    status = ctx.services.library.upgrade().to_json()
    _print_status(status, args.json)
    return EXIT_OK


def _check(ctx: CliContext, args: argparse.Namespace) -> int:
    status = ctx.services.library.status()
    _print_status(status.to_json(), args.json)
    return EXIT_OK if status.integrity == "ok" and status.up_to_date else EXIT_FAILED


def _backup(ctx: CliContext, args: argparse.Namespace) -> int:
    target = ctx.services.library.backup(args.to)
    if args.json:
        print_json({"backup": str(target)})
    else:
        print(target)
    return EXIT_OK
