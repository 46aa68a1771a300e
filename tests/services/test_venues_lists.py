"""VenuesService × the 22 real ShowJCR rank lists: one venue per journal, every value with
its year and source, CCF editions (newest shown, a setting for another), changes between
editions, rank labels for the Papers table, re-import, bad files, one-step update."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from scholardesk.core.config import Paths, Settings
from scholardesk.services.context import Services
from scholardesk.services.venues import ListsImportReport, VenuesService
from scholardesk.sources.rank_lists import SHOWJCR_FILES
from scholardesk.store.db import Database
from tests.conftest import _real_fixture

SHOWJCR = "showjcr"


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory,
         migrated_template: Path) -> Iterator[tuple[VenuesService, ListsImportReport]]:
    """One library with all 22 files imported (built once for this module)."""
    home = tmp_path_factory.mktemp("lists")
    shutil.copyfile(migrated_template, home / "library.sqlite")
    db = Database(f"sqlite:///{home / 'library.sqlite'}")
    paths = Paths.resolve(home)
    paths.ensure()
    svc = VenuesService(db, paths, Settings())
    report = svc.import_lists([_real_fixture(SHOWJCR)])
    yield svc, report
    db.dispose()


def _file(report: ListsImportReport, name: str):  # type: ignore[no-untyped-def]
    return next(f for f in report.files if Path(f.path).name == name)


def test_every_file_imports_with_its_counts(full: tuple[VenuesService, ListsImportReport]) -> None:
    _svc, report = full
    assert len(report.files) == 22 and not report.failed
    expected = {  # rows read, venues matched, venues added, values refused
        "CCF2019-UTF8.csv": (612, 0, 608, 0),
        "CCF2022-UTF8.csv": (644, 602, 38, 0),
        "CCF2026-UTF8.csv": (681, 639, 38, 0),
        "CCFChinese2019-UTF8.csv": (37, 0, 37, 0),
        "CCFT2022-UTF8.csv": (68, 39, 29, 0),
        "CCFT2025-UTF8.csv": (68, 67, 1, 0),
        "FQBJCR2025-UTF8.csv": (21772, 285, 21487, 0),
        "JCR2025-UTF8.csv": (22643, 21390, 1253, 6692),
        "JCR2024-UTF8.csv": (22249, 22192, 55, 5546),
        "FQBJCR2023-UTF8.csv": (13812, 13678, 134, 0),
        "JCR2023-UTF8.csv": (21848, 21748, 98, 5859),
        "FQBJCR2022-UTF8.csv": (12359, 12222, 137, 0),
        "JCR2022-UTF8.csv": (21522, 21331, 189, 9985),
        "FQBJCR2021-UTF8.csv": (12422, 12354, 67, 0),
        "JCR2021-UTF8.csv": (21430, 21225, 201, 9006),
        "JCR2020-UTF8.csv": (13048, 12332, 18, 28),
        "GJQKYJMD2020.csv": (65, 64, 1, 0),
        "GJQKYJMD2021.csv": (35, 35, 0, 0),
        "GJQKYJMD2023.csv": (28, 28, 0, 0),
        "GJQKYJMD2024.csv": (24, 24, 0, 0),
        "GJQKYJMD2025.csv": (5, 5, 0, 0),
        "XR2026Conferences-UTF8.csv": (15, 15, 0, 0),
    }
    got = {Path(f.path).name: (f.rows_read, f.matched, f.added, f.refused_count)
           for f in report.files}
    assert [(k, got[k]) for k in expected if got[k] != expected[k]] == []


def test_one_venue_per_journal_with_every_list(
    full: tuple[VenuesService, ListsImportReport],
) -> None:
    svc, _ = full
    found = svc.match("IEEE Transactions on Pattern Analysis and Machine Intelligence")
    assert found is not None and found.venue.abbr == "TPAMI"
    data = svc.show(found.venue.id)
    assert (data["issn"], data["eissn"]) == ("0162-8828", "1939-3539")
    sources = {e["source"] for e in data["lists"]}  # type: ignore[union-attr]
    assert {"CCF 2019", "CCF 2022", "CCF 2026", "JCR 2025", "JCR 2020", "CAS 2025",
            "CAS 2021"} <= sources
    by_source = {e["source"]: e["values"] for e in data["lists"]}  # type: ignore[union-attr]
    assert by_source["JCR 2025"]["jcr_quartile"]["value"] == "Q1"
    assert by_source["CAS 2025"]["top"]["value"] == "yes"
    assert data["ccf_label"] == "TPAMI · CCF A (2026) · A (2022) · A (2019)"
    # Chinese journals by their Chinese names
    cjc = svc.match("计算机学报")
    assert cjc is not None
    labels = svc.rank_labels(["计算机学报"])
    assert "CCF A (中文)" in labels["计算机学报"].text and "CCF-T1" in labels["计算机学报"].text


def test_ccf_editions_newest_shown_with_history(full: tuple[VenuesService, ListsImportReport]) -> None:
    svc, _ = full
    assert svc.ccf_editions() == ["2026", "2022", "2019"]
    ijcai = svc.match("IJCAI").venue  # type: ignore[union-attr]
    assert ijcai.ccf is not None and (ijcai.ccf.rank, ijcai.ccf.edition) == ("B", "2026")
    assert svc.ccf_history(ijcai) == "IJCAI · CCF B (2026) · A (2022) · A (2019)"
    assert svc.rank_for("ICLR").rank == "A"  # type: ignore[union-attr]
    assert svc.rank_for("INTERSPEECH").rank == "B"  # type: ignore[union-attr]
    assert svc.rank_for("IEEE Transactions on Multimedia").rank == "A"  # type: ignore[union-attr]


def test_a_setting_shows_another_edition(full: tuple[VenuesService, ListsImportReport]) -> None:
    svc, _ = full
    old = VenuesService(svc.db, svc.paths, Settings(ccf_edition="2022"))
    assert old.rank_for("IJCAI").rank == "A"  # type: ignore[union-attr]
    assert old.rank_for("ICLR") is None  # not in the 2022 edition
    iclr = old.match("ICLR").venue  # type: ignore[union-attr]
    assert old.ccf_history(iclr) == "ICLR · CCF – (2022) · A (2026)"


def test_changing_the_edition_setting_relabels_at_once(
        full: tuple[VenuesService, ListsImportReport]) -> None:
    svc, _ = full
    shown = VenuesService(svc.db, svc.paths, Settings())
    assert shown.rank_labels(["IJCAI"])["IJCAI"].ccf == "B"  # builds the cached label table
    shown.use_settings(Settings(ccf_edition="2022"))
    assert shown.rank_labels(["IJCAI"])["IJCAI"].ccf == "A"
    assert shown.rank_for("IJCAI").rank == "A"  # type: ignore[union-attr]


def test_ccf_changes_between_editions(full: tuple[VenuesService, ListsImportReport]) -> None:
    svc, _ = full
    changes = svc.ccf_changes("2022", "2026")
    by = {(c.change, c.abbr) for c in changes}
    assert {("added", "ICLR"), ("downgraded", "IJCAI"), ("upgraded", "INTERSPEECH"),
            ("upgraded", "TMM")} <= by
    assert sum(c.change == "added" for c in changes) >= 30
    old = svc.ccf_changes("2019", "2022")
    taslp = [c for c in old if c.abbr == "TASLP"]
    assert taslp and taslp[0].change == "renamed" and "IEEE-ACM" in taslp[0].note


def test_rank_labels_for_the_papers_table(full: tuple[VenuesService, ListsImportReport]) -> None:
    svc, _ = full
    labels = svc.rank_labels(["IEEE Trans. Pattern Anal. Mach. Intell.", "IEEE Transactions on "
                              "Multimedia", "Wireless Personal Communications", "no such venue"])
    tpami = labels["IEEE Trans. Pattern Anal. Mach. Intell."]
    assert tpami.text.startswith("CCF A · 1区 Top · Q1 · IF ") and not tpami.warned
    assert labels["IEEE Transactions on Multimedia"].text.startswith("CCF A · 1区")
    wpc = labels["Wireless Personal Communications"]
    assert wpc.warned and wpc.warning == "论文工厂 (2025)"
    assert "no such venue" not in labels
    names = [v.name for v in svc.list()[:100]]
    start = time.perf_counter()
    svc.rank_labels(names)
    assert time.perf_counter() - start < 0.5  # measured ~1 ms; generous for a shared CPU


def test_reimport_changes_nothing(full: tuple[VenuesService, ListsImportReport],
                                  real_fixture: Callable[[str], Path]) -> None:
    svc, _ = full
    count = svc.count()
    again = svc.import_lists([real_fixture(SHOWJCR)])
    assert all(f.unchanged for f in again.files) and svc.count() == count
    forced = svc.import_lists([real_fixture(f"{SHOWJCR}/CCF2026-UTF8.csv"),
                               real_fixture(f"{SHOWJCR}/GJQKYJMD2024.csv")], force=True)
    assert [(f.added, f.values_added, f.values_updated, f.values_removed, f.ranks_changed)
            for f in forced.files] == [(0, 0, 0, 0, 0), (0, 0, 0, 0, 0)]


def test_a_bad_header_refuses_that_file_only(services: Services, tmp_path: Path,
                                             real_fixture: Callable[[str], Path]) -> None:
    bad = tmp_path / "JCR2030-UTF8.csv"
    bad.write_text("Title,Score\nX,1\n", encoding="utf-8")
    shutil.copy(real_fixture(f"{SHOWJCR}/GJQKYJMD2025.csv"), tmp_path / "GJQKYJMD2025.csv")
    report = services.venues.import_lists([tmp_path])
    failed = report.failed
    assert len(failed) == 1 and "JCR2030-UTF8.csv" in failed[0].error
    assert "Title,Score" in failed[0].error
    assert services.venues.count() == 5  # the warning list still imported


def test_update_lists_from_a_mirror(services: Services, local_server,  # type: ignore[no-untyped-def]
                                    real_fixture: Callable[[str], Path]) -> None:
    services.settings = Settings(publisher_rate=100.0, max_retries=1,
                                 rank_lists_url=f"{local_server.base_url}/lists/")
    small = {"CCF2026-UTF8.csv", "GJQKYJMD2025.csv", "XR2026Conferences-UTF8.csv"}
    for name in SHOWJCR_FILES:
        body = real_fixture(f"{SHOWJCR}/{name}").read_bytes() if name in small else None
        route = f"/lists/{name}"
        local_server.routes[route] = [(200, {}, body)] if body else [(404, {}, b"missing")]
    report = services.venues.update_lists()
    done = {Path(f.path).name for f in report.files if not f.error}
    assert done == small and len(report.failed) == 19
    assert services.venues.rank_for("ICLR").rank == "A"  # type: ignore[union-attr]
    again = services.venues.update_lists()
    assert all(f.unchanged for f in again.files if not f.error)
