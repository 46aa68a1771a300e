"""Submissions: the user's manuscripts per venue (chained) and their status events.

Revision ID: 0005_submissions
Revises: 0001_foundation
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_submissions"
down_revision = "0001_foundation"
branch_labels = ("submissions",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("venue", sa.String(length=300), nullable=False),
        sa.Column("manuscript_id", sa.String(length=100), nullable=False),
        sa.Column("system", sa.String(length=60), nullable=False),
        sa.Column("role", sa.String(length=60), nullable=False),
        sa.Column("paper_id", sa.Integer(), nullable=True),
        sa.Column("previous_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["previous_id"], ["submissions.id"],
            name=op.f("fk_submissions_previous_id_submissions"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submissions")),
    )
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_submissions_venue"), ["venue"])
        batch_op.create_index(batch_op.f("ix_submissions_previous_id"), ["previous_id"])
    op.create_table(
        "submission_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("time", sa.String(length=8), nullable=False),
        sa.Column("precision", sa.String(length=5), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("stage", sa.String(length=40), nullable=False),
        sa.Column("source_line", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"],
            name=op.f("fk_submission_events_submission_id_submissions"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submission_events")),
        sa.UniqueConstraint("submission_id", "position", name="uq_submission_events_position"),
    )
    with op.batch_alter_table("submission_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_submission_events_submission_id"), ["submission_id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("submission_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submission_events_submission_id"))
    op.drop_table("submission_events")
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submissions_previous_id"))
        batch_op.drop_index(batch_op.f("ix_submissions_venue"))
    op.drop_table("submissions")
