"""Venues: venues, CCF ranks, aliases, metrics, conference editions and deadlines.

Revision ID: 0003_venues
Revises: 0001_foundation
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_venues"
down_revision = "0001_foundation"
branch_labels = ("venues",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "venues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("abbr", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=400), nullable=False),
        sa.Column("name_key", sa.String(length=400), nullable=False),
        sa.Column("publisher", sa.String(length=200), nullable=False),
        sa.Column("dblp_key", sa.String(length=120), nullable=False),
        sa.Column("dblp_url", sa.String(length=400), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_venues")),
        sa.UniqueConstraint("kind", "name_key", name="uq_venues_kind_name_key"),
    )
    with op.batch_alter_table("venues", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_venues_abbr"), ["abbr"], unique=False)
        batch_op.create_index(batch_op.f("ix_venues_dblp_key"), ["dblp_key"], unique=False)

    op.create_table(
        "ccf_ranks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=False),
        sa.Column("edition", sa.String(length=10), nullable=False),
        sa.Column("category", sa.String(length=4), nullable=False),
        sa.Column("rank", sa.String(length=2), nullable=False),
        sa.Column("note", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["venue_id"], ["venues.id"], name=op.f("fk_ccf_ranks_venue_id_venues"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ccf_ranks")),
        sa.UniqueConstraint(
            "venue_id", "edition", "category", name="uq_ccf_ranks_venue_edition"
        ),
    )
    with op.batch_alter_table("ccf_ranks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ccf_ranks_venue_id"), ["venue_id"], unique=False)

    op.create_table(
        "venue_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=400), nullable=False),
        sa.Column("alias_key", sa.String(length=400), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["venue_id"], ["venues.id"], name=op.f("fk_venue_aliases_venue_id_venues"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_venue_aliases")),
        sa.UniqueConstraint("alias_key", name=op.f("uq_venue_aliases_alias_key")),
    )
    with op.batch_alter_table("venue_aliases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_venue_aliases_venue_id"), ["venue_id"], unique=False)

    op.create_table(
        "venue_metrics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=120), nullable=False),
        sa.Column("metric", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=120), nullable=False),
        sa.Column("number", sa.Float(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["venue_id"], ["venues.id"], name=op.f("fk_venue_metrics_venue_id_venues"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_venue_metrics")),
        sa.UniqueConstraint(
            "venue_id", "year", "source", "metric", name="uq_venue_metrics_venue_year_source"
        ),
    )
    with op.batch_alter_table("venue_metrics", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_venue_metrics_venue_id"), ["venue_id"], unique=False)

    op.create_table(
        "conference_editions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.String(length=80), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=False),
        sa.Column("date_text", sa.String(length=200), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("timezone", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["venue_id"], ["venues.id"], name=op.f("fk_conference_editions_venue_id_venues"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conference_editions")),
        sa.UniqueConstraint(
            "venue_id", "edition_id", name="uq_conference_editions_venue_edition"
        ),
    )
    with op.batch_alter_table("conference_editions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conference_editions_venue_id"), ["venue_id"], unique=False
        )

    op.create_table(
        "conference_deadlines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("deadline_utc", sa.DateTime(), nullable=True),
        sa.Column("local_text", sa.String(length=40), nullable=False),
        sa.Column("timezone", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["edition_id"], ["conference_editions.id"],
            name=op.f("fk_conference_deadlines_edition_id_conference_editions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conference_deadlines")),
        sa.UniqueConstraint("edition_id", "kind", "seq", name="uq_conference_deadlines_edition_kind"),
    )
    with op.batch_alter_table("conference_deadlines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conference_deadlines_edition_id"), ["edition_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_conference_deadlines_deadline_utc"), ["deadline_utc"], unique=False
        )


def downgrade() -> None:
    op.drop_table("conference_deadlines")
    op.drop_table("conference_editions")
    op.drop_table("venue_metrics")
    op.drop_table("venue_aliases")
    op.drop_table("ccf_ranks")
    op.drop_table("venues")
