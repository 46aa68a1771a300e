"""What every page of the main window provides."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from scholardesk.domain.changes import Changes
from scholardesk.services.context import Services


class Page(QWidget):
    """A main-window page. Subclasses set ``area`` and load their data in ``refresh()``
    through ``Task`` (never on the GUI thread)."""

    area: str = ""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services

    def refresh(self) -> None:
        """Reload the page's data in the background."""

    def on_changes(self, changes: Changes) -> None:
        if changes.touches(self.area):
            self.refresh()

    def import_actions(self) -> list[QAction]:
        """Entries for File > Import."""
        return []

    def export_actions(self) -> list[QAction]:
        """Entries for File > Export."""
        return []
