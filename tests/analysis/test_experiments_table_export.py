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


def _split_run(i: int, model: str, split: str, value: float) -> RunRecord:
    fp = run_fingerprint(model, "CIFAR-10", split, "", 0, "", "", {}, "paper", "", {"acc": value})
    return RunRecord(i, "e", model, model, "CIFAR-10", split, "", 0, "", "", {}, "paper", "",
                     (ResultValue("acc", value, True),), fp)


# the sample's CIFAR-10 (tests/data/experiments/cifar10_wide.csv + the train-split MLP row)
CIFAR = aggregate(
    [_split_run(1, "MLP", "test", 49.0), _split_run(2, "CNN", "test", 71.5),
     _split_run(3, "MLP", "train", 51.9)]
)


def test_train_is_never_compared_with_test_and_a_lone_value_is_not_best() -> None:
    md = to_markdown(CIFAR, decimals=1)
    header, _, *body = md.splitlines()
    assert header == "| Model | CIFAR-10 (test) acc ↑ | CIFAR-10 (train) acc ↑ |"
    assert "| MLP | 49.0 | 51.9 |" in body  # MLP's test value is shown, the train one not bold
    assert "| CNN | **71.5** | -- |" in body
    tex = to_latex(CIFAR, decimals=1)
    assert tex.count("\\textbf") == 1 and "CNN & \\textbf{71.5} & -- \\\\" in tex
    rows = [line.split(",") for line in to_csv(CIFAR).splitlines()[1:]]
    assert {(r[0], r[2], r[8]) for r in rows} == {("CNN", "test", "1"), ("MLP", "test", "0"),
                                                  ("MLP", "train", "0")}


def test_the_split_is_shown_even_when_every_column_has_the_same_one() -> None:
    only_test = [r for r in CIFAR if r.split == "test"]
    assert "CIFAR-10 (test) acc" in to_markdown(only_test)
