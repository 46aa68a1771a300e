"""What every command shares: the lazily opened library, JSON output, error handling."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from scholardesk.app import LaunchOptions, open_services, resolve_paths, start_logging
from scholardesk.core.errors import Cancelled, ScholarDeskError, from_os_error
from scholardesk.core.i18n import tr, trn
from scholardesk.core.progress import Progress, TerminalProgress
from scholardesk.services.context import Services

logger = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1  # the command ran but the answer is "no" (nothing matched, errors in input)
EXIT_ERROR = 2  # the command could not run


class CliContext:
    def __init__(self, options: LaunchOptions) -> None:
        self.options = options
        self._services: Services | None = None
        self._logging_started = False
        self.log_file_in_use = False
        self._open_progress: list[Progress] = []

    def start_logging(self) -> None:
        if not self._logging_started:
            self.log_file_in_use = start_logging(resolve_paths(self.options), self.options.verbose)
            self._logging_started = True

    @property
    def services(self) -> Services:
        if self._services is None:
            self.start_logging()
            self._services = open_services(resolve_paths(self.options), self.options.language)
        return self._services

    def progress(self) -> Progress:
        """The Progress every long command passes to its service: a bar on stderr when stderr
        is a terminal (nothing when it is piped), a line per step with --verbose. Use it as
        ``with ctx.progress() as progress:`` so the bar is gone before the result is printed;
        any still open is closed when the command ends."""
        if not self.options.verbose:
            bar = TerminalProgress(sys.stderr)
            self._open_progress.append(bar)
            return bar

        def echo(state: Any) -> None:
            total = f"/{state.total}" if state.total else ""
            print(f"  {state.done}{total} {state.message}", file=sys.stderr)

        return Progress(echo)

    def close(self) -> None:
        for bar in self._open_progress:
            bar.close()
        self._open_progress.clear()
        if self._services is not None:
            self._services.close()


Handler = Callable[[CliContext, argparse.Namespace], int]


def run_command(ctx: CliContext, handler: Handler, args: argparse.Namespace) -> int:
    try:
        return handler(ctx, args)
    except Cancelled:
        print(tr("Cancelled."), file=sys.stderr)
        return EXIT_ERROR
    except ScholarDeskError as exc:
        print(tr("error: {message}", message=exc), file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print(tr("Interrupted."), file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`scholardesk papers list | head`): not an error. Point stdout at
        # devnull so that the interpreter's final flush does not raise again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:  # a full disk, a read-only folder: one line, no traceback
        logger.debug("File-system error in %s", getattr(args, "group", "?"), exc_info=True)
        print(tr("error: {message}", message=from_os_error(exc)), file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # the CLI boundary: log the traceback, show one line
        logger.exception("Unexpected error in %s", getattr(args, "group", "?"))
        where = (tr("details in the log file") if ctx.log_file_in_use
                 else tr("details with --verbose"))
        print(tr("unexpected error: {message} ({where})", message=one_line(exc), where=where),
              file=sys.stderr)
        return EXIT_ERROR
    finally:
        ctx.close()


def one_line(exc: BaseException, limit: int = 300) -> str:
    """The first line of an error's message, at most ``limit`` characters (SQLAlchemy's
    messages go on with the statement; never a screenful)."""
    lines = str(exc).strip().splitlines()
    text = lines[0] if lines else type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def print_json(data: object) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="machine-readable JSON output")


def add_bom_flag(parser: argparse.ArgumentParser) -> None:
    """``--no-bom``: CSV files are UTF-8 with a BOM by default (Excel on any Windows reads
    them right); this writes plain UTF-8 instead."""
    parser.add_argument(
        "--no-bom", dest="bom", action="store_false",
        help="write CSV as plain UTF-8 (default: UTF-8 with a BOM, for Excel)",
    )


# -- the command line in the interface language ----------------------------------------------
def early_language(argv: Sequence[str]) -> str:
    """The interface language before the command line is parsed (for --help and argparse's
    own messages): ``--lang``, else the settings of the ``--home`` / SCHOLARDESK_HOME library."""
    from scholardesk.core.config import Paths, Settings

    home = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--home="):
            home = arg.split("=", 1)[1]
        elif arg == "--home" and i + 1 < len(argv):
            home = argv[i + 1]
    try:
        return Settings.load(Paths.resolve(home).settings_file).language or "en"
    except (ScholarDeskError, OSError, ValueError):
        return "en"


def _argparse_gettext(message: str) -> str:
    return tr(message)


def _argparse_ngettext(singular: str, plural: str, n: int) -> str:
    return trn(singular, plural, n)


def localize_argparse() -> None:
    """argparse's own words ("usage:", "options", "show this help message and exit", its
    error messages) through our catalogues: argparse looks its module-level ``_`` and
    ``ngettext`` up at call time (it uses gettext's default domain, which we do not install)."""
    argparse._ = _argparse_gettext  # type: ignore[attr-defined]
    argparse.ngettext = _argparse_ngettext  # type: ignore[attr-defined]


def localize_parser(parser: argparse.ArgumentParser) -> None:
    """Translate every description, help text and group title of ``parser`` and of all its
    sub-commands in place (the English strings are the catalogue keys; cli.json)."""
    seen: set[int] = set()

    def walk(p: argparse.ArgumentParser) -> None:
        if id(p) in seen:
            return
        seen.add(id(p))
        if p.description:
            p.description = tr(p.description)
        if p.epilog:
            p.epilog = tr(p.epilog)
        for group in p._action_groups:
            if group.title:
                group.title = tr(group.title)
            if group.description:
                group.description = tr(group.description)
        for action in p._actions:
            if action.help and action.help is not argparse.SUPPRESS:
                action.help = tr(action.help)
            if isinstance(action, argparse._SubParsersAction):
                for choice in action._choices_actions:
                    if choice.help:
                        choice.help = tr(choice.help)
                for child in action.choices.values():
                    walk(child)

    walk(parser)


def help_strings(parser: argparse.ArgumentParser) -> list[str]:
    """Every description, help text and group title of ``parser`` and its sub-commands (each
    needs a zh_CN entry; tests/cli/test_cli_i18n.py)."""
    found: list[str] = []
    seen: set[int] = set()

    def walk(p: argparse.ArgumentParser) -> None:
        if id(p) in seen:
            return
        seen.add(id(p))
        found.extend(s for s in (p.description, p.epilog) if s)
        for group in p._action_groups:
            found.extend(s for s in (group.title, group.description) if s)
        for action in p._actions:
            if action.help and action.help is not argparse.SUPPRESS:
                found.append(action.help)
            if isinstance(action, argparse._SubParsersAction):
                found.extend(c.help for c in action._choices_actions if c.help)
                for child in action.choices.values():
                    walk(child)

    walk(parser)
    return list(dict.fromkeys(found))
