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

from scholardesk.core.errors import InputError
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


def session_options(threads: int = 0) -> Any:
    import onnxruntime as ort

    quiet_onnxruntime()
    options = ort.SessionOptions()
    options.log_severity_level = QUIET_SEVERITY
    if threads:
        options.intra_op_num_threads = threads
    return options


def tensorrt_cache_dir() -> str:
    """Where TensorRT keeps built engines, so that a model's engine is built only once."""
    env = os.environ.get("SCHOLARDESK_TRT_CACHE")
    if env:
        return env
    from platformdirs import user_cache_dir

    return os.path.join(user_cache_dir("ScholarDesk", appauthor=False), "tensorrt")


def provider_list(providers: Sequence[str]) -> list[Any]:
    """Providers for InferenceSession; TensorRT gets an engine cache (building an engine can
    take minutes, once)."""
    out: list[Any] = []
    for name in providers:
        if name == TENSORRT:
            folder = tensorrt_cache_dir()
            os.makedirs(folder, exist_ok=True)
            out.append((name, {"trt_engine_cache_enable": "True",
                               "trt_engine_cache_path": folder}))
        else:
            out.append(name)
    return out


def create_session(path: str, providers: Sequence[str], options: Any = None) -> Any:
    """An InferenceSession with onnxruntime's fallback chatter captured into the log."""
    import onnxruntime as ort

    quiet_onnxruntime()
    with contextlib.redirect_stdout(io.StringIO()) as captured:
        session = ort.InferenceSession(
            path, sess_options=options or session_options(), providers=provider_list(providers)
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
