"""tests/security: the hostile-input corpus and the parser fuzzer (SECURITY.md)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # ``import hostile`` in both suites
