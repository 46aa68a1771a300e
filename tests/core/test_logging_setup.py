"""Logging never stops a command: no log file means stderr only, with one warning."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from scholardesk.core.logging_setup import configure_logging


@pytest.fixture(autouse=True)
def _restore_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def test_the_log_file_is_written_in_the_logs_folder(tmp_path: Path) -> None:
    log_file = tmp_path / "home" / "logs" / "scholardesk.log"
    assert configure_logging(log_file) is True
    logging.getLogger("scholardesk.test").info("hello file")
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert "hello file" in log_file.read_text(encoding="utf-8")


def test_a_log_file_that_cannot_be_opened_falls_back_to_stderr_with_one_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file where the ``logs`` folder should be: opening the log fails for any user, root
    included (as a read-only folder does for a normal user)."""
    (tmp_path / "logs").write_text("not a folder", encoding="utf-8")
    assert configure_logging(tmp_path / "logs" / "scholardesk.log") is False
    logging.getLogger("scholardesk.test").warning("still shown")
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2
    assert err[0].startswith("WARNING: cannot write the log file")
    assert str(tmp_path / "logs" / "scholardesk.log") in err[0]
    assert err[1] == "WARNING: still shown"


def test_the_terminal_gets_one_line_per_error_and_the_traceback_only_with_verbose(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log_file = tmp_path / "logs" / "scholardesk.log"
    configure_logging(log_file)
    try:
        raise ValueError("inner detail")
    except ValueError:
        logging.getLogger("scholardesk.test").exception("Something failed")
    assert capsys.readouterr().err == "ERROR: Something failed\n"
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert "Traceback" in log_file.read_text(encoding="utf-8")
    configure_logging(log_file, verbose=True)
    try:
        raise ValueError("inner detail")
    except ValueError:
        logging.getLogger("scholardesk.test").exception("Something failed")
    assert "Traceback" in capsys.readouterr().err
