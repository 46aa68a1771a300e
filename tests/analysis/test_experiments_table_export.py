"""LaTeX (booktabs, bold best, mean ± std), Markdown and CSV tables."""

from __future__ import annotations

from scholardesk.analysis.experiments_agg import aggregate
from scholardesk.analysis.table_export import to_csv, to_latex, to_markdown
from scholardesk.domain.experiments import ResultValue, RunRecord, run_fingerprint


def _run(i: int, model: str, value: float, seed: int) -> RunRecord:
    fp = run_fingerprint(model, "CIFAR-10", "", "", seed, "", "", {}, "own", "", {"acc": value})
    return RunRecord(i, "e", model, model, "CIFAR-10", "", "", seed, "", "", {}, "own", "", (ResultValue("acc", value, True),), fp)


ROWS = aggregate(
    [_run(1, "MLP_small", 49.0, 0), _run(2, "MLP_small", 50.0, 1), _run(3, "CNN", 71.5, 0), _run(4, "CNN", 72.5, 1)]
)


def test_latex_booktabs_bold_best_mean_pm_std() -> None:
    tex = to_latex(ROWS, caption="CIFAR-10 100%")
    assert "\\toprule" in tex and "\\midrule" in tex and "\\bottomrule" in tex
    assert "CNN & \\textbf{72.00 $\\pm$ 0.71} \\\\" in tex
    assert "MLP\\_small & 49.50 $\\pm$ 0.71 \\\\" in tex
    assert "\\caption{CIFAR-10 100\\%}" in tex
    assert "CIFAR-10 acc $\\uparrow$" in tex


def test_markdown_and_csv() -> None:
    md = to_markdown(ROWS, decimals=1)
    assert "| CNN | **72.0 ± 0.7** |" in md
    csv_text = to_csv(ROWS).splitlines()
    assert csv_text[0] == "model,dataset,split,protocol,metric,mean,std,n,best,duplicates"
    assert csv_text[1].startswith("CNN,CIFAR-10,,,acc,72.0,0.7071067811865476,2,1,0")
