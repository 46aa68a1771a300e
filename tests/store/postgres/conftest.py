"""A fresh database on the test PostgreSQL server for each test of this folder (skipped
without one): ``pg_database`` gives (the server's databases, its name), ``pg`` a Database on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from scholardesk.store.db import Database


@pytest.fixture
def pg_database(postgres_databases) -> Iterator[tuple[object, str]]:  # type: ignore[no-untyped-def]
    name = postgres_databases.create()
    yield postgres_databases, name
    postgres_databases.drop(name)


@pytest.fixture
def pg(pg_database: tuple[object, str]) -> Iterator[Database]:
    databases, name = pg_database
    database = Database(databases.url_of(name))  # type: ignore[attr-defined]
    yield database
    database.dispose()
