"""``scholardesk models add | list | inspect | run | ocr | layout | bench | remove | providers``."""

from __future__ import annotations

import argparse
from pathlib import Path

from scholardesk.cli.common import EXIT_OK, CliContext, add_json_flag, print_json
from scholardesk.core.errors import InputError
from scholardesk.core.i18n import tr
from scholardesk.domain.models import PROVIDER_CHOICES, TASKS, parse_batches


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = sub.add_parser("models", help="run and benchmark your ONNX models")
    cmds = group.add_subparsers(dest="models_command", metavar="ACTION", required=True)

    add = cmds.add_parser("add", help="register an .onnx file")
    add.add_argument("file", type=Path)
    add.add_argument("--name", help="display name (default: the file name)")
    add.add_argument("--task", choices=TASKS, help="what the model does (default: guessed)")
    add.add_argument("--labels", type=Path, help="labels file: one per line, or a JSON list")
    add.add_argument("--tokenizer", type=Path, help="Hugging Face tokenizer.json (text models)")
    add.add_argument("--vocab", type=Path, help="CTC vocabulary: vocab.json or one token a line")
    add.add_argument("--frontend", choices=("waveform", "fbank"),
                     help="speech features: raw waveform or 80-dim log-mel fbank (default: guessed)")
    add.add_argument("--cmvn", type=Path, help="CMVN statistics (JSON mean/istd) for --frontend fbank")
    add_json_flag(add)
    add.set_defaults(handler=_add)

    lst = cmds.add_parser("list", help="registered models")
    add_json_flag(lst)
    lst.set_defaults(handler=_list)

    ins = cmds.add_parser("inspect", help="opset, inputs/outputs, operators, largest weights")
    ins.add_argument("model", help="model id or name, or the path of an .onnx file")
    add_json_flag(ins)
    ins.set_defaults(handler=_inspect)

    run = cmds.add_parser("run", help="run the model's task demo on an input")
    run.add_argument("model", help="model id or name")
    run.add_argument(
        "--input", action="append", default=[], metavar="[NAME=]FILE",
        help="image, WAV, text, or .npy/.npz/.json arrays (repeat; NAME=FILE feeds input NAME; "
             ".json: lists of strings or numbers)",
    )
    run.add_argument("--save-outputs", type=Path, metavar="DIR",
                     help="write every output as DIR/<output name>.npy and summarise it")
    run.add_argument("--text", help="text to classify (instead of --input)")
    run.add_argument("--reference", help="reference transcript (text or a .txt file) for WER/CER")
    run.add_argument("--provider", choices=PROVIDER_CHOICES, default="auto")
    run.add_argument("--top", type=int, default=5, help="how many labels to show")
    run.add_argument("--save", action="store_true", help="save as an experiment run (demo)")
    _gpu_flags(run)
    add_json_flag(run)
    run.set_defaults(handler=_run)

    ocr = cmds.add_parser("ocr", help="read the text of an image (a detector + a recogniser)")
    ocr.add_argument("image", type=Path)
    ocr.add_argument("--det", required=True, help="text-detection model id or name")
    ocr.add_argument("--rec", required=True, help="text-recognition model id or name")
    ocr.add_argument("--cls", help="text-line orientation classifier id or name (turns upside-down lines)")
    ocr.add_argument("--dict", type=Path, dest="dictionary",
                     help="character dictionary, one a line (default: the model's metadata)")
    ocr.add_argument("--provider", choices=PROVIDER_CHOICES, default="auto")
    _gpu_flags(ocr, search=False)
    add_json_flag(ocr)
    ocr.set_defaults(handler=_ocr)

    lay = cmds.add_parser("layout", help="layout regions of a page image or a PDF page")
    lay.add_argument("source", type=Path, metavar="IMAGE|PDF")
    lay.add_argument("--model", required=True, help="layout-detection model id or name")
    lay.add_argument("--page", type=int, default=1, help="PDF page, from 1")
    lay.add_argument("--threshold", type=float, default=0.5, help="lowest score kept")
    lay.add_argument("--provider", choices=PROVIDER_CHOICES, default="auto")
    _gpu_flags(lay, search=False)
    add_json_flag(lay)
    lay.set_defaults(handler=_layout)

    bench = cmds.add_parser("bench", help="latency percentiles and throughput")
    bench.add_argument("model", help="model id or name")
    bench.add_argument("--provider", choices=PROVIDER_CHOICES, default="auto")
    bench.add_argument("--batch", default="1", help="batch sizes, e.g. 1,8")
    bench.add_argument("--warmup", type=int, default=10)
    bench.add_argument("--runs", type=int, default=100)
    bench.add_argument("--save", action="store_true", help="save as experiment runs (demo)")
    _gpu_flags(bench)
    add_json_flag(bench)
    bench.set_defaults(handler=_bench)

    rm = cmds.add_parser("remove", help="forget a model (the file stays)")
    rm.add_argument("model", help="model id or name")
    add_json_flag(rm)
    rm.set_defaults(handler=_remove)

    pv = cmds.add_parser("providers", help="can this machine run models on the GPU?")
    add_json_flag(pv)
    pv.set_defaults(handler=_providers)


