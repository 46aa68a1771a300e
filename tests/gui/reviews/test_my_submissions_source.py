"""The Review times page's "Add my submissions" button: a real seed history, logged as the
user's own accepted manuscript, joins the real Crossref articles of its journal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scholardesk.gui.reviews.page import ReviewsPage
from scholardesk.gui.tasks import TaskRunner
from scholardesk.services.context import Services
from scholardesk.services.reviews import SHARED_MANUSCRIPT_TITLE

SUBMISSIONS = Path(__file__).resolve().parents[2] / "data" / "submissions"
ECOLOGY = "crossref/habanero_works_query_ecology_author_boettiger_20items.json"


def test_add_my_submissions_button(
    services: Services, qtbot: Any, real_fixture: Callable[[str], Path]
) -> None:
    runner = TaskRunner()
    TaskRunner.set_default(runner)
    try:
        services.submissions.today = lambda: dt.date(2025, 1, 10)
        services.reviews.import_files([real_fixture(ECOLOGY)])
        text = (SUBMISSIONS / "seed109_flattened.txt").read_text(encoding="utf-8")
        services.submissions.import_text(text, "Methods in Ecology and Evolution", "My model")
        page = ReviewsPage(services)
        qtbot.addWidget(page)
        page.resize(1300, 800)
        page.show()
        page.refresh()
        qtbot.waitUntil(lambda: page.loaded_count >= 1 and not page._loading, timeout=15_000)
        assert page.current_journal() == "2041-210X"  # the journal with the most articles
        assert "n = 4" in page.cards["received-accepted"].detail.text()

        before = page.loaded_count
        page.mine_button.click()
        qtbot.waitUntil(lambda: page.loaded_count > before and not page._loading,
                        timeout=15_000)
        assert page.message.text().startswith("My submissions: imported 1, updated 0")
        assert "n = 5" in page.cards["received-accepted"].detail.text()
        assert "100 days (median)" in page.cards["received-accepted"].value.text()
        model = page.articles_model
        sources = [model.index(r, 10).data() for r in range(model.rowCount())]
        assert sources.count("my submissions") == 1
        mine = next(r for r in range(model.rowCount()) if model.index(r, 10).data() ==
                    "my submissions")
        # (a shared library, the PostgreSQL run: the dates count for all, the title is private)
        assert model.index(mine, 1).data() == (
            "My model" if services.db.is_sqlite else SHARED_MANUSCRIPT_TITLE)
        assert model.index(mine, 8).data() == "130"
        opened: list[str] = []
        page.open_url = opened.append  # type: ignore[method-assign]
        page._open_article(page.articles_proxy.mapFromSource(model.index(mine, 0)))
        assert opened == []  # "submission:N" is no web address

        page.mine_button.click()  # a second run changes nothing
        qtbot.waitUntil(lambda: page.mine_button.isEnabled(), timeout=15_000)
        runner.wait_idle(30)
        assert "imported 0, updated 0, unchanged 1" in page.message.text()
    finally:
        runner.wait_idle(30)
        runner.shutdown()
        TaskRunner.set_default(None)
