"""Experiments use cases: record and import runs, aggregate, plot data, export tables, metrics.

Each public method is one user action and one transaction (imports: one transaction per
source file / run folder, so a bad file never leaves half a run behind). Heavy libraries
(numpy, pandas, sacrebleu, jiwer) are imported inside the methods that need them.

Public API used by the Models page: ``record_run(run: NewRun) -> int``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from functools import partial
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
    ScatterPoint,
    SeriesRecord,
)
from scholardesk.store.db import Database
from scholardesk.store.experiments_repo import ExperimentsRepository

if TYPE_CHECKING:
    from scholardesk.analysis.experiments_agg import AggregateRow, DuplicateGroup, Leaderboard
    from scholardesk.analysis.metrics import MetricResult

TABLE_FORMATS = ("latex", "markdown", "csv", "json")
TABLE_SUFFIXES = (".csv", ".tsv", ".json")
TEXT_SUFFIXES = (".txt", ".log", ".out", ".md", ".tex")
SAMPLE_FILE = ("sample", "experiments.json")

logger = logging.getLogger(__name__)


class ExperimentsService:
    area = EXPERIMENTS

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- recording -----------------------------------------------------------------------
    def record_run(self, run: NewRun, *, is_sample: bool = False) -> int:
        """Store one run (its results and series) in its experiment; returns the run id.

        Used by the Models page for benchmark/demo runs (``source="demo"``). The same run
        recorded twice is kept twice and reported by ``duplicates()``, never merged silently.
        ``is_sample`` marks sample data (removed by "delete sample data")."""
        with self.db.transaction() as session:
            repo = ExperimentsRepository(session)
            exp_id = repo.ensure_experiment(run.experiment, is_sample=is_sample)
            return repo.add_run(exp_id, run, is_sample=is_sample)

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

    # -- importing -----------------------------------------------------------------------
    def import_paths(
        self,
        paths: Sequence[Path],
        experiment: str | None = None,
        template: str | None = None,
        model: str = "",
        progress: Progress | None = None,
        is_sample: bool = False,
    ) -> ExperimentImportReport:
        """Import files and folders (TensorBoard, MLflow, CSV/JSON, logs, pasted tables).

        One transaction per source (file or run folder): a bad source is reported with its
        file and record and the others go on; an unchanged source imported before is skipped.
        """
        progress = progress or no_progress()
        report = ExperimentImportReport(experiment or "")
        names: list[str] = []
        jobs = self._plan(paths, experiment, template, model, report)
        for i, job in enumerate(jobs):
            progress.report(i, len(jobs), f"Reading {job[0]}")
            try:
                parsed = job[1]()
            except InputError:
                raise
            except (OSError, UnicodeDecodeError) as exc:
                report.errors.append((job[0], "", f"cannot read: {exc}"))
                continue
            self._store(parsed, report, names, is_sample)
        progress.report(len(jobs), len(jobs), "Imported")
        if not experiment:
            report.experiment = ", ".join(dict.fromkeys(names))
        return report

    def _plan(
        self,
        paths: Sequence[Path],
        experiment: str | None,
        template: str | None,
        model: str,
        report: ExperimentImportReport,
    ) -> list[tuple[str, Callable[[], ParsedSource]]]:
        from scholardesk.sources.experiments import mlflow, tables, tensorboard

        jobs: list[tuple[str, Callable[[], ParsedSource]]] = []
        for path in paths:
            path = Path(path)
            if not path.exists():
                report.errors.append((str(path), "", "no such file or folder"))
                continue
            if path.is_dir():
                if mlflow.is_mlflow_store(path):
                    for folder in mlflow.run_folders(path):
                        jobs.append((str(folder), partial(mlflow.parse_run, folder, experiment)))
                    continue
                from scholardesk.sources.safe_files import walk

                found = walk(path, keep=tensorboard.is_event_file)
                for refused in found.refused:
                    report.errors.append((str(refused.link), "", refused.message))
                events = found.files
                if not events and not found.refused:
                    report.errors.append(
                        (str(path), "", "no TensorBoard event files or MLflow runs in this folder")
                    )
                for event in events:
                    rel = event.parent.relative_to(path)
                    run_name = str(rel).replace("\\", "/") if str(rel) != "." else path.name
                    exp = experiment or path.name
                    jobs.append(
                        (
                            str(event),
                            partial(_tensorboard_run, event, exp, run_name, model),
                        )
                    )
                continue
            suffix = path.suffix.lower()
            if tensorboard.is_event_file(path):
                exp = experiment or path.parent.name or "TensorBoard"
                jobs.append(
                    (
                        str(path),
                        partial(
                            tensorboard.parse_event_file,
                            path, exp, path.parent.name or path.stem, model,
                        ),
                    )
                )
            elif suffix in (".csv", ".tsv"):
                jobs.append((str(path), partial(tables.parse_csv, path, experiment)))
            elif suffix == ".json":
                jobs.append((str(path), partial(tables.parse_json, path, experiment)))
            elif template:
                jobs.append((str(path), partial(_log_job, path, template, experiment, model)))
            elif suffix in TEXT_SUFFIXES:
                jobs.append((str(path), partial(tables.parse_table_text_file, path, experiment)))
            else:
                report.errors.append(
                    (
                        str(path),
                        "",
                        (
                            "unknown file type; use .csv/.json, a TensorBoard event file, an "
                            "mlruns folder, a pasted table (.txt) or a log with --template"
                        ),
                    )
                )
        return jobs

    def _store(
        self,
        parsed: ParsedSource,
        report: ExperimentImportReport,
        names: list[str],
        is_sample: bool,
    ) -> None:
        for record, message in parsed.errors:
            report.errors.append((parsed.key, record, message))
        if not parsed.runs:
            return
        exp_name = parsed.runs[0].experiment
        with self.db.transaction() as session:
            repo = ExperimentsRepository(session)
            exp_id = repo.ensure_experiment(exp_name, is_sample=is_sample)
            if repo.source_known(exp_id, parsed.content_hash):
                report.skipped_sources += 1
                names.append(exp_name)
                return
            source_id = repo.add_source(exp_id, parsed.key, parsed.kind, parsed.content_hash)
            known = repo.fingerprints(exp_id)
            for run in parsed.runs:
                target = exp_id
                if run.experiment != exp_name:
                    target = repo.ensure_experiment(run.experiment, is_sample=is_sample)
                fp = run.fingerprint()
                if fp in known:
                    report.duplicates += 1
                known.add(fp)
                repo.add_run(target, run, source_id=source_id, is_sample=is_sample)
                report.runs += 1
                report.results += len(run.result_values)
                report.series_points += sum(len(s) for s in run.series)
        names.append(exp_name)

    def import_pasted_table(
        self,
        text: str,
        experiment: str,
        reference: str = "",
        source: str = "paper",
        dataset: str = "",
        metric: str | None = None,
    ) -> ExperimentImportReport:
        """A results table copied from a paper or leaderboard (source = paper/leaderboard)."""
        import hashlib

        from scholardesk.sources.experiments.tables import parse_pasted_table

        runs, errors = parse_pasted_table(text, experiment, reference, source, dataset, metric)
        digest = hashlib.sha256(
            "\0".join([text, experiment, reference, source, dataset, metric or ""]).encode()
        ).hexdigest()
        parsed = ParsedSource("pasted table", digest, "pasted", tuple(runs), tuple(errors))
        report = ExperimentImportReport(experiment)
        self._store(parsed, report, [], False)
        return report

    # -- aggregation, plots, export ------------------------------------------------------
    def aggregate(
        self,
        experiment: str | None,
        metric: str | None = None,
        baseline: str | None = None,
        params: Sequence[str] = (),
    ) -> list[AggregateRow]:
        """Mean ± std per model (and per value of each of ``params``, e.g. MLflow's alpha)."""
        from scholardesk.analysis.experiments_agg import aggregate

        return aggregate(self.runs(experiment), metric, baseline, params)

    def leaderboard(self, experiment: str | None, metric: str) -> Leaderboard:
        from scholardesk.analysis.experiments_agg import leaderboard

        return leaderboard(self.aggregate(experiment, metric), metric)

    def duplicates(self, experiment: str | None = None) -> list[DuplicateGroup]:
        from scholardesk.analysis.experiments_agg import duplicate_groups

        return duplicate_groups(self.runs(experiment))

    def export_table(
        self,
        experiment: str,
        metric: str | None = None,
        fmt: str = "latex",
        decimals: int = 2,
        baseline: str | None = None,
        params: Sequence[str] = (),
    ) -> str:
        import json

        from scholardesk.analysis import table_export

        if fmt not in TABLE_FORMATS:
            raise InputError(f"Unknown table format {fmt!r}.", f"Use one of {', '.join(TABLE_FORMATS)}.")
        rows = self.aggregate(experiment, metric, baseline, params)
        if not rows:
            raise NotFoundError(
                f"Experiment {experiment!r} has no results"
                + (f" for the metric {metric!r}." if metric else "."),
                "Check the metric name with `scholardesk experiments runs --experiment NAME`.",
            )
        if fmt == "latex":
            return table_export.to_latex(rows, decimals, caption=experiment)
        if fmt == "markdown":
            return table_export.to_markdown(rows, decimals)
        if fmt == "csv":
            return table_export.to_csv(rows)
        return json.dumps([r.to_json() for r in rows], ensure_ascii=False, indent=2) + "\n"

    def curves(
        self, experiment: str, metric: str | None = None, run_ids: Sequence[int] | None = None
    ) -> list[SeriesRecord]:
        """Training curves of an experiment's runs (all, or the given ones)."""
        ids = list(run_ids) if run_ids is not None else [r.id for r in self.runs(experiment)]
        return self.series(ids, metric)

    def scatter_points(
        self, experiment: str | None, y_metric: str, x_key: str, include_demo: bool = True
    ) -> list[ScatterPoint]:
        """Runs with both values: ``x_key`` is a result metric (e.g. latency_ms) or
        ``param:NAME`` (e.g. param:params). Model-demo benchmark runs from every experiment
        are added so the Pareto view shows them too."""
        runs = self.runs(experiment)
        if include_demo and experiment is not None:
            seen = {r.id for r in runs}
            runs += [r for r in self.runs(None, source="demo") if r.id not in seen]
        points = []
        for run in runs:
            y = run.value(y_metric)
            if x_key.startswith("param:"):
                try:
                    x: float | None = float(run.params[x_key[len("param:"):]])
                except (KeyError, ValueError):
                    x = None
            else:
                x = run.value(x_key)
            if x is not None and y is not None:
                points.append(ScatterPoint(run.id, run.experiment, run.model, run.source, x, y))
        return points

    # -- metrics from prediction files ---------------------------------------------------
    def compute_metric(
        self,
        metric: str,
        ref: Path | None,
        hyp: Path,
        k: int = 1,
        record: NewRun | None = None,
    ) -> MetricResult:
        """Score a hypothesis file against a reference file (one item per line). With
        ``record``, the score is stored as a run (its results replaced by the score)."""
        from dataclasses import replace

        result = score_files(metric, ref, hyp, k)
        if record is not None:
            self.record_run(replace(record, results=[(result.metric, result.value, result.higher_is_better)]))
        return result

    # -- sample data ---------------------------------------------------------------------
    def load_sample(self) -> None:
        from scholardesk.core.resources import resource_path

        self.import_paths([resource_path(*SAMPLE_FILE)], is_sample=True)

    def delete_sample(self) -> int:
        with self.db.transaction() as session:
            return ExperimentsRepository(session).delete_samples()


def score_files(metric: str, ref: Path | None, hyp: Path, k: int = 1) -> MetricResult:
    """Score a hypothesis file against a reference file (no library needed)."""
    from scholardesk.analysis.metrics import MetricInputError, compute

    try:
        hyps = _read_lines(hyp)
        refs = _read_lines(ref) if ref is not None else []
        if metric != "pass-at-k" and ref is None:
            raise MetricInputError("this metric needs --ref")
        return compute(metric, refs, hyps, k)
    except MetricInputError as exc:
        raise InputError(
            f"Cannot compute {metric}: {exc}.", "Give one item per line in both files."
        ) from exc


def _read_lines(path: Path) -> list[str]:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def _with_template(parsed: ParsedSource, template: str) -> ParsedSource:
    """The same log read through another template is another source."""
    import hashlib
    from dataclasses import replace

    digest = hashlib.sha256(f"{parsed.content_hash}\0{template}".encode()).hexdigest()
    return replace(parsed, content_hash=digest)


_SEED_FOLDER = re.compile(r"(?:^|/)(?:run|seed|trial|rep|repeat)[_-]?(\d+)$", re.IGNORECASE)


def _seeded(parsed: ParsedSource, model_given: bool) -> ParsedSource:
    """TensorBoard folders like ``strict/run_1``, ``…/seed-3``: one model (the folder above)
    run with several seeds, so they aggregate into mean ± std."""
    from dataclasses import replace

    runs = []
    for run in parsed.runs:
        m = _SEED_FOLDER.search(run.name)
        if m is None:
            runs.append(run)
            continue
        parent = run.name[: m.start()].strip("/") or run.model
        runs.append(
            replace(run, model=run.model if model_given else parent, seed=int(m.group(1)))
        )
    return replace(parsed, runs=tuple(runs))


def _tensorboard_run(event: Path, experiment: str, run_name: str, model: str) -> ParsedSource:
    from scholardesk.sources.experiments import tensorboard

    return _seeded(tensorboard.parse_event_file(event, experiment, run_name, model), bool(model))


def _log_job(path: Path, template: str, experiment: str | None, model: str) -> ParsedSource:
    from scholardesk.sources.experiments import logs

    return _with_template(logs.parse_log(path, template, experiment, model), template)
