"""What every command shares: the lazily opened library, JSON output, error handling."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable
from typing import Any

from scholardesk.app import LaunchOptions, open_services, resolve_paths, start_logging
from scholardesk.core.errors import Cancelled, ScholarDeskError, from_os_error
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
        print("Cancelled.", file=sys.stderr)
        return EXIT_ERROR
    except ScholarDeskError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`scholardesk papers list | head`): not an error. Point stdout at
        # devnull so that the interpreter's final flush does not raise again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:  # a full disk, a read-only folder: one line, no traceback
        logger.debug("File-system error in %s", getattr(args, "group", "?"), exc_info=True)
        print(f"error: {from_os_error(exc)}", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # the CLI boundary: log the traceback, show one line
        logger.exception("Unexpected error in %s", getattr(args, "group", "?"))
        where = "details in the log file" if ctx.log_file_in_use else "details with --verbose"
        print(f"unexpected error: {one_line(exc)} ({where})", file=sys.stderr)
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
