"""The Papers table never needs the whole library: the count and the first window come from
one query, any other window (ids and rows) is fetched by position when a view shows it, and
only a bounded number of windows stays cached."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pytest

pytest.importorskip("PySide6")

from scholardesk.domain.papers import PaperFilter, PaperRecord, PaperRow  # noqa: E402
from scholardesk.gui.papers import table_model  # noqa: E402
from scholardesk.gui.papers.table_model import PAGE, PapersTableModel  # noqa: E402
from scholardesk.gui.tasks import TaskRunner  # noqa: E402
from scholardesk.services.context import Services  # noqa: E402

pytestmark = pytest.mark.gui
TOTAL = 1_000_000  # a million rows, of which the model only ever sees the windows shown


@pytest.fixture
def runner(qtbot: Any) -> Iterator[TaskRunner]:
    r = TaskRunner()
    TaskRunner.set_default(r)
    yield r
    r.shutdown()
    TaskRunner.set_default(None)


class FakeLibrary:
    """A million papers in position order: row r is paper TOTAL - r (newest first)."""

    def __init__(self) -> None:
        self.windows: list[tuple[int, int]] = []
        self.rows_asked: list[int] = []

    def window(self, offset: int, limit: int) -> list[int]:
        self.windows.append((offset, limit))
        return [TOTAL - r for r in range(offset, min(offset + limit, TOTAL))]

    def rows(self, ids: Sequence[int]) -> list[PaperRow]:
        self.rows_asked.extend(ids)
        return [PaperRow(i, f"Paper {i}", ("A. Author",), 2020, "", None, None, "unread", 0,
                         (), False) for i in ids]


def lazy_model(qtbot: Any, library: FakeLibrary) -> PapersTableModel:
    model = PapersTableModel(library.rows)
    first = library.window(0, PAGE)
    model.set_window(TOTAL, first, library.rows(first), None, library.window)
    library.windows.clear()
    library.rows_asked.clear()
    return model


def show(qtbot: Any, model: PapersTableModel, row: int) -> None:
    assert model.data(model.index(row, 0)) == "…"  # not there yet: its window is asked for
    with qtbot.waitSignal(model.page_loaded, timeout=10_000) as blocker:
        pass
    assert blocker.args == [row // PAGE]


def test_the_first_window_and_the_count_are_all_it_starts_with(
    qtbot: Any, runner: TaskRunner
) -> None:
    library = FakeLibrary()
    model = lazy_model(qtbot, library)
    assert model.rowCount() == TOTAL
    assert model.data(model.index(0, 0)) == f"Paper {TOTAL}"
    assert model.data(model.index(PAGE - 1, 0)) == f"Paper {TOTAL - PAGE + 1}"
    assert model.id_at(PAGE) is None  # the second window is not known yet
    assert len(model.ids()) == PAGE
    assert library.windows == [] and library.rows_asked == []


def test_a_jump_to_row_900000_fetches_that_window_only(qtbot: Any, runner: TaskRunner) -> None:
    library = FakeLibrary()
    model = lazy_model(qtbot, library)
    row = 900_123
    show(qtbot, model, row)
    assert library.windows == [(row // PAGE * PAGE, PAGE)]
    assert model.data(model.index(row, 0)) == f"Paper {TOTAL - row}"
    assert model.id_at(row) == TOTAL - row and model.row_of(TOTAL - row) == row
    assert len(library.rows_asked) == PAGE
    # shown again: cached, nothing asked
    assert model.data(model.index(row + 1, 0)) == f"Paper {TOTAL - row - 1}"
    assert len(library.windows) == 1


def test_scrolling_far_keeps_a_bounded_cache(
    qtbot: Any, runner: TaskRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(table_model, "MAX_PAGES", 3)
    library = FakeLibrary()
    model = lazy_model(qtbot, library)
    for page in (10, 20, 30, 40):
        show(qtbot, model, page * PAGE)
    assert model.cached(40 * PAGE) is not None
    assert model.cached(10 * PAGE) is None  # the farthest window was dropped
    assert model.id_at(10 * PAGE) is None
    assert len(model.ids()) <= 4 * PAGE  # first window's ids + three windows
    show(qtbot, model, 10 * PAGE)  # and comes back by position when scrolled to again
    assert model.data(model.index(10 * PAGE, 0)) == f"Paper {TOTAL - 10 * PAGE}"


def test_the_papers_page_pages_a_library_in_windows_in_sql_order(
    services: Services, qtbot: Any, runner: TaskRunner
) -> None:
    from scholardesk.gui.papers.page import PapersPage

    services.papers.import_records(
        PaperRecord(title=f"Generated paper number {i}", source_kind="test", source_ref="gen",
                    record_ref=str(i), authors=(f"Author {i}",), year=2000 + i % 25)
        for i in range(1000)
    )
    asked: list[int] = []
    all_ids = services.papers.list_ids
    services.papers.list_ids = lambda *a, **k: asked.append(1) or all_ids(*a, **k)  # type: ignore[method-assign]
    page = PapersPage(services)
    qtbot.addWidget(page)
    page.refresh()
    qtbot.waitUntil(lambda: page.loaded_count > 0, timeout=10_000)
    runner.wait_idle()
    model = page.model
    assert model.rowCount() == 1000 and page.count_label.text() == "1,000 papers"
    assert asked == []  # the page never asked for every id
    assert model.id_at(PAGE) is None
    show(qtbot, model, 850)
    expected = all_ids(PaperFilter(), "added", True)
    assert [model.id_at(r) for r in range(800, 1000)] == expected[800:1000]
