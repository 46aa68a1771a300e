"""Error dialogs and the global exception hook (unexpected errors are shown, never fatal)."""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from scholardesk.core.errors import ScholarDeskError
from scholardesk.core.i18n import tr

logger = logging.getLogger(__name__)


def show_error(parent: QWidget | None, exc: BaseException, title: str | None = None) -> None:
    if QApplication.instance() is None:
        return
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title or tr("ScholarDesk"))
    if isinstance(exc, ScholarDeskError):
        box.setText(exc.message)
        if exc.hint:
            box.setInformativeText(exc.hint)
    else:
        logger.error("Unexpected error", exc_info=exc)
        box.setText(tr("Something went wrong: {error}", error=str(exc) or type(exc).__name__))
        box.setInformativeText(tr("The details were written to the log file."))
        box.setDetailedText("".join(traceback.format_exception(exc)))
    if _testing():
        logger.warning("Error dialog (not shown under tests): %s", box.text())
        return
    box.exec()


def _testing() -> bool:
    return "pytest" in sys.modules and QApplication.platformName() == "offscreen"


def install_exception_hook() -> None:
    def hook(
        exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        logger.error("Unhandled exception", exc_info=(exc_type, exc, tb))
        show_error(None, exc)

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        logger.error(
            "Unhandled exception in thread %s",
            args.thread.name if args.thread else "?",
            exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
        )

    sys.excepthook = hook
    threading.excepthook = thread_hook
