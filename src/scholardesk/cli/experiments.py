"""``scholardesk experiments import | paste | list | runs | table | duplicates | plot | metric``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scholardesk.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    CliContext,
    add_bom_flag,
    add_json_flag,
    print_json,
)
from scholardesk.core.errors import InputError
from scholardesk.core.i18n import tr

METRIC_NAMES = [
    "wer", "cer", "bleu", "chrf", "rouge-l", "accuracy", "f1", "exact-match", "pass-at-k",
]


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = sub.add_parser("experiments", help="benchmark results and training curves")
    cmds = group.add_subparsers(dest="experiments_command", metavar="ACTION", required=True)

    imp = cmds.add_parser(
        "import",
        help="import TensorBoard event files/folders, mlruns folders, CSV/JSON, logs, tables",
    )
    imp.add_argument("paths", nargs="+", type=Path, metavar="FILE_OR_DIR")
    imp.add_argument("--experiment", help="put every run into this experiment")
    imp.add_argument(
        "--template",
        help="read text files as training logs, e.g. '[ Valid | {epoch}/{total} ] loss = {loss}'",
    )
    imp.add_argument("--model", default="", help="model name for TensorBoard runs and logs")
    add_json_flag(imp)
    imp.set_defaults(handler=_import)

    paste = cmds.add_parser("paste", help="import a results table pasted from a paper (stdin or FILE)")
    paste.add_argument("file", nargs="?", type=Path, help="text file (default: standard input)")
    paste.add_argument("--experiment", required=True)
    paste.add_argument("--reference", default="", help="DOI / arXiv id / URL and the table number")
    paste.add_argument("--source", choices=["paper", "leaderboard", "own"], default="paper")
    paste.add_argument("--dataset", default="")
    paste.add_argument("--metric", help="metric name when the table has no header row")
    add_json_flag(paste)
    paste.set_defaults(handler=_paste)

    lst = cmds.add_parser("list", help="experiments and their run counts")
    add_json_flag(lst)
    lst.set_defaults(handler=_list)

    runs = cmds.add_parser("runs", help="the runs of an experiment with their results")
    runs.add_argument("--experiment", required=True)
    runs.add_argument("--model")
    runs.add_argument("--dataset")
    runs.add_argument("--source", choices=["own", "paper", "leaderboard", "demo"])
    add_json_flag(runs)
    runs.set_defaults(handler=_runs)

    table = cmds.add_parser("table", help="mean ± std over seeds, best in bold")
    table.add_argument("--experiment", required=True)
    table.add_argument("--metric")
    table.add_argument("--format", choices=["latex", "markdown", "csv", "json"], default="markdown")
    table.add_argument("--decimals", type=int, default=2)
    table.add_argument("--baseline", help="model to compute relative change against (json)")
    table.add_argument(
        "--param", action="append", default=[], metavar="NAME",
        help="tell rows apart by this param too, e.g. --param alpha (repeatable)",
    )
    table.add_argument("--out", type=Path, help="write to this file instead of standard output")
    add_json_flag(table)
    add_bom_flag(table)
    table.set_defaults(handler=_table)

    dup = cmds.add_parser("duplicates", help="runs entered more than once")
    dup.add_argument("--experiment")
    add_json_flag(dup)
    dup.set_defaults(handler=_duplicates)

    plot = cmds.add_parser("plot", help="render curves, a bar chart or a scatter to PNG/SVG")
    plot.add_argument("--experiment", required=True)
    plot.add_argument("--kind", choices=["curves", "bar", "scatter"], required=True)
    plot.add_argument("--metric", help="curve/bar metric; the y axis of a scatter")
    plot.add_argument("--x", default="", help="scatter x axis: a metric or param:NAME")
    plot.add_argument("--smooth", type=float, default=0.0, help="EMA weight 0..0.999 (curves)")
    plot.add_argument("--log-y", action="store_true")
    plot.add_argument("--out", type=Path, required=True, metavar="FILE.png")
    add_json_flag(plot)
    plot.set_defaults(handler=_plot)

    metric = cmds.add_parser("metric", help="score predictions against references")
    metric.add_argument("name", choices=METRIC_NAMES)
    metric.add_argument("--ref", type=Path, help="reference file, one item per line")
    metric.add_argument(
        "--hyp", type=Path, required=True,
        help="hypothesis file, one item per line (pass-at-k: 'n c' per problem)",
    )
    metric.add_argument("--k", type=int, default=1, help="k for pass-at-k")
    metric.add_argument("--record", metavar="EXPERIMENT", help="store the score as a run here")
    metric.add_argument("--model", default="", help="model name of the recorded run")
    metric.add_argument("--dataset", default="", help="dataset of the recorded run")
    add_json_flag(metric)
    metric.set_defaults(handler=_metric)


def _print_report(data: dict[str, object], as_json: bool) -> None:
    if as_json:
        print_json(data)
        return
    print(
        tr(
            "{runs} runs, {results} results, {points} curve points imported into {experiment}",
            runs=data["runs"], results=data["results"], points=data["series_points"],
            experiment=data["experiment"] or "-",
        )
    )
    if data.get("skipped_sources"):
        print(tr("{n} sources were imported before and left unchanged", n=data["skipped_sources"]))
    if data.get("duplicates"):
        print(tr("{n} runs repeat runs already stored (see `experiments duplicates`)", n=data["duplicates"]))
    for err in data["errors"]:  # type: ignore[attr-defined]
        where = f"{err['source']} {err['record']}".strip()
        print(f"  {where}: {err['message']}", file=sys.stderr)


def _import(ctx: CliContext, args: argparse.Namespace) -> int:
    with ctx.progress() as progress:
        report = ctx.services.experiments.import_paths(
            args.paths, args.experiment, args.template, args.model, progress=progress
        )
    _print_report(report.to_json(), args.json)
    return EXIT_FAILED if report.errors else EXIT_OK


def _paste(ctx: CliContext, args: argparse.Namespace) -> int:
    if args.file is not None:
        try:
            text = args.file.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise InputError(f"Cannot read {args.file}: {exc.strerror or exc}.") from exc
    else:
        text = sys.stdin.read()
    report = ctx.services.experiments.import_pasted_table(
        text, args.experiment, args.reference, args.source, args.dataset, args.metric
    )
    _print_report(report.to_json(), args.json)
    return EXIT_FAILED if report.errors else EXIT_OK


def _list(ctx: CliContext, args: argparse.Namespace) -> int:
    exps = ctx.services.experiments.experiments()
    if args.json:
        print_json([{"name": e.name, "runs": e.runs, "sample": e.is_sample} for e in exps])
    else:
        for e in exps:
            print(f"{e.runs:6d}  {e.name}")
    return EXIT_OK


def _runs(ctx: CliContext, args: argparse.Namespace) -> int:
    runs = ctx.services.experiments.runs(args.experiment, args.model, args.dataset, args.source)
    if args.json:
        print_json([r.to_json() for r in runs])
        return EXIT_OK
    # one column per param (MLflow alpha, l1_ratio, ...) and per metric, tab-separated
    params = sorted({k for r in runs for k in r.params})
    metrics = sorted({x.metric for r in runs for x in r.results})
    print("\t".join(["id", "model", "dataset", "split", "seed", "source", *params, *metrics]))
    for r in runs:
        values = {x.metric: f"{x.value:.4g}" for x in r.results}
        print("\t".join([
            f"#{r.id}", r.model, r.dataset, r.split, "" if r.seed is None else str(r.seed),
            r.source, *(r.params.get(p, "") for p in params), *(values.get(m, "") for m in metrics),
        ]))
    return EXIT_OK


def _table(ctx: CliContext, args: argparse.Namespace) -> int:
    fmt = "json" if args.json else args.format
    text = ctx.services.experiments.export_table(
        args.experiment, args.metric, fmt, args.decimals, args.baseline, params=args.param
    )
    if args.out is not None:
        csv_for_excel = fmt == "csv" and args.bom
        args.out.write_text(text, encoding="utf-8-sig" if csv_for_excel else "utf-8")
        print(args.out)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _duplicates(ctx: CliContext, args: argparse.Namespace) -> int:
    groups = ctx.services.experiments.duplicates(args.experiment)
    if args.json:
        print_json(
            [
                {"model": g.model, "dataset": g.dataset, "seed": g.seed, "run_ids": list(g.run_ids)}
                for g in groups
            ]
        )
    else:
        for g in groups:
            ids = ", ".join(f"#{i}" for i in g.run_ids)
            print(tr("{model} {dataset}: entered {n} times ({ids})", model=g.model, dataset=g.dataset, n=len(g.run_ids), ids=ids))
    return EXIT_FAILED if groups else EXIT_OK


def _plot(ctx: CliContext, args: argparse.Namespace) -> int:
    # Qt lives in gui/ (cli sits above gui in the layers); imported only for this command.
    from scholardesk.gui.plots import render_plot

    out = render_plot(
        ctx.services, args.experiment, args.kind, args.out, args.metric, args.x,
        args.smooth, args.log_y,
    )
    if args.json:
        print_json({"out": str(out)})
    else:
        print(out)
    return EXIT_OK


def _metric(ctx: CliContext, args: argparse.Namespace) -> int:
    from scholardesk.domain.experiments import NewRun

    record = None
    if args.record:
        record = NewRun(
            experiment=args.record,
            model=args.model or args.hyp.stem,
            dataset=args.dataset,
            reference=str(args.hyp),
            notes=f"scored against {args.ref}" if args.ref else "",
        )
        result = ctx.services.experiments.compute_metric(args.name, args.ref, args.hyp, args.k, record)
    else:
        from scholardesk.services.experiments import score_files

        result = score_files(args.name, args.ref, args.hyp, args.k)  # no library needed
    if args.json:
        print_json(result.to_json())
    else:
        print(f"{result.metric} = {result.value:.6g} (n={result.n})")
    return EXIT_OK