def _gpu_flags(parser: argparse.ArgumentParser, search: bool = True) -> None:
    parser.add_argument("--strict-gpu", action="store_true", default=None,
                        help="fail instead of running on the CPU when the GPU cannot run the "
                             "model (or some of its nodes); default: the gpu_strict setting")
    if search:
        parser.add_argument("--cudnn-search", choices=("heuristic", "exhaustive", "default"),
                            help="cuDNN convolution algorithm search on CUDA (exhaustive: "
                                 "~0.6 s per new input shape); default: the setting, heuristic")


def _split_inputs(values: list[str]) -> tuple[list[Path], dict[str, Path]]:
    """``--input FILE`` (positional) and ``--input NAME=FILE`` (for input NAME)."""
    positional: list[Path] = []
    named: dict[str, Path] = {}
    for value in values:
        name, sep, rest = value.partition("=")
        if sep and name and rest and not Path(value).expanduser().exists():
            if name in named:
                raise InputError(f"--input {name}=… is given twice.")
            named[name] = Path(rest)
        else:
            positional.append(Path(value))
    return positional, named


def _nodes_line(nodes: tuple[tuple[str, int], ...]) -> str:
    return ", ".join(f"{p.replace('ExecutionProvider', '')} {n}" for p, n in nodes)


def _add(ctx: CliContext, args: argparse.Namespace) -> int:
    result = ctx.services.models.add(
        args.file, name=args.name, task=args.task, labels_file=args.labels,
        tokenizer=args.tokenizer, vocab=args.vocab, frontend=args.frontend, cmvn=args.cmvn,
    )
    m = result.model
    if args.json:
        print_json({"id": m.id, "name": m.name, "sha256": m.sha256, "task": m.task,
                    "created": result.created})
    else:
        verb = tr("Added") if result.created else tr("Already registered")
        print(f"{verb}: #{m.id} {m.name} ({m.task}, opset {m.opset}, {m.parameters:,} parameters)")
    return EXIT_OK


def _list(ctx: CliContext, args: argparse.Namespace) -> int:
    models = ctx.services.models.list()
    if args.json:
        print_json([m.to_json() for m in models])
        return EXIT_OK
    if not models:
        print(tr("No models yet: add one with `scholardesk models add FILE.onnx`."))
        return EXIT_OK
    for m in models:
        print(f"{m.id:>4}  {m.name[:40]:<40}  {m.task:<20}  opset {m.opset:<3} "
              f"{m.parameters:>12,} params  {m.size_bytes / 1e6:8.2f} MB")
    return EXIT_OK


def _inspect(ctx: CliContext, args: argparse.Namespace) -> int:
    info = ctx.services.models.inspect(args.model)
    if args.json:
        print_json(info.to_json())
        return EXIT_OK
    print(f"opset {info.opset} (IR {info.ir_version}), producer {info.producer} "
          f"{info.producer_version}".rstrip())
    print(f"{info.node_count} nodes, {info.parameters:,} parameters")
    print(tr("inputs:"))
    for t in info.inputs:
        print(f"  {t.name}: {t.dtype} {t.shape_text()}")
    print(tr("outputs:"))
    for t in info.outputs:
        print(f"  {t.name}: {t.dtype} {t.shape_text()}")
    print(tr("operators:") + " " + ", ".join(f"{op}×{n}" for op, n in info.op_counts))
    if info.largest_initializers:
        print(tr("largest initializers:"))
        for i in info.largest_initializers[:5]:
            print(f"  {i.name}: {i.dtype} {list(i.shape)} ({i.size_bytes / 1024:.1f} KiB)")
    if info.external_data_files:
        print(tr("external data:") + " " + ", ".join(info.external_data_files))
    if info.external_data_outside:
        print(tr("warning: external data outside the model folder (not read; the model "
                 "cannot be loaded):") + " " + ", ".join(info.external_data_outside))
    for key, value in info.metadata:
        print(f"  {key} = {value[:100]}")
    return EXIT_OK


def _run(ctx: CliContext, args: argparse.Namespace) -> int:
    positional, named = _split_inputs(args.input)
    with ctx.progress() as progress:
        result = ctx.services.models.run(
            args.model, inputs=positional, provider=args.provider, text=args.text,
            reference=args.reference, top_k=args.top, save=args.save, progress=progress,
            named_inputs=named, save_outputs=args.save_outputs, strict_gpu=args.strict_gpu,
            conv_algo_search=args.cudnn_search.upper() if args.cudnn_search else None,
        )
    if args.json:
        print_json(result.to_json())
        return EXIT_OK
    for note in result.notes:
        print(tr("note: {message}", message=note))
    if result.top:
        for t in result.top:
            print(f"{t.probability:7.2%}  {t.label}")
    if result.task == "vad":
        if not result.segments:
            print(tr("No speech found."))
        for s in result.segments:
            print(f"speech {s.start_s:7.2f} s – {s.end_s:7.2f} s")
    if result.task == "asr":
        print(result.text)
        if result.wer is not None:
            print(f"WER {result.wer:.3f}  CER {result.cer:.3f}")
    if result.summaries:
        for summary in result.summaries:
            print(summary.line())
    else:
        for name, shape, dtype in result.outputs:
            print(f"{name}: {dtype} {list(shape)}")
    used = ", ".join(p.replace("ExecutionProvider", "") for p in result.providers_used)
    nodes = f"; {tr('nodes')}: {_nodes_line(result.nodes)}" if result.nodes else ""
    print(f"[{used}, {result.latency_ms:.2f} ms{nodes}]")
    return EXIT_OK


