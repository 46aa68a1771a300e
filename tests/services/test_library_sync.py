"""``library push`` / ``library pull`` between a personal SQLite library and a shared one.

The shared library is the ``services`` fixture: SQLite, or PostgreSQL when
SCHOLARDESK_TEST_DATABASE_URL is set (make test-postgres). The personal one is always SQLite.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from scholardesk.core.config import Paths, Settings
from scholardesk.core.errors import InputError, ScholarDeskError
from scholardesk.domain.papers import PaperFilter, PaperRecord
from scholardesk.domain.reviews import ArticleHistory
from scholardesk.services.context import Services
from scholardesk.services.library_sync import LibrarySyncService
from scholardesk.store.db import Database

ATTENTION = PaperRecord(
    title="Attention Is All You Need", source_kind="arxiv", source_ref="arXiv API",
    record_ref="1706.03762v5", authors=("Ashish Vaswani", "Noam Shazeer"), year=2017,
    arxiv_id="1706.03762", arxiv_version=5, categories=("cs.CL",),
)
ATTENTION_PUBLISHED = PaperRecord(
    title="Attention Is All You Need", source_kind="bibtex", source_ref="refs.bib",
    record_ref="vaswani2017", authors=("Ashish Vaswani", "Noam Shazeer"), year=2017,
    arxiv_id="1706.03762", venue="Advances in Neural Information Processing Systems",
    entry_type="inproceedings",
)
BERT = PaperRecord(
    title="BERT: Pre-training of Deep Bidirectional Transformers", source_kind="crossref",
    source_ref="https://api.crossref.org", record_ref="10.18653/v1/N19-1423",
    authors=("Jacob Devlin",), year=2019, doi="10.18653/v1/N19-1423",
)


def _make_services(path: Path, home: Path, template: Path) -> Services:
    shutil.copyfile(template, path)
    home.mkdir(parents=True, exist_ok=True)
    paths = Paths.resolve(home)
    paths.ensure()
    return Services(db=Database(f"sqlite:///{path}"), paths=paths, settings=Settings())


@pytest.fixture
def personal_library(tmp_path: Path, migrated_template: Path) -> Iterator[Callable[[str], Services]]:
    """Personal SQLite libraries (a name each), always SQLite."""
    made: list[Services] = []

    def make(name: str) -> Services:
        svc = _make_services(tmp_path / f"{name}.sqlite", tmp_path / f"{name}-home",
                             migrated_template)
        made.append(svc)
        return svc

    yield make
    for svc in made:
        svc.close()


@pytest.fixture
def mine(personal_library: Callable[[str], Services]) -> Services:
    return personal_library("alice")


def _papers(svc: Services) -> dict[str, tuple[str, int, str, tuple[str, ...]]]:
    """title -> (status, rating, notes, tags) of every paper."""
    papers = svc.papers
    ids = papers.list_ids(PaperFilter(), sort="added", descending=False)
    out = {}
    for pid in ids:
        p = papers.get(pid)
        out[p.title] = (p.status, p.rating, p.notes, p.tags)
    return out


def _provenance(svc: Services, title: str) -> set[tuple[str, str, str]]:
    (row,) = [r for r in svc.papers.list_papers() if r.title == title]
    return {(s.source_kind, s.source_ref, s.record_ref)
            for s in svc.papers.get(row.id).provenance}


def _id_of(svc: Services, title: str) -> int:
    (row,) = [r for r in svc.papers.list_papers() if r.title == title]
    return row.id


def test_push_copies_papers_with_tags_provenance_and_reading_state(
    mine: Services, services: Services
) -> None:
    mine.papers.import_records([ATTENTION, BERT])
    mine.papers.update([_id_of(mine, ATTENTION.title)], status="read", rating=5,
                       notes="the transformer", add_tags=["to-cite", "nlp"])

    report = LibrarySyncService(mine.db).push(services.db.url)

    assert (report.papers.added, report.papers.merged, report.papers.skipped) == (2, 0, 0)
    shared = _papers(services)
    assert shared[ATTENTION.title] == ("read", 5, "the transformer", ("nlp", "to-cite"))
    assert shared[BERT.title] == ("unread", 0, "", ())
    assert _provenance(services, ATTENTION.title) == {("arxiv", "arXiv API", "1706.03762v5")}
    assert report.changes.touches("papers")


def test_pushing_twice_adds_nothing(mine: Services, services: Services) -> None:
    mine.papers.import_records([ATTENTION, ATTENTION_PUBLISHED, BERT])
    mine.papers.update([_id_of(mine, BERT.title)], notes="read later", add_tags=["x"])
    sync = LibrarySyncService(mine.db)
    sync.push(services.db.url)
    before = (_papers(services), _provenance(services, ATTENTION.title))

    again = sync.push(services.db.url)

    assert (again.papers.added, again.papers.merged, again.fields_filled) == (0, 0, 0)
    assert again.papers.skipped == 2
    assert (_papers(services), _provenance(services, ATTENTION.title)) == before
    assert not again.changes


def test_push_merges_into_the_shared_copy_by_the_papers_dedupe_rules(
    mine: Services, services: Services
) -> None:
    services.papers.import_records([ATTENTION])  # a colleague's arXiv import
    mine.papers.import_records([ATTENTION_PUBLISHED])  # my BibTeX of the published version
    mine.papers.update([_id_of(mine, ATTENTION.title)], add_tags=["mine"])

    report = LibrarySyncService(mine.db).push(services.db.url)

    assert (report.papers.added, report.papers.merged) == (0, 1)
    assert services.papers.count() == 1
    paper = services.papers.get(_id_of(services, ATTENTION.title))
    assert paper.venue == "Advances in Neural Information Processing Systems"
    assert paper.arxiv_version == 5 and paper.tags == ("mine",)
    assert {(s.source_kind, s.record_ref) for s in paper.provenance} == {
        ("arxiv", "1706.03762v5"), ("bibtex", "vaswani2017")}


def test_the_shared_copys_own_status_rating_and_notes_win_the_source_only_fills_gaps(
    mine: Services, services: Services
) -> None:
    services.papers.import_records([ATTENTION, BERT])
    services.papers.update([_id_of(services, ATTENTION.title)], status="read",
                           notes="Bob's summary")
    mine.papers.import_records([ATTENTION, BERT])
    mine.papers.update([_id_of(mine, ATTENTION.title)], status="reading", rating=4,
                       notes="my notes")
    mine.papers.update([_id_of(mine, BERT.title)], status="read")

    report = LibrarySyncService(mine.db).push(services.db.url)

    shared = _papers(services)
    assert shared[ATTENTION.title][:3] == ("read", 4, "Bob's summary")  # rating filled only
    assert shared[BERT.title][:3] == ("read", 0, "")
    assert (report.fields_filled, report.fields_kept) == (2, 0)
    assert _papers(mine)[ATTENTION.title][:3] == ("reading", 4, "my notes")  # source untouched
    again = LibrarySyncService(mine.db).push(services.db.url)
    assert (again.fields_filled, again.fields_kept) == (0, 1)  # Bob's status and notes kept


def test_pull_brings_the_shared_library_into_mine_without_duplicates(
    mine: Services, services: Services
) -> None:
    services.papers.import_records([ATTENTION_PUBLISHED, BERT])
    services.papers.update([_id_of(services, BERT.title)], add_tags=["group-reading"])
    mine.papers.import_records([ATTENTION])

    report = LibrarySyncService(mine.db).pull(services.db.url)

    assert (report.papers.added, report.papers.merged) == (1, 1)
    assert mine.papers.count() == 2
    assert _papers(mine)[BERT.title][3] == ("group-reading",)
    assert mine.papers.get(_id_of(mine, ATTENTION.title)).venue.startswith("Advances")
    assert LibrarySyncService(mine.db).pull(services.db.url).papers.added == 0


def test_dry_run_reports_what_a_push_would_do_and_changes_nothing(
    mine: Services, services: Services
) -> None:
    services.papers.import_records([ATTENTION])
    mine.papers.import_records([ATTENTION_PUBLISHED, BERT])
    sync = LibrarySyncService(mine.db)

    dry = sync.push(services.db.url, dry_run=True)

    assert services.papers.count() == 1
    assert _provenance(services, ATTENTION.title) == {("arxiv", "arXiv API", "1706.03762v5")}
    real = sync.push(services.db.url)
    assert dry.dry_run and dry.to_json()["papers"] == real.to_json()["papers"]
    assert (real.papers.added, real.papers.merged) == (1, 1)


def test_push_of_real_files_gives_the_library_an_import_of_the_same_files_gives(
    mine: Services, services: Services, personal_library: Callable[[str], Services],
    real_fixture: Callable[[str], Path],
) -> None:
    ours = [real_fixture("bibtex/biblatex-examples.bib"),
            real_fixture("arxiv/arxivpy_search_au_del_maestro.xml")]
    theirs = [real_fixture("bibtex/thuthesis_refs_zh.bib"),
              real_fixture("arxiv/arxivpy_search_au_del_maestro.xml")]
    mine.papers.import_files(ours)
    services.papers.import_files(theirs)
    direct = personal_library("direct")
    direct.papers.import_files(theirs + ours)

    report = LibrarySyncService(mine.db).push(services.db.url)

    assert services.papers.count() == direct.papers.count()
    assert sorted(_papers(services)) == sorted(_papers(direct))
    assert report.papers.added + report.papers.merged + report.papers.skipped == \
        mine.papers.count()
    assert report.papers.skipped >= 10  # the arXiv answer both imported
    assert LibrarySyncService(mine.db).push(services.db.url).papers.added == 0


def _article(doi: str, received: dt.date | None, accepted: dt.date | None,
             **kw: object) -> ArticleHistory:
    return ArticleHistory(doi=doi, title=f"Article {doi}", journal="Pattern Recognition",
                          issn="0031-3203", received=received, accepted=accepted,
                          **kw)  # type: ignore[arg-type]


def test_review_articles_travel_by_doi_and_merge_their_dates(
    mine: Services, services: Services
) -> None:
    services.reviews.add_manual(_article("10.1016/j.patcog.2024.1", dt.date(2024, 1, 2), None))
    mine.reviews.add_manual(_article("10.1016/j.patcog.2024.1", dt.date(2024, 1, 2),
                                     dt.date(2024, 5, 6)))
    mine.reviews.add_manual(_article("10.1016/j.patcog.2024.2", dt.date(2024, 2, 1),
                                     dt.date(2024, 6, 1)))

    report = LibrarySyncService(mine.db).push(services.db.url)

    counts = report.review_articles
    assert (counts.added, counts.merged, counts.skipped) == (1, 1, 0)
    shared = {a.history.doi: a.history for a in services.reviews.articles()}
    assert sorted(shared) == ["10.1016/j.patcog.2024.1", "10.1016/j.patcog.2024.2"]
    assert shared["10.1016/j.patcog.2024.1"].accepted == dt.date(2024, 5, 6)
    again = LibrarySyncService(mine.db).push(services.db.url).review_articles
    assert (again.added, again.merged, again.skipped) == (0, 0, 2)


def test_sample_data_is_left_out(mine: Services, services: Services) -> None:
    mine.papers.load_sample()
    mine.papers.import_records([BERT])
    sample_count = mine.papers.count() - 1

    report = LibrarySyncService(mine.db).push(services.db.url)

    assert report.papers.added == 1 and report.papers.left_out == sample_count
    assert services.papers.count() == 1


def test_the_source_of_a_pull_is_read_only_and_unchanged(
    mine: Services, personal_library: Callable[[str], Services]
) -> None:
    other = personal_library("bob")
    other.papers.import_records([ATTENTION, BERT])
    other.db.dispose()
    path = Path(other.db.sqlite_file or "")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()

    LibrarySyncService(mine.db).pull(str(path))  # a file path works as well as a URL

    assert mine.papers.count() == 2
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def test_the_other_library_must_exist_be_another_one_and_be_up_to_date(
    mine: Services, tmp_path: Path
) -> None:
    sync = LibrarySyncService(mine.db)
    with pytest.raises(InputError, match="There is no library at .*missing.sqlite.*db upgrade"):
        sync.push(str(tmp_path / "missing.sqlite"))
    with pytest.raises(InputError, match="is the library this command runs on"):
        sync.push(mine.db.url)
    empty = tmp_path / "empty.sqlite"
    Database(f"sqlite:///{empty}").engine.connect().close()  # SQLite, but no tables
    with pytest.raises(InputError, match="holds no ScholarDesk library yet"):
        sync.pull(str(empty))
    not_sqlite = tmp_path / "notes.txt"
    not_sqlite.write_text("hello")
    with pytest.raises(ScholarDeskError, match="not a ScholarDesk library"):
        sync.pull(str(not_sqlite))
    with pytest.raises(InputError, match="not a database URL"):
        sync.push("://lab_library")
    with pytest.raises(ScholarDeskError, match="cannot reach the database server"):
        sync.push(f"postgresql+psycopg://alice@/lab?host={tmp_path / 'no-server'}")


# -- venues and their metrics: shared reference data, by their natural keys ------------------------
def _venue_state(svc: Services) -> tuple[object, ...]:
    venues = sorted((v.kind, v.abbr, v.name, v.ccf_all) for v in svc.venues.list())
    with svc.db.reading() as session:
        from scholardesk.store.venues_repo import VenuesRepository

        repo = VenuesRepository(session)
        names = {v.id: (v.kind, v.name) for v in svc.venues.list()}
        metrics = sorted((names[m.venue_id], m.year, m.source, m.metric, m.value)
                         for m in repo.metrics())
    deadlines = sorted((d.venue, d.year, d.kind, d.seq, d.deadline_utc)
                       for d in svc.venues.deadlines(include_tbd=True))
    return venues, metrics, deadlines, svc.venues.list_files()


def test_venues_ranks_rank_lists_metrics_and_deadlines_travel_by_their_keys(
    mine: Services, services: Services, real_fixture: Callable[[str], Path]
) -> None:
    mine.venues.import_lists([real_fixture("showjcr/CCF2022-UTF8.csv"),
                              real_fixture("showjcr/GJQKYJMD2024.csv")])
    mine.venues.sync_deadlines(real_fixture("ccfddl/conference/AI"))
    neurips = mine.venues.match("NeurIPS").venue  # type: ignore[union-attr]
    mine.venues.set_metric(neurips.id, 2024, "my notes", "acceptance_rate", "25.8%")
    services.venues.import_lists([real_fixture("showjcr/CCF2022-UTF8.csv")])  # a colleague's

    report = LibrarySyncService(mine.db).push(services.db.url)

    assert _venue_state(services) == _venue_state(mine)
    assert services.venues.rank_for("NeurIPS").rank == "A"  # type: ignore[union-attr]
    assert report.rank_lists.to_json()["added"] == 1 and report.rank_lists.skipped == 1
    assert report.venues.added > 0 and report.venues.skipped > 600
    assert report.venue_metrics.added > 0 and report.conference_editions.added > 20
    assert report.changes.touches("venues")
    # the target knows the list files it received: importing them there changes nothing
    again_import = services.venues.import_lists([real_fixture("showjcr/GJQKYJMD2024.csv")])
    assert [f.unchanged for f in again_import.files] == [True]
    again = LibrarySyncService(mine.db).push(services.db.url)
    for area in (again.venues, again.rank_lists, again.venue_metrics, again.conference_editions):
        assert (area.added, area.merged, area.kept) == (0, 0, 0)
    assert not again.changes


def test_a_rank_list_the_target_holds_in_another_version_keeps_that_version(
    mine: Services, services: Services, real_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    original = real_fixture("showjcr/GJQKYJMD2024.csv")
    lines = original.read_text(encoding="utf-8").splitlines(keepends=True)
    older = tmp_path / "older" / original.name
    older.parent.mkdir()
    older.write_text("".join(lines[:-1]), encoding="utf-8")  # one journal fewer
    mine.venues.import_lists([original])
    services.venues.import_lists([older])
    before = _venue_state(services)

    report = LibrarySyncService(mine.db).push(services.db.url)

    assert (report.rank_lists.added, report.rank_lists.kept) == (0, 1)
    assert report.venue_metrics.added == 0 and report.venue_metrics.kept == len(lines) - 1
    assert _venue_state(services)[1:] == before[1:]  # its values and its file record


def test_a_conference_edition_already_there_keeps_its_values_and_gains_missing_deadlines(
    mine: Services, services: Services, real_fixture: Callable[[str], Path]
) -> None:
    from scholardesk.domain.venues import ConferenceEdition, Deadline
    from scholardesk.services.library_sync import merge_edition

    when = dt.datetime(2025, 5, 15, 11, 59, tzinfo=dt.UTC)
    held = ConferenceEdition("X", 2025, "x25", link="https://x.org", deadlines=(
        Deadline("paper", when, "2025-05-15 23:59", "AoE"),))
    incoming = ConferenceEdition("X", 2025, "x25", link="https://other", place="Vienna",
                                 deadlines=(Deadline("paper", None, "TBD", ""),
                                            Deadline("abstract", when, "2025-05-08", "AoE")))
    merged = merge_edition(held, incoming)
    assert (merged.link, merged.place) == ("https://x.org", "Vienna")
    assert [(d.kind, d.local_text) for d in merged.deadlines] == [
        ("abstract", "2025-05-08"), ("paper", "2025-05-15 23:59")]
    assert merge_edition(merged, incoming) == merged


# -- experiments: by name and run fingerprint ------------------------------------------------------
def _runs(svc: Services) -> list[tuple[object, ...]]:
    runs = svc.experiments.runs()
    curves = {s.run_id: (s.series.metric, list(s.series.values))
              for s in svc.experiments.series([r.id for r in runs])}
    return sorted((r.experiment, r.model, r.seed, r.results, r.fingerprint, curves.get(r.id))
                  for r in runs)


def test_experiment_runs_results_and_curves_travel_once_by_fingerprint(
    mine: Services, services: Services
) -> None:
    from array import array

    from scholardesk.domain.experiments import NewRun, Series

    def run(seed: int, acc: float) -> NewRun:
        curve = Series("loss", array("q", [0, 10, 20]), array("d", [2.0, 1.1, 0.7 + seed]))
        return NewRun("cifar10", "resnet18", dataset="CIFAR-10", seed=seed,
                      results=[("acc", acc)], series=[curve])

    mine.experiments.record_runs([run(0, 0.93), run(1, 0.94), run(1, 0.94)])  # a kept twin
    services.experiments.record_runs([run(0, 0.93)])  # a colleague already has seed 0

    report = LibrarySyncService(mine.db).push(services.db.url)

    counts = report.experiments
    assert (counts.added, counts.skipped, report.experiments_added) == (2, 1, 0)
    assert _runs(services) == _runs(mine)
    assert report.changes.touches("experiments")
    again = LibrarySyncService(mine.db).push(services.db.url)
    assert (again.experiments.added, again.experiments.skipped) == (0, 3)
    pulled = LibrarySyncService(mine.db).pull(services.db.url)
    assert pulled.experiments.added == 0 and len(mine.experiments.runs()) == 3


def test_imported_experiment_files_stay_known_on_the_other_side(
    mine: Services, services: Services, real_fixture: Callable[[str], Path]
) -> None:
    mlruns = real_fixture("mlflow")
    first = mine.experiments.import_paths([mlruns])
    assert first.runs > 0

    report = LibrarySyncService(mine.db).push(services.db.url)

    assert report.experiments.added == first.runs
    assert _runs(services) == _runs(mine)
    reimport = services.experiments.import_paths([mlruns])
    assert reimport.runs == 0 and reimport.skipped_sources > 0


# -- models: the registry entry by the file's hash ---------------------------------------------------
def test_models_travel_as_registry_entries_by_their_hash(
    mine: Services, services: Services, real_fixture: Callable[[str], Path]
) -> None:
    relu = real_fixture("onnx/wonnx_single_relu.onnx")
    added = mine.models.add(relu, name="relu").model

    report = LibrarySyncService(mine.db).push(services.db.url)

    assert (report.models.added, report.models.skipped) == (1, 0)
    (shared,) = services.models.list()
    assert (shared.name, shared.sha256, shared.path, shared.task, shared.inputs) == (
        added.name, added.sha256, added.path, added.task, added.inputs)
    assert report.changes.touches("models")
    again = LibrarySyncService(mine.db).push(services.db.url)
    assert (again.models.added, again.models.skipped) == (0, 1)


# -- submissions: personal in spirit, copied (there is no per-person state yet) -----------------------
SUBMISSIONS_DATA = Path(__file__).resolve().parents[1] / "data" / "submissions"


def _histories(svc: Services) -> list[tuple[object, ...]]:
    subs = svc.submissions.all()
    venue_of = {s.id: s.venue for s in subs}
    return sorted((s.title, s.venue, venue_of.get(s.previous_id or 0), s.system,
                   tuple((e.date, e.raw, e.stage) for e in s.events)) for s in subs)


def test_submissions_travel_with_their_chains_and_status_histories(
    mine: Services, services: Services
) -> None:
    chain = (SUBMISSIONS_DATA / "seed8225_chain.txt").read_text(encoding="utf-8")
    flat = (SUBMISSIONS_DATA / "seed109_flattened.txt").read_text(encoding="utf-8")
    mine.papers.import_records([BERT])
    result = mine.submissions.import_text(flat, "Neurocomputing", "My paper")
    mine.submissions.update(result.submission_id or 0, paper_id=_id_of(mine, BERT.title))
    mine.submissions.import_text(chain, title="Ocean robot")
    services.submissions.import_text(flat[: flat.index("2022.08.13")], "Neurocomputing",
                                     "My paper")  # the first three events

    report = LibrarySyncService(mine.db).push(services.db.url)

    assert (report.submissions.added, report.submissions.merged) == (8, 1)
    assert _histories(services) == _histories(mine)
    (mapped,) = [s for s in services.submissions.all() if s.venue == "Neurocomputing"]
    assert mapped.paper_id == _id_of(services, BERT.title)
    assert report.changes.touches("submissions")
    again = LibrarySyncService(mine.db).push(services.db.url)
    assert (again.submissions.added, again.submissions.merged, again.submissions.skipped) == (
        0, 0, 9)


def test_dry_run_counts_of_every_area_match_the_real_run(
    mine: Services, services: Services, real_fixture: Callable[[str], Path]
) -> None:
    from scholardesk.domain.experiments import NewRun

    mine.venues.import_lists([real_fixture("showjcr/GJQKYJMD2024.csv")])
    mine.venues.sync_deadlines(real_fixture("ccfddl/conference/AI"))
    mine.experiments.record_runs([NewRun("e", "m", results=[("acc", 0.5)])])
    mine.models.add(real_fixture("onnx/wonnx_single_relu.onnx"))
    mine.submissions.import_text("2024-01-02 submitted\n2024-02-03 under review", "J", "T")
    mine.submissions.load_sample()  # left out
    sync = LibrarySyncService(mine.db)

    dry = sync.push(services.db.url, dry_run=True)

    assert services.venues.count() == 0 and services.experiments.runs() == []
    assert services.models.list() == [] and services.submissions.all() == []
    real = sync.push(services.db.url)
    assert {k: v for k, v in dry.to_json().items() if k != "dry_run"} == \
        {k: v for k, v in real.to_json().items() if k != "dry_run"}
    assert real.to_json()["not_covered"] == []
    assert real.submissions.left_out > 0 and real.submissions.added == 1
