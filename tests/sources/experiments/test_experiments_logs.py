"""Training logs through a line template (the format printed by the HW3 CNN code)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scholardesk.core.errors import InputError
from scholardesk.sources.experiments.logs import compile_template, parse_log

DATA = Path(__file__).resolve().parents[2] / "data" / "experiments"
VALID = "[ Valid | {epoch}/{total} ] loss = {loss}, acc = {acc}"


def test_valid_lines_become_curves() -> None:
    parsed = parse_log(DATA / "train_valid.log", VALID, experiment="hw3")
    (run,) = parsed.runs
    loss, acc = run.series
    assert (loss.metric, acc.metric) == ("loss", "acc")
    assert list(loss.steps) == [1, 2, 3]
    assert list(loss.values) == [1.83741, 1.59003, 1.60112]
    assert list(acc.values) == [0.3529, 0.4487, 0.4401]
    assert {r.metric: r.value for r in run.result_values} == {"loss": 1.60112, "acc": 0.4401}
    assert not parsed.errors


def test_a_template_without_fields_is_refused() -> None:
    with pytest.raises(InputError, match="no"):
        compile_template("[ Valid ] loss")


def test_no_matching_line_is_reported(tmp_path: Path) -> None:
    log = tmp_path / "x.log"
    log.write_text("nothing here\n", encoding="utf-8")
    parsed = parse_log(log, VALID)
    assert parsed.runs == () and "no line matches" in parsed.errors[0][1]
