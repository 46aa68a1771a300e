"""VenuesService on a real migrated library: catalogue, matching, metrics, deadlines, sample."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scholardesk.core.config import Settings
from scholardesk.core.errors import InputError, NetworkError
from scholardesk.services.context import Services
from scholardesk.services.venues import VenueFilter
from scholardesk.sources import ccf_pdf

DATA = Path(__file__).resolve().parents[1] / "data" / "venues"

_spec = importlib.util.spec_from_file_location(
    "venues_ccf_pdf_tests_s", Path(__file__).resolve().parents[1] / "sources" / "test_ccf_pdf.py"
)
assert _spec and _spec.loader
_ccf_tests = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_ccf_tests)


@pytest.fixture
def catalogue(services: Services, request: pytest.FixtureRequest,
              monkeypatch: pytest.MonkeyPatch) -> Services:
    """The library after importing the real PDF (parsed once per session)."""
    parsed = _ccf_tests.parsed_catalogue(request.config)
    monkeypatch.setattr(ccf_pdf, "parse_ccf_pdf", lambda path, progress=None: parsed)
    report = services.venues.import_ccf(_ccf_tests.ccf_pdf_path())
    # counts are venues, relative to the (empty) library: the four venues listed in two
    # categories are added once, not "updated"; the three rows the PDF strikes out are not
    # "removed" from a library that never had them
    assert (report.imported, report.updated, report.skipped, report.removed) == (642, 0, 0, 0)
    assert report.struck_out == 3
    assert report.counts["conference AI A"] == 7 and report.counts["journal AI C"] == 37
    return services


def test_catalogue_import_and_reimport(catalogue: Services) -> None:
    svc = catalogue.venues
    assert svc.count() == 642  # 646 rows; TOMM, DKE, IPL and IJIS are listed in two categories
    ai_a_conf = svc.list(VenueFilter(category="AI", rank="A", kind="conference"))
    assert [v.abbr for v in ai_a_conf] == ["AAAI", "ACL", "CVPR", "ICCV", "ICML", "IJCAI", "NeurIPS"]
    tomm = svc.list(VenueFilter(search="TOMM"))[0]
    assert sorted((r.category, r.rank) for r in tomm.ccf_all) == [("CG", "B"), ("NW", "B")]
    assert [v.abbr for v in svc.list(VenueFilter(category="NW", search="TOMM"))] == ["TOMM"]
    again = svc.import_ccf(_ccf_tests.ccf_pdf_path())
    assert (again.imported, again.updated, again.skipped, again.removed) == (0, 0, 642, 0)
    assert svc.count() == 642
    assert len(svc.list(VenueFilter(publisher="Springer"))) > 50


def test_a_catalogue_that_no_longer_lists_a_venue_reports_it_removed(
    catalogue: Services, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = _ccf_tests.parsed_catalogue(request.config)
    smaller = ccf_pdf.CcfParseResult(
        entries=[e for e in parsed.entries if e.abbr != "IJCAI"], removed=parsed.removed)
    monkeypatch.setattr(ccf_pdf, "parse_ccf_pdf", lambda path, progress=None: smaller)
    report = catalogue.venues.import_ccf(_ccf_tests.ccf_pdf_path())
    assert (report.imported, report.updated, report.skipped, report.removed) == (0, 0, 641, 1)
    assert catalogue.venues.rank_for("IJCAI") is None


def test_match_and_rank_for(catalogue: Services) -> None:
    svc = catalogue.venues
    for text in ("NIPS", "NeurIPS 2023", "Advances in Neural Information Processing Systems"):
        found = svc.match(text)
        assert found is not None and found.venue.abbr == "NeurIPS" and found.confidence >= 0.9
    rank = svc.rank_for("IEEE Trans. Pattern Anal. Mach. Intell.")
    assert rank is not None and (rank.rank, rank.category, rank.edition) == ("A", "AI", "2022")
    nn = svc.match("Neural Networks")
    assert nn is not None and nn.venue.kind == "journal" and nn.venue.ccf.rank == "B"  # type: ignore[union-attr]
    assert svc.rank_for("ICLR") is None


def test_catalogue_csv_export_and_reimport(catalogue: Services, tmp_path: Path) -> None:
    out = tmp_path / "ccf.csv"
    assert catalogue.venues.export_ccf(out) == 646
    report = catalogue.venues.import_ccf(out)
    assert (report.imported, report.updated, report.skipped, report.errors) == (0, 0, 642, [])
    # a correction in the CSV (a publisher) is one update
    text = out.read_text(encoding="utf-8").replace(
        "Conference on Neural Information Processing Systems,MIT Press",
        "Conference on Neural Information Processing Systems,NeurIPS Foundation")
    out.write_text(text, encoding="utf-8")
    report = catalogue.venues.import_ccf(out)
    assert (report.imported, report.updated) == (0, 1)
    assert catalogue.venues.match("NeurIPS").venue.publisher == "NeurIPS Foundation"  # type: ignore[union-attr]


def test_a_pdf_that_is_not_the_catalogue_imports_nothing(
    services: Services, real_fixture: Callable[[str], Path]
) -> None:
    with pytest.raises(InputError, match="not the CCF catalogue"):
        services.venues.import_ccf(real_fixture("pdf/cermine_test2_hindawi_rrp_2010.pdf"))
    assert services.venues.count() == 0


def test_csv_with_bad_rows_imports_the_good_ones(services: Services) -> None:
    report = services.venues.import_ccf(DATA / "catalogue_small.csv")
    assert report.imported == 7 and len(report.errors) == 3
    assert "line 9" in [e.record for e in report.errors]
    assert services.venues.rank_for("TKDE").category == "DB"  # type: ignore[union-attr]


def test_metrics_per_year_and_source(services: Services) -> None:
    services.venues.import_ccf(DATA / "catalogue_small.csv")
    report = services.venues.import_metrics(DATA / "metrics.csv")
    assert report.imported == 7
    assert [e.record for e in report.errors] == ["line 9", "line 10", "line 11", "line 12"]
    assert "Nature Whatever Journal" in report.errors[0].message
    nn = services.venues.match("Neural Networks").venue  # type: ignore[union-attr]
    detail = services.venues.detail(nn.id)
    ifs = sorted((m.year, m.source, m.number) for m in detail.metrics if m.metric == "impact_factor")
    assert ifs == [(2021, "JCR 2022", 7.8), (2022, "JCR 2023", 6.0), (2023, "JCR 2024", 6.3),
                   (2023, "LetPub", 6.4)]
    again = services.venues.import_metrics(DATA / "metrics.csv")
    assert (again.imported, again.updated, again.skipped) == (0, 0, 7)
    services.venues.set_metric(nn.id, 2023, "JCR 2024", "IF", "6.35")
    values = {(m.year, m.source): m.value for m in services.venues.detail(nn.id).metrics
              if m.metric == "impact_factor"}
    assert values[(2023, "JCR 2024")] == "6.35" and values[(2023, "LetPub")] == "6.4"
    with pytest.raises(InputError):
        services.venues.set_metric(nn.id, 2023, "", "IF", "1")


def test_sync_deadlines_from_the_real_folder(
    catalogue: Services, real_fixture: Callable[[str], Path]
) -> None:
    svc = catalogue.venues
    report = svc.sync_deadlines(real_fixture("ccfddl"))
    assert report.errors == [] and report.imported > 90
    again = svc.sync_deadlines(real_fixture("ccfddl"))
    assert again.imported == 0 and again.updated == 0
    rows = svc.deadlines(after=datetime(2025, 5, 1, tzinfo=UTC))
    nips = [r for r in rows if r.venue == "NeurIPS" and r.year == 2025]
    assert [(r.kind, r.deadline_utc, r.timezone) for r in nips] == [
        ("abstract", datetime(2025, 5, 12, 11, 59, 59, tzinfo=UTC), "AoE"),
        ("paper", datetime(2025, 5, 16, 11, 59, 59, tzinfo=UTC), "AoE"),
    ]
    assert nips[0].ccf_rank == "A"
    # linked to the catalogue venue, not a new one
    neurips = svc.match("NeurIPS").venue  # type: ignore[union-attr]
    detail = svc.detail(neurips.id)
    assert {d.year for d in detail.deadlines} >= {2021, 2025, 2026}
    rates = {m.year: m.number for m in detail.metrics if m.metric == "acceptance_rate"}
    assert rates[2023] == pytest.approx(3218 / 12343)
    assert all(m.source == "ccf-deadlines" for m in detail.metrics)
    assert rows == sorted(rows, key=lambda r: r.deadline_utc)  # type: ignore[arg-type, return-value]


def test_sync_deadlines_with_broken_files(services: Services) -> None:
    services.venues.import_ccf(DATA / "catalogue_small.csv")
    report = services.venues.sync_deadlines(DATA / "ccfddl_mixed")
    assert len(report.errors) == 2  # broken.yml and the unknown timezone
    rows = services.venues.deadlines(after=datetime(2029, 1, 1, tzinfo=UTC), include_tbd=True)
    assert {r.venue for r in rows} == {"NeurIPS", "BEIJINGCONF", "VLDB"}
    assert any(r.deadline_utc is None and r.year == 2031 for r in rows)  # TBD
    vldb = [r.deadline_utc for r in rows if r.venue == "VLDB"]
    assert vldb == [datetime(2029, 7, 2, 0, 0, tzinfo=UTC), datetime(2029, 12, 2, 1, 0, tzinfo=UTC)]


def test_ics_export(services: Services, tmp_path: Path) -> None:
    services.venues.sync_deadlines(DATA / "ccfddl_mixed")
    rows = services.venues.deadlines(after=datetime(2029, 1, 1, tzinfo=UTC), include_tbd=True)
    out = tmp_path / "d.ics"
    assert services.venues.write_ics(rows, out) == 5
    text = out.read_bytes().decode()
    assert text.count("BEGIN:VEVENT") == 5 and "\r\n" in text


def _ica3pp_folder(tmp_path: Path, extra_row: bool = False) -> Path:
    spec = importlib.util.spec_from_file_location(
        "venues_ccfddl_tests_s", Path(__file__).resolve().parents[1] / "sources" / "test_ccfddl.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text: str = module.ICA3PP_SHAPED
    if extra_row:  # two timeline rows with the same deadline (two tracks)
        text = text.replace("        - deadline: '2026-05-01 23:59:59'\n",
                            "        - deadline: '2026-05-01 23:59:59'\n          comment: main\n"
                            "        - deadline: '2026-05-01 23:59:59'\n          comment: short\n")
    folder = tmp_path / "ccf-deadlines" / "conference" / "DS"
    folder.mkdir(parents=True)
    (folder / "ica3pp.yml").write_text(text, encoding="utf-8")
    return folder.parent.parent


def test_every_year_of_a_file_that_reuses_one_id_is_kept(services: Services, tmp_path: Path) -> None:
    folder = _ica3pp_folder(tmp_path)
    report = services.venues.sync_deadlines(folder)
    assert (report.imported, report.updated, report.skipped, report.errors) == (4, 0, 0, [])
    rows = services.venues.deadlines(after=datetime(2020, 1, 1, tzinfo=UTC))
    assert [(r.venue, r.year) for r in rows] == [("ICA3PP", y) for y in (2023, 2024, 2025, 2026)]
    again = services.venues.sync_deadlines(folder)
    assert (again.imported, again.updated, again.skipped) == (0, 0, 4)


def test_ics_uids_are_unique_and_the_same_in_every_export(
    services: Services, tmp_path: Path
) -> None:
    services.venues.sync_deadlines(_ica3pp_folder(tmp_path, extra_row=True))
    rows = services.venues.deadlines(after=datetime(2020, 1, 1, tzinfo=UTC))
    assert len(rows) == 5
    uids = []
    for name in ("a.ics", "b.ics"):
        services.venues.write_ics(rows, tmp_path / name)
        text = (tmp_path / name).read_bytes().decode("utf-8").replace("\r\n ", "")
        uids.append([line for line in text.split("\r\n") if line.startswith("UID:")])
    assert len(uids[0]) == 5 and len(set(uids[0])) == 5
    assert uids[0] == uids[1]


def test_sample_load_and_delete(services: Services) -> None:
    services.venues.load_sample()
    venues = services.venues.list()
    assert len(venues) == 68 and all(v.is_sample for v in venues)
    assert services.venues.rank_for("NIPS").rank == "A"  # type: ignore[union-attr]
    tslp = services.venues.list(VenueFilter(search="TSLP"))
    assert tslp[0].ccf.note == "2013年已停刊"  # type: ignore[union-attr]
    ai = services.venues.match("Artificial Intelligence").venue  # type: ignore[union-attr]
    assert {m.metric: m.value for m in services.venues.detail(ai.id).metrics}["impact_factor"] == "4.6"
    assert services.venues.delete_sample() == 68
    assert services.venues.count() == 0


def test_sample_rows_become_the_users_when_imported(services: Services) -> None:
    services.venues.load_sample()
    services.venues.import_ccf(DATA / "catalogue_small.csv")
    assert services.venues.delete_sample() == 68 - 4  # NeurIPS, CVPR, ICANN, TPAMI were adopted
    assert services.venues.count() == 7


def test_importing_the_full_catalogue_replaces_the_sample(
    services: Services, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sample lists TSLP as CCF B; the official PDF strikes it out: after importing the
    PDF no sample venue is left (those the PDF lists became the user's)."""
    services.venues.load_sample()
    parsed = _ccf_tests.parsed_catalogue(request.config)
    monkeypatch.setattr(ccf_pdf, "parse_ccf_pdf", lambda path, progress=None: parsed)
    services.venues.import_ccf(_ccf_tests.ccf_pdf_path())
    assert services.venues.list(VenueFilter(search="TSLP")) == []
    assert not any(v.is_sample for v in services.venues.list())
    assert services.venues.count() == 642
    assert services.venues.rank_for("NeurIPS").rank == "A"  # type: ignore[union-attr]