def _ocr(ctx: CliContext, args: argparse.Namespace) -> int:
    result = ctx.services.models.ocr(args.image, args.det, args.rec, args.provider, args.dictionary,
                                     cls=args.cls, strict_gpu=args.strict_gpu)
    if args.json:
        print_json(result.to_json())
        return EXIT_OK
    for note in result.notes:
        print(tr("note: {message}", message=note))
    for line in result.lines:
        print(f"{line.score:5.2f}  {line.text}")
    used = ", ".join(p.replace("ExecutionProvider", "") for p in result.providers_used)
    print(f"[{used}, {result.latency_ms:.2f} ms]")
    return EXIT_OK


def _layout(ctx: CliContext, args: argparse.Namespace) -> int:
    result = ctx.services.models.layout(args.source, args.model, args.page, args.threshold,
                                        args.provider, strict_gpu=args.strict_gpu)
    if args.json:
        print_json(result.to_json())
        return EXIT_OK
    for note in result.notes:
        print(tr("note: {message}", message=note))
    for box in result.boxes:
        x0, y0, x1, y1 = box.box
        print(f"{box.score:5.2f}  {box.label:<15} [{x0:.0f}, {y0:.0f}, {x1:.0f}, {y1:.0f}]")
    used = ", ".join(p.replace("ExecutionProvider", "") for p in result.providers_used)
    print(f"[{used}, {result.latency_ms:.2f} ms]")
    return EXIT_OK


def _bench(ctx: CliContext, args: argparse.Namespace) -> int:
    try:
        batches = parse_batches(args.batch)
    except ValueError as exc:
        raise InputError(f"--batch: {exc}.", "Give sizes like 1,8,32.") from exc
    with ctx.progress() as progress:
        outcome = ctx.services.models.bench(
            args.model, provider=args.provider, batches=batches, warmup=args.warmup,
            runs=args.runs, save=args.save, progress=progress, strict_gpu=args.strict_gpu,
            conv_algo_search=args.cudnn_search.upper() if args.cudnn_search else None,
        )
    rows = [r.to_json() for r in outcome.results]
    if args.json:
        print_json(rows[0] if len(rows) == 1 else rows)
        return EXIT_OK
    if outcome.results:
        first = outcome.results[0]
        for note in first.notes:
            print(tr("note: {message}", message=note))
        used = ", ".join(p.replace("ExecutionProvider", "") for p in first.providers_used)
        print(f"{used} on {first.device}")
        last = outcome.results[-1]
        if last.nodes:
            print(tr("nodes by provider: {nodes}", nodes=_nodes_line(last.nodes)))
        if last.gpu_memory_mb is None:
            print(tr("GPU memory: {reason}", reason=last.gpu_memory_note or "not available"))
    print(f"{'batch':>6} {'first ms':>10} {'p50 ms':>10} {'p90 ms':>10} {'p99 ms':>10} "
          f"{'items/s':>12} {'peak MB':>9} {'GPU MB':>8}")
    for r in outcome.results:
        first_ms = f"{r.first_run_ms:>10.3f}" if r.first_run_ms is not None else f"{'–':>10}"
        gpu_mb = f"{r.gpu_memory_mb:>8.1f}" if r.gpu_memory_mb is not None else f"{'–':>8}"
        print(f"{r.batch:>6} {first_ms} {r.p50_ms:>10.3f} {r.p90_ms:>10.3f} {r.p99_ms:>10.3f} "
              f"{r.throughput_per_s:>12.1f} {r.peak_memory_mb:>9.1f} {gpu_mb}")
    return EXIT_OK


def _remove(ctx: CliContext, args: argparse.Namespace) -> int:
    model = ctx.services.models.get(args.model)
    ctx.services.models.remove(model.id)
    if args.json:
        print_json({"removed": model.id})
    else:
        print(tr("Removed model {name}.", name=model.name))
    return EXIT_OK


def _providers(ctx: CliContext, args: argparse.Namespace) -> int:
    status = ctx.services.models.provider_status()
    data = {
        "available": list(status.available),
        "cuda": status.cuda_problem or "ok",
        "tensorrt": status.tensorrt_problem or "ok",
        "cpu": status.cpu,
    }
    if args.json:
        print_json(data)
    else:
        for key, value in data.items():
            print(f"{key}: {value if not isinstance(value, list) else ', '.join(value)}")
    return EXIT_OK
