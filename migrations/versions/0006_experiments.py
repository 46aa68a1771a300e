"""Experiments: experiments, import sources, runs, results and series.

Revision ID: 0006_experiments
Revises: 0001_foundation
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_experiments"
down_revision = "0001_foundation"
branch_labels = ("experiments",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "experiments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_experiments")),
        sa.UniqueConstraint("name", name=op.f("uq_experiments_name")),
    )
    op.create_table(
        "exp_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("experiment_id", sa.Integer(), nullable=False),
        sa.Column("uri", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["experiment_id"], ["experiments.id"],
            name=op.f("fk_exp_sources_experiment_id_experiments"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exp_sources")),
        sa.UniqueConstraint("experiment_id", "content_hash", name="uq_exp_sources_hash"),
    )
    with op.batch_alter_table("exp_sources", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exp_sources_experiment_id"), ["experiment_id"])
    op.create_table(
        "exp_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("experiment_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("model", sa.String(length=300), nullable=False),
        sa.Column("dataset", sa.String(length=300), nullable=False),
        sa.Column("split", sa.String(length=100), nullable=False),
        sa.Column("protocol", sa.String(length=200), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=True),
        sa.Column("hardware", sa.String(length=200), nullable=False),
        sa.Column("framework", sa.String(length=100), nullable=False),
        sa.Column("params_json", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["experiment_id"], ["experiments.id"],
            name=op.f("fk_exp_runs_experiment_id_experiments"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["exp_sources.id"],
            name=op.f("fk_exp_runs_source_id_exp_sources"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exp_runs")),
    )
    with op.batch_alter_table("exp_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exp_runs_experiment_id"), ["experiment_id"])
        batch_op.create_index(batch_op.f("ix_exp_runs_fingerprint"), ["fingerprint"])
        batch_op.create_index(batch_op.f("ix_exp_runs_model"), ["model"])
        batch_op.create_index(batch_op.f("ix_exp_runs_source_id"), ["source_id"])
    op.create_table(
        "exp_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("higher_is_better", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["exp_runs.id"],
            name=op.f("fk_exp_results_run_id_exp_runs"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exp_results")),
        sa.UniqueConstraint("run_id", "metric", name="uq_exp_results_run_metric"),
    )
    with op.batch_alter_table("exp_results", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exp_results_run_id"), ["run_id"])
    op.create_table(
        "exp_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=200), nullable=False),
        sa.Column("n_points", sa.Integer(), nullable=False),
        sa.Column("steps", sa.LargeBinary(), nullable=False),
        sa.Column("values", sa.LargeBinary(), nullable=False),
        sa.Column("wall_times", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["exp_runs.id"],
            name=op.f("fk_exp_series_run_id_exp_runs"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exp_series")),
        sa.UniqueConstraint("run_id", "metric", name="uq_exp_series_run_metric"),
    )
    with op.batch_alter_table("exp_series", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exp_series_run_id"), ["run_id"])


def downgrade() -> None:
    op.drop_table("exp_series")
    op.drop_table("exp_results")
    op.drop_table("exp_runs")
    op.drop_table("exp_sources")
    op.drop_table("experiments")
