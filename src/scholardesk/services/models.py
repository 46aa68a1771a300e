"""Models use cases: register ONNX files, inspect them, run task demos, benchmark.

Registering reads the graph (``inference.inspect``) and opens a CPU session once, so a file
that cannot load (truncated, corrupt, unsupported opset, missing external data) is refused with
a clear message and nothing is written. Runs and benchmarks reuse cached sessions and can be
cancelled between iterations; benchmark results (and demo runs on request) are saved as
experiment runs with source "demo", so they plot on the Experiments page.

numpy, onnx and onnxruntime are imported inside the methods (``import`` of this module stays
light).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scholardesk.core.config import Paths, Settings
from scholardesk.core.errors import InputError, NotFoundError
from scholardesk.core.progress import Progress, no_progress
from scholardesk.core.resources import resource_path
from scholardesk.domain.changes import EXPERIMENTS, MODELS, Changes
from scholardesk.domain.models import (
    ASR,
    GENERIC,
    IMAGE_CLASSIFICATION,
    TEXT_CLASSIFICATION,
    VAD,
    BenchResult,
    LayoutBox,
    LayoutResult,
    ModelArtifact,
    ModelInfo,
    NewModel,
    OcrLine,
    OcrResult,
    ProviderReport,
    RunResult,
    TensorSpec,
    char_error_rate,
    guess_task,
    normalise_task,
    parse_labels,
    word_error_rate,
)
from scholardesk.store.db import Database
from scholardesk.store.models_repo import ModelsRepository

if TYPE_CHECKING:
    from scholardesk.domain.experiments import NewRun
    from scholardesk.inference.runner import ModelRunner

logger = logging.getLogger(__name__)

BENCH_EXPERIMENT = "Model benchmarks"
DEMO_EXPERIMENT = "Model demo runs"

# The first-start sample library: (file, name, task, example input) under resources/sample/models.
SAMPLE_MODELS: tuple[tuple[str, str, str, str], ...] = (
    ("shapes_classifier.onnx", "Shapes classifier (demo)", IMAGE_CLASSIFICATION, "shape_circle.png"),
    ("topic_classifier.onnx", "Paper-title topics (demo)", TEXT_CLASSIFICATION, "topic_example.txt"),
    ("energy_vad.onnx", "Energy VAD (demo)", VAD, "speech_two_phrases.wav"),
    ("tone_speller.onnx", "Tone speller CTC (demo)", ASR, "tone_speller_hello.wav"),
)


@dataclass(frozen=True)
class AddResult:
    model: ModelArtifact
    created: bool
    changes: Changes = field(default_factory=lambda: Changes.of(MODELS))


@dataclass(frozen=True)
class BenchOutcome:
    results: tuple[BenchResult, ...]
    changes: Changes = field(default_factory=Changes)


@dataclass(frozen=True)
class ProviderStatus:
    """For the GUI/CLI: can this machine use the GPU providers, and if not, why."""

    available: tuple[str, ...]
    cuda_problem: str
    tensorrt_problem: str
    cpu: str


RecordRun = Callable[["NewRun"], int]


class ModelsService:
    area = MODELS

    def __init__(
        self,
        db: Database,
        paths: Paths,
        record_run: RecordRun | None = None,
        settings: Callable[[], Settings] | None = None,
    ) -> None:
        self.db = db
        self.paths = paths
        self._record_run = record_run
        self._settings = settings

    # -- registry ------------------------------------------------------------------------
    def add(
        self,
        path: Path,
        name: str | None = None,
        task: str | None = None,
        labels_file: Path | None = None,
        tokenizer: Path | None = None,
        vocab: Path | None = None,
        is_sample: bool = False,
        example: Path | None = None,
        frontend: str | None = None,
        cmvn: Path | None = None,
    ) -> AddResult:
        """Register an .onnx file (idempotent for the same file and content).

        ``frontend`` (``waveform`` or ``fbank``) and ``cmvn`` (a JSON file of per-bin mean and
        inverse std) choose a speech model's features; they are stored with the model."""
        from scholardesk.inference.inspect import inspect_model, sha256_of
        from scholardesk.inference.session_cache import default_cache

        path = Path(path).expanduser().resolve()
        if path.suffix.lower() != ".onnx" and not path.is_file():
            raise InputError(f"{path} does not exist.", "Give the path of an .onnx file.")
        info = inspect_model(path)
        # Really load it once: a graph onnx can parse may still be one onnxruntime refuses.
        default_cache().get(path, "cpu")
        chosen_task = normalise_task(task) if task else guess_task(info.inputs, info.metadata_dict, info.outputs)
        labels = self._labels(labels_file, info)
        assets: dict[str, str] = {}
        for kind, given in (("tokenizer", tokenizer), ("vocab", vocab), ("example", example)):
            found = Path(given).expanduser().resolve() if given else self._find_asset(path, kind, info)
            if found is not None:
                if not found.is_file():
                    raise InputError(f"The {kind} file {found} does not exist.")
                assets[kind] = str(found)
        if labels_file is not None:
            assets["labels"] = str(Path(labels_file).expanduser().resolve())
        if frontend is not None:
            from scholardesk.inference.tasks import fbank

            if frontend not in fbank.FRONTENDS:
                raise InputError(f"Unknown speech front end {frontend!r}.",
                                 f"Use one of: {', '.join(fbank.FRONTENDS)}.")
            assets["frontend"] = frontend
        if cmvn is not None:
            found_cmvn = Path(cmvn).expanduser().resolve()
            if not found_cmvn.is_file():
                raise InputError(f"The CMVN file {found_cmvn} does not exist.")
            assets["cmvn"] = str(found_cmvn)
        sha = sha256_of(path)
        with self.db.transaction() as session:
            repo = ModelsRepository(session)
            existing = repo.find(str(path), sha)
            if existing is not None:
                updated = repo.update(
                    existing.id,
                    name=name or None,
                    task=chosen_task if task else None,
                    labels=labels if labels_file else None,
                    assets={**dict(existing.assets), **assets} if assets else None,
                )
                assert updated is not None
                return AddResult(updated, created=False)
            model = repo.add(
                NewModel(
                    name=name or path.stem,
                    path=str(path),
                    sha256=sha,
                    size_bytes=path.stat().st_size + self._external_size(path, info),
                    task=chosen_task,
                    info=info,
                    labels=labels,
                    assets=tuple(sorted(assets.items())),
                    is_sample=is_sample,
                )
            )
        logger.info("Registered model %s (%s) from %s", model.name, model.task, path)
        return AddResult(model, created=True)

    @staticmethod
    def _external_size(path: Path, info: ModelInfo) -> int:
        return sum(
            (path.parent / f).stat().st_size
            for f in info.external_data_files
            if (path.parent / f).is_file()
        )

    @staticmethod
    def _labels(labels_file: Path | None, info: ModelInfo) -> tuple[str, ...]:
        if labels_file is not None:
            file = Path(labels_file).expanduser()
            try:
                return parse_labels(file.read_text(encoding="utf-8"))
            except FileNotFoundError as exc:
                raise InputError(f"The labels file {file} does not exist.") from exc
            except (ValueError, UnicodeDecodeError) as exc:
                raise InputError(
                    f"{file.name} is not a labels file ({exc}).",
                    "Use one label per line, or a JSON list of labels.",
                ) from exc
        raw = info.metadata_dict.get("scholardesk.labels") or info.metadata_dict.get("labels")
        if raw:
            try:
                return parse_labels(raw if raw.lstrip().startswith(("[", "{")) else raw.replace(",", "\n"))
            except ValueError:
                logger.warning("Ignoring unreadable labels in the model's metadata")
        return ()

    @staticmethod
    def _find_asset(model_path: Path, kind: str, info: ModelInfo) -> Path | None:
        """Companion files next to the model: named in its metadata or by convention."""
        declared = info.metadata_dict.get(f"scholardesk.{kind}")
        candidates: list[Path] = []
        if declared:
            candidates.append(model_path.parent / declared)
        stem = model_path.stem
        if kind == "tokenizer":
            candidates += [model_path.parent / f"{stem}.tokenizer.json",
                           model_path.parent / "tokenizer.json"]
        elif kind == "vocab":
            candidates += [model_path.parent / f"{stem}.vocab.txt",
                           model_path.parent / f"{stem}.vocab.json",
                           model_path.parent / "vocab.json", model_path.parent / "tokens.txt"]
        for candidate in candidates:
            if candidate.is_file():
                return candidate.resolve()
        return None

    def list(self) -> list[ModelArtifact]:
        with self.db.reading() as session:
            return ModelsRepository(session).list()

    def get(self, ref: int | str) -> ModelArtifact:
        """A model by id, or by name (case-insensitive)."""
        with self.db.reading() as session:
            repo = ModelsRepository(session)
            text = str(ref).strip()
            if text.isdigit():
                found = repo.get(int(text))
                if found is not None:
                    return found
            matches = repo.find_by_name(text)
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise InputError(
                f"{len(matches)} models are called {text!r}.", "Use the model's id (models list)."
            )
        raise NotFoundError(f"No model {text!r} is registered.", "See `scholardesk models list`.")

    def update(
        self,
        ref: int | str,
        name: str | None = None,
        task: str | None = None,
        labels: Sequence[str] | None = None,
    ) -> AddResult:
        model = self.get(ref)
        with self.db.transaction() as session:
            updated = ModelsRepository(session).update(
                model.id,
                name=name,
                task=normalise_task(task) if task else None,
                labels=tuple(labels) if labels is not None else None,
            )
        assert updated is not None
        return AddResult(updated, created=False)

    def remove(self, ref: int | str) -> Changes:
        model = self.get(ref)
        with self.db.transaction() as session:
            ModelsRepository(session).delete(model.id)
        return Changes.of(MODELS)

    # -- inspect -------------------------------------------------------------------------
    def model_file(self, model: ModelArtifact) -> Path:
        path = Path(model.path)
        if path.is_file():
            return path
        if model.is_sample:  # the installation moved: find the shipped copy again
            shipped = resource_path("sample", "models", path.name)
            if shipped.is_file():
                return shipped
        raise InputError(
            f"The model file {path} of {model.name!r} is gone.",
            "Put it back, or remove the model and add it again from its new place.",
        )

    def inspect(self, ref_or_file: int | str | Path) -> ModelInfo:
        from scholardesk.inference.inspect import inspect_model

        candidate = Path(str(ref_or_file)).expanduser()
        if candidate.suffix.lower() == ".onnx" or (candidate.is_file() and not str(ref_or_file).isdigit()):
            return inspect_model(candidate)
        return inspect_model(self.model_file(self.get(str(ref_or_file))))

    def provider_status(self) -> ProviderStatus:
        import onnxruntime as ort

        from scholardesk.inference import providers as prov

        cuda = prov.find_missing(prov.CUDA)
        trt = prov.find_missing(prov.TENSORRT)
        return ProviderStatus(
            available=tuple(ort.get_available_providers()),
            cuda_problem=cuda.sentence() if cuda else "",
            tensorrt_problem=trt.sentence() if trt else "",
            cpu=prov.device_for([prov.CPU]),
        )

    # -- run -----------------------------------------------------------------------------
    def gpu_options(self, strict: bool | None = None, conv_algo_search: str | None = None) -> Any:
        """``GpuOptions`` from the settings (``gpu_strict``, ``cudnn_conv_algo_search``), with
        ``--strict-gpu`` / ``--cudnn-search`` winning over them."""
        from scholardesk.inference.providers import GpuOptions

        settings = self._settings() if self._settings is not None else Settings()
        return GpuOptions(
            strict=bool(settings.gpu_strict) if strict is None else strict,
            conv_algo_search=conv_algo_search or str(settings.cudnn_conv_algo_search),
        )

    def _runner(self, model: ModelArtifact, provider: str, gpu: Any = None) -> ModelRunner:
        from scholardesk.inference.runner import ModelRunner
        from scholardesk.inference.session_cache import default_cache

        options = gpu if gpu is not None else self.gpu_options()
        return ModelRunner(default_cache().get(self.model_file(model), provider, gpu=options))

    def example_input(self, model: ModelArtifact) -> Path | None:
        example = model.asset("example")
        if example and Path(example).is_file():
            return Path(example)
        if example and model.is_sample:
            shipped = resource_path("sample", "models", Path(example).name)
            if shipped.is_file():
                return shipped
        return None

    def run(
        self,
        ref: int | str,
        inputs: Sequence[Path] = (),
        provider: str = "auto",
        text: str | None = None,
        reference: str | None = None,
        top_k: int = 5,
        save: bool = False,
        progress: Progress | None = None,
        named_inputs: Mapping[str, Path] | None = None,
        save_outputs: Path | None = None,
        strict_gpu: bool | None = None,
        conv_algo_search: str | None = None,
    ) -> RunResult:
        """One demo run on the user's input (the model's example input when none is given).

        Array inputs (``.npy`` / ``.npz`` / ``.json``, positional or ``named_inputs``) or
        ``save_outputs`` run the model as it is, whatever its task: every output is summarised
        and, with ``save_outputs``, written as ``<output name>.npy`` in that folder."""
        from scholardesk.inference.tasks import generic

        progress = progress or no_progress()
        model = self.get(ref)
        paths = [Path(p).expanduser() for p in inputs]
        named = {k: Path(v).expanduser() for k, v in (named_inputs or {}).items()}
        raw = bool(named) or save_outputs is not None or (
            bool(paths) and all(generic.is_array_file(p) for p in paths))
        if not paths and not raw and text is None and model.task != GENERIC:
            example = self.example_input(model)
            if example is None:
                raise InputError(
                    f"No input given for {model.name!r}.",
                    "Choose an input file (an image, a WAV file, a text file or .npy arrays).",
                )
            paths = [example]
        progress.report(0, None, "loading the model")
        runner = self._runner(model, provider, self.gpu_options(strict_gpu, conv_algo_search))
        progress.check()
        if raw or model.task == GENERIC:
            result = self._run_generic(runner, paths, named, save_outputs)
        elif model.task == IMAGE_CLASSIFICATION:
            result = self._run_image(model, runner, paths[0], top_k)
        elif model.task == TEXT_CLASSIFICATION:
            result = self._run_text(model, runner, paths, text, top_k)
        elif model.task == VAD:
            result = self._run_vad(model, runner, paths[0], progress)
        elif model.task == ASR:
            result = self._run_asr(model, runner, paths[0], reference)
        else:
            result = self._run_generic(runner, paths, named, save_outputs)
        if save:
            result = self._save_demo(model, result)
        return result

    def _result(self, runner: ModelRunner, task: str, latency_ms: float, **fields: Any) -> RunResult:
        return RunResult(
            task=task,
            providers_used=runner.providers_used,
            latency_ms=latency_ms,
            notes=runner.report.notes,
            nodes=runner.report.nodes,
            **fields,
        )

    def _run_image(self, model: ModelArtifact, runner: ModelRunner, path: Path, k: int) -> RunResult:
        from scholardesk.inference.tasks import image_classification as img

        spec = runner.inputs[0]
        prep = img.preprocessing_for(spec, dict(model.metadata))
        array = img.load_image(path, prep, spec.dtype if spec.dtype.startswith("float") else "float32")
        outputs, ms = runner.timed_run({spec.name: array})
        top = img.top_k(outputs[0][0], model.labels, k)
        return self._result(runner, IMAGE_CLASSIFICATION, ms, top=top)

    def _run_text(
        self,
        model: ModelArtifact,
        runner: ModelRunner,
        paths: Sequence[Path],
        text: str | None,
        k: int,
    ) -> RunResult:
        from scholardesk.inference.tasks import image_classification as img
        from scholardesk.inference.tasks import text_classification as txt

        tokenizer_path = model.asset("tokenizer")
        if not tokenizer_path:
            raise InputError(
                f"{model.name!r} has no tokenizer.json.",
                "Add the model again with --tokenizer FILE (its Hugging Face tokenizer.json).",
            )
        tokenizer_file = Path(tokenizer_path)
        if not tokenizer_file.is_file() and model.is_sample:
            tokenizer_file = resource_path("sample", "models", tokenizer_file.name)
        tokenizer = txt.load_tokenizer(tokenizer_file)
        content = text if text is not None else txt.read_text(paths[0])
        if not content.strip():
            raise InputError("The text to classify is empty.")
        feeds = txt.encode([content], tokenizer, runner.inputs, dict(model.metadata))
        outputs, ms = runner.timed_run(feeds)
        return self._result(runner, TEXT_CLASSIFICATION, ms, top=img.top_k(outputs[0][0], model.labels, k))

    def _run_vad(
        self, model: ModelArtifact, runner: ModelRunner, path: Path, progress: Progress
    ) -> RunResult:
        import time

        from scholardesk.inference.tasks import audio

        audio.check_vad_signature(runner.inputs)
        rate = int(dict(model.metadata).get("scholardesk.sample_rate", "16000"))
        if rate not in audio.VAD_RATES:
            rate = 16000
        sound = audio.read_wav(path)
        samples = audio.resample(sound.samples, sound.rate, rate)
        start = time.perf_counter()
        probs = audio.vad_probabilities(runner, samples, rate, progress)
        ms = (time.perf_counter() - start) * 1000.0
        chunk, _ = audio.chunk_sizes(rate)
        duration = len(samples) / rate
        segments = audio.speech_segments([float(p) for p in probs], chunk / rate, duration)
        return self._result(
            runner, VAD, ms,
            segments=segments,
            waveform=audio.envelope(samples),
            duration_s=duration,
            frame_probabilities=tuple(float(p) for p in probs),
            frame_s=chunk / rate,
        )

    def _run_asr(
        self, model: ModelArtifact, runner: ModelRunner, path: Path, reference: str | None
    ) -> RunResult:
        import time

        from scholardesk.inference.tasks import audio

        vocab_path = model.asset("vocab")
        if not vocab_path:
            raise InputError(
                f"{model.name!r} has no vocabulary file.",
                "Add the model again with --vocab FILE (vocab.json or one token per line).",
            )
        vocab_file = Path(vocab_path)
        if not vocab_file.is_file() and model.is_sample:
            vocab_file = resource_path("sample", "models", vocab_file.name)
        vocab = audio.load_vocab(vocab_file)
        meta = dict(model.metadata)
        rate = int(meta.get("scholardesk.sample_rate", "16000"))
        sound = audio.read_wav(path)
        samples = audio.resample(sound.samples, sound.rate, rate)
        frame = int(meta.get("scholardesk.frame_samples", "1"))
        if frame > 1:
            samples = samples[: len(samples) - len(samples) % frame]
        from scholardesk.inference.tasks import fbank

        front = fbank.choose(runner.inputs, meta, dict(model.assets))
        if front.kind == fbank.FBANK:
            start = time.perf_counter()
            feeds = fbank.feeds(runner.inputs, fbank.features(front, samples, rate))
            feature_ms = (time.perf_counter() - start) * 1000.0
        else:
            waveform = audio.asr_waveform(samples, normalise=meta.get("scholardesk.normalize", "1") != "0")
            feeds, feature_ms = {runner.inputs[0].name: waveform}, 0.0
        outputs, ms = runner.timed_run(feeds)
        ms += feature_ms
        text = audio.ctc_greedy(outputs[0], vocab)
        fields: dict[str, Any] = {"text": text, "waveform": audio.envelope(samples), "frontend": front.kind,
                                  "duration_s": len(samples) / rate}
        if reference:
            ref_path = Path(reference).expanduser()
            ref_text = ref_path.read_text(encoding="utf-8").strip() if ref_path.is_file() else reference
            fields.update(reference=ref_text, wer=word_error_rate(ref_text, text),
                          cer=char_error_rate(ref_text, text))
        return self._result(runner, ASR, ms, **fields)

    def _run_generic(
        self,
        runner: ModelRunner,
        paths: Sequence[Path],
        named: Mapping[str, Path] | None = None,
        save_outputs: Path | None = None,
    ) -> RunResult:
        from scholardesk.inference.runner import random_feeds
        from scholardesk.inference.tasks import generic

        if paths or named:
            feeds = generic.load_inputs(paths, runner.inputs, named)
            problem = runner.check_feeds(feeds)
            if problem:
                raise InputError(problem, "Give an input of the shape and type the model expects "
                                          "(models inspect shows the signature).")
        else:
            feeds = random_feeds(runner.inputs)
        outputs, ms = runner.timed_run(feeds)
        described = generic.describe_outputs(runner.output_names, outputs)
        if save_outputs is not None:
            summaries = generic.save_outputs(Path(save_outputs).expanduser(), runner.output_names,
                                             outputs)
        else:
            summaries = tuple(generic.summarise(n, v)
                              for n, v in zip(runner.output_names, outputs, strict=False))
        return self._result(runner, GENERIC, ms, outputs=described, summaries=summaries)

    # -- OCR and layout ------------------------------------------------------------------
    @staticmethod
    def _read_rgb(path: Path) -> Any:
        import numpy as np
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(path) as image:
                return np.asarray(image.convert("RGB"))
        except FileNotFoundError as exc:
            raise InputError(f"{path} does not exist.") from exc
        except (UnidentifiedImageError, OSError) as exc:
            raise InputError(f"{path.name} is not an image Pillow can read ({exc}).",
                             "Use a PNG, JPEG, BMP or WebP file.") from exc

    def page_image(self, source: Path, page: int = 1) -> Any:
        """The RGB array [H, W, 3] of an image file, or of one page of a PDF (pypdfium2)."""
        from scholardesk.inference.tasks import layout

        path = Path(source).expanduser()
        if path.suffix.lower() == ".pdf":
            return layout.render_pdf_page(path, page)
        return self._read_rgb(path)

    def ocr(
        self,
        image: Path,
        det: int | str,
        rec: int | str,
        provider: str = "auto",
        dictionary: Path | None = None,
        cls: int | str | None = None,
        strict_gpu: bool | None = None,
    ) -> OcrResult:
        """Detect text lines with ``det`` and read each with ``rec`` (paired PaddleOCR models);
        with ``cls``, a text-line orientation classifier first turns upside-down lines."""
        import time

        from scholardesk.inference.tasks import ocr

        det_model, rec_model = self.get(det), self.get(rec)
        gpu = self.gpu_options(strict_gpu)
        det_runner = self._runner(det_model, provider, gpu)
        rec_runner = self._runner(rec_model, provider, gpu)
        cls_runner = self._runner(self.get(cls), provider, gpu) if cls is not None else None
        ocr.check_image_input(det_runner.inputs[0].shape, "text-detection", det_runner.inputs[0].name)
        ocr.check_image_input(rec_runner.inputs[0].shape, "text-recognition", rec_runner.inputs[0].name)
        if dictionary is not None:
            try:
                characters: list[str] | None = ocr.load_dictionary(
                    Path(dictionary).expanduser().read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError) as exc:
                raise InputError(f"The dictionary {dictionary} cannot be read ({exc}).") from exc
        else:
            characters = ocr.characters_from_metadata(dict(rec_model.metadata))
        if characters is None:
            raise InputError(
                f"{rec_model.name!r} has no character dictionary in its metadata.",
                "Give the dictionary file it was trained with (--dict FILE, one character per line).",
            )
        num_classes = rec_runner.outputs[0].shape[-1]
        if not isinstance(num_classes, int):
            num_classes = len(characters) + 2
        classes = ocr.ctc_classes(characters, num_classes)
        rgb = self._read_rgb(Path(image).expanduser())
        bgr = ocr.to_bgr(rgb)
        start = time.perf_counter()
        boxes = ocr.detect(det_runner.run, det_runner.inputs[0].name, bgr)
        crops = [ocr.crop(bgr, b) for b in boxes]
        if cls_runner is not None and crops:
            ocr.check_image_input(cls_runner.inputs[0].shape, "text-direction", cls_runner.inputs[0].name)
            crops, _turned = ocr.upright(cls_runner.run, cls_runner.inputs[0].name, crops)
        texts = ocr.recognise(rec_runner.run, rec_runner.inputs[0].name, crops, classes)
        ms = (time.perf_counter() - start) * 1000.0
        lines = tuple(OcrLine(t.text, t.score, b.points)
                      for b, t in zip(boxes, texts, strict=True) if t.text.strip())
        notes = () if lines else (f"No text was found in {Path(image).name}.",)
        used = tuple(dict.fromkeys(det_runner.providers_used + rec_runner.providers_used
                                   + (cls_runner.providers_used if cls_runner else ())))
        return OcrResult(lines, used, ms, (rgb.shape[1], rgb.shape[0]),
                         notes + det_runner.report.notes)

    def layout(
        self,
        source: Path,
        ref: int | str,
        page: int = 1,
        threshold: float = 0.5,
        provider: str = "auto",
        strict_gpu: bool | None = None,
    ) -> LayoutResult:
        """Layout boxes of a page image, or of one page of a PDF (rendered with pypdfium2)."""
        import time

        from scholardesk.inference.tasks import layout, ocr

        model = self.get(ref)
        runner = self._runner(model, provider, self.gpu_options(strict_gpu))
        spec = runner.inputs[0]
        ocr.check_image_input(spec.shape, "layout-detection", spec.name)
        height, width = spec.shape[2], spec.shape[3]
        if not isinstance(height, int) or not isinstance(width, int):
            height, width = 800, 608
        path = Path(source).expanduser()
        rgb = layout.render_pdf_page(path, page) if path.suffix.lower() == ".pdf" else self._read_rgb(path)
        labels = layout.labels_from_metadata(dict(model.metadata), runner.outputs[0].shape[-1] or 0)
        start = time.perf_counter()
        found = layout.detect(runner.run, spec.name, (height, width),
                              [o.shape for o in runner.outputs], rgb, labels, threshold)
        ms = (time.perf_counter() - start) * 1000.0
        boxes = tuple(LayoutBox(d.label, d.score, d.box) for d in found)
        notes = () if boxes else (f"No layout region scored {threshold:.2f} or more.",)
        return LayoutResult(boxes, runner.providers_used, ms, (rgb.shape[1], rgb.shape[0]),
                            threshold, notes + runner.report.notes)

    # -- benchmark -----------------------------------------------------------------------
    def bench_feeds(self, model: ModelArtifact, runner: ModelRunner) -> Callable[[int], dict[str, Any]]:
        from scholardesk.inference.runner import random_feeds
        from scholardesk.inference.tasks import audio
        from scholardesk.inference.tasks import image_classification as img

        if model.task == VAD:
            return lambda batch: audio.vad_feeds(runner.inputs, batch)
        if model.task == IMAGE_CLASSIFICATION:
            prep = img.preprocessing_for(runner.inputs[0], dict(model.metadata))
            name = runner.inputs[0].name
            return lambda batch: {name: img.random_images(prep, batch)}
        if model.task == ASR:
            rate = int(dict(model.metadata).get("scholardesk.sample_rate", "16000"))
            return lambda batch: random_feeds(runner.inputs, batch, {"samples": rate, "sequence": rate})
        return lambda batch: random_feeds(runner.inputs, batch, {"sequence": 32})

    def bench(
        self,
        ref: int | str,
        provider: str = "auto",
        batches: Sequence[int] = (1,),
        warmup: int = 10,
        runs: int = 100,
        save: bool = False,
        progress: Progress | None = None,
        strict_gpu: bool | None = None,
        conv_algo_search: str | None = None,
    ) -> BenchOutcome:
        from scholardesk.inference.bench import benchmark

        progress = progress or no_progress()
        model = self.get(ref)
        runner = self._runner(model, provider, self.gpu_options(strict_gpu, conv_algo_search))
        fixed_batch = self._fixed_batch(runner.inputs)
        if fixed_batch is not None and any(b != fixed_batch for b in batches):
            raise InputError(
                f"{model.name!r} takes exactly batch {fixed_batch} (its first input dimension is "
                "fixed), so other batch sizes cannot be measured.",
                f"Use --batch {fixed_batch}, or export the model with a dynamic batch axis.",
            )
        results = tuple(
            benchmark(runner, self.bench_feeds(model, runner), batches, warmup, runs, progress)
        )
        changes = Changes()
        if save:
            results = self._save_bench(model, results)
            changes = Changes.of(EXPERIMENTS)
        return BenchOutcome(tuple(results), changes)

    @staticmethod
    def _fixed_batch(inputs: Sequence[TensorSpec]) -> int | None:
        for spec in inputs:
            if spec.rank and isinstance(spec.shape[0], int) and spec.name != "state":
                return spec.shape[0]
        return None

    # -- experiments ---------------------------------------------------------------------
    def _framework(self, report_used: Sequence[str]) -> str:
        import onnxruntime as ort

        provider = report_used[0] if report_used else "CPUExecutionProvider"
        return f"onnxruntime {ort.__version__} ({provider.replace('ExecutionProvider', '')})"

    def _save_bench(
        self, model: ModelArtifact, results: Sequence[BenchResult]
    ) -> tuple[BenchResult, ...]:
        from dataclasses import replace

        from scholardesk.domain.experiments import NewRun

        if self._record_run is None:
            raise InputError("Saving benchmarks needs the Experiments feature, which is not available.")
        saved = []
        for r in results:
            run = NewRun(
                experiment=BENCH_EXPERIMENT,
                model=model.name,
                dataset=f"random {model.task} inputs",
                protocol=f"batch {r.batch}, {r.warmup} warm-up + {r.runs} timed runs",
                hardware=r.device,
                framework=self._framework(r.providers_used),
                params={
                    "batch": str(r.batch),
                    "provider_requested": r.provider_requested,
                    "providers_used": ",".join(r.providers_used),
                    "runs": str(r.runs),
                    "warmup": str(r.warmup),
                    "sha256": model.sha256,
                },
                source="demo",
                reference=model.path,
                results=[
                    ("latency_p50_ms", r.p50_ms, False),
                    ("latency_p90_ms", r.p90_ms, False),
                    ("latency_p99_ms", r.p99_ms, False),
                    ("throughput_per_s", r.throughput_per_s, True),
                    ("peak_memory_mb", r.peak_memory_mb, False),
                    *([("first_run_ms", r.first_run_ms, False)] if r.first_run_ms is not None else []),
                    *([("gpu_memory_mb", r.gpu_memory_mb, False)] if r.gpu_memory_mb is not None else []),
                ],
                name=f"{model.name} b{r.batch} {r.providers_used[0].replace('ExecutionProvider', '')}",
                notes=" ".join(r.notes),
            )
            saved.append(replace(r, run_id=self._record_run(run)))
        return tuple(saved)

    def _save_demo(self, model: ModelArtifact, result: RunResult) -> RunResult:
        from scholardesk.domain.experiments import NewRun

        if self._record_run is None:
            return result
        metrics: list[tuple[str, float, bool]] = [("latency_ms", result.latency_ms, False)]
        if result.top:
            metrics.append(("top1_probability", result.top[0].probability, True))
        if result.wer is not None and result.cer is not None:
            metrics += [("wer", result.wer, False), ("cer", result.cer, False)]
        if result.task == VAD:
            metrics.append(("speech_segments", float(len(result.segments)), True))
        from scholardesk.inference.providers import device_for

        self._record_run(
            NewRun(
                experiment=DEMO_EXPERIMENT,
                model=model.name,
                dataset=result.task,
                hardware=device_for(result.providers_used),
                framework=self._framework(result.providers_used),
                params={"providers_used": ",".join(result.providers_used), "sha256": model.sha256},
                source="demo",
                reference=model.path,
                results=metrics,
            )
        )
        return result

    # -- sample data ---------------------------------------------------------------------
    def load_sample(self) -> None:
        folder = resource_path("sample", "models")
        for filename, name, task, example in SAMPLE_MODELS:
            path = folder / filename
            if not path.is_file():
                logger.warning("Sample model %s is missing from this installation", path)
                continue
            labels = folder / filename.replace(".onnx", ".labels.txt")
            self.add(
                path,
                name=name,
                task=task,
                labels_file=labels if labels.is_file() else None,
                is_sample=True,
                example=folder / example,
            )

    def delete_sample(self) -> int:
        with self.db.transaction() as session:
            return ModelsRepository(session).delete_samples()


def provider_report_lines(report: ProviderReport) -> list[str]:
    """Human lines describing where a session runs."""
    used = ", ".join(p.replace("ExecutionProvider", "") for p in report.used) or "?"
    return [f"providers used: {used} on {report.device}", *report.notes]
