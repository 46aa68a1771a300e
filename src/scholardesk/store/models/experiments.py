"""Experiments → runs → results / series, and the import sources (content hashes)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from scholardesk.store.models.base import Base


class ExperimentRow(Base):
    __tablename__ = "experiments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)


class ExperimentSourceRow(Base):
    """One imported file or run folder; the hash makes a re-import a no-op."""

    __tablename__ = "exp_sources"
    __table_args__ = (UniqueConstraint("experiment_id", "content_hash", name="uq_exp_sources_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    experiment_id: Mapped[int] = mapped_column(
        ForeignKey("experiments.id", ondelete="CASCADE"), index=True
    )
    uri: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(40))
    content_hash: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(DateTime)


class RunRow(Base):
    __tablename__ = "exp_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    experiment_id: Mapped[int] = mapped_column(
        ForeignKey("experiments.id", ondelete="CASCADE"), index=True
    )
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("exp_sources.id", ondelete="SET NULL"), index=True, nullable=True
    )
    name: Mapped[str] = mapped_column(String(300), default="")
    model: Mapped[str] = mapped_column(String(300), index=True)
    dataset: Mapped[str] = mapped_column(String(300), default="")
    split: Mapped[str] = mapped_column(String(100), default="")
    protocol: Mapped[str] = mapped_column(String(200), default="")
    seed: Mapped[int | None] = mapped_column(Integer, nullable=True)
    hardware: Mapped[str] = mapped_column(String(200), default="")
    framework: Mapped[str] = mapped_column(String(100), default="")
    params_json: Mapped[str] = mapped_column(Text, default="{}")
    source: Mapped[str] = mapped_column(String(20), default="own")
    reference: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)


class ResultRow(Base):
    __tablename__ = "exp_results"
    __table_args__ = (UniqueConstraint("run_id", "metric", name="uq_exp_results_run_metric"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("exp_runs.id", ondelete="CASCADE"), index=True)
    metric: Mapped[str] = mapped_column(String(200))
    value: Mapped[float] = mapped_column(Float)
    higher_is_better: Mapped[bool] = mapped_column(Boolean, default=True)


class SeriesRow(Base):
    """A whole curve in one row: steps int64 / values float64 / wall times float64, little
    endian. A million points are three blobs, not a million rows (fast import and load)."""

    __tablename__ = "exp_series"
    __table_args__ = (UniqueConstraint("run_id", "metric", name="uq_exp_series_run_metric"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("exp_runs.id", ondelete="CASCADE"), index=True)
    metric: Mapped[str] = mapped_column(String(200))
    n_points: Mapped[int] = mapped_column(Integer)
    steps: Mapped[bytes] = mapped_column(LargeBinary)
    values: Mapped[bytes] = mapped_column(LargeBinary)
    wall_times: Mapped[bytes] = mapped_column(LargeBinary)
