"""onnxruntime sessions are created once per (file, provider choice) and reused.

Creating a session parses and optimises the graph (and, on the GPU, builds kernels or TensorRT
engines), which costs far more than one run. The cache keys on the file's path, size and
modification time so that an edited file gets a fresh session, and keeps the few most recently
used sessions (least recently used ones are dropped).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from scholardesk.core.errors import InputError
from scholardesk.core.i18n import tr
from scholardesk.domain.models import ProviderReport
from scholardesk.inference import providers as prov

logger = logging.getLogger(__name__)


@dataclass
class CachedSession:
    """A session and what is known about where it runs.

    The session is created with onnxruntime's profiler on; the first run ends the profile
    (``first_run_done``), which fills ``report.nodes`` (provider → nodes it ran),
    ``report.cpu_nodes`` and ``report.first_run_ms``. Profiling was chosen over
    ``session.get_providers()`` alone because a CUDA session always lists the CPU provider
    too: only the profile says which nodes really ran where."""

    session: Any
    report: ProviderReport
    gpu: prov.GpuOptions = prov.DEFAULT_GPU
    profiling: bool = False
    refused: str = ""  # strict GPU mode: why this session may not run
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def first_run_done(self, ms: float) -> None:
        """End the profile of the first run and record where its nodes ran; in strict GPU mode
        a fallback to the CPU becomes a ``StrictGpuError`` naming the nodes."""
        with self._lock:
            if not self.profiling:
                return
            self.profiling = False
            try:
                path = self.session.end_profiling()
            except prov.ort_errors() as exc:
                logger.debug("end_profiling failed: %s", exc)
                path = ""
            placement = prov.parse_profile(prov.read_profile(path)) if path else None
            gpu_session = bool(self.report.used) and self.report.used[0] != prov.CPU
            self.report = replace(
                self.report,
                nodes=placement.counts if placement else (),
                cpu_nodes=placement.cpu_nodes if placement and gpu_session else (),
                first_run_ms=ms,
            )
            if placement is not None:
                logger.info("nodes by provider: %s", self.report.nodes_text())
                if gpu_session and placement.cpu_nodes:
                    logger.info("GPU session runs %d nodes on the CPU: %s",
                                len(placement.cpu_nodes), ", ".join(placement.cpu_nodes[:20]))
            if self.gpu.strict:
                self.refused = prov.strict_problem(
                    self.report.requested, self.report.used,
                    placement if gpu_session else None,
                )
        self.check_allowed()

    def check_allowed(self) -> None:
        if self.refused:
            raise prov.StrictGpuError(self.refused, _strict_hint())


def _strict_hint() -> str:
    return tr(
        "Turn strict GPU mode off (Settings, or leave out --strict-gpu) to let these run on "
        "the CPU, or choose --provider cpu."
    )


def _explain_load_error(path: Path, exc: BaseException) -> InputError:
    text = str(exc)
    lowered = text.lower()
    if "opset" in lowered and ("not supported" in lowered or "unsupported" in lowered or
                               "is under development" in lowered or "only" in lowered):
        return InputError(
            f"{path.name} uses an ONNX opset onnxruntime cannot run: {text.strip()[:300]}",
            "Export the model with a supported opset (7 to the newest onnxruntime lists).",
        )
    if "external" in lowered or "no such file" in lowered or "cannot open" in lowered:
        return InputError(
            f"{path.name} could not load its external weight data: {text.strip()[:300]}",
            "Keep the .data file(s) exported with the model in the same folder.",
        )
    if "protobuf" in lowered or "parse" in lowered or "invalid_protobuf" in lowered:
        return InputError(
            f"{path.name} is not a readable ONNX model (truncated or corrupt).",
            "Export or download the model again.",
        )
    return InputError(
        f"onnxruntime cannot load {path.name}: {text.strip()[:400]}",
        "Check that the model runs with onnxruntime (e.g. export it again with a standard opset).",
    )


def _refuse_outside_weights(path: Path) -> None:
    """A model whose external data leaves its folder is refused before onnxruntime opens
    anything (whatever onnxruntime's own checks in the installed version)."""
    from scholardesk.inference.inspect import load_proto, refuse_outside_external_data

    if not path.is_file():
        return  # onnxruntime's error says so
    try:
        model = load_proto(path)
    except InputError:
        return  # unreadable: onnxruntime's error explains it
    refuse_outside_external_data(path, model)


def open_session(
    path: Path, choice: str = "auto", threads: int = 0, gpu: prov.GpuOptions = prov.DEFAULT_GPU,
    profile: bool = True,
) -> CachedSession:
    """A new session on the best usable providers for ``choice`` (no caching).

    In strict GPU mode (``gpu.strict``) a GPU choice that cannot start a GPU provider is a
    ``StrictGpuError`` naming the missing piece, never a silent CPU run."""
    _refuse_outside_weights(path)
    tried, notes = prov.plan_providers(choice)
    if gpu.strict and choice != "cpu" and all(p == prov.CPU for p in tried):
        reasons = dict.fromkeys(
            m.reason() for m in (prov.find_missing(p) for p in prov.chain_for(choice)) if m)
        raise prov.StrictGpuError(
            tr("Strict GPU mode: {provider} was asked for, but cannot start: {reason}.",
               provider=choice if choice != "auto" else "a GPU",
               reason="; ".join(reasons) or tr("onnxruntime refused it")),
            _strict_hint(),
        )
    options = prov.session_options(threads, prov.profile_prefix() if profile else "")
    try:
        session = prov.create_session(str(path), tried, options, gpu)
    except prov.ort_errors() as exc:
        if not path.is_file():
            raise InputError(f"{path} does not exist.", "Check the model file's path.") from exc
        raise _explain_load_error(path, exc) from exc
    used = tuple(session.get_providers())
    notes_list = list(notes)
    wanted_gpu = [p for p in tried if p != prov.CPU]
    if wanted_gpu and (not used or used[0] == prov.CPU):
        notes_list.append(
            tr(
                "onnxruntime could not start {providers} for this model and runs it on the CPU "
                "(see the log file for its message).",
                providers=", ".join(prov.DISPLAY_NAMES[p] for p in wanted_gpu),
            )
        )
    report = ProviderReport(
        requested=choice,
        tried=tried,
        used=used,
        notes=tuple(notes_list),
        device=prov.device_for(used),
    )
    for note in report.notes:
        logger.info("%s: %s", path.name, note)
    cached = CachedSession(session, report, gpu, profiling=profile)
    if gpu.strict and choice != "cpu":
        cached.refused = prov.strict_problem(choice, used, None)
        cached.check_allowed()
    return cached


class SessionCache:
    def __init__(self, capacity: int = 4) -> None:
        self.capacity = capacity
        self._items: OrderedDict[tuple[object, ...], CachedSession] = OrderedDict()
        self._lock = threading.Lock()
        self.created = 0

    def get(
        self, path: Path, choice: str = "auto", threads: int = 0,
        gpu: prov.GpuOptions = prov.DEFAULT_GPU,
    ) -> CachedSession:
        try:
            stat = path.stat()
        except OSError as exc:
            raise InputError(f"{path} does not exist.", "Check the model file's path.") from exc
        key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, choice, threads, gpu)
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
                hit.check_allowed()
                return hit
            # Creating under the lock: two threads asking for the same model share one session.
            created = open_session(path, choice, threads, gpu)
            self.created += 1
            self._items[key] = created
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)
            return created

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


_default: SessionCache | None = None
_default_lock = threading.Lock()


def default_cache() -> SessionCache:
    global _default
    with _default_lock:
        if _default is None:
            _default = SessionCache()
        return _default
