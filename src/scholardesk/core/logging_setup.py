"""Logging is configured once, here: a rotating file in the data folder plus stderr."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(log_file: Path | None, verbose: bool = False) -> None:
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_scholardesk", False):
            root.removeHandler(handler)
            handler.close()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    console = logging.StreamHandler()
    console.setLevel(logging.DEBUG if verbose else logging.WARNING)
    console.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    console._scholardesk = True  # type: ignore[attr-defined]
    root.addHandler(console)
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        file_handler = logging.handlers.RotatingFileHandler(
            log_file, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
        file_handler.setFormatter(logging.Formatter(_FORMAT))
        file_handler._scholardesk = True  # type: ignore[attr-defined]
        root.addHandler(file_handler)
    # onnxruntime, urllib3 and friends are chatty at INFO.
    for noisy in ("urllib3", "arxiv", "PIL", "matplotlib"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
