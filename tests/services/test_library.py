from __future__ import annotations

from pathlib import Path

import pytest

from scholardesk.core.config import Paths
from scholardesk.core.errors import InputError
from scholardesk.services.context import Services
from scholardesk.services.library import LibraryService, open_library
from scholardesk.store import migrate


def test_opening_a_new_library_creates_and_migrates_it(tmp_path: Path) -> None:
    paths = Paths.resolve(tmp_path / "lib")
    db = open_library(paths)
    status = LibraryService(db, paths).status()
    assert status.up_to_date and status.integrity == "ok"
    assert status.current == migrate.head_revisions()
    assert (tmp_path / "lib" / "library.sqlite").exists()
    assert (tmp_path / "lib" / "logs").is_dir()
    db.dispose()


@pytest.mark.sqlite_only("copies the SQLite file (a server library is backed up with pg_dump)")
def test_backup_writes_into_the_backups_folder(services: Services) -> None:
    target = services.library.backup()
    assert target.parent == services.paths.backup_dir and target.stat().st_size > 0


def test_backup_of_a_server_database_is_explained(services: Services) -> None:
    remote = Paths(home=services.paths.home, db_url="postgresql://u@h/db")
    with pytest.raises(InputError, match="pg_dump"):
        LibraryService(services.db, remote).backup()


def test_the_sample_library_loads_once(services: Services) -> None:
    assert services.sample.is_first_start()
    services.sample.load_if_first_start()
    assert not services.sample.is_first_start()
    assert not services.sample.load_if_first_start()  # nothing the second time


# --- who is acting (issue #18) ----------------------------------------------------------------

@pytest.mark.sqlite_only("a personal library: one person, its owner")
def test_the_status_of_a_personal_library_says_it_has_one_person(services: Services) -> None:
    status = services.library.status()
    assert (status.person, status.person_source) == ("", "personal")
    assert status.to_json()["person"] == "" and status.to_json()["person_source"] == "personal"


def test_a_shared_library_person_comes_from_settings_else_the_role() -> None:
    from scholardesk.services.library import person_source
    from scholardesk.store.db import Database
    from scholardesk.store.people import clean_person_name

    shared = Database("postgresql://alice@127.0.0.1:1/lab", person=" Alice  Wang ")
    try:
        assert person_source(shared) == "settings"  # (resolving it asks the server: PG tests)
        assert clean_person_name(shared.person_name) == "Alice Wang"
        shared.set_person_name("")
        assert person_source(shared) == "role"  # the name is then the database role's
    finally:
        shared.dispose()
    personal = Database("sqlite://", person="alice")  # a personal library ignores Settings
    try:
        assert (personal.person, person_source(personal)) == ("", "personal")
    finally:
        personal.dispose()


def test_the_status_says_who_is_acting(services: Services) -> None:
    status = services.library.status()
    assert status.person == services.db.person
    # the test library on PostgreSQL has no name set: the acting person is the database role
    assert status.person_source == ("personal" if services.db.is_sqlite else "role")
    if not services.db.is_sqlite:
        assert status.person  # current_user, never empty on a server
