"""PostgreSQL's errors as ones a user can act on (the SQLite ones are in db.py).

psycopg reports a wrong password, an unreachable server, a missing database and a role without
rights as exceptions with an SQLSTATE (or none, for a server that never answered); each becomes a
``LibraryServerError`` whose message names the server and database (never the password) and
whose hint says what to change. Messages never carry row values: PostgreSQL's ``DETAIL: Failing
row contains (...)`` is cut before SQLAlchemy shows the error (``hide_parameters`` alone does not
hide it).
"""

from __future__ import annotations

import re

from sqlalchemy.engine import make_url

from scholardesk.core.errors import LibraryBusyError, LibraryServerError

_LOCAL_HINT = "or open a local library instead (--home DIR, or File → Library location…)"


def describe(url: str) -> str:
    """``role@host/database`` of a server URL, without its password."""
    parsed = make_url(url)
    host = parsed.host or str(parsed.query.get("host", "") or "localhost")
    if parsed.port:
        host = f"{host}:{parsed.port}"
    role = f"{parsed.username}@" if parsed.username else ""
    return f"{role}{host}/{parsed.database or ''}"


def _sqlstate(exc: BaseException) -> str:
    return str(getattr(exc, "sqlstate", "") or "")


def strip_row_values(exc: BaseException) -> None:
    """Drop the ``DETAIL:`` lines (they quote the failing row) from a psycopg error's text."""
    args = getattr(exc, "args", ())
    if args and isinstance(args[0], str) and "DETAIL:" in args[0]:
        kept = [line for line in args[0].splitlines() if not line.startswith("DETAIL:")]
        exc.args = ("\n".join(kept), *args[1:])


def server_error(exc: BaseException, url: str) -> Exception | None:
    """Our error for a PostgreSQL error a user can act on, or None for the others."""
    code = _sqlstate(exc)
    text = str(exc)
    where = describe(url)
    parsed = make_url(url)
    role = parsed.username or "(your login name)"
    if code == "28P01" or "password authentication failed" in text:
        return LibraryServerError(
            f"the database server refused the password of role {role}: {where}",
            "Correct the password in the library URL (--db, SCHOLARDESK_DB or Settings) or in "
            f"~/.pgpass, {_LOCAL_HINT}.",
        )
    if "no password supplied" in text:
        return LibraryServerError(
            f"the database server asks role {role} for a password: {where}",
            "Put the password in ~/.pgpass (or in the library URL), " + _LOCAL_HINT + ".",
        )
    if code == "3D000" or re.search(r'database ".*" does not exist', text):
        return LibraryServerError(
            f"the database {parsed.database} does not exist on the server: {where}",
            "Check its name, or ask the administrator to create it "
            f"(createdb -O {role} {parsed.database}), {_LOCAL_HINT}.",
        )
    if code == "28000" or re.search(r'role ".*" does not exist', text):
        return LibraryServerError(
            f"the database server does not let role {role} in: {where}",
            "Check the user name in the library URL, or ask the administrator to create the "
            f"role and allow it in pg_hba.conf, {_LOCAL_HINT}.",
        )
    if code == "42501":
        first = text.splitlines()[0] if text else "permission denied"
        return LibraryServerError(
            f"role {role} may not do this in the shared library {where} ({first})",
            "Ask the library's administrator to grant this role its rights (see 'Shared lab "
            "library' in the README: GRANT scholardesk_member TO …).",
        )
    if code in ("40001", "40P01", "55P03"):
        return LibraryBusyError(
            f"the shared library {where} is busy: another member's change collided with this one",
            "(run the command again)",
        )
    if code in ("57P01", "57P02", "57P03") or (not code and _is_lost(text)):
        return LibraryServerError(
            f"the connection to the database server was lost: {where}",
            "The server was restarted or the network dropped; the change under way was undone "
            "(nothing of it was saved). Run it again: ScholarDesk connects anew, "
            + _LOCAL_HINT + ".",
        )
    if code == "53100":
        return LibraryServerError(
            f"the database server's disk is full: {where}",
            "Ask the server's administrator to free space; the unfinished step was not saved.",
        )
    if not code and _is_unreachable(text):
        return LibraryServerError(
            f"cannot reach the database server of the library: {where}",
            "Check that the server is running and the host and port in the library URL "
            f"(--db, SCHOLARDESK_DB or Settings), {_LOCAL_HINT}.",
        )
    return None


def _is_lost(text: str) -> bool:
    """An open connection that broke (the server went away mid-change)."""
    lowered = text.lower()
    return any(marker in lowered for marker in (
        "server closed the connection", "terminating connection", "consuming input failed",
        "the connection is lost", "connection is closed"))


def _is_unreachable(text: str) -> bool:
    markers = (
        "connection refused", "could not connect", "connection failed", "no such file or directory",
        "could not translate host name", "timeout expired",
        "network is unreachable", "name or service not known", "connection timed out",
    )
    lowered = text.lower()
    return any(marker in lowered for marker in markers)
