"""What a service call changed, so that the GUI refreshes only the views that care."""

from __future__ import annotations

from dataclasses import dataclass

# The areas of the library; a view refreshes when its area is in a Changes.
PAPERS = "papers"
VENUES = "venues"
REVIEWS = "reviews"
SUBMISSIONS = "submissions"
EXPERIMENTS = "experiments"
MODELS = "models"
SETTINGS = "settings"
ALL_AREAS = frozenset({PAPERS, VENUES, REVIEWS, SUBMISSIONS, EXPERIMENTS, MODELS, SETTINGS})


@dataclass(frozen=True)
class Changes:
    areas: frozenset[str] = frozenset()

    @classmethod
    def of(cls, *areas: str) -> Changes:
        return cls(frozenset(areas))

    def __or__(self, other: Changes) -> Changes:
        return Changes(self.areas | other.areas)

    def __bool__(self) -> bool:
        return bool(self.areas)

    def touches(self, area: str) -> bool:
        return area in self.areas
