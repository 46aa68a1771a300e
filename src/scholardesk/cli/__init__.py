"""``scholardesk``: the command-line front end over the same services the GUI uses.

With no command it opens the GUI. Each command group lives in its own module with a
``register(subparsers)`` function; add new groups to ``GROUPS``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from scholardesk import __version__
from scholardesk.app import LaunchOptions, run_gui
from scholardesk.cli import db as db_group
from scholardesk.cli import experiments as experiments_group
from scholardesk.cli import gui as gui_group
from scholardesk.cli import library as library_group
from scholardesk.cli import models as models_group
from scholardesk.cli import papers as papers_group
from scholardesk.cli import reviews as reviews_group
from scholardesk.cli import submissions as submissions_group
from scholardesk.cli import venues as venues_group
from scholardesk.cli.common import (
    CliContext,
    early_language,
    localize_argparse,
    localize_parser,
    run_command,
)
from scholardesk.core.i18n import set_language

logger = logging.getLogger(__name__)

GROUPS = [db_group, experiments_group, gui_group, papers_group, submissions_group, models_group,
          venues_group, reviews_group, library_group]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scholardesk",
        description="ScholarDesk: papers, venues, review times, submissions, experiments, models.",
    )
    parser.add_argument("--version", action="version", version=f"ScholarDesk {__version__}")
    parser.add_argument("--home", help="data folder (env SCHOLARDESK_HOME)")
    parser.add_argument("--db", dest="db_url", help="database URL (env SCHOLARDESK_DB)")
    parser.add_argument("--lang", choices=["en", "zh_CN"], help="interface language")
    parser.add_argument("--verbose", "-v", action="store_true", help="log debug details")
    sub = parser.add_subparsers(dest="group", metavar="COMMAND")
    for group in GROUPS:
        group.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    language = early_language(list(sys.argv[1:] if argv is None else argv))
    set_language(language)
    if language != "en":
        localize_argparse()
    parser = build_parser()
    if language != "en":
        localize_parser(parser)
    args = parser.parse_args(argv)
    options = LaunchOptions(args.home, args.db_url, args.lang, args.verbose)
    if args.group is None:
        return run_gui(options)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.parse_args([*(argv or sys.argv[1:]), "--help"])
        return 2
    return run_command(CliContext(options), handler, args)
