"""All SQL for experiments, runs, results, series and import sources."""

from __future__ import annotations

import json
import sys
from array import array
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from scholardesk.domain.experiments import (
    Experiment,
    NewRun,
    ResultValue,
    RunRecord,
    Series,
    SeriesRecord,
)
from scholardesk.store.models.experiments import (
    ExperimentRow,
    ExperimentSourceRow,
    ResultRow,
    RunRow,
    SeriesRow,
)

_BIG_ENDIAN = sys.byteorder == "big"


def _pack(column: array[Any]) -> bytes:
    if _BIG_ENDIAN:  # stored little endian everywhere
        column = array(column.typecode, column)
        column.byteswap()
    return column.tobytes()


def _unpack(typecode: str, blob: bytes) -> array[Any]:
    column: array[Any] = array(typecode)
    column.frombytes(blob)
    if _BIG_ENDIAN:
        column.byteswap()
    return column


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class ExperimentsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- experiments ---------------------------------------------------------------------
    def experiment_id(self, name: str) -> int | None:
        return self.session.scalar(select(ExperimentRow.id).where(ExperimentRow.name == name))

    def ensure_experiment(self, name: str, is_sample: bool = False, description: str = "") -> int:
        found = self.experiment_id(name)
        if found is not None:
            if not is_sample:  # the user's own runs go here: the experiment is the user's now
                self.session.execute(
                    update(ExperimentRow)
                    .where(ExperimentRow.id == found, ExperimentRow.is_sample.is_(True))
                    .values(is_sample=False)
                )
            return found
        row = ExperimentRow(
            name=name, description=description, created_at=_now(), is_sample=is_sample
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def experiments(self) -> list[Experiment]:
        counts = (
            select(RunRow.experiment_id, func.count(RunRow.id).label("n"))
            .group_by(RunRow.experiment_id)
            .subquery()
        )
        rows = self.session.execute(
            select(ExperimentRow, func.coalesce(counts.c.n, 0))
            .outerjoin(counts, counts.c.experiment_id == ExperimentRow.id)
            .order_by(ExperimentRow.name)
        ).all()
        return [Experiment(e.id, e.name, e.description, int(n), e.is_sample) for e, n in rows]

    def delete_experiment(self, name: str) -> int:
        exp_id = self.experiment_id(name)
        if exp_id is None:
            return 0
        n = self.session.scalar(select(func.count()).where(RunRow.experiment_id == exp_id)) or 0
        self._delete_runs(select(RunRow.id).where(RunRow.experiment_id == exp_id))
        self.session.execute(
            delete(ExperimentSourceRow).where(ExperimentSourceRow.experiment_id == exp_id)
        )
        self.session.execute(delete(ExperimentRow).where(ExperimentRow.id == exp_id))
        return int(n)

    # -- sources -------------------------------------------------------------------------
    def source_known(self, experiment_id: int, content_hash: str) -> bool:
        found = self.session.scalar(
            select(ExperimentSourceRow.id).where(
                ExperimentSourceRow.experiment_id == experiment_id,
                ExperimentSourceRow.content_hash == content_hash,
            )
        )
        return found is not None

    def add_source(self, experiment_id: int, uri: str, kind: str, content_hash: str) -> int:
        row = ExperimentSourceRow(
            experiment_id=experiment_id,
            uri=uri,
            kind=kind,
            content_hash=content_hash,
            imported_at=_now(),
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    # -- runs ----------------------------------------------------------------------------
    def fingerprints(self, experiment_id: int) -> set[str]:
        return set(
            self.session.scalars(
                select(RunRow.fingerprint).where(RunRow.experiment_id == experiment_id)
            )
        )

    def add_run(
        self,
        experiment_id: int,
        run: NewRun,
        source_id: int | None = None,
        is_sample: bool = False,
    ) -> int:
        run_id = self.session.execute(
            insert(RunRow).values(
                experiment_id=experiment_id,
                source_id=source_id,
                name=run.name or run.model,
                model=run.model,
                dataset=run.dataset,
                split=run.split,
                protocol=run.protocol,
                seed=run.seed,
                hardware=run.hardware,
                framework=run.framework,
                params_json=json.dumps(dict(run.params), ensure_ascii=False, sort_keys=True),
                source=run.source,
                reference=run.reference,
                notes=run.notes,
                fingerprint=run.fingerprint(),
                created_at=_now(),
                is_sample=is_sample,
            )
        ).inserted_primary_key[0]  # type: ignore[attr-defined]
        results = {r.metric: r for r in run.result_values}  # last one wins per metric
        if results:
            self.session.execute(
                insert(ResultRow),
                [
                    {
                        "run_id": run_id,
                        "metric": r.metric,
                        "value": r.value,
                        "higher_is_better": r.higher_is_better,
                    }
                    for r in results.values()
                ],
            )
        series = {s.metric: s for s in run.series}
        if series:
            self.session.execute(
                insert(SeriesRow),
                [
                    {
                        "run_id": run_id,
                        "metric": s.metric,
                        "n_points": len(s),
                        "steps": _pack(s.steps),
                        "values": _pack(s.values),
                        "wall_times": _pack(s.wall_times),
                    }
                    for s in series.values()
                ],
            )
        return int(run_id)

    def runs(
        self,
        experiment: str | None = None,
        model: str | None = None,
        dataset: str | None = None,
        source: str | None = None,
        run_ids: Sequence[int] | None = None,
    ) -> list[RunRecord]:
        query = (
            select(RunRow, ExperimentRow.name)
            .join(ExperimentRow, ExperimentRow.id == RunRow.experiment_id)
            .order_by(ExperimentRow.name, RunRow.model, RunRow.dataset, RunRow.seed, RunRow.id)
        )
        if experiment is not None:
            query = query.where(ExperimentRow.name == experiment)
        if model:
            query = query.where(RunRow.model == model)
        if dataset:
            query = query.where(RunRow.dataset == dataset)
        if source:
            query = query.where(RunRow.source == source)
        if run_ids is not None:
            query = query.where(RunRow.id.in_(list(run_ids)))
        rows = self.session.execute(query).all()
        ids = [r.id for r, _ in rows]
        results: dict[int, list[ResultValue]] = defaultdict(list)
        series: dict[int, list[str]] = defaultdict(list)
        for chunk in _chunks(ids, 500):
            for res in self.session.scalars(
                select(ResultRow).where(ResultRow.run_id.in_(chunk)).order_by(ResultRow.id)
            ):
                results[res.run_id].append(
                    ResultValue(res.metric, res.value, res.higher_is_better)
                )
            for run_id, metric in self.session.execute(
                select(SeriesRow.run_id, SeriesRow.metric)
                .where(SeriesRow.run_id.in_(chunk))
                .order_by(SeriesRow.id)
            ):
                series[run_id].append(metric)
        return [
            RunRecord(
                id=r.id,
                experiment=exp_name,
                name=r.name,
                model=r.model,
                dataset=r.dataset,
                split=r.split,
                protocol=r.protocol,
                seed=r.seed,
                hardware=r.hardware,
                framework=r.framework,
                params=json.loads(r.params_json or "{}"),
                source=r.source,
                reference=r.reference,
                results=tuple(results.get(r.id, ())),
                fingerprint=r.fingerprint,
                series_metrics=tuple(series.get(r.id, ())),
                notes=r.notes,
                is_sample=r.is_sample,
            )
            for r, exp_name in rows
        ]

    def series(
        self, run_ids: Sequence[int], metric: str | None = None
    ) -> list[SeriesRecord]:
        out: list[SeriesRecord] = []
        for chunk in _chunks(list(run_ids), 500):
            query = (
                select(SeriesRow, RunRow.name, RunRow.model, RunRow.seed)
                .join(RunRow, RunRow.id == SeriesRow.run_id)
                .where(SeriesRow.run_id.in_(chunk))
                .order_by(RunRow.id, SeriesRow.id)
            )
            if metric:
                query = query.where(SeriesRow.metric == metric)
            for row, name, model, seed in self.session.execute(query):
                out.append(
                    SeriesRecord(
                        run_id=row.run_id,
                        run_name=name,
                        model=model,
                        series=Series(
                            row.metric,
                            _unpack("q", row.steps),
                            _unpack("d", row.values),
                            _unpack("d", row.wall_times),
                        ),
                        seed=seed,
                    )
                )
        return out

    def series_metrics(self, experiment: str | None = None) -> list[str]:
        query = select(SeriesRow.metric).distinct().join(RunRow, RunRow.id == SeriesRow.run_id)
        if experiment is not None:
            query = query.join(ExperimentRow, ExperimentRow.id == RunRow.experiment_id).where(
                ExperimentRow.name == experiment
            )
        return sorted(self.session.scalars(query))

    def result_metrics(self, experiment: str | None = None) -> list[str]:
        query = select(ResultRow.metric).distinct().join(RunRow, RunRow.id == ResultRow.run_id)
        if experiment is not None:
            query = query.join(ExperimentRow, ExperimentRow.id == RunRow.experiment_id).where(
                ExperimentRow.name == experiment
            )
        return sorted(self.session.scalars(query))

    def delete_runs(self, run_ids: Iterable[int]) -> int:
        ids = list(run_ids)
        for chunk in _chunks(ids, 500):
            self._delete_runs(select(RunRow.id).where(RunRow.id.in_(chunk)))
        return len(ids)

    def _delete_runs(self, id_query) -> None:  # type: ignore[no-untyped-def]
        ids = list(self.session.scalars(id_query))
        for chunk in _chunks(ids, 500):
            self.session.execute(delete(ResultRow).where(ResultRow.run_id.in_(chunk)))
            self.session.execute(delete(SeriesRow).where(SeriesRow.run_id.in_(chunk)))
            self.session.execute(delete(RunRow).where(RunRow.id.in_(chunk)))

    def delete_samples(self) -> int:
        n = self.session.scalar(select(func.count()).where(RunRow.is_sample.is_(True))) or 0
        self._delete_runs(select(RunRow.id).where(RunRow.is_sample.is_(True)))
        sample_exps = list(
            self.session.scalars(select(ExperimentRow.id).where(ExperimentRow.is_sample.is_(True)))
        )
        for exp_id in sample_exps:
            left = self.session.scalar(
                select(func.count()).where(RunRow.experiment_id == exp_id)
            )
            if not left:
                self.session.execute(
                    delete(ExperimentSourceRow).where(ExperimentSourceRow.experiment_id == exp_id)
                )
                self.session.execute(delete(ExperimentRow).where(ExperimentRow.id == exp_id))
        return int(n)


def _chunks(items: Sequence[int], size: int) -> Iterable[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
