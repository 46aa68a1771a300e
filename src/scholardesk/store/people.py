"""Who is acting: the person whose marks, tags, feed triage and submissions a session reads
and writes.

A personal (SQLite) library has one person, its owner, stored as ``""``. A shared library on a
server has one per member: the name set in Settings (``library_person``), else the database
role the member logs in with (``current_user``). ``Database`` resolves it once and puts it in
every session's ``info``, so each repository filters by it without each caller passing it on,
as PostgreSQL's own ``current_user`` does for its privileges. Copying between two libraries
(push, pull) therefore maps one person onto the other by construction: what the source
session reads as "mine" the target session writes as "mine".
"""

from __future__ import annotations

from sqlalchemy.orm import Session

OWNER = ""  # the one person of a personal library
MAX_LENGTH = 80  # the width of the person columns


def person_of(session: Session) -> str:
    """The acting person of ``session`` (the library's owner when none was set)."""
    return str(session.info.get("person", OWNER))


def clean_person_name(name: str) -> str:
    """A person name as stored: trimmed, at most ``MAX_LENGTH`` characters."""
    return " ".join(name.split())[:MAX_LENGTH]
