from __future__ import annotations

import pytest

from scholardesk.gui import system_check


def test_missing_libraries_are_named_as_debian_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(system_check, "_loadable", lambda so: so != "libxcb-cursor.so.0")
    monkeypatch.setattr(system_check.os.path, "exists", lambda p: True)
    monkeypatch.setenv("DISPLAY", ":0")
    message = system_check.missing_qt_libraries_message("xcb")
    assert "sudo apt-get install libxcb-cursor0" in message


def test_offscreen_needs_no_x11_libraries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(system_check, "_loadable", lambda so: "xcb" not in so)
    assert system_check.missing_packages("offscreen") == []


def test_no_display_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(system_check, "_loadable", lambda so: True)
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert "xvfb-run" in system_check.missing_qt_libraries_message("xcb")


def test_this_machine_has_what_offscreen_qt_needs() -> None:
    assert system_check.missing_packages("offscreen") == []