def test_importing_a_ccf_rank_list_replaces_the_sample(
    services: Services, real_fixture: Callable[[str], Path]
) -> None:
    services.venues.load_sample()
    services.venues.import_lists([real_fixture("showjcr/CCF2022-UTF8.csv")])
    assert services.venues.list(VenueFilter(search="TSLP")) == []
    assert not any(v.is_sample for v in services.venues.list())
    assert services.venues.rank_for("NeurIPS").rank == "A"  # type: ignore[union-attr]
    assert services.venues.delete_sample() == 0


def _fast(services: Services) -> None:
    services.settings = Settings(publisher_rate=100.0, max_retries=2)


def test_sync_deadlines_from_a_url(services: Services, local_server, real_fixture) -> None:  # type: ignore[no-untyped-def]
    _fast(services)
    folder = real_fixture("ccfddl/conference/AI")
    allconf = b"".join(p.read_bytes() for p in sorted(folder.glob("*.yml")))
    local_server.routes["/allconf.yml"] = [(500, {}, b"oops"), (200, {}, allconf)]
    report = services.venues.sync_deadlines(f"{local_server.base_url}/allconf.yml")
    assert report.errors == [] and report.imported > 20
    assert local_server.requests == ["/allconf.yml", "/allconf.yml"]


def test_download_catalogue_through_a_page_link(services: Services, local_server) -> None:  # type: ignore[no-untyped-def]
    _fast(services)
    page = b'<html><a href="/files/ccf.pdf">2022 catalogue</a></html>'
    local_server.routes["/list/"] = [(429, {"Retry-After": "1"}, b""), (200, {}, page)]
    local_server.routes["/files/ccf.pdf"] = [(200, {}, b"%PDF-1.4 not really a catalogue")]
    with pytest.raises(InputError):
        services.venues.download_ccf(f"{local_server.base_url}/list/")
    assert local_server.requests == ["/list/", "/list/", "/files/ccf.pdf"]
    assert services.venues.count() == 0


def test_download_catalogue_page_without_pdf(services: Services, local_server) -> None:  # type: ignore[no-untyped-def]
    _fast(services)
    local_server.routes["/list/"] = [(200, {}, b"<html>nothing here</html>")]
    with pytest.raises(NetworkError, match="not a PDF"):
        services.venues.download_ccf(f"{local_server.base_url}/list/")
