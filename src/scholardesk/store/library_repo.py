"""Library-wide facts (key/value)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scholardesk.store.models import LibraryMeta
from scholardesk.store.models.experiments import ExperimentRow, RunRow
from scholardesk.store.models.onnx_models import OnnxModelRow
from scholardesk.store.models.papers import PaperModel
from scholardesk.store.models.reviews import ReviewArticle
from scholardesk.store.models.submissions import SubmissionRow
from scholardesk.store.models.venues import VenueRow

# the user's own records, by area: every row without the sample mark
_USER_ROWS = (
    ("papers", PaperModel),
    ("venues", VenueRow),
    ("submissions", SubmissionRow),
    ("experiments", ExperimentRow),
    ("runs", RunRow),
    ("models", OnnxModelRow),
    ("review articles", ReviewArticle),
)


class LibraryMetaRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, key: str) -> str | None:
        row = self.session.get(LibraryMeta, key)
        return row.value if row else None

    def set(self, key: str, value: str) -> None:
        row = self.session.get(LibraryMeta, key)
        if row is None:
            self.session.add(LibraryMeta(key=key, value=value))
        else:
            row.value = value

    def all(self) -> dict[str, str]:
        return {r.key: r.value for r in self.session.scalars(select(LibraryMeta))}

    def user_record_counts(self) -> dict[str, int]:
        """How many records of the user's own (not marked as sample) each area holds."""
        counts: dict[str, int] = {}
        for area, model in _USER_ROWS:
            n = self.session.scalar(
                select(func.count()).select_from(model).where(model.is_sample.is_(False))
            )
            counts[area] = int(n or 0)
        return counts
