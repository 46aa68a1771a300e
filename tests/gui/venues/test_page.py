"""The Venues page driven with pytest-qt: loads, filters, resolves, shows details, countdowns."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from scholardesk.domain.venues import DeadlineRow
from scholardesk.gui.tasks import TaskRunner
from scholardesk.gui.venues.page import VenuesPage
from scholardesk.gui.venues.table_models import countdown_text
from scholardesk.services.context import Services

DATA = Path(__file__).resolve().parents[2] / "data" / "venues"


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    r = TaskRunner()
    TaskRunner.set_default(r)
    yield r
    r.wait_idle(30)
    r.shutdown()
    TaskRunner.set_default(None)


@pytest.fixture
def page(services: Services, runner: TaskRunner, qtbot: Any) -> VenuesPage:
    services.venues.load_sample()
    services.venues.import_metrics(DATA / "metrics.csv")  # unresolved rows are reported only
    services.venues.sync_deadlines(DATA / "ccfddl_mixed")
    p = VenuesPage(services)
    qtbot.addWidget(p)
    p.resize(1200, 800)
    p.show()
    p.refresh()
    runner.wait_idle(30)
    return p


def test_loads_and_filters(page: VenuesPage, runner: TaskRunner) -> None:
    assert page.model.rowCount() >= 68
    page.category.setCurrentIndex(page.category.findData("AI"))
    page.rank.setCurrentIndex(page.rank.findData("A"))
    page.kind.setCurrentIndex(page.kind.findData("conference"))
    shown = {page.proxy.index(r, 0).data() for r in range(page.proxy.rowCount())}
    assert shown == {"AAAI", "NeurIPS", "ACL", "CVPR", "ICCV", "ICML", "IJCAI"}
    page.search.setText("neural")
    assert [page.proxy.index(r, 0).data() for r in range(page.proxy.rowCount())] == ["NeurIPS"]
    page.publisher.setCurrentIndex(page.publisher.findData("IEEE"))
    assert page.proxy.rowCount() == 0
    assert "of" in page.status.text()


def test_details_with_metrics_chart_and_deadlines(page: VenuesPage, runner: TaskRunner,
                                                  qtbot: Any) -> None:
    page.search.setText("NeurIPS")
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: page.detail is not None and page.detail.venue.abbr == "NeurIPS",
                    timeout=10_000)
    assert "CCF A" in page.title.text()
    years = {r.year for r in page.venue_deadlines.rows}
    assert years == {2030, 2031}
    # acceptance rates from ccf-deadlines: the chart draws them, by source
    assert page.chart_metric.currentData() == "acceptance_rate"
    curve = page.curves["ccf-deadlines"]
    xs, ys = curve.getData()
    assert list(xs) == [2029, 2030] and ys[0] == pytest.approx(0.25)


def test_typing_a_venue_string_resolves_it(page: VenuesPage, runner: TaskRunner,
                                           qtbot: Any) -> None:
    page.search.setText("Proc. CVPR")
    qtbot.waitUntil(lambda: "CVPR" in page.match_label.text() and "→" in page.match_label.text(),
                    timeout=10_000)
    assert "95%" in page.match_label.text()


def test_add_a_metric_value(page: VenuesPage, services: Services, runner: TaskRunner,
                            qtbot: Any) -> None:
    venue = services.venues.match("TPAMI").venue  # type: ignore[union-attr]
    services.venues.set_metric(venue.id, 2024, "JCR 2025", "impact_factor", "20.8")
    page.select_venue(venue.id)
    qtbot.waitUntil(lambda: page.detail is not None and page.detail.venue.id == venue.id,
                    timeout=10_000)
    assert sorted(m.value for m in page.metrics_model.rows) == ["20.8", "Q1"]


def test_upcoming_deadlines_count_down_without_queries(page: VenuesPage) -> None:
    rows = page.deadline_model.rows
    assert {r.venue for r in rows} >= {"NeurIPS", "VLDB", "BEIJINGCONF"}
    first = page.deadline_model.index(0, 0).data()
    later = (page.deadline_model.now + timedelta(seconds=5))
    page.deadline_model.tick(later)
    assert page.deadline_model.index(0, 0).data() != first
    page.ranked_only.setChecked(True)
    assert all(r.ccf_rank for r in page.deadline_model.rows)
    assert "VLDB" not in {r.venue for r in page.deadline_model.rows}  # not in the AI sample
    page.ranked_only.setChecked(False)
    page.deadline_search.setText("vldb")
    assert {r.venue for r in page.deadline_model.rows} == {"VLDB"}


def test_export_ics_and_import_actions(page: VenuesPage, runner: TaskRunner, tmp_path: Path) -> None:
    out = tmp_path / "d.ics"
    page.export_ics(str(out))
    runner.wait_idle(30)
    assert out.read_text(encoding="utf-8").count("BEGIN:VEVENT") == len(page.deadline_model.rows)
    assert len(page.import_actions()) == 5 and len(page.export_actions()) == 2
    page.import_catalogue(str(DATA / "catalogue_small.csv"))
    runner.wait_idle(30)
    assert page.last_report is not None and len(page.last_report.errors) == 3


def test_countdown_text() -> None:
    now = datetime(2025, 1, 1, tzinfo=UTC)
    assert countdown_text(now + timedelta(days=2, hours=3, seconds=5), now) == "2 d 03:00:05"
    assert countdown_text(now - timedelta(seconds=1), now) == "closed"
    assert countdown_text(None, now) == "TBD"


def test_empty_library_offers_the_import(services: Services, runner: TaskRunner, qtbot: Any) -> None:
    p = VenuesPage(services)
    qtbot.addWidget(p)
    p.show()
    p.refresh()
    runner.wait_idle(30)
    assert p.empty.isVisible()
    assert isinstance(p.deadline_model.rows, list) and not p.deadline_model.rows
    assert DeadlineRow  # the model's row type


def test_papers_page_shows_ccf_badges_and_filters_by_rank(services: Services, runner: TaskRunner,
                                                         qtbot: Any) -> None:
    """Venues × papers: the Papers page's CCF rank filter and detail badge."""
    from scholardesk.gui.papers.page import PapersPage

    services.venues.load_sample()
    services.papers.load_sample()
    p = PapersPage(services)
    qtbot.addWidget(p)
    p.show()
    p.refresh()
    runner.wait_idle(30)
    everything = p.model.rowCount()
    p.rank_filter.setCurrentIndex(p.rank_filter.findData("A"))
    runner.wait_idle(30)
    qtbot.waitUntil(lambda: p.model.rowCount() == 3, timeout=10_000)
    assert everything > 3
    p.table.selectRow(0)
    qtbot.waitUntil(lambda: "CCF A" in p.detail.where.text(), timeout=10_000)
    p.rank_filter.setCurrentIndex(p.rank_filter.findData("B"))
    qtbot.waitUntil(lambda: p.model.rowCount() == 1, timeout=10_000)  # BERT at NAACL
