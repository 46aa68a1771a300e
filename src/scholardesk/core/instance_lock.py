"""One GUI per library: a lock file beside the database.

CLI commands do not take it: SQLite's own locking (WAL + busy timeout) makes a CLI command
running beside the GUI safe. Two GUIs on one library would each hold stale views, so the second
is refused with a message.
"""

from __future__ import annotations

from pathlib import Path

from filelock import FileLock, Timeout

from scholardesk.core.errors import LibraryInUseError


class InstanceLock:
    def __init__(self, home: Path) -> None:
        self.path = home / ".scholardesk.lock"
        self._lock = FileLock(str(self.path), timeout=0)

    def acquire(self) -> None:
        try:
            self._lock.acquire()
        except Timeout as exc:
            raise LibraryInUseError(
                f"Another ScholarDesk window already has the library in {self.path.parent} open.",
                "Switch to that window, or choose another library location.",
            ) from exc

    def release(self) -> None:
        self._lock.release()

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()
