"""Venues: a conference edition is its venue, year and id (not venue and id alone).

Revision ID: 0003b_venue_editions_by_year
Revises: 0003_venues
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0003b_venue_editions_by_year"
down_revision = "0003_venues"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conference_editions", schema=None) as batch_op:
        batch_op.drop_constraint("uq_conference_editions_venue_edition", type_="unique")
        batch_op.create_unique_constraint(
            "uq_conference_editions_venue_year_edition", ["venue_id", "year", "edition_id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("conference_editions", schema=None) as batch_op:
        batch_op.drop_constraint("uq_conference_editions_venue_year_edition", type_="unique")
        batch_op.create_unique_constraint(
            "uq_conference_editions_venue_edition", ["venue_id", "edition_id"]
        )
