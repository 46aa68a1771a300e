"""The Papers page driven with pytest-qt: loads, searches (Chinese too), filters, shows a
paper, bulk edits, imports with per-record results, and pages rows in for a big library."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("PySide6")

from scholardesk.domain.papers import PaperRecord  # noqa: E402
from scholardesk.gui.papers.table_model import PAGE  # noqa: E402
from scholardesk.gui.tasks import TaskRunner  # noqa: E402
from scholardesk.services.context import Services  # noqa: E402

pytestmark = pytest.mark.gui
DATA = Path(__file__).resolve().parents[2] / "data" / "papers"


@pytest.fixture
def runner(qtbot: Any) -> Iterator[TaskRunner]:
    r = TaskRunner()
    TaskRunner.set_default(r)
    yield r
    r.shutdown()
    TaskRunner.set_default(None)


def make_page(services: Services, qtbot: Any, runner: TaskRunner) -> Any:
    from scholardesk.gui.papers.page import PapersPage

    page = PapersPage(services)
    runner.changes_applied.connect(page.on_changes)  # what the main window does
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    page.refresh()
    runner.wait_idle()
    return page


def wait_loaded(page: Any, runner: TaskRunner, qtbot: Any, before: int) -> None:
    qtbot.waitUntil(lambda: page.loaded_count > before, timeout=10_000)
    runner.wait_idle()


def test_search_filter_detail_and_bulk_edit(
    services: Services, qtbot: Any, runner: TaskRunner, real_fixture: Callable[[str], Path]
) -> None:
    services.papers.import_files([real_fixture("bibtex/thuthesis_refs_zh.bib"),
                                  real_fixture("arxiv/arxivpy_search_au_del_maestro.xml")])
    page = make_page(services, qtbot, runner)
    assert page.model.rowCount() == 44
    assert page.count_label.text() == "44 papers"
    # the first row is selected at start and shown in the detail pane
    assert page.detail.paper is not None

    before = page.loaded_count
    page.search.setText("机器")  # two characters: the LIKE fallback (debounced reload)
    wait_loaded(page, runner, qtbot, before)
    assert page.model.rowCount() == 1
    page.table.selectRow(0)
    runner.wait_idle()
    qtbot.waitUntil(lambda: page.detail.paper is not None
                    and page.detail.title.text() == "机器人柔性手腕的球面齿轮设计研究")
    assert page.detail.where.text() == "清华大学学报: 自然科学版 · 1994"

    # edit in the detail pane and save
    page.detail.tags.setText("gear, 中文")
    page.detail.status.setCurrentIndex(page.detail.status.findData("read"))
    page.detail.notes.setPlainText("see figure 3")
    before = page.loaded_count
    page.save_detail()
    runner.wait_idle()
    wait_loaded(page, runner, qtbot, before)
    paper = services.papers.get(page.model.id_at(0))
    assert (paper.status, paper.tags, paper.notes) == ("read", ("gear", "中文"), "see figure 3")

    # status filter + bulk edit of a selection
    page.search.clear()
    runner.wait_idle()
    qtbot.waitUntil(lambda: page.model.rowCount() == 44, timeout=10_000)
    page.status_filter.setCurrentIndex(page.status_filter.findData("read"))
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    page.status_filter.setCurrentIndex(0)
    qtbot.waitUntil(lambda: page.model.rowCount() == 44, timeout=10_000)
    page.table.selectRow(0)
    page.table.selectRow(1)
    ids = [page.model.id_at(0)]
    before = page.loaded_count
    page.bulk_update(ids, add_tags=["to-cite"])
    wait_loaded(page, runner, qtbot, before)
    assert "to-cite" in services.papers.get(ids[0]).tags
    assert page.tag_filter.findData("to-cite") > 0


def test_import_shows_per_record_results(services: Services, qtbot: Any, runner: TaskRunner) -> None:
    page = make_page(services, qtbot, runner)
    assert page.model.rowCount() == 0
    before = page.loaded_count
    page.import_files([str(DATA / "malformed.bib")])
    wait_loaded(page, runner, qtbot, before)
    report = page.last_report
    assert report is not None and report.imported == 2
    assert [e.record for e in report.errors] == [
        "line 9 (broken_brace)", "line 14 (missing_comma)", "line 19 (notitle)"
    ]
    assert page.model.rowCount() == 2
    from scholardesk.gui.papers.dialogs import ImportResultDialog

    dialog = ImportResultDialog(report, "Import")
    qtbot.addWidget(dialog)
    assert dialog.errors.rowCount() == 3
    assert dialog.errors.item(0, 1).text() == "line 9 (broken_brace)"


def test_rows_are_paged_in_on_demand(services: Services, qtbot: Any, runner: TaskRunner) -> None:
    services.papers.import_records(
        PaperRecord(title=f"Generated paper number {i}", source_kind="test", source_ref="gen",
                    record_ref=str(i), authors=(f"Author {i}",), year=2000 + i % 25)
        for i in range(1000)
    )
    page = make_page(services, qtbot, runner)
    model = page.model
    assert model.rowCount() == 1000
    assert model.cached(0) is not None  # the first page came with the ids
    last = model.rowCount() - 1
    assert model.cached(last) is None
    assert model.data(model.index(last, 0)) == "…"  # not cached: asks for its page
    with qtbot.waitSignal(model.page_loaded, timeout=10_000) as blocker:
        pass
    assert blocker.args == [last // PAGE]
    assert model.data(model.index(last, 0)) == "Generated paper number 0"
    # sorting by year asks SQL for a new order
    before = page.loaded_count
    page._sort_by(2)
    wait_loaded(page, runner, qtbot, before)
    assert model.data(model.index(0, 2)) == "2024"


def test_empty_states_say_why_the_table_is_empty(services: Services, qtbot: Any, runner: TaskRunner) -> None:
    page = make_page(services, qtbot, runner)
    assert page.empty_state.isVisible()
    assert "no papers yet" in page.empty_state.text()
    # nothing selected: a hint, not the disabled fields of some earlier paper
    assert page.detail.paper is None and page.detail.stack.currentWidget() is page.detail.placeholder

    services.papers.import_files([DATA / "malformed.bib"])
    before = page.loaded_count
    page.refresh()
    wait_loaded(page, runner, qtbot, before)
    assert not page.empty_state.isVisible()
    assert page.count_label.text() == "2 papers"

    before = page.loaded_count
    page.search.setText("zzzzqqq")
    wait_loaded(page, runner, qtbot, before)
    assert page.empty_state.isVisible()
    assert page.empty_state.text() == "No papers match “zzzzqqq”."
    assert page.detail.stack.currentWidget() is page.detail.placeholder


def test_counts_are_singular_for_one(services: Services, qtbot: Any, runner: TaskRunner) -> None:
    services.papers.import_records([PaperRecord(title="A single paper", source_kind="test",
                                                source_ref="one", record_ref="1")])
    page = make_page(services, qtbot, runner)
    assert page.count_label.text() == "1 paper"


def test_search_hits_are_highlighted(services: Services, qtbot: Any, runner: TaskRunner) -> None:
    from scholardesk.gui.widgets.highlight import highlighted_html

    services.papers.import_files([DATA / "malformed.bib"])
    page = make_page(services, qtbot, runner)
    title = page.model.data(page.model.index(0, 0))
    word = title.split()[0]
    before = page.loaded_count
    page.search.setText(word.lower())
    wait_loaded(page, runner, qtbot, before)
    assert page.highlight.terms == [word.lower()]
    assert highlighted_html("Deep <b> deep", ["deep"]).count("background-color") == 2
    assert "&lt;b&gt;" in highlighted_html("Deep <b> deep", ["deep"])  # text is never HTML


def test_column_widths_are_remembered(services: Services, qtbot: Any, runner: TaskRunner) -> None:
    page = make_page(services, qtbot, runner)
    header = page.table.horizontalHeader()
    header.resizeSection(1, 233)  # authors
    qtbot.wait(400)  # the save is debounced
    page.close()
    again = make_page(services, qtbot, runner)
    assert again.table.horizontalHeader().sectionSize(1) == 233


def test_context_menu_offers_open_and_copy_citation(
    services: Services, qtbot: Any, runner: TaskRunner
) -> None:
    services.papers.import_files([DATA / "malformed.bib"])
    page = make_page(services, qtbot, runner)
    qtbot.waitUntil(lambda: page.detail.paper is not None, timeout=10_000)
    menu = page.context_menu([page.detail.paper.id])
    entries = []
    for action in menu.actions():
        entries.append(action.text())
        if action.menu():
            entries.extend(a.text() for a in action.menu().actions())
    assert {"Open in browser", "Copy citation", "GB/T 7714", "APA", "IEEE", "BibTeX"} <= set(entries)


def test_importing_the_arxiv_snapshot_asks_which_categories_to_keep(
    services: Services, qtbot: Any, runner: TaskRunner
) -> None:
    page = make_page(services, qtbot, runner)
    asked: list[bool] = []

    def ask() -> str:
        asked.append(True)
        return "cs.*"

    page.ask_categories = ask
    before = page.loaded_count
    sample = DATA / "arxiv-metadata-oai-snapshot-sample.json"
    page.import_files([str(sample)])
    wait_loaded(page, runner, qtbot, before)
    report = page.last_report
    assert asked and report is not None and report.imported > 0
    stored = [services.papers.get(i) for i in services.papers.list_ids()]
    assert stored and all(any(c.startswith("cs.") for c in p.categories) for p in stored)


def test_a_bibtex_import_asks_nothing_and_a_cancelled_question_imports_nothing(
    services: Services, qtbot: Any, runner: TaskRunner
) -> None:
    page = make_page(services, qtbot, runner)
    page.ask_categories = lambda: pytest.fail("a .bib file is not a snapshot")
    before = page.loaded_count
    page.import_files([str(DATA / "malformed.bib")])
    wait_loaded(page, runner, qtbot, before)
    page.ask_categories = lambda: None  # the user pressed Cancel
    page.import_files([str(DATA / "arxiv-metadata-oai-snapshot-sample.json")])
    runner.wait_idle()
    assert services.papers.count() == 2


def test_the_categories_asked_for_a_snapshot_leave_a_bib_chosen_with_it_whole(
    services: Services, qtbot: Any, runner: TaskRunner
) -> None:
    page = make_page(services, qtbot, runner)
    page.ask_categories = lambda: "cs.*"
    before = page.loaded_count
    page.import_files([str(DATA / "malformed.bib"),
                       str(DATA / "arxiv-metadata-oai-snapshot-sample.json")])
    wait_loaded(page, runner, qtbot, before)
    report = page.last_report
    assert report is not None
    stored = [services.papers.get(i) for i in services.papers.list_ids()]
    from_bib = [p for p in stored if not p.categories]
    from_snapshot = [p for p in stored if p.categories]
    assert len(from_bib) == 2  # a .bib has no arXiv categories: nothing of it is filtered
    assert from_snapshot and all(any(c.startswith("cs.") for c in p.categories)
                                 for p in from_snapshot)
    assert report.imported == len(stored)


def test_deleting_papers_another_member_marked_says_theirs_go_too(
    services: Services, qtbot: Any, runner: TaskRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from scholardesk.domain.papers import PaperRecord
    from scholardesk.store.papers_repo import PapersRepository

    services.papers.import_records([PaperRecord("Conformer for speech", "test", "t", record_ref="1"),
                                    PaperRecord("Whisper at scale", "test", "t", record_ref="2")])
    conformer, whisper = sorted(services.papers.list_ids())
    with services.db.transaction() as session:  # bob, another member of a shared library
        session.info["person"] = "bob"
        PapersRepository(session).add_tags([conformer], ["to-cite"])
    page = make_page(services, qtbot, runner)
    asked: list[str] = []

    def answer(parent: Any, title: str, text: str) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.No
    monkeypatch.setattr(QMessageBox, "question", answer)
    page._delete([whisper])  # nobody else's: the plain question
    page._delete([conformer, whisper])
    assert asked[0] == "Delete 1 paper from the library?"
    assert "bob marked or tagged them" in asked[1] and "deleted too" in asked[1]
    runner.wait_idle()
    assert services.papers.count() == 2  # "No": nothing deleted


def test_what_another_member_changed_shows_after_a_refresh(
    services: Services, qtbot: Any, runner: TaskRunner
) -> None:
    """Another member (another process, another connection) adds a paper and marks one of
    ours in their own way; View > Refresh shows the new paper, and our marks stay ours."""
    from scholardesk.domain.papers import PaperRecord
    from scholardesk.store.db import Database
    from scholardesk.store.papers_repo import PapersRepository

    services.papers.import_records([PaperRecord("Conformer for speech", "test", "t",
                                                record_ref="1")])
    (ours,) = services.papers.list_ids()
    services.papers.update([ours], status="reading")
    page = make_page(services, qtbot, runner)
    assert page.model.rowCount() == 1
    other = Database(services.db.url, person="bob")
    try:
        with other.transaction() as session:
            session.info["person"] = "bob"  # (a personal SQLite library has one person)
            repo = PapersRepository(session)
            repo.insert_many([PaperRecord("Whisper at scale", "test", "bob", record_ref="2")])
            repo.set_fields([ours], status="read", rating=2)
    finally:
        other.dispose()
    assert page.model.rowCount() == 1  # not polled: the page shows what it read
    before = page.loaded_count
    page.refresh()
    wait_loaded(page, runner, qtbot, before)
    assert page.model.rowCount() == 2
    assert {r.title: r.status for r in services.papers.rows(services.papers.list_ids())} == {
        "Conformer for speech": "reading", "Whisper at scale": "unread"}
