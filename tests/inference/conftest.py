"""Paths to the demo models and the small test files of the models area."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "resources" / "sample" / "models"
DATA = REPO / "tests" / "data" / "models"


@pytest.fixture
def samples() -> Path:
    return SAMPLES


@pytest.fixture
def data() -> Path:
    return DATA
