"""Execution providers: choose (auto = TensorRT → CUDA → CPU), explain, and really check.

onnxruntime-gpu lists CUDA and TensorRT as *available* even on a machine with no GPU; they only
fail when a session tries to load their libraries, and then onnxruntime prints a screenful of
errors and silently falls back. ScholarDesk instead checks the pieces itself before asking for a
GPU provider (the NVIDIA driver, the CUDA runtime, cuDNN, TensorRT, by the library names
onnxruntime needs), leaves out the providers that cannot start, explains in one sentence what is
missing and how to install it, and afterwards reads ``session.get_providers()`` to report what the
session really uses. onnxruntime's console noise is turned down (default logger and
``SessionOptions.log_severity_level``) and its Python fallback prints are captured into the log.
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import logging
import os
import platform
import shutil
import subprocess
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from scholardesk.core.errors import InputError, ScholarDeskError
from scholardesk.core.i18n import tr

logger = logging.getLogger(__name__)

CPU = "CPUExecutionProvider"
CUDA = "CUDAExecutionProvider"
TENSORRT = "TensorrtExecutionProvider"

SHORT_NAMES = {CPU: "cpu", CUDA: "cuda", TENSORRT: "tensorrt"}
DISPLAY_NAMES = {CPU: "CPU", CUDA: "CUDA", TENSORRT: "TensorRT"}

# Plain severity levels of onnxruntime's logger: 0 verbose, 1 info, 2 warning, 3 error, 4 fatal.
QUIET_SEVERITY = 3

_quiet_lock = threading.Lock()
_quieted = False


def quiet_onnxruntime() -> None:
    """Keep onnxruntime's own console output out of the user's way (once per process)."""
    global _quieted
    with _quiet_lock:
        if _quieted:
            return
        import onnxruntime as ort

        ort.set_default_logger_severity(QUIET_SEVERITY)
        _quieted = True


@cache
def ort_errors() -> tuple[type[BaseException], ...]:
    """The exception types onnxruntime raises (they derive from Exception directly)."""
    from onnxruntime.capi import onnxruntime_pybind11_state as state

    names = ("Fail", "InvalidArgument", "InvalidGraph", "InvalidProtobuf", "NoSuchFile",
             "NotImplemented", "RuntimeException", "EPFail", "ModelLoaded", "EngineError")
    found = [getattr(state, n) for n in names if isinstance(getattr(state, n, None), type)]
    return (*found, RuntimeError, ValueError, TypeError, OSError)


def chain_for(choice: str) -> tuple[str, ...]:
    """The provider list asked for by a user choice."""
    choice = choice.lower()
    chains = {
        "auto": (TENSORRT, CUDA, CPU),
        "tensorrt": (TENSORRT, CUDA, CPU),
        "cuda": (CUDA, CPU),
        "cpu": (CPU,),
    }
    if choice not in chains:
        raise InputError(
            f"Unknown execution provider {choice!r}.", "Choose auto, cpu, cuda or tensorrt."
        )
    return chains[choice]


@dataclass(frozen=True)
class Missing:
    """One piece a GPU provider needs that this machine lacks."""

    provider: str
    piece: str  # "NVIDIA driver", "CUDA runtime", "cuBLAS", "cuBLASLt", "cuDNN 9", ...
    library: str
    hint: str  # translated advice

    def reason(self) -> str:
        """What is missing, in a few words (no advice): for strict-mode errors and tables."""
        if self.piece == "GPU build":
            return tr("the installed onnxruntime has no GPU support")
        return tr("{piece} is missing ({library} not found)", piece=piece_text(self.piece),
                  library=self.library)

    def sentence(self) -> str:
        name = DISPLAY_NAMES.get(self.provider, self.provider)
        if self.piece == "GPU build":
            return tr(
                "{provider} was asked for, but the installed onnxruntime has no GPU support.",
                provider=name,
            ) + " " + self.hint
        return tr(
            "{provider} cannot be used: {piece} is missing ({library} not found).",
            provider=name, piece=piece_text(self.piece), library=self.library,
        ) + " " + self.hint


def piece_text(piece: str) -> str:
    major = _cuda_major()
    texts = {
        "NVIDIA driver": tr("the NVIDIA driver"),
        "CUDA runtime": tr("the CUDA {major} runtime", major=major),
        "cuBLAS": tr("the CUDA {major} cuBLAS library", major=major),
        "cuBLASLt": tr("the CUDA {major} cuBLASLt library", major=major),
        "cuDNN 9": "cuDNN 9",
        "TensorRT 10": "TensorRT 10",
        "TensorRT parser": tr("the TensorRT 10 ONNX parser"),
    }
    return texts.get(piece, piece)


def hint_text(kind: str) -> str:
    major = _cuda_major()
    if kind == "driver":
        return tr(
            "This computer has no NVIDIA GPU, or its driver is not installed (install the NVIDIA "
            "driver, then check with `nvidia-smi`). ScholarDesk runs the model on the CPU instead."
        )
    if kind == "cuda":
        return tr(
            "Install the CUDA {major} and cuDNN 9 libraries with "
            "`pip install \"onnxruntime-gpu[cuda,cudnn]\"` (or the NVIDIA CUDA {major} toolkit "
            "and cuDNN 9) and make sure they are on LD_LIBRARY_PATH.",
            major=major,
        )
    if kind == "tensorrt":
        return tr(
            "Install TensorRT 10 (`pip install tensorrt` or NVIDIA's packages) and put its "
            "libraries on LD_LIBRARY_PATH; CUDA is used without it."
        )
    return tr("Install it with `pip install onnxruntime-gpu` (in place of `onnxruntime`).")


def _cuda_major() -> str:
    try:
        from onnxruntime.capi import build_and_package_info as info

        version = str(getattr(info, "cuda_version", "") or "")
    except ImportError:
        version = ""
    return version.split(".")[0] if version else "12"


def _library_loads(name: str) -> bool:
    try:
        ctypes.CDLL(name)
    except OSError:
        return False
    return True


@cache
def _preload_gpu_libraries() -> None:
    """Load CUDA/cuDNN from the nvidia-* pip wheels when present (onnxruntime-gpu[cuda,cudnn])."""
    try:
        import onnxruntime as ort
    except ImportError:
        return
    preload = getattr(ort, "preload_dlls", None)
    if preload is None:
        return
    with contextlib.redirect_stdout(io.StringIO()) as captured:
        try:
            preload()
        except (OSError, RuntimeError, ValueError, ImportError) as exc:  # best effort only
            logger.debug("onnxruntime.preload_dlls failed: %s", exc)
    if captured.getvalue().strip():
        logger.debug("onnxruntime.preload_dlls: %s", captured.getvalue().strip())


def required_pieces(provider: str) -> list[tuple[str, str, str]]:
    """(piece, library soname, hint kind) that ``provider`` needs, in checking order."""
    major = _cuda_major()
    driver = ("NVIDIA driver", "libcuda.so.1", "driver")
    cuda = [
        ("CUDA runtime", f"libcudart.so.{major}", "cuda"),
        ("cuBLAS", f"libcublas.so.{major}", "cuda"),
        ("cuBLASLt", f"libcublasLt.so.{major}", "cuda"),
        ("cuDNN 9", "libcudnn.so.9", "cuda"),
    ]
    if provider == CUDA:
        return [driver, *cuda]
    if provider == TENSORRT:
        return [
            driver,
            *cuda,
            ("TensorRT 10", "libnvinfer.so.10", "tensorrt"),
            ("TensorRT parser", "libnvonnxparser.so.10", "tensorrt"),
        ]
    return []


def find_missing(
    provider: str,
    available: Sequence[str] | None = None,
    loads: Any = None,
) -> Missing | None:
    """The first piece ``provider`` lacks on this machine, or None when it should start.

    ``available`` defaults to ``onnxruntime.get_available_providers()`` and ``loads`` (a
    ``soname -> bool`` function) to really loading the library; tests may pass their own."""
    if provider == CPU:
        return None
    if available is None:
        import onnxruntime as ort

        available = ort.get_available_providers()
    if provider not in available:
        return Missing(provider, "GPU build", "", hint_text("build"))
    if loads is None:
        _preload_gpu_libraries()
        loads = _library_loads
    if platform.system() != "Linux":  # library names below are Linux sonames
        return None
    for piece, library, hint in required_pieces(provider):
        if not loads(library):
            return Missing(provider, piece, library, hint_text(hint))
    return None


def plan_providers(
    choice: str, available: Sequence[str] | None = None, loads: Any = None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The providers worth trying for ``choice`` and the notes explaining the ones left out."""
    chain = chain_for(choice)
    usable: list[str] = []
    notes: list[str] = []
    seen_pieces: set[str] = set()
    for provider in chain:
        missing = find_missing(provider, available, loads)
        if missing is None:
            usable.append(provider)
            continue
        # TensorRT and CUDA often lack the same piece (no driver): say it once.
        key = missing.library or missing.piece
        if key in seen_pieces:
            continue
        seen_pieces.add(key)
        if choice == "auto" and missing.piece in ("NVIDIA driver", "GPU build"):
            notes.append(
                tr(
                    "No usable NVIDIA GPU was found, so the model runs on the CPU ({reason}).",
                    reason=missing.library or tr("onnxruntime without GPU support"),
                )
            )
        elif choice == "auto" and provider == TENSORRT and CUDA in chain:
            notes.append(missing.sentence())
        else:
            notes.append(missing.sentence() + " " + tr("Running on the CPU instead."))
    if CPU not in usable:
        usable.append(CPU)
    return tuple(usable), tuple(notes)


