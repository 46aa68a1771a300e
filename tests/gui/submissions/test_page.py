"""The Submissions page driven with pytest-qt: sample rows, stuck highlight, sorting by days in
stage, filtering, the timeline chart, and the paste dialog (unreadable lines, strict/decline)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from scholardesk.domain.submissions import Stage
from scholardesk.gui.submissions.dialogs import EmailDialog, PasteHistoryDialog
from scholardesk.gui.submissions.page import SubmissionsPage
from scholardesk.gui.submissions.stages import STUCK_BACKGROUND
from scholardesk.gui.submissions.table_model import DAYS_COLUMN
from scholardesk.gui.tasks import TaskRunner
from scholardesk.services.context import Services

DATA = Path(__file__).resolve().parents[2] / "data" / "submissions"


@pytest.fixture
def page(services: Services, qtbot: Any) -> Iterator[SubmissionsPage]:
    runner = TaskRunner()
    TaskRunner.set_default(runner)
    services.submissions.today = lambda: dt.date(2025, 1, 10)
    services.submissions.load_sample()
    p = SubmissionsPage(services)
    runner.changes_applied.connect(p.on_changes)  # as the main window does
    qtbot.addWidget(p)
    p.resize(1200, 800)
    p.show()
    qtbot.waitUntil(lambda: p.loaded_count >= 1, timeout=10_000)
    yield p
    runner.wait_idle(30)
    runner.shutdown()
    TaskRunner.set_default(None)


def _venues(p: SubmissionsPage) -> list[str]:
    return [p.proxy.index(r, 0).data() for r in range(p.proxy.rowCount())]


def test_the_sample_raises_no_stuck_alert_today_or_years_later(
    page: SubmissionsPage, services: Services
) -> None:
    assert page.proxy.rowCount() == 13
    assert page.stuck_label.isHidden()
    assert all(r.stuck is None for r in page.rows)
    # every sample history is closed: no "862 d Under Review" that grows with the calendar
    assert services.submissions.stuck(dt.date.today() + dt.timedelta(days=3 * 365)) == []
    titles = {r.submission.title for r in page.rows}
    assert titles == {
        "Sample: accepted after one major revision",
        "Sample: eight venues to publication",
        "Sample: three desk rejections, then accepted",
    }
    assert not any("seed" in t for t in titles)


def test_a_stuck_manuscript_is_highlighted_selected_and_sorts_by_days(
    page: SubmissionsPage, services: Services, qtbot: Any
) -> None:
    services.submissions.import_text(
        "2024-07-01 submitted to journal / 2024-07-03 with editor / 2024-07-20 under review",
        "Pattern Recognition", "My stuck manuscript",
    )
    page = SubmissionsPage(services)  # opened afresh: the stuck one is selected first
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    qtbot.waitUntil(lambda: page.loaded_count >= 1, timeout=10_000)
    assert page.stuck_label.isVisible()
    assert "Pattern Recognition (Under Review, 174 d)" in page.stuck_label.text()
    assert page.notice.isHidden()
    # the stuck manuscript is selected first and its row is highlighted
    current = page.current()
    assert current is not None and current.stuck is not None
    row = page.model.row_of(current.submission.id)
    assert page.model.index(row, 0).data(Qt.ItemDataRole.BackgroundRole) == STUCK_BACKGROUND
    page.table.sortByColumn(DAYS_COLUMN, Qt.SortOrder.DescendingOrder)
    assert page.proxy.index(0, DAYS_COLUMN).data() == "174"
    assert page.proxy.index(0, 0).data() == "Pattern Recognition"


def test_selecting_a_chained_submission_shows_its_journey_and_chart(
    page: SubmissionsPage, qtbot: Any
) -> None:
    page.filter.setText("desk rejections")
    last = page.proxy.rowCount() - 1
    assert page.proxy.index(last, 0).data() == "↳ Robotics and Autonomous Systems"
    page.table.setCurrentIndex(page.proxy.index(last, 0))
    # chart: one bar per stage span of the selected manuscript
    assert [s.stage for s in page.chart.spans] == [
        Stage.SUBMITTED, Stage.WITH_EDITOR, Stage.UNDER_REVIEW, Stage.MAJOR_REVISION,
        Stage.REVISION_SUBMITTED, Stage.UNDER_REVIEW, Stage.REVIEWS_COMPLETED, Stage.ACCEPTED,
    ]  # fmt: skip
    assert "IEEE Sensors Journal (Desk Rejected)" in page.journey.text()
    assert page.events.rowCount() == 8


def test_the_paste_dialog_starts_empty_and_offers_the_selected_submission(
    page: SubmissionsPage, qtbot: Any
) -> None:
    page.table.setCurrentIndex(page.proxy.index(0, 0))
    current = page.current()
    assert current is not None
    dlg = page.paste_dialog()
    qtbot.addWidget(dlg)
    assert dlg.venue.text() == "" and dlg.title_edit.text() == ""
    assert not dlg.add_to_selected.isChecked()
    assert not dlg.add_to_selected.isHidden()
    assert current.submission.venue in dlg.add_to_selected.text()
    dlg.add_to_selected.setChecked(True)
    assert dlg.venue.text() == current.submission.venue
    assert dlg.title_edit.text() == current.submission.title
    dlg.add_to_selected.setChecked(False)
    assert dlg.venue.text() == "" and dlg.title_edit.text() == ""
    # with nothing selected there is nothing to offer
    assert PasteHistoryDialog(page).add_to_selected.isHidden()


def test_filter_and_select_shows_the_timeline(page: SubmissionsPage, qtbot: Any) -> None:
    page.filter.setText("marine")
    assert _venues(page) == ["↳ Journal of Marine Science and Engineering"]
    page.table.setCurrentIndex(page.proxy.index(0, 0))
    assert "Journal of Marine Science and Engineering" in page.heading.text()
    assert "3 review rounds" in page.stats.text()
    assert "revisions took 4, 1 days" in page.stats.text()
    assert page.chart.spans[-1].stage is Stage.PUBLISHED
    page.filter.setText("Information Sciences")
    page.table.setCurrentIndex(page.proxy.index(0, 0))
    assert "dates out of order" in page.stats.text()
    assert page.events.item(1, 0).background().color() == STUCK_BACKGROUND


def test_paste_dialog_lists_unreadable_lines_and_strict_imports_nothing(
    page: SubmissionsPage, qtbot: Any
) -> None:
    dlg = PasteHistoryDialog(page)
    qtbot.addWidget(dlg)
    dlg.venue.setText("Pattern Recognition")
    dlg.text.setPlainText((DATA / "bad_lines.txt").read_text(encoding="utf-8"))
    dlg.update_preview()
    assert dlg.preview.rowCount() == 5
    problems = [dlg.problems.item(i).text() for i in range(dlg.problems.count())]
    assert problems[0] == "Line 2: no readable date on this line: sometime in June: under review"
    assert problems[1].startswith("Line 4: a date with no status after it")
    # the user declines the partial import: nothing is imported
    dlg.ask_import_partial = lambda: False  # type: ignore[method-assign]
    dlg._on_ok()
    assert dlg.request is not None and dlg.request.strict
    before = page.loaded_count
    page.paste_history(dlg)
    TaskRunner.default().wait_idle(10)
    assert all(r.submission.venue != "Pattern Recognition" for r in page.rows)
    # accepting imports the readable lines and selects the new submission
    dlg2 = PasteHistoryDialog(page)
    qtbot.addWidget(dlg2)
    dlg2.venue.setText("Pattern Recognition")
    dlg2.text.setPlainText((DATA / "bad_lines.txt").read_text(encoding="utf-8"))
    dlg2.ask_import_partial = lambda: True  # type: ignore[method-assign]
    dlg2._on_ok()
    page.paste_history(dlg2)
    qtbot.waitUntil(
        lambda: any(r.submission.venue == "Pattern Recognition" for r in page.rows), timeout=10_000
    )
    assert page.loaded_count > before
    qtbot.waitUntil(lambda: "Pattern Recognition" in page.heading.text(), timeout=10_000)
    assert page.events.rowCount() == 5


def test_email_dialog_offers_both_languages(page: SubmissionsPage, qtbot: Any) -> None:
    current = page.current()
    assert current is not None
    svc = page.svc
    drafts = {lang: svc.inquiry_email(current.submission.id, lang) for lang in ("en", "zh")}
    dlg = EmailDialog(drafts, page)
    qtbot.addWidget(dlg)
    assert "Dear Editor" in dlg.body.toPlainText()
    dlg.language.setCurrentIndex(1)
    assert "尊敬的编辑" in dlg.body.toPlainText()
    dlg.copy()
    from PySide6.QtGui import QGuiApplication

    assert "尊敬的编辑" in QGuiApplication.clipboard().text()
