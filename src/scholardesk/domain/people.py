"""The people of a library and what each one keeps in it (issue #18).

A personal library has one person, its owner, stored as ``""``; a shared library has one per
member (``store.people``). What belongs to a person: reading marks (status, rating, notes),
tags, feed triage states, feed rules and submissions.
"""

from __future__ import annotations

from dataclasses import dataclass

OWNER = ""  # the one person of a personal library (as ``store.people.OWNER``)


@dataclass(frozen=True)
class PersonCounts:
    """How much one person keeps in the library; ``is_you``: the person acting now."""

    person: str
    papers_marked: int = 0
    tags: int = 0
    feed_states: int = 0
    feed_rules: int = 0
    submissions: int = 0
    is_you: bool = False

    @property
    def is_owner(self) -> bool:
        return self.person == OWNER

    @property
    def total(self) -> int:
        return (self.papers_marked + self.tags + self.feed_states + self.feed_rules
                + self.submissions)

    def to_json(self) -> dict[str, object]:
        return {
            "person": self.person,
            "is_you": self.is_you,
            "papers_marked": self.papers_marked,
            "tags": self.tags,
            "feed_states": self.feed_states,
            "feed_rules": self.feed_rules,
            "submissions": self.submissions,
        }
