"""The sample library enters only an empty library and leaves without taking the user's data."""

from __future__ import annotations

from pathlib import Path

import pytest

from scholardesk.core.errors import InputError
from scholardesk.domain.experiments import NewRun
from scholardesk.services.context import Services

BERT_BIB = (
    "@inproceedings{mine, title={BERT: Pre-training of Deep Bidirectional Transformers for"
    " Language Understanding}, author={Devlin, Jacob and Chang, Ming-Wei}, year={2019},"
    " doi={10.18653/v1/N19-1423}, note={my own copy}}\n"
)


def _paper(services: Services, words: str) -> int:
    (row,) = services.papers.search(words)
    return row.id


def test_a_library_filled_from_the_cli_gets_no_sample_on_the_first_window_start(
    services: Services, tmp_path: Path
) -> None:
    services.papers.import_bibtex_text(BERT_BIB, "mine.bib")
    assert services.sample.is_first_start()
    services.sample.load_if_first_start()
    assert services.papers.count() == 1
    assert services.submissions.all() == []
    assert services.experiments.experiments() == []
    assert services.models.list() == []
    assert not services.sample.is_first_start()  # and it is not offered again later
    services.papers.delete([_paper(services, "BERT")])
    services.sample.load_if_first_start()
    assert services.papers.count() == 0


@pytest.mark.parametrize("area", ["submission", "experiment run"])
def test_any_user_record_keeps_the_sample_out(services: Services, area: str) -> None:
    if area == "submission":
        services.submissions.import_text("2024-01-02 Submitted to Journal", venue="J", title="T")
    else:
        services.experiments.record_run(NewRun("mine", "m", results=[("acc", 1.0)]))
    services.sample.load_if_first_start()
    assert services.papers.count() == 0


def test_an_explicit_sample_load_into_a_non_empty_library_is_refused(services: Services) -> None:
    services.papers.import_bibtex_text(BERT_BIB, "mine.bib")
    with pytest.raises(InputError, match="empty library.*1 papers"):
        services.sample.load()
    assert services.papers.count() == 1


def test_an_empty_library_gets_the_sample_once(services: Services) -> None:
    services.sample.load_if_first_start()
    assert services.papers.count() == 9
    assert services.sample.is_empty()  # the sample is not the user's data


def test_a_paper_imported_after_the_sample_survives_deleting_the_sample(
    services: Services,
) -> None:
    services.sample.load_if_first_start()
    bert = _paper(services, "Bidirectional Transformers")
    report = services.papers.import_bibtex_text(BERT_BIB, "mine.bib")
    assert report.imported == 0  # merged with the sample record of the same DOI
    services.sample.delete()
    assert services.papers.count() == 1
    kept = services.papers.get(bert)
    assert not kept.is_sample and kept.doi.lower() == "10.18653/v1/n19-1423"


@pytest.mark.parametrize(
    "edit",
    [
        {"add_tags": ["mine"]},
        {"remove_tags": ["transformer"]},
        {"notes": "my notes"},
        {"status": "reading"},
        {"rating": 2},
    ],
)
def test_a_sample_paper_the_user_edited_is_kept(services: Services, edit: dict[str, object]) -> None:
    services.sample.load_if_first_start()
    attention = _paper(services, "Attention Is All You Need")
    services.papers.update([attention], **edit)  # type: ignore[arg-type]
    services.sample.delete()
    assert [p.id for p in services.papers.list_papers()] == [attention]
    assert not services.papers.get(attention).is_sample


def test_untouched_sample_records_all_go(services: Services) -> None:
    services.sample.load_if_first_start()
    removed, _ = services.sample.delete()
    assert removed > 9
    assert services.papers.count() == 0
    assert services.submissions.all() == []
    assert services.experiments.experiments() == []
    assert services.models.list() == []
    assert services.sample.is_empty()


def test_a_sample_submission_the_user_added_an_event_to_is_kept(services: Services) -> None:
    services.sample.load_if_first_start()
    first, *others = services.submissions.all()
    services.submissions.add_event(first.id, "2030-01-02", "Accepted")
    edited = others[0]
    services.submissions.update(edited.id, notes="mine now")
    services.sample.delete()
    assert sorted(s.id for s in services.submissions.all()) == sorted([first.id, edited.id])
    assert not any(s.is_sample for s in services.submissions.all())


def test_a_user_run_in_a_sample_experiment_keeps_the_experiment(services: Services) -> None:
    services.sample.load_if_first_start()
    services.experiments.record_run(
        NewRun("CIFAR-10: MLP vs CNN", "ResNet", split="test", results=[("accuracy (%)", 90.0)])
    )
    services.sample.delete()
    (exp,) = services.experiments.experiments()
    assert exp.name == "CIFAR-10: MLP vs CNN" and exp.runs == 1 and not exp.is_sample
