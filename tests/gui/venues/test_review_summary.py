"""The Venues detail pane's review-time summary: a journal of the library (from a small
catalogue CSV) whose articles' dates come from a real Crossref works list; a journal without
dates; a conference (no summary); and a reload when review data change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from scholardesk.domain.changes import REVIEWS, Changes
from scholardesk.gui.tasks import TaskRunner
from scholardesk.gui.venues.page import VenuesPage
from scholardesk.services.context import Services

DATA = Path(__file__).resolve().parents[2] / "data"
ECOLOGY = "crossref/habanero_works_query_ecology_author_boettiger_20items.json"


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    r = TaskRunner()
    TaskRunner.set_default(r)
    yield r
    r.wait_idle(30)
    r.shutdown()
    TaskRunner.set_default(None)


@pytest.fixture
def page(services: Services, runner: TaskRunner, qtbot: Any,
         real_fixture: Callable[[str], Path]) -> VenuesPage:
    services.venues.import_ccf(DATA / "venues" / "catalogue_review_journal.csv")
    services.reviews.import_files([real_fixture(ECOLOGY)])
    p = VenuesPage(services)
    qtbot.addWidget(p)
    p.resize(1200, 800)
    p.show()
    p.refresh()
    runner.wait_idle(30)
    return p


def _select(page: VenuesPage, qtbot: Any, text: str, name: str) -> None:
    page.search.setText(text)
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: page.detail is not None and page.detail.venue.name == name,
                    timeout=10_000)


def test_journal_summary_warning_conference_and_reload(
    page: VenuesPage, services: Services, runner: TaskRunner, qtbot: Any
) -> None:
    label = page.review_summary
    # "Methods in Ecology & Evolution" in the catalogue = "... and Evolution" at Crossref
    _select(page, qtbot, "MEE", "Methods in Ecology & Evolution")
    qtbot.waitUntil(lambda: label.summary is not None, timeout=10_000)
    assert label.isVisible()
    s = label.summary
    assert s is not None and (s.journal, s.issn) == ("Methods in Ecology and Evolution", "2041-210X")
    assert (s.stats.n, s.stats.excluded, s.stats.median_days) == (4, 1, 92.5)
    text = label.text()
    assert "median 92.5 days · n = 4" in text and "1 excluded" in text
    assert "Fewer than 20 articles" in text and "2041-210X" in text

    # a journal without article dates says so
    _select(page, qtbot, "Neural Networks", "Neural Networks")
    qtbot.waitUntil(lambda: "no usable received/accepted dates" in label.text(), timeout=10_000)
    assert label.summary is None

    # a conference has no review-time summary
    _select(page, qtbot, "NeurIPS", "Conference on Neural Information Processing Systems")
    assert not label.isVisible()

    # back on the journal, new review data (the user's own accepted manuscript) reload it
    _select(page, qtbot, "MEE", "Methods in Ecology & Evolution")
    qtbot.waitUntil(lambda: label.summary is not None and label.summary.stats.n == 4,
                    timeout=10_000)
    services.submissions.today = lambda: dt.date(2025, 1, 10)
    history = (DATA / "submissions" / "seed109_flattened.txt").read_text(encoding="utf-8")
    services.submissions.import_text(history, "Methods in Ecology and Evolution", "My model")
    services.reviews.import_my_submissions()
    page.on_changes(Changes.of(REVIEWS))
    qtbot.waitUntil(lambda: label.summary is not None and label.summary.stats.n == 5,
                    timeout=10_000)
    assert "median 100 days · n = 5" in label.text()


def test_summary_in_chinese(page: VenuesPage, qtbot: Any) -> None:
    from scholardesk.core import i18n

    try:
        i18n.set_language("zh_CN")
        _select(page, qtbot, "MEE", "Methods in Ecology & Evolution")
        qtbot.waitUntil(lambda: page.review_summary.summary is not None, timeout=10_000)
        page.review_summary.show_summary(page.review_summary.summary)
        text = page.review_summary.text()
        assert "中位数 92.5 天" in text and "n = 4" in text
    finally:
        i18n.set_language("en")
