"""Logging is configured once, here: a rotating file in the data folder plus stderr.

When the log file cannot be opened (a read-only library folder, a full disk, a file where the
``logs`` folder should be), ScholarDesk logs to stderr only and says so once: reading a library
must never fail because its log cannot be written.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

logger = logging.getLogger(__name__)


def configure_logging(log_file: Path | None, verbose: bool = False) -> bool:
    """Set up the handlers; returns whether the log file is in use."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_scholardesk", False):
            root.removeHandler(handler)
            handler.close()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    console = logging.StreamHandler()
    console.setLevel(logging.DEBUG if verbose else logging.WARNING)
    # Tracebacks go to the log file; the terminal shows them only with --verbose.
    console.setFormatter(
        logging.Formatter("%(levelname)s: %(message)s") if verbose else _OneLineFormatter()
    )
    console._scholardesk = True  # type: ignore[attr-defined]
    root.addHandler(console)
    file_in_use = False
    if log_file is not None:
        file_handler = _open_log_file(log_file)
        if file_handler is not None:
            root.addHandler(file_handler)
            file_in_use = True
    # onnxruntime, urllib3 and friends are chatty at INFO.
    for noisy in ("urllib3", "arxiv", "PIL", "matplotlib"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return file_in_use


class _OneLineFormatter(logging.Formatter):
    """``LEVEL: message`` without the traceback or stack that the record may carry."""

    def __init__(self) -> None:
        super().__init__("%(levelname)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        saved = record.exc_info, record.exc_text, record.stack_info
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        try:
            return super().format(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = saved


def _open_log_file(log_file: Path) -> logging.Handler | None:
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            log_file, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError as exc:
        reason = exc.strerror or str(exc)
        logger.warning("cannot write the log file %s (%s); logging to the terminal only",
                       log_file, reason)
        return None
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler._scholardesk = True  # type: ignore[attr-defined]
    return handler
