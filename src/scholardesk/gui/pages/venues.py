"""The Venues page (being built: see its issue)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from scholardesk.core.i18n import tr
from scholardesk.gui.pages.base import Page
from scholardesk.services.context import Services


class VenuesPage(Page):
    area = "venues"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("Venues")))
