"""Child process for bench_foundation: starts the GUI the way `scholardesk` does and exits as
soon as the main window is shown (first paint), printing nothing but 'shown'."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer

from scholardesk.app import LaunchOptions, open_services, resolve_paths, start_logging
from scholardesk.gui.application import Session, make_qapplication

options = LaunchOptions(home=sys.argv[1])
paths = resolve_paths(options)
start_logging(paths, False)
app = make_qapplication()
session = Session(app, None, open_services)
session.open(paths)
QTimer.singleShot(0, app.quit)  # runs after the window's first show/paint events
app.exec()
print("shown", flush=True)
session.runner.shutdown()
