from __future__ import annotations

import pytest

from scholardesk.core.errors import Cancelled
from scholardesk.core.progress import Progress, ProgressState


def test_reports_reach_the_listener() -> None:
    seen: list[ProgressState] = []
    progress = Progress(seen.append)
    progress.report(3, 10, "fetching")
    assert seen == [ProgressState(3, 10, "fetching")]
    assert seen[0].fraction == pytest.approx(0.3)


def test_a_cancelled_job_stops_at_its_next_report() -> None:
    progress = Progress()
    progress.cancel()
    with pytest.raises(Cancelled):
        progress.report(1, 2)


def test_wait_wakes_up_when_cancelled() -> None:
    progress = Progress()
    progress.cancel()
    with pytest.raises(Cancelled):
        progress.wait(30)  # returns at once instead of sleeping 30 s
