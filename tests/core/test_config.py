from __future__ import annotations

from pathlib import Path

import pytest

from scholardesk.core.config import Paths, Settings, remember_home
from scholardesk.core.errors import InputError


def test_home_and_database_come_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCHOLARDESK_HOME", str(tmp_path / "lib"))
    paths = Paths.resolve()
    assert paths.home == (tmp_path / "lib").resolve()
    assert paths.sqlite_file == (tmp_path / "lib").resolve() / "library.sqlite"
    monkeypatch.setenv("SCHOLARDESK_DB", "postgresql://u@localhost/sd")
    paths = Paths.resolve()
    assert paths.db_url == "postgresql://u@localhost/sd"
    assert paths.sqlite_file is None


def test_explicit_options_win_over_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCHOLARDESK_HOME", str(tmp_path / "env"))
    assert Paths.resolve(tmp_path / "cli").home == (tmp_path / "cli").resolve()


def test_the_library_location_chosen_in_the_gui_is_remembered(tmp_path: Path) -> None:
    remember_home(tmp_path / "chosen")
    assert Paths.resolve().home == (tmp_path / "chosen").resolve()


def test_settings_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    settings = Settings(language="zh_CN", contact_email="me@pku.edu.cn", crossref_rate=2.5)
    settings.save(path)
    assert Settings.load(path) == settings


def test_invalid_settings_are_refused_with_a_reason(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not an e-mail"):
        Settings(contact_email="nobody").save(tmp_path / "s.json")
    with pytest.raises(InputError, match="language"):
        Settings(language="fr").validate()


def test_an_unreadable_settings_file_falls_back_to_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{not json", encoding="utf-8")
    assert Settings.load(path) == Settings()


def test_a_hand_edited_value_of_the_wrong_type_is_ignored_not_a_crash_later(
    tmp_path: Path,
) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"library_person": null, "timeout_s": 12, "max_retries": "3",'
                    ' "gpu_strict": 1, "contact_email": "me@lab.cn", "proxy": 42}',
                    encoding="utf-8")
    s = Settings.load(path)
    assert s.library_person == "" and s.proxy == ""  # the defaults
    assert s.timeout_s == 12.0 and isinstance(s.timeout_s, float)  # an int is a number
    assert s.max_retries == 3 and s.gpu_strict is False  # "3" and 1 were not taken
    assert s.contact_email == "me@lab.cn"
    path.write_text("[1, 2]", encoding="utf-8")
    assert Settings.load(path) == Settings()
