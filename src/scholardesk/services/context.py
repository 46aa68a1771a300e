"""The services of one open library, built once by app.py and shared by the GUI and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from scholardesk.core.config import Paths, Settings

if TYPE_CHECKING:  # heavy modules (SQLAlchemy, requests) load on first use, not on import
    from scholardesk.services.experiments import ExperimentsService
    from scholardesk.services.library import LibraryService
    from scholardesk.services.models import ModelsService
    from scholardesk.services.papers import PapersService
    from scholardesk.services.papers_feed import PapersFeedService
    from scholardesk.services.papers_resolve import PapersResolveService
    from scholardesk.services.reviews import ReviewsService
    from scholardesk.services.sample import SampleProvider, SampleService
    from scholardesk.services.submissions import SubmissionsService
    from scholardesk.services.venues import VenuesService
    from scholardesk.sources.http import PoliteClient
    from scholardesk.store.db import Database


@dataclass
class Services:
    db: Database
    paths: Paths
    settings: Settings
    _http: PoliteClient | None = field(default=None, repr=False)

    @cached_property
    def library(self) -> LibraryService:
        from scholardesk.services.library import LibraryService

        return LibraryService(self.db, self.paths)

    @cached_property
    def papers(self) -> PapersService:
        from scholardesk.services.papers import PapersService

        return PapersService(self.db, lambda: self.settings, lambda: self.http)

    @cached_property
    def papers_feed(self) -> PapersFeedService:
        from scholardesk.services.papers_feed import PapersFeedService

        return PapersFeedService(self.db, lambda: self.settings, lambda: self.papers)

    @cached_property
    def papers_resolve(self) -> PapersResolveService:
        from scholardesk.services.papers_resolve import PapersResolveService

        return PapersResolveService(
            self.db, lambda: self.settings, lambda: self.http,
            venue_match=lambda text: self.venues.match(text),
        )

    @cached_property
    def venues(self) -> VenuesService:
        from scholardesk.services.venues import VenuesService

        return VenuesService(self.db, self.paths, self.settings, lambda: self.http)

    @cached_property
    def experiments(self) -> ExperimentsService:
        from scholardesk.services.experiments import ExperimentsService

        return ExperimentsService(self.db)

    @cached_property
    def models(self) -> ModelsService:
        from scholardesk.services.models import ModelsService

        return ModelsService(self.db, self.paths, lambda run: self.experiments.record_run(run),
                             settings=lambda: self.settings)

    @cached_property
    def reviews(self) -> ReviewsService:
        from scholardesk.services.reviews import ReviewsService

        # settings as a callable: PubMed requests carry the contact e-mail of the moment;
        # the user's accepted manuscripts feed the statistics as the "my submissions" source
        return ReviewsService(
            self.db,
            lambda: self.http,
            self.paths,
            lambda: self.settings,
            my_submissions=lambda: self.submissions.completed_timelines(),
        )

    @cached_property
    def submissions(self) -> SubmissionsService:
        from scholardesk.services.submissions import SubmissionsService

        return SubmissionsService(self.db)

    @property
    def http(self) -> PoliteClient:
        """The one polite HTTP client (created on first use, from the settings)."""
        if self._http is None:
            from scholardesk.services.papers_resolve import host_intervals as resolver_intervals
            from scholardesk.sources.http import HttpPolicy, PoliteClient

            s = self.settings
            self._http = PoliteClient(
                HttpPolicy(
                    contact_email=s.contact_email,
                    timeout_s=s.timeout_s,
                    max_retries=s.max_retries,
                    deadline_s=s.request_deadline_s,
                    max_body_bytes=int(s.max_body_mb * 1_000_000),
                    proxy=s.proxy,
                    host_intervals={
                        "api.crossref.org": 1.0 / s.crossref_rate,
                        "export.arxiv.org": s.arxiv_interval_s,
                        "eutils.ncbi.nlm.nih.gov": 0.34,
                        **resolver_intervals(s),  # Semantic Scholar, DBLP, OpenAlex
                    },
                    default_interval_s=1.0 / s.publisher_rate,
                    cache_dir=self.paths.cache_dir,
                )
            )
        return self._http

    def apply_settings(self, settings: Settings) -> None:
        """Save new settings; network clients are rebuilt from them on next use."""
        settings.save(self.paths.settings_file)
        self.settings = settings
        if "venues" in self.__dict__:  # built already: it keeps a Settings (CCF download URL)
            self.venues.use_settings(settings)
        if self._http is not None:
            self._http.close()
            self._http = None

    def sample_providers(self) -> list[SampleProvider]:
        # Each feature adds its service here when it has sample data.
        providers: list[SampleProvider] = []
        providers.append(self.venues)  # first: other samples may match venues
        providers.append(self.papers)
        providers.append(self.submissions)
        providers.append(self.reviews)
        providers.append(self.experiments)  # before models: demo runs land in experiments
        providers.append(self.models)
        return providers

    @cached_property
    def sample(self) -> SampleService:
        from scholardesk.services.sample import SampleService

        return SampleService(self.db, self.sample_providers())

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
        self.db.dispose()
