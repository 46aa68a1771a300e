"""Translation of user-visible strings, usable from the GUI and the CLI alike.

Catalogues are JSON files under ``resources/i18n/<lang>/``, one per area (core.json,
papers.json, ...) so that each feature keeps its own; they are merged on load. A missing
entry falls back to English. ``tests/core/test_i18n.py`` checks every ``tr("...")`` literal in
the source has a Chinese entry.
"""

from __future__ import annotations

import json
import logging

from scholardesk.core.resources import resource_path

logger = logging.getLogger(__name__)

_catalog: dict[str, str] = {}
_language = "en"


def load_catalog(language: str) -> dict[str, str]:
    if language == "en":
        return {}
    folder = resource_path("i18n", language)
    merged: dict[str, str] = {}
    if not folder.is_dir():
        logger.warning("No translations for %s", language)
        return merged
    for path in sorted(folder.glob("*.json")):
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


def set_language(language: str) -> None:
    global _catalog, _language
    _catalog = load_catalog(language)
    _language = language


def current_language() -> str:
    return _language


def tr(text: str, **values: object) -> str:
    """Translate ``text``; ``{name}`` placeholders are filled from ``values`` after lookup."""
    translated = _catalog.get(text, text)
    return translated.format(**values) if values else translated


def trn(singular: str, plural: str, n: int, **values: object) -> str:
    """A count message in the right number: "1 paper", "2 papers".

    English picks by ``n``; the catalogues are keyed by the plural form (Chinese has one form
    for every count, and so do the languages we ship). ``{n}`` is filled with ``n`` formatted
    with thousands separators unless ``values`` gives it.
    """
    values.setdefault("n", f"{n:,}")
    if plural in _catalog:
        return _catalog[plural].format(**values)
    return (singular if n == 1 else plural).format(**values)
