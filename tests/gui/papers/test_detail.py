"""The detail pane of a paper from Zotero: Open PDF, Open in Zotero, Read review dates."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QUrl  # noqa: E402

from scholardesk.domain.papers import Paper  # noqa: E402
from scholardesk.gui.tasks import TaskRunner  # noqa: E402
from scholardesk.services.context import Services  # noqa: E402

pytestmark = pytest.mark.gui

Z7 = "zotero/yuanluochen_zotero7.sqlite"
KALMAN_PDF = ("Simon - 2010 - Kalman filtering with state constraints a survey of linear and "
              "nonlinear algorithms.pdf")


@pytest.fixture
def runner(qtbot: Any) -> Iterator[TaskRunner]:
    r = TaskRunner()
    TaskRunner.set_default(r)
    yield r
    r.shutdown()
    TaskRunner.set_default(None)


def zotero_folder(real_fixture: Callable[[str], Path], tmp_path: Path, pdf: str) -> Path:
    folder = tmp_path / "Zotero"
    (folder / "storage" / "FME3YJWP").mkdir(parents=True)
    shutil.copyfile(real_fixture(Z7), folder / "zotero.sqlite")
    shutil.copyfile(real_fixture(pdf), folder / "storage" / "FME3YJWP" / KALMAN_PDF)
    return folder


def paper_for(services: Services, key: str) -> Paper:
    for pid in services.papers.list_ids():
        p = services.papers.get(pid)
        if p.extra.get("zotero_key") == key:
            return p
    raise AssertionError(key)


def make_detail(qtbot: Any) -> tuple[Any, list[QUrl]]:
    from scholardesk.gui.papers.detail import PaperDetail

    opened: list[QUrl] = []
    detail = PaperDetail(opener=opened.append)
    qtbot.addWidget(detail)
    detail.resize(420, 700)
    detail.show()
    return detail, opened


def test_open_pdf_and_open_in_zotero_build_the_right_urls(
    services: Services, qtbot: Any, real_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    folder = zotero_folder(real_fixture, tmp_path, "pdf/cermine_test2_hindawi_rrp_2010.pdf")
    services.papers.import_zotero(folder)
    detail, opened = make_detail(qtbot)
    detail.show_paper(paper_for(services, "CQ6HJJHW"))
    assert detail.open_pdf.isVisible() and detail.open_pdf.isEnabled()
    assert detail.review_dates.isEnabled()
    detail.open_pdf.click()
    detail.open_zotero.click()
    pdf = (folder / "storage" / "FME3YJWP" / KALMAN_PDF).resolve()
    assert opened == [QUrl.fromLocalFile(str(pdf)),
                      QUrl("zotero://select/library/items/CQ6HJJHW")]
    assert opened[0].isLocalFile() and opened[0].toLocalFile() == str(pdf)


def test_missing_pdf_is_disabled_and_says_why(
    services: Services, qtbot: Any, real_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    folder = zotero_folder(real_fixture, tmp_path, "pdf/cermine_test2_hindawi_rrp_2010.pdf")
    services.papers.import_zotero(folder)
    detail, opened = make_detail(qtbot)
    detail.show_paper(paper_for(services, "QBXTLG7R"))  # its PDF was never downloaded
    assert detail.open_pdf.isVisible() and not detail.open_pdf.isEnabled()
    assert not detail.review_dates.isEnabled()
    assert "not on this computer" in detail.open_pdf.toolTip()
    assert detail.open_zotero.isEnabled()
    detail.open_pdf.click()
    assert opened == []


def test_group_library_link_and_papers_not_from_zotero(qtbot: Any) -> None:
    detail, opened = make_detail(qtbot)
    detail.show_paper(Paper(1, "Grouped", links={"zotero": "zotero://select/groups/7/items/K1"},
                            extra={"zotero_key": "K1"}))
    assert not detail.open_pdf.isEnabled()
    assert "no PDF attachment" in detail.open_pdf.toolTip()
    detail.open_zotero.click()
    assert opened == [QUrl("zotero://select/groups/7/items/K1")]
    detail.show_paper(Paper(2, "From arXiv", arxiv_id="2101.00001"))
    for b in (detail.open_pdf, detail.open_zotero, detail.review_dates):
        assert not b.isVisible()


def test_read_review_dates_in_one_click_shows_what_was_found(
    services: Services, qtbot: Any, runner: TaskRunner, real_fixture: Callable[[str], Path],
    tmp_path: Path,
) -> None:
    from scholardesk.gui.papers.page import PapersPage

    folder = zotero_folder(real_fixture, tmp_path, "pdf/cermine_test2_hindawi_rrp_2010.pdf")
    services.papers.import_zotero(folder)
    page = PapersPage(services)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    page.refresh()
    runner.wait_idle()
    kalman = paper_for(services, "CQ6HJJHW")
    page.table.selectRow(page.model.row_of(kalman.id))
    qtbot.waitUntil(lambda: page.detail.paper is not None and page.detail.paper.id == kalman.id,
                    timeout=5000)
    page.detail.review_dates.click()
    runner.wait_idle()
    qtbot.waitUntil(page.detail.review_result.isVisible, timeout=10_000)
    text = page.detail.review_result.text()
    assert "received 2010-11-09" in text and "accepted 2010-12-25" in text
    assert "Added to the review times" in text
    assert len(services.reviews.articles()) == 1


def test_no_dates_found_is_said_with_the_file_name(qtbot: Any) -> None:
    from scholardesk.domain.importing import RecordError
    from scholardesk.gui.papers.detail import review_dates_text
    from scholardesk.services.zotero_import import ReviewDates

    result = ReviewDates(3, "/x/paper.pdf", errors=[RecordError("/x/paper.pdf", "", "why")])
    assert review_dates_text(result) == "No review dates found in paper.pdf.\nwhy"


def test_the_tables_menu_offers_the_attachment_actions_in_the_same_state(
    services: Services, qtbot: Any, real_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    from scholardesk.gui.papers.page import PapersPage

    folder = zotero_folder(real_fixture, tmp_path, "pdf/cermine_test2_hindawi_rrp_2010.pdf")
    services.papers.import_zotero(folder)
    page = PapersPage(services)
    qtbot.addWidget(page)
    opened: list[QUrl] = []
    page.detail.opener = opened.append
    page.detail.show_paper(paper_for(services, "QBXTLG7R"))  # its PDF was never downloaded
    actions = {a.text(): a for a in page.context_menu([page.detail.paper.id]).actions()}
    assert not actions["Open PDF"].isEnabled()
    assert "not on this computer" in actions["Open PDF"].toolTip()
    actions["Open in Zotero"].trigger()
    assert opened == [QUrl("zotero://select/library/items/QBXTLG7R")]
    page.detail.show_paper(Paper(2, "From arXiv", arxiv_id="2101.00001"))
    actions = {a.text() for a in page.context_menu([2]).actions()}
    assert not actions & {"Open PDF", "Open in Zotero", "Read review dates"}
