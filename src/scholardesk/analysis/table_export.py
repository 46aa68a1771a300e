"""Result tables for papers: LaTeX (booktabs, best value in bold, ``mean ± std``), Markdown
and CSV. Rows are models, columns are (dataset, split, protocol, metric).

A column holds only comparable cells (one split, one protocol), its label always shows the
split, and bold marks the best of 2+ models in that column (``AggregateRow.best``); a lone
value is not "best"."""

from __future__ import annotations

from collections.abc import Sequence

from scholardesk.analysis.experiments_agg import AggregateRow
from scholardesk.domain.spreadsheet import csv_text

_LATEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def latex_escape(text: str) -> str:
    return "".join(_LATEX_ESCAPES.get(ch, ch) for ch in text)


Column = tuple[str, str, str, str]  # (dataset, split, protocol, metric)


def _columns(rows: Sequence[AggregateRow]) -> list[Column]:
    return sorted({(r.dataset, r.split, r.protocol, r.metric) for r in rows})


def _column_label(col: Column, cols: Sequence[Column]) -> str:
    """The split is always shown (train is never read as test); the protocol where it tells
    the columns apart."""
    dataset, split, protocol, metric = col
    parts = [dataset]
    if split:
        parts.append(f"({split})")
    if len({c[2] for c in cols}) > 1:
        parts.append(f"[{protocol}]" if protocol else "")
    parts.append(metric)
    return " ".join(p for p in parts if p)


def _models(rows: Sequence[AggregateRow]) -> list[str]:
    order: list[str] = []
    for r in rows:
        if r.model not in order:
            order.append(r.model)
    return order


def _cell_text(row: AggregateRow | None, decimals: int, pm: str) -> str:
    if row is None:
        return "--"
    text = f"{row.mean:.{decimals}f}"
    if row.std is not None:
        text += f"{pm}{row.std:.{decimals}f}"
    return text


def to_latex(
    rows: Sequence[AggregateRow], decimals: int = 2, caption: str = "", label: str = ""
) -> str:
    cols = _columns(rows)
    cells = {(r.model, r.dataset, r.split, r.protocol, r.metric): r for r in rows}
    lines = [r"\begin{table}[t]", r"\centering"]
    if caption:
        lines.append(rf"\caption{{{latex_escape(caption)}}}")
    if label:
        lines.append(rf"\label{{{label}}}")
    lines.append(r"\begin{tabular}{l" + "c" * len(cols) + "}")
    lines.append(r"\toprule")
    header = ["Model"] + [
        latex_escape(_column_label(c, cols))
        + (r" $\uparrow$" if _hib(rows, c[3]) else r" $\downarrow$")
        for c in cols
    ]
    lines.append(" & ".join(header) + r" \\")
    lines.append(r"\midrule")
    for model in _models(rows):
        out = [latex_escape(model)]
        for col in cols:
            row = cells.get((model, *col))
            text = _cell_text(row, decimals, r" $\pm$ ")
            if row is not None and row.best:
                text = rf"\textbf{{{text}}}"
            out.append(text)
        lines.append(" & ".join(out) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}"]
    return "\n".join(lines) + "\n"


def _hib(rows: Sequence[AggregateRow], metric: str) -> bool:
    return next((r.higher_is_better for r in rows if r.metric == metric), True)


def to_markdown(rows: Sequence[AggregateRow], decimals: int = 2) -> str:
    cols = _columns(rows)
    cells = {(r.model, r.dataset, r.split, r.protocol, r.metric): r for r in rows}
    header = ["Model"] + [
        _column_label(c, cols) + (" ↑" if _hib(rows, c[3]) else " ↓") for c in cols
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for model in _models(rows):
        out = [model.replace("|", "\\|")]
        for col in cols:
            row = cells.get((model, *col))
            text = _cell_text(row, decimals, " ± ")
            if row is not None and row.best:
                text = f"**{text}**"
            out.append(text)
        lines.append("| " + " | ".join(out) + " |")
    return "\n".join(lines) + "\n"


def to_csv(rows: Sequence[AggregateRow]) -> str:
    """Long CSV, one row per aggregate (full precision, for spreadsheets; text cells escaped
    against formula injection by ``domain.spreadsheet``; the caller adds the BOM)."""
    return csv_text(
        ["model", "dataset", "split", "protocol", "metric", "mean", "std", "n", "best", "duplicates"],
        (
            [
                r.model, r.dataset, r.split, r.protocol, r.metric, r.mean,
                "" if r.std is None else r.std, r.n, int(r.best), r.duplicates,
            ]
            for r in rows
        ),
    )
