from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel

from scholardesk.core.config import Settings
from scholardesk.gui.settings_dialog import SettingsDialog


def test_the_dialog_edits_every_setting(qtbot: Any) -> None:
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.language.setCurrentIndex(dialog.language.findData("zh_CN"))
    dialog.email.setText(" me@ustc.edu.cn ")
    dialog.proxy.setText("http://127.0.0.1:7890")
    dialog.crossref_rate.setValue(2.0)
    dialog.ccf_url.setText("https://mirror.example/ccf.pdf")
    result = dialog.result_settings()
    assert (result.language, result.contact_email, result.proxy) == (
        "zh_CN", "me@ustc.edu.cn", "http://127.0.0.1:7890")
    assert result.crossref_rate == 2.0
    assert result.ccf_catalogue_url == "https://mirror.example/ccf.pdf"


def test_the_ccf_edition_and_the_rank_lists_address(qtbot: Any) -> None:
    dialog = SettingsDialog(Settings(ccf_edition="2022"))
    qtbot.addWidget(dialog)
    assert dialog.ccf_edition.currentData() == "2022"
    dialog.rank_lists_url.setText(" https://mirror.example/showjcr/ ")
    result = dialog.result_settings()
    assert (result.ccf_edition, result.rank_lists_url) == (
        "2022", "https://mirror.example/showjcr/")
    dialog.ccf_edition.setCurrentIndex(dialog.ccf_edition.findData(""))
    assert dialog.result_settings().ccf_edition == ""  # the newest imported


def test_an_invalid_e_mail_keeps_the_dialog_open(qtbot: Any) -> None:
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.email.setText("not-an-address")
    dialog.accept()
    assert "not an e-mail" in dialog.error.text()
    assert dialog.result() == 0


def test_the_dialog_is_wide_enough_for_the_addresses_at_1280x800(qtbot: Any) -> None:
    long_url = "https://www.ccf.org.cn/Academic_Evaluation/By_category/2022-ccf-catalogue.pdf"
    dialog = SettingsDialog(Settings(ccf_catalogue_url=long_url))
    qtbot.addWidget(dialog)
    dialog.resize(560, dialog.sizeHint().height())  # what a narrow default used to be
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.width() >= 640
    edit = dialog.ccf_url
    text_width = edit.fontMetrics().horizontalAdvance(long_url)
    assert edit.width() >= text_width + 8  # the whole address shows, nothing clipped
    assert dialog.width() <= 1280


def test_your_name_in_a_shared_library_round_trips(qtbot: Any) -> None:
    dialog = SettingsDialog(Settings(library_person="alice"))
    qtbot.addWidget(dialog)
    assert dialog.person.text() == "alice"
    assert dialog.result_settings().library_person == "alice"
    dialog.person.setText("  Alice   Wang ")
    assert dialog.result_settings().library_person == "Alice Wang"  # as the library keeps it
    dialog.person.setText("")
    assert dialog.result_settings().library_person == ""  # your database role
    assert dialog.person.placeholderText() == "Your database role"


def test_the_wrapped_hints_take_the_lines_they_need(qtbot: Any) -> None:
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.resize(560, dialog.sizeHint().height())
    dialog.show()
    qtbot.waitExposed(dialog)
    hints = [label for label in dialog.findChildren(QLabel) if label.wordWrap()]
    assert len(hints) == 2  # the contact e-mail's and the shared library name's
    for label in hints:  # no blank lines above or below the text (it used to take 2–3 extra)
        assert label.height() == label.heightForWidth(label.width())
    assert dialog.height() == dialog.sizeHint().height()  # and no blank band left at the end
    dialog.resize(1000, dialog.height())  # wider: fewer lines, and it follows
    qtbot.wait(10)
    for label in hints:
        assert label.height() == label.heightForWidth(label.width())