def session_options(threads: int = 0, profile_prefix: str = "") -> Any:
    """Quiet options; with ``profile_prefix``, onnxruntime profiles the session (ScholarDesk
    ends the profile after the first run, so later runs are not slowed)."""
    import onnxruntime as ort

    quiet_onnxruntime()
    options = ort.SessionOptions()
    options.log_severity_level = QUIET_SEVERITY
    if threads:
        options.intra_op_num_threads = threads
    if profile_prefix:
        options.enable_profiling = True
        options.profile_file_prefix = profile_prefix
    return options


# cuDNN's convolution algorithm search (CUDA provider option ``cudnn_conv_algo_search``):
# HEURISTIC asks cuDNN for its guess (fast start), EXHAUSTIVE times every algorithm for each new
# input shape (~0.6 s per shape, sometimes faster kernels), DEFAULT takes the default algorithm.
CONV_ALGO_SEARCHES = ("HEURISTIC", "EXHAUSTIVE", "DEFAULT")


class StrictGpuError(ScholarDeskError):
    """Strict GPU mode: the model would run (partly) on the CPU although a GPU was asked for."""


@dataclass(frozen=True)
class GpuOptions:
    """How GPU sessions are made: strict mode (no silent CPU fallback) and cuDNN's search."""

    strict: bool = False
    conv_algo_search: str = "HEURISTIC"

    def __post_init__(self) -> None:
        if self.conv_algo_search.upper() not in CONV_ALGO_SEARCHES:
            raise InputError(
                f"Unknown cuDNN convolution search {self.conv_algo_search!r}.",
                f"Choose one of: {', '.join(CONV_ALGO_SEARCHES)}.",
            )
        object.__setattr__(self, "conv_algo_search", self.conv_algo_search.upper())


