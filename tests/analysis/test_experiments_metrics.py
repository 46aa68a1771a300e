"""Metrics from predictions: values checked by hand and against the libraries' definitions."""

from __future__ import annotations

from math import comb

import pytest

from scholardesk.analysis import metrics


def test_wer_and_cer() -> None:
    refs = ["the cat sat on the mat", "hello world"]
    hyps = ["the cat sat on mat", "hello word"]
    assert metrics.wer(refs, hyps) == pytest.approx(2 / 8)
    assert metrics.cer(refs, hyps) == pytest.approx(5 / 33)


def test_accuracy_f1_exact_match() -> None:
    refs = ["cat", "dog", "dog", "bird"]
    hyps = ["cat", "dog", "cat", "bird"]
    assert metrics.accuracy(refs, hyps) == 0.75
    # per class F1: cat 2/3, dog 2/3, bird 1
    assert metrics.macro_f1(refs, hyps) == pytest.approx((2 / 3 + 2 / 3 + 1) / 3)
    assert metrics.exact_match(["The Eiffel Tower!"], ["eiffel tower"]) == 1.0


def test_bleu_chrf_rouge() -> None:
    refs = ["the cat is on the mat"]
    assert metrics.bleu(refs, refs) == pytest.approx(100.0)
    assert metrics.chrf(refs, refs) == pytest.approx(100.0)
    assert 0 < metrics.bleu(refs, ["the cat sat on the mat"]) < 100
    # LCS("the cat is on the mat", "the cat on mat") = 4 → P = 1, R = 4/6
    assert metrics.rouge_l(refs, ["the cat on mat"]) == pytest.approx(2 * 1 * (4 / 6) / (1 + 4 / 6))


@pytest.mark.parametrize(("n", "c", "k"), [(10, 3, 1), (10, 3, 5), (20, 1, 10), (5, 5, 2), (7, 0, 3)])
def test_pass_at_k_is_the_unbiased_estimator(n: int, c: int, k: int) -> None:
    assert metrics.pass_at_k_single(n, c, k) == pytest.approx(1 - comb(n - c, k) / comb(n, k))


def test_pass_at_k_over_problems_and_bad_input() -> None:
    assert metrics.compute("pass-at-k", [], ["10 3", "10 0", "5 5"], k=1).value == pytest.approx(1.3 / 3)
    with pytest.raises(metrics.MetricInputError, match="k must be"):
        metrics.pass_at_k([(5, 1)], 6)
    with pytest.raises(metrics.MetricInputError, match="line 1"):
        metrics.parse_pass_counts(["ten three"])
    with pytest.raises(metrics.MetricInputError, match="2 lines"):
        metrics.wer(["a", "b"], ["a"])
