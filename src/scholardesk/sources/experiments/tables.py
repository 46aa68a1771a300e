"""Result tables: CSV and JSON in long form (run, metric, value) or wide form (one column per
metric), and tables pasted from papers (tab, pipe, LaTeX ``&`` or multi-space separated).

Long form columns: ``metric``, ``value`` and ``model`` (or ``run``) are required; optional
``dataset, split, protocol, seed, hardware, framework, source, reference, higher_is_better,
step, run``. Rows with a ``step`` become curve points as well.
Wide form: ``model`` (or ``run``) required, the attribute columns above are recognised, every
other column is a metric. Numbers may be written ``71.5``, ``71.5%``, ``71.5 ± 0.3``,
``**71.5**``, ``\\textbf{71.5}``; ``-``/``—``/empty cells are missing values. A metric header
ending in ``↑``/``↓`` (or ``(↑)``) sets higher-is-better.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from scholardesk.core.errors import InputError
from scholardesk.domain.experiments import (
    SOURCES,
    NewRun,
    ParsedSource,
    Series,
    guess_higher_is_better,
)
from scholardesk.sources.experiments import file_hash

ATTRIBUTES = (
    "experiment",
    "run",
    "name",
    "model",
    "dataset",
    "split",
    "protocol",
    "seed",
    "hardware",
    "framework",
    "source",
    "reference",
    "notes",
)
_MISSING = {"", "-", "—", "–", "n/a", "na", "nan", "none", "null", "/", "--"}
_NUMBER = re.compile(r"[-+]?(?:\d+(?:[.,]\d+)*|\.\d+)(?:[eE][-+]?\d+)?")
_ARROW = re.compile(r"\s*\(?\s*([↑↓])\s*\)?\s*$")


class CellError(ValueError):
    pass


def parse_number(text: str) -> float | None:
    """A result cell → float; None for a missing value; CellError when it is no number."""
    cell = text.strip()
    cell = re.sub(r"\\(?:textbf|underline|mathbf|emph|textit)\{([^}]*)\}", r"\1", cell)
    cell = cell.replace("*", "").replace("$", "").replace("_", "").strip()
    if cell.lower() in _MISSING:
        return None
    # mean ± std, mean (std), mean +- std: the mean is the value
    cell = re.split(r"±|\+/-|\+-|\\pm|\s\(", cell)[0].strip()
    cell = cell.rstrip("%").strip()
    cell = cell.replace("\u2212", "-")  # unicode minus
    if not _NUMBER.fullmatch(cell):
        raise CellError(f"{text.strip()!r} is not a number")
    if "," in cell:
        # 1,234.5 (thousands) or 71,5 (decimal comma)
        cell = cell.replace(",", "") if "." in cell or re.search(r",\d{3}\b", cell) else cell.replace(",", ".")
    try:
        return float(cell)  # percentages keep their printed scale (71.5% → 71.5)
    except ValueError as exc:  # "49,0,0" passes the pattern, then reads "49.0.0"
        raise CellError(f"{text.strip()!r} is not a number") from exc


def metric_header(header: str) -> tuple[str, bool]:
    """'loss ↓' → ('loss', False); 'acc' → ('acc', guess)."""
    m = _ARROW.search(header)
    if m:
        return header[: m.start()].strip(), m.group(1) == "↑"
    name = header.strip()
    return name, guess_higher_is_better(name)


@dataclass
class _RunBuilder:
    attrs: dict[str, str]
    results: dict[str, tuple[float, bool]] = field(default_factory=dict)
    curves: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)

    def build(self, experiment: str, default_source: str, reference: str) -> NewRun:
        a = self.attrs
        seed_text = a.get("seed", "").strip()
        source = (a.get("source") or default_source).strip().lower() or "own"
        if source not in SOURCES:
            raise CellError(f"source must be one of {', '.join(SOURCES)}, not {source!r}")
        series = []
        for metric, points in self.curves.items():
            points.sort()
            series.append(Series.of(metric, (p[0] for p in points), (p[1] for p in points)))
            if metric not in self.results:
                self.results[metric] = (points[-1][1], guess_higher_is_better(metric))
        return NewRun(
            experiment=a.get("experiment") or experiment,
            model=a.get("model") or a.get("run") or a.get("name") or "",
            name=a.get("run") or a.get("name") or "",
            dataset=a.get("dataset", ""),
            split=a.get("split", ""),
            protocol=a.get("protocol", ""),
            seed=int(float(seed_text)) if seed_text and seed_text.lower() not in _MISSING else None,
            hardware=a.get("hardware", ""),
            framework=a.get("framework", ""),
            params=self.params,
            source=source,
            reference=a.get("reference") or reference,
            notes=a.get("notes", ""),
            results=[(m, v, h) for m, (v, h) in self.results.items()],
            series=series,
        )


def _norm(name: str) -> str:
    return name.strip().lower().replace(" ", "_")


def rows_to_runs(
    rows: Iterable[tuple[str, Mapping[str, object]]],
    source_name: str,
    experiment: str,
    default_source: str = "own",
    reference: str = "",
    series_of: Mapping[str, Mapping[str, object]] | None = None,
) -> tuple[list[NewRun], list[tuple[str, str]]]:
    """Rows (record label, {column: cell}) in long or wide form → runs + (record, error).
    ``series_of`` maps a record label to curves {metric: [[step, value], ...]} (JSON input)."""
    errors: list[tuple[str, str]] = []
    builders: dict[tuple[tuple[str, str], ...], _RunBuilder] = {}
    rows = list(rows)
    if not rows:
        return [], [(source_name, "no rows")]
    columns = {_norm(c): c for c in rows[0][1]}
    long_form = "metric" in columns and "value" in columns
    if "model" not in columns and "run" not in columns and "name" not in columns:
        return [], [(source_name, "a 'model' (or 'run') column is required; found: "
                     + ", ".join(map(str, rows[0][1])))]
    text_columns: set[str] = set()
    if not long_form:  # a column without a single number is text (kept as a parameter)
        for col_norm, original in columns.items():
            if col_norm in ATTRIBUTES or col_norm.startswith("param:"):
                continue
            column_cells = ("" if r.get(original) is None else str(r.get(original)) for _, r in rows)
            if not any(_looks_numeric(c) for c in column_cells):
                text_columns.add(col_norm)
    for label, row in rows:
        cells = {_norm(k): ("" if v is None else str(v)) for k, v in row.items() if k is not None}
        for col_norm in text_columns:
            if cells.get(col_norm, "").strip():
                cells["param:" + col_norm] = cells[col_norm]
        attrs = {k: cells.get(k, "").strip() for k in ATTRIBUTES if cells.get(k, "").strip()}
        if not (attrs.get("model") or attrs.get("run") or attrs.get("name")):
            errors.append((label, "the model/run cell is empty"))
            continue
        params = {k[len("param:"):]: v for k, v in cells.items() if k.startswith("param:")}
        key = tuple(sorted(attrs.items())) + tuple(sorted(("param:" + k, v) for k, v in params.items()))
        try:
            if long_form:
                metric_raw = cells.get("metric", "").strip()
                if not metric_raw:
                    raise CellError("the metric cell is empty")
                metric, hib = metric_header(metric_raw)
                if cells.get("higher_is_better", "").strip():
                    hib = cells["higher_is_better"].strip().lower() in ("1", "true", "yes", "y")
                value = parse_number(cells.get("value", ""))
                if value is None:
                    raise CellError("the value cell is empty")
                step_text = cells.get("step", "").strip()
                step = int(float(step_text)) if step_text else None
                builder = builders.get(key)
                if builder is None:
                    builder = builders[key] = _RunBuilder(attrs, params=params)
                if step is not None:
                    builder.curves.setdefault(metric, []).append((step, value))
                else:
                    builder.results[metric] = (value, hib)
            else:
                results: dict[str, tuple[float, bool]] = {}
                for col_norm, original in columns.items():
                    if col_norm in ATTRIBUTES or col_norm.startswith("param:") or col_norm in (
                        "higher_is_better", "step"
                    ) or col_norm in text_columns:
                        continue
                    try:
                        value = parse_number(cells.get(col_norm, ""))
                    except CellError as exc:
                        raise CellError(f"column {original!r}: {exc}") from None
                    if value is not None:
                        metric, hib = metric_header(str(original))
                        results[metric] = (value, hib)
                builder = builders.get(key)
                if builder is None:
                    builder = builders[key] = _RunBuilder(attrs, params=params)
                elif results and any(m in builder.results for m in results):
                    # the same configuration twice in one table: keep it as its own run
                    key = key + (("row", label),)
                    builder = builders[key] = _RunBuilder(attrs, params=params)
                builder.results.update(results)
                for metric, points in (series_of or {}).get(label, {}).items():
                    if not isinstance(points, list):
                        raise CellError(f"series {metric!r} must be a list of [step, value] pairs")
                    curve = builder.curves.setdefault(metric, [])
                    for point in points:
                        if not (isinstance(point, list) and len(point) == 2):
                            raise CellError(f"series {metric!r}: {point!r} is not [step, value]")
                        curve.append((int(point[0]), float(point[1])))
        except (CellError, ValueError, TypeError) as exc:
            errors.append((label, str(exc)))
    runs = []
    for builder in builders.values():
        try:
            run = builder.build(experiment, default_source, reference)
        except (CellError, ValueError, OverflowError) as exc:  # OverflowError: seed 1e309
            errors.append((builder.attrs.get("model", "?"), str(exc)))
            continue
        if run.results or run.series:
            runs.append(run)
    return runs, errors


def parse_csv(path: Path, experiment: str | None = None) -> ParsedSource:
    try:
        return _parse_csv(path, experiment)
    except csv.Error as exc:  # e.g. one cell over the csv module's 128 KB field limit
        raise InputError(
            f"{path} cannot be read as CSV ({exc}).",
            "A cell is far longer than a table cell can be, or a quote is never closed; "
            "save the table again as CSV.",
        ) from exc


def _parse_csv(path: Path, experiment: str | None) -> ParsedSource:
    text = path.read_text(encoding="utf-8-sig")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    rows = []
    errors: list[tuple[str, str]] = []
    for i, row in enumerate(reader, start=2):  # line 1 is the header
        if None in row:
            errors.append((f"line {i}", "the row has more cells than the header"))
            continue
        if any(v is None for v in row.values()):
            errors.append((f"line {i}", "the row has fewer cells than the header"))
            continue
        rows.append((f"line {i}", row))
    if experiment:  # an explicit experiment wins over an experiment column
        rows = [(label, {k: v for k, v in r.items() if _norm(k) != "experiment"}) for label, r in rows]
    runs, more = rows_to_runs(rows, str(path), experiment or path.stem)
    return ParsedSource(str(path), file_hash(path), "csv", tuple(runs), tuple(errors + more))


def parse_json(path: Path, experiment: str | None = None) -> ParsedSource:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        return ParsedSource(
            str(path), file_hash(path), "json", (), ((f"line {exc.lineno}", f"not valid JSON: {exc.msg}"),)
        )
    except RecursionError:  # a nesting bomb: refused like any unreadable JSON
        return ParsedSource(
            str(path), file_hash(path), "json", (), (("top level", "not valid JSON: it nests too deeply"),)
        )
    exp = experiment
    if isinstance(data, dict):
        exp = exp or str(data.get("experiment") or "") or None
        data = data.get("runs", data.get("results", []))
    if not isinstance(data, list):
        return ParsedSource(str(path), file_hash(path), "json", (), (("top level", "expected a list of runs"),))
    rows: list[tuple[str, Mapping[str, object]]] = []
    errors: list[tuple[str, str]] = []
    series_of: dict[str, dict[str, object]] = {}
    for i, item in enumerate(data):
        label = f"item {i + 1}"
        if not isinstance(item, dict):
            errors.append((label, "expected an object"))
            continue
        flat: dict[str, object] = {k: v for k, v in item.items() if not isinstance(v, dict)}
        nested = item.get("results") or item.get("metrics")
        if isinstance(nested, dict):
            flat.update(nested)
        params = item.get("params")
        if isinstance(params, dict):
            flat.update({f"param:{k}": v for k, v in params.items()})
        curves = item.get("series")
        if isinstance(curves, dict):
            series_of[label] = curves
        rows.append((label, flat))
    # JSON objects may differ in keys: give every row every column
    columns: dict[str, None] = {}
    for _, row in rows:
        columns.update(dict.fromkeys(row))
    if experiment:
        columns.pop("experiment", None)
    rows = [(label, {c: row.get(c) for c in columns}) for label, row in rows]
    runs, more = rows_to_runs(rows, str(path), exp or path.stem, series_of=series_of)
    return ParsedSource(str(path), file_hash(path), "json", tuple(runs), tuple(errors + more))


# -- tables pasted from papers and web pages --------------------------------------------
_SEPARATORS = ("\t", "|", "&")


def split_pasted(text: str) -> list[list[str]]:
    lines = [ln.rstrip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln.strip() and not re.fullmatch(r"[\s|:+\-=]+", ln)]
    lines = [ln for ln in lines if not re.match(r"\s*\\(?:toprule|midrule|bottomrule|hline|begin|end)", ln)]
    if not lines:
        return []
    sep = next((s for s in _SEPARATORS if all(s in ln for ln in lines[:3])), None)
    rows = []
    for ln in lines:
        if sep == "&":
            ln = re.sub(r"\\\\.*$", "", ln)
        if sep:
            cells = [c.strip() for c in ln.strip().strip("|").split(sep)]
        else:
            cells = [c.strip() for c in re.split(r"\s{2,}", ln.strip())]
            if len(cells) == 1:  # "GPT-4o 0.843": the last token is the number
                head, _, last = ln.strip().rpartition(" ")
                if head and _looks_numeric(last):
                    cells = [head.strip(), last]
        rows.append(cells)
    return rows


def _looks_numeric(cell: str) -> bool:
    try:
        return parse_number(cell) is not None
    except CellError:
        return False


def parse_pasted_table(
    text: str,
    experiment: str,
    reference: str = "",
    source: str = "paper",
    dataset: str = "",
    metric: str | None = None,
) -> tuple[list[NewRun], list[tuple[str, str]]]:
    """A table copied from a paper/leaderboard: first column models, other columns metrics
    (a header row is needed unless ``metric`` names the single value column)."""
    rows = split_pasted(text)
    if not rows:
        return [], [("pasted table", "nothing to read")]
    header = rows[0]
    body = rows[1:]
    if metric is not None and all(_looks_numeric(c) for c in header[1:]):
        header, body = ["model", metric], rows
    header = ["model", *header[1:]]
    width = len(header)
    records: list[tuple[str, Mapping[str, object]]] = []
    errors: list[tuple[str, str]] = []
    for i, cells in enumerate(body, start=2):
        if len(cells) != width:
            errors.append((f"row {i}", f"expected {width} cells, found {len(cells)}"))
            continue
        row: dict[str, object] = dict(zip(header, cells, strict=True))
        if dataset and "dataset" not in row:
            row["dataset"] = dataset
        records.append((f"row {i}", row))
    if dataset and "dataset" not in header:
        header.append("dataset")
        records = [(label, {**r, "dataset": r.get("dataset", dataset)}) for label, r in records]
    runs, more = rows_to_runs(records, "pasted table", experiment, default_source=source, reference=reference)
    return runs, errors + more


def parse_table_text_file(path: Path, experiment: str | None, reference: str = "") -> ParsedSource:
    runs, errors = parse_pasted_table(
        path.read_text(encoding="utf-8-sig"), experiment or path.stem, reference=reference or str(path)
    )
    return ParsedSource(str(path), file_hash(path), "table", tuple(runs), tuple(errors))