DEFAULT_GPU = GpuOptions()

# Nodes that a GPU session runs on the CPU on purpose: the copies between host and device, and
# small shape computations (every output int64) that onnxruntime keeps on the CPU.
_COPY_OPS = ("MemcpyToHost", "MemcpyFromHost")


@dataclass(frozen=True)
class NodePlacement:
    """Which provider ran how many nodes of the optimised graph in one profiled run."""

    counts: tuple[tuple[str, int], ...]
    cpu_nodes: tuple[str, ...]  # "name (OpType)" of CPU nodes that are real work


def _shape_only(args: dict[str, Any]) -> bool:
    outputs = args.get("output_type_shape") or []
    return bool(outputs) and all(
        isinstance(o, dict) and set(o) <= {"int64", "int32"} for o in outputs
    )


def parse_profile(events: Sequence[dict[str, Any]]) -> NodePlacement:
    """Count nodes per provider from onnxruntime's profile JSON (one ``*_kernel_time`` event
    per node run; ``args.provider`` says who ran it). A compiled TensorRT/CUDA-graph partition
    counts as one node of its provider."""
    seen: dict[str, tuple[str, str, bool]] = {}
    for event in events:
        if event.get("cat") != "Node":
            continue
        name = str(event.get("name", ""))
        if not name.endswith("_kernel_time"):
            continue
        args = event.get("args") or {}
        provider = str(args.get("provider") or "")
        if not provider:
            continue
        node = name[: -len("_kernel_time")]
        seen.setdefault(node, (provider, str(args.get("op_name", "")), _shape_only(args)))
    counts: dict[str, int] = {}
    for provider, _op, _shape in seen.values():
        counts[provider] = counts.get(provider, 0) + 1
    order = sorted(counts.items(), key=lambda kv: (kv[0] == CPU, -kv[1]))
    cpu_nodes = tuple(
        f"{node} ({op})" for node, (provider, op, shape) in seen.items()
        if provider == CPU and op not in _COPY_OPS and not shape
    )
    return NodePlacement(tuple(order), cpu_nodes)


