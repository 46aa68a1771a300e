"""A message drawn over an empty table ("No papers match …") instead of a blank grid."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel


class EmptyState(QLabel):
    """Centred over ``view``'s viewport; visible only while the model has no rows and a
    message is set. The page sets the message that fits (nothing matches vs. nothing yet)."""

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view.viewport())
        self._view = view
        self.setObjectName("empty-state")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setStyleSheet("color: gray; font-size: 11pt; padding: 24px;")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        view.viewport().installEventFilter(self)
        self._message = ""
        self.hide()

    def set_message(self, message: str) -> None:
        self._message = message
        self.update_visibility()

    def update_visibility(self) -> None:
        model = self._view.model()
        empty = model is None or model.rowCount() == 0
        self.setText(self._message)
        self.setVisible(bool(self._message) and empty)
        self._fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.Resize:
            self._fit()
        return False

    def _fit(self) -> None:
        self.setGeometry(self._view.viewport().rect())
