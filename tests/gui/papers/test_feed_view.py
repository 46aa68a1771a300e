"""The New view driven at the keyboard with pytest-qt: ranked rows, J/K to move, S skip,
N not interested, A add to the library (the tag prompt injected), O open the PDF (the opener
injected), rule chips, the status banner when arXiv cannot be reached."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt, QUrl  # noqa: E402

from scholardesk.core.config import Settings  # noqa: E402
from scholardesk.domain.papers import PaperFilter  # noqa: E402
from scholardesk.gui.tasks import TaskRunner  # noqa: E402
from scholardesk.services.context import Services  # noqa: E402
from scholardesk.services.papers_feed import FeedRow  # noqa: E402
from tests.services.test_papers_feed import (  # noqa: E402
    PHYSICS,
    TESTING,
    feed,
    point_at,
    recorded_entries,
    serve,
)

pytestmark = pytest.mark.gui


@pytest.fixture
def runner(qtbot: Any) -> Iterator[TaskRunner]:
    r = TaskRunner()
    TaskRunner.set_default(r)
    yield r
    r.wait_idle(30)
    r.shutdown()
    TaskRunner.set_default(None)


@pytest.fixture
def filled(
    services: Services, local_server: ThreadingHTTPServer, real_fixture: Callable[[str], Path]
) -> Services:
    point_at(services, local_server)
    serve(local_server, feed(recorded_entries(real_fixture, PHYSICS)
                             + recorded_entries(real_fixture, TESTING)))
    services.papers.subscribe("cs.SE")
    assert services.papers_feed.update().new == 20
    return services


def make_page(services: Services, qtbot: Any, runner: TaskRunner) -> Any:
    from scholardesk.gui.papers.feed_view import FeedPage

    page = FeedPage(services)
    runner.changes_applied.connect(page.on_changes)  # what the main window does
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    before = page.loaded_count
    page.refresh()
    wait_loaded(page, runner, qtbot, before)
    return page


def wait_loaded(page: Any, runner: TaskRunner, qtbot: Any, before: int) -> None:
    qtbot.waitUntil(lambda: page.loaded_count > before, timeout=15_000)
    runner.wait_idle()


def key(page: Any, qtbot: Any, k: Qt.Key) -> None:
    qtbot.keyClick(page.table, k)


def current_key(page: Any) -> str:
    row = page.current_row()
    assert row is not None
    return str(row.work_key)


def test_rows_banner_and_moving_with_j_and_k(
    filled: Services, qtbot: Any, runner: TaskRunner
) -> None:
    page = make_page(filled, qtbot, runner)
    assert page.model.rowCount() == 20
    assert page.banner.text().startswith("Last updated ")
    assert "only 0 papers tagged, rated or read" in page.method_label.text()
    first = current_key(page)
    assert page.table.currentIndex().row() == 0
    key(page, qtbot, Qt.Key.Key_J)
    key(page, qtbot, Qt.Key.Key_J)
    assert page.table.currentIndex().row() == 2
    key(page, qtbot, Qt.Key.Key_K)
    assert page.table.currentIndex().row() == 1
    key(page, qtbot, Qt.Key.Key_Down)
    assert page.table.currentIndex().row() == 2
    runner.wait_idle()
    # every row that was current is remembered as seen
    seen = {r.work_key for r in filled.papers_feed.view().rows if r.seen}
    assert seen == {first, page.model.rows[1].work_key, page.model.rows[2].work_key}
    assert page.model.rows[2].title in page.detail.toPlainText()  # the current paper


def test_skip_and_not_interested_remove_the_row_and_move_on(
    filled: Services, qtbot: Any, runner: TaskRunner
) -> None:
    page = make_page(filled, qtbot, runner)
    first, second, third = (page.model.rows[i].work_key for i in range(3))
    key(page, qtbot, Qt.Key.Key_S)
    assert page.model.rowCount() == 19 and current_key(page) == second
    before = page.loaded_count
    key(page, qtbot, Qt.Key.Key_N)
    assert page.model.rowCount() == 18 and current_key(page) == third
    wait_loaded(page, runner, qtbot, before)  # re-ranked in the background
    assert current_key(page) == third  # the same paper stays current
    keys = {r.work_key for r in page.model.rows}
    assert first not in keys and second not in keys and page.model.rowCount() == 18
    view = filled.papers_feed.view()
    assert view.negatives == 1 and len(view.rows) == 18


def test_a_adds_the_paper_to_the_library_with_the_tag_chosen(
    filled: Services, qtbot: Any, runner: TaskRunner
) -> None:
    page = make_page(filled, qtbot, runner)
    asked: list[tuple[str, Sequence[str]]] = []

    def prompt(row: FeedRow, suggestions: Sequence[str]) -> str:
        asked.append((row.work_key, list(suggestions)))
        return "testing"

    page.prompt_tag = prompt
    target = current_key(page)
    before = page.loaded_count
    key(page, qtbot, Qt.Key.Key_A)
    assert asked and asked[0][0] == target
    wait_loaded(page, runner, qtbot, before)
    assert target not in {r.work_key for r in page.model.rows}
    tagged = filled.papers.list_papers(PaperFilter(tag="testing"))
    assert [r.arxiv_id for r in tagged] == [target]
    assert "only 1 paper tagged, rated or read" in page.method_label.text()
    # the next time, the library's tags are offered
    key(page, qtbot, Qt.Key.Key_A)
    assert "testing" in asked[1][1]


def test_a_cancelled_tag_prompt_changes_nothing(
    filled: Services, qtbot: Any, runner: TaskRunner
) -> None:
    page = make_page(filled, qtbot, runner)
    page.prompt_tag = lambda row, suggestions: None
    key(page, qtbot, Qt.Key.Key_A)
    runner.wait_idle()
    assert page.model.rowCount() == 20 and filled.papers.count() == 0


def test_o_opens_the_pdf(filled: Services, qtbot: Any, runner: TaskRunner) -> None:
    page = make_page(filled, qtbot, runner)
    opened: list[QUrl] = []
    page.opener = opened.append
    key(page, qtbot, Qt.Key.Key_O)
    row = page.current_row()
    assert [u.toString() for u in opened] == [row.pdf_url]
    assert row.pdf_url.startswith("http") and "/pdf/" in row.pdf_url


def test_rule_chips_are_added_and_removed(
    filled: Services, qtbot: Any, runner: TaskRunner
) -> None:
    page = make_page(filled, qtbot, runner)
    page.rule_kind.setCurrentIndex(page.rule_kind.findData("category"))
    qtbot.keyClicks(page.rule_value, "cond-mat")
    before = page.loaded_count
    qtbot.keyClick(page.rule_value, Qt.Key.Key_Return)
    wait_loaded(page, runner, qtbot, before)
    assert page.chips() == ["⊘ cond-mat  ✕"]
    assert page.model.rowCount() == 10  # the physics papers are muted
    chip = page.chips_box.itemAt(0).widget()
    before = page.loaded_count
    qtbot.mouseClick(chip, Qt.MouseButton.LeftButton)
    wait_loaded(page, runner, qtbot, before)
    assert page.chips() == [] and page.model.rowCount() == 20


def test_many_rule_chips_wrap_onto_more_lines_each_whole(
    services: Services, qtbot: Any, runner: TaskRunner
) -> None:
    for word in ("conformer", "transducer", "streaming", "wav2vec", "diarization", "whisper",
                 "keyword spotting", "speech enhancement", "voice conversion", "tts"):
        services.papers_feed.add_rule("include", word)
    services.papers_feed.add_rule("author", "Yoshua Bengio")
    services.papers_feed.add_rule("category", "cond-mat")
    page = make_page(services, qtbot, runner)
    qtbot.waitUntil(lambda: len(page.chips()) == 12, timeout=10_000)
    qtbot.waitUntil(lambda: page.chips_widget.height() > 30, timeout=5_000)
    chips = [page.chips_box.itemAt(i).widget() for i in range(page.chips_box.count())]
    assert len({c.y() for c in chips}) >= 2  # more than one line
    width = page.chips_widget.width()
    assert all(c.x() >= 0 and c.x() + c.width() <= width for c in chips)  # none cut off
    assert page.rule_add.isVisible() and page.rule_add.x() + page.rule_add.width() <= page.width()


def test_when_arxiv_cannot_be_reached_the_view_keeps_its_rows_and_says_why(
    filled: Services, qtbot: Any, runner: TaskRunner
) -> None:
    page = make_page(filled, qtbot, runner)
    filled.settings = Settings(service_urls={"arxiv": "http://127.0.0.1:9/api/query"},
                               arxiv_interval_s=0.0, max_retries=0, timeout_s=2.0)
    before = page.loaded_count
    qtbot.mouseClick(page.update_button, Qt.MouseButton.LeftButton)
    wait_loaded(page, runner, qtbot, before)
    assert page.model.rowCount() == 20
    text = page.banner.text()
    assert text.startswith("Could not update: ") and "arXiv did not answer" in text
    assert "showing what was fetched on" in text


def test_an_empty_feed_says_how_to_fill_it(services: Services, qtbot: Any,
                                           runner: TaskRunner) -> None:
    page = make_page(services, qtbot, runner)
    assert page.model.rowCount() == 0
    assert "Follow arXiv categories" in page.empty.text() and page.empty.isVisible()
    assert page.banner.text().startswith("Never updated")
