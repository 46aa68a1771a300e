"""Settings: language, contact e-mail for polite APIs, your name in a shared library, proxy,
network politeness limits."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from scholardesk.core.config import Settings
from scholardesk.core.errors import InputError
from scholardesk.core.i18n import tr

LANGUAGE_NAMES = {"en": "English", "zh_CN": "简体中文"}
MAX_PERSON_LENGTH = 80  # the width of the library's person columns (store.people.MAX_LENGTH)


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Settings"))
        self.setObjectName("settings-dialog")
        self._settings = settings

        self.language = QComboBox()
        for code, name in LANGUAGE_NAMES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))

        self.email = QLineEdit(settings.contact_email)
        self.email.setPlaceholderText("name@university.edu.cn")
        self.proxy = QLineEdit(settings.proxy)
        self.proxy.setPlaceholderText("http://127.0.0.1:7890")
        self.ccf_url = QLineEdit(settings.ccf_catalogue_url)
        # Venues: the CCF edition shown everywhere ("" = the newest imported) and the address
        # the rank lists are updated from ("" = ShowJCR's files on GitHub)
        self.ccf_edition = QComboBox()
        self.ccf_edition.addItem(tr("Newest imported"), "")
        for edition in ("2026", "2022", "2019"):
            self.ccf_edition.addItem(edition, edition)
        if self.ccf_edition.findData(settings.ccf_edition) < 0:
            self.ccf_edition.addItem(settings.ccf_edition, settings.ccf_edition)
        self.ccf_edition.setCurrentIndex(self.ccf_edition.findData(settings.ccf_edition))
        self.rank_lists_url = QLineEdit(settings.rank_lists_url)
        self.rank_lists_url.setPlaceholderText(tr("ShowJCR on GitHub (default)"))

        # Shared library: the name your marks, tags, feed and submissions are kept under
        # ("" = your database role; a personal library ignores it)
        self.person = QLineEdit(settings.library_person)
        self.person.setObjectName("library-person")
        self.person.setMaxLength(MAX_PERSON_LENGTH)
        self.person.setPlaceholderText(tr("Your database role"))

        self.crossref_rate = self._rate(settings.crossref_rate)
        self.publisher_rate = self._rate(settings.publisher_rate)
        self.arxiv_interval = QDoubleSpinBox()
        self.arxiv_interval.setRange(3.0, 60.0)
        self.arxiv_interval.setSuffix(" s")
        self.arxiv_interval.setValue(settings.arxiv_interval_s)
        self.timeout = QDoubleSpinBox()
        self.timeout.setRange(1.0, 300.0)
        self.timeout.setSuffix(" s")
        self.timeout.setValue(settings.timeout_s)
        self.retries = QSpinBox()
        self.retries.setRange(0, 10)
        self.retries.setValue(settings.max_retries)

        general = QGroupBox(tr("General"))
        general_form = QFormLayout(general)
        general_form.addRow(tr("Language"), self.language)
        general_form.addRow(tr("Contact e-mail"), self.email)
        hint = QLabel(tr("Sent to Crossref and other polite APIs so they can reach you."))
        hint.setWordWrap(True)
        general_form.addRow("", hint)
        general_form.addRow(tr("CCF edition shown"), self.ccf_edition)

        shared = QGroupBox(tr("Shared library"))
        shared_form = QFormLayout(shared)
        shared_form.addRow(tr("Your name in a shared library"), self.person)
        person_hint = QLabel(tr(
            "Your reading status, notes, tags, feed and submissions in a shared library are "
            "kept under this name. Empty: your database role. A personal library ignores it."))
        person_hint.setWordWrap(True)
        shared_form.addRow("", person_hint)

        network = QGroupBox(tr("Network"))
        network_form = QFormLayout(network)
        network_form.addRow(tr("Proxy"), self.proxy)
        network_form.addRow(tr("Crossref requests per second"), self.crossref_rate)
        network_form.addRow(tr("Publisher pages per second"), self.publisher_rate)
        network_form.addRow(tr("Seconds between arXiv calls"), self.arxiv_interval)
        network_form.addRow(tr("Timeout"), self.timeout)
        network_form.addRow(tr("Retries"), self.retries)
        network_form.addRow(tr("CCF catalogue address"), self.ccf_url)
        network_form.addRow(tr("Rank lists address"), self.rank_lists_url)

        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(general)
        layout.addWidget(shared)
        layout.addWidget(network)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._fit_width()

    def _fit_width(self) -> None:
        """Wide enough that an address (the CCF catalogue's, a rank-list mirror's) shows whole,
        and never narrower than 640 px: a narrow dialog at 1280×800 clipped the CCF address."""
        metrics = self.fontMetrics()
        for edit in self.findChildren(QLineEdit):
            if isinstance(edit.parent(), QAbstractSpinBox):
                continue  # a spin box's own text field
            text = edit.text() or edit.placeholderText()
            edit.setMinimumWidth(min(720, max(320, metrics.horizontalAdvance(text) + 24)))
        self.setMinimumWidth(max(640, self.sizeHint().width()))

    def _fit_hints(self) -> None:
        """A wrapped hint as tall as its lines at the width it has: a form layout gives it the
        height of its size hint (computed far narrower), which left blank lines around it."""
        for label in self.findChildren(QLabel):
            if label.wordWrap() and label.width() > 0:
                label.setFixedHeight(label.heightForWidth(label.width()))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        self._fit_hints()
        self.resize(self.width(), self.sizeHint().height())  # without the blank lines

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._fit_hints()

    @staticmethod
    def _rate(value: float) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setRange(0.1, 50.0)
        box.setSingleStep(0.5)
        box.setValue(value)
        return box

    def result_settings(self) -> Settings:
        return replace(
            self._settings,
            language=str(self.language.currentData()),
            contact_email=self.email.text().strip(),
            proxy=self.proxy.text().strip(),
            crossref_rate=self.crossref_rate.value(),
            publisher_rate=self.publisher_rate.value(),
            arxiv_interval_s=self.arxiv_interval.value(),
            timeout_s=self.timeout.value(),
            max_retries=self.retries.value(),
            ccf_catalogue_url=self.ccf_url.text().strip() or self._settings.ccf_catalogue_url,
            ccf_edition=str(self.ccf_edition.currentData() or ""),
            rank_lists_url=self.rank_lists_url.text().strip(),
            library_person=" ".join(self.person.text().split()),
        )

    def accept(self) -> None:
        try:
            self.result_settings().validate()
        except InputError as exc:
            self.error.setText(str(exc))
            return
        super().accept()
