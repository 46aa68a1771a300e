"""Long commands show a progress bar on stderr when stderr is a terminal, and nothing when it
is piped (scripts and logs stay clean)."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from collections.abc import Callable
from pathlib import Path

from scholardesk.core.progress import TerminalProgress

CLI = [sys.executable, "-c", "import sys; from scholardesk.cli import main; sys.exit(main())"]


def _read_all(fd: int) -> bytes:
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the child closed its end of the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def _import(home: Path, bib: Path, stderr: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*CLI, "--home", str(home), "papers", "import", str(bib), "--json"],
        stdout=subprocess.PIPE, stderr=stderr,
    )


def test_import_draws_a_bar_on_a_terminal_stderr_and_keeps_stdout_json(
    tmp_path: Path, real_fixture: Callable[[str], Path]
) -> None:
    bib = real_fixture("bibtex/thuthesis_refs_zh.bib")
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 100 columns
    proc = _import(tmp_path / "home", bib, slave)
    os.close(slave)
    err = _read_all(master).decode("utf-8", "replace")
    out, _ = proc.communicate(timeout=120)
    os.close(master)
    assert proc.returncode == 0
    assert "Importing papers: " in err  # the service's step, as the bar's label
    assert "\r" in err and "%|" in err  # a redrawn bar: percentage
    assert f"/{bib.stat().st_size} [" in err and "34 from thuthesis" in err  # bytes, papers
    assert out.decode().lstrip().startswith("{")  # stdout is only the JSON report


def test_piped_stderr_gets_no_bar(tmp_path: Path, real_fixture: Callable[[str], Path]) -> None:
    bib = real_fixture("bibtex/thuthesis_refs_zh.bib")
    proc = _import(tmp_path / "home", bib, subprocess.PIPE)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0
    assert b"Importing papers" not in err and b"%|" not in err and b"\r" not in err


class _Tty:
    def __init__(self) -> None:
        self.text = ""

    def isatty(self) -> bool:
        return True

    def write(self, s: str) -> int:
        self.text += s
        return len(s)

    def flush(self) -> None:
        pass


def test_terminal_progress_follows_reports_and_erases_itself_on_close() -> None:
    tty = _Tty()
    with TerminalProgress(tty) as progress:  # type: ignore[arg-type]
        progress.report(0, 4, "Saving the catalogue")
        progress.report(4, 4, "Saving the catalogue")
        drawn = tty.text
    assert "Saving the catalogue" in drawn and "4/4" in drawn
    assert tty.text[len(drawn):].strip(" \r\x1b[A") == ""  # the close only erased the line


def test_terminal_progress_is_silent_on_a_pipe() -> None:
    class Pipe(_Tty):
        def isatty(self) -> bool:
            return False

    pipe = Pipe()
    with TerminalProgress(pipe) as progress:  # type: ignore[arg-type]
        progress.report(1, 2, "Downloading")
    assert pipe.text == ""
