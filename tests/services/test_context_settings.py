"""Services built before the user changes Settings use the new values afterwards (the PubMed
contact e-mail of Review times, the CCF catalogue address of Venues)."""

from __future__ import annotations

from scholardesk.core.config import Settings
from scholardesk.services.context import Services


def test_services_see_the_settings_of_the_moment(services: Services) -> None:
    reviews, venues = services.reviews, services.venues
    assert reviews.contact_email() == ""
    services.apply_settings(Settings(contact_email="a@example.org",
                                     ccf_catalogue_url="http://127.0.0.1:9/ccf.pdf"))
    assert reviews.contact_email() == "a@example.org"
    assert venues.settings.ccf_catalogue_url == "http://127.0.0.1:9/ccf.pdf"
    services.apply_settings(Settings(contact_email="b@example.org"))
    assert services.reviews is reviews and reviews.contact_email() == "b@example.org"
    assert venues.settings.ccf_catalogue_url == Settings().ccf_catalogue_url
