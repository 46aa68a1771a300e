"""CSV/JSON in long and wide form, and tables pasted from papers."""

from __future__ import annotations

from pathlib import Path

import pytest

from scholardesk.sources.experiments.tables import (
    CellError,
    parse_csv,
    parse_json,
    parse_number,
    parse_pasted_table,
)

DATA = Path(__file__).resolve().parents[2] / "data" / "experiments"


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("71.5", 71.5),
        ("49.0%", 49.0),
        ("**0.873**", 0.873),
        (r"\textbf{71.5} $\pm$ 0.3", 71.5),
        ("71.5 ± 0.3", 71.5),
        ("1,234.5", 1234.5),
        ("−0.5", -0.5),
        ("-", None),
        ("", None),
    ],
)
def test_numbers_as_papers_print_them(cell: str, value: float | None) -> None:
    assert parse_number(cell) == value


def test_words_are_not_numbers() -> None:
    with pytest.raises(CellError):
        parse_number("seventy")


def test_long_csv_groups_rows_into_runs() -> None:
    parsed = parse_csv(DATA / "lunarlander_long.csv")
    assert not parsed.errors
    assert [r.seed for r in parsed.runs] == [1, 2, 3, 4, 5]
    assert [r.result_values[0].value for r in parsed.runs] == [257.78, 34.99, 227.04, 234.80, 254.89]
    assert parsed.runs[0].experiment == "lunarlander_long"


def test_wide_csv_with_percent_and_source_columns() -> None:
    parsed = parse_csv(DATA / "cifar10_wide.csv", experiment="CIFAR-10")
    mlp, cnn = parsed.runs
    assert (mlp.model, mlp.source, mlp.split) == ("MLP", "paper", "test")
    assert mlp.result_values[0].metric == "accuracy (%)" and mlp.result_values[0].value == 49.0
    assert cnn.result_values[0].value == 71.5
    assert cnn.reference == "Generative Deep Learning 2e ch. 2"


def test_bad_cells_are_reported_by_line_and_the_rest_imported() -> None:
    parsed = parse_csv(DATA / "bad_values.csv")
    assert [r.model for r in parsed.runs] == ["MLP", "ResNet"]
    errors = dict(parsed.errors)
    assert "seventy" in errors["line 3"] and "accuracy" in errors["line 3"]
    assert "empty" in errors["line 5"]


def test_missing_model_column_is_one_clear_error() -> None:
    parsed = parse_csv(DATA / "missing_column.csv")
    assert parsed.runs == ()
    ((where, message),) = parsed.errors
    assert where.endswith("missing_column.csv") and "'model'" in message


def test_json_runs_with_params_and_series() -> None:
    parsed = parse_json(DATA / "results.json")
    assert not parsed.errors
    assert [r.experiment for r in parsed.runs] == ["json demo"] * 3
    first = parsed.runs[0]
    assert first.params == {"lr": "0.0005"} and first.seed == 0
    (curve,) = first.series
    assert list(curve.values) == [1.8, 1.2, 0.9]


def test_pasted_helm_leaderboard() -> None:
    text = (DATA / "helm_mmlu_em.tsv").read_text(encoding="utf-8")
    runs, errors = parse_pasted_table(text, "MMLU", reference="HELM", source="leaderboard", dataset="MMLU")
    assert not errors
    assert len(runs) == 12
    assert runs[0].model == "Claude 3.5 Sonnet (20241022)" and runs[0].result_values[0].value == 0.873
    assert runs[-1].model == "Qwen2 Instruct (72B)" and runs[-1].result_values[0].value == 0.824
    assert {r.source for r in runs} == {"leaderboard"} and {r.dataset for r in runs} == {"MMLU"}
    assert runs[0].result_values[0].metric == "HELM MMLU All Subjects - EM"


def test_pasted_markdown_and_latex_tables() -> None:
    md = "| Model | Acc ↑ | Loss ↓ |\n|---|---|---|\n| MLP | 49.0 | 1.45 |\n| CNN | **71.5** | 0.80 |\n"
    runs, errors = parse_pasted_table(md, "t")
    assert not errors
    assert [(r.model, r.result_values[0].value, r.result_values[1].higher_is_better) for r in runs] == [
        ("MLP", 49.0, False),
        ("CNN", 71.5, False),
    ]
    latex = "Model & Top-1 \\\\\n\\midrule\nResNet-50 & 76.1 \\\\\nViT-B/16 & \\textbf{81.8} \\\\\n"
    runs, errors = parse_pasted_table(latex, "t")
    assert not errors and [r.result_values[0].value for r in runs] == [76.1, 81.8]


def test_pasted_rows_without_separators_split_at_the_last_number() -> None:
    runs, errors = parse_pasted_table("GPT-4o (2024-08-06) 0.843\nDeepSeek v3 0.872\n", "t", metric="EM")
    assert not errors
    assert [(r.model, r.result_values[0].value) for r in runs] == [
        ("GPT-4o (2024-08-06)", 0.843),
        ("DeepSeek v3", 0.872),
    ]
