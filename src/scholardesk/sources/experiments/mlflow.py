"""MLflow file stores (``mlruns/<experiment_id>/<run_id>/``) read without MLflow.

A run folder has ``meta.yaml`` (run_name, status, start/end times), ``metrics/<name>`` (lines
"timestamp_ms value step"), ``params/<name>`` (the value, often without a trailing newline) and
``tags/<name>`` (``mlflow.runName``, ``mlflow.autologging`` ...). Each run becomes one run; a
metric's last value (highest step) is its result and metrics with several points are also kept
as series. Bad lines and missing files are reported with the file and line (never the
line's text: it may be anything); the rest imports.

Identity (issue 20): an experiment is its store and its id, so two stores' "Default"
experiments stay apart: the experiment is named "<name> (<store>/<id>)", where the store is the
mlruns folder's name (with its parent's when it is literally ``mlruns``). The model comes from a
param or tag (``model``, ``model_name``, ``model_type``, ``architecture``, ``arch``,
``estimator_name``, ``estimator_class``); only when there is none is the run name used, then
labelled "<run name> (run name)". Params are kept with each run (``experiments runs`` shows
them as columns).

Links (issue 11): files and folders are read through ``sources.safe_files``: a link that
leaves the run folder is refused and reported by name, never read.
"""

from __future__ import annotations

import logging
import math
from array import array
from pathlib import Path

from scholardesk.core.errors import InputError
from scholardesk.domain.experiments import (
    NewRun,
    ParsedSource,
    Series,
    guess_higher_is_better,
)
from scholardesk.sources.experiments import file_hash
from scholardesk.sources.safe_files import check_inside, describe_line, is_inside, walk

MODEL_KEYS = (
    "model", "model_name", "model_type", "architecture", "arch", "estimator_name",
    "estimator_class",
)

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


def _is_run(folder: Path) -> bool:
    return any(
        (folder / sub).is_dir() and is_inside(folder, folder / sub) for sub in ("metrics", "params")
    )


def run_folders(root: Path) -> list[Path]:
    """Run folders below ``root`` (itself a run, an experiment or a whole mlruns tree)."""
    if _is_run(root):
        return [root]
    found: set[Path] = set()
    for file in walk(root).files:
        rel = file.relative_to(root).parts
        if "artifacts" in rel:
            continue
        if file.name == "meta.yaml" and _is_run(file.parent):
            found.add(file.parent)
        # runs whose meta.yaml is missing still have metrics/ or params/ folders
        elif len(rel) >= 3 and rel[-2] in ("metrics", "params"):
            folder = file.parent.parent
            if (folder.parent / "meta.yaml").is_file():
                found.add(folder)
    return sorted(found)


def _run_files(folder: Path) -> tuple[list[Path], list[tuple[str, str]]]:
    """The files of a run (meta.yaml, metrics, params, tags) and the links refused."""
    files = [folder / "meta.yaml"] if (folder / "meta.yaml").is_file() else []
    refused: list[tuple[str, str]] = []
    if files and not is_inside(folder, files[0]):
        refused.append((str(files[0]), _refusal(folder, files[0])))
        files = []
    for sub in ("metrics", "params", "tags"):
        d = folder / sub
        if not (d.is_dir() or d.is_symlink()):
            continue
        if not is_inside(folder, d):
            refused.append((str(d), _refusal(folder, d)))
            continue
        w = walk(d)
        files.extend(w.files)
        refused.extend((str(r.link), r.message) for r in w.refused)
    return files, refused


def _refusal(root: Path, link: Path) -> str:
    from scholardesk.sources.safe_files import LinkOutsideFolder

    return LinkOutsideFolder(link, root).message


def store_label(experiment_folder: Path) -> str:
    """The store an experiment folder belongs to, as the user knows it: the mlruns folder's
    name, with its parent's when it is literally ``mlruns`` (``project/mlruns``)."""
    store = experiment_folder.resolve().parent
    if store.name.lower() in ("mlruns", "") and store.parent.name:
        return f"{store.parent.name}/{store.name}"
    return store.name or str(store)


def model_of(params: dict[str, str], tags: dict[str, str], run_name: str) -> str:
    """The model: a param or tag that names it; else the run name, labelled as such."""
    for key in MODEL_KEYS:
        for source in (params, tags):
            value = source.get(key, "").strip()
            if value and value != "None":
                return value
    return f"{run_name} (run name)"


def parse_run(folder: Path, experiment: str | None = None) -> ParsedSource:
    files, refused = _run_files(folder)
    errors: list[tuple[str, str]] = list(refused)
    meta: dict[str, str] = {}
    meta_path = folder / "meta.yaml"
    if meta_path in files:
        meta = read_simple_yaml(meta_path)
    elif not meta_path.is_symlink():
        errors.append((str(meta_path), "meta.yaml is missing; the run is imported without it"))
    exp_name = experiment
    if exp_name is None:
        exp_folder = folder.parent
        exp_meta_path = exp_folder / "meta.yaml"
        exp_meta: dict[str, str] = {}
        if exp_meta_path.is_file():
            try:
                exp_meta = read_simple_yaml(check_inside(exp_folder, exp_meta_path))
            except InputError as exc:
                errors.append((str(exp_meta_path), exc.message))
        exp_id = exp_meta.get("experiment_id") or meta.get("experiment_id") or exp_folder.name
        exp_name = (
            f"{exp_meta.get('name') or 'MLflow'} ({store_label(exp_folder)}/{exp_id})"
        )

    def read_dir(sub: str) -> dict[str, str]:
        d = folder / sub
        return {
            str(p.relative_to(d)).replace("\\", "/"): p.read_text(
                encoding="utf-8", errors="replace"
            ).strip()
            for p in files
            if d in p.parents
        }

    params = read_dir("params")
    tags = read_dir("tags")
    results = []
    series = []
    metrics_dir = folder / "metrics"
    for path in (p for p in files if metrics_dir in p.parents):
        name = str(path.relative_to(metrics_dir)).replace("\\", "/")
        points: list[tuple[int, int, float, float]] = []  # (step, order, value, wall)
        text = path.read_text(encoding="utf-8", errors="replace")
        for lineno, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            parts = line.split()
            try:
                ts = float(parts[0]) / 1000.0
                value = float(parts[1])
                step = int(parts[2]) if len(parts) > 2 else 0
            except (ValueError, IndexError):
                errors.append(
                    (f"{path}:{lineno}",
                     f"expected 'timestamp value step', got {describe_line(line)}")
                )
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
                model=model_of(params, tags, run_name),
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
    digest = file_hash(*files) if files else run_id
    return ParsedSource(str(folder), digest, "mlflow", runs, tuple(errors))


def _int_or_none(text: str | None) -> int | None:
    try:
        return int(text) if text not in (None, "", "None") else None
    except ValueError:
        return None


def parse_store(root: Path, experiment: str | None = None) -> list[ParsedSource]:
    return [parse_run(folder, experiment) for folder in run_folders(root)]
