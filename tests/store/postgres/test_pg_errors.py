"""A shared library's server refusing us says what to fix (issue #18), tried against the real
local PostgreSQL server: a wrong password, an unreachable server, a missing database, a
library of a newer schema, a role without rights, a connection dropped by the server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from scholardesk.core.errors import LibraryServerError, NewerLibraryError, ScholarDeskError
from scholardesk.domain.papers import PaperRecord
from scholardesk.services.papers import PapersService
from scholardesk.store import migrate
from scholardesk.store.db import Database
from scholardesk.store.papers_repo import PapersRepository


@pytest.fixture
def member(pg_database) -> Iterator[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """A login role with a password and no rights in the library; (role, url without password)."""
    databases, name = pg_database
    role = f"sd_member_{uuid.uuid4().hex[:8]}"
    databases._execute(f"CREATE ROLE {role} LOGIN PASSWORD 'right-password'")
    url = make_url(databases.url_of(name)).set(username=role, password=None)
    yield role, url.render_as_string(hide_password=False)
    databases._execute(f'REVOKE ALL ON DATABASE "{name}" FROM {role}')
    databases.drop(name)
    databases._execute(f"DROP ROLE IF EXISTS {role}")


def _open(url: str, tmp_path: Path) -> Database:
    db = Database(url)
    try:
        migrate.prepare_library(db, None, tmp_path / "backups")
    finally:
        db.dispose()
    return db


def _with_password(url: str, password: str) -> str:
    return make_url(url).set(password=password).render_as_string(hide_password=False)


def test_a_wrong_password_names_the_role_and_where_to_correct_it(member, tmp_path) -> None:  # type: ignore[no-untyped-def]
    role, url = member
    with pytest.raises(LibraryServerError) as caught:
        _open(_with_password(url, "wrong-password"), tmp_path)
    message = str(caught.value)
    assert f"refused the password of role {role}" in message
    assert "wrong-password" not in message + caught.value.hint
    assert "--db" in caught.value.hint and "local library" in caught.value.hint


def test_an_unreachable_server_says_so_and_offers_a_local_library(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://someone@/library?host={tmp_path / 'no-server-here'}"
    with pytest.raises(LibraryServerError, match="cannot reach the database server") as caught:
        _open(url, tmp_path)
    assert "running" in caught.value.hint and "local library" in caught.value.hint


def test_a_database_that_does_not_exist_says_how_to_create_it(postgres_databases, tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = postgres_databases.url_of("sd_no_such_library")
    with pytest.raises(LibraryServerError, match="does not exist") as caught:
        _open(url, tmp_path)
    assert "createdb" in caught.value.hint


def test_a_library_of_a_newer_schema_is_refused_untouched(pg_database, tmp_path) -> None:  # type: ignore[no-untyped-def]
    databases, name = pg_database
    engine = create_engine(databases.url_of(name))
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099_from_the_future' "
                          "WHERE version_num = '0007_models'"))
    with pytest.raises(NewerLibraryError, match="newer ScholarDesk"):
        _open(databases.url_of(name), tmp_path)
    with engine.connect() as conn:  # untouched: still the future revision, nothing upgraded
        versions = {r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))}
    engine.dispose()
    assert "0099_from_the_future" in versions


def test_a_role_without_rights_is_told_to_ask_for_them(member, pg_database, tmp_path) -> None:  # type: ignore[no-untyped-def]
    role, url = member
    db = Database(_with_password(url, "right-password"))
    with pytest.raises(LibraryServerError) as caught:
        PapersService(db).count()
    db.dispose()
    assert f"role {role} may not do this" in str(caught.value)
    assert "grant" in caught.value.hint.lower()
    assert isinstance(caught.value, ScholarDeskError)


def _drop_connections(databases: object, name: str) -> int:
    """The server drops every connection to the library (a restart, a network cut)."""
    engine = databases.admin  # type: ignore[attr-defined]
    with engine.connect() as conn:
        return len(conn.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name}).all())


def test_a_dropped_connection_is_replaced_and_one_lost_mid_change_saves_nothing(  # type: ignore[no-untyped-def]
    pg_database,
) -> None:
    databases, name = pg_database
    db = Database(databases.url_of(name))
    svc = PapersService(db)
    svc.import_records([PaperRecord("Kept paper", "test", "drop", record_ref="1")])
    assert _drop_connections(databases, name) >= 1  # the pooled connection is gone
    assert svc.count() == 1  # checked before use and replaced: the user sees nothing
    with pytest.raises(LibraryServerError) as caught:
        with db.transaction() as session:
            PapersRepository(session).insert_many(
                [PaperRecord("Half-written paper", "test", "drop", record_ref="2")])
            _drop_connections(databases, name)
            session.execute(text("SELECT 1"))
    assert "connection to the database server was lost" in str(caught.value)
    assert "nothing of it was saved" in caught.value.hint
    assert [r.title for r in svc.rows(svc.list_ids())] == ["Kept paper"]  # and it works again
    db.dispose()
