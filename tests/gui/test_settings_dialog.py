from __future__ import annotations

from typing import Any

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


def test_an_invalid_e_mail_keeps_the_dialog_open(qtbot: Any) -> None:
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.email.setText("not-an-address")
    dialog.accept()
    assert "not an e-mail" in dialog.error.text()
    assert dialog.result() == 0
