"""Metrics computed from prediction files: accuracy, macro-F1, exact match, BLEU and chrF
(sacrebleu), ROUGE-L (LCS F-measure over tokens), WER and CER (jiwer), pass@k (the unbiased
estimator of Chen et al. 2021: 1 - C(n-c, k) / C(n, k), averaged over problems).

References and hypotheses are parallel lists of lines; for pass@k each line is "n c" (samples
generated, samples correct) per problem.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

METRICS = (
    "accuracy",
    "f1",
    "exact-match",
    "bleu",
    "chrf",
    "rouge-l",
    "wer",
    "cer",
    "pass-at-k",
)
HIGHER_IS_BETTER = {m: m not in ("wer", "cer") for m in METRICS}


class MetricInputError(ValueError):
    pass


@dataclass(frozen=True)
class MetricResult:
    metric: str
    value: float
    n: int
    higher_is_better: bool

    def to_json(self) -> dict[str, object]:
        return {"metric": self.metric, "value": self.value, "n": self.n}


def _check_parallel(refs: Sequence[str], hyps: Sequence[str]) -> None:
    if len(refs) != len(hyps):
        raise MetricInputError(
            f"the reference has {len(refs)} lines but the hypothesis has {len(hyps)}"
        )
    if not refs:
        raise MetricInputError("there are no lines to score")


def accuracy(refs: Sequence[str], hyps: Sequence[str]) -> float:
    _check_parallel(refs, hyps)
    return sum(r.strip() == h.strip() for r, h in zip(refs, hyps, strict=True)) / len(refs)


def macro_f1(refs: Sequence[str], hyps: Sequence[str]) -> float:
    """Unweighted mean of per-class F1 over the classes seen in either list."""
    _check_parallel(refs, hyps)
    refs = [r.strip() for r in refs]
    hyps = [h.strip() for h in hyps]
    scores = []
    for label in sorted(set(refs) | set(hyps)):
        tp = sum(r == label and h == label for r, h in zip(refs, hyps, strict=True))
        fp = sum(r != label and h == label for r, h in zip(refs, hyps, strict=True))
        fn = sum(r == label and h != label for r, h in zip(refs, hyps, strict=True))
        denom = 2 * tp + fp + fn
        scores.append(2 * tp / denom if denom else 0.0)
    return sum(scores) / len(scores)


def _normalize_answer(text: str) -> str:
    """SQuAD normalisation: lower case, no punctuation, no articles, single spaces."""
    import re
    import string

    text = text.lower()
    text = "".join(ch for ch in text if ch not in set(string.punctuation))
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def exact_match(refs: Sequence[str], hyps: Sequence[str]) -> float:
    _check_parallel(refs, hyps)
    return sum(
        _normalize_answer(r) == _normalize_answer(h) for r, h in zip(refs, hyps, strict=True)
    ) / len(refs)


def bleu(refs: Sequence[str], hyps: Sequence[str]) -> float:
    _check_parallel(refs, hyps)
    import sacrebleu

    return float(sacrebleu.corpus_bleu(list(hyps), [list(refs)]).score)


def chrf(refs: Sequence[str], hyps: Sequence[str]) -> float:
    _check_parallel(refs, hyps)
    import sacrebleu

    return float(sacrebleu.corpus_chrf(list(hyps), [list(refs)]).score)


def _lcs(a: Sequence[str], b: Sequence[str]) -> int:
    if not a or not b:
        return 0
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b, 1):
            cur.append(prev[j - 1] + 1 if x == y else max(prev[j], cur[j - 1]))
        prev = cur
    return prev[-1]


def rouge_l(refs: Sequence[str], hyps: Sequence[str]) -> float:
    """Mean sentence-level ROUGE-L F1 (beta = 1) over lower-cased whitespace tokens."""
    _check_parallel(refs, hyps)
    total = 0.0
    for r, h in zip(refs, hyps, strict=True):
        rt, ht = r.lower().split(), h.lower().split()
        lcs = _lcs(rt, ht)
        if lcs == 0:
            continue
        p, rc = lcs / len(ht), lcs / len(rt)
        total += 2 * p * rc / (p + rc)
    return total / len(refs)


def wer(refs: Sequence[str], hyps: Sequence[str]) -> float:
    _check_parallel(refs, hyps)
    import jiwer

    return float(jiwer.wer(list(refs), list(hyps)))


def cer(refs: Sequence[str], hyps: Sequence[str]) -> float:
    _check_parallel(refs, hyps)
    import jiwer

    return float(jiwer.cer(list(refs), list(hyps)))


def pass_at_k_single(n: int, c: int, k: int) -> float:
    """Unbiased pass@k for one problem: 1 - C(n-c, k)/C(n, k), computed stably."""
    if n < 1 or c < 0 or c > n:
        raise MetricInputError(f"need 0 <= c <= n and n >= 1, got n={n}, c={c}")
    if k < 1 or k > n:
        raise MetricInputError(f"k must be between 1 and n={n}, got {k}")
    if n - c < k:
        return 1.0
    prod = 1.0
    for i in range(n - c + 1, n + 1):
        prod *= 1.0 - k / i
    return 1.0 - prod


def pass_at_k(samples: Sequence[tuple[int, int]], k: int) -> float:
    if not samples:
        raise MetricInputError("there are no problems to score")
    return sum(pass_at_k_single(n, c, k) for n, c in samples) / len(samples)


def parse_pass_counts(lines: Sequence[str]) -> list[tuple[int, int]]:
    out = []
    for i, line in enumerate(lines, 1):
        if not line.strip():
            continue
        parts = line.replace(",", " ").split()
        try:
            n, c = int(parts[0]), int(parts[1])
        except (ValueError, IndexError):
            raise MetricInputError(f"line {i}: expected 'n c' (samples, correct), got {line!r}") from None
        out.append((n, c))
    return out


_FUNCTIONS = {
    "accuracy": accuracy,
    "f1": macro_f1,
    "exact-match": exact_match,
    "bleu": bleu,
    "chrf": chrf,
    "rouge-l": rouge_l,
    "wer": wer,
    "cer": cer,
}


def compute(metric: str, refs: Sequence[str], hyps: Sequence[str], k: int = 1) -> MetricResult:
    """One metric by name. For pass-at-k, ``hyps`` holds the "n c" lines (refs is ignored)."""
    if metric == "pass-at-k":
        counts = parse_pass_counts(hyps)
        return MetricResult(f"pass@{k}", pass_at_k(counts, k), len(counts), True)
    fn = _FUNCTIONS.get(metric)
    if fn is None:
        raise MetricInputError(f"unknown metric {metric!r}; choose one of {', '.join(METRICS)}")
    return MetricResult(metric, fn(refs, hyps), len(refs), HIGHER_IS_BETTER[metric])


def is_finite(x: float) -> bool:
    return math.isfinite(x)
