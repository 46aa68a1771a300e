"""The Rank column of the Papers page and its filters, on the real ShowJCR lists: the compact
label of each paper's venue (``CCF A · 1区 Top · Q1 · IF …``), red for a venue on the newest
warning list, the CCF history in the tooltip and the detail pane, sorting by rank, and the
CAS zone / JCR quartile / warning filters."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt  # noqa: E402

from scholardesk.domain.papers import PaperRecord  # noqa: E402
from scholardesk.gui.tasks import TaskRunner  # noqa: E402
from scholardesk.services.context import Services  # noqa: E402

pytestmark = pytest.mark.gui
RANK = 4  # the Rank column
LISTS = ("CCF2022-UTF8.csv", "CCF2026-UTF8.csv", "FQBJCR2025-UTF8.csv", "JCR2025-UTF8.csv",
         "GJQKYJMD2025.csv")
PAPERS = {
    "Deep pattern analysis": "IEEE Transactions on Pattern Analysis and Machine Intelligence",
    "A paper-mill suspect": "Wireless Personal Communications",
    "An IJCAI paper": "Proceedings of the International Joint Conference on Artificial Intelligence",
    "A workshop paper": "Workshop on Things Nobody Ranks",
    "A paper without venue": "",
}


@pytest.fixture
def runner(qtbot: Any) -> Iterator[TaskRunner]:
    r = TaskRunner()
    TaskRunner.set_default(r)
    yield r
    r.shutdown()
    TaskRunner.set_default(None)


@pytest.fixture
def page(services: Services, qtbot: Any, runner: TaskRunner,
         real_fixture: Callable[[str], Path]) -> Any:
    from scholardesk.gui.papers.page import PapersPage

    services.venues.import_lists([real_fixture(f"showjcr/{name}") for name in LISTS])
    services.papers.import_records(
        PaperRecord(title=title, source_kind="test", source_ref="ranks", record_ref=str(i),
                    venue=venue, year=2024)
        for i, (title, venue) in enumerate(PAPERS.items()))
    p = PapersPage(services)
    runner.changes_applied.connect(p.on_changes)
    qtbot.addWidget(p)
    p.resize(1200, 700)
    p.show()
    p.refresh()
    runner.wait_idle()
    runner.wait_idle()  # the rank lookup is warmed in the background, then the cells fill in
    return p


def cells(page: Any, role: int = Qt.ItemDataRole.DisplayRole) -> dict[str, Any]:
    m = page.model
    return {m.data(m.index(r, 0)): m.data(m.index(r, RANK), role) for r in range(m.rowCount())}


def choose(page: Any, runner: TaskRunner, qtbot: Any, combo: Any, value: str) -> list[str]:
    before = page.loaded_count
    combo.setCurrentIndex(combo.findData(value))
    qtbot.waitUntil(lambda: page.loaded_count > before, timeout=20_000)
    runner.wait_idle()
    return sorted(cells(page))


def test_rank_column_label_red_when_warned_sortable_and_history_in_the_detail_pane(
    page: Any, runner: TaskRunner, qtbot: Any
) -> None:
    shown = cells(page)
    tpami = shown["Deep pattern analysis"]
    assert tpami == "CCF A · 1区 Top · Q1 · IF 20.4"  # CCF 2026, CAS 2025, JCR 2025
    assert shown["An IJCAI paper"] == "CCF B"  # the 2026 edition moved IJCAI from A to B
    assert shown["A workshop paper"] is None and shown["A paper without venue"] is None
    assert "论文工厂" not in shown["A paper-mill suspect"]  # the reason is in the tooltip
    colours = cells(page, Qt.ItemDataRole.ForegroundRole)
    assert colours["A paper-mill suspect"].name() == "#c62828"
    assert colours["Deep pattern analysis"] is None
    tips = cells(page, Qt.ItemDataRole.ToolTipRole)
    assert "IJCAI · CCF B (2026) · A (2022)" in tips["An IJCAI paper"]
    assert "论文工厂 (2025)" in tips["A paper-mill suspect"]


def test_rank_filters_cas_zone_quartile_and_warning(page: Any, runner: TaskRunner, qtbot: Any) -> None:
    assert choose(page, runner, qtbot, page.zone_filter, "1T") == ["Deep pattern analysis"]
    assert page.count_label.text() == "1 paper"
    choose(page, runner, qtbot, page.zone_filter, "")
    assert choose(page, runner, qtbot, page.quartile_filter, "Q1") == ["Deep pattern analysis"]
    choose(page, runner, qtbot, page.quartile_filter, "")
    assert choose(page, runner, qtbot, page.warning_filter, "warned") == ["A paper-mill suspect"]
    assert choose(page, runner, qtbot, page.warning_filter, "clear") == sorted(
        t for t in PAPERS if t != "A paper-mill suspect")  # a paper without venue stays in
    choose(page, runner, qtbot, page.warning_filter, "warned")
    assert choose(page, runner, qtbot, page.zone_filter, "1T") == []  # both filters at once
    assert page.empty_state.text() == "No papers match these filters."
    choose(page, runner, qtbot, page.warning_filter, "")
    assert choose(page, runner, qtbot, page.zone_filter, "4") == ["A paper-mill suspect"]


def test_sorting_by_rank_best_first_unranked_last_and_the_venue_history_in_the_detail(
    page: Any, runner: TaskRunner, qtbot: Any
) -> None:
    before = page.loaded_count
    page._sort_by(RANK)
    qtbot.waitUntil(lambda: page.loaded_count > before, timeout=20_000)
    m = page.model
    order = [m.data(m.index(r, 0)) for r in range(m.rowCount())]
    assert order[0] == "Deep pattern analysis"  # CCF A beats CCF B
    assert order.index("An IJCAI paper") < order.index("A workshop paper")
    assert set(order[-2:]) == {"A workshop paper", "A paper without venue"}

    # the detail pane: the venue's CCF editions, then its ranks per year
    row = next(r for r in range(m.rowCount()) if m.data(m.index(r, 0)) == "Deep pattern analysis")
    page.table.selectRow(row)
    qtbot.waitUntil(lambda: page.detail.history.text() != "", timeout=20_000)
    lines = page.detail.history.text().splitlines()
    assert lines[0].startswith("TPAMI · CCF A (2026) · A (2022)")
    assert lines[1] == "2025: 1区 Top · Q1 · IF 20.4"
    assert page.detail.where.text().endswith("CCF A")
