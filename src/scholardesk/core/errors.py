"""The error hierarchy. Every message is one a user can act on."""

from __future__ import annotations


class ScholarDeskError(Exception):
    """Base of every error ScholarDesk raises on purpose.

    ``message`` says what went wrong, ``hint`` what the user can do about it.
    """

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip() if self.hint else self.message


class Cancelled(ScholarDeskError):
    """The user cancelled a running job. Never shown as an error."""

    def __init__(self, message: str = "Cancelled.") -> None:
        super().__init__(message)


class LibraryError(ScholarDeskError):
    """The library database cannot be opened as it is."""


class NotALibraryError(LibraryError):
    """The file is not a SQLite database."""


class CorruptLibraryError(LibraryError):
    """SQLite's integrity check failed."""


class NewerLibraryError(LibraryError):
    """The database was written by a newer ScholarDesk (unknown schema revision)."""


class LibraryInUseError(LibraryError):
    """Another ScholarDesk window has this library open."""


class InputError(ScholarDeskError):
    """A file or value the user gave cannot be read."""


class NotFoundError(ScholarDeskError):
    """A record the user named does not exist."""


class NetworkError(ScholarDeskError):
    """A remote service did not answer usefully."""


class LibraryReadOnlyError(LibraryError):
    """The library (its folder or its file) cannot be written by this user."""


class DiskFullError(LibraryError):
    """The disk holding the library (or a file being written) is full."""


class LibraryBusyError(LibraryError):
    """Another writer held the library's write lock for longer than a writer waits."""


def from_os_error(exc: OSError) -> ScholarDeskError:
    """One line for a file-system error: a full disk, a read-only folder, a missing file."""
    import errno

    where = exc.filename or ""
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFullError(f"the disk is full: {where}", "Free some space and try again.")
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return LibraryReadOnlyError(
            f"cannot write {where}: {reason}",
            "Check the folder's permissions, or choose another location.",
        )
    return ScholarDeskError(f"cannot use {where}: {reason}" if where else reason)


class LibraryServerError(LibraryError):
    """A library on a database server (PostgreSQL) cannot be reached, refuses this user, or
    does not let this role do what it asked."""
