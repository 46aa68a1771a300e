"""LaTeX math in titles keeps its meaning when it becomes Unicode text."""

from __future__ import annotations

import pytest

from scholardesk.domain.text_clean import latex_to_unicode


@pytest.mark.parametrize(
    ("latex", "unicode"),
    [
        (r"An $O(\log n)$ algorithm", "An O(log n) algorithm"),  # was "An O(n) algorithm"
        (r"Matching in $O(\sqrt{E})$ time", "Matching in O(√E) time"),  # was "O(E)"
        (r"Top-\(^\mbox{k}\) queries", "Top-^k queries"),  # was "Top-(^k)"
        (r"$O(n\log n)$ and $O(n \, \log n)$", "O(n log n) and O(n log n)"),
        (r"$a \le b$, $2 \times 3$, $x \in \mathbb{R}^n$", "a ≤ b, 2 × 3, x ∈ ℝ^n"),
        (r"$\sqrt{n+1}$ and $\frac{1}{2}$ and $x^{n+1}$", "√(n+1) and 1/2 and x^(n+1)"),
        (r"$\ell_1$-regularised $\mathcal{O}(n^2)$", "ℓ_1-regularised O(n^2)"),
        (r"Costs \$100", "Costs $100"),  # an escaped dollar is a dollar, not math
        (r"Stra\ss e", "Straße"),  # a text command still swallows the space after it
    ],
)
def test_math_keeps_its_meaning(latex: str, unicode: str) -> None:
    assert latex_to_unicode(latex) == unicode
