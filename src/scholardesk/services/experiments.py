"""Experiments use cases: record and import runs, aggregate, plot data, export tables, metrics.

Each public method is one user action and one transaction (imports: one transaction per
source file / run folder, so a bad file never leaves half a run behind). Heavy libraries
(numpy, pandas, sacrebleu, jiwer) are imported inside the methods that need them.

Public API used by the Models page: ``record_run(run: NewRun) -> int``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from scholardesk.core.errors import InputError, NotFoundError
from scholardesk.core.progress import Progress, no_progress
from scholardesk.domain.changes import EXPERIMENTS, Changes
from scholardesk.domain.experiments import (
    Experiment,
    ExperimentImportReport,
    NewRun,
    ParsedSource,
    RunRecord,
    SeriesRecord,
)
from scholardesk.store.db import Database
from scholardesk.store.experiments_repo import ExperimentsRepository

if TYPE_CHECKING:
    from scholardesk.analysis.experiments_agg import AggregateRow, DuplicateGroup, Leaderboard

logger = logging.getLogger(__name__)


class ExperimentsService:
    area = EXPERIMENTS

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- recording -----------------------------------------------------------------------
    def record_run(self, run: NewRun) -> int:
        """Store one run (its results and series) in its experiment; returns the run id.

        Used by the Models page for benchmark/demo runs (``source="demo"``). The same run
        recorded twice is kept twice and reported by ``duplicates()``, never merged silently."""
        with self.db.transaction() as session:
            repo = ExperimentsRepository(session)
            exp_id = repo.ensure_experiment(run.experiment)
            return repo.add_run(exp_id, run)

    def record_runs(self, runs: Sequence[NewRun], is_sample: bool = False) -> list[int]:
        with self.db.transaction() as session:
            repo = ExperimentsRepository(session)
            ids = []
            for run in runs:
                exp_id = repo.ensure_experiment(run.experiment, is_sample=is_sample)
                ids.append(repo.add_run(exp_id, run, is_sample=is_sample))
            return ids

    # -- reading -------------------------------------------------------------------------
    def experiments(self) -> list[Experiment]:
        with self.db.reading() as session:
            return ExperimentsRepository(session).experiments()

    def runs(
        self,
        experiment: str | None = None,
        model: str | None = None,
        dataset: str | None = None,
        source: str | None = None,
    ) -> list[RunRecord]:
        with self.db.reading() as session:
            repo = ExperimentsRepository(session)
            if experiment is not None and repo.experiment_id(experiment) is None:
                raise NotFoundError(
                    f"There is no experiment called {experiment!r}.",
                    "Run `scholardesk experiments list` to see the names.",
                )
            return repo.runs(experiment, model=model, dataset=dataset, source=source)

    def series(self, run_ids: Sequence[int], metric: str | None = None) -> list[SeriesRecord]:
        with self.db.reading() as session:
            return ExperimentsRepository(session).series(run_ids, metric)

    def metrics(self, experiment: str | None = None) -> tuple[list[str], list[str]]:
        """(result metrics, series metrics) of an experiment (or of all)."""
        with self.db.reading() as session:
            repo = ExperimentsRepository(session)
            return repo.result_metrics(experiment), repo.series_metrics(experiment)

    def delete_experiment(self, name: str) -> Changes:
        with self.db.transaction() as session:
            ExperimentsRepository(session).delete_experiment(name)
        return Changes.of(EXPERIMENTS)

    def delete_runs(self, run_ids: Sequence[int]) -> Changes:
        with self.db.transaction() as session:
            ExperimentsRepository(session).delete_runs(run_ids)
        return Changes.of(EXPERIMENTS)
