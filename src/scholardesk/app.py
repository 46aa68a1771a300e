"""The one place that wires configuration, logging, the database, migrations, services and window."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from scholardesk.core.config import Paths, Settings
from scholardesk.core.i18n import set_language
from scholardesk.core.logging_setup import configure_logging
from scholardesk.services.context import Services

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LaunchOptions:
    home: str | None = None
    db_url: str | None = None
    language: str | None = None
    verbose: bool = False


def resolve_paths(options: LaunchOptions) -> Paths:
    return Paths.resolve(options.home, options.db_url)


def start_logging(paths: Paths, verbose: bool) -> bool:
    """Configure logging; returns whether the log file is written (else stderr only)."""
    # configure_logging creates the log folder (and the data folder above it) when it can, and
    # falls back to stderr when it cannot: a read-only library can still be read.
    return configure_logging(paths.log_file, verbose)


def open_services(paths: Paths, language: str | None = None) -> Services:
    """Open (validate, back up, upgrade) the library and build its services."""
    from scholardesk.services.library import open_library

    settings = Settings.load(paths.settings_file)
    set_language(language or settings.language)
    db = open_library(paths, settings.library_person)
    return Services(db=db, paths=paths, settings=settings)


def run_gui(options: LaunchOptions) -> int:
    """Open the main window. Returns the process exit code."""
    from scholardesk.gui.system_check import missing_qt_libraries_message

    problem = missing_qt_libraries_message()
    if problem:
        print(problem)
        return 3
    paths = resolve_paths(options)
    start_logging(paths, options.verbose)
    from scholardesk.gui.application import run_application

    return run_application(paths, options.language, open_services)


def take_screenshot(options: LaunchOptions, out: Path, page: str, size: tuple[int, int]) -> Path:
    """Render one page offscreen into a PNG (for the README and for checks)."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    paths = resolve_paths(options)
    start_logging(paths, options.verbose)
    services = open_services(paths, options.language)
    try:
        from scholardesk.gui.screenshot import render_page

        return render_page(services, page, out, size)
    finally:
        services.close()
