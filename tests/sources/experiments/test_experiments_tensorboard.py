"""TensorBoard event files read without TensorFlow: real files from three writers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from scholardesk.sources.experiments.tensorboard import (
    EventWriter,
    masked_crc,
    parse_event_file,
    read_scalars,
)

TB = "tensorboard"
GO = f"{TB}/go-tensorboard/events.out.tfevents.1585499054.Jaakkos-Mac-mini.local.11684.5.v2"
STRICT = f"{TB}/tensorboard-reducer/strict/run_%d/events.out.tfevents.1622543341.janoshs-mbp.lan.86862.%d"
LAX = f"{TB}/tensorboard-reducer/lax/run_1/events.out.tfevents.1622543341.janoshs-mbp.lan.86862.3"


def test_tf2_tensor_summaries_with_the_scalars_plugin(real_fixture: Callable[[str], Path]) -> None:
    scalars = read_scalars(real_fixture(GO))
    assert scalars.error is None
    assert scalars.records == 101  # file_version event + 100 scalar events
    curve = scalars.curves["my_metric"]
    assert list(curve.steps) == list(range(100))
    assert list(curve.values) == [0.5 * s for s in range(100)]
    assert all(w > 1_585_499_054 for w in curve.wall_times)


def test_simple_value_files_strict_runs(real_fixture: Callable[[str], Path]) -> None:
    firsts = []
    for i in range(3):
        scalars = read_scalars(real_fixture(STRICT % (i + 1, i)))
        assert scalars.error is None
        assert set(scalars.curves) == {"strict/foo"}
        curve = scalars.curves["strict/foo"]
        assert len(curve.values) == 100
        assert list(curve.steps) == list(range(0, 500, 5))
        firsts.append(round(curve.values[0], 6))
    assert firsts == [1.496257, 2.970375, 3.521034]


def test_lax_file_has_three_tags_of_110_steps(real_fixture: Callable[[str], Path]) -> None:
    scalars = read_scalars(real_fixture(LAX))
    assert scalars.records == 331
    assert sorted(scalars.curves) == ["lax/bar_1", "lax/bar_2", "lax/foo"]
    for curve in scalars.curves.values():
        assert list(curve.steps) == list(range(110))
    assert scalars.curves["lax/foo"].values[-1] == pytest.approx(1.4174270629882812)


def test_truncated_file_keeps_the_valid_part_and_names_the_file(
    real_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    data = real_fixture(GO).read_bytes()
    cut = tmp_path / "events.out.tfevents.truncated"
    cut.write_bytes(data[: len(data) - 30])  # the last record loses its tail
    parsed = parse_event_file(cut, "exp", "run")
    (run,) = parsed.runs
    (series,) = run.series
    assert len(series) == 99 and series.values[-1] == 49.0
    ((record, message),) = parsed.errors
    assert "record 101" in record and "truncated" in message
    assert parsed.key == str(cut)


def test_damaged_checksum_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "events.out.tfevents.bad"
    with EventWriter(path) as w:
        for step in range(5):
            w.add_scalar("loss", 1.0 / (step + 1), step)
    data = bytearray(path.read_bytes())
    data[-3] ^= 0xFF  # flip a byte of the last record's data checksum
    path.write_bytes(bytes(data))
    scalars = read_scalars(path)
    assert len(scalars.curves["loss"].values) == 4
    assert scalars.error is not None and "checksum" in scalars.error[1]


def test_writer_round_trip_with_valid_crcs(tmp_path: Path) -> None:
    path = tmp_path / "events.out.tfevents.mine"
    with EventWriter(path) as w:
        for step in range(300):  # steps above 127 need multi-byte varints
            w.add_scalar("train/loss", 2.0 - step / 300, step, wall_time=1000.0 + step)
            w.add_tensor_scalar("val/acc", step / 300, step)
    scalars = read_scalars(path)
    assert scalars.error is None
    loss = scalars.curves["train/loss"]
    assert list(loss.steps) == list(range(300))
    assert loss.values[299] == pytest.approx(2.0 - 299 / 300, rel=1e-6)
    assert loss.wall_times[10] == 1010.0
    assert scalars.curves["val/acc"].values[150] == pytest.approx(0.5)


def test_masked_crc_known_value() -> None:
    # CRC-32C of "123456789" is 0xE3069283 (RFC 3720); masking rotates and adds a constant
    crc = 0xE3069283
    assert masked_crc(b"123456789") == ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF
