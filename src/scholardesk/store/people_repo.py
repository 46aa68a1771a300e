"""All SQL about the people of a library: who keeps what (``domain.people``). Takes a Session,
never commits."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from scholardesk.domain.people import PersonCounts
from scholardesk.store.models.papers import PaperMarkModel, PaperTagModel
from scholardesk.store.models.papers_feed import FeedRuleModel, FeedStateModel
from scholardesk.store.models.submissions import SubmissionRow
from scholardesk.store.people import person_of

# PersonCounts field -> the person column of the table it counts in, and what it counts
# (tags: the distinct tags a person uses, not how many papers carry them)
_COUNTED: tuple[tuple[str, InstrumentedAttribute[str], Any], ...] = (
    ("papers_marked", PaperMarkModel.person, func.count()),
    ("tags", PaperTagModel.person, func.count(func.distinct(PaperTagModel.tag))),
    ("feed_states", FeedStateModel.person, func.count()),
    ("feed_rules", FeedRuleModel.person, func.count()),
    ("submissions", SubmissionRow.owner, func.count()),
)


class PeopleRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def counts(self) -> list[PersonCounts]:
        """Every person who keeps anything here, and the acting person even with nothing,
        ordered by name (the owner, "", first)."""
        you = person_of(self.session)
        found: dict[str, dict[str, int]] = defaultdict(dict)
        found[you] = {}
        for field, column, counted in _COUNTED:
            rows = self.session.execute(select(column, counted).group_by(column))
            for person, n in rows:
                found[str(person)][field] = int(n)
        return [
            PersonCounts(
                person=person,
                papers_marked=n.get("papers_marked", 0),
                tags=n.get("tags", 0),
                feed_states=n.get("feed_states", 0),
                feed_rules=n.get("feed_rules", 0),
                submissions=n.get("submissions", 0),
                is_you=person == you,
            )
            for person, n in sorted(found.items())
        ]
