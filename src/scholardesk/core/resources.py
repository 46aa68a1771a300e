"""Finds the folders shipped with the package (resources/, migrations/).

In a wheel they sit inside the package (hatch force-include); in a source checkout or an
editable install they sit at the repository root. importlib.resources first, then the checkout.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def data_dir(name: str) -> Path:
    packaged = Path(str(resources.files("scholardesk"))) / name
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[3] / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"ScholarDesk's {name}/ folder is missing from this installation.")


def resource_path(*parts: str) -> Path:
    return data_dir("resources").joinpath(*parts)


def migrations_dir() -> Path:
    return data_dir("migrations")
