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
from scholardesk.core.errors import Cancelled, ScholarDeskError
from scholardesk.core.progress import Progress
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

    def start_logging(self) -> None:
        if not self._logging_started:
            start_logging(resolve_paths(self.options), self.options.verbose)
            self._logging_started = True

    @property
    def services(self) -> Services:
        if self._services is None:
            self.start_logging()
            self._services = open_services(resolve_paths(self.options), self.options.language)
        return self._services

    def progress(self) -> Progress:
        if not self.options.verbose:
            return Progress()

        def echo(state: Any) -> None:
            total = f"/{state.total}" if state.total else ""
            print(f"  {state.done}{total} {state.message}", file=sys.stderr)

        return Progress(echo)

    def close(self) -> None:
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
    except Exception as exc:  # the CLI boundary: log the traceback, show one line
        logger.exception("Unexpected error in %s", getattr(args, "group", "?"))
        print(f"unexpected error: {exc} (details in the log file)", file=sys.stderr)
        return EXIT_ERROR
    finally:
        ctx.close()


def print_json(data: object) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="machine-readable JSON output")