def read_profile(path: str) -> list[dict[str, Any]]:
    """The events of a profile file written by ``end_profiling`` (the file is removed)."""
    import json

    try:
        with open(path, encoding="utf-8") as fh:
            events = json.load(fh)
    except (OSError, ValueError) as exc:
        logger.debug("Cannot read onnxruntime profile %s: %s", path, exc)
        return []
    finally:
        with contextlib.suppress(OSError):
            os.remove(path)
    return events if isinstance(events, list) else []


def strict_problem(requested: str, used: Sequence[str], placement: NodePlacement | None) -> str:
    """Why strict GPU mode refuses this session ('' when it may run)."""
    if requested == "cpu":
        return ""
    if not used or used[0] == CPU:
        return tr("Strict GPU mode: the model would run on the CPU, not on the GPU.")
    if placement is not None and placement.cpu_nodes:
        shown = ", ".join(placement.cpu_nodes[:8])
        more = len(placement.cpu_nodes) - 8
        return tr(
            "Strict GPU mode: {count} nodes fell back to the CPU: {nodes}.",
            count=len(placement.cpu_nodes),
            nodes=shown + (tr(" and {n} more", n=more) if more > 0 else ""),
        )
    return ""


_profile_dir: str | None = None
_profile_lock = threading.Lock()
_profile_counter = 0


def profile_prefix() -> str:
    """A fresh file prefix in this process's private profile folder (removed at exit)."""
    global _profile_dir, _profile_counter
    import atexit
    import tempfile

    with _profile_lock:
        if _profile_dir is None or not os.path.isdir(_profile_dir):
            _profile_dir = tempfile.mkdtemp(prefix="scholardesk-ort-profile-")
            atexit.register(shutil.rmtree, _profile_dir, True)
        _profile_counter += 1
        return os.path.join(_profile_dir, f"session{_profile_counter}")


def tensorrt_cache_dir() -> str:
    """Where TensorRT keeps built engines, so that a model's engine is built only once."""
    env = os.environ.get("SCHOLARDESK_TRT_CACHE")
    if env:
        return env
    from platformdirs import user_cache_dir

    return os.path.join(user_cache_dir("ScholarDesk", appauthor=False), "tensorrt")


def provider_list(providers: Sequence[str], gpu: GpuOptions = DEFAULT_GPU) -> list[Any]:
    """Providers for InferenceSession; TensorRT gets an engine cache (building an engine can
    take minutes, once), CUDA the cuDNN convolution search of ``gpu``."""
    out: list[Any] = []
    for name in providers:
        if name == TENSORRT:
            folder = tensorrt_cache_dir()
            os.makedirs(folder, exist_ok=True)
            out.append((name, {"trt_engine_cache_enable": "True",
                               "trt_engine_cache_path": folder}))
        elif name == CUDA:
            out.append((name, {"cudnn_conv_algo_search": gpu.conv_algo_search}))
        else:
            out.append(name)
    return out


def create_session(
    path: str, providers: Sequence[str], options: Any = None, gpu: GpuOptions = DEFAULT_GPU
) -> Any:
    """An InferenceSession with onnxruntime's fallback chatter captured into the log. When a
    GPU provider is asked for, pip-installed CUDA/cuDNN are preloaded first
    (``onnxruntime.preload_dlls``, when this onnxruntime has it)."""
    import onnxruntime as ort

    quiet_onnxruntime()
    if any(p in (CUDA, TENSORRT) for p in providers):
        _preload_gpu_libraries()
    with contextlib.redirect_stdout(io.StringIO()) as captured:
        session = ort.InferenceSession(
            path, sess_options=options or session_options(),
            providers=provider_list(providers, gpu),
        )
    chatter = captured.getvalue().strip()
    if chatter:
        logger.info("onnxruntime while creating the session: %s", chatter)
    return session


@cache
def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "CPU"


@cache
def gpu_name() -> str:
    exe = shutil.which("nvidia-smi")
    if not exe:
        return "NVIDIA GPU"
    try:
        out = subprocess.run(
            [exe, "--query-gpu=name", "--format=csv,noheader"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "NVIDIA GPU"
    return out.splitlines()[0].strip() if out else "NVIDIA GPU"


def device_for(used: Sequence[str]) -> str:
    if used and used[0] in (CUDA, TENSORRT):
        return gpu_name()
    return f"{cpu_name()} ({os.cpu_count() or 1} threads)"
