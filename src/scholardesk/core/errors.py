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
