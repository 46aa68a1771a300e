"""The Venues page and the rank lists (ShowJCR CSV files): the import report dialog, the
compact rank label in the table, the CCF history in the detail pane and the CCF changes view."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from scholardesk.core.config import Settings
from scholardesk.gui.tasks import TaskRunner
from scholardesk.gui.venues.page import VenuesPage
from scholardesk.services.context import Services
from scholardesk.sources.rank_lists import SHOWJCR_FILES


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    r = TaskRunner()
    TaskRunner.set_default(r)
    yield r
    r.wait_idle(60)
    r.shutdown()
    TaskRunner.set_default(None)


def _page(services: Services, runner: TaskRunner, qtbot: Any) -> VenuesPage:
    p = VenuesPage(services)
    qtbot.addWidget(p)
    p.resize(1280, 800)
    p.show()
    p.refresh()
    runner.wait_idle(60)
    return p


def test_importing_rank_lists_shows_a_report_per_file(
    services: Services, runner: TaskRunner, qtbot: Any, tmp_path: Path,
    real_fixture: Callable[[str], Path],
) -> None:
    folder = tmp_path / "lists"
    folder.mkdir()
    for name in ("CCF2026-UTF8.csv", "GJQKYJMD2025.csv", "JCR2020-UTF8.csv"):
        shutil.copy(real_fixture(f"showjcr/{name}"), folder / name)
    (folder / "JCR2030-UTF8.csv").write_text("Title,Score\nX,1\n", encoding="utf-8")
    page = _page(services, runner, qtbot)
    assert page.empty.isVisible()
    page.import_lists([str(folder)])
    runner.wait_idle(120)
    qtbot.waitUntil(lambda: page.lists_dialog is not None, timeout=10_000)
    dialog = page.lists_dialog
    assert dialog is not None and dialog.isVisible()
    table = dialog.table
    rows = {table.item(r, 0).text(): [table.item(r, c).text() for c in range(8)]
            for r in range(table.rowCount())}
    assert set(rows) == {"CCF2026-UTF8.csv", "GJQKYJMD2025.csv", "JCR2020-UTF8.csv",
                         "JCR2030-UTF8.csv"}
    assert rows["CCF2026-UTF8.csv"][3:7] == ["681", "0", "677", "0"]
    assert rows["JCR2020-UTF8.csv"][1:4] == ["jcr", "2020", "13,048"]
    assert rows["JCR2020-UTF8.csv"][6] == "28"
    assert rows["JCR2030-UTF8.csv"][7].startswith("failed:")
    assert "Title,Score" in rows["JCR2030-UTF8.csv"][7]
    refused = dialog.refused.toPlainText().splitlines()
    assert len(refused) == 28 and all(line.startswith("JCR2020-UTF8.csv [line ") for line in refused)
    assert "4 files: 3 imported, 0 unchanged, 1 failed" in dialog.summary.text()
    # the page reloaded behind the dialog: the venues are listed, the prompt is gone
    total = services.venues.count()
    assert total > 677
    qtbot.waitUntil(lambda: page.model.rowCount() == total, timeout=30_000)
    assert not page.empty.isVisible()

    page.import_lists([str(folder)])  # again: nothing changes
    runner.wait_idle(60)
    again = page.lists_dialog
    assert again is not None and again is not dialog
    assert "3 unchanged" in again.summary.text()


@pytest.fixture
def two_editions(services: Services, real_fixture: Callable[[str], Path]) -> Services:
    services.venues.import_lists([real_fixture("showjcr/CCF2019-UTF8.csv"),
                                  real_fixture("showjcr/CCF2022-UTF8.csv"),
                                  real_fixture("showjcr/CCF2026-UTF8.csv"),
                                  real_fixture("showjcr/GJQKYJMD2025.csv")])
    return services


def test_ccf_changes_view_between_two_editions(two_editions: Services, runner: TaskRunner,
                                               qtbot: Any) -> None:
    page = _page(two_editions, runner, qtbot)
    assert page.editions == ["2026", "2022", "2019"]
    assert (page.changes_from.currentText(), page.changes_to.currentText()) == ("2022", "2026")
    runner.wait_idle(30)
    model = page.changes_model
    rows = {(model.index(r, 0).data(), model.index(r, 1).data()): model.index(r, 5).data()
            for r in range(model.rowCount())}
    assert rows[("added", "ICLR")] == "A"
    assert rows[("downgraded", "IJCAI")] == "A → B"
    assert rows[("upgraded", "INTERSPEECH")] == "C → B"
    assert rows[("upgraded", "TMM")] == "B → A"
    assert "added" in page.changes_summary.text() and "2022 → 2026" in page.changes_summary.text()
    page.changes_from.setCurrentIndex(page.changes_from.findData("2019"))
    page.changes_to.setCurrentIndex(page.changes_to.findData("2022"))
    runner.wait_idle(30)
    renamed = [r for r in model.rows if r.abbr == "TASLP"]
    assert renamed and renamed[0].change == "renamed" and "IEEE-ACM" in renamed[0].note
    page.changes_to.setCurrentIndex(page.changes_to.findData("2019"))
    runner.wait_idle(30)
    assert model.rowCount() == 0 and page.changes_state.text() == "Choose two different editions."


def test_table_shows_the_newest_edition_and_the_detail_its_history(
    two_editions: Services, runner: TaskRunner, qtbot: Any
) -> None:
    page = _page(two_editions, runner, qtbot)
    page.search.setText("IJCAI")
    rows = [r for r in range(page.proxy.rowCount())
            if page.proxy.index(r, 0).data() == "IJCAI"]
    assert rows
    row = rows[0]
    assert page.proxy.index(row, 3).data() == "B"  # CCF 2026, not "A/B"
    assert page.proxy.index(row, 4).data() == "CCF B"
    page.table.selectRow(row)
    qtbot.waitUntil(lambda: page.detail is not None and page.detail.venue.abbr == "IJCAI",
                    timeout=10_000)
    assert page.history == "IJCAI · CCF B (2026) · A (2022) · A (2019)"
    assert "CCF B (2026) · A (2022) · A (2019)" in page.title.text()


def test_a_venue_on_the_newest_warning_list_is_red(two_editions: Services, runner: TaskRunner,
                                                   qtbot: Any) -> None:
    from PySide6.QtCore import Qt

    page = _page(two_editions, runner, qtbot)
    warned = [v for v in page.model.rows if (lab := page.model.labels.get(v.id)) and lab.warned]
    assert len(warned) == 5  # the 2025 warning list names five journals
    row = page.model.rows.index(warned[0])
    brush = page.model.index(row, 4).data(Qt.ItemDataRole.ForegroundRole)
    assert brush is not None and brush.color().name() == "#d50000"
    assert "warning list" in page.model.index(row, 4).data(Qt.ItemDataRole.ToolTipRole)


def test_update_rank_lists_reports_the_files_that_failed(
    services: Services, runner: TaskRunner, qtbot: Any, local_server: Any,
    real_fixture: Callable[[str], Path],
) -> None:
    services.settings = Settings(publisher_rate=100.0, max_retries=1,
                                 rank_lists_url=f"{local_server.base_url}/lists/")
    for name in SHOWJCR_FILES:
        body = real_fixture(f"showjcr/{name}").read_bytes() if name == "GJQKYJMD2025.csv" \
            else None
        local_server.routes[f"/lists/{name}"] = [(200, {}, body)] if body else \
            [(404, {}, b"missing")]
    page = _page(services, runner, qtbot)
    page.update_lists_button.click()
    runner.wait_idle(60)
    assert page.lists_dialog is not None
    report = page.last_lists_report
    assert report is not None and len(report.failed) == len(SHOWJCR_FILES) - 1
    assert f"{len(SHOWJCR_FILES)} files: 1 imported, 0 unchanged, " \
           f"{len(SHOWJCR_FILES) - 1} failed" in page.status.text()
    qtbot.waitUntil(lambda: page.model.rowCount() == 5, timeout=10_000)
