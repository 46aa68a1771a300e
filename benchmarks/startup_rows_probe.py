"""Child process for bench_startup: starts the GUI the way `scholardesk` does (same imports,
same Session) and prints 'rows' as soon as the Papers table shows its first rows, painted.

The parent times from spawning this process to reading 'rows', so interpreter start, imports,
opening the library, building the window and the first query are all counted."""

from __future__ import annotations

import sys

from scholardesk.app import LaunchOptions, open_services, resolve_paths, start_logging
from scholardesk.cli import build_parser

args = build_parser().parse_args(["--home", sys.argv[1]])  # what `scholardesk` parses first
options = LaunchOptions(home=args.home)
paths = resolve_paths(options)
start_logging(paths, False)

from PySide6.QtCore import QTimer  # noqa: E402  (after the non-Qt start, as run_gui does)

from scholardesk.gui.application import Session, make_qapplication  # noqa: E402

app = make_qapplication()
session = Session(app, None, open_services)
session.open(paths)
timer = QTimer()


def _check() -> None:
    window = session.window
    page = window.pages.get("papers") if window is not None else None
    model = getattr(page, "model", None)
    if window is not None and window.isVisible() and model is not None and model.rowCount() > 0:
        timer.stop()
        page.table.viewport().repaint()  # type: ignore[union-attr]  # the rows are painted
        print("rows", model.rowCount(), flush=True)
        app.quit()


timer.timeout.connect(_check)
timer.start(5)
QTimer.singleShot(60_000, app.quit)
app.exec()
session.runner.shutdown()
