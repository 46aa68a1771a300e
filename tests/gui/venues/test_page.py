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
    assert len(page.import_actions()) == 7 and len(page.export_actions()) == 2
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


def test_pasting_a_venue_string_selects_and_shows_the_match(page: VenuesPage,
                                                            qtbot: Any) -> None:
    """"NeurIPS 2023" is no substring of any venue: the table still lists NeurIPS, selected,
    and the detail pane shows it (not the venue selected before)."""
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: page.detail is not None, timeout=10_000)
    assert page.detail is not None and page.detail.venue.abbr != "NeurIPS"
    page.search.setText("NeurIPS 2023")
    qtbot.waitUntil(lambda: page.detail is not None and page.detail.venue.abbr == "NeurIPS",
                    timeout=10_000)
    assert "→ NeurIPS" in page.match_label.text() and "95%" in page.match_label.text()
    assert page.proxy.rowCount() == 1
    assert page.table.currentIndex().data() == "NeurIPS"
    assert page.status.text().startswith("1 of ")
    assert "NeurIPS" in page.title.text()


def test_nothing_listed_shows_no_unrelated_venue(page: VenuesPage, qtbot: Any) -> None:
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: page.detail is not None, timeout=10_000)
    page.search.setText("zzqx")
    assert page.proxy.rowCount() == 0
    assert page.detail is None and not page.metrics_model.rows
    assert page.table_state.isVisible() and "zzqx" in page.table_state.text()


def test_the_no_match_notice_goes_when_the_search_is_cleared(page: VenuesPage,
                                                             qtbot: Any) -> None:
    page.search.setText("Journal of Nowhere Studies")
    qtbot.waitUntil(lambda: "No catalogue venue matches" in page.match_label.text(),
                    timeout=10_000)
    page.search.setText("Journal of Nowhere")  # a slower match of the longer text …
    page.search.clear()
    assert page.match_label.text() == ""
    qtbot.wait(600)  # … still gone after the match timer and any late answer
    assert page.match_label.text() == ""


def test_status_counts_the_upcoming_deadlines_listed(page: VenuesPage) -> None:
    listed = page.deadline_model.rowCount()
    assert listed > 1
    assert page.status.text().endswith(f"· {listed} upcoming deadlines")  # no notice yet
    page.all_deadlines = page.all_deadlines[:1]
    page._filters_changed()
    assert page.status.text().endswith("· 1 upcoming deadline")


def test_the_chart_starts_fresh_for_a_venue_without_values(page: VenuesPage,
                                                           services: Services,
                                                           qtbot: Any) -> None:
    neurips = services.venues.match("NeurIPS").venue  # type: ignore[union-attr]
    page.select_venue(neurips.id)
    qtbot.waitUntil(lambda: page.detail is not None and page.detail.venue.id == neurips.id,
                    timeout=10_000)
    (x0, x1), _ = page.plot.getPlotItem().viewRange()
    assert x0 <= 2029 and x1 >= 2030
    bare = next(v for v in page.model.rows if v.kind == "conference" and v.abbr == "KR")
    page.select_venue(bare.id)
    qtbot.waitUntil(lambda: page.detail is not None and page.detail.venue.id == bare.id,
                    timeout=10_000)
    assert page.chart_metric.count() == 0
    (x0, x1), (y0, y1) = page.plot.getPlotItem().viewRange()
    assert x1 == pytest.approx(datetime.now().year) and (y0, y1) == pytest.approx((0, 1))


def test_loading_shows_a_loading_state_not_the_empty_prompt(services: Services,
                                                            runner: TaskRunner,
                                                            qtbot: Any) -> None:
    p = VenuesPage(services)
    qtbot.addWidget(p)
    p.show()
    p.refresh()  # not finished yet
    assert not p.empty.isVisible()
    assert p.table_state.isVisible() and p.table_state.text() == "Loading the catalogue…"
    runner.wait_idle(30)
    assert p.empty.isVisible() and not p.table_state.isVisible()
    assert p.empty_update_button.isVisible()  # an empty library offers the rank lists


def test_column_widths_fit_their_headers_and_are_remembered(page: VenuesPage,
                                                            services: Services,
                                                            runner: TaskRunner,
                                                            qtbot: Any) -> None:
    header = page.table.horizontalHeader()
    for col in range(page.model.columnCount() - 1):
        assert header.sectionSize(col) >= header.sectionSizeFromContents(col).width() - 1
    header.resizeSection(5, 211)
    qtbot.wait(500)  # the debounced save
    again = VenuesPage(services)
    qtbot.addWidget(again)
    again.refresh()
    runner.wait_idle(30)
    assert again.table.horizontalHeader().sectionSize(5) == 211
