"""Venue ids chosen by the rank-list import never collide with ids the database gives later
(on PostgreSQL an explicit id leaves the id sequence behind unless it is moved on)."""

from __future__ import annotations

from sqlalchemy import func, select

from scholardesk.store.db import Database
from scholardesk.store.models.venues import VenueRow
from scholardesk.store.venues_repo import VenuesRepository


def test_a_venue_added_after_venues_with_chosen_ids_gets_a_new_id(db: Database) -> None:
    with db.transaction() as session:
        first = int(session.scalar(select(func.max(VenueRow.id))) or 0) + 1
        VenuesRepository(session).add_venues_bulk_with_ids([
            {"id": first + i, "kind": "journal", "name": f"Journal {i}", "name_key": f"journal {i}",
             "abbr": "", "publisher": "", "dblp_key": "", "dblp_url": "", "issn": "", "eissn": "",
             "is_sample": False}
            for i in range(3)
        ])
    with db.transaction() as session:  # an id from the database itself
        conference = VenuesRepository(session).ensure_conference("NEWCONF", "A New Conference")
    with db.reading() as session:
        ids = list(session.scalars(select(VenueRow.id)))
    assert conference > first + 2 and len(ids) == len(set(ids))
