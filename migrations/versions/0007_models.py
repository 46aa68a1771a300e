"""Models: registered ONNX model files.

Revision ID: 0007_models
Revises: 0001_foundation
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_models"
down_revision = "0001_foundation"
branch_labels = ("models",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "onnx_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("task", sa.String(length=40), nullable=False),
        sa.Column("opset", sa.Integer(), nullable=False),
        sa.Column("ir_version", sa.Integer(), nullable=False),
        sa.Column("producer", sa.String(length=200), nullable=False),
        sa.Column("producer_version", sa.String(length=100), nullable=False),
        sa.Column("parameters", sa.BigInteger(), nullable=False),
        sa.Column("inputs_json", sa.Text(), nullable=False),
        sa.Column("outputs_json", sa.Text(), nullable=False),
        sa.Column("metadata_json", sa.Text(), nullable=False),
        sa.Column("labels_json", sa.Text(), nullable=False),
        sa.Column("assets_json", sa.Text(), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onnx_models")),
    )
    with op.batch_alter_table("onnx_models", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_onnx_models_sha256"), ["sha256"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("onnx_models", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_onnx_models_sha256"))
    op.drop_table("onnx_models")
