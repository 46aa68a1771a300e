"""Plain training logs read through a line template.

A template is the printed line with ``{name}`` where numbers go, e.g.
``[ Valid | {epoch}/{total} ] loss = {loss}, acc = {acc}``. Runs of spaces match any
whitespace, text after the template (``-> best``) is ignored. ``epoch``/``step``/``iter``/
``iteration`` give the x value (else the matching line's index); ``total`` and names starting
with ``_`` are ignored; every other field is a metric curve. The last point of each curve is
also stored as the run's result.
"""

from __future__ import annotations

import math
import re
from array import array
from pathlib import Path

from scholardesk.core.errors import InputError
from scholardesk.domain.experiments import NewRun, ParsedSource, Series, guess_higher_is_better
from scholardesk.sources.experiments import file_hash

_FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_NUM = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|nan|inf"
STEP_FIELDS = ("epoch", "step", "iter", "iteration")
IGNORED = ("total",)


def compile_template(template: str) -> tuple[re.Pattern[str], list[str]]:
    names = _FIELD.findall(template)
    if not names:
        raise InputError(
            f"The template {template!r} has no {{fields}}.",
            "Write the log line with {name} where the numbers are, e.g. 'loss = {loss}'.",
        )
    if len(set(names)) != len(names):
        raise InputError(f"The template {template!r} names a field twice.")
    pattern = []
    pos = 0
    for m in _FIELD.finditer(template):
        literal = template[pos : m.start()]
        pattern.append(_literal(literal))
        pattern.append(f"(?P<{m.group(1)}>{_NUM})")
        pos = m.end()
    pattern.append(_literal(template[pos:]))
    return re.compile("".join(pattern), re.IGNORECASE), names


def _literal(text: str) -> str:
    parts = re.split(r"(\s+)", text)
    return "".join(r"\s*" if p.isspace() else re.escape(p) for p in parts if p)


def _last_finite(values: array[float]) -> float | None:
    return next((v for v in reversed(values) if math.isfinite(v)), None)


def parse_log(
    path: Path,
    template: str,
    experiment: str | None = None,
    model: str = "",
) -> ParsedSource:
    regex, names = compile_template(template)
    step_field = next((n for n in names if n.lower() in STEP_FIELDS), None)
    metrics = [
        n for n in names if n != step_field and n.lower() not in IGNORED and not n.startswith("_")
    ]
    steps = array("q")
    columns = {m: array("d") for m in metrics}
    errors: list[tuple[str, str]] = []
    matched = 0
    with path.open(encoding="utf-8", errors="replace") as fh:
        for lineno, line in enumerate(fh, 1):
            m = regex.search(line)
            if m is None:
                continue
            try:
                values = [float(m.group(name)) for name in metrics]
                step = int(float(m.group(step_field))) if step_field else matched
                if not -(1 << 63) <= step < 1 << 63:  # steps are stored as 64-bit integers
                    raise ValueError(f"step {m.group(step_field)} is out of range")
            except (ValueError, OverflowError) as exc:  # OverflowError: int(float("1e309"))
                errors.append((f"line {lineno}", str(exc)))
                continue
            matched += 1
            steps.append(step)
            for name, value in zip(metrics, values, strict=True):
                columns[name].append(value)
    runs: tuple[NewRun, ...] = ()
    if matched:
        series = [Series(name, array("q", steps), col) for name, col in columns.items()]
        runs = (
            NewRun(
                experiment=experiment or path.stem,
                model=model or path.stem,
                name=path.stem,
                reference=str(path),
                # the result is the last finite value ("loss = nan" lines stay in the curve)
                results=[(s.metric, last, guess_higher_is_better(s.metric)) for s in series
                         if (last := _last_finite(s.values)) is not None],
                series=series,
            ),
        )
    else:
        errors.append((str(path), f"no line matches the template {template!r}"))
    return ParsedSource(str(path), file_hash(path), "log", runs, tuple(errors))
