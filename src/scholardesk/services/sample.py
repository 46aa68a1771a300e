"""The first-start sample library: loaded once into an empty library, deletable in one action.

Each feature service that has sample data implements ``SampleProvider``; its sample records are
marked (``is_sample``) so that deleting them never touches the user's own data.

The rules (issue 11):
- the sample only ever enters an EMPTY library: no paper, venue, submission, experiment, run,
  model or review article of the user's. A library filled from the command line before the
  first window start gets nothing (and is never offered the sample again);
- deleting it removes exactly what no user action touched. A sample record that a user import
  merged into, or that the user edited (tags, notes, status, rating, links, events...), loses
  its sample mark in the repositories ("adopt") and is kept as the user's.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

from scholardesk.core.errors import InputError
from scholardesk.core.progress import Progress, no_progress
from scholardesk.domain.changes import Changes
from scholardesk.store.db import Database
from scholardesk.store.library_repo import LibraryMetaRepository

logger = logging.getLogger(__name__)

SAMPLE_LOADED_KEY = "sample_loaded"  # "1": loaded; "skipped": the library had the user's data


class SampleProvider(Protocol):
    area: str

    def load_sample(self) -> None:
        """Add this area's sample records (marked as samples) in one transaction."""

    def delete_sample(self) -> int:
        """Remove this area's sample records; returns how many were removed."""


class SampleService:
    def __init__(self, db: Database, providers: Sequence[SampleProvider]) -> None:
        self.db = db
        self.providers = list(providers)

    def is_first_start(self) -> bool:
        with self.db.reading() as session:
            return LibraryMetaRepository(session).get(SAMPLE_LOADED_KEY) is None

    def user_records(self) -> dict[str, int]:
        """The user's own records per area (zero everywhere: the library is empty)."""
        with self.db.reading() as session:
            return LibraryMetaRepository(session).user_record_counts()

    def is_empty(self) -> bool:
        return not any(self.user_records().values())

    def load_if_first_start(self, progress: Progress | None = None) -> Changes:
        if not self.is_first_start():
            return Changes()
        if not self.is_empty():
            logger.info("Sample data not loaded: the library already holds the user's records")
            with self.db.transaction() as session:
                LibraryMetaRepository(session).set(SAMPLE_LOADED_KEY, "skipped")
            return Changes()
        return self.load(progress)

    def load(self, progress: Progress | None = None) -> Changes:
        progress = progress or no_progress()
        held = {area: n for area, n in self.user_records().items() if n}
        if held:
            what = ", ".join(f"{n} {area}" for area, n in held.items())
            raise InputError(
                f"The sample data goes only into an empty library; this one holds {what}.",
                "Open an empty library (File \u2192 Library location\u2026) to try the sample.",
            )
        changes = Changes()
        for i, provider in enumerate(self.providers):
            progress.report(i, len(self.providers), f"Sample data: {provider.area}")
            try:
                provider.load_sample()
                changes = changes | Changes.of(provider.area)
            except Exception:  # a broken sample must never stop the app from opening
                logger.exception("Could not load the %s sample data", provider.area)
        with self.db.transaction() as session:
            LibraryMetaRepository(session).set(SAMPLE_LOADED_KEY, "1")
        return changes

    def delete(self) -> tuple[int, Changes]:
        removed = 0
        changes = Changes()
        for provider in self.providers:
            removed += provider.delete_sample()
            changes = changes | Changes.of(provider.area)
        return removed, changes
