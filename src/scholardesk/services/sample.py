"""The first-start sample library: loaded once into an empty library, deletable in one action.

Each feature service that has sample data implements ``SampleProvider``; its sample records are
marked (``is_sample``) so that deleting them never touches the user's own data.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

from scholardesk.core.progress import Progress, no_progress
from scholardesk.domain.changes import Changes
from scholardesk.store.db import Database
from scholardesk.store.library_repo import LibraryMetaRepository

logger = logging.getLogger(__name__)

SAMPLE_LOADED_KEY = "sample_loaded"


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

    def load_if_first_start(self, progress: Progress | None = None) -> Changes:
        if not self.is_first_start():
            return Changes()
        return self.load(progress)

    def load(self, progress: Progress | None = None) -> Changes:
        progress = progress or no_progress()
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
