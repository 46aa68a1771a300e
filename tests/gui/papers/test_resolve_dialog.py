""""Find published versions" on the Papers page, on the recorded answers of Semantic Scholar
and the hand-written DBLP ones (replayed by a local server through the real clients): the
review dialog lists the proposals with their evidence, accepting applies them through the
service, and the detail pane says where the paper was published (or that it was not)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt  # noqa: E402

from scholardesk.core.config import Settings  # noqa: E402
from scholardesk.domain.papers import PaperRecord  # noqa: E402
from scholardesk.gui.tasks import TaskRunner  # noqa: E402
from scholardesk.services.context import Services  # noqa: E402
from scholardesk.sources.http import HttpPolicy, PoliteClient  # noqa: E402

pytestmark = pytest.mark.gui
DATA = Path(__file__).resolve().parents[2] / "data" / "papers" / "resolve"
S2 = "/s2/graph/v1/paper/search/match"
DBLP = "/dblp/search/publ/api"
VASWANI = ("Ashish Vaswani", "Noam Shazeer", "Niki Parmar", "Jakob Uszkoreit", "Llion Jones",
           "Aidan N. Gomez", "Lukasz Kaiser", "Illia Polosukhin")
ATTENTION = PaperRecord("Attention Is All You Need", "arxiv", "test", authors=VASWANI, year=2017,
                        arxiv_id="1706.03762", categories=("cs.CL",))
PAPERQA = PaperRecord(
    "PaperQA: Retrieval-Augmented Generative Agent for Scientific Research", "arxiv", "test",
    authors=("Jakub Lála", "Odhran O'Donoghue", "Aleksandar Shtedritski", "Sam Cox",
             "Samuel G. Rodriques", "Andrew D. White"),
    year=2023, arxiv_id="2312.07559")


def ok(body: bytes) -> tuple[int, dict[str, str], bytes]:
    return (200, {"Content-Type": "application/json"}, body)


@pytest.fixture
def runner(qtbot: Any) -> Iterator[TaskRunner]:
    r = TaskRunner()
    TaskRunner.set_default(r)
    yield r
    r.shutdown()
    TaskRunner.set_default(None)


@pytest.fixture
def page(services: Services, local_server: Any, real_fixture: Callable[[str], Path],
         qtbot: Any, runner: TaskRunner) -> Any:
    from scholardesk.gui.papers.page import PapersPage

    base = local_server.base_url
    services.settings = Settings(
        contact_email="me@example.org",
        service_urls={"semanticscholar": f"{base}/s2", "dblp": f"{base}/dblp",
                      "openalex": f"{base}/openalex", "crossref": f"{base}/crossref"})
    services._http = PoliteClient(HttpPolicy(max_retries=0, backoff_s=0.0,
                                             cache_dir=services.paths.cache_dir))
    s2 = "resolve/semanticscholar/Future-House_paper-qa_s2_match_"
    attention = real_fixture(s2 + "attention_is_all_you_need.json").read_bytes()
    paperqa = real_fixture(s2 + "paperqa_2312.07559.json").read_bytes()


    answers = {"Attention": (attention, (DATA / "dblp_attention.json").read_bytes()),
               "PaperQA": (paperqa, (DATA / "dblp_paperqa.json").read_bytes())}
    services.venues.load_sample()  # a catalogue with NeurIPS in it
    services.papers.import_records([ATTENTION])
    p = PapersPage(services)
    p.answers = answers  # type: ignore[attr-defined]
    runner.changes_applied.connect(p.on_changes)
    qtbot.addWidget(p)
    p.resize(1200, 700)
    p.show()
    p.refresh()
    runner.wait_idle()
    p.server = local_server  # type: ignore[attr-defined]
    return p


def serve(page: Any, name: str) -> None:
    s2, dblp = page.answers[name]
    page.server.routes[S2] = [ok(s2)]
    page.server.routes[DBLP] = [ok(dblp)]


def test_find_review_accept_and_the_published_line(
    page: Any, services: Services, runner: TaskRunner, qtbot: Any
) -> None:
    serve(page, "Attention")
    pid = page.model.id_at(0)
    page.find_published([pid])
    qtbot.waitUntil(lambda: page.resolve_dialog is not None, timeout=20_000)
    runner.wait_idle()
    dialog = page.resolve_dialog
    assert dialog.summary.text() == "1 paper checked. 1 published version to review."
    t = dialog.table
    row = [t.item(0, c).text() for c in range(t.columnCount())]
    assert row[:7] == ["Attention Is All You Need", "arXiv:1706.03762 2017",
                       "Neural Information Processing Systems", "2017", "", "5998-6008",
                       "Semantic Scholar, DBLP"]
    assert float(row[7]) >= 0.95
    assert t.item(0, 0).checkState() == Qt.CheckState.Checked  # confident: checked
    # the candidate DBLP lists as CoRR is shown as rejected, with the reason
    assert "the preprint itself (CoRR)" in dialog.evidence.toPlainText()
    assert "the preprint itself (CoRR)" in t.item(0, 3).toolTip()
    assert services.papers.get(pid).venue == ""  # nothing changed before accepting

    before = page.loaded_count
    dialog.accept_selected.click()
    qtbot.waitUntil(lambda: page.loaded_count > before, timeout=20_000)  # refreshed via Changes
    runner.wait_idle()
    assert t.rowCount() == 0 and not dialog.accept_all.isEnabled()
    paper = services.papers.get(pid)
    assert (paper.venue, paper.year, paper.arxiv_id) == (
        "Neural Information Processing Systems", 2017, "1706.03762")
    assert page.model.data(page.model.index(0, 3)) == "Neural Information Processing Systems"

    page.table.selectRow(0)
    qtbot.waitUntil(lambda: page.detail.published.text() != "", timeout=20_000)
    text = page.detail.published.text()
    assert text.startswith("Published in: Neural Information Processing Systems 2017 — found ")
    assert text.endswith("via Semantic Scholar, DBLP")
    assert page.detail.published.isVisibleTo(page.detail)


def test_not_published_is_said_with_its_date_and_dismiss_keeps_the_paper(
    page: Any, services: Services, runner: TaskRunner, qtbot: Any
) -> None:
    services.papers.import_records([PAPERQA])
    ids = {services.papers.get(i).title[:7]: i for i in services.papers.list_ids()}
    serve(page, "PaperQA")
    page.find_published([ids["PaperQA"]])
    qtbot.waitUntil(lambda: page.resolve_dialog is not None, timeout=20_000)
    runner.wait_idle()
    dialog = page.resolve_dialog
    assert dialog.table.rowCount() == 0
    assert dialog.summary.text() == ("1 paper checked. 0 published versions to review. "
                                     "1 paper not published (yet).")
    dialog.close()

    serve(page, "Attention")
    page.resolve_dialog = None
    page.find_published([ids["Attenti"]])
    qtbot.waitUntil(lambda: page.resolve_dialog is not None, timeout=20_000)
    runner.wait_idle()
    dialog = page.resolve_dialog
    dialog.set_checked([dialog.proposals[0].id])
    dialog.dismiss.click()
    runner.wait_idle()
    assert dialog.table.rowCount() == 0
    assert services.papers.get(ids["Attenti"]).venue == ""  # dismissed: unchanged
    assert services.papers_resolve.proposals(pending=True) == []

    m = page.model
    runner.wait_idle()
    row = next(r for r in range(m.rowCount()) if m.id_at(r) == ids["PaperQA"])
    page.table.selectRow(row)
    qtbot.waitUntil(lambda: page.detail.published.text() != "", timeout=20_000)
    assert page.detail.published.text().startswith("Not published as of 20")
