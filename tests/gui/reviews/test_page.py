"""The Review times page driven with pytest-qt: sample data, journal choice, cards with the
n < 20 warning and official figure, keyword filter, excluded list, DOI opening, exports and a
collection (with cancel) against a local server."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from scholardesk.gui.reviews.dialogs import CollectDialog, CollectRequest, ManualEntryDialog
from scholardesk.gui.reviews.page import ReviewsPage
from scholardesk.gui.tasks import TaskRunner
from scholardesk.services.context import Services
from scholardesk.services.reviews import ReviewsService
from scholardesk.sources.http import HttpPolicy, PoliteClient


@pytest.fixture
def page(services: Services, qtbot: Any) -> Iterator[ReviewsPage]:
    runner = TaskRunner()
    TaskRunner.set_default(runner)
    services.reviews.load_sample()
    p = ReviewsPage(services)
    qtbot.addWidget(p)
    p.resize(1300, 800)
    p.show()
    p.refresh()
    qtbot.waitUntil(lambda: p.loaded_count >= 1 and not p._loading, timeout=15_000)
    yield p
    runner.wait_idle(30)
    runner.shutdown()
    TaskRunner.set_default(None)


def _wait_load(p: ReviewsPage, qtbot: Any, action: Callable[[], None]) -> None:
    before = p.loaded_count
    action()
    qtbot.waitUntil(lambda: p.loaded_count > before and not p._loading, timeout=15_000)


def test_opens_on_the_largest_journal_with_cards_and_tables(page: ReviewsPage) -> None:
    assert page.current_journal() == "9990-0015"
    card = page.cards["received-accepted"]
    assert "days (median)" in card.value.text()
    assert "n = 46" in card.detail.text() and "excluded 1" in card.detail.text()
    assert card.official.text() == "Official figure: 120 days"
    assert card.warning.text() == ""
    assert page.articles_model.rowCount() == 47
    assert page.excluded_model.rowCount() == 1
    assert page.excluded_model.index(0, 11).data() == "accepted date is before the received date"
    assert page.tabs.tabText(1) == "Articles (47)"
    assert page.years_model.rowCount() >= 5
    assert page.compare_model.rowCount() == 3  # three sample journals side by side


def test_first_show_names_the_same_journal_in_the_combo_label_and_cards(
    page: ReviewsPage, qtbot: Any
) -> None:
    # one load, not a load of "All journals" followed by a second one
    qtbot.wait(200)
    assert page.loaded_count == 1
    assert page.journal.currentIndex() == 1
    assert page.journal.currentText().startswith("Sample Journal of Machine Learning (")
    assert page.message.text() == "Sample Journal of Machine Learning"
    assert page.view_data.query.journal == page.journal.currentData() == "9990-0015"
    assert "n = 46" in page.cards["received-accepted"].detail.text()


def test_a_long_journal_name_reads_from_its_start(page: ReviewsPage, qtbot: Any) -> None:
    assert page.journal.lineEdit().cursorPosition() == 0
    _wait_load(page, qtbot, lambda: page.select_journal("9990-004X"))
    assert page.journal.lineEdit().cursorPosition() == 0
    assert page.journal.lineEdit().text().startswith(page.journal.currentText()[:10])


def test_deleting_the_sample_drops_its_journals_from_the_combo(
    page: ReviewsPage, services: Services, qtbot: Any
) -> None:
    assert page.journal.count() == 4  # all journals + three sample journals
    services.reviews.delete_sample()
    _wait_load(page, qtbot, page.refresh)
    qtbot.wait(200)
    assert not page._loading
    assert page.journal.count() == 1
    assert page.journal.currentText() == "All journals"
    assert page.message.text() == "No articles yet: collect a journal's dates or import files."
    assert page.articles_model.rowCount() == 0


def test_small_journal_warns_and_keyword_filters(page: ReviewsPage, qtbot: Any) -> None:
    _wait_load(page, qtbot, lambda: page.select_journal("9990-004X"))
    card = page.cards["received-accepted"]
    assert "n = 12" in card.detail.text()
    assert "Fewer than 20" in card.warning.text()
    _wait_load(page, qtbot, lambda: page.select_journal("Sample Journal of Machine Learning"))
    _wait_load(page, qtbot, lambda: page.keyword.setText("survey"))
    titles = [page.articles_model.index(r, 1).data() for r in range(page.articles_model.rowCount())]
    assert titles and all("survey" in t.lower() for t in titles)
    _wait_load(page, qtbot, lambda: page.interval.setCurrentIndex(2))
    assert page.plots.hist.titleLabel.text == "Accepted → online"


def test_double_click_opens_the_doi(page: ReviewsPage, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(page, "open_url", opened.append)
    index = page.articles_view.model().index(0, 0)
    page.articles_view.doubleClicked.emit(index)
    assert opened and opened[0].startswith("https://doi.org/10.5555/sample.")


def test_exports(page: ReviewsPage, qtbot: Any, tmp_path: Path) -> None:
    runner = TaskRunner.default()
    page.export_summary(tmp_path / "summary.xlsx")
    page.export_articles(tmp_path / "articles.json")
    runner.wait_idle(20)
    assert (tmp_path / "summary.xlsx").stat().st_size > 1000
    rows = json.loads((tmp_path / "articles.json").read_text(encoding="utf-8"))
    assert len(rows) == 47
    page.export_plots(tmp_path / "plots.png")
    assert (tmp_path / "plots.png").read_bytes()[:4] == b"\x89PNG"
    page.export_plots(tmp_path / "plots.svg")
    assert b"<svg" in (tmp_path / "plots.svg").read_bytes()[:500]


def test_manual_entry_and_dialogs(page: ReviewsPage, qtbot: Any) -> None:
    dialog = CollectDialog("2041-210X")
    assert dialog.request().journal == "2041-210X" and dialog.request().source == "crossref"
    manual = ManualEntryDialog("9990-0015")
    manual.edits["received"].setText("2024-01-01")
    manual.edits["accepted"].setText("2024年3月1日")
    before = page.articles_model.rowCount()
    _wait_load(page, qtbot, lambda: page.add_manual(manual.fields()))
    assert page.articles_model.rowCount() == before + 1


def test_collect_with_progress_and_cancel(
    page: ReviewsPage, qtbot: Any, services: Services, local_server: Any,
    real_fixture: Callable[[str], Path],
) -> None:
    body = json.loads(real_fixture(
        "crossref/habanero_works_query_ecology_author_boettiger_20items.json").read_bytes())
    body["message"]["next-cursor"] = "C2"
    local_server.routes["/journals/2041-210X/works"] = [
        (200, {}, json.dumps(body).encode()),
        (503, {"Retry-After": "30"}, b"busy"),
    ]
    client = PoliteClient(HttpPolicy(max_retries=3, backoff_s=0.05))
    page.svc = ReviewsService(services.db, lambda: client, crossref_base=local_server.base_url)
    page.collect(CollectRequest("2041-210X", "crossref", "", "", None))
    assert page.cancel_button.isVisibleTo(page)
    qtbot.waitUntil(lambda: len(local_server.requests) >= 2, timeout=10_000)
    page.cancel_collect()  # the client is waiting out Retry-After: 30
    qtbot.waitUntil(lambda: page._collect_task is None, timeout=10_000)
    assert "cancelled" in page.message.text()
    assert not page.cancel_button.isVisibleTo(page)
    qtbot.waitUntil(lambda: not page._loading, timeout=10_000)
    assert any(j.query == "2041-210X" for j in services.reviews.journals())
    client.close()
