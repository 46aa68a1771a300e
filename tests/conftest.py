"""Shared test fixtures.

- ``real_fixture("crossref/x.json")``: a file from the shared real-data fixtures
  (env SCHOLARDESK_FIXTURES, default ../shared/fixtures). Skips with a reason when the folder is
  absent, fails instead when SCHOLARDESK_REQUIRE_FIXTURES=1 (CI).
- ``db``: a fresh SQLite library migrated by Alembic (a migrated template copied per test).
  With ``SCHOLARDESK_TEST_DATABASE_URL=postgresql+psycopg://…`` (a server's admin URL, e.g. from
  tools/postgres_for_tests.sh) a fresh PostgreSQL database instead (``CREATE DATABASE … TEMPLATE``
  of one migrated once per session, dropped after the test). ``@pytest.mark.sqlite_only`` tests
  (PRAGMAs, file copies, WAL) are skipped there, and tests that open no library are deselected
  (they would repeat their SQLite run).
- ``services``: the services of that library in a temporary data folder.
- ``local_server``: a local HTTP server whose responses a test scripts (faults included).
"""

from __future__ import annotations

import gc
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from scholardesk.core.config import Paths, Settings  # noqa: E402
from scholardesk.services.context import Services  # noqa: E402
from scholardesk.store import migrate  # noqa: E402
from scholardesk.store.db import Database  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]


def fixtures_root() -> Path:
    return Path(os.environ.get("SCHOLARDESK_FIXTURES", REPO_ROOT.parent / "shared" / "fixtures"))


def _real_fixture(relpath: str) -> Path:
    path = fixtures_root() / relpath
    if path.exists():
        return path
    message = f"real-data fixture {path} is absent (set SCHOLARDESK_FIXTURES)"
    if os.environ.get("SCHOLARDESK_REQUIRE_FIXTURES") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def real_fixture() -> Callable[[str], Path]:
    return _real_fixture


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the real user's data or config folders."""
    base = tmp_path_factory.mktemp("xdg")
    monkeypatch.setenv("XDG_DATA_HOME", str(base / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(base / "config"))
    monkeypatch.delenv("SCHOLARDESK_HOME", raising=False)
    monkeypatch.delenv("SCHOLARDESK_DB", raising=False)


@pytest.fixture(autouse=True)
def _garbage_collected_on_the_main_thread() -> Iterator[None]:
    """As in the app (gui/gc_guard.py): no automatic cyclic gc, which could run in a worker
    thread and destroy Qt objects there; collect between tests on the main thread instead."""
    gc.disable()
    yield
    global _tests_since_full_collection
    _tests_since_full_collection += 1
    if _tests_since_full_collection >= 25:  # a full collection costs ~0.2 s with Qt + onnx loaded
        _tests_since_full_collection = 0
        gc.collect()
    else:
        gc.collect(1)


_tests_since_full_collection = 0


TEST_DATABASE_URL = os.environ.get("SCHOLARDESK_TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DATABASE_URL.startswith("postgresql")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only(reason): SQLite by nature (PRAGMAs, files, WAL); skipped on PostgreSQL"
    )


# A test that uses none of these never opens a library: on PostgreSQL it would only repeat
# its SQLite run, so the PostgreSQL pass (make test-postgres: the whole suite) leaves it out.
LIBRARY_FIXTURES = frozenset({"db", "services", "postgres_databases"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not ON_POSTGRES:
        return
    kept = [i for i in items if LIBRARY_FIXTURES & set(getattr(i, "fixturenames", ()))]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept
    for item in items:
        marker = item.get_closest_marker("sqlite_only")
        if marker is not None:
            reason = marker.args[0] if marker.args else marker.kwargs.get("reason", "SQLite only")
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {reason}"))


class _PostgresDatabases:
    """Fresh databases on the test server: one migrated template, copied per test."""

    def __init__(self, admin_url: str) -> None:
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        self.admin_url = make_url(admin_url)
        self.admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        self.prefix = f"sd_test_{os.getpid()}"
        self.template = f"{self.prefix}_tmpl"
        self.count = 0
        self._execute(f'DROP DATABASE IF EXISTS "{self.template}"')
        self._execute(f'CREATE DATABASE "{self.template}"')
        database = Database(self.url_of(self.template))
        migrate.upgrade(database)
        database.dispose()

    def url_of(self, name: str) -> str:
        return self.admin_url.set(database=name).render_as_string(hide_password=False)

    def _execute(self, sql: str) -> None:
        with self.admin.connect() as conn:
            conn.exec_driver_sql(sql)

    def create(self) -> str:
        self.count += 1
        name = f"{self.prefix}_{self.count}"
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        return name

    def drop(self, name: str) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        self.drop(self.template)
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[_PostgresDatabases]:
    if not ON_POSTGRES:
        pytest.skip("no PostgreSQL server (set SCHOLARDESK_TEST_DATABASE_URL)")
    databases = _PostgresDatabases(TEST_DATABASE_URL)
    yield databases
    databases.close()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "library.sqlite"
    db = Database(f"sqlite:///{path}")
    migrate.upgrade(db)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    return folder


@pytest.fixture
def db(home: Path, request: pytest.FixtureRequest) -> Iterator[Database]:
    if ON_POSTGRES:
        databases: _PostgresDatabases = request.getfixturevalue("postgres_databases")
        name = databases.create()
        database = Database(databases.url_of(name))
        yield database
        database.dispose()
        databases.drop(name)
        return
    migrated_template: Path = request.getfixturevalue("migrated_template")
    target = home / "library.sqlite"
    shutil.copyfile(migrated_template, target)
    database = Database(f"sqlite:///{target}")
    yield database
    database.dispose()


@pytest.fixture
def services(db: Database, home: Path) -> Iterator[Services]:
    paths = Paths.resolve(home, db.url if ON_POSTGRES else None)
    paths.ensure()
    svc = Services(db=db, paths=paths, settings=Settings())
    yield svc
    if svc._http is not None:
        svc._http.close()


class ScriptedHandler(BaseHTTPRequestHandler):
    """Serves ``server.routes[path]``: a list of (status, headers, body) used in turn
    (the last one repeats). A body of ``None`` closes the connection without answering."""

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        server = self.server
        server.requests.append(self.path)  # type: ignore[attr-defined]
        key = self.path.split("?", 1)[0]
        routes = server.routes  # type: ignore[attr-defined]
        queue = routes.get(key) or routes.get("*")
        if not queue:
            self.send_response(404)
            self.end_headers()
            return
        status, headers, body = queue.pop(0) if len(queue) > 1 else queue[0]
        if body is None:
            self.close_connection = True
            self.connection.close()
            return
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def local_server() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), ScriptedHandler)
    server.routes = {}  # type: ignore[attr-defined]
    server.requests = []  # type: ignore[attr-defined]
    server.base_url = f"http://127.0.0.1:{server.server_address[1]}"  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
