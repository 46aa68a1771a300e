"""Submissions: each manuscript belongs to a person (``store.people``); in a shared library
each member sees their own. Existing ones become the upgrader's (in a personal library: its
owner, "").

Revision ID: 0005p_submissions_owner
Revises: 0005_submissions
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

revision = "0005p_submissions_owner"
down_revision = "0005_submissions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    person = str(context.config.attributes.get("person", "") or "")
    with op.batch_alter_table("submissions") as batch_op:
        batch_op.add_column(sa.Column("owner", sa.String(length=80), nullable=False,
                                      server_default=""))
        batch_op.create_index("ix_submissions_owner", ["owner"], unique=False)
    op.get_bind().execute(sa.text("UPDATE submissions SET owner = :person"), {"person": person})


def downgrade() -> None:
    with op.batch_alter_table("submissions") as batch_op:
        batch_op.drop_index("ix_submissions_owner")
        batch_op.drop_column("owner")
