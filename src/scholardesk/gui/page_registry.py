"""The main window's pages, in navigation order. Each page is owned by its own module and is
imported only when first shown (fast start)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from scholardesk.core.i18n import tr


@dataclass(frozen=True)
class PageSpec:
    name: str  # used by --page and the View menu
    title: Callable[[], str]  # translated lazily
    target: str  # "module:Class"

    def load(self) -> type:
        module_name, class_name = self.target.split(":")
        module = importlib.import_module(module_name)
        page_class: type = getattr(module, class_name)
        return page_class


PAGES: list[PageSpec] = [
    PageSpec("papers", lambda: tr("Papers"), "scholardesk.gui.papers.page:PapersPage"),
    PageSpec("feed", lambda: tr("New papers"), "scholardesk.gui.papers.feed_view:FeedPage"),
    PageSpec("venues", lambda: tr("Venues"), "scholardesk.gui.venues.page:VenuesPage"),
    PageSpec("reviews", lambda: tr("Review times"), "scholardesk.gui.reviews.page:ReviewsPage"),
    PageSpec(
        "submissions",
        lambda: tr("Submissions"),
        "scholardesk.gui.submissions.page:SubmissionsPage",
    ),
    PageSpec(
        "experiments",
        lambda: tr("Experiments"),
        "scholardesk.gui.experiments.page:ExperimentsPage",
    ),
    PageSpec("models", lambda: tr("Models"), "scholardesk.gui.models.page:ModelsPage"),
]


def page_spec(name: str) -> PageSpec:
    for spec in PAGES:
        if spec.name == name:
            return spec
    raise KeyError(name)
