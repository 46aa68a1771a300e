"""Pure rules of the models area: labels files, batch lists, task guessing, error rates."""

from __future__ import annotations

import pytest

from scholardesk.domain.models import (
    TensorSpec,
    char_error_rate,
    guess_task,
    normalise_task,
    parse_batches,
    parse_labels,
    word_error_rate,
)


def test_parse_labels_formats() -> None:
    assert parse_labels("cat\ndog\n\n") == ("cat", "dog")
    assert parse_labels("0 tench\n1: goldfish\n2\tgreat white shark") == (
        "tench", "goldfish", "great white shark")
    assert parse_labels('["a", "b"]') == ("a", "b")
    assert parse_labels('{"1": "b", "0": "a"}') == ("a", "b")


def test_parse_batches() -> None:
    assert parse_batches("1,8, 32") == (1, 8, 32)
    assert parse_batches("4 4") == (4,)
    for bad in ("0", "x", "", "-1"):
        with pytest.raises(ValueError):
            parse_batches(bad)


def test_guess_task() -> None:
    image = TensorSpec("pixel_values", "float32", ("batch", 3, 224, 224))
    assert guess_task([image], {}) == "image-classification"
    ids = TensorSpec("input_ids", "int64", ("batch", "sequence"))
    assert guess_task([ids], {}) == "text-classification"
    vad = [TensorSpec(n, "float32", ()) for n in ("input", "state", "sr")]
    assert guess_task(vad, {}) == "vad"
    assert guess_task([TensorSpec("x", "float32", (1, 2))], {}) == "generic"
    assert guess_task([TensorSpec("x", "float32", (1, 2))], {"scholardesk.task": "asr"}) == "asr"
    assert normalise_task("Image_Classification") == "image-classification"
    with pytest.raises(ValueError):
        normalise_task("segmentation")


def test_error_rates_normalise_case_and_punctuation() -> None:
    assert word_error_rate("Hello, World!", "hello world") == 0.0
    assert word_error_rate("", "") == 0.0 and word_error_rate("", "x") == 1.0
    assert char_error_rate("kitten", "sitting") == pytest.approx(3 / 6)
