"""Column widths the user set, remembered per table in the data folder.

Qt's ``QHeaderView.saveState`` blob is kept in ``<data folder>/gui-state.ini`` (QSettings, ini
format), so a second library keeps its own and tests never touch the real user's settings.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QHeaderView

STATE_FILE = "gui-state.ini"


def _settings(home: Path) -> QSettings:
    return QSettings(str(home / STATE_FILE), QSettings.Format.IniFormat)


def remember_header(header: QHeaderView, home: Path, key: str) -> None:
    """Restore ``header``'s saved state, then save it again whenever the user resizes or moves
    a column (debounced: a drag emits dozens of resize signals)."""
    saved = _settings(home).value(f"{key}/header")
    if saved is not None:
        header.restoreState(saved)
    timer = QTimer(header)
    timer.setSingleShot(True)
    timer.setInterval(300)

    def save() -> None:
        settings = _settings(home)
        settings.setValue(f"{key}/header", header.saveState())
        settings.sync()

    timer.timeout.connect(save)
    header.sectionResized.connect(lambda *_: timer.start())
    header.sectionMoved.connect(lambda *_: timer.start())
