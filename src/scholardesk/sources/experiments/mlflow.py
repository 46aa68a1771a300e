"""MLflow file stores (``mlruns/<experiment_id>/<run_id>/``) read without MLflow.

A run folder has ``meta.yaml`` (run_name, status, start/end times), ``metrics/<name>`` (lines
"timestamp_ms value step"), ``params/<name>`` (the value, often without a trailing newline) and
``tags/<name>`` (``mlflow.runName``, ``mlflow.autologging`` ...). Each run becomes one run; a
metric's last value (highest step) is its result and metrics with several points are also kept
as series. Bad lines and missing files are reported with the file and line; the rest imports.
"""

from __future__ import annotations

import logging
import math
from array import array
from pathlib import Path

from scholardesk.domain.experiments import (
    NewRun,
    ParsedSource,
    Series,
    guess_higher_is_better,
)
from scholardesk.sources.experiments import file_hash

logger = logging.getLogger(__name__)


def read_simple_yaml(path: Path) -> dict[str, str]:
    """MLflow's meta.yaml is flat ``key: value`` lines; values may be quoted."""
    out: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.strip() or line.startswith((" ", "-", "#")) or ":" not in line:
            continue
        key, _, value = line.partition(":")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        out[key.strip()] = value
    return out


def is_mlflow_store(path: Path) -> bool:
    return path.is_dir() and bool(run_folders(path))


def run_folders(root: Path) -> list[Path]:
    """Run folders below ``root`` (itself a run, an experiment or a whole mlruns tree)."""
    if (root / "metrics").is_dir() or (root / "params").is_dir():
        return [root]
    found = []
    for meta in sorted(root.rglob("meta.yaml")):
        folder = meta.parent
        if "artifacts" in folder.relative_to(root).parts:
            continue
        if (folder / "metrics").is_dir() or (folder / "params").is_dir():
            found.append(folder)
    # runs whose meta.yaml is missing still have metrics/ or params/ folders
    for sub in ("metrics", "params"):
        for d in sorted(root.rglob(sub)):
            folder = d.parent
            inside_experiment = (folder.parent / "meta.yaml").is_file()
            if d.is_dir() and folder not in found and "artifacts" not in folder.parts and inside_experiment:
                found.append(folder)
    return sorted(set(found))


def _run_files(folder: Path) -> list[Path]:
    files = [folder / "meta.yaml"] if (folder / "meta.yaml").is_file() else []
    for sub in ("metrics", "params", "tags"):
        d = folder / sub
        if d.is_dir():
            files.extend(sorted(p for p in d.rglob("*") if p.is_file()))
    return files


def parse_run(folder: Path, experiment: str | None = None) -> ParsedSource:
    errors: list[tuple[str, str]] = []
    meta: dict[str, str] = {}
    meta_path = folder / "meta.yaml"
    if meta_path.is_file():
        meta = read_simple_yaml(meta_path)
    else:
        errors.append((str(meta_path), "meta.yaml is missing; the run is imported without it"))
    exp_name = experiment
    if exp_name is None:
        exp_meta = folder.parent / "meta.yaml"
        exp_name = read_simple_yaml(exp_meta).get("name", "") if exp_meta.is_file() else ""
        exp_name = exp_name or "MLflow"

    def read_dir(sub: str) -> dict[str, str]:
        d = folder / sub
        if not d.is_dir():
            return {}
        return {
            str(p.relative_to(d)).replace("\\", "/"): p.read_text(
                encoding="utf-8", errors="replace"
            ).strip()
            for p in sorted(d.rglob("*"))
            if p.is_file()
        }

    params = read_dir("params")
    tags = read_dir("tags")
    results = []
    series = []
    metrics_dir = folder / "metrics"
    for path in sorted(metrics_dir.rglob("*")) if metrics_dir.is_dir() else []:
        if not path.is_file():
            continue
        name = str(path.relative_to(metrics_dir)).replace("\\", "/")
        points: list[tuple[int, int, float, float]] = []  # (step, order, value, wall)
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            parts = line.split()
            try:
                ts = float(parts[0]) / 1000.0
                value = float(parts[1])
                step = int(parts[2]) if len(parts) > 2 else 0
            except (ValueError, IndexError):
                errors.append((f"{path}:{lineno}", f"expected 'timestamp value step', got {line!r}"))
                continue
            if not math.isfinite(value):
                errors.append((f"{path}:{lineno}", "the value is not a finite number"))
                continue
            points.append((step, len(points), value, ts))
        if not points:
            continue
        points.sort()
        hib = guess_higher_is_better(name)
        results.append((name, points[-1][2], hib))
        if len(points) > 1:
            series.append(
                Series(
                    name,
                    array("q", (p[0] for p in points)),
                    array("d", (p[2] for p in points)),
                    array("d", (p[3] for p in points)),
                )
            )
    run_id = meta.get("run_id") or folder.name
    run_name = tags.get("mlflow.runName") or meta.get("run_name") or meta.get("name") or ""
    run_name = run_name or run_id[:8]
    framework = "mlflow"
    if tags.get("mlflow.autologging"):
        framework = f"mlflow ({tags['mlflow.autologging']})"
    runs: tuple[NewRun, ...] = ()
    if results or params:
        runs = (
            NewRun(
                experiment=exp_name,
                model=tags.get("model") or params.get("model") or run_name,
                name=run_name,
                dataset=params.get("dataset", ""),
                seed=_int_or_none(params.get("seed")),
                framework=framework,
                params=params,
                source="own",
                reference=f"mlflow run {run_id}",
                results=results,
                series=series,
            ),
        )
    elif not errors:
        errors.append((str(folder), "the run has no metrics and no params"))
    files = _run_files(folder)
    digest = file_hash(*files) if files else run_id
    return ParsedSource(str(folder), digest, "mlflow", runs, tuple(errors))


def _int_or_none(text: str | None) -> int | None:
    try:
        return int(text) if text not in (None, "", "None") else None
    except ValueError:
        return None


def parse_store(root: Path, experiment: str | None = None) -> list[ParsedSource]:
    return [parse_run(folder, experiment) for folder in run_folders(root)]
